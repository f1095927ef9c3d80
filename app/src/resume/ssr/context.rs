//! What the writer is told: the skill profile, ranked and trimmed to a
//! token budget, as one JSON data block in which every item has a short
//! reference (`S1` skill, `R1` repository, `C1` contributed-to repository,
//! `P1` pull request). Repository text is untrusted and stays inside the
//! data block, quoted as JSON strings; the instructions say so.

use crate::profile::types::{SkillKind, SkillProfile};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Prompt tokens allowed for a whole résumé request, instructions included.
pub const PROMPT_BUDGET: usize = 6000;

#[derive(Debug, Clone, PartialEq)]
pub struct RefItem {
    /// `skill`, `repository`, `contribution` or `pull_request`
    pub kind: &'static str,
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Context {
    /// The data block, JSON.
    pub data: String,
    pub refs: BTreeMap<String, RefItem>,
    /// Estimated tokens of `data`.
    pub tokens: usize,
}

/// Tokens of `s` as OpenAI's current models count them (`o200k_base`).
/// Other endpoints' tokenizers differ a little; the budget leaves room.
pub fn count_tokens(s: &str) -> usize {
    tiktoken_rs::o200k_base_singleton().encode_ordinary(s).len()
}

fn cut(s: &Option<String>, max: usize) -> Value {
    match s {
        Some(t) if !t.is_empty() => Value::String(crate::profile::types::truncate_chars(t, max)),
        _ => Value::Null,
    }
}

fn month(s: &Option<String>) -> Value {
    s.as_deref().map(|t| Value::String(t.chars().take(7).collect())).unwrap_or(Value::Null)
}

struct Limits {
    skills: usize,
    repos: usize,
    readme: usize,
    description: usize,
    contributions: usize,
    prs: usize,
}

fn render(profile: &SkillProfile, l: &Limits) -> (Value, BTreeMap<String, RefItem>) {
    let mut refs = BTreeMap::new();
    let a = &profile.account;
    let skills: Vec<Value> = profile
        .skills
        .iter()
        .take(l.skills)
        .enumerate()
        .map(|(i, s)| {
            let id = format!("S{}", i + 1);
            let url = s.evidence.first().map(|e| e.url.clone()).unwrap_or_else(|| a.url.clone());
            refs.insert(id.clone(), RefItem { kind: "skill", label: s.name.clone(), url });
            json!({
                "id": id,
                "name": s.name,
                "kind": if s.kind == SkillKind::Language { "language" } else { "technology" },
                "category": s.category,
                "score": s.score.round(),
                "repositories": s.repo_count,
                "since": month(&s.first_used),
                "last_used": month(&s.last_used),
            })
        })
        .collect();
    let repos: Vec<Value> = profile
        .repositories
        .iter()
        .filter(|r| r.rank.is_some())
        .take(l.repos)
        .enumerate()
        .map(|(i, r)| {
            let id = format!("R{}", i + 1);
            refs.insert(
                id.clone(),
                RefItem { kind: "repository", label: r.name_with_owner.clone(), url: r.url.clone() },
            );
            json!({
                "id": id,
                "name": r.name_with_owner,
                "description": cut(&r.description, l.description),
                "readme_excerpt": cut(&r.readme_excerpt, l.readme),
                "languages": r.languages.iter().take(4).map(|x| x.name.clone()).collect::<Vec<_>>(),
                "technologies": r.technologies,
                "stars": r.stars,
                "created": month(&r.created_at),
                "last_push": month(&r.pushed_at),
                "archived": r.is_archived,
                "fork_of": r.fork_of,
            })
        })
        .collect();
    let mut pr_n = 0;
    let contributions: Vec<Value> = profile
        .contributions
        .iter()
        .take(l.contributions)
        .enumerate()
        .map(|(i, c)| {
            let id = format!("C{}", i + 1);
            refs.insert(id.clone(), RefItem { kind: "contribution", label: c.repository.clone(), url: c.url.clone() });
            let prs: Vec<Value> = c
                .pull_requests
                .iter()
                .take(l.prs)
                .map(|p| {
                    pr_n += 1;
                    let pid = format!("P{pr_n}");
                    refs.insert(
                        pid.clone(),
                        RefItem { kind: "pull_request", label: p.title.clone(), url: p.url.clone() },
                    );
                    json!({ "id": pid, "title": p.title, "merged": month(&p.merged_at) })
                })
                .collect();
            json!({
                "id": id, "repository": c.repository, "stars": c.stars, "language": c.primary_language,
                "merged_pull_requests": c.pull_requests.len(), "pull_requests": prs,
            })
        })
        .collect();
    let c = &a.contributions_last_year;
    let data = json!({
        "developer": {
            "name": a.name, "github": a.login, "bio": cut(&a.bio, 200), "location": a.location,
            "followers": a.followers,
            "public_repositories": profile.repositories.iter().filter(|r| r.rank.is_some()).count(),
            "contributions_last_year": { "total": c.total, "commits": c.commits, "pull_requests": c.pull_requests, "reviews": c.reviews },
        },
        "skills": skills,
        "repositories": repos,
        "open_source_contributions": contributions,
    });
    (data, refs)
}

/// The data block for `profile` within `budget` tokens: full detail when it
/// fits, else shorter excerpts, then fewer repositories, skills and
/// contributions (the best ones stay).
pub fn build(profile: &SkillProfile, budget: usize) -> Context {
    let mut l = Limits { skills: 25, repos: 10, readme: 400, description: 200, contributions: 8, prs: 5 };
    loop {
        let (data, refs) = render(profile, &l);
        let text = serde_json::to_string(&data).unwrap_or_default();
        let tokens = count_tokens(&text);
        let can_shrink =
            l.readme > 120 || l.repos > 3 || l.skills > 8 || l.contributions > 2 || l.prs > 2 || l.description > 80;
        if tokens <= budget || !can_shrink {
            return Context { data: text, refs, tokens };
        }
        if l.readme > 120 {
            l.readme = 120;
        } else if l.prs > 2 {
            l.prs = 2;
        } else if l.repos > 3 {
            l.repos -= 1;
        } else if l.skills > 8 {
            l.skills -= 2;
        } else if l.contributions > 2 {
            l.contributions -= 1;
        } else {
            l.description = 80;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::count_tokens;

    #[test]
    fn tokens_are_counted_by_the_real_tokenizer() {
        assert_eq!(count_tokens(""), 0);
        assert_eq!(count_tokens("hello world"), 2);
        let korean = count_tokens("안녕하세요, 백엔드 개발자입니다.");
        assert!((3..=15).contains(&korean), "{korean}");
    }
}
