//! GitHub's GraphQL and REST APIs over one HTTP client: status codes,
//! rate-limit headers and error bodies become [`GhError`]s the import can
//! act on (pause, retry, give up), 5xx answers are retried with backoff, and
//! short secondary-rate-limit waits are honoured in place.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::{header, Method, StatusCode};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::Value;
use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

#[derive(Debug, Clone, thiserror::Error)]
pub enum GhError {
    /// The primary rate limit is used up until `reset_at`.
    #[error("GitHub rate limit exhausted until {reset_at}")]
    RateLimited { reset_at: DateTime<Utc> },
    /// A secondary rate limit: GitHub asks us to wait.
    #[error("GitHub secondary rate limit, retry after {retry_after:?}")]
    SlowDown { retry_after: Duration },
    /// The token was revoked or is invalid.
    #[error("GitHub rejected the token")]
    Unauthorized,
    #[error("not found on GitHub")]
    NotFound,
    /// GitHub failed (5xx) or could not be reached, after retries.
    #[error("GitHub is unavailable: {0}")]
    Unavailable(String),
    /// An answer we cannot use (GraphQL errors without data, bad JSON).
    #[error("unexpected answer from GitHub: {0}")]
    Invalid(String),
}

/// Rate-limit budget as last reported by GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub cost: i64,
    pub remaining: i64,
    pub reset_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct GraphqlBody<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GraphqlError {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    pub message: String,
}

/// A GraphQL answer: the data, and the errors GitHub reported alongside it
/// (a missing node, say), which do not spoil the rest.
#[derive(Debug)]
pub struct GraphqlAnswer<T> {
    pub data: T,
    pub errors: Vec<GraphqlError>,
}

/// A REST answer to a conditional GET.
#[derive(Debug)]
pub enum RestAnswer {
    /// 304: what we have is current (free against the rate limit).
    NotModified,
    Fresh {
        body: Value,
        etag: Option<String>,
    },
}

pub struct GithubApi {
    http: reqwest::Client,
    api_url: String,
    graphql_url: String,
    /// 5xx/transport retries per request, and their first backoff.
    retries: u32,
    backoff: Duration,
    /// Secondary-rate-limit waits up to this long are slept through.
    max_inline_wait: Duration,
    /// Requests sent (for import statistics).
    sent: AtomicU32,
}

impl GithubApi {
    pub fn new(http: reqwest::Client, api_url: &str, graphql_url: &str) -> Self {
        Self {
            http,
            api_url: api_url.trim_end_matches('/').to_string(),
            graphql_url: graphql_url.to_string(),
            retries: 3,
            backoff: Duration::from_millis(300),
            max_inline_wait: Duration::from_secs(10),
            sent: AtomicU32::new(0),
        }
    }

    pub fn requests_sent(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Run a GraphQL query. `token` is the user's (GraphQL needs one).
    pub async fn graphql<T: DeserializeOwned>(
        &self,
        token: &str,
        query: &str,
        variables: Value,
    ) -> Result<GraphqlAnswer<T>, GhError> {
        let body = serde_json::json!({ "query": query, "variables": variables });
        let resp = self.send(Method::POST, &self.graphql_url, Some(token), Some(&body), None).await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map_err(|e| GhError::Unavailable(e.to_string()))?;
        let parsed: GraphqlBody<T> = serde_json::from_slice(&bytes)
            .map_err(|e| GhError::Invalid(format!("GraphQL answer ({status}) is not what we asked for: {e}")))?;
        if parsed.errors.iter().any(|e| e.kind.as_deref() == Some("RATE_LIMITED")) {
            return Err(GhError::RateLimited { reset_at: reset_from_headers(&headers) });
        }
        match parsed.data {
            Some(data) => {
                for e in &parsed.errors {
                    tracing::info!(kind = ?e.kind, message = %e.message, "GitHub GraphQL partial error");
                }
                Ok(GraphqlAnswer { data, errors: parsed.errors })
            }
            None => {
                let msg = parsed.errors.first().map(|e| e.message.clone()).unwrap_or_else(|| "no data".into());
                Err(GhError::Invalid(msg))
            }
        }
    }

    /// A conditional REST GET of `path` (relative to the API root). Without
    /// a token the request is anonymous (GitHub's lower limit applies).
    pub async fn rest_get(&self, token: Option<&str>, path: &str, etag: Option<&str>) -> Result<RestAnswer, GhError> {
        let url = format!("{}{}", self.api_url, path);
        let resp = self.send(Method::GET, &url, token, None, etag).await?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(RestAnswer::NotModified);
        }
        let etag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = resp.json::<Value>().await.map_err(|e| GhError::Invalid(e.to_string()))?;
        Ok(RestAnswer::Fresh { body, etag })
    }

    /// Send with retries: 5xx and transport errors back off and retry,
    /// short secondary-rate-limit waits are slept through, everything else
    /// becomes a `GhError` or the successful response.
    async fn send(
        &self,
        method: Method,
        url: &str,
        token: Option<&str>,
        json: Option<&Value>,
        etag: Option<&str>,
    ) -> Result<reqwest::Response, GhError> {
        let mut attempt = 0u32;
        let mut slept_for_slowdown = false;
        loop {
            attempt += 1;
            let mut req = self
                .http
                .request(method.clone(), url)
                .header(header::ACCEPT, "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header(header::USER_AGENT, "Proofolio");
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            if let Some(body) = json {
                req = req.json(body);
            }
            if let Some(tag) = etag {
                req = req.header(header::IF_NONE_MATCH, tag);
            }
            self.sent.fetch_add(1, Ordering::Relaxed);
            let outcome = match req.send().await {
                Ok(resp) => classify(resp).await,
                Err(e) => Err(GhError::Unavailable(if e.is_timeout() {
                    "GitHub did not answer in time".into()
                } else {
                    "GitHub could not be reached".into()
                })),
            };
            match outcome {
                Ok(resp) => return Ok(resp),
                Err(GhError::Unavailable(msg)) if attempt <= self.retries => {
                    let wait = self.backoff * 2u32.pow(attempt - 1);
                    tracing::warn!(%msg, attempt, ?wait, "GitHub failed; retrying");
                    tokio::time::sleep(wait).await;
                }
                Err(GhError::SlowDown { retry_after })
                    if retry_after <= self.max_inline_wait && !slept_for_slowdown =>
                {
                    tracing::info!(?retry_after, "GitHub secondary rate limit; waiting as asked");
                    slept_for_slowdown = true;
                    tokio::time::sleep(retry_after).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

fn header_str<'a>(headers: &'a header::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn reset_from_headers(headers: &header::HeaderMap) -> DateTime<Utc> {
    header_str(headers, "x-ratelimit-reset")
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .unwrap_or_else(|| Utc::now() + chrono::Duration::seconds(60))
}

async fn classify(resp: reqwest::Response) -> Result<reqwest::Response, GhError> {
    let status = resp.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return Ok(resp);
    }
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap_or_default();
    let retry_after = header_str(&headers, "retry-after").and_then(|v| v.trim().parse::<u64>().ok());
    match status {
        StatusCode::UNAUTHORIZED => Err(GhError::Unauthorized),
        StatusCode::NOT_FOUND => Err(GhError::NotFound),
        StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS => {
            if let Some(secs) = retry_after {
                Err(GhError::SlowDown { retry_after: Duration::from_secs(secs) })
            } else if header_str(&headers, "x-ratelimit-remaining") == Some("0") {
                Err(GhError::RateLimited { reset_at: reset_from_headers(&headers) })
            } else if body.to_ascii_lowercase().contains("secondary rate limit") {
                // GitHub's advice without Retry-After: wait at least a minute.
                Err(GhError::SlowDown { retry_after: Duration::from_secs(60) })
            } else {
                Err(GhError::Invalid(format!("GitHub refused the request ({status})")))
            }
        }
        s if s.is_server_error() => Err(GhError::Unavailable(format!("GitHub answered {s}"))),
        s => Err(GhError::Invalid(format!("GitHub answered {s}"))),
    }
}
