//! GraphQL for the stand-in GitHub. Every query is first validated against
//! GitHub's published schema (npm `@octokit/graphql-schema`), so a query
//! GitHub would reject is rejected here too; then it is executed over the
//! fixtures by apollo-compiler's executor, answering exactly the fields
//! asked for. A field the stand-in does not model is an error, not a
//! silent null.

use super::fixtures::{Account, PullRequest, Repo};
use apollo_compiler::{
    resolvers::{Execution, FieldError, ObjectValue, ResolveInfo, ResolvedValue},
    response::JsonMap,
    validation::Valid,
    ExecutableDocument, Schema,
};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde_json::Value;
use std::{
    path::PathBuf,
    sync::{Arc, OnceLock},
};

/// Where GitHub's schema is: `GITHUB_GRAPHQL_SCHEMA`, or the npm package
/// installed by `scripts/setup --test` under `end2end/node_modules`.
pub fn schema_path() -> PathBuf {
    std::env::var_os("GITHUB_GRAPHQL_SCHEMA").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end/node_modules/@octokit/graphql-schema/schema.graphql")
    })
}

pub fn schema() -> &'static Valid<Schema> {
    static SCHEMA: OnceLock<Valid<Schema>> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = schema_path();
        let sdl = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("GitHub's GraphQL schema is missing at {} ({e}); run scripts/setup --test", path.display())
        });
        match Schema::parse_and_validate(sdl.clone(), "github.graphql") {
            Ok(s) => s,
            // The published schema uses a few constructs stricter validators
            // flag; it is GitHub's own, so take it as valid once it parses.
            Err(_) => Valid::assume_valid(Schema::parse(sdl, "github.graphql").unwrap_or_else(|e| e.partial)),
        }
    })
}

/// Validate `query` against GitHub's schema; the errors as GitHub words them.
pub fn validate(query: &str) -> Result<Valid<ExecutableDocument>, String> {
    ExecutableDocument::parse_and_validate(schema(), query, "query.graphql").map_err(|e| e.errors.to_string())
}

/// What a query runs against.
pub struct World {
    pub accounts: Vec<Account>,
    pub viewer: String,
    pub remaining: i64,
    pub reset_at: String,
    /// Where avatars are served.
    pub base_url: String,
}

type W = Arc<World>;

/// Execute a validated query; the response body GitHub would send.
pub fn execute(world: World, doc: &Valid<ExecutableDocument>, operation: Option<&str>, variables: &Value) -> Value {
    let vars: JsonMap = match variables {
        Value::Object(_) => serde_json::from_value(variables.clone()).unwrap_or_default(),
        _ => JsonMap::new(),
    };
    let exec = match Execution::new(schema(), doc).operation_name(operation) {
        Ok(e) => e.raw_variable_values(&vars),
        Err(e) => return serde_json::json!({ "errors": [{ "message": format!("{e:?}") }] }),
    };
    match exec.execute_sync(&QueryRoot(Arc::new(world))) {
        Ok(resp) => serde_json::to_value(resp).unwrap_or(Value::Null),
        Err(e) => serde_json::json!({ "errors": [{ "message": format!("{e:?}") }] }),
    }
}

fn err(msg: impl Into<String>) -> FieldError {
    FieldError { message: msg.into() }
}

fn leaf<'a>(v: impl Into<Value>) -> ResolvedValue<'a> {
    let v: Value = v.into();
    ResolvedValue::leaf(serde_json_bytes::Value::from(v))
}

fn opt_leaf<'a, T: Into<Value>>(v: Option<T>) -> ResolvedValue<'a> {
    match v {
        Some(v) => leaf(v),
        None => ResolvedValue::null(),
    }
}

fn arg_str<'a>(info: &'a ResolveInfo<'a>, name: &str) -> Option<&'a str> {
    info.arguments().get(name).and_then(|v| v.as_str())
}

fn arg_int(info: &ResolveInfo<'_>, name: &str) -> Option<i64> {
    info.arguments().get(name).and_then(|v| v.as_i64())
}

/// GitHub requires `first` or `last` on connections, at most 100.
fn page_size(info: &ResolveInfo<'_>) -> Result<usize, FieldError> {
    match arg_int(info, "first").or_else(|| arg_int(info, "last")) {
        None => Err(err(format!(
            "You must provide a `first` or `last` value to properly paginate the `{}` connection.",
            info.field_name()
        ))),
        Some(n) if n > 100 => Err(err(format!(
            "Requesting {n} records on the `{}` connection exceeds the `first` limit of 100 records.",
            info.field_name()
        ))),
        Some(n) => Ok(n.max(0) as usize),
    }
}

fn unmodelled(ty: &str, info: &ResolveInfo<'_>) -> FieldError {
    err(format!("the stand-in GitHub does not model {ty}.{}", info.field_name()))
}

struct QueryRoot(W);

impl ObjectValue for QueryRoot {
    fn type_name(&self) -> &str {
        "Query"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        let w = &self.0;
        match info.field_name() {
            "rateLimit" => Ok(ResolvedValue::object(RateLimitObj(w.clone()))),
            "viewer" => {
                let i = w.accounts.iter().position(|a| a.login == w.viewer).ok_or_else(|| err("unknown viewer"))?;
                Ok(ResolvedValue::object(UserObj(w.clone(), i)))
            }
            "user" => {
                let login = arg_str(info, "login").unwrap_or("");
                Ok(ResolvedValue::nullable_object(
                    w.accounts.iter().position(|a| a.login.eq_ignore_ascii_case(login)).map(|i| UserObj(w.clone(), i)),
                ))
            }
            "repository" => {
                let (owner, name) = (arg_str(info, "owner").unwrap_or(""), arg_str(info, "name").unwrap_or(""));
                Ok(ResolvedValue::nullable_object(
                    find_repo(w, &format!("{owner}/{name}")).map(|r| RepoObj(w.clone(), r)),
                ))
            }
            "node" => Ok(node(w, arg_str(info, "id").unwrap_or(""))),
            "nodes" => {
                let ids: Vec<String> = info
                    .arguments()
                    .get("ids")
                    .and_then(|v| v.as_array())
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                if ids.len() > 100 {
                    return Err(err("You may not request more than 100 nodes at once."));
                }
                let w = w.clone();
                Ok(ResolvedValue::list(ids.into_iter().map(move |id| node(&w, &id))))
            }
            _ => Err(unmodelled("Query", info)),
        }
    }
}

fn find_repo(w: &World, nwo: &str) -> Option<Repo> {
    w.accounts.iter().flat_map(|a| &a.repos).find(|r| r.nwo().eq_ignore_ascii_case(nwo)).cloned()
}

fn node<'a>(w: &W, id: &str) -> ResolvedValue<'a> {
    if let Some(r) = w.accounts.iter().flat_map(|a| &a.repos).find(|r| r.node_id() == id) {
        return ResolvedValue::object(RepoObj(w.clone(), r.clone()));
    }
    if let Some(i) = w.accounts.iter().position(|a| a.node_id() == id) {
        return ResolvedValue::object(UserObj(w.clone(), i));
    }
    ResolvedValue::null()
}

struct RateLimitObj(W);

impl ObjectValue for RateLimitObj {
    fn type_name(&self) -> &str {
        "RateLimit"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        Ok(match info.field_name() {
            "cost" => leaf(1),
            "limit" => leaf(5000),
            "nodeCount" => leaf(100),
            "remaining" => leaf(self.0.remaining),
            "used" => leaf(5000 - self.0.remaining),
            "resetAt" => leaf(self.0.reset_at.clone()),
            _ => return Err(unmodelled("RateLimit", info)),
        })
    }
}

/// A plain object with a few leaf fields.
struct Leaves(&'static str, Vec<(&'static str, Value)>);

impl ObjectValue for Leaves {
    fn type_name(&self) -> &str {
        self.0
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        self.1
            .iter()
            .find(|(k, _)| *k == info.field_name())
            .map(|(_, v)| leaf(v.clone()))
            .ok_or_else(|| unmodelled(self.0, info))
    }
}

struct UserObj(W, usize);

impl ObjectValue for UserObj {
    fn type_name(&self) -> &str {
        "User"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        let (w, a) = (&self.0, &self.0.accounts[self.1]);
        Ok(match info.field_name() {
            "id" => leaf(a.node_id()),
            "login" => leaf(a.login.clone()),
            "name" => opt_leaf(a.name.clone()),
            "bio" => opt_leaf(a.bio.clone()),
            "company" => opt_leaf(a.company.clone()),
            "location" => opt_leaf(a.location.clone()),
            "websiteUrl" => opt_leaf(a.website.clone()),
            "avatarUrl" => leaf(format!("{}/avatars/u/{}?v=4", w.base_url, a.id)),
            "url" => leaf(format!("https://github.com/{}", a.login)),
            "createdAt" => leaf(a.created_at.clone()),
            "followers" => {
                ResolvedValue::object(Leaves("FollowerConnection", vec![("totalCount", a.followers.into())]))
            }
            "contributionsCollection" => {
                let [commits, prs, reviews, issues] = a.contributions;
                ResolvedValue::object(Contributions(
                    Leaves(
                        "ContributionsCollection",
                        vec![
                            ("totalCommitContributions", commits.into()),
                            ("totalPullRequestContributions", prs.into()),
                            ("totalPullRequestReviewContributions", reviews.into()),
                            ("totalIssueContributions", issues.into()),
                        ],
                    ),
                    commits + prs + reviews + issues,
                ))
            }
            "repositories" => {
                let n = page_size(info)?;
                let mut repos: Vec<&Repo> = a.repos.iter().filter(|r| !r.is_private).collect();
                if let Some(fork) = info.arguments().get("isFork").and_then(|v| v.as_bool()) {
                    repos.retain(|r| r.is_fork == fork);
                }
                let field = info.arguments().get("orderBy").and_then(|o| o.get("field")).and_then(|f| f.as_str());
                match field {
                    Some("PUSHED_AT") => repos.sort_by(|x, y| y.pushed_at.cmp(&x.pushed_at).then(x.name.cmp(&y.name))),
                    Some("CREATED_AT") => repos.sort_by(|x, y| y.created_at.cmp(&x.created_at)),
                    _ => repos.sort_by(|x, y| x.name.cmp(&y.name)),
                }
                let start = match arg_str(info, "after") {
                    Some(c) => {
                        decode_cursor(c).ok_or_else(|| err(format!("`{c}` does not appear to be a valid cursor.")))? + 1
                    }
                    None => 0,
                };
                let total = repos.len();
                let page: Vec<Repo> = repos.into_iter().skip(start).take(n).cloned().collect();
                let end = start + page.len();
                ResolvedValue::object(RepoConnection { w: w.clone(), total, start, page, has_next: end < total })
            }
            "pullRequests" => {
                let n = page_size(info)?;
                let mut prs: Vec<PullRequest> = a.pull_requests.clone();
                prs.sort_by(|x, y| y.merged_at.cmp(&x.merged_at));
                let total = prs.len();
                prs.truncate(n);
                ResolvedValue::object(PrConnection { total, nodes: prs })
            }
            _ => return Err(unmodelled("User", info)),
        })
    }
}

struct Contributions(Leaves, i64);

impl ObjectValue for Contributions {
    fn type_name(&self) -> &str {
        "ContributionsCollection"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        if info.field_name() == "contributionCalendar" {
            return Ok(ResolvedValue::object(Leaves(
                "ContributionCalendar",
                vec![("totalContributions", self.1.into())],
            )));
        }
        self.0.resolve_field(info)
    }
}

fn cursor(i: usize) -> String {
    B64.encode(format!("cursor:v2:{i}"))
}

fn decode_cursor(c: &str) -> Option<usize> {
    let raw = String::from_utf8(B64.decode(c).ok()?).ok()?;
    raw.strip_prefix("cursor:v2:")?.parse().ok()
}

struct RepoConnection {
    w: W,
    total: usize,
    start: usize,
    page: Vec<Repo>,
    has_next: bool,
}

impl ObjectValue for RepoConnection {
    fn type_name(&self) -> &str {
        "RepositoryConnection"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        Ok(match info.field_name() {
            "totalCount" => leaf(self.total),
            "pageInfo" => {
                let end = (!self.page.is_empty()).then(|| cursor(self.start + self.page.len() - 1));
                let start = (!self.page.is_empty()).then(|| cursor(self.start));
                ResolvedValue::object(Leaves(
                    "PageInfo",
                    vec![
                        ("hasNextPage", self.has_next.into()),
                        ("hasPreviousPage", (self.start > 0).into()),
                        ("endCursor", end.into()),
                        ("startCursor", start.into()),
                    ],
                ))
            }
            "nodes" => {
                ResolvedValue::list(self.page.iter().map(|r| ResolvedValue::object(RepoObj(self.w.clone(), r.clone()))))
            }
            _ => return Err(unmodelled("RepositoryConnection", info)),
        })
    }
}

struct PrConnection {
    total: usize,
    nodes: Vec<PullRequest>,
}

impl ObjectValue for PrConnection {
    fn type_name(&self) -> &str {
        "PullRequestConnection"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        Ok(match info.field_name() {
            "totalCount" => leaf(self.total),
            "nodes" => ResolvedValue::list(self.nodes.iter().map(|p| ResolvedValue::object(PrObj(p.clone())))),
            _ => return Err(unmodelled("PullRequestConnection", info)),
        })
    }
}

struct PrObj(PullRequest);

impl ObjectValue for PrObj {
    fn type_name(&self) -> &str {
        "PullRequest"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        let p = &self.0;
        let repo_url = format!("https://github.com/{}/{}", p.repo_owner, p.repo_name);
        Ok(match info.field_name() {
            "title" => leaf(p.title.clone()),
            "number" => leaf(p.number),
            "url" => leaf(format!("{repo_url}/pull/{}", p.number)),
            "mergedAt" => leaf(p.merged_at.clone()),
            "additions" => leaf(120),
            "deletions" => leaf(30),
            "repository" => ResolvedValue::object(ExternalRepo(p.clone())),
            _ => return Err(unmodelled("PullRequest", info)),
        })
    }
}

/// Someone else's repository, as seen through a pull request.
struct ExternalRepo(PullRequest);

impl ObjectValue for ExternalRepo {
    fn type_name(&self) -> &str {
        "Repository"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        let p = &self.0;
        Ok(match info.field_name() {
            "nameWithOwner" => leaf(format!("{}/{}", p.repo_owner, p.repo_name)),
            "name" => leaf(p.repo_name.clone()),
            "url" => leaf(format!("https://github.com/{}/{}", p.repo_owner, p.repo_name)),
            "isPrivate" => leaf(false),
            "stargazerCount" => leaf(p.repo_stars),
            "owner" => ResolvedValue::object(Leaves("Organization", vec![("login", p.repo_owner.clone().into())])),
            "primaryLanguage" => ResolvedValue::nullable_object(
                p.repo_language.clone().map(|l| Leaves("Language", vec![("name", l.into()), ("color", Value::Null)])),
            ),
            _ => return Err(unmodelled("Repository (external)", info)),
        })
    }
}

struct RepoObj(W, Repo);

impl ObjectValue for RepoObj {
    fn type_name(&self) -> &str {
        "Repository"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        let (w, r) = (&self.0, &self.1);
        Ok(match info.field_name() {
            "id" => leaf(r.node_id()),
            "name" => leaf(r.name.clone()),
            "nameWithOwner" => leaf(r.nwo()),
            "url" => leaf(format!("https://github.com/{}", r.nwo())),
            "description" => opt_leaf(r.description.clone()),
            "homepageUrl" => opt_leaf(r.homepage.clone()),
            "isFork" => leaf(r.is_fork),
            "isArchived" => leaf(r.is_archived),
            "isEmpty" => leaf(r.is_empty),
            "isPrivate" => leaf(r.is_private),
            "stargazerCount" => leaf(r.stars),
            "forkCount" => leaf(r.forks),
            "createdAt" => leaf(r.created_at.clone()),
            "pushedAt" => leaf(r.pushed_at.clone()),
            "owner" => ResolvedValue::object(Leaves("User", vec![("login", r.owner.clone().into())])),
            "parent" => ResolvedValue::nullable_object(
                r.parent.clone().map(|p| Leaves("Repository", vec![("nameWithOwner", p.into())])),
            ),
            "primaryLanguage" => ResolvedValue::nullable_object(
                r.languages
                    .first()
                    .map(|(l, _)| Leaves("Language", vec![("name", l.clone().into()), ("color", Value::Null)])),
            ),
            "licenseInfo" => {
                ResolvedValue::nullable_object(r.license.clone().map(|l| Leaves("License", vec![("spdxId", l.into())])))
            }
            "repositoryTopics" => {
                let n = page_size(info)?;
                ResolvedValue::object(Topics(r.topics.iter().take(n).cloned().collect()))
            }
            "languages" => {
                let n = page_size(info)?;
                ResolvedValue::object(LanguagesObj(
                    r.languages.iter().take(n).cloned().collect(),
                    r.languages.iter().map(|l| l.1).sum(),
                ))
            }
            "object" => {
                let expr = arg_str(info, "expression").unwrap_or("");
                if r.is_empty {
                    return Ok(ResolvedValue::null());
                }
                let path = expr.strip_prefix("HEAD:").ok_or_else(|| err(format!("unsupported expression {expr}")))?;
                if path.is_empty() {
                    ResolvedValue::object(TreeObj(r.clone()))
                } else {
                    ResolvedValue::nullable_object(r.files.get(path).map(|t| BlobObj(t.clone())))
                }
            }
            "defaultBranchRef" => {
                if r.is_empty {
                    ResolvedValue::null()
                } else {
                    ResolvedValue::object(RefObj(w.clone(), r.clone()))
                }
            }
            _ => return Err(unmodelled("Repository", info)),
        })
    }
}

struct Topics(Vec<String>);

impl ObjectValue for Topics {
    fn type_name(&self) -> &str {
        "RepositoryTopicConnection"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        Ok(match info.field_name() {
            "totalCount" => leaf(self.0.len()),
            "nodes" => ResolvedValue::list(self.0.iter().map(|t| ResolvedValue::object(TopicNode(t.clone())))),
            _ => return Err(unmodelled("RepositoryTopicConnection", info)),
        })
    }
}

struct TopicNode(String);

impl ObjectValue for TopicNode {
    fn type_name(&self) -> &str {
        "RepositoryTopic"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        match info.field_name() {
            "topic" => Ok(ResolvedValue::object(Leaves("Topic", vec![("name", self.0.clone().into())]))),
            _ => Err(unmodelled("RepositoryTopic", info)),
        }
    }
}

struct LanguagesObj(Vec<(String, u64)>, u64);

impl ObjectValue for LanguagesObj {
    fn type_name(&self) -> &str {
        "LanguageConnection"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        Ok(match info.field_name() {
            "totalSize" => leaf(self.1),
            "totalCount" => leaf(self.0.len()),
            "edges" => ResolvedValue::list(
                self.0.iter().map(|(name, size)| ResolvedValue::object(LanguageEdge(name.clone(), *size))),
            ),
            _ => return Err(unmodelled("LanguageConnection", info)),
        })
    }
}

struct LanguageEdge(String, u64);

impl ObjectValue for LanguageEdge {
    fn type_name(&self) -> &str {
        "LanguageEdge"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        Ok(match info.field_name() {
            "size" => leaf(self.1),
            "node" => {
                ResolvedValue::object(Leaves("Language", vec![("name", self.0.clone().into()), ("color", Value::Null)]))
            }
            _ => return Err(unmodelled("LanguageEdge", info)),
        })
    }
}

struct BlobObj(String);

impl ObjectValue for BlobObj {
    fn type_name(&self) -> &str {
        "Blob"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        Ok(match info.field_name() {
            "text" => leaf(self.0.clone()),
            "byteSize" => leaf(self.0.len()),
            "isTruncated" => leaf(false),
            "isBinary" => leaf(false),
            _ => return Err(unmodelled("Blob", info)),
        })
    }
}

struct TreeObj(Repo);

impl ObjectValue for TreeObj {
    fn type_name(&self) -> &str {
        "Tree"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        match info.field_name() {
            "entries" => {
                let mut names: Vec<(String, &str)> = Vec::new();
                for path in self.0.files.keys() {
                    let (top, kind) = match path.split_once('/') {
                        Some((dir, _)) => (dir.to_string(), "tree"),
                        None => (path.clone(), "blob"),
                    };
                    if !names.iter().any(|(n, _)| *n == top) {
                        names.push((top, kind));
                    }
                }
                Ok(ResolvedValue::list(names.into_iter().map(|(name, kind)| {
                    let ext = name.rsplit_once('.').map(|(_, e)| format!(".{e}"));
                    ResolvedValue::object(Leaves(
                        "TreeEntry",
                        vec![
                            ("name", name.clone().into()),
                            ("path", name.into()),
                            ("type", kind.into()),
                            ("extension", ext.into()),
                        ],
                    ))
                })))
            }
            _ => Err(unmodelled("Tree", info)),
        }
    }
}

struct RefObj(W, Repo);

impl ObjectValue for RefObj {
    fn type_name(&self) -> &str {
        "Ref"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        match info.field_name() {
            "name" => Ok(leaf("main")),
            "target" => Ok(ResolvedValue::object(CommitObj(self.0.clone(), self.1.clone()))),
            _ => Err(unmodelled("Ref", info)),
        }
    }
}

struct CommitObj(W, Repo);

impl ObjectValue for CommitObj {
    fn type_name(&self) -> &str {
        "Commit"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        match info.field_name() {
            "history" => {
                let author = info.arguments().get("author").and_then(|a| a.get("id")).and_then(|i| i.as_str());
                let owner_id = self.0.accounts.iter().find(|a| a.login == self.1.owner).map(|a| a.node_id());
                let count = match author {
                    Some(id) if Some(id) == owner_id.as_deref() => self.1.own_commits,
                    Some(_) => 0,
                    None => self.1.own_commits + 100,
                };
                Ok(ResolvedValue::object(Leaves("CommitHistoryConnection", vec![("totalCount", count.into())])))
            }
            _ => Err(unmodelled("Commit", info)),
        }
    }
}
