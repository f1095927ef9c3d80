//! A local stand-in for github.com and api.github.com that speaks GitHub's
//! real OAuth and REST JSON: authorize (auto-consent), the token endpoint
//! with PKCE and single-use codes, `/user` and `/user/emails`.

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Json, Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use serde::Deserialize;
use serde_json::json;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

pub const CLIENT_ID: &str = "Iv1.test-client";
pub const CLIENT_SECRET: &str = "stub-client-secret-0123456789";

#[derive(Clone)]
pub struct GhUser {
    pub id: u64,
    pub login: String,
}

struct Grant {
    challenge: String,
    redirect_uri: String,
    user: GhUser,
    used: bool,
}

#[derive(Default)]
struct Inner {
    next_user: Option<GhUser>,
    grants: HashMap<String, Grant>,
    tokens: HashMap<String, GhUser>,
    issued_tokens: Vec<String>,
}

#[derive(Clone)]
pub struct GithubStub {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl GithubStub {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(token))
            .route("/user", get(user))
            .route("/user/emails", get(emails))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let stub = Self { url, inner };
        stub.sign_in_as(583231, "octocat");
        stub
    }

    /// Who the next authorization will be for.
    pub fn sign_in_as(&self, id: u64, login: &str) {
        self.inner.lock().unwrap().next_user = Some(GhUser { id, login: login.into() });
    }

    /// Every access token handed out, to check that none leaks.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.inner.lock().unwrap().issued_tokens.clone()
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
    if q.client_id != CLIENT_ID {
        return (StatusCode::NOT_FOUND, "unknown client").into_response();
    }
    if q.code_challenge_method.as_deref() != Some("S256") || q.code_challenge.is_none() {
        return (StatusCode::BAD_REQUEST, "this stand-in insists on PKCE S256").into_response();
    }
    let code = format!("code-{}", uuid::Uuid::new_v4().simple());
    let mut inner = inner.lock().unwrap();
    let user = inner.next_user.clone().unwrap();
    inner.grants.insert(
        code.clone(),
        Grant { challenge: q.code_challenge.unwrap(), redirect_uri: q.redirect_uri.clone(), user, used: false },
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
    assert_eq!(headers.get("accept").map(|v| v.to_str().unwrap()), Some("application/json"));
    let mut inner = inner.lock().unwrap();
    if f.client_id != CLIENT_ID || f.client_secret != CLIENT_SECRET {
        return Json(json!({"error": "incorrect_client_credentials"})).into_response();
    }
    let Some(grant) = inner.grants.get_mut(&f.code) else {
        return Json(
            json!({"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}),
        )
        .into_response();
    };
    if grant.used {
        return Json(
            json!({"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}),
        )
        .into_response();
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
    let user = grant.user.clone();
    let token = format!("gho_{}", uuid::Uuid::new_v4().simple());
    inner.tokens.insert(token.clone(), user);
    inner.issued_tokens.push(token.clone());
    Json(json!({"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"})).into_response()
}

fn bearer_user(inner: &Inner, headers: &HeaderMap) -> Option<GhUser> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("token "))?;
    inner.tokens.get(token).cloned()
}

async fn user(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap) -> Response {
    let inner = inner.lock().unwrap();
    let Some(u) = bearer_user(&inner, &headers) else {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})),
        )
            .into_response();
    };
    Json(json!({
        "login": u.login, "id": u.id, "node_id": "MDQ6VXNlcjU4MzIzMQ==",
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?v=4", u.id),
        "html_url": format!("https://github.com/{}", u.login), "type": "User", "site_admin": false,
        "name": "The Octocat", "company": "@github", "blog": "https://github.blog", "location": "San Francisco",
        "email": null, "bio": null, "public_repos": 8, "followers": 9000, "following": 9,
        "created_at": "2011-01-25T18:44:36Z", "updated_at": "2024-01-22T12:00:00Z"
    }))
    .into_response()
}

async fn emails(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap) -> Response {
    let inner = inner.lock().unwrap();
    let Some(u) = bearer_user(&inner, &headers) else {
        return (StatusCode::UNAUTHORIZED, Json(json!({"message": "Bad credentials"}))).into_response();
    };
    Json(json!([
        {"email": format!("{}@users.noreply.github.com", u.login), "primary": false, "verified": true, "visibility": null},
        {"email": format!("{}@example.com", u.login), "primary": true, "verified": true, "visibility": "public"}
    ]))
    .into_response()
}
