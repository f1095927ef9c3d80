//! A local stand-in for the job boards' public APIs and for job feeds,
//! answering in their captured formats:
//!
//! - Greenhouse: `GET /greenhouse/v1/boards/{board}/jobs[?content=true]`
//!   (`{ jobs: [...], meta: { total } }`, `content` as escaped HTML);
//! - Lever: `GET /lever/v0/postings/{site}?mode=json` (an array);
//! - Ashby: `GET /ashby/posting-api/job-board/{board}[?includeCompensation=true]`
//!   (`{ apiVersion, jobs: [...] }`);
//! - feeds: `GET /feeds/jobs.rss` (RSS 2.0) and `GET /feeds/jobs.atom`.
//!
//! Configure the app with `…/greenhouse`, `…/lever` and `…/ashby` as the
//! API roots. The fixtures are postings in Korean and English; one carries
//! a script tag in its title, one in its description, and Ashby's `gamma`
//! board lists the same backend posting as Greenhouse's `acme`.
//!
//! Each source (`greenhouse:acme`, `lever:beta`, `ashby:gamma`,
//! `feed:jobs.rss`, `feed:jobs.atom`) can be switched to fail — 429 with
//! `Retry-After`, an answer slower than any timeout, an HTML page, garbage,
//! a status, an answer too large — until it is healed; requests are counted.

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde_json::{json, Value};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

/// How a source fails, until healed.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 Too Many Requests with `Retry-After: n`.
    RateLimited { retry_after_secs: u64 },
    /// Answer only after this long (longer than the app's timeout).
    Slow(Duration),
    /// 200 with a sign-in page in HTML instead of JSON or a feed.
    Html,
    /// 200 with binary junk under the right content type.
    Garbage,
    /// This status with a short JSON error.
    Status(u16),
    /// 200 with a body of this many bytes (for size caps).
    Huge(usize),
}

#[derive(Default)]
struct Inner {
    faults: HashMap<String, Fault>,
    requests: HashMap<String, usize>,
}

#[derive(Clone)]
pub struct BoardsStandIn {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl BoardsStandIn {
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    pub async fn start_on(addr: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/greenhouse/v1/boards/{board}/jobs", get(greenhouse))
            .route("/lever/v0/postings/{site}", get(lever))
            .route("/ashby/posting-api/job-board/{board}", get(ashby))
            .route("/feeds/{name}", get(feed))
            .route("/healthz", get(|| async { "ok" }))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind the stand-in job boards");
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, inner }
    }

    pub fn greenhouse_url(&self) -> String {
        format!("{}/greenhouse", self.url)
    }

    pub fn lever_url(&self) -> String {
        format!("{}/lever", self.url)
    }

    pub fn ashby_url(&self) -> String {
        format!("{}/ashby", self.url)
    }

    /// A feed's address: `jobs.rss`, `jobs.atom`, or any name (unknown
    /// names answer 404).
    pub fn feed_url(&self, name: &str) -> String {
        format!("{}/feeds/{name}", self.url)
    }

    /// Make `source` (`greenhouse:acme`, `feed:jobs.rss` …) fail so until healed.
    pub fn fail(&self, source: &str, fault: Fault) {
        self.inner.lock().unwrap().faults.insert(source.to_string(), fault);
    }

    pub fn heal(&self, source: &str) {
        self.inner.lock().unwrap().faults.remove(source);
    }

    /// Requests `source` has answered (or failed).
    pub fn requests(&self, source: &str) -> usize {
        self.inner.lock().unwrap().requests.get(source).copied().unwrap_or(0)
    }
}

type Shared = Arc<Mutex<Inner>>;

/// Count the request, apply the source's fault, or answer `ok`.
async fn answer(inner: &Shared, source: &str, ok: Option<(&'static str, String)>) -> Response {
    let fault = {
        let mut i = inner.lock().unwrap();
        *i.requests.entry(source.to_string()).or_default() += 1;
        i.faults.get(source).cloned()
    };
    let typed = |content_type: &'static str, body: Body| {
        let mut res = Response::new(body);
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        res
    };
    match fault {
        Some(Fault::RateLimited { retry_after_secs }) => {
            let mut res =
                (StatusCode::TOO_MANY_REQUESTS, axum::Json(json!({ "error": "Too Many Requests" }))).into_response();
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return res;
        }
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        Some(Fault::Html) => {
            return typed(
                "text/html; charset=utf-8",
                Body::from(
                    "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Sign in</title></head>\
                     <body><form action=\"/login\"><input name=\"user\"></form></body></html>",
                ),
            )
        }
        Some(Fault::Garbage) => {
            let junk: Vec<u8> = (0..2048u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
            let content_type = ok.as_ref().map(|(c, _)| *c).unwrap_or("application/json");
            return typed(content_type, Body::from(junk));
        }
        Some(Fault::Status(s)) => {
            let status = StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, axum::Json(json!({ "error": status.canonical_reason() }))).into_response();
        }
        Some(Fault::Huge(n)) => {
            let content_type = ok.as_ref().map(|(c, _)| *c).unwrap_or("application/json");
            let mut body = String::with_capacity(n);
            body.push_str("{\"jobs\":[");
            while body.len() < n {
                body.push_str("{\"title\":\"padding\"},");
            }
            body.push_str("{}]}");
            return typed(content_type, Body::from(body));
        }
        None => {}
    }
    match ok {
        Some((content_type, body)) => typed(content_type, Body::from(body)),
        None => (StatusCode::NOT_FOUND, axum::Json(json!({ "status": 404, "error": "Not found" }))).into_response(),
    }
}

async fn greenhouse(
    State(inner): State<Shared>,
    Path(board): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let content = q.get("content").is_some_and(|v| v == "true");
    let body = (board == "acme").then(|| {
        let mut jobs = greenhouse_acme();
        if !content {
            for j in jobs.iter_mut() {
                j.as_object_mut().unwrap().remove("content");
            }
        }
        let total = jobs.len();
        ("application/json; charset=utf-8", json!({ "jobs": jobs, "meta": { "total": total } }).to_string())
    });
    answer(&inner, &format!("greenhouse:{board}"), body).await
}

async fn lever(State(inner): State<Shared>, Path(site): Path<String>) -> Response {
    let key = format!("lever:{site}");
    let body = (site == "beta").then(|| ("application/json; charset=utf-8", Value::Array(lever_beta()).to_string()));
    if body.is_none() {
        let mut i = inner.lock().unwrap();
        if !i.faults.contains_key(&key) {
            *i.requests.entry(key).or_default() += 1;
            // Lever's own answer for a site it does not know.
            return (StatusCode::NOT_FOUND, axum::Json(json!({ "ok": false, "error": "Document not found" })))
                .into_response();
        }
    }
    answer(&inner, &key, body).await
}

async fn ashby(
    State(inner): State<Shared>,
    Path(board): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let compensation = q.get("includeCompensation").is_some_and(|v| v == "true");
    let body = (board == "gamma").then(|| {
        let mut jobs = ashby_gamma();
        if !compensation {
            for j in jobs.iter_mut() {
                j.as_object_mut().unwrap().remove("compensation");
            }
        }
        ("application/json; charset=utf-8", json!({ "apiVersion": "1", "jobs": jobs }).to_string())
    });
    answer(&inner, &format!("ashby:{board}"), body).await
}

async fn feed(State(inner): State<Shared>, Path(name): Path<String>) -> Response {
    let body = match name.as_str() {
        "jobs.rss" => Some(("application/rss+xml; charset=utf-8", RSS.to_string())),
        "jobs.atom" => Some(("application/atom+xml; charset=utf-8", ATOM.to_string())),
        _ => None,
    };
    answer(&inner, &format!("feed:{name}"), body).await
}

/// Greenhouse's description HTML for the backend posting, as Ashby's
/// `gamma` board also publishes it (unescaped there).
pub const ACME_BACKEND_HTML: &str = "<h3>About Acme</h3><p>Acme builds payment infrastructure for small shops \
across Korea and Japan. Our team of twelve engineers owns every service from design to on-call.</p>\
<h3>Requirements</h3><ul><li>3+ years of Rust in production</li><li>PostgreSQL</li><li>Docker</li></ul>\
<h3>Nice to have</h3><ul><li>Kubernetes</li><li>Kafka</li></ul><p>Full-time, Seoul office&nbsp;&amp; hybrid.</p>";

/// HTML escaped the way Greenhouse escapes `content`.
fn escaped(html: &str) -> String {
    html.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn greenhouse_acme() -> Vec<Value> {
    let office =
        json!([{ "id": 61001, "name": "Seoul", "location": "Seoul, South Korea", "parent_id": null, "child_ids": [] }]);
    let engineering = json!([{ "id": 52001, "name": "Engineering", "parent_id": null, "child_ids": [] }]);
    vec![
        json!({
            "absolute_url": "https://boards.greenhouse.io/acme/jobs/4012345",
            "data_compliance": [{ "type": "gdpr", "requires_consent": false, "retention_period": null }],
            "internal_job_id": 3002001,
            "location": { "name": "Seoul, South Korea" },
            "metadata": null,
            "id": 4012345,
            "updated_at": "2026-10-02T09:15:00-04:00",
            "requisition_id": "ENG-101",
            "title": "Backend Engineer (Rust)",
            "company_name": "Acme",
            "first_published": "2026-09-28T10:00:00-04:00",
            "language": "en",
            "content": escaped(ACME_BACKEND_HTML),
            "departments": engineering,
            "offices": office,
        }),
        json!({
            "absolute_url": "https://boards.greenhouse.io/acme/jobs/4012346",
            "data_compliance": [],
            "internal_job_id": 3002002,
            "location": { "name": "서울 강남구" },
            "metadata": null,
            "id": 4012346,
            "updated_at": "2026-10-03T11:00:00+09:00",
            "requisition_id": "FE-7",
            "title": "프론트엔드 개발자",
            "company_name": "Acme",
            "first_published": "2026-10-01T10:00:00+09:00",
            "language": "ko",
            "content": escaped(
                "<p>결제 서비스의 웹 프론트엔드를 함께 만들 분을 찾습니다.</p><p><strong>자격요건</strong></p>\
                 <ul><li>React 실무 경험 3년 이상</li><li>TypeScript</li></ul><p><strong>우대사항</strong></p>\
                 <ul><li>Next.js 사용 경험</li></ul><p>고용형태: 정규직</p>"
            ),
            "departments": engineering,
            "offices": office,
        }),
        json!({
            "absolute_url": "https://boards.greenhouse.io/acme/jobs/4012347",
            "data_compliance": [],
            "internal_job_id": 3002003,
            "location": { "name": "Pangyo, Gyeonggi" },
            "metadata": [{ "id": 1, "name": "Level", "value": "Senior", "value_type": "single_select" }],
            "id": 4012347,
            "updated_at": "2026-10-04T09:00:00+09:00",
            "requisition_id": "DATA-3",
            "title": "Data Engineer",
            "company_name": "Acme",
            "first_published": "2026-10-04T09:00:00+09:00",
            "language": "en",
            "content": escaped(
                "<p>Build the pipelines behind our merchant analytics.</p><h3>Requirements</h3><ul><li>Python</li>\
                 <li>Apache Spark</li><li>Airflow</li></ul><script>alert(document.cookie)</script>\
                 <img src=x onerror=\"alert(1)\">"
            ),
            "departments": engineering,
            "offices": [],
        }),
    ]
}

fn lever_beta() -> Vec<Value> {
    vec![
        json!({
            "additionalPlain": "Beta is an equal opportunity employer.\n",
            "additional": "<div>Beta is an equal opportunity employer.</div>",
            "categories": { "commitment": "Full-time", "department": "Engineering", "location": "Seoul", "team": "AI" },
            "createdAt": 1_790_812_800_000i64,
            "descriptionPlain": "We train the models that sort millions of receipts a day.\n",
            "description": "<div>We train the models that sort millions of receipts a day.</div>",
            "id": "5ac21346-8e0c-4494-8e7a-3eb92ff77902",
            "lists": [
                { "text": "Requirements", "content": "<li>Python</li><li>PyTorch</li><li>3+ years of machine learning in production</li>" },
                { "text": "Nice to have", "content": "<li>Kubernetes</li>" }
            ],
            "text": "Machine Learning Engineer",
            "country": "KR",
            "workplaceType": "hybrid",
            "hostedUrl": "https://jobs.lever.co/beta/5ac21346-8e0c-4494-8e7a-3eb92ff77902",
            "applyUrl": "https://jobs.lever.co/beta/5ac21346-8e0c-4494-8e7a-3eb92ff77902/apply",
            "salaryRange": { "currency": "USD", "interval": "per-year-salary", "min": 120000, "max": 160000 }
        }),
        json!({
            "additionalPlain": "",
            "additional": "",
            "categories": { "commitment": "계약직", "department": "Platform", "location": "Busan", "team": "Infra" },
            "createdAt": 1_790_899_200_000i64,
            "descriptionPlain": "클라우드 인프라를 운영합니다.\n",
            "description": "<div>클라우드 인프라를 운영합니다.</div>",
            "id": "9b1f6c2e-41d2-4c8e-9a55-1c3b5f0e7d21",
            "lists": [
                { "text": "자격요건", "content": "<li>AWS 운영 경험</li><li>Terraform</li>" },
                { "text": "우대사항", "content": "<li>쿠버네티스 운영 경험</li>" }
            ],
            "text": "DevOps 엔지니어 <script>alert(\"lever\")</script>",
            "country": "KR",
            "workplaceType": "remote",
            "hostedUrl": "https://jobs.lever.co/beta/9b1f6c2e-41d2-4c8e-9a55-1c3b5f0e7d21",
            "applyUrl": "https://jobs.lever.co/beta/9b1f6c2e-41d2-4c8e-9a55-1c3b5f0e7d21/apply"
        }),
    ]
}

fn ashby_gamma() -> Vec<Value> {
    vec![
        // The same posting as Greenhouse's acme 4012345, cross-posted.
        json!({
            "id": "4d8b2a1e-7c39-4f0e-b5a2-9e1c6d3f8a10",
            "title": "Backend Engineer (Rust)",
            "department": "Engineering",
            "team": "Payments",
            "employmentType": "FullTime",
            "location": "Seoul",
            "secondaryLocations": [],
            "isListed": true,
            "isRemote": false,
            "workplaceType": "Hybrid",
            "publishedAt": "2026-09-29T01:00:00.000+00:00",
            "jobUrl": "https://jobs.ashbyhq.com/gamma/4d8b2a1e-7c39-4f0e-b5a2-9e1c6d3f8a10",
            "applyUrl": "https://jobs.ashbyhq.com/gamma/4d8b2a1e-7c39-4f0e-b5a2-9e1c6d3f8a10/application",
            "descriptionHtml": ACME_BACKEND_HTML,
            "descriptionPlain": "About Acme ...",
            "address": { "postalAddress": { "addressLocality": "Seoul", "addressCountry": "South Korea" } },
            "shouldDisplayCompensationOnJobPostings": false
        }),
        json!({
            "id": "0f5c2b9e-1d4a-4e3b-8c7d-2a6f9e0b1c34",
            "title": "Security Engineer",
            "department": "Engineering",
            "team": "Security",
            "employmentType": "Contract",
            "location": "Remote (Korea)",
            "secondaryLocations": [{ "location": "Seoul", "address": { "addressLocality": "Seoul", "addressCountry": "South Korea" } }],
            "isListed": true,
            "isRemote": true,
            "workplaceType": "Remote",
            "publishedAt": "2026-10-05T01:00:00.000+00:00",
            "jobUrl": "https://jobs.ashbyhq.com/gamma/0f5c2b9e-1d4a-4e3b-8c7d-2a6f9e0b1c34",
            "applyUrl": "https://jobs.ashbyhq.com/gamma/0f5c2b9e-1d4a-4e3b-8c7d-2a6f9e0b1c34/application",
            "descriptionHtml": "<p>Keep our payment systems safe.</p><p><strong>Requirements</strong></p><ul><li>Go</li><li>AWS</li></ul><p><strong>Nice to have</strong></p><ul><li>Kubernetes</li></ul>",
            "descriptionPlain": "Keep our payment systems safe. Requirements Go AWS Nice to have Kubernetes",
            "shouldDisplayCompensationOnJobPostings": true,
            "compensation": {
                "compensationTierSummary": "$120K – $150K • Offers Bonus",
                "scrapeableCompensationSalarySummary": "$120K - $150K",
                "compensationTiers": [{
                    "id": "cedc8928-e850-47e8-a510-e412f61d068a",
                    "tierSummary": "$120K – $150K • Offers Bonus",
                    "title": "Zone A",
                    "components": [{ "id": "5c8de1b0", "summary": "$120K – $150K", "compensationType": "Salary",
                                     "interval": "1 YEAR", "currencyCode": "USD", "minValue": 120000, "maxValue": 150000 }]
                }]
            }
        }),
        json!({
            "id": "hidden-1", "title": "Internal transfer", "isListed": false, "isRemote": false,
            "descriptionPlain": "Not on the board.", "publishedAt": "2026-10-05T01:00:00.000+00:00",
            "jobUrl": "https://jobs.ashbyhq.com/gamma/hidden-1", "employmentType": "FullTime", "location": "Seoul"
        }),
    ]
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>개발자 채용 — Example Jobs</title>
  <link>https://jobs.example.kr/</link>
  <description>Developer jobs in Korea</description>
  <language>ko</language>
  <item>
    <title>Go 백엔드 개발자</title>
    <link>https://jobs.example.kr/p/101</link>
    <guid isPermaLink="false">example-jobs-101</guid>
    <pubDate>Tue, 06 Oct 2026 09:00:00 +0900</pubDate>
    <dc:creator>채용담당자</dc:creator>
    <category>Backend</category>
    <description>&lt;p&gt;주식회사 예시랩 (서울 성수동)&lt;/p&gt;&lt;p&gt;자격요건&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Go 실무 경험 3년 이상&lt;/li&gt;&lt;li&gt;gRPC&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;우대사항&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Kubernetes&lt;/li&gt;&lt;/ul&gt;</description>
  </item>
  <item>
    <title>Android Developer</title>
    <link>https://jobs.example.kr/p/102</link>
    <guid>https://jobs.example.kr/p/102</guid>
    <pubDate>Wed, 07 Oct 2026 10:00:00 GMT</pubDate>
    <description>Android developer for our delivery app.</description>
    <content:encoded><![CDATA[<p>Our delivery app has two million users.</p><h3>Requirements</h3><ul><li>Kotlin</li><li>Jetpack Compose</li></ul><h3>Nice to have</h3><ul><li>GraphQL</li></ul>]]></content:encoded>
  </item>
</channel>
</rss>
"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Careers at Delta Games</title>
  <link href="https://careers.delta.example/"/>
  <updated>2026-10-09T00:00:00Z</updated>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <entry>
    <title>게임 서버 개발자</title>
    <link rel="alternate" href="https://careers.delta.example/jobs/game-server"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2026-10-09T00:00:00Z</updated>
    <published>2026-10-08T00:00:00Z</published>
    <author><name>김채용</name><email>recruit@delta.example</email></author>
    <content type="html">&lt;p&gt;델타게임즈 (판교)&lt;/p&gt;&lt;p&gt;자격요건&lt;/p&gt;&lt;ul&gt;&lt;li&gt;C++ 5년 이상&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;우대사항&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Redis&lt;/li&gt;&lt;/ul&gt;</content>
  </entry>
  <entry>
    <title>QA Automation Engineer</title>
    <link href="https://careers.delta.example/jobs/qa"/>
    <id>urn:uuid:2bb1e0f2-5e1d-4f4e-9b0e-7f4f6c2e0a11</id>
    <updated>2026-10-10T00:00:00Z</updated>
    <summary>Test our games before players do. Requirements: Selenium, Python. Nice to have: Jenkins.</summary>
  </entry>
</feed>
"#;
