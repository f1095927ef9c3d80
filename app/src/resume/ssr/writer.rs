//! The deterministic writer: with no LLM configured (the embedded default),
//! the résumé is assembled from the same profile and the same references,
//! in plain sentences built from facts only. Clearly labelled as such.

use super::context::RefItem;
use crate::profile::types::{SkillKind, SkillProfile};
use crate::resume::types::{Draft, DraftHighlight, DraftProject, DraftSkillGroup, DraftWork};
use std::collections::BTreeMap;

fn ref_for(refs: &BTreeMap<String, RefItem>, kind: &str, label: &str) -> Option<String> {
    refs.iter().find(|(_, r)| r.kind == kind && r.label == label).map(|(id, _)| id.clone())
}

fn category_name(category: &str, ko: bool) -> &'static str {
    match (category, ko) {
        ("language", true) => "언어",
        ("language", false) => "Languages",
        ("frontend", true) => "프론트엔드",
        ("frontend", false) => "Frontend",
        ("backend", true) => "백엔드",
        ("backend", false) => "Backend",
        ("mobile", true) => "모바일",
        ("mobile", false) => "Mobile",
        ("database", true) => "데이터베이스",
        ("database", false) => "Databases",
        ("data" | "ml", true) => "데이터·ML",
        ("data" | "ml", false) => "Data & ML",
        ("infra" | "cloud", true) => "인프라·클라우드",
        ("infra" | "cloud", false) => "Infrastructure & cloud",
        (_, true) => "도구",
        (_, false) => "Tools",
    }
}

/// A whole résumé written from facts.
pub fn write(profile: &SkillProfile, refs: &BTreeMap<String, RefItem>, ko: bool, target_role: Option<&str>) -> Draft {
    Draft {
        summary: summary(profile, ko, target_role),
        skills: skill_groups(profile, refs, ko),
        projects: projects(profile, refs, ko),
        work: work(profile, refs, ko),
    }
}

/// Main languages and technologies, the role, and the year's numbers.
fn summary(profile: &SkillProfile, ko: bool, target_role: Option<&str>) -> String {
    let a = &profile.account;
    let langs: Vec<&str> =
        profile.skills.iter().filter(|s| s.kind == SkillKind::Language).take(3).map(|s| s.name.as_str()).collect();
    let techs: Vec<&str> =
        profile.skills.iter().filter(|s| s.kind == SkillKind::Technology).take(4).map(|s| s.name.as_str()).collect();
    let owned = profile.repositories.iter().filter(|r| r.rank.is_some()).count();
    let role = target_role.map(str::to_string).unwrap_or_else(|| if ko { "개발자".into() } else { "developer".into() });
    let commits = a.contributions_last_year.commits;
    if ko {
        let mut s = format!("{}로 주로 작업하는 {role}입니다.", langs.join(", "));
        if !techs.is_empty() {
            s.push_str(&format!(" {}를 사용한 프로젝트를 공개 저장소에 남겼습니다.", techs.join(", ")));
        }
        s.push_str(&format!(" 공개 저장소 {owned}개, 최근 1년 커밋 {commits}회."));
        s
    } else {
        let mut s = format!("A {role} working mainly in {}.", langs.join(", "));
        if !techs.is_empty() {
            s.push_str(&format!(" Public projects built with {}.", techs.join(", ")));
        }
        s.push_str(&format!(" {owned} public repositories and {commits} commits in the last year."));
        s
    }
}

/// Skills grouped by category, strongest groups first.
fn skill_groups(profile: &SkillProfile, refs: &BTreeMap<String, RefItem>, ko: bool) -> Vec<DraftSkillGroup> {
    let mut groups: Vec<(String, DraftSkillGroup)> = Vec::new();
    for s in profile.skills.iter().take(25) {
        let Some(id) = ref_for(refs, "skill", &s.name) else { continue };
        let cat = s.category.clone().unwrap_or_else(|| "tooling".into());
        let name = category_name(&cat, ko).to_string();
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, g)) => {
                g.keywords.push(s.name.clone());
                g.evidence.push(id);
            }
            None => groups
                .push((name.clone(), DraftSkillGroup { name, keywords: vec![s.name.clone()], evidence: vec![id] })),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// The best-ranked repositories, each with what it is written in and with.
fn projects(profile: &SkillProfile, refs: &BTreeMap<String, RefItem>, ko: bool) -> Vec<DraftProject> {
    profile
        .repositories
        .iter()
        .filter(|r| r.rank.is_some())
        .take(4)
        .filter_map(|r| {
            let id = ref_for(refs, "repository", &r.name_with_owner)?;
            let name = r.name_with_owner.rsplit('/').next().unwrap_or(&r.name_with_owner).to_string();
            let langs: Vec<String> = r.languages.iter().take(2).map(|l| l.name.clone()).collect();
            let mut highlights = Vec::new();
            if !langs.is_empty() {
                highlights.push(DraftHighlight {
                    text: if ko {
                        format!("{}로 작성", langs.join(", "))
                    } else {
                        format!("Written in {}", langs.join(", "))
                    },
                    evidence: vec![id.clone()],
                });
            }
            if !r.technologies.is_empty() {
                let names: Vec<String> = r.technologies.iter().take(4).cloned().collect();
                highlights.push(DraftHighlight {
                    text: if ko {
                        format!("사용 기술: {}", names.join(", "))
                    } else {
                        format!("Built with {}", names.join(", "))
                    },
                    evidence: vec![id.clone()],
                });
            }
            if r.stars > 0 {
                highlights.push(DraftHighlight {
                    text: if ko {
                        format!("GitHub 스타 {}개", r.stars)
                    } else {
                        format!("{} stars on GitHub", r.stars)
                    },
                    evidence: vec![id.clone()],
                });
            }
            Some(DraftProject {
                repository: id,
                name,
                description: r.description.clone().unwrap_or_default(),
                highlights,
            })
        })
        .collect()
}

/// Open-source contributions: merged pull requests, one line each.
fn work(profile: &SkillProfile, refs: &BTreeMap<String, RefItem>, ko: bool) -> Vec<DraftWork> {
    profile
        .contributions
        .iter()
        .take(4)
        .filter_map(|c| {
            let id = ref_for(refs, "contribution", &c.repository)?;
            let highlights = c
                .pull_requests
                .iter()
                .filter_map(|p| {
                    let pid = refs
                        .iter()
                        .find(|(_, r)| r.kind == "pull_request" && r.url == p.url)
                        .map(|(k, _)| k.clone())?;
                    Some(DraftHighlight { text: p.title.clone(), evidence: vec![pid] })
                })
                .collect();
            Some(DraftWork {
                repository: id,
                summary: if ko {
                    format!("병합된 풀 리퀘스트 {}건", c.pull_requests.len())
                } else {
                    format!("{} merged pull requests", c.pull_requests.len())
                },
                highlights,
            })
        })
        .collect()
}
