//! A posting or the market against my skill profile: what is asked, what
//! my code proves (with its receipts), what is missing.

use crate::github::ssr::analyze::Dictionaries;
use crate::market::types::*;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::jobs::JobQueue;
use crate::profile::ssr::profiles;
use crate::profile::types::{Skill, SkillProfile};
use sea_orm::DatabaseConnection;
use taxonomy::posting::Requirement;

/// Demand at or above this share of a category's postings is "in demand".
pub const IN_DEMAND: f64 = 0.05;
const TO_LEARN: usize = 20;
const EVIDENCE: usize = 3;

/// The signed-in user's profile (hidden items left out), if imported.
pub async fn profile_of(db: &DatabaseConnection, jobs: &JobQueue, user_id: &str) -> AppResult<Option<SkillProfile>> {
    Ok(profiles::view(db, jobs, user_id, false).await?.profile)
}

/// The posting text, checked: not empty, at most [`MATCH_TEXT_MAX`] characters.
pub fn check_text(text: &str) -> AppResult<&str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::validation("text", "paste the posting's text"));
    }
    if text.chars().count() > MATCH_TEXT_MAX {
        return Err(AppError::validation("text", format!("at most {MATCH_TEXT_MAX} characters")));
    }
    Ok(text)
}

fn evidence(skill: &Skill) -> Vec<EvidenceLink> {
    skill
        .evidence
        .iter()
        .take(EVIDENCE)
        .map(|e| EvidenceLink { repository: e.repository.clone(), url: e.url.clone() })
        .collect()
}

fn find<'a>(profile: Option<&'a SkillProfile>, id: &str) -> Option<&'a Skill> {
    profile?.skills.iter().find(|s| s.id == id)
}

/// What a posting asks for and, with a profile, my coverage.
pub fn match_posting(dict: &Dictionaries, text: &str, profile: Option<&SkillProfile>, signed_in: bool) -> MatchResult {
    let x = extract(dict, text);
    let asked: Vec<(String, Requirement)> = x.technologies.iter().map(|m| (m.tech_id.clone(), m.requirement)).collect();
    let mut r = result(dict, &asked, profile, signed_in);
    r.category = x.category.code().into();
    r.level = x.experience.level.code().into();
    r.min_years = x.experience.min_years;
    r.language = x.language.code().into();
    r
}

/// The extraction of a pasted posting: a short first line is its title
/// (the title weighs most for the category).
pub fn extract(dict: &Dictionaries, text: &str) -> taxonomy::posting::Extraction {
    let (title, body) = match text.split_once('\n') {
        Some((first, rest)) if first.chars().count() <= 120 => (first.trim(), rest),
        _ => ("", text),
    };
    dict.taxonomy.extract_posting(title, body)
}

pub fn requirement_code(r: Requirement) -> &'static str {
    match r {
        Requirement::Required => "required",
        Requirement::Preferred => "preferred",
        Requirement::Mentioned => "mentioned",
    }
}

/// What was asked, compactly, for the result page's address (no posting
/// text ever goes into a URL): `rust.r,postgresql.p,kafka.m`.
pub fn encode_asked(asked: &[(String, Requirement)]) -> String {
    asked.iter().map(|(id, r)| format!("{id}.{}", &requirement_code(*r)[..1])).collect::<Vec<_>>().join(",")
}

/// The inverse of [`encode_asked`]; unknown technologies and malformed
/// items are dropped, at most 100 kept.
pub fn decode_asked(dict: &Dictionaries, s: &str) -> Vec<(String, Requirement)> {
    let mut out: Vec<(String, Requirement)> = Vec::new();
    for item in s.split(',').take(100) {
        let Some((id, r)) = item.rsplit_once('.') else { continue };
        let r = match r {
            "r" => Requirement::Required,
            "p" => Requirement::Preferred,
            "m" => Requirement::Mentioned,
            _ => continue,
        };
        if dict.taxonomy.get(id).is_some() && !out.iter().any(|(x, _)| x == id) {
            out.push((id.to_string(), r));
        }
    }
    out
}

/// The asked technologies (required first) with my coverage.
pub fn result(
    dict: &Dictionaries,
    asked: &[(String, Requirement)],
    profile: Option<&SkillProfile>,
    signed_in: bool,
) -> MatchResult {
    let mut asked = asked.to_vec();
    asked.sort_by_key(|(_, r)| std::cmp::Reverse(*r));
    let technologies: Vec<AskedTech> = asked
        .iter()
        .map(|(id, r)| {
            let skill = find(profile, id);
            AskedTech {
                tech_id: id.clone(),
                name: dict.taxonomy.get(id).map(|t| t.name.clone()).unwrap_or_else(|| id.clone()),
                requirement: requirement_code(*r).into(),
                proven: profile.map(|_| skill.is_some()),
                evidence: skill.map(evidence).unwrap_or_default(),
            }
        })
        .collect();
    let coverage = profile.map(|_| {
        let weight = |r: &str| match r {
            "required" => 3,
            "preferred" => 2,
            _ => 1,
        };
        let total_w: u32 = technologies.iter().map(|t| weight(&t.requirement)).sum();
        let covered_w: u32 =
            technologies.iter().filter(|t| t.proven == Some(true)).map(|t| weight(&t.requirement)).sum();
        Coverage {
            score: (covered_w * 100 + total_w / 2).checked_div(total_w).unwrap_or(0),
            covered: technologies.iter().filter(|t| t.proven == Some(true)).count() as u32,
            total: technologies.len() as u32,
            missing: technologies.iter().filter(|t| t.proven != Some(true)).map(|t| t.name.clone()).collect(),
        }
    });
    MatchResult {
        category: String::new(),
        level: String::new(),
        min_years: None,
        language: String::new(),
        technologies,
        coverage,
        signed_in,
    }
}

/// My proven skills against a category's demand.
pub fn market_fit(category: &str, total: i64, demand: &[TechCount], profile: Option<&SkillProfile>) -> MarketFit {
    let item = |c: &TechCount, skill: Option<&Skill>| FitItem {
        tech_id: c.tech_id.clone(),
        name: c.name.clone(),
        postings: c.postings,
        share: c.share,
        evidence: skill.map(evidence).unwrap_or_default(),
    };
    let (mut proven_in_demand, mut to_learn, mut proven_rare) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(p) = profile {
        for c in demand {
            match find(Some(p), &c.tech_id) {
                Some(s) if c.share >= IN_DEMAND => proven_in_demand.push(item(c, Some(s))),
                None if to_learn.len() < TO_LEARN => to_learn.push(item(c, None)),
                _ => {}
            }
        }
        for s in &p.skills {
            match demand.iter().find(|c| c.tech_id == s.id) {
                Some(c) if c.share >= IN_DEMAND => {}
                Some(c) => proven_rare.push(item(c, Some(s))),
                None => proven_rare.push(FitItem {
                    tech_id: s.id.clone(),
                    name: s.name.clone(),
                    postings: 0,
                    share: 0.0,
                    evidence: evidence(s),
                }),
            }
        }
        proven_rare.sort_by(|a, b| b.postings.cmp(&a.postings).then_with(|| a.tech_id.cmp(&b.tech_id)));
        proven_rare.truncate(20);
    }
    MarketFit {
        category: category.into(),
        total_postings: total,
        has_profile: profile.is_some(),
        proven_in_demand,
        to_learn,
        proven_rare,
        credit: CREDIT.into(),
    }
}
