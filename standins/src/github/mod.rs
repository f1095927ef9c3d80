//! A local stand-in for github.com and api.github.com that speaks GitHub's
//! real wire formats: OAuth (authorize with auto-consent, the token endpoint
//! with PKCE and single-use codes), REST (`/user`, `/user/emails`,
//! `/users/{login}`, `/users/{login}/repos` with ETags and `Link`
//! pagination) and GraphQL (validated against GitHub's published schema,
//! executed over fixtures). It counts every request, keeps a rate-limit
//! budget like GitHub's, and can be told to fail in GitHub's ways.

#![allow(clippy::result_large_err)] // handlers answer with whole responses

pub mod fixtures;
pub mod graphql;

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Json, Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use chrono::{DateTime, Utc};
use fixtures::Account;
use serde::Deserialize;
use serde_json::{json, Value};
use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

pub const CLIENT_ID: &str = "Iv1.test-client";
pub const CLIENT_SECRET: &str = "stub-client-secret-0123456789";

/// A way GitHub fails, applied to the next API request (REST or GraphQL).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status (502, 503 …) and GitHub's error page.
    Status(u16),
    /// 403 "You have exceeded a secondary rate limit" with `Retry-After`.
    SecondaryRateLimit { retry_after_secs: u64 },
}

/// One request the stand-in answered.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub path: String,
    /// The GraphQL operation name, for GraphQL requests.
    pub operation: Option<String>,
    pub status: u16,
    pub at: Instant,
}

struct Grant {
    challenge: String,
    redirect_uri: String,
    login: String,
    used: bool,
}

struct Inner {
    accounts: Vec<Account>,
    next_login: String,
    grants: HashMap<String, Grant>,
    tokens: HashMap<String, String>,
    issued_tokens: Vec<String>,
    revoked: bool,
    faults: VecDeque<Fault>,
    log: Vec<Logged>,
    rejected_queries: Vec<(String, String)>,
    /// GraphQL points left and when the window resets.
    remaining: i64,
    /// Points each new window brings, and its length.
    window_budget: i64,
    window: chrono::Duration,
    reset_at: DateTime<Utc>,
    /// Anonymous REST requests left (GitHub allows 60 an hour).
    rest_anonymous_remaining: i64,
    /// Added to every GraphQL answer (a real import takes seconds).
    latency: Duration,
    /// Our own address: avatars are served here (GitHub serves them from
    /// avatars.githubusercontent.com, which tests cannot reach).
    base_url: String,
}

#[derive(Clone)]
pub struct GithubStandIn {
    /// Serves as github.com and as api.github.com.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl GithubStandIn {
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    pub async fn start_on(addr: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            accounts: vec![],
            next_login: String::new(),
            grants: HashMap::new(),
            tokens: HashMap::new(),
            issued_tokens: vec![],
            revoked: false,
            faults: VecDeque::new(),
            log: vec![],
            rejected_queries: vec![],
            remaining: 5000,
            window_budget: 5000,
            window: chrono::Duration::hours(1),
            reset_at: Utc::now() + chrono::Duration::hours(1),
            rest_anonymous_remaining: 60,
            latency: Duration::ZERO,
            base_url: String::new(),
        }));
        let app = Router::new()
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(token))
            .route("/user", get(user))
            .route("/user/emails", get(emails))
            .route("/users/{login}", get(rest_user))
            .route("/users/{login}/repos", get(rest_repos))
            .route("/repos/{owner}/{name}/languages", get(rest_languages))
            .route("/graphql", post(graphql_endpoint))
            .route("/healthz", get(|| async { "ok" }))
            .route("/avatars/u/{id}", get(avatar))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind the stand-in GitHub");
        let url = format!("http://{}", listener.local_addr().unwrap());
        inner.lock().unwrap().base_url = url.clone();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let stub = Self { url, inner };
        let mut octocat = Account::new(583231, "octocat");
        octocat.name = Some("The Octocat".into());
        stub.add_account(octocat);
        stub.sign_in_as(583231, "octocat");
        stub
    }

    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.url)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap()
    }

    /// Add (or replace, by login) an account and its repositories.
    pub fn add_account(&self, account: Account) {
        let mut inner = self.lock();
        inner.accounts.retain(|a| !a.login.eq_ignore_ascii_case(&account.login));
        inner.accounts.push(account);
    }

    /// Who the next authorization will be for (created bare if unknown).
    pub fn sign_in_as(&self, id: u64, login: &str) {
        let mut inner = self.lock();
        if !inner.accounts.iter().any(|a| a.login == login) {
            inner.accounts.push(Account::new(id, login));
        }
        inner.next_login = login.into();
    }

    /// Every access token handed out, to check that none leaks.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.lock().issued_tokens.clone()
    }

    /// From now on every token is rejected with 401 (the user revoked the app).
    pub fn revoke_tokens(&self) {
        self.lock().revoked = true;
    }

    /// Make every GraphQL answer take at least this long.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    pub fn push_fault(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }

    /// Set the GraphQL budget: `remaining` points until `reset_in` from now.
    pub fn set_rate_limit(&self, remaining: i64, reset_in: Duration) {
        let mut inner = self.lock();
        inner.remaining = remaining;
        inner.reset_at = Utc::now() + chrono::Duration::from_std(reset_in).unwrap();
    }

    /// Every window (from now on) brings only `per_window` points (a token
    /// whose budget other apps use up, or a plan with a tiny limit).
    pub fn set_budget_per_window(&self, per_window: i64, window: Duration) {
        let mut inner = self.lock();
        inner.window_budget = per_window;
        inner.window = chrono::Duration::from_std(window).unwrap();
        inner.remaining = per_window;
        inner.reset_at = Utc::now() + inner.window;
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.lock().log.clone()
    }

    /// API requests (REST and GraphQL, not OAuth) since the last `reset_log`.
    pub fn api_requests(&self) -> Vec<Logged> {
        self.requests().into_iter().filter(|l| !l.path.starts_with("/login/")).collect()
    }

    pub fn graphql_requests(&self) -> Vec<Logged> {
        self.requests().into_iter().filter(|l| l.path == "/graphql").collect()
    }

    pub fn reset_log(&self) {
        self.lock().log.clear();
    }

    /// Queries that failed validation against GitHub's schema, with the errors.
    pub fn rejected_queries(&self) -> Vec<(String, String)> {
        self.lock().rejected_queries.clone()
    }
}

fn record(inner: &mut Inner, method: &str, path: &str, operation: Option<String>, status: StatusCode) {
    inner.log.push(Logged {
        method: method.into(),
        path: path.into(),
        operation,
        status: status.as_u16(),
        at: Instant::now(),
    });
}

fn github_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"message": message, "documentation_url": "https://docs.github.com/rest"}))).into_response()
}

/// Apply the next scripted fault, if any.
fn take_fault(inner: &mut Inner) -> Option<Response> {
    match inner.faults.pop_front()? {
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
            Some(
                (
                    status,
                    [("content-type", "text/html")],
                    "<html><body><h1>Unicorn!</h1>This page is taking too long to load.</body></html>",
                )
                    .into_response(),
            )
        }
        Fault::SecondaryRateLimit { retry_after_secs } => {
            let mut r = github_error(
                StatusCode::FORBIDDEN,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            );
            r.headers_mut().insert("retry-after", HeaderValue::from(retry_after_secs));
            Some(r)
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("token "))
}

/// The login a request's token belongs to; Err(401) for a bad or revoked token.
fn authenticate(inner: &Inner, headers: &HeaderMap) -> Result<Option<String>, Response> {
    match bearer(headers) {
        None => Ok(None),
        Some(t) if !inner.revoked && inner.tokens.contains_key(t) => Ok(inner.tokens.get(t).cloned()),
        Some(_) => Err(github_error(StatusCode::UNAUTHORIZED, "Bad credentials")),
    }
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    state: String,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

async fn authorize(State(inner): State<Arc<Mutex<Inner>>>, Query(q): Query<AuthorizeQuery>) -> Response {
    let mut inner = inner.lock().unwrap();
    record(&mut inner, "GET", "/login/oauth/authorize", None, StatusCode::FOUND);
    if q.client_id != CLIENT_ID {
        return (StatusCode::NOT_FOUND, "unknown client").into_response();
    }
    if q.code_challenge_method.as_deref() != Some("S256") || q.code_challenge.is_none() {
        return (StatusCode::BAD_REQUEST, "this stand-in insists on PKCE S256").into_response();
    }
    let code = format!("code-{}", uuid::Uuid::new_v4().simple());
    let login = inner.next_login.clone();
    inner.grants.insert(
        code.clone(),
        Grant { challenge: q.code_challenge.unwrap(), redirect_uri: q.redirect_uri.clone(), login, used: false },
    );
    Redirect::to(&format!("{}?code={code}&state={}", q.redirect_uri, q.state)).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    client_id: String,
    client_secret: String,
    code: String,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

/// GitHub answers token errors with 200 and an `error` field.
async fn token(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, Form(f): Form<TokenForm>) -> Response {
    let mut inner = inner.lock().unwrap();
    record(&mut inner, "POST", "/login/oauth/access_token", None, StatusCode::OK);
    if headers.get("accept").and_then(|v| v.to_str().ok()) != Some("application/json") {
        return (StatusCode::NOT_ACCEPTABLE, "ask for application/json").into_response();
    }
    if f.client_id != CLIENT_ID || f.client_secret != CLIENT_SECRET {
        return Json(json!({"error": "incorrect_client_credentials"})).into_response();
    }
    let bad_code = || {
        Json(json!({"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}))
            .into_response()
    };
    let Some(grant) = inner.grants.get_mut(&f.code) else { return bad_code() };
    if grant.used {
        return bad_code();
    }
    grant.used = true;
    if f.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return Json(json!({"error": "redirect_uri_mismatch"})).into_response();
    }
    let verifier = f.code_verifier.unwrap_or_default();
    let expected = B64.encode(ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()).as_ref());
    if expected != grant.challenge {
        return Json(json!({"error": "invalid_grant", "error_description": "PKCE verification failed"}))
            .into_response();
    }
    let login = grant.login.clone();
    let token = format!("gho_{}", uuid::Uuid::new_v4().simple());
    inner.tokens.insert(token.clone(), login);
    inner.issued_tokens.push(token.clone());
    inner.revoked = false;
    Json(json!({"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"})).into_response()
}

/// A plain avatar, so pages showing one load without the internet.
async fn avatar() -> Response {
    let svg =
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'><rect width='8' height='8' fill='#6e7781'/></svg>";
    ([("content-type", "image/svg+xml")], svg).into_response()
}

fn user_json(base: &str, a: &Account) -> Value {
    json!({
        "login": a.login, "id": a.id, "node_id": a.node_id(),
        "avatar_url": format!("{base}/avatars/u/{}?v=4", a.id),
        "html_url": format!("https://github.com/{}", a.login), "type": "User", "site_admin": false,
        "name": a.name, "company": a.company, "blog": a.website.clone().unwrap_or_default(), "location": a.location,
        "email": null, "bio": a.bio, "public_repos": a.repos.iter().filter(|r| !r.is_private).count(),
        "followers": a.followers, "following": 9,
        "created_at": a.created_at, "updated_at": "2026-01-22T12:00:00Z"
    })
}

/// Rate-limit headers and budget for a REST request; Err when used up.
fn rest_budget(
    inner: &mut Inner,
    authenticated: bool,
    conditional_hit: bool,
) -> Result<[(String, String); 3], Response> {
    let reset = inner.reset_at.timestamp().to_string();
    if authenticated {
        return Ok([
            ("x-ratelimit-limit".into(), "5000".into()),
            ("x-ratelimit-remaining".into(), inner.remaining.to_string()),
            ("x-ratelimit-reset".into(), reset),
        ]);
    }
    if inner.rest_anonymous_remaining <= 0 && !conditional_hit {
        let mut r = github_error(StatusCode::FORBIDDEN, "API rate limit exceeded for 127.0.0.1.");
        r.headers_mut().insert("x-ratelimit-remaining", HeaderValue::from(0));
        r.headers_mut().insert("x-ratelimit-reset", HeaderValue::from_str(&reset).unwrap());
        return Err(r);
    }
    // 304s are free, as on GitHub.
    if !conditional_hit {
        inner.rest_anonymous_remaining -= 1;
    }
    Ok([
        ("x-ratelimit-limit".into(), "60".into()),
        ("x-ratelimit-remaining".into(), inner.rest_anonymous_remaining.to_string()),
        ("x-ratelimit-reset".into(), reset),
    ])
}

/// 200 with an ETag, or 304 when the client already has this body.
fn conditional(
    inner: &mut Inner,
    headers: &HeaderMap,
    path: &str,
    body: Value,
    authed: bool,
    link: Option<String>,
) -> Response {
    let text = body.to_string();
    let etag = format!("W/\"{}\"", hex(&ring::digest::digest(&ring::digest::SHA256, text.as_bytes()).as_ref()[..16]));
    let hit = headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let limits = match rest_budget(inner, authed, hit) {
        Ok(l) => l,
        Err(r) => {
            record(inner, "GET", path, None, r.status());
            return r;
        }
    };
    let mut resp = if hit {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([("content-type", "application/json; charset=utf-8")], text).into_response()
    };
    let h = resp.headers_mut();
    h.insert("etag", HeaderValue::from_str(&etag).unwrap());
    for (k, v) in limits {
        h.insert(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(&v).unwrap());
    }
    if let Some(link) = link {
        h.insert("link", HeaderValue::from_str(&link).unwrap());
    }
    record(inner, "GET", path, None, resp.status());
    resp
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The common start of every API request: faults, then the token.
fn api_preamble(inner: &mut Inner, headers: &HeaderMap, method: &str, path: &str) -> Result<Option<String>, Response> {
    if let Some(r) = take_fault(inner) {
        record(inner, method, path, None, r.status());
        return Err(r);
    }
    authenticate(inner, headers).inspect_err(|r| record(inner, method, path, None, r.status()))
}

async fn user(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap) -> Response {
    let mut inner = inner.lock().unwrap();
    let login = match api_preamble(&mut inner, &headers, "GET", "/user") {
        Ok(Some(l)) => l,
        Ok(None) => {
            record(&mut inner, "GET", "/user", None, StatusCode::UNAUTHORIZED);
            return github_error(StatusCode::UNAUTHORIZED, "Requires authentication");
        }
        Err(r) => return r,
    };
    let account = inner.accounts.iter().find(|a| a.login == login).cloned().expect("token of a known account");
    record(&mut inner, "GET", "/user", None, StatusCode::OK);
    Json(user_json(&inner.base_url, &account)).into_response()
}

async fn emails(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap) -> Response {
    let mut inner = inner.lock().unwrap();
    let login = match api_preamble(&mut inner, &headers, "GET", "/user/emails") {
        Ok(Some(l)) => l,
        Ok(None) => return github_error(StatusCode::UNAUTHORIZED, "Requires authentication"),
        Err(r) => return r,
    };
    record(&mut inner, "GET", "/user/emails", None, StatusCode::OK);
    Json(json!([
        {"email": format!("{login}@users.noreply.github.com"), "primary": false, "verified": true, "visibility": null},
        {"email": format!("{login}@example.com"), "primary": true, "verified": true, "visibility": "public"}
    ]))
    .into_response()
}

async fn rest_user(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, Path(login): Path<String>) -> Response {
    let mut inner = inner.lock().unwrap();
    let path = format!("/users/{login}");
    let authed = match api_preamble(&mut inner, &headers, "GET", &path) {
        Ok(a) => a.is_some(),
        Err(r) => return r,
    };
    let Some(account) = inner.accounts.iter().find(|a| a.login.eq_ignore_ascii_case(&login)).cloned() else {
        record(&mut inner, "GET", &path, None, StatusCode::NOT_FOUND);
        return github_error(StatusCode::NOT_FOUND, "Not Found");
    };
    let body = user_json(&inner.base_url, &account);
    conditional(&mut inner, &headers, &path, body, authed, None)
}

#[derive(Deserialize)]
struct ReposQuery {
    per_page: Option<usize>,
    page: Option<usize>,
}

async fn rest_repos(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    Path(login): Path<String>,
    Query(q): Query<ReposQuery>,
) -> Response {
    let mut inner = inner.lock().unwrap();
    let path = format!("/users/{login}/repos");
    let authed = match api_preamble(&mut inner, &headers, "GET", &path) {
        Ok(a) => a.is_some(),
        Err(r) => return r,
    };
    let Some(account) = inner.accounts.iter().find(|a| a.login.eq_ignore_ascii_case(&login)).cloned() else {
        record(&mut inner, "GET", &path, None, StatusCode::NOT_FOUND);
        return github_error(StatusCode::NOT_FOUND, "Not Found");
    };
    let per_page = q.per_page.unwrap_or(30).clamp(1, 100);
    let page = q.page.unwrap_or(1).max(1);
    let mut repos: Vec<&fixtures::Repo> = account.repos.iter().filter(|r| !r.is_private).collect();
    repos.sort_by(|a, b| b.pushed_at.cmp(&a.pushed_at));
    let pages = repos.len().div_ceil(per_page).max(1);
    let body: Vec<Value> = repos
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|r| {
            json!({
                "id": 1000, "node_id": r.node_id(), "name": r.name, "full_name": r.nwo(),
                "private": false, "html_url": format!("https://github.com/{}", r.nwo()),
                "description": r.description, "fork": r.is_fork, "homepage": r.homepage,
                "language": r.languages.first().map(|l| l.0.clone()), "stargazers_count": r.stars,
                "forks_count": r.forks, "archived": r.is_archived, "topics": r.topics,
                "created_at": r.created_at, "pushed_at": r.pushed_at, "size": r.languages.iter().map(|l| l.1).sum::<u64>() / 1024,
            })
        })
        .collect();
    let link = (page < pages).then(|| {
        format!(
            "<https://api.github.com/user/{}/repos?per_page={per_page}&page={}>; rel=\"next\"",
            account.id,
            page + 1
        )
    });
    conditional(&mut inner, &headers, &path, Value::Array(body), authed, link)
}

/// Bytes per language, as JSON numbers of any size (GraphQL's `Int` stops at 2³¹).
async fn rest_languages(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    let mut inner = inner.lock().unwrap();
    let path = format!("/repos/{owner}/{name}/languages");
    let authed = match api_preamble(&mut inner, &headers, "GET", &path) {
        Ok(a) => a.is_some(),
        Err(r) => return r,
    };
    let nwo = format!("{owner}/{name}");
    let Some(repo) = inner.accounts.iter().flat_map(|a| &a.repos).find(|r| r.nwo().eq_ignore_ascii_case(&nwo)).cloned()
    else {
        record(&mut inner, "GET", &path, None, StatusCode::NOT_FOUND);
        return github_error(StatusCode::NOT_FOUND, "Not Found");
    };
    let body: serde_json::Map<String, Value> = repo.languages.iter().map(|(l, b)| (l.clone(), json!(b))).collect();
    conditional(&mut inner, &headers, &path, Value::Object(body), authed, None)
}

#[derive(Deserialize)]
struct GraphqlRequest {
    query: String,
    #[serde(default)]
    variables: Value,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
}

async fn graphql_endpoint(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: String) -> Response {
    let latency = inner.lock().unwrap().latency;
    tokio::time::sleep(latency).await;
    let mut inner = inner.lock().unwrap();
    let login = match api_preamble(&mut inner, &headers, "POST", "/graphql") {
        Ok(Some(l)) => l,
        Ok(None) => {
            record(&mut inner, "POST", "/graphql", None, StatusCode::UNAUTHORIZED);
            return github_error(StatusCode::UNAUTHORIZED, "This endpoint requires you to be authenticated.");
        }
        Err(r) => return r,
    };
    let Ok(req) = serde_json::from_str::<GraphqlRequest>(&body) else {
        record(&mut inner, "POST", "/graphql", None, StatusCode::BAD_REQUEST);
        return github_error(StatusCode::BAD_REQUEST, "Problems parsing JSON");
    };
    let doc = match graphql::validate(&req.query) {
        Ok(doc) => doc,
        Err(errors) => {
            inner.rejected_queries.push((req.query.clone(), errors.clone()));
            record(&mut inner, "POST", "/graphql", None, StatusCode::OK);
            return Json(json!({"errors": [{"message": errors}]})).into_response();
        }
    };
    let operation = req
        .operation_name
        .clone()
        .or_else(|| doc.operations.iter().next().and_then(|op| op.name.as_ref().map(|n| n.to_string())));
    // The budget resets when its window ends.
    if Utc::now() >= inner.reset_at {
        inner.remaining = inner.window_budget;
        inner.reset_at = Utc::now() + inner.window;
    }
    let reset = inner.reset_at.timestamp().to_string();
    if inner.remaining <= 0 {
        record(&mut inner, "POST", "/graphql", operation, StatusCode::OK);
        let mut r = Json(
            json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 583231."}]}),
        )
        .into_response();
        r.headers_mut().insert("x-ratelimit-remaining", HeaderValue::from(0));
        r.headers_mut().insert("x-ratelimit-reset", HeaderValue::from_str(&reset).unwrap());
        return r;
    }
    inner.remaining -= 1;
    let world = graphql::World {
        accounts: inner.accounts.clone(),
        viewer: login,
        base_url: inner.base_url.clone(),
        remaining: inner.remaining,
        reset_at: inner.reset_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let answer = graphql::execute(world, &doc, req.operation_name.as_deref(), &req.variables);
    record(&mut inner, "POST", "/graphql", operation, StatusCode::OK);
    let mut r = Json(answer).into_response();
    r.headers_mut().insert("x-ratelimit-remaining", HeaderValue::from(inner.remaining));
    r.headers_mut().insert("x-ratelimit-reset", HeaderValue::from_str(&reset).unwrap());
    r
}
