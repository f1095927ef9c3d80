//! The skill profile: what the GitHub import found, with the evidence for
//! every skill. Stored as the snapshot, served by `GET /api/v1/me/skills`
//! and rendered by "My skills". Text that came from GitHub (descriptions,
//! README excerpts) is untrusted: bounded and stripped of markup on import,
//! escaped on output, and quoted as data wherever it is reused.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProfileSource {
    /// Read from GitHub with the user's token.
    Github,
    /// The built-in sample profile of the demo account (no GitHub involved).
    Sample,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SkillProfile {
    pub source: ProfileSource,
    /// Increases by one with every successful import.
    pub version: i32,
    /// RFC 3339.
    pub imported_at: String,
    pub account: GithubAccount,
    /// Ranked, best first.
    pub skills: Vec<Skill>,
    /// Ranked repositories first (by `rank`), then the unranked ones.
    pub repositories: Vec<Repository>,
    /// Merged pull requests to other people's repositories, by repository.
    pub contributions: Vec<Contribution>,
    pub stats: ImportStats,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GithubAccount {
    pub login: String,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
    pub avatar_url: Option<String>,
    pub url: String,
    pub created_at: Option<String>,
    pub followers: i64,
    pub contributions_last_year: ContributionCounts,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContributionCounts {
    pub total: i64,
    pub commits: i64,
    pub pull_requests: i64,
    pub reviews: i64,
    pub issues: i64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkillKind {
    /// A programming or markup language, by GitHub Linguist's name.
    Language,
    /// A framework, library or tool, from the shared technology dictionary.
    Technology,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Skill {
    /// Stable id: the dictionary's technology id (`rust`, `react`) or a slug
    /// of the Linguist name for languages the dictionary does not list.
    pub id: String,
    pub name: String,
    pub kind: SkillKind,
    /// The dictionary's category (`backend`, `frontend`, …), if known.
    pub category: Option<String>,
    /// Relative strength, 0–100 (the strongest skill is 100).
    pub score: f64,
    /// Bytes of code in this language across the evidence (languages only).
    pub bytes: u64,
    pub repo_count: u32,
    /// Earliest creation and latest push among the evidence (RFC 3339).
    pub first_used: Option<String>,
    pub last_used: Option<String>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// `owner/name`
    pub repository: String,
    pub url: String,
    /// Bytes of this language in the repository.
    pub bytes: Option<u64>,
    /// Manifest files that declare it, each with the packages that reveal it:
    /// `Cargo.toml: axum, tokio`.
    pub manifests: Vec<ManifestEvidence>,
    /// Repository topics naming it.
    pub topics: Vec<String>,
    /// Merged pull requests in this repository (someone else's) that used it.
    pub pull_requests: Vec<PullRequestRef>,
    pub stars: i64,
    pub created_at: Option<String>,
    pub pushed_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ManifestEvidence {
    pub path: String,
    pub url: String,
    pub packages: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PullRequestRef {
    pub title: String,
    pub url: String,
    pub merged_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Repository {
    /// `owner/name`
    pub name_with_owner: String,
    pub url: String,
    /// Untrusted, plain text, at most 300 characters.
    pub description: Option<String>,
    pub homepage: Option<String>,
    /// The user owns it (as opposed to having contributed to it).
    pub owned: bool,
    pub is_fork: bool,
    /// `owner/name` of the upstream, for forks.
    pub fork_of: Option<String>,
    pub is_archived: bool,
    pub is_empty: bool,
    /// Commits by the user on the default branch (forks only; None when not checked).
    pub own_commits: Option<i64>,
    pub stars: i64,
    pub forks: i64,
    pub created_at: Option<String>,
    pub pushed_at: Option<String>,
    pub primary_language: Option<String>,
    pub license: Option<String>,
    /// Languages by bytes, largest first.
    pub languages: Vec<LanguageBytes>,
    pub topics: Vec<String>,
    /// Technology ids found in manifests and topics.
    pub technologies: Vec<String>,
    pub manifests: Vec<Manifest>,
    /// Untrusted, plain text (markup removed), at most 600 characters.
    pub readme_excerpt: Option<String>,
    /// How well it shows the developer's work, 0–100.
    pub score: f64,
    /// 1 for the best; None when not ranked (forks without own commits,
    /// other people's repositories).
    pub rank: Option<u32>,
    /// Why it is not ranked, for people.
    pub unranked_reason: Option<String>,
    /// Merged pull requests by the user (other people's repositories).
    pub pull_requests: Vec<PullRequestRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LanguageBytes {
    pub name: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Manifest {
    pub path: String,
    /// Declared dependencies, as written (at most 200).
    pub dependencies: Vec<String>,
    /// Why it could not be read, if it could not.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contribution {
    pub repository: String,
    pub url: String,
    pub stars: i64,
    pub primary_language: Option<String>,
    pub pull_requests: Vec<PullRequestRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportStats {
    /// Requests sent to GitHub by this import.
    pub github_requests: u32,
    pub duration_ms: u64,
    pub repositories_read: u32,
    pub manifests_read: u32,
    pub pull_requests_read: u32,
}

/// `GET /api/v1/me/skills`: the profile with the user's own choices applied.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SkillsView {
    /// None until the first import has finished.
    pub profile: Option<SkillProfile>,
    /// Hidden items are left out of `profile` and listed here to be shown again.
    pub hidden_repositories: Vec<String>,
    pub hidden_skills: Vec<HiddenSkill>,
    /// The import now queued or running, if any.
    pub active_import: Option<crate::platform::jobs::JobView>,
    /// The most recent import that failed after the last good one.
    pub last_failure: Option<String>,
    /// Whether the user has GitHub linked (or the demo sample), i.e. can import.
    pub can_import: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HiddenSkill {
    pub id: String,
    pub name: String,
}

/// Progress of an import, as the job's `progress` JSON.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportProgress {
    /// `repositories`, `forks`, `files`, `analysing`, `saving`
    pub stage: String,
    pub repositories_read: u32,
    pub repositories_total: u32,
    pub languages: u32,
    pub manifests: u32,
    pub pull_requests: u32,
    pub requests: u32,
    /// Set while paused by a GitHub rate limit (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumes_at: Option<String>,
}

/// `GET /api/v1/preview/{login}`: what anyone can see of a public GitHub
/// account before signing in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Preview {
    pub account: GithubAccount,
    pub public_repos: i64,
    /// Languages by the number of repositories whose main language they are.
    pub languages: Vec<PreviewLanguage>,
    /// Technologies named by repository topics.
    pub technologies: Vec<PreviewTechnology>,
    /// The best few repositories.
    pub repositories: Vec<PreviewRepository>,
    /// RFC 3339; previews are cached for an hour.
    pub fetched_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PreviewLanguage {
    pub name: String,
    pub repositories: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PreviewTechnology {
    pub id: String,
    pub name: String,
    pub repositories: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PreviewRepository {
    pub name_with_owner: String,
    pub url: String,
    pub description: Option<String>,
    pub language: Option<String>,
    pub stars: i64,
    pub pushed_at: Option<String>,
}

/// Human size: 1,234 B, 12.3 KB, 4.5 MB, 47.7 GB.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// At most `max` characters, with "…" when cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(12_345), "12.3 KB");
        assert_eq!(human_bytes(47_700_000_000), "47.7 GB");
        assert_eq!(human_bytes(u64::MAX), "18446744.1 TB");
    }
}
