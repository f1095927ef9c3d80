//! From what GitHub sent to a skill profile: languages by bytes of code
//! (Linguist's names), technologies from manifests and topics (the shared
//! dictionary), each with its evidence, and the repositories ranked by how
//! well they show the developer's own work. Pure: same input, same profile.

use super::{
    fetch::{Blob, RawImport, RawRepo},
    manifests,
    text::plain_excerpt,
};
use crate::profile::types::*;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use taxonomy::{Category, Languages, Taxonomy};

pub const DESCRIPTION_MAX: usize = 300;
pub const README_MAX: usize = 600;

/// The dictionaries the analysis uses, loaded once.
pub struct Dictionaries {
    pub taxonomy: Taxonomy,
    pub languages: Languages,
    /// Linguist name → the dictionary's id, for the languages it lists.
    language_ids: std::collections::HashMap<String, String>,
}

impl Dictionaries {
    pub fn builtin() -> Self {
        let taxonomy = Taxonomy::builtin();
        let language_ids = taxonomy
            .all()
            .iter()
            .filter(|t| t.category == Category::Language)
            .map(|t| (t.name.clone(), t.id.clone()))
            .collect();
        Self { taxonomy, languages: Languages::builtin(), language_ids }
    }

    /// The skill id of a Linguist language: the dictionary's id when it
    /// lists the language by that exact name (`C++` → `cpp`, never `c`),
    /// else a slug (`Jupyter Notebook` → `jupyter-notebook`).
    pub fn language_id(&self, name: &str) -> String {
        self.language_ids.get(name).cloned().unwrap_or_else(|| slug(name))
    }
}

fn slug(name: &str) -> String {
    let s: String = name
        .to_lowercase()
        .replace('#', "sharp")
        .replace('+', "p")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

fn parse_time(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc))
}

/// 1 for activity now, ½ a year ago, ⅓ two years ago …
fn recency(pushed: Option<DateTime<Utc>>, now: DateTime<Utc>) -> f64 {
    match pushed {
        Some(t) => 1.0 / (1.0 + ((now - t).num_days().max(0) as f64 / 365.0)),
        None => 0.1,
    }
}

struct SkillAcc {
    name: String,
    kind: SkillKind,
    category: Option<String>,
    raw: f64,
    bytes: u64,
    evidence: BTreeMap<String, Evidence>,
    first: Option<String>,
    last: Option<String>,
}

impl SkillAcc {
    /// A language (or, with its kind and category set, any skill) not yet
    /// credited.
    fn language(name: &str) -> Self {
        SkillAcc {
            name: name.to_string(),
            kind: SkillKind::Language,
            category: Some("language".into()),
            raw: 0.0,
            bytes: 0,
            evidence: BTreeMap::new(),
            first: None,
            last: None,
        }
    }

    fn evidence_for(&mut self, repo: &Repository) -> &mut Evidence {
        self.evidence.entry(repo.name_with_owner.clone()).or_insert_with(|| Evidence {
            repository: repo.name_with_owner.clone(),
            url: repo.url.clone(),
            bytes: None,
            manifests: vec![],
            topics: vec![],
            pull_requests: vec![],
            stars: repo.stars,
            created_at: repo.created_at.clone(),
            pushed_at: repo.pushed_at.clone(),
        })
    }

    fn seen(&mut self, created: &Option<String>, pushed: &Option<String>) {
        if let Some(c) = created {
            if self.first.as_ref().is_none_or(|f| c < f) {
                self.first = Some(c.clone());
            }
        }
        if let Some(p) = pushed {
            if self.last.as_ref().is_none_or(|l| p > l) {
                self.last = Some(p.clone());
            }
        }
    }
}

/// The files of a repository that are manifests, with their paths.
fn manifest_files<'a>(repo: &'a RawRepo, raw: &'a RawImport) -> Vec<(String, Blob)> {
    let mut out = Vec::new();
    for (path, alias) in manifests::MANIFESTS {
        if let Some(v) = repo.files.get(*alias) {
            if let Ok(blob) = serde_json::from_value::<Blob>(v.clone()) {
                if blob.text.is_some() {
                    out.push((path.to_string(), blob));
                }
            }
        }
    }
    if let Some(extra) = raw.extra_files.get(&repo.id) {
        out.extend(extra.iter().filter(|(_, b)| b.text.is_some()).cloned());
    }
    out
}

/// `.csproj` files at a repository's root, which the first pass cannot name.
pub fn extra_manifest_paths(repo: &RawRepo) -> Vec<String> {
    let Some(root) = &repo.root else { return vec![] };
    root.entries
        .iter()
        .filter(|e| e.kind == "blob" && e.name.ends_with(".csproj"))
        .take(3)
        .map(|e| e.name.clone())
        .collect()
}

/// The skill profile of everything GitHub sent: the user's own public
/// repositories (their languages, manifests and topics credited to skills),
/// merged pull requests to other people's repositories, the repositories
/// ranked, and the skills scored.
pub fn build_profile(raw: &RawImport, dict: &Dictionaries, now: DateTime<Utc>, source: ProfileSource) -> SkillProfile {
    let mut skills: BTreeMap<String, SkillAcc> = BTreeMap::new();
    let mut repos: Vec<Repository> = Vec::new();
    for r in raw.repositories.iter().filter(|r| !r.is_private) {
        let own = own_repository(r, raw, dict);
        if own.counts && !r.is_empty {
            credit_repository(&mut skills, &own, dict, now);
        }
        repos.push(own.repo);
    }
    let contributions = contributions_of(raw);
    for c in contributions.values() {
        credit_contribution(&mut skills, c, dict, now);
        repos.push(contribution_repository(c));
    }
    rank_repositories(&mut repos, now);
    SkillProfile {
        source,
        version: 0,
        imported_at: now.to_rfc3339(),
        account: account_of(&raw.profile),
        skills: score_skills(skills),
        repositories: repos,
        contributions: contributions.into_values().collect(),
        stats: ImportStats::default(),
    }
}

/// One of the user's repositories as the profile shows it, with what its
/// manifests and topics say about technologies.
struct OwnRepository {
    repo: Repository,
    /// Whether it shows the user's own work (not a fork without their commits).
    counts: bool,
    /// Technology id → the (manifest path, package) pairs that reveal it.
    from_manifests: BTreeMap<String, Vec<(String, String)>>,
    /// Technology id → the topics that name it.
    from_topics: BTreeMap<String, Vec<String>>,
}

fn own_repository(r: &RawRepo, raw: &RawImport, dict: &Dictionaries) -> OwnRepository {
    let own_commits = r.is_fork.then(|| raw.fork_commits.get(&r.id).copied().unwrap_or(0));
    let counts = !r.is_fork || own_commits.unwrap_or(0) > 0;
    let (manifests, from_manifests) = manifests_of(r, raw, dict);
    let topics: Vec<String> = r.repository_topics.nodes.iter().map(|t| t.topic.name.clone()).collect();
    let mut from_topics: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &topics {
        if let Some(tech) = dict.taxonomy.resolve(t) {
            from_topics.entry(tech.id.clone()).or_default().push(t.clone());
        }
    }
    let technologies: Vec<String> =
        from_manifests.keys().chain(from_topics.keys()).cloned().collect::<BTreeSet<_>>().into_iter().collect();
    let readme = r
        .readme
        .as_ref()
        .or(r.readme_lower.as_ref())
        .and_then(|b| b.text.as_deref())
        .and_then(|t| plain_excerpt(t, README_MAX));
    let unranked_reason = if r.is_empty {
        Some("empty repository".to_string())
    } else if !counts {
        Some("fork without your commits".to_string())
    } else {
        None
    };
    let repo = Repository {
        name_with_owner: r.name_with_owner.clone(),
        url: r.url.clone(),
        description: r.description.as_deref().and_then(|d| plain_excerpt(d, DESCRIPTION_MAX)),
        homepage: r.homepage_url.clone().filter(|h| h.starts_with("https://") || h.starts_with("http://")),
        owned: true,
        is_fork: r.is_fork,
        fork_of: r.parent.as_ref().map(|p| p.name_with_owner.clone()),
        is_archived: r.is_archived,
        is_empty: r.is_empty,
        own_commits,
        stars: r.stargazer_count,
        forks: r.fork_count,
        created_at: r.created_at.clone(),
        pushed_at: r.pushed_at.clone(),
        primary_language: r.primary_language.as_ref().map(|l| l.name.clone()),
        license: r.license_info.as_ref().and_then(|l| l.spdx_id.clone()).filter(|s| s != "NOASSERTION"),
        languages: languages_of(r, dict),
        topics,
        technologies,
        manifests,
        readme_excerpt: readme,
        score: 0.0,
        rank: None,
        unranked_reason,
        pull_requests: vec![],
    };
    OwnRepository { repo, counts, from_manifests, from_topics }
}

/// A repository's languages by bytes: code only, grouped as GitHub groups
/// them (TSX → TypeScript), largest first.
fn languages_of(r: &RawRepo, dict: &Dictionaries) -> Vec<LanguageBytes> {
    let mut langs: BTreeMap<String, u64> = BTreeMap::new();
    for e in r.languages.iter().flat_map(|l| l.sizes()) {
        if dict.languages.get(&e.node.name).is_some_and(|l| !l.is_code()) {
            continue;
        }
        let slot = langs.entry(dict.languages.canonical(&e.node.name).to_string()).or_default();
        *slot = slot.saturating_add(e.size);
    }
    let mut languages: Vec<LanguageBytes> =
        langs.into_iter().map(|(name, bytes)| LanguageBytes { name, bytes }).collect();
    languages.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.name.cmp(&b.name)));
    languages
}

/// A repository's manifests (each read, or why not) and the technologies
/// their dependencies reveal.
#[allow(clippy::type_complexity)]
fn manifests_of(
    r: &RawRepo,
    raw: &RawImport,
    dict: &Dictionaries,
) -> (Vec<Manifest>, BTreeMap<String, Vec<(String, String)>>) {
    let mut rows = Vec::new();
    let mut technologies: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (path, blob) in manifest_files(r, raw) {
        let text = blob.text.as_deref().unwrap_or("");
        let parsed =
            if blob.is_truncated { Err("too large to read".to_string()) } else { manifests::dependencies(&path, text) };
        match parsed {
            Ok(deps) => {
                if let Some(eco) = manifests::ecosystem(&path) {
                    for d in &deps {
                        if let Some(t) = dict.taxonomy.for_dependency(eco, d) {
                            technologies.entry(t.id.clone()).or_default().push((path.clone(), d.clone()));
                        }
                    }
                }
                rows.push(Manifest { path, dependencies: deps, error: None });
            }
            Err(e) => rows.push(Manifest { path, dependencies: vec![], error: Some(e) }),
        }
    }
    (rows, technologies)
}

/// Credit a repository of the user's own work to its languages (by bytes)
/// and technologies (a manifest counts fully, a topic half), weighted by
/// how recently it was pushed.
fn credit_repository(
    skills: &mut BTreeMap<String, SkillAcc>,
    own: &OwnRepository,
    dict: &Dictionaries,
    now: DateTime<Utc>,
) {
    let repo = &own.repo;
    let weight = recency(parse_time(&repo.pushed_at), now);
    let total_code: u64 = repo.languages.iter().map(|l| l.bytes).fold(0u64, u64::saturating_add);
    for l in &repo.languages {
        let acc = skills.entry(dict.language_id(&l.name)).or_insert_with(|| SkillAcc::language(&l.name));
        acc.kind = SkillKind::Language;
        acc.name = l.name.clone();
        acc.bytes = acc.bytes.saturating_add(l.bytes);
        acc.raw += (1.0 + (1.0 + l.bytes as f64 / 1000.0).ln()) * weight;
        acc.seen(&repo.created_at, &repo.pushed_at);
        acc.evidence_for(repo).bytes = Some(l.bytes);
    }
    for id in &repo.technologies {
        let Some(tech) = dict.taxonomy.get(id) else { continue };
        let acc = skills.entry(id.clone()).or_insert_with(|| SkillAcc {
            kind: if tech.category == Category::Language { SkillKind::Language } else { SkillKind::Technology },
            category: Some(format!("{:?}", tech.category).to_lowercase()),
            ..SkillAcc::language(&tech.name)
        });
        let from_manifest = own.from_manifests.get(id);
        acc.raw +=
            (1.0 + (1.0 + total_code as f64 / 1000.0).ln()) * weight * if from_manifest.is_some() { 1.0 } else { 0.5 };
        acc.seen(&repo.created_at, &repo.pushed_at);
        let ev = acc.evidence_for(repo);
        for (path, pkg) in from_manifest.into_iter().flatten() {
            match ev.manifests.iter_mut().find(|m| &m.path == path) {
                Some(m) => m.packages.push(pkg.clone()),
                None => ev.manifests.push(ManifestEvidence {
                    path: path.clone(),
                    url: format!("{}/blob/HEAD/{}", repo.url, path),
                    packages: vec![pkg.clone()],
                }),
            }
        }
        ev.topics = own.from_topics.get(id).cloned().unwrap_or_default();
    }
}

/// Merged pull requests to other people's public repositories, by repository.
fn contributions_of(raw: &RawImport) -> BTreeMap<String, Contribution> {
    let login = &raw.profile.login;
    let mut contributions: BTreeMap<String, Contribution> = BTreeMap::new();
    for pr in &raw.pull_requests {
        let repo = &pr.repository;
        if repo.is_private || repo.owner.login.eq_ignore_ascii_case(login) {
            continue;
        }
        let c = contributions.entry(repo.name_with_owner.clone()).or_insert_with(|| Contribution {
            repository: repo.name_with_owner.clone(),
            url: repo.url.clone(),
            stars: repo.stargazer_count,
            primary_language: repo.primary_language.as_ref().map(|l| l.name.clone()),
            pull_requests: vec![],
        });
        c.pull_requests.push(PullRequestRef {
            title: super::text::truncate(&pr.title, 200),
            url: pr.url.clone(),
            merged_at: pr.merged_at.clone(),
        });
    }
    contributions
}

/// Credit merged pull requests to the contributed repository's language.
fn credit_contribution(
    skills: &mut BTreeMap<String, SkillAcc>,
    c: &Contribution,
    dict: &Dictionaries,
    now: DateTime<Utc>,
) {
    let Some(lang) = &c.primary_language else { return };
    if dict.languages.get(lang).is_some_and(|l| !l.is_code()) {
        return;
    }
    let latest = c.pull_requests.iter().filter_map(|p| p.merged_at.clone()).max();
    let earliest = c.pull_requests.iter().filter_map(|p| p.merged_at.clone()).min();
    let name = dict.languages.canonical(lang).to_string();
    let acc = skills.entry(dict.language_id(&name)).or_insert_with(|| SkillAcc::language(&name));
    acc.raw += 1.5 * c.pull_requests.len().min(5) as f64 * recency(parse_time(&latest), now);
    acc.seen(&earliest, &latest);
    let ev = acc.evidence.entry(c.repository.clone()).or_insert_with(|| Evidence {
        repository: c.repository.clone(),
        url: c.url.clone(),
        bytes: None,
        manifests: vec![],
        topics: vec![],
        pull_requests: vec![],
        stars: c.stars,
        created_at: None,
        pushed_at: latest.clone(),
    });
    ev.pull_requests = c.pull_requests.clone();
}

/// A contributed-to repository as the profile lists it (never ranked).
fn contribution_repository(c: &Contribution) -> Repository {
    Repository {
        name_with_owner: c.repository.clone(),
        url: c.url.clone(),
        description: None,
        homepage: None,
        owned: false,
        is_fork: false,
        fork_of: None,
        is_archived: false,
        is_empty: false,
        own_commits: None,
        stars: c.stars,
        forks: 0,
        created_at: None,
        pushed_at: c.pull_requests.iter().filter_map(|p| p.merged_at.clone()).max(),
        primary_language: c.primary_language.clone(),
        license: None,
        languages: vec![],
        topics: vec![],
        technologies: vec![],
        manifests: vec![],
        readme_excerpt: None,
        score: 0.0,
        rank: None,
        unranked_reason: Some("contributed by pull requests".into()),
        pull_requests: c.pull_requests.clone(),
    }
}

/// Skills scored 0–100 against the strongest, best first; each skill's
/// evidence biggest and latest first.
fn score_skills(skills: BTreeMap<String, SkillAcc>) -> Vec<Skill> {
    let max_raw = skills.values().map(|s| s.raw).fold(0.0, f64::max);
    let mut skills: Vec<Skill> = skills
        .into_iter()
        .map(|(id, s)| {
            let mut evidence: Vec<Evidence> = s.evidence.into_values().collect();
            evidence.sort_by(|a, b| {
                b.bytes
                    .unwrap_or(0)
                    .cmp(&a.bytes.unwrap_or(0))
                    .then(b.pushed_at.cmp(&a.pushed_at))
                    .then(a.repository.cmp(&b.repository))
            });
            Skill {
                id,
                name: s.name,
                kind: s.kind,
                category: s.category,
                score: if max_raw > 0.0 { (s.raw / max_raw * 1000.0).round() / 10.0 } else { 0.0 },
                bytes: s.bytes,
                repo_count: evidence.len() as u32,
                first_used: s.first,
                last_used: s.last,
                evidence,
            }
        })
        .collect();
    skills.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.bytes.cmp(&a.bytes)).then(a.id.cmp(&b.id)));
    skills
}

/// The account as the profile shows it; free text is cut and cleaned.
fn account_of(p: &super::fetch::RawProfile) -> GithubAccount {
    let c = &p.contributions_collection;
    GithubAccount {
        login: p.login.clone(),
        name: p.name.as_deref().and_then(|n| plain_excerpt(n, 100)),
        bio: p.bio.as_deref().and_then(|b| plain_excerpt(b, DESCRIPTION_MAX)),
        company: p.company.as_deref().and_then(|b| plain_excerpt(b, 100)),
        location: p.location.as_deref().and_then(|b| plain_excerpt(b, 100)),
        website: p.website_url.clone().filter(|w| w.starts_with("https://") || w.starts_with("http://")),
        avatar_url: p.avatar_url.clone(),
        url: p.url.clone(),
        created_at: p.created_at.clone(),
        followers: p.followers.total_count,
        contributions_last_year: ContributionCounts {
            total: c.contribution_calendar.total_contributions,
            commits: c.total_commit_contributions,
            pull_requests: c.total_pull_request_contributions,
            reviews: c.total_pull_request_review_contributions,
            issues: c.total_issue_contributions,
        },
    }
}

/// Score every repository the user owns and rank those that show their own
/// work (not empty, not a fork without their commits); others keep `rank: None`.
fn rank_repositories(repos: &mut [Repository], now: DateTime<Utc>) {
    for r in repos.iter_mut() {
        let code: u64 = r.languages.iter().map(|l| l.bytes).fold(0u64, u64::saturating_add);
        let rec = recency(parse_time(&r.pushed_at), now);
        let stars = ((1.0 + r.stars.max(0) as f64).ln() / 1000f64.ln()).min(1.0);
        let size = ((1.0 + code as f64 / 1000.0).ln() / 10000f64.ln()).min(1.0);
        let mut s = 0.35 * rec
            + 0.25 * stars
            + 0.15 * size
            + 0.10 * f64::from(u8::from(r.readme_excerpt.is_some()))
            + 0.08 * f64::from(u8::from(r.description.is_some()))
            + 0.07 * f64::from(u8::from(!r.topics.is_empty()));
        if r.is_archived {
            s *= 0.7;
        }
        if r.is_fork {
            s *= 0.8;
        }
        r.score = (s * 1000.0).round() / 10.0;
    }
    repos.sort_by(|a, b| {
        let ranked = |r: &Repository| r.owned && r.unranked_reason.is_none();
        ranked(b)
            .cmp(&ranked(a))
            .then(b.score.total_cmp(&a.score))
            .then(b.pushed_at.cmp(&a.pushed_at))
            .then(a.name_with_owner.cmp(&b.name_with_owner))
    });
    let mut n = 0;
    for r in repos.iter_mut() {
        if r.owned && r.unranked_reason.is_none() {
            n += 1;
            r.rank = Some(n);
        }
    }
}
