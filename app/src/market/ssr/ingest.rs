//! Ingestion: postings from JSON Lines, CSV (the same columns) or a
//! corpus issue file (`whoishiring-zh/*.json`), optionally gzip'd, read
//! as a stream. A blocking thread reads and parses record by record,
//! worker threads (one a core) extract in chunks, in order (bounded
//! channels, so memory stays flat however large the file); the async side
//! de-duplicates and writes in batches of 1000 per transaction. Every run
//! leaves a report row in `ingestion_runs`.
//!
//! De-duplication: the same content hash (case, spacing, links ignored) is
//! a duplicate; the same canonical URL with other content is an update of
//! that posting; a SimHash within 10 bits of a posting of the same company
//! and month is a duplicate (a lightly edited re-post).
//!
//! Nothing personal is kept: no contact or author field is read, the text
//! itself is not stored, and e-mail addresses and phone numbers are
//! removed from the title and company that are.

use super::sql::{backend, stmt};
use crate::github::ssr::analyze::Dictionaries;
use crate::platform::ssr::db::begin_write;
use crate::platform::ssr::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, LazyLock};
use taxonomy::market;
use taxonomy::posting::Requirement;

/// A posting's text (title + body) may be at most this long.
pub const BODY_MAX: usize = 50 * 1024;
/// A JSON line may be longer than the text (escapes, other fields).
const LINE_MAX: usize = 128 * 1024;
/// A corpus issue file is read whole.
const CORPUS_FILE_MAX: u64 = 20 * 1024 * 1024;
/// Postings decided and written per transaction.
const BATCH: usize = 1000;
/// Bound values per statement: well under SQLite's 32,766 and
/// PostgreSQL's 65,535.
const MAX_VALUES: usize = 16_000;
/// Rejections listed in a report (all are counted).
const REPORT_REJECTIONS: usize = 100;

/// The corpus the embedded default loads on first start (built by
/// `app/data/postings/build.py`; Apache-2.0, see its README).
pub static BUILTIN_CORPUS: &[u8] = include_bytes!("../../../data/postings/whoishiring-zh.jsonl.gz");

/// One posting as files carry it. Unknown fields (a `contact`, an
/// `author`) are ignored, never read.
#[derive(Debug, Default, Deserialize)]
pub struct RawPosting {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
    pub posted_at: Option<String>,
    pub source: Option<String>,
    pub source_id: Option<String>,
    /// What a job board states in fields of its own (never read from
    /// files): remote work offered, the employment type, the pay.
    #[serde(skip)]
    pub remote: Option<bool>,
    #[serde(skip)]
    pub employment_type: Option<String>,
    #[serde(skip)]
    pub salary: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Csv,
    /// One `whoishiring-zh` issue: `{ yearMonth, postings: [...] }`.
    Corpus,
}

impl Format {
    /// By the file name (`.jsonl`, `.ndjson`, `.csv`, `.json`, each
    /// optionally `.gz`); whether it is gzip'd.
    pub fn of_path(path: &Path) -> Option<(Format, bool)> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let (name, gz) = match name.strip_suffix(".gz") {
            Some(n) => (n.to_string(), true),
            None => (name, false),
        };
        let format = if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            Format::JsonLines
        } else if name.ends_with(".csv") {
            Format::Csv
        } else if name.ends_with(".json") {
            Format::Corpus
        } else {
            return None;
        };
        Some((format, gz))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// Line (JSON Lines, CSV) or position in the file (corpus) or in a
    /// source's answer, from 1.
    pub line: u64,
    /// `no_title`, `empty_body`, `too_long`, `malformed`, `not_text`.
    pub reason: String,
    pub detail: Option<String>,
}

/// Why a run read nothing, or stopped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunError {
    /// `rate_limited`, `timeout`, `http_status`, `too_large`, `not_json`,
    /// `not_a_feed`, `unreachable`, `source_removed`, `interrupted`,
    /// `internal`.
    pub code: String,
    /// For operators, e.g. "rate limited, retry after 120 s".
    pub message: String,
    /// When the source asked to be left alone (a 429's `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// What one ingestion run did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunReport {
    pub id: String,
    pub source: String,
    /// `succeeded` or `failed`.
    pub status: String,
    /// `cli`, `startup`, `schedule`, `admin`, `upload`.
    #[serde(default)]
    pub triggered_by: String,
    pub read: u64,
    pub new: u64,
    pub updated: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// The first 100 rejections.
    pub rejections: Vec<Rejection>,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RunError>,
}

impl std::fmt::Display for RunReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "run {} ({}): {}", self.id, self.source, self.status)?;
        if let Some(e) = &self.error {
            writeln!(f, "{}: {}", e.code, e.message)?;
        }
        writeln!(
            f,
            "read {}, new {}, updated {}, duplicates {}, rejected {} in {} ms",
            self.read, self.new, self.updated, self.duplicates, self.rejected, self.duration_ms
        )?;
        for r in &self.rejections {
            writeln!(
                f,
                "  line {}: {}{}",
                r.line,
                r.reason,
                r.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

/// A posting ready to store: normalised, extracted, hashed.
#[derive(Debug, Clone)]
struct Prepared {
    source: String,
    source_id: Option<String>,
    url: Option<String>,
    canonical_url: Option<String>,
    content_hash: String,
    simhash: i64,
    title: String,
    company: Option<String>,
    company_key: String,
    location: String,
    country: Option<String>,
    region: Option<String>,
    remote: bool,
    min_years: Option<i16>,
    max_years: Option<i16>,
    level: &'static str,
    employment_type: &'static str,
    salary: Option<(Option<i64>, Option<i64>, &'static str, &'static str)>,
    posted_month: String,
    posted_at: NaiveDate,
    language: &'static str,
    category: &'static str,
    industry: Option<&'static str>,
    company_type: Option<&'static str>,
    technologies: Vec<(String, &'static str)>,
}

type Item = Result<Prepared, Rejection>;
/// A record read and parsed, with its line, or why it could not be.
type Parsed = Result<(RawPosting, u64), Rejection>;

fn reject(line: u64, reason: &str, detail: Option<String>) -> Rejection {
    Rejection { line, reason: reason.into(), detail }
}

static EMAIL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)[a-z0-9._%+\-]+\s*(?:@|＠|\[at\]|\(at\))\s*[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")
        .expect("email pattern")
});
static PHONE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\+?\d[\d \-]{8,}\d").expect("phone pattern"));
static WECHAT: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)(微信号?|wechat|weixin|vx|wx|qq|카카오톡|카톡)\s*(?:号|id)?\s*[:：]?\s*[a-z0-9_\-]{5,}")
        .expect("messenger pattern")
});

/// E-mail addresses, phone numbers and messenger ids out of a text that
/// will be stored or shown.
pub fn redact(s: &str) -> String {
    let s = EMAIL.replace_all(s, "[email removed]");
    let s = WECHAT.replace_all(&s, "[id removed]");
    PHONE.replace_all(&s, "[phone removed]").into_owned()
}

/// The URL as one posting has one: scheme and host lower-cased, tracking
/// parameters and a trailing slash dropped (the fragment stays: a comment
/// in a thread is its own posting).
pub fn canonical_url(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) => (h, p),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let path = path.trim_end_matches('/');
    let mut params: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("").to_ascii_lowercase();
            !p.is_empty()
                && !key.starts_with("utm_")
                && !matches!(key.as_str(), "ref" | "source" | "gh_src" | "fbclid" | "gclid")
        })
        .collect();
    params.sort_unstable();
    let mut out = format!("https://{host}/{path}");
    if !params.is_empty() {
        out.push('?');
        out.push_str(&params.join("&"));
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

fn bounded(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn clean_opt(s: Option<String>, max: usize) -> Option<String> {
    s.map(|s| bounded(redact(s.trim()).trim(), max)).filter(|s| !s.is_empty())
}

/// `YYYY-MM-DD`, `YYYY-MM` or RFC 3339; `today` when absent or unreadable.
fn posted_date(s: Option<&str>, today: NaiveDate) -> NaiveDate {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else { return today };
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d;
    }
    if let Ok(d) = NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d") {
        return d;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return t.date_naive();
    }
    today
}

fn requirement(r: Requirement) -> &'static str {
    match r {
        Requirement::Required => "required",
        Requirement::Preferred => "preferred",
        Requirement::Mentioned => "mentioned",
    }
}

/// `s` without control characters other than line breaks and tabs;
/// borrowed when it has none (most texts).
fn without_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let kept = |c: char| !c.is_control() || matches!(c, '\n' | '\t');
    // C0 and DEL are single bytes; C1 (U+0080–U+009F) starts with 0xC2.
    let clean = s.bytes().all(|b| (b >= 0x20 || b == b'\n' || b == b'\t') && b != 0x7f && b != 0xc2);
    if clean || s.chars().all(kept) {
        s.into()
    } else {
        s.chars().filter(|&c| kept(c)).collect::<String>().into()
    }
}

/// Normalise and extract one posting, or say why not.
fn prepare(dict: &Dictionaries, raw: RawPosting, line: u64, default_source: &str, today: NaiveDate) -> Item {
    let title = raw.title.as_deref().map(str::trim).unwrap_or("");
    let body = raw.body.as_deref().map(str::trim).unwrap_or("");
    if title.is_empty() {
        return Err(reject(line, "no_title", None));
    }
    if body.is_empty() {
        return Err(reject(line, "empty_body", None));
    }
    if title.len() + body.len() > BODY_MAX {
        return Err(reject(line, "too_long", Some(format!("{} bytes, at most {BODY_MAX}", title.len() + body.len()))));
    }
    // Binary junk: NUL bytes, or text that was not UTF-8 (replacement
    // characters). Stray control characters are only dropped.
    let junk = |s: &str| {
        let nul = s.bytes().filter(|&b| b == 0).count();
        let bad = nul + s.matches('\u{FFFD}').count();
        bad > 0 && (nul > 0 || bad * 100 > s.chars().count())
    };
    if junk(title) || junk(body) {
        return Err(reject(line, "not_text", Some("binary data".into())));
    }
    let (title, body) = (without_controls(title), without_controls(body));
    let (title, body) = (&*title, &*body);
    // The text normalised once, for the extraction and then the salary,
    // the employment type, the hashes and the company's industry.
    let (x, text) = dict.taxonomy.extract_posting_and_fold(title, body);
    let place = raw.location.as_deref().filter(|l| !l.trim().is_empty()).unwrap_or(title);
    let loc = market::location(place);
    let remote = loc.remote || market::location(title).remote || raw.remote == Some(true);
    let posted_at = posted_date(raw.posted_at.as_deref(), today);
    let company = clean_opt(raw.company, 200);
    let company_key = company.as_deref().map(|c| c.to_lowercase()).unwrap_or_default();
    let url = raw.url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty() && u.len() <= 2000);
    let salary = raw.salary.as_deref().and_then(market::salary).or_else(|| text.salary()).map(|s| {
        let period = match s.period {
            market::Period::Year => "year",
            market::Period::Month => "month",
            market::Period::Hour => "hour",
        };
        (s.min.map(|v| v.min(i64::MAX as u64) as i64), s.max.map(|v| v.min(i64::MAX as u64) as i64), s.currency, period)
    });
    let stated =
        raw.employment_type.as_deref().map(market::employment_type).filter(|t| *t != market::EmploymentType::Unknown);
    let employment_type = match stated.unwrap_or_else(|| text.employment_type()) {
        market::EmploymentType::FullTime => "full-time",
        market::EmploymentType::Contract => "contract",
        market::EmploymentType::Intern => "intern",
        market::EmploymentType::PartTime => "part-time",
        market::EmploymentType::Freelance => "freelance",
        market::EmploymentType::Unknown => "unknown",
    };
    let (content_hash, simhash) = text.content_hash_and_simhash();
    // What the posting says about its company: its name and its text.
    let (industry, company_type) = text.industry_and_company_type(company.as_deref().unwrap_or_default());
    Ok(Prepared {
        source: clean_opt(raw.source, 64).unwrap_or_else(|| default_source.to_string()),
        source_id: clean_opt(raw.source_id, 200),
        canonical_url: url.as_deref().and_then(canonical_url),
        url,
        content_hash,
        simhash: simhash as i64,
        title: bounded(&redact(title), 300),
        company,
        company_key,
        location: raw.location.map(|l| bounded(&redact(l.trim()), 300)).unwrap_or_default(),
        country: loc.country.map(str::to_string),
        region: loc.region.map(str::to_string),
        remote,
        min_years: x.experience.min_years.map(i16::from),
        max_years: x.experience.max_years.map(i16::from),
        level: x.experience.level.code(),
        employment_type,
        salary,
        posted_month: posted_at.format("%Y-%m").to_string(),
        posted_at,
        language: x.language.code(),
        category: x.category.code(),
        industry,
        company_type,
        technologies: x.technologies.iter().map(|m| (m.tech_id.clone(), requirement(m.requirement))).collect(),
    })
}

/// The next line, at most `max` bytes (a longer one is skipped to its end
/// and reported as `Some(None)`); `None` at the end of the input.
fn next_line<R: BufRead>(r: &mut R, max: usize, buf: &mut Vec<u8>) -> std::io::Result<Option<Option<()>>> {
    buf.clear();
    let (mut any, mut too_long) = (false, false);
    loop {
        let available = r.fill_buf()?;
        if available.is_empty() {
            return Ok(any.then_some((!too_long).then_some(())));
        }
        any = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        if !too_long {
            if buf.len() + chunk.len() > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = newline.map_or(available.len(), |i| i + 1);
        r.consume(used);
        if newline.is_some() {
            return Ok(Some((!too_long).then_some(())));
        }
    }
}

/// Read every record of `input`, calling `emit` with each parsed posting
/// (and its line) or rejection until it returns false. Runs on a blocking
/// thread.
fn read_records(
    format: Format,
    input: Box<dyn Read + Send>,
    emit: &mut dyn FnMut(Parsed) -> bool,
) -> std::io::Result<()> {
    match format {
        Format::JsonLines => {
            let mut reader = BufReader::with_capacity(64 * 1024, input);
            let mut buf = Vec::new();
            let mut line = 0u64;
            while let Some(ok) = next_line(&mut reader, LINE_MAX, &mut buf)? {
                line += 1;
                let item = match ok {
                    None => Err(reject(line, "too_long", Some(format!("a line of more than {LINE_MAX} bytes")))),
                    Some(()) => {
                        if buf.iter().all(u8::is_ascii_whitespace) {
                            continue;
                        }
                        match std::str::from_utf8(&buf) {
                            Err(_) => Err(reject(line, "not_text", Some("not UTF-8".into()))),
                            Ok(s) => match serde_json::from_str::<RawPosting>(s.trim_start_matches('\u{feff}')) {
                                Ok(raw) => Ok((raw, line)),
                                Err(e) => Err(reject(line, "malformed", Some(format!("JSON: {e}")))),
                            },
                        }
                    }
                };
                if !emit(item) {
                    break;
                }
            }
        }
        Format::Csv => {
            use super::csv_records::{CsvItem, CsvRecords};
            let mut records = CsvRecords::new(BufReader::with_capacity(64 * 1024, input), LINE_MAX);
            // The header: the first record.
            let headers = match records.next_item()? {
                Some(CsvItem::Record { fields, .. }) => fields
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
                    .collect::<Vec<_>>(),
                Some(CsvItem::Broken { line, detail }) => {
                    emit(Err(reject(line, "malformed", Some(format!("CSV header: {detail}")))));
                    return Ok(());
                }
                Some(CsvItem::TooLong { line, .. }) => {
                    emit(Err(reject(line, "malformed", Some("CSV header: too long".into()))));
                    return Ok(());
                }
                None => return Ok(()),
            };
            let col = |name: &str| headers.iter().position(|h| h == name);
            let cols = [
                col("title"),
                col("company"),
                col("location"),
                col("body"),
                col("url"),
                col("posted_at"),
                col("source"),
                col("source_id"),
            ];
            if cols[0].is_none() && cols[3].is_none() {
                emit(Err(reject(1, "malformed", Some("CSV header: no title or body column".into()))));
                return Ok(());
            }
            while let Some(record) = records.next_item()? {
                let item = match record {
                    CsvItem::Broken { line, detail } => Err(reject(line, "malformed", Some(format!("CSV: {detail}")))),
                    CsvItem::TooLong { line, bytes } => {
                        Err(reject(line, "too_long", Some(format!("a record of {bytes} bytes, at most {LINE_MAX}"))))
                    }
                    CsvItem::Record { fields, .. } if fields.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) => {
                        continue;
                    }
                    CsvItem::Record { line, fields } => {
                        if fields.iter().any(|f| std::str::from_utf8(f).is_err()) {
                            Err(reject(line, "not_text", Some("not UTF-8".into())))
                        } else {
                            let get = |i: usize| {
                                cols[i].and_then(|c| fields.get(c)).map(|b| String::from_utf8_lossy(b).into_owned())
                            };
                            let raw = RawPosting {
                                title: get(0),
                                company: get(1),
                                location: get(2),
                                body: get(3),
                                url: get(4),
                                posted_at: get(5),
                                source: get(6),
                                source_id: get(7),
                                ..Default::default()
                            };
                            Ok((raw, line))
                        }
                    }
                };
                if !emit(item) {
                    break;
                }
            }
        }
        Format::Corpus => {
            let mut text = String::new();
            let mut limited = input.take(CORPUS_FILE_MAX + 1);
            if limited.read_to_string(&mut text).is_err() {
                emit(Err(reject(1, "not_text", Some("not UTF-8".into()))));
                return Ok(());
            }
            if text.len() as u64 > CORPUS_FILE_MAX {
                emit(Err(reject(1, "too_long", Some(format!("a corpus file of more than {CORPUS_FILE_MAX} bytes")))));
                return Ok(());
            }
            let issue: serde_json::Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    emit(Err(reject(1, "malformed", Some(format!("JSON: {e}")))));
                    return Ok(());
                }
            };
            drop(text);
            let month = issue.get("yearMonth").and_then(|v| v.as_str()).map(str::to_string);
            let postings = issue.get("postings").and_then(|v| v.as_array()).cloned().unwrap_or_default();
            for (i, p) in postings.iter().enumerate() {
                let raw = corpus_posting(p, month.as_deref());
                if !emit(Ok((raw, i as u64 + 1))) {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// A `whoishiring-zh` posting as a [`RawPosting`]: `contact` and `author`
/// are never read.
pub fn corpus_posting(p: &serde_json::Value, issue_month: Option<&str>) -> RawPosting {
    let s = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let body = s("rawContent").map(|b| b.replace("\r\n", "\n"));
    let mut titles: Vec<String> = Vec::new();
    for t in p.get("positions").and_then(|v| v.as_array()).into_iter().flatten() {
        if let Some(t) = t.get("title").and_then(|v| v.as_str()).filter(|t| !t.trim().is_empty()) {
            if !titles.iter().any(|x| x == t) {
                titles.push(t.to_string());
            }
        }
    }
    let title = if titles.is_empty() {
        body.as_deref()
            .and_then(|b| b.lines().find(|l| !l.trim().is_empty()))
            .map(|l| l.trim_start_matches('#').trim().to_string())
    } else {
        Some(titles.join(" / "))
    };
    let mut location: Vec<String> = p
        .get("location")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if p.get("isRemote").and_then(|v| v.as_bool()) == Some(true) {
        location.push("remote".into());
    }
    let url = match (p.get("issueNumber").and_then(|v| v.as_i64()), p.get("commentId").and_then(|v| v.as_i64())) {
        (Some(issue), Some(comment)) => {
            Some(format!("https://github.com/ruanyf/weekly/issues/{issue}#issuecomment-{comment}"))
        }
        _ => None,
    };
    RawPosting {
        title,
        company: s("company"),
        location: Some(location.join(" / ")),
        body,
        url,
        posted_at: s("yearMonth").or(issue_month.map(str::to_string)),
        source: Some("whoishiring-zh".into()),
        source_id: s("id"),
        ..Default::default()
    }
}

/// Postings read and prepared, to be written in one transaction, with the
/// records of the same stretch that were rejected.
#[derive(Default)]
struct Batch {
    read: u64,
    postings: Vec<Prepared>,
    rejections: Vec<Rejection>,
}

#[derive(Default)]
struct Counts {
    read: u64,
    new: u64,
    updated: u64,
    duplicates: u64,
    rejected: u64,
    rejections: Vec<Rejection>,
}

impl Counts {
    fn progress(&self) -> Progress {
        Progress {
            read: self.read,
            new: self.new,
            updated: self.updated,
            duplicates: self.duplicates,
            rejected: self.rejected,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    New,
    Updated,
    Duplicate,
}

/// Ingest a file (see [`Format::of_path`]).
pub async fn ingest_path(db: &DatabaseConnection, dict: Arc<Dictionaries>, path: &Path) -> AppResult<RunReport> {
    let (format, gz) = Format::of_path(path).ok_or_else(|| {
        AppError::validation("file", "must end in .jsonl, .ndjson, .csv or .json (each optionally .gz)")
    })?;
    let file = std::fs::File::open(path).map_err(|e| AppError::validation("file", format!("cannot open: {e}")))?;
    let input: Box<dyn Read + Send> =
        if gz { Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))) } else { Box::new(file) };
    ingest(db, dict, &path.display().to_string(), format, input, "file").await
}

/// Ingest the vendored corpus when the postings table is empty (the
/// embedded default's first start). `None` when there was nothing to do.
pub async fn load_builtin_if_empty(db: &DatabaseConnection, dict: Arc<Dictionaries>) -> AppResult<Option<RunReport>> {
    let b = backend(db);
    let row = db.query_one_raw(stmt(b, "SELECT COUNT(*) AS n FROM postings", vec![])).await?;
    let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    if n > 0 {
        return Ok(None);
    }
    let reader = Box::new(flate2::read::MultiGzDecoder::new(BUILTIN_CORPUS));
    let spec = RunSpec {
        run_id: None,
        label: "builtin:whoishiring-zh".into(),
        default_source: "whoishiring-zh".into(),
        triggered_by: "startup".into(),
    };
    ingest_run(db, dict, spec, Input::Stream { format: Format::JsonLines, reader }, None).await.map(Some)
}

/// What to read in one run.
pub enum Input {
    /// A file or upload in one of the file formats, read as a stream.
    Stream { format: Format, reader: Box<dyn Read + Send> },
    /// Postings a source connector already read (or why each could not be).
    Records(Vec<Result<RawPosting, Rejection>>),
}

/// How a run is recorded.
pub struct RunSpec {
    /// The run's row when it was created beforehand (queued by the
    /// scheduler or the admin API); a new row otherwise.
    pub run_id: Option<String>,
    /// What was read: a file name, a source key.
    pub label: String,
    /// `source` of postings that do not name one.
    pub default_source: String,
    /// `cli`, `startup`, `schedule`, `admin`, `upload`.
    pub triggered_by: String,
}

/// Counts so far, for progress.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Progress {
    pub read: u64,
    pub new: u64,
    pub updated: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

/// Ingest a stream and record the run (the CLI, the tests).
pub async fn ingest(
    db: &DatabaseConnection,
    dict: Arc<Dictionaries>,
    label: &str,
    format: Format,
    input: Box<dyn Read + Send>,
    default_source: &str,
) -> AppResult<RunReport> {
    let spec = RunSpec {
        run_id: None,
        label: label.to_string(),
        default_source: default_source.to_string(),
        triggered_by: "cli".into(),
    };
    ingest_run(db, dict, spec, Input::Stream { format, reader: input }, None).await
}

/// A run queued for later (by the scheduler or the admin API), inside the
/// caller's transaction; its id.
pub async fn create_run(
    db: &impl ConnectionTrait,
    label: &str,
    triggered_by: &str,
    job_id: Option<&str>,
) -> AppResult<String> {
    let run_id = uuid::Uuid::new_v4().to_string();
    db.execute_raw(stmt(
        backend(db),
        "INSERT INTO ingestion_runs (id, source, started_at, status, new, updated, duplicates, rejected, read_count, \
         triggered_by, job_id) VALUES (?, ?, ?, 'queued', 0, 0, 0, 0, 0, ?, ?)",
        vec![
            run_id.clone().into(),
            bounded(label, 300).into(),
            Utc::now().into(),
            triggered_by.to_string().into(),
            job_id.map(str::to_string).into(),
        ],
    ))
    .await?;
    Ok(run_id)
}

/// A run that could not read its source: failed, with the reason (and
/// when the source asked to be left alone until).
pub async fn fail_run(
    db: &DatabaseConnection,
    run_id: &str,
    code: &str,
    message: &str,
    retry_after_secs: Option<u64>,
) -> AppResult<()> {
    db.execute_raw(stmt(
        backend(db),
        "UPDATE ingestion_runs SET status = 'failed', finished_at = ?, error_code = ?, error = ?, retry_after_secs = ? \
         WHERE id = ? AND status IN ('queued', 'running')",
        vec![
            Utc::now().into(),
            code.to_string().into(),
            bounded(message, 1000).into(),
            retry_after_secs.map(|s| s.min(i32::MAX as u64) as i32).into(),
            run_id.to_string().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Mark a queued run as running (its start time is now).
pub async fn start_run(db: &DatabaseConnection, run_id: &str) -> AppResult<()> {
    db.execute_raw(stmt(
        backend(db),
        "UPDATE ingestion_runs SET status = 'running', started_at = ?, finished_at = NULL, error_code = NULL, \
         error = NULL, retry_after_secs = NULL WHERE id = ?",
        vec![Utc::now().into(), run_id.to_string().into()],
    ))
    .await?;
    Ok(())
}

/// Ingest `input` and record the run: its counts as it goes (after every
/// batch, also sent to `progress`), then its outcome and rejections.
pub async fn ingest_run(
    db: &DatabaseConnection,
    dict: Arc<Dictionaries>,
    spec: RunSpec,
    input: Input,
    progress: Option<tokio::sync::watch::Sender<Progress>>,
) -> AppResult<RunReport> {
    let started = std::time::Instant::now();
    let b = backend(db);
    let label = bounded(&spec.label, 300);
    let run_id = match spec.run_id {
        Some(id) => {
            start_run(db, &id).await?;
            id
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            db.execute_raw(stmt(
                b,
                "INSERT INTO ingestion_runs (id, source, started_at, status, new, updated, duplicates, rejected, \
                 read_count, triggered_by) VALUES (?, ?, ?, 'running', 0, 0, 0, 0, 0, ?)",
                vec![id.clone().into(), label.clone().into(), Utc::now().into(), spec.triggered_by.clone().into()],
            ))
            .await?;
            id
        }
    };

    let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(256);
    let source = spec.default_source;
    let reader = tokio::task::spawn_blocking(move || {
        read_input(&dict, input, &source, &mut |item| tx.blocking_send(item).is_ok())
    });

    // Batches are gathered while the one before is being written (two may
    // wait), so the extraction threads keep working through each write.
    let (batch_tx, mut batch_rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let gather = async move {
        let mut batch = Batch::default();
        while let Some(item) = rx.recv().await {
            batch.read += 1;
            match item {
                Ok(p) => batch.postings.push(p),
                Err(r) => batch.rejections.push(r),
            }
            if batch.postings.len() >= BATCH && batch_tx.send(std::mem::take(&mut batch)).await.is_err() {
                // The writer stopped: so does the reader, its channel closed.
                return;
            }
        }
        let _ = batch_tx.send(batch).await;
    };
    let write = async {
        let mut counts = Counts::default();
        while let Some(mut batch) = batch_rx.recv().await {
            counts.read += batch.read;
            counts.rejected += batch.rejections.len() as u64;
            let room = REPORT_REJECTIONS.saturating_sub(counts.rejections.len());
            counts.rejections.extend(batch.rejections.drain(..).take(room));
            if batch.postings.is_empty() {
                continue;
            }
            if let Err(e) = store_batch(db, &mut batch.postings, &mut counts).await {
                return (counts, Some(e));
            }
            let now = counts.progress();
            if let Some(p) = &progress {
                let _ = p.send(now);
            }
            if let Err(e) = record_counts(db, &run_id, &now).await {
                return (counts, Some(e));
            }
        }
        (counts, None)
    };
    let ((), (mut counts, failure)) = tokio::join!(gather, write);
    let read_result = reader.await.map_err(|e| AppError::Internal(anyhow::anyhow!("ingestion reader: {e}")))?;
    if failure.is_none() {
        if let Err(e) = read_result {
            counts.rejected += 1;
            counts.rejections.push(reject(counts.read + 1, "malformed", Some(format!("unreadable input: {e}"))));
        }
    }
    let status = if failure.is_some() { "failed" } else { "succeeded" };
    let error = failure.as_ref().map(|_| RunError {
        code: "internal".into(),
        message: "storing the postings failed; it has been logged".into(),
        retry_after_secs: None,
    });
    let report = RunReport {
        id: run_id.clone(),
        source: label,
        status: status.into(),
        triggered_by: spec.triggered_by,
        read: counts.read,
        new: counts.new,
        updated: counts.updated,
        duplicates: counts.duplicates,
        rejected: counts.rejected,
        rejections: counts.rejections,
        duration_ms: started.elapsed().as_millis() as u64,
        error,
    };
    let json =
        serde_json::json!({ "read": report.read, "rejections": report.rejections, "duration_ms": report.duration_ms });
    let (code, message) = match &report.error {
        Some(e) => (Some(e.code.clone()), Some(e.message.clone())),
        None => (None, None),
    };
    db.execute_raw(stmt(
        b,
        "UPDATE ingestion_runs SET finished_at = ?, status = ?, new = ?, updated = ?, duplicates = ?, rejected = ?, \
         read_count = ?, report = ?, error_code = ?, error = ? WHERE id = ?",
        vec![
            Utc::now().into(),
            status.into(),
            (report.new as i32).into(),
            (report.updated as i32).into(),
            (report.duplicates as i32).into(),
            (report.rejected as i32).into(),
            (report.read.min(i32::MAX as u64) as i32).into(),
            json.into(),
            code.into(),
            message.into(),
            run_id.into(),
        ],
    ))
    .await?;
    match failure {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

async fn record_counts(db: &DatabaseConnection, run_id: &str, p: &Progress) -> AppResult<()> {
    let n = |v: u64| v.min(i32::MAX as u64) as i32;
    db.execute_raw(stmt(
        backend(db),
        "UPDATE ingestion_runs SET new = ?, updated = ?, duplicates = ?, rejected = ?, read_count = ? WHERE id = ?",
        vec![
            n(p.new).into(),
            n(p.updated).into(),
            n(p.duplicates).into(),
            n(p.rejected).into(),
            n(p.read).into(),
            run_id.to_string().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Read `input` and prepare its postings, emitting them in order. One
/// thread reads and parses; postings are prepared (the costly part:
/// extraction, hashing) in chunks on [`workers`] threads, at most a few
/// chunks ahead of what has been emitted, so memory stays bounded.
fn read_input(
    dict: &Dictionaries,
    input: Input,
    default_source: &str,
    emit: &mut dyn FnMut(Item) -> bool,
) -> std::io::Result<()> {
    use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
    type Job = (Vec<Parsed>, SyncSender<Vec<Item>>);
    let today = Utc::now().date_naive();
    let workers = workers();
    std::thread::scope(|s| {
        let (work_tx, work_rx) = sync_channel::<Job>(workers);
        // Owned by the workers alone: should they all stop, sending work fails.
        let work_rx = Arc::new(std::sync::Mutex::new(work_rx));
        for _ in 0..workers {
            let work_rx = Arc::clone(&work_rx);
            s.spawn(move || loop {
                let job = work_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((chunk, back)) = job else { break };
                let items: Vec<Item> = chunk
                    .into_iter()
                    .map(|p| p.and_then(|(raw, line)| prepare(dict, raw, line, default_source, today)))
                    .collect();
                let _ = back.send(items);
            });
        }
        drop(work_rx);
        // The chunks' results, in reading order.
        let (order_tx, order_rx) = sync_channel::<Receiver<Vec<Item>>>(2 * workers);
        let reader = s.spawn(move || {
            let mut chunk: Vec<Parsed> = Vec::with_capacity(CHUNK);
            let send = |chunk: Vec<Parsed>| {
                let (back, result) = sync_channel(1);
                order_tx.send(result).is_ok() && work_tx.send((chunk, back)).is_ok()
            };
            let mut push = |p: Parsed| {
                chunk.push(p);
                chunk.len() < CHUNK || send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
            };
            let read = match input {
                Input::Stream { format, reader } => read_records(format, reader, &mut push),
                Input::Records(records) => {
                    for (i, record) in records.into_iter().enumerate() {
                        if !push(record.map(|raw| (raw, i as u64 + 1))) {
                            break;
                        }
                    }
                    Ok(())
                }
            };
            if !chunk.is_empty() {
                send(chunk);
            }
            read
        });
        'emit: for result in order_rx.iter() {
            // An error: a worker stopped (it panicked; the scope says so).
            let Ok(items) = result.recv() else { break };
            for item in items {
                if !emit(item) {
                    break 'emit;
                }
            }
        }
        // Dropped: the reader stops at its next chunk.
        drop(order_rx);
        reader.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// Postings prepared per chunk of work.
const CHUNK: usize = 64;

/// Threads preparing postings: the cores, at most four.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

/// Store a batch in one transaction, with the outcome of storing it one
/// posting at a time, in order. What the database holds for the batch (its
/// content hashes, its canonical URLs, the SimHashes of its companies and
/// months) is read with three queries; the new postings go in as
/// multi-row inserts. A posting whose canonical URL is held (an update at
/// its source, or an older copy) takes the one-at-a-time path after what
/// came before it has been written; when that changed a row, what is held
/// is read again for the rest of the batch.
async fn store_batch(db: &DatabaseConnection, batch: &mut Vec<Prepared>, counts: &mut Counts) -> AppResult<()> {
    let txn = begin_write(db).await?;
    let mut held = Held::read(&txn, batch).await?;
    let mut pending: Vec<Prepared> = Vec::with_capacity(batch.len());
    let mut pending_urls: HashSet<String> = HashSet::new();
    let mut rest = std::mem::take(batch).into_iter();
    while let Some(p) = rest.next() {
        if held.hashes.contains(&p.content_hash) {
            counts.duplicates += 1;
            continue;
        }
        if p.canonical_url.as_ref().is_some_and(|u| held.urls.contains(u) || pending_urls.contains(u)) {
            insert_new(&txn, &mut pending).await?;
            held.urls.extend(pending_urls.drain());
            let outcome = store_one(&txn, &p).await?;
            match outcome {
                Outcome::New => counts.new += 1,
                Outcome::Updated => counts.updated += 1,
                Outcome::Duplicate => counts.duplicates += 1,
            }
            if outcome != Outcome::Duplicate {
                // A row changed (its hash, SimHash, company, month).
                held = Held::read(&txn, rest.as_slice()).await?;
            }
            continue;
        }
        let near = held.simhashes.entry((p.company_key.clone(), p.posted_month.clone())).or_default();
        if near.iter().any(|h| market::near_duplicate(*h as u64, p.simhash as u64)) {
            counts.duplicates += 1;
            continue;
        }
        near.push(p.simhash);
        held.hashes.insert(p.content_hash.clone());
        if let Some(url) = &p.canonical_url {
            pending_urls.insert(url.clone());
        }
        counts.new += 1;
        pending.push(p);
    }
    insert_new(&txn, &mut pending).await?;
    txn.commit().await?;
    Ok(())
}

/// What the database holds that decides a batch's postings.
struct Held {
    hashes: HashSet<String>,
    urls: HashSet<String>,
    simhashes: HashMap<(String, String), Vec<i64>>,
}

impl Held {
    async fn read(txn: &impl ConnectionTrait, batch: &[Prepared]) -> AppResult<Held> {
        let hashes = column_in(
            txn,
            "SELECT content_hash AS v FROM postings WHERE content_hash IN",
            batch.iter().map(|p| p.content_hash.as_str()),
        )
        .await?;
        let urls = column_in(
            txn,
            "SELECT canonical_url AS v FROM postings WHERE canonical_url IN",
            batch.iter().filter_map(|p| p.canonical_url.as_deref()),
        )
        .await?;
        Ok(Held { hashes, urls, simhashes: simhashes_of(txn, batch).await? })
    }
}

/// The values of the one column `sql` selects (as `v`) for the rows whose
/// column is one of `keys` (`sql` ends in `IN`).
async fn column_in<'a>(
    txn: &impl ConnectionTrait,
    sql: &str,
    keys: impl Iterator<Item = &'a str>,
) -> AppResult<HashSet<String>> {
    let keys: Vec<Value> = keys.collect::<HashSet<_>>().into_iter().map(|k| Value::from(k.to_string())).collect();
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let marks = vec!["?"; keys.len()].join(", ");
    let rows = txn.query_all_raw(stmt(backend(txn), &format!("{sql} ({marks})"), keys)).await?;
    rows.iter().map(|r| r.try_get::<String>("", "v").map_err(AppError::from)).collect()
}

/// The SimHashes held for each company and month of the batch. The pairs
/// are a table of values joined to the postings by their index (SQLite
/// would scan every posting for a row value `IN (VALUES …)`, and limits a
/// chain of `OR`s to a depth of 1000).
async fn simhashes_of(
    txn: &impl ConnectionTrait,
    batch: &[Prepared],
) -> AppResult<HashMap<(String, String), Vec<i64>>> {
    let pairs: HashSet<(&str, &str)> =
        batch.iter().map(|p| (p.company_key.as_str(), p.posted_month.as_str())).collect();
    let mut out: HashMap<(String, String), Vec<i64>> = HashMap::new();
    if pairs.is_empty() {
        return Ok(out);
    }
    let mut values: Vec<Value> = Vec::with_capacity(pairs.len() * 2);
    for (company, month) in &pairs {
        values.push(company.to_string().into());
        values.push(month.to_string().into());
    }
    let marks = vec!["(?, ?)"; pairs.len()].join(", ");
    let rows = txn
        .query_all_raw(stmt(
            backend(txn),
            &format!(
                "WITH k (company_key, posted_month) AS (VALUES {marks}) \
                 SELECT p.company_key AS company_key, p.posted_month AS posted_month, p.simhash AS simhash \
                 FROM k JOIN postings p ON p.company_key = k.company_key AND p.posted_month = k.posted_month"
            ),
            values,
        ))
        .await?;
    for r in rows {
        let key = (r.try_get::<String>("", "company_key")?, r.try_get::<String>("", "posted_month")?);
        out.entry(key).or_default().push(r.try_get::<i64>("", "simhash")?);
    }
    Ok(out)
}

/// Insert `pending` (new postings, their content hashes distinct and not
/// held), a few hundred rows a statement; each row carries its
/// technologies (see [`technology_list`]).
async fn insert_new(txn: &impl ConnectionTrait, pending: &mut Vec<Prepared>) -> AppResult<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let b = backend(txn);
    let now = Utc::now();
    // One mark per column, and one for `ingested_at`.
    let width = COLUMNS.split(',').count() + 1;
    let row = format!("({})", vec!["?"; width].join(", "));
    for chunk in pending.chunks(MAX_VALUES / width) {
        let marks = vec![row.as_str(); chunk.len()].join(", ");
        let mut values = Vec::with_capacity(chunk.len() * width);
        for p in chunk {
            values.extend(posting_values(p, now));
            values.push(now.into());
        }
        txn.execute_raw(stmt(b, &format!("INSERT INTO postings ({COLUMNS}, ingested_at) VALUES {marks}"), values))
            .await?;
    }
    pending.clear();
    Ok(())
}

fn posting_values(p: &Prepared, now: DateTime<Utc>) -> Vec<Value> {
    let (smin, smax, cur, per) = match p.salary {
        Some((a, b, c, d)) => (a, b, Some(c.to_string()), Some(d.to_string())),
        None => (None, None, None, None),
    };
    vec![
        p.source.clone().into(),
        p.source_id.clone().into(),
        p.url.clone().into(),
        p.canonical_url.clone().into(),
        p.content_hash.clone().into(),
        p.simhash.into(),
        p.title.clone().into(),
        p.company.clone().into(),
        p.company_key.clone().into(),
        p.location.clone().into(),
        p.country.clone().into(),
        p.region.clone().into(),
        p.remote.into(),
        p.min_years.into(),
        p.max_years.into(),
        p.level.into(),
        p.employment_type.into(),
        smin.into(),
        smax.into(),
        cur.into(),
        per.into(),
        p.posted_month.clone().into(),
        p.posted_at.into(),
        p.language.into(),
        p.category.into(),
        p.industry.into(),
        p.company_type.into(),
        technology_list(&p.technologies).into(),
        now.into(),
    ]
}

/// A posting's technologies as the one text its row keeps for the
/// aggregates' streaming pass (see [`super::stats`]): `rust! go? kafka`,
/// `!` required, `?` preferred, bare mentioned.
pub fn technology_list(techs: &[(String, &'static str)]) -> String {
    let mut out = String::with_capacity(techs.iter().map(|(t, _)| t.len() + 2).sum());
    for (t, r) in techs {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
        match *r {
            "required" => out.push('!'),
            "preferred" => out.push('?'),
            _ => {}
        }
    }
    out
}

const COLUMNS: &str =
    "source, source_id, url, canonical_url, content_hash, simhash, title, company, company_key, location, \
     country, region, remote, min_years, max_years, level, employment_type, salary_min, salary_max, salary_currency, \
     salary_period, posted_month, posted_at, language, category, industry, company_type, technologies, updated_at";

async fn store_one(txn: &impl ConnectionTrait, p: &Prepared) -> AppResult<Outcome> {
    let b = backend(txn);
    let one_id = |sql: &'static str, v: Vec<Value>| async move {
        let row = txn.query_one_raw(stmt(b, sql, v)).await?;
        Ok::<Option<i32>, AppError>(row.map(|r| r.try_get::<i32>("", "id")).transpose()?)
    };
    if one_id("SELECT id FROM postings WHERE content_hash = ? LIMIT 1", vec![p.content_hash.clone().into()])
        .await?
        .is_some()
    {
        return Ok(Outcome::Duplicate);
    }
    let now = Utc::now();
    if let Some(url) = &p.canonical_url {
        let found = txn
            .query_one_raw(stmt(
                b,
                "SELECT id, CASE WHEN posted_at > ? THEN 1 ELSE 0 END AS newer FROM postings WHERE canonical_url = ? LIMIT 1",
                vec![p.posted_at.into(), url.clone().into()],
            ))
            .await?;
        if let Some(row) = found {
            let id: i32 = row.try_get("", "id")?;
            if row.try_get::<i32>("", "newer")? == 1 {
                // An older copy of a posting we hold a newer version of.
                return Ok(Outcome::Duplicate);
            }
            // The same posting, edited at its source: take the new content.
            let set = COLUMNS.split(", ").map(|c| format!("{} = ?", c.trim())).collect::<Vec<_>>().join(", ");
            let mut values = posting_values(p, now);
            values.push(id.into());
            txn.execute_raw(stmt(b, &format!("UPDATE postings SET {set} WHERE id = ?"), values)).await?;
            return Ok(Outcome::Updated);
        }
    }
    let rows = txn
        .query_all_raw(stmt(
            b,
            "SELECT simhash FROM postings WHERE company_key = ? AND posted_month = ?",
            vec![p.company_key.clone().into(), p.posted_month.clone().into()],
        ))
        .await?;
    for r in rows {
        let h: i64 = r.try_get("", "simhash")?;
        if market::near_duplicate(h as u64, p.simhash as u64) {
            return Ok(Outcome::Duplicate);
        }
    }
    // One mark per column, and one for `ingested_at`.
    let marks = vec!["?"; COLUMNS.split(',').count() + 1].join(", ");
    let mut values = posting_values(p, now);
    values.push(now.into());
    txn.execute_raw(stmt(b, &format!("INSERT INTO postings ({COLUMNS}, ingested_at) VALUES ({marks})"), values))
        .await?;
    Ok(Outcome::New)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_canonical() {
        assert_eq!(
            canonical_url("HTTPS://WWW.Example.com/jobs/42/?utm_source=x&b=2&a=1#apply").as_deref(),
            Some("https://example.com/jobs/42?a=1&b=2#apply")
        );
        assert_eq!(canonical_url("mailto:x@y.z"), None);
    }

    #[test]
    fn personal_data_is_removed() {
        let s = redact("Mail hr@example.com or hr [at] example.co.kr, call 010-1234-5678, 微信: abc_12345");
        assert!(!s.contains("example"), "{s}");
        assert!(!s.contains("1234"), "{s}");
        assert!(!s.contains("abc_12345"), "{s}");
        assert_eq!(redact("Rust, C#, .NET, 3+ years"), "Rust, C#, .NET, 3+ years");
    }

    #[test]
    fn control_characters_are_dropped_and_the_rest_kept() {
        let s = "백엔드\u{7} 개발자\r\n\tRust\u{85}·©\u{7f} 우대";
        assert_eq!(without_controls(s), "백엔드 개발자\n\tRust·© 우대");
        let clean = "Rust · © 쿠버네티스\n\t우대";
        assert!(matches!(without_controls(clean), std::borrow::Cow::Borrowed(t) if t == clean));
    }

    #[test]
    fn long_lines_are_skipped_whole() {
        let input = format!("short\n{}\nnext\nlast", "x".repeat(100));
        let mut r = std::io::Cursor::new(input.into_bytes());
        let mut buf = Vec::new();
        assert_eq!(next_line(&mut r, 10, &mut buf).unwrap(), Some(Some(())));
        assert_eq!(buf, b"short");
        assert_eq!(next_line(&mut r, 10, &mut buf).unwrap(), Some(None));
        assert_eq!(next_line(&mut r, 10, &mut buf).unwrap(), Some(Some(())));
        assert_eq!(buf, b"next");
        assert_eq!(next_line(&mut r, 10, &mut buf).unwrap(), Some(Some(())));
        assert_eq!(buf, b"last");
        assert_eq!(next_line(&mut r, 10, &mut buf).unwrap(), None);
    }
}
