//! Checking what a writer produced before anything is stored: the answer
//! must parse as the draft shape, every evidence reference must exist in
//! the profile, and no line may name a URL, repository or number that is
//! not in the data the writer was given. Lines that fail are dropped (and
//! listed); an answer with nothing left is unusable.

use super::context::RefItem;
use crate::resume::types::{Draft, DraftHighlight};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The JSON object in an answer: code fences and chatter around it removed.
pub fn json_part(text: &str) -> &str {
    let start = text.find('{').unwrap_or(0);
    let end = text.rfind('}').map(|e| e + 1).unwrap_or(text.len());
    if start < end {
        &text[start..end]
    } else {
        ""
    }
}

pub fn parse_draft(text: &str) -> Result<Draft, String> {
    let json = json_part(text);
    if json.is_empty() {
        return Err("the answer contains no JSON object".into());
    }
    serde_json::from_str::<Draft>(json).map_err(|e| format!("the answer is not the requested JSON: {e}"))
}

/// Top-level members of a JSON object that are complete in a partial
/// answer, in order: `(key, value)`. Lets sections show as they are written.
pub fn complete_members(text: &str) -> Vec<(String, Value)> {
    let Some(start) = text.find('{') else { return vec![] };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut member_start = start + 1;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    push_member(&text[member_start..i], &mut out);
                    break;
                }
            }
            b',' if depth == 1 => {
                push_member(&text[member_start..i], &mut out);
                member_start = i + 1;
            }
            _ => {}
        }
    }
    out
}

fn push_member(raw: &str, out: &mut Vec<(String, Value)>) {
    let raw = raw.trim();
    if raw.is_empty() {
        return;
    }
    if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&format!("{{{raw}}}")) {
        out.extend(m);
    }
}

/// What text may mention: URLs, repository names and numbers in the data.
pub struct Allowed {
    urls: BTreeSet<String>,
    repos: BTreeSet<String>,
    numbers: BTreeSet<String>,
}

impl Allowed {
    pub fn from_data(data: &str, refs: &BTreeMap<String, RefItem>, extra_urls: &[String]) -> Self {
        let mut urls: BTreeSet<String> = refs.values().map(|r| r.url.trim_end_matches('/').to_string()).collect();
        urls.extend(extra_urls.iter().map(|u| u.trim_end_matches('/').to_string()));
        let repos = refs
            .values()
            .filter(|r| matches!(r.kind, "repository" | "contribution"))
            .flat_map(|r| {
                let full = r.label.to_lowercase();
                let short = full.rsplit('/').next().unwrap_or_default().to_string();
                [full, short]
            })
            .collect();
        Self { urls, repos, numbers: numbers(data).into_iter().collect() }
    }

    /// Why `text` may not be used, if it may not.
    pub fn violation(&self, text: &str) -> Option<String> {
        for word in text.split_whitespace() {
            let w = word
                .trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ',' | '.' | ';' | ':' | '"' | '\'' | '`'));
            if let Some(i) = w.find("http://").or_else(|| w.find("https://")) {
                let url = w[i..].trim_end_matches('/');
                if !self.urls.contains(url) {
                    return Some(format!("names a URL not in the data: {url}"));
                }
                continue;
            }
            if let Some((owner, name)) = w.split_once('/') {
                let looks_like_repo = !owner.is_empty()
                    && !name.is_empty()
                    && owner.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if looks_like_repo && !self.repos.contains(&w.to_lowercase()) {
                    return Some(format!("names a repository not in the data: {w}"));
                }
            }
        }
        for n in numbers(text) {
            if !self.numbers.contains(&n) {
                return Some(format!("names a number not in the data: {n}"));
            }
        }
        None
    }
}

/// Digit runs (thousands separators dropped): `3,000 req/s in 2024` → 3000, 2024.
fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let sep = c == ',' && !cur.is_empty() && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        if c.is_ascii_digit() {
            cur.push(c);
        } else if !sep && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The draft with everything unverifiable removed, and what was removed.
pub fn verify(mut draft: Draft, refs: &BTreeMap<String, RefItem>, allowed: &Allowed) -> (Draft, Vec<String>) {
    let mut dropped = Vec::new();
    let known = |r: &String| refs.contains_key(r.trim());
    let keep_highlights = |hs: Vec<DraftHighlight>, dropped: &mut Vec<String>| -> Vec<DraftHighlight> {
        hs.into_iter()
            .filter_map(|mut h| {
                h.evidence.retain(|e| known(e));
                if h.evidence.is_empty() {
                    dropped.push(format!("a line without valid evidence: {}", h.text));
                    return None;
                }
                if let Some(why) = allowed.violation(&h.text) {
                    dropped.push(format!("a line that {why}"));
                    return None;
                }
                Some(h)
            })
            .collect()
    };

    // The summary keeps only sentences that pass.
    let sentences: Vec<&str> = draft.summary.split_inclusive(['.', '!', '?', '。']).collect();
    let kept: Vec<&str> = sentences
        .into_iter()
        .filter(|s| match allowed.violation(s) {
            None => true,
            Some(why) => {
                dropped.push(format!("a summary sentence that {why}"));
                false
            }
        })
        .collect();
    draft.summary = kept.concat().trim().to_string();

    draft.skills.retain_mut(|g| {
        g.evidence.retain(|e| known(e) && e.starts_with('S'));
        g.keywords.retain(|k| allowed.violation(k).is_none() && !k.trim().is_empty());
        !g.keywords.is_empty() && !g.name.trim().is_empty()
    });
    let projects = std::mem::take(&mut draft.projects);
    draft.projects = projects
        .into_iter()
        .filter_map(|mut p| {
            if refs.get(&p.repository).is_none_or(|r| r.kind != "repository") {
                dropped.push(format!("a project about a repository not in your profile: {}", p.name));
                return None;
            }
            if allowed.violation(&p.description).is_some() {
                p.description = String::new();
            }
            p.highlights = keep_highlights(std::mem::take(&mut p.highlights), &mut dropped);
            Some(p)
        })
        .collect();
    let work = std::mem::take(&mut draft.work);
    draft.work = work
        .into_iter()
        .filter_map(|mut w| {
            if refs.get(&w.repository).is_none_or(|r| r.kind != "contribution") {
                dropped.push(format!("contribution to a repository not in your profile: {}", w.repository));
                return None;
            }
            if allowed.violation(&w.summary).is_some() {
                w.summary = String::new();
            }
            w.highlights = keep_highlights(std::mem::take(&mut w.highlights), &mut dropped);
            Some(w)
        })
        .collect();
    (draft, dropped)
}

/// Whether a checked draft is worth keeping.
pub fn usable(draft: &Draft) -> Result<(), String> {
    if draft.summary.trim().is_empty() && draft.projects.is_empty() && draft.skills.is_empty() {
        return Err("nothing usable is left after checking the answer against the profile".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs() -> BTreeMap<String, RefItem> {
        let mut m = BTreeMap::new();
        m.insert(
            "R1".into(),
            RefItem { kind: "repository", label: "kim/api".into(), url: "https://github.com/kim/api".into() },
        );
        m.insert(
            "S1".into(),
            RefItem { kind: "skill", label: "Rust".into(), url: "https://github.com/kim/api".into() },
        );
        m
    }

    #[test]
    fn partial_answers_yield_their_complete_sections() {
        let text =
            "```json\n{\"summary\": \"Hi, {there}\", \"skills\": [{\"name\": \"a\"}], \"projects\": [{\"name\": \"x";
        let members = complete_members(text);
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].0, "summary");
        assert_eq!(members[0].1, "Hi, {there}");
        assert_eq!(members[1].0, "skills");
        let done = complete_members("{\"summary\": \"a\", \"work\": []}");
        assert_eq!(done.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(), ["summary", "work"]);
    }

    #[test]
    fn unverifiable_lines_are_dropped() {
        let data = r#"{"stars": 128, "since": "2024-03", "readme": "3,000 requests"}"#;
        let allowed = Allowed::from_data(data, &refs(), &[]);
        assert!(allowed.violation("Served 3,000 requests a second since 2024 with 128 stars").is_none());
        assert!(allowed.violation("Cut latency by 40%").unwrap().contains("40"));
        assert!(allowed.violation("See https://evil.example/x").unwrap().contains("URL"));
        assert!(allowed.violation("Built on kim/api").is_none());
        assert!(allowed.violation("Maintains torvalds/linux").unwrap().contains("repository"));
        assert!(allowed.violation("Uses CI/CD and TCP/IP").is_none());
    }

    #[test]
    fn references_must_exist() {
        let draft: Draft = serde_json::from_str(
            r#"{"summary":"Backend developer.","skills":[{"name":"Backend","keywords":["Rust"],"evidence":["S1"]}],
            "projects":[{"repository":"R1","name":"api","description":"An API","highlights":[
                {"text":"Wrote the API","evidence":["R1"]},{"text":"Invented the web","evidence":["R9"]}]},
              {"repository":"R7","name":"ghost","description":"","highlights":[]}],
            "work":[]}"#,
        )
        .unwrap();
        let allowed = Allowed::from_data("{}", &refs(), &[]);
        let (checked, dropped) = verify(draft, &refs(), &allowed);
        assert_eq!(checked.projects.len(), 1);
        assert_eq!(checked.projects[0].highlights.len(), 1);
        assert_eq!(dropped.len(), 2, "{dropped:?}");
        assert!(usable(&checked).is_ok());
    }
}
