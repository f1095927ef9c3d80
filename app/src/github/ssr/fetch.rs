//! Reading a developer's GitHub work in a handful of GraphQL requests:
//! pages of 100 repositories with their languages, topics, README and
//! manifests (the first page also brings the profile and merged pull
//! requests), one request per 100 forks to count the user's own commits,
//! and one for manifests only known by name after the first pass
//! (`*.csproj`). The raw answers are kept as GitHub sent them (the demo
//! account's sample profile is stored in the same shape).

use super::{
    client::{GhError, GithubApi, RateLimit},
    queries,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Count {
    pub total_count: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Name {
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NameWithOwner {
    pub name_with_owner: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contributions {
    pub total_commit_contributions: i64,
    pub total_pull_request_contributions: i64,
    pub total_pull_request_review_contributions: i64,
    pub total_issue_contributions: i64,
    pub contribution_calendar: ContributionCalendar,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributionCalendar {
    pub total_contributions: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawProfile {
    pub login: String,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub website_url: Option<String>,
    pub avatar_url: Option<String>,
    pub url: String,
    pub created_at: Option<String>,
    #[serde(default)]
    pub followers: Count,
    #[serde(default)]
    pub contributions_collection: Contributions,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawPrRepo {
    pub name_with_owner: String,
    pub url: String,
    #[serde(default)]
    pub is_private: bool,
    #[serde(default)]
    pub stargazer_count: i64,
    pub owner: RawLogin,
    pub primary_language: Option<Name>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawLogin {
    pub login: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawPullRequest {
    pub title: String,
    pub url: String,
    pub merged_at: Option<String>,
    pub repository: RawPrRepo,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub byte_size: i64,
    #[serde(default)]
    pub is_truncated: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TreeEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tree {
    #[serde(default)]
    pub entries: Vec<TreeEntry>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Topic {
    pub topic: Name,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Topics {
    #[serde(default)]
    pub nodes: Vec<Topic>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LanguageEdge {
    pub size: u64,
    pub node: Name,
}

/// GraphQL's `Int` is 32 bits: GitHub answers null for a size beyond
/// 2,147,483,647 bytes (the edge, or the whole connection, comes back null).
/// Such repositories are read again from REST, whose numbers are not bounded.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Languages {
    #[serde(default)]
    pub total_size: Option<u64>,
    #[serde(default)]
    pub edges: Vec<Option<LanguageEdge>>,
}

impl Languages {
    pub fn sizes(&self) -> impl Iterator<Item = &LanguageEdge> {
        self.edges.iter().flatten()
    }

    fn incomplete(&self) -> bool {
        self.total_size.is_none() || self.edges.iter().any(Option::is_none)
    }
}

impl RawRepo {
    /// Languages GraphQL could not report (sizes beyond 32 bits).
    pub fn needs_rest_languages(&self) -> bool {
        !self.is_empty && self.languages.as_ref().is_none_or(Languages::incomplete)
    }
}

/// `GET /repos/{owner}/{name}/languages`: bytes per language, unbounded,
/// conditional on the last answer's ETag.
pub async fn rest_languages(api: &GithubApi, token: &str, name_with_owner: &str) -> Result<Languages, GhError> {
    let answer = api.rest_get(Some(token), &format!("/repos/{name_with_owner}/languages"), None).await?;
    let body = match answer {
        super::client::RestAnswer::Fresh { body, .. } => body,
        super::client::RestAnswer::NotModified => return Err(GhError::Invalid("unexpected 304".into())),
    };
    let obj = body.as_object().ok_or_else(|| GhError::Invalid("languages is not an object".into()))?;
    let mut edges: Vec<LanguageEdge> = obj
        .iter()
        .filter_map(|(name, size)| Some(LanguageEdge { size: size.as_u64()?, node: Name { name: name.clone() } }))
        .collect();
    edges.sort_by_key(|e| std::cmp::Reverse(e.size));
    let total = edges.iter().map(|e| e.size).fold(0u64, u64::saturating_add);
    Ok(Languages { total_size: Some(total), edges: edges.into_iter().map(Some).collect() })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRepo {
    pub id: String,
    pub name_with_owner: String,
    pub url: String,
    pub description: Option<String>,
    pub homepage_url: Option<String>,
    #[serde(default)]
    pub is_fork: bool,
    #[serde(default)]
    pub is_archived: bool,
    #[serde(default)]
    pub is_empty: bool,
    #[serde(default)]
    pub is_private: bool,
    #[serde(default)]
    pub stargazer_count: i64,
    #[serde(default)]
    pub fork_count: i64,
    pub created_at: Option<String>,
    pub pushed_at: Option<String>,
    pub parent: Option<NameWithOwner>,
    pub primary_language: Option<Name>,
    pub license_info: Option<Spdx>,
    #[serde(default)]
    pub repository_topics: Topics,
    #[serde(default)]
    pub languages: Option<Languages>,
    #[serde(default)]
    pub root: Option<Tree>,
    #[serde(default)]
    pub readme: Option<Blob>,
    #[serde(default)]
    pub readme_lower: Option<Blob>,
    /// The manifests, under their query aliases (`cargoToml`, …).
    #[serde(flatten)]
    pub files: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spdx {
    pub spdx_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageAnswer {
    rate_limit: Option<RateLimit>,
    viewer: Viewer,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Viewer {
    id: String,
    #[serde(flatten)]
    profile: Option<RawProfile>,
    pull_requests: Option<PullRequests>,
    repositories: RepoConnection,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PullRequests {
    nodes: Vec<RawPullRequest>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RepoConnection {
    total_count: u32,
    page_info: PageInfo,
    nodes: Vec<RawRepo>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

/// Everything read from GitHub for one import.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawImport {
    pub viewer_id: String,
    pub profile: RawProfile,
    pub repositories: Vec<RawRepo>,
    pub pull_requests: Vec<RawPullRequest>,
    /// Fork id → the user's commits on its default branch.
    pub fork_commits: BTreeMap<String, i64>,
    /// Repository id → (path, file) for files read in the extra pass.
    pub extra_files: BTreeMap<String, Vec<(String, Blob)>>,
}

/// One page of repositories.
pub struct Page {
    pub rate_limit: Option<RateLimit>,
    pub viewer_id: String,
    pub profile: Option<RawProfile>,
    pub pull_requests: Vec<RawPullRequest>,
    pub total: u32,
    pub repositories: Vec<RawRepo>,
    pub next: Option<String>,
}

pub async fn page(api: &GithubApi, token: &str, cursor: Option<&str>) -> Result<Page, GhError> {
    let answer = api
        .graphql::<PageAnswer>(
            token,
            &queries::IMPORT_PAGE,
            json!({ "cursor": cursor, "withProfile": cursor.is_none() }),
        )
        .await?;
    let v = answer.data.viewer;
    let profile = v.profile.filter(|p| !p.login.is_empty());
    Ok(Page {
        rate_limit: answer.data.rate_limit,
        viewer_id: v.id,
        profile,
        pull_requests: v.pull_requests.map(|p| p.nodes).unwrap_or_default(),
        total: v.repositories.total_count,
        repositories: v.repositories.nodes,
        next: v.repositories.page_info.has_next_page.then_some(v.repositories.page_info.end_cursor).flatten(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ForkAnswer {
    rate_limit: Option<RateLimit>,
    nodes: Vec<Option<ForkNode>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ForkNode {
    id: Option<String>,
    default_branch_ref: Option<BranchRef>,
}

#[derive(Debug, Deserialize)]
struct BranchRef {
    target: Option<CommitTarget>,
}

#[derive(Debug, Deserialize)]
struct CommitTarget {
    history: Option<Count>,
}

/// The user's own commits on each fork's default branch.
pub async fn fork_commits(
    api: &GithubApi,
    token: &str,
    ids: &[String],
    author: &str,
) -> Result<(Option<RateLimit>, Vec<(String, i64)>), GhError> {
    let answer =
        api.graphql::<ForkAnswer>(token, queries::FORK_COMMITS, json!({ "ids": ids, "author": author })).await?;
    let counts = answer
        .data
        .nodes
        .into_iter()
        .flatten()
        .filter_map(|n| {
            let count = n.default_branch_ref.and_then(|b| b.target).and_then(|t| t.history).map(|h| h.total_count);
            Some((n.id?, count.unwrap_or(0)))
        })
        .collect();
    Ok((answer.data.rate_limit, counts))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtraNode {
    id: Option<String>,
    file: Option<Blob>,
}

/// Read `(repository id, path)` files, many in one request.
pub async fn extra_files(
    api: &GithubApi,
    token: &str,
    wanted: &[(String, String)],
) -> Result<(Option<RateLimit>, Vec<(String, String, Blob)>), GhError> {
    let mut vars = serde_json::Map::new();
    for (i, (id, path)) in wanted.iter().enumerate() {
        vars.insert(format!("id{i}"), json!(id));
        vars.insert(format!("expr{i}"), json!(format!("HEAD:{path}")));
    }
    let answer = api.graphql::<Value>(token, &queries::extra_files(wanted.len()), Value::Object(vars)).await?;
    let rate_limit = answer.data.get("rateLimit").cloned().and_then(|v| serde_json::from_value(v).ok());
    let mut out = Vec::new();
    for (i, (_, path)) in wanted.iter().enumerate() {
        let Some(node) = answer.data.get(format!("f{i}")).cloned() else { continue };
        let Ok(node) = serde_json::from_value::<ExtraNode>(node) else { continue };
        if let (Some(id), Some(file)) = (node.id, node.file) {
            out.push((id, path.clone(), file));
        }
    }
    Ok((rate_limit, out))
}
