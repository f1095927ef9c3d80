//! Where postings come from besides files: the public job-board APIs of
//! Greenhouse, Lever and Ashby (one JSON document per company) and any
//! RSS 2.0 or Atom feed. Each connector turns one answer into
//! [`RawPosting`]s (HTML turned into plain text first) or per-record
//! rejections; the postings then take the same normalise / de-duplicate /
//! insert path as a file (`ingest::ingest_run`), so a posting seen on two
//! boards is one posting.
//!
//! Fetching is bounded: a timeout for the whole answer, a cap on its size
//! (read as it streams), and every way a source fails — a 429 with
//! `Retry-After`, a timeout, an HTML page where JSON or a feed was
//! expected, garbage — becomes one [`FetchError`] with a stable code and a
//! sentence for the run's report.

pub mod ashby;
pub mod feed;
pub mod greenhouse;
pub mod html;
pub mod lever;

use super::ingest::{RawPosting, Rejection};
use crate::platform::ssr::config::{MarketSettings, SourceSettings};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Greenhouse,
    Lever,
    Ashby,
    /// RSS 2.0 (or 1.0) or Atom, told apart by the document.
    Feed,
}

impl SourceKind {
    pub fn code(self) -> &'static str {
        match self {
            SourceKind::Greenhouse => "greenhouse",
            SourceKind::Lever => "lever",
            SourceKind::Ashby => "ashby",
            SourceKind::Feed => "feed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "greenhouse" => SourceKind::Greenhouse,
            "lever" => SourceKind::Lever,
            "ashby" => SourceKind::Ashby,
            "feed" | "rss" | "atom" => SourceKind::Feed,
            _ => return None,
        })
    }
}

/// A checked source: what to read, how often, and under which key its
/// schedule and runs are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub kind: SourceKind,
    /// The board name, or the feed's URL.
    pub target: String,
    pub interval: Duration,
    pub company: Option<String>,
}

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(6 * 3600);

/// `90s`, `30m`, `6h`, `1d` or plain seconds. Zero parses (the caller
/// decides what is too often).
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits.parse().map_err(|_| format!("interval {s:?}: expected a number and s, m, h or d"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("interval {s:?}: expected a number and s, m, h or d")),
    };
    Ok(Duration::from_secs(secs))
}

impl SourceSpec {
    /// Check one configured source.
    pub fn parse(s: &SourceSettings) -> Result<Self, String> {
        let kind = SourceKind::parse(&s.kind).ok_or_else(|| {
            format!("unknown kind {:?} (expected greenhouse, lever, ashby or feed / rss / atom)", s.kind)
        })?;
        let target = match kind {
            SourceKind::Feed => {
                let url = s.url.as_deref().map(str::trim).unwrap_or("");
                let parsed = url::Url::parse(url).map_err(|_| format!("a feed needs a url; {url:?} is not one"))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                    return Err(format!("a feed's url must be http:// or https://, not {url:?}"));
                }
                if url.len() > 255 {
                    return Err("a feed's url may be at most 255 characters".into());
                }
                url.to_string()
            }
            _ => {
                let board = s.board.as_deref().map(str::trim).unwrap_or("");
                let fine = !board.is_empty()
                    && board.len() <= 100
                    && board.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    && !board.starts_with('.');
                if !fine {
                    return Err(format!(
                        "{} needs a board: letters, digits, '-', '_' or '.', at most 100 (got {board:?})",
                        kind.code()
                    ));
                }
                board.to_string()
            }
        };
        let interval = match s.interval.as_deref() {
            Some(i) => parse_interval(i)?,
            None => DEFAULT_INTERVAL,
        };
        if interval < Duration::from_secs(1) {
            return Err("the interval must be at least 1s".into());
        }
        let company =
            s.company.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(|c| c.chars().take(200).collect());
        Ok(SourceSpec { kind, target, interval, company })
    }

    /// `greenhouse:acme`, `feed:https://…`: names the source in schedules,
    /// runs and the admin API.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.code(), self.target)
    }

    /// What postings from here carry as their `source` (at most 64
    /// characters): the board, or the feed's host.
    pub fn source_label(&self) -> String {
        let label = match self.kind {
            SourceKind::Feed => {
                let host = url::Url::parse(&self.target).ok().and_then(|u| u.host_str().map(str::to_string));
                format!("feed:{}", host.unwrap_or_default())
            }
            _ => self.key(),
        };
        label.chars().take(64).collect()
    }

    /// The URL to read.
    pub fn url(&self, m: &MarketSettings) -> String {
        let root = |u: &str| u.trim_end_matches('/').to_string();
        match self.kind {
            SourceKind::Greenhouse => {
                format!("{}/v1/boards/{}/jobs?content=true", root(&m.greenhouse_url), self.target)
            }
            SourceKind::Lever => format!("{}/v0/postings/{}?mode=json", root(&m.lever_url), self.target),
            SourceKind::Ashby => {
                format!("{}/posting-api/job-board/{}?includeCompensation=true", root(&m.ashby_url), self.target)
            }
            SourceKind::Feed => self.target.clone(),
        }
    }
}

/// Every configured source that checks (start-up refuses the others).
pub fn configured(m: &MarketSettings) -> Vec<SourceSpec> {
    m.sources.iter().filter_map(|s| SourceSpec::parse(s).ok()).collect()
}

/// Why a source gave nothing this time. Codes are stable (`rate_limited`,
/// `timeout`, `http_status`, `too_large`, `not_json`, `not_a_feed`,
/// `unreachable`); messages are for operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    RateLimited {
        retry_after_secs: u64,
    },
    Timeout {
        secs: u64,
    },
    Status(u16),
    TooLarge {
        limit_bytes: u64,
    },
    /// A JSON API answered something else (an HTML page, garbage, another shape).
    NotJson(String),
    /// A feed's address answered something that is not RSS or Atom.
    NotAFeed(String),
    Unreachable(String),
}

impl FetchError {
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::RateLimited { .. } => "rate_limited",
            FetchError::Timeout { .. } => "timeout",
            FetchError::Status(_) => "http_status",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::NotJson(_) => "not_json",
            FetchError::NotAFeed(_) => "not_a_feed",
            FetchError::Unreachable(_) => "unreachable",
        }
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            FetchError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::RateLimited { retry_after_secs } => {
                write!(f, "rate limited, retry after {retry_after_secs} s")
            }
            FetchError::Timeout { secs } => write!(f, "no complete answer within {secs} s (timed out)"),
            FetchError::Status(s) => write!(f, "answered HTTP {s}"),
            FetchError::TooLarge { limit_bytes } => {
                write!(f, "the answer is larger than {} MiB, the most read from a source", limit_bytes / (1024 * 1024))
            }
            FetchError::NotJson(d) => write!(f, "not the job board's JSON: {d}"),
            FetchError::NotAFeed(d) => write!(f, "not an RSS or Atom feed: {d}"),
            FetchError::Unreachable(d) => write!(f, "could not be reached: {d}"),
        }
    }
}

/// What a connector made of one answer: postings, or why each item could
/// not be read (its position in the answer as the "line").
pub type Records = Vec<Result<RawPosting, Rejection>>;

/// Read one source: fetch its answer (bounded) and parse it.
pub async fn fetch(http: &reqwest::Client, m: &MarketSettings, spec: &SourceSpec) -> Result<Records, FetchError> {
    let accept = match spec.kind {
        SourceKind::Feed => "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9",
        _ => "application/json",
    };
    let body = get_bounded(http, &spec.url(m), accept, m).await?;
    let records = match spec.kind {
        SourceKind::Greenhouse => greenhouse::parse(&body, spec)?,
        SourceKind::Lever => lever::parse(&body, spec)?,
        SourceKind::Ashby => ashby::parse(&body, spec)?,
        SourceKind::Feed => feed::parse(&body, spec)?,
    };
    Ok(records)
}

/// GET `url`: the whole answer within the timeout, at most the size cap
/// (counted as it arrives, whatever `Content-Length` says), or why not.
async fn get_bounded(
    http: &reqwest::Client,
    url: &str,
    accept: &str,
    m: &MarketSettings,
) -> Result<Vec<u8>, FetchError> {
    let secs = m.fetch_timeout_secs.max(1);
    let limit = m.max_response_mb.max(1) * 1024 * 1024;
    let timeout = Duration::from_secs(secs);
    let attempt = async {
        let mut res = http
            .get(url)
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .await
            .map_err(|e| FetchError::Unreachable(e.without_url().to_string()))?;
        let status = res.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            let after = res.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok());
            return Err(FetchError::RateLimited { retry_after_secs: retry_after(after, chrono::Utc::now()) });
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        if res.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge { limit_bytes: limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = res.chunk().await.map_err(|e| FetchError::Unreachable(e.without_url().to_string()))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge { limit_bytes: limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(r) => r,
        Err(_) => Err(FetchError::Timeout { secs }),
    }
}

/// Seconds to wait from a `Retry-After` value (seconds or an HTTP date),
/// within 1 s and a day; a minute when absent or unreadable.
pub fn retry_after(value: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> u64 {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return 60 };
    let secs = match v.parse::<u64>() {
        Ok(n) => n,
        Err(_) => match chrono::DateTime::parse_from_rfc2822(&v.replace("GMT", "+0000")) {
            Ok(at) => (at.with_timezone(&chrono::Utc) - now).num_seconds().max(1) as u64,
            Err(_) => 60,
        },
    };
    secs.clamp(1, 86_400)
}

/// The first thing in a body, for telling HTML and garbage from JSON/XML.
pub(crate) fn sniff(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    &body[start..]
}

/// Whether a body is an HTML page.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let head: Vec<u8> = sniff(body).iter().take(512).map(u8::to_ascii_lowercase).collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html") || {
        let s = String::from_utf8_lossy(&head);
        s.starts_with('<') && (s.contains("<html") || s.contains("<head") || s.contains("<body"))
    }
}

/// A JSON API's answer as a value, or a clear reason it is not one.
pub(crate) fn json_body(body: &[u8]) -> Result<serde_json::Value, FetchError> {
    if looks_like_html(body) {
        return Err(FetchError::NotJson("it answered an HTML page".into()));
    }
    serde_json::from_slice(sniff(body)).map_err(|e| {
        let what = if std::str::from_utf8(body).is_err() { "binary data" } else { "malformed JSON" };
        FetchError::NotJson(format!("{what} ({e})"))
    })
}

/// An http(s) URL from a source, or nothing (a `javascript:` link is not a
/// posting's address).
pub(crate) fn web_url(s: Option<&str>) -> Option<String> {
    let s = s?.trim();
    let parsed = url::Url::parse(s).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| s.to_string())
}

/// A string field, trimmed, if present and not empty.
pub(crate) fn text(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key).and_then(|x| x.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// An id that a source may give as a number or a string.
pub(crate) fn id(v: &serde_json::Value, key: &str) -> Option<String> {
    match v.get(key)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The rejection for an item that is not an object.
pub(crate) fn not_an_object(position: usize, what: &str) -> Rejection {
    Rejection {
        line: position as u64 + 1,
        reason: "malformed".into(),
        detail: Some(format!("{what} is not an object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kind: &str, board: Option<&str>, url: Option<&str>, interval: Option<&str>) -> SourceSettings {
        SourceSettings {
            kind: kind.into(),
            board: board.map(Into::into),
            url: url.map(Into::into),
            interval: interval.map(Into::into),
            company: None,
        }
    }

    #[test]
    fn sources_are_checked_and_keyed() {
        let s = SourceSpec::parse(&settings("Greenhouse", Some("acme"), None, Some("90m"))).unwrap();
        assert_eq!((s.key(), s.interval), ("greenhouse:acme".to_string(), Duration::from_secs(5400)));
        let m = MarketSettings::default();
        assert_eq!(s.url(&m), "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true");
        let s = SourceSpec::parse(&settings("lever", Some("beta"), None, None)).unwrap();
        assert_eq!(s.url(&m), "https://api.lever.co/v0/postings/beta?mode=json");
        assert_eq!(s.interval, DEFAULT_INTERVAL);
        let s = SourceSpec::parse(&settings("ashby", Some("gamma"), None, Some("1d"))).unwrap();
        assert_eq!(s.url(&m), "https://api.ashbyhq.com/posting-api/job-board/gamma?includeCompensation=true");
        let s = SourceSpec::parse(&settings("atom", None, Some("https://jobs.example.kr/feed.atom"), None)).unwrap();
        assert_eq!((s.kind, s.key()), (SourceKind::Feed, "feed:https://jobs.example.kr/feed.atom".to_string()));
        assert_eq!(s.source_label(), "feed:jobs.example.kr");

        for bad in [
            settings("workday", Some("acme"), None, None),
            settings("greenhouse", None, None, None),
            settings("greenhouse", Some("a/b"), None, None),
            settings("lever", Some(".."), None, None),
            settings("feed", None, Some("file:///etc/passwd"), None),
            settings("feed", None, Some("not a url"), None),
            settings("ashby", Some("x"), None, Some("5 fortnights")),
            settings("ashby", Some("x"), None, Some("0")),
        ] {
            assert!(SourceSpec::parse(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date_within_bounds() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
        assert_eq!(retry_after(Some("120"), now), 120);
        assert_eq!(retry_after(Some("Tue, 24 Nov 2026 10:05:00 GMT"), now), 300);
        assert_eq!(retry_after(Some("soon"), now), 60);
        assert_eq!(retry_after(None, now), 60);
        assert_eq!(retry_after(Some("0"), now), 1);
        assert_eq!(retry_after(Some("99999999"), now), 86_400);
    }

    #[test]
    fn html_and_garbage_are_told_from_json() {
        let e = json_body(b"\n<!DOCTYPE html><html><body>Sign in</body></html>").unwrap_err();
        assert_eq!(e.code(), "not_json");
        assert!(e.to_string().contains("HTML page"), "{e}");
        let e = json_body(b"\x89PNG\r\n\x1a\n\x00\x00").unwrap_err();
        assert!(e.to_string().contains("binary data"), "{e}");
        let e = json_body(b"{\"jobs\": [").unwrap_err();
        assert!(e.to_string().contains("malformed JSON"), "{e}");
        assert!(json_body(b"\xEF\xBB\xBF {\"jobs\": []}").is_ok());
    }
}
