//! The job market: ingestion with de-duplication and rejections, exact
//! aggregates on a known fixture (the same numbers on SQLite and
//! PostgreSQL), the API's answers to bad input, matching a posting against
//! a signed-in user's imported profile with receipts, my market fit, and
//! escaping of posting-supplied text in the pages.

use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, import, post_json, signed_in_as};
use app::market::ssr::ingest::{ingest, Format, RunReport};
use serde_json::{json, Value};
use standins::github::fixtures::{Account, Repo};
use std::sync::Arc;

db_tests!(
    ingestion_deduplicates_updates_and_rejects_with_reasons,
    aggregates_are_exact_on_a_known_fixture,
    bad_queries_and_texts_get_clear_4xx,
    a_posting_matches_my_profile_with_receipts,
    my_market_fit_has_three_groups,
    posting_text_is_escaped_in_pages,
    csv_rows_are_ingested_like_json_lines,
);

fn line(title: &str, body: &str, company: &str, location: &str, url: &str, posted: &str) -> String {
    json!({ "title": title, "body": body, "company": company, "location": location, "url": url,
            "posted_at": posted, "source": "fixture", "contact": "hr@example.com", "author": "someone" })
    .to_string()
}

const KO_BACKEND: &str = "서비스 백엔드를 함께 만들 개발자를 찾습니다.\n\n자격요건\n- Rust 실무 경험 3년 이상\n- PostgreSQL\n\n우대사항\n- Kubernetes 운영 경험";
const EN_BACKEND: &str = "We build payment services for small shops across Korea and Japan, and we run them ourselves in production. Our team of twelve engineers owns every service from design to on-call, reviews each other's code and ships several times a day.\n\nRequirements:\n- 3+ years of Rust\n- PostgreSQL\n- Docker\n\nNice to have:\n- Kafka";
const EN_FRONTEND: &str = "Our product team ships a design tool used by thousands of studios every day.\n\nRequirements:\n- React\n- TypeScript\n\nNice to have:\n- GraphQL";

/// Ten lines: three new postings (Korean backend, English backend, English
/// frontend), an exact duplicate (case and spacing), a near-duplicate (one
/// word changed, same company and month, another URL), an update (the
/// frontend posting's URL with new content), and four rejections.
fn fixture() -> String {
    let near = EN_BACKEND.replace("twelve", "fourteen");
    let updated = format!("{EN_FRONTEND}\n- Next.js");
    [
        line("백엔드 개발자 (Rust)", KO_BACKEND, "가나다랩", "서울 강남구", "https://jobs.example.kr/1", "2026-01-15"),
        line(
            "Backend Engineer",
            EN_BACKEND,
            "Acme",
            "Pangyo, Gyeonggi",
            "https://acme.example.com/jobs/2?utm_source=x",
            "2026-02-01",
        ),
        line(
            "Frontend Engineer",
            EN_FRONTEND,
            "Beta",
            "Seoul (remote possible)",
            "https://beta.example.com/jobs/3",
            "2026-02-10",
        ),
        line(
            "백엔드  개발자 (RUST)",
            &KO_BACKEND.to_uppercase().replace('\n', "\n\n"),
            "가나다랩",
            "서울",
            "https://elsewhere.example/9",
            "2026-01-20",
        ),
        line("Backend Engineer", &near, "Acme", "Pangyo", "https://acme.example.com/jobs/2-copy", "2026-02-03"),
        line("Frontend Engineer", &updated, "Beta", "Seoul", "https://BETA.example.com/jobs/3/", "2026-02-11"),
        json!({ "body": "no title here", "company": "X" }).to_string(),
        json!({ "title": "Empty", "body": "   " }).to_string(),
        "{ this is not json".to_string(),
        json!({ "title": "Huge", "body": "x".repeat(60 * 1024) }).to_string(),
    ]
    .join("\n")
}

async fn ingest_text(app: &TestApp, text: String, format: Format) -> RunReport {
    let dict = Arc::clone(&app.state.dict);
    ingest(&app.state.db, dict, "test fixture", format, Box::new(std::io::Cursor::new(text.into_bytes())), "file")
        .await
        .expect("ingestion ran")
}

pub(crate) async fn ingested(app: &TestApp) -> RunReport {
    ingest_text(app, fixture(), Format::JsonLines).await
}

async fn ingestion_deduplicates_updates_and_rejects_with_reasons(app: TestApp) {
    let report = ingested(&app).await;
    assert_eq!(report.status, "succeeded");
    assert_eq!(
        (report.read, report.new, report.updated, report.duplicates, report.rejected),
        (10, 3, 1, 2, 4),
        "{report}"
    );
    let reasons: Vec<(u64, &str)> = report.rejections.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(reasons, vec![(7, "no_title"), (8, "empty_body"), (9, "malformed"), (10, "too_long")]);

    // Ingesting the same file again finds everything known.
    let again = ingest_text(&app, fixture(), Format::JsonLines).await;
    assert_eq!((again.new, again.updated, again.duplicates, again.rejected), (0, 0, 6, 4), "{again}");

    // The run is recorded, and no contact or author is stored anywhere.
    let (_, cats) = get_json(&app, &Jar::default(), "/api/v1/market/categories").await;
    assert_eq!(cats["total_postings"], 3, "{cats}");
    use sea_orm::ConnectionTrait;
    let b = app.state.db.get_database_backend();
    let runs = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            b,
            "SELECT COUNT(*) AS n FROM ingestion_runs WHERE status = 'succeeded'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(runs.try_get::<i64>("", "n").unwrap(), 2);
    let cols = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(b, "SELECT * FROM postings LIMIT 1"))
        .await
        .unwrap()
        .unwrap()
        .column_names();
    assert!(!cols.iter().any(|c| c.contains("contact") || c.contains("author")), "{cols:?}");
}

fn tech<'a>(top: &'a Value, id: &str) -> &'a Value {
    top["top"].as_array().unwrap().iter().find(|t| t["tech_id"] == id).unwrap_or_else(|| panic!("{id} in {top}"))
}

async fn aggregates_are_exact_on_a_known_fixture(app: TestApp) {
    ingested(&app).await;
    let anon = Jar::default();
    let (status, cats) = get_json(&app, &anon, "/api/v1/market/categories").await;
    assert_eq!(status, 200);
    let count = |code: &str| {
        cats["categories"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()["postings"].clone()
    };
    assert_eq!((count("backend"), count("frontend"), count("ml")), (json!(2), json!(1), json!(0)), "{cats}");

    let (status, top) = get_json(&app, &anon, "/api/v1/market/top?category=backend").await;
    assert_eq!(status, 200, "{top}");
    assert_eq!(top["total_postings"], 2);
    assert_eq!((top["first_month"].as_str(), top["last_month"].as_str()), (Some("2026-01"), Some("2026-02")));
    let rust = tech(&top, "rust");
    assert_eq!(
        (rust["postings"].as_i64(), rust["required"].as_i64(), rust["share"].as_f64()),
        (Some(2), Some(2), Some(1.0)),
        "{top}"
    );
    let pg = tech(&top, "postgresql");
    assert_eq!((pg["postings"].as_i64(), pg["required"].as_i64()), (Some(2), Some(2)));
    let k8s = tech(&top, "kubernetes");
    assert_eq!(
        (k8s["postings"].as_i64(), k8s["preferred"].as_i64(), k8s["share"].as_f64()),
        (Some(1), Some(1), Some(0.5))
    );
    let kafka = tech(&top, "kafka");
    assert_eq!(kafka["preferred"], 1);
    // Most asked first, ties by id.
    assert_eq!(top["top"][0]["tech_id"], "postgresql");
    assert_eq!(top["top"][1]["tech_id"], "rust");
    // Rust and PostgreSQL are asked together twice.
    assert_eq!(
        top["pairs"][0],
        json!({ "a": "postgresql", "a_name": "PostgreSQL", "b": "rust", "b_name": "Rust", "postings": 2 })
    );
    let regions: Vec<(String, i64)> = top["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["key"].as_str().unwrap().into(), b["postings"].as_i64().unwrap()))
        .collect();
    assert_eq!(regions, vec![("gyeonggi".into(), 1), ("seoul".into(), 1)]);
    assert_eq!(top["sources"], json!([{ "source": "fixture", "postings": 2 }]));
    assert!(top["credit"].as_str().unwrap().contains("darknight/whoishiring-insight"));

    // The update took the frontend posting's new content (Next.js).
    let (_, front) = get_json(&app, &anon, "/api/v1/market/top?category=frontend&experience=unspecified").await;
    assert!(front["top"].as_array().unwrap().iter().any(|t| t["tech_id"] == "nextjs"), "{front}");
    assert_eq!(tech(&front, "react")["required"], 1, "{front}");

    // Filters: region, level, period (counted back from the newest month).
    let (_, seoul) = get_json(&app, &anon, "/api/v1/market/top?region=seoul").await;
    assert_eq!(seoul["total_postings"], 2, "{seoul}");
    let (_, last) = get_json(&app, &anon, "/api/v1/market/top?period=1").await;
    assert_eq!(last["total_postings"], 2, "February only: {last}");

    let (status, trends) = get_json(&app, &anon, "/api/v1/market/trends?category=backend").await;
    assert_eq!(status, 200, "{trends}");
    assert_eq!(trends["months"], json!([{ "key": "2026-01", "postings": 1 }, { "key": "2026-02", "postings": 1 }]));
    let rust = trends["series"].as_array().unwrap().iter().find(|s| s["tech_id"] == "rust").unwrap();
    assert_eq!(rust["points"][0]["postings"], 1);
    assert_eq!(rust["points"][1]["share"], 1.0);
}

async fn bad_queries_and_texts_get_clear_4xx(app: TestApp) {
    let anon = Jar::default();
    for (path, field) in [
        ("/api/v1/market/top?category=astrology", "category"),
        ("/api/v1/market/top?experience=wizard", "experience"),
        ("/api/v1/market/top?period=0", "period"),
        ("/api/v1/market/top?period=abc", "query"),
        ("/api/v1/market/top?region=%3Cscript%3E", "region"),
        ("/api/v1/market/trends?category=nope", "category"),
    ] {
        let (status, body) = get_json(&app, &anon, path).await;
        assert_eq!(status, 422, "{path}: {body}");
        assert_eq!(body["error"]["code"], "validation_failed", "{path}");
        assert!(body["error"]["fields"][field].is_string(), "{path}: {body}");
    }
    let (status, _) = get_json(&app, &anon, "/api/v1/me/market-fit?category=backend").await;
    assert_eq!(status, 401);

    let post = |body: Value| {
        let app = &app;
        async move { app.client.post(app.url("/api/v1/match")).json(&body).send().await.unwrap() }
    };
    let res = post(json!({ "text": "   " })).await;
    assert_eq!(res.status(), 422);
    let res = post(json!({ "text": "가".repeat(20_001) })).await;
    assert_eq!(res.status(), 422);
    assert!(res.json::<Value>().await.unwrap()["error"]["fields"]["text"].as_str().unwrap().contains("20000"));
    let res = post(json!({ "nope": 1 })).await;
    assert_eq!(res.status(), 422);
    let res = post(json!({ "text": "x".repeat(70 * 1024) })).await;
    assert_eq!(res.status(), 413, "larger than the JSON limit");
    // Signed out, a match still says what is asked, without coverage.
    let res = post(json!({ "text": "Backend Engineer\nRequirements: Rust, PostgreSQL" })).await;
    assert_eq!(res.status(), 200);
    let r = res.json::<Value>().await.unwrap();
    assert_eq!(r["signed_in"], false);
    assert!(r["coverage"].is_null());
    assert_eq!(r["technologies"][0]["proven"], Value::Null);
}

pub(crate) fn developer(id: u64, login: &str) -> Account {
    Account::new(id, login).with_repo(
        Repo::new("transit-api")
            .description("Realtime subway arrivals API")
            .language("Rust", 184_320)
            .file("Cargo.toml", "[package]\nname='t'\n[dependencies]\naxum='0.8'\ntokio='1'\n")
            .stars(12),
    )
}

async fn a_posting_matches_my_profile_with_receipts(app: TestApp) {
    let jar = signed_in_as(&app, developer(901, "matcher")).await;
    import(&app, &jar).await;
    let text =
        "백엔드 개발자 채용\n\n자격요건\n- Rust 3년 이상\n- PostgreSQL\n\n우대사항\n- Axum 사용 경험\n- Kubernetes";
    let res = post_json(&app, &jar, "/api/v1/match", &json!({ "text": text })).await;
    assert_eq!(res.status(), 200);
    let r = res.json::<Value>().await.unwrap();
    assert_eq!(r["signed_in"], true);
    assert_eq!(r["category"], "backend", "{r}");
    let asked = |id: &str| {
        r["technologies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tech_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {r}"))
    };
    let rust = asked("rust");
    assert_eq!((rust["requirement"].as_str(), rust["proven"].as_bool()), (Some("required"), Some(true)), "{r}");
    assert_eq!(rust["evidence"][0]["repository"], "matcher/transit-api");
    assert!(rust["evidence"][0]["url"].as_str().unwrap().ends_with("/matcher/transit-api"), "{rust}");
    assert_eq!(
        (asked("axum")["requirement"].as_str(), asked("axum")["proven"].as_bool()),
        (Some("preferred"), Some(true))
    );
    assert_eq!(asked("postgresql")["proven"], false);
    // Required first.
    assert_eq!(r["technologies"][0]["requirement"], "required");
    let c = &r["coverage"];
    // Rust (3) + Axum (2) of Rust 3, PostgreSQL 3, Axum 2, Kubernetes 2 = 5/10.
    assert_eq!((c["covered"].as_u64(), c["total"].as_u64(), c["score"].as_u64()), (Some(2), Some(4), Some(50)), "{r}");
    assert_eq!(c["missing"], json!(["PostgreSQL", "Kubernetes"]));

    // The page: a plain form post goes to the result's address, which holds
    // what was found and never the text.
    let res = app
        .client
        .post(app.url("/sfn/market/match"))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .header("accept", "text/html")
        .form(&[("text", text)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/market/match?t=") && to.contains("rust.r") && !to.contains("%EC%9E%90"), "{to}");
    let html = app.client.get(app.url(&to)).header("cookie", jar.header()).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"coverage\""), "{html}");
    assert!(
        html.contains("https://github.com/matcher/transit-api") || html.contains("/matcher/transit-api\""),
        "receipt link"
    );
}

async fn my_market_fit_has_three_groups(app: TestApp) {
    ingested(&app).await;
    let jar = signed_in_as(&app, developer(902, "fitter")).await;
    let (status, before) = get_json(&app, &jar, "/api/v1/me/market-fit?category=backend").await;
    assert_eq!(status, 200);
    assert_eq!(before["has_profile"], false);
    import(&app, &jar).await;
    let (status, fit) = get_json(&app, &jar, "/api/v1/me/market-fit?category=backend").await;
    assert_eq!(status, 200, "{fit}");
    let ids = |k: &str| {
        fit[k].as_array().unwrap().iter().map(|i| i["tech_id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(ids("proven_in_demand"), vec!["rust"], "{fit}");
    assert_eq!(fit["proven_in_demand"][0]["evidence"][0]["repository"], "fitter/transit-api");
    assert!(ids("to_learn").starts_with(&["postgresql".to_string()]), "{fit}");
    assert_eq!(fit["to_learn"][0]["postings"], 2);
    assert!(ids("proven_rare").contains(&"axum".to_string()), "{fit}");
    let html = app
        .client
        .get(app.url("/market/me?category=backend"))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"fit-lead\"") && html.contains("fitter/transit-api"), "{html}");
}

async fn posting_text_is_escaped_in_pages(app: TestApp) {
    let evil = "<script>alert(1)</script>";
    let text = [
        json!({ "title": format!("{evil} Backend Engineer"), "body": EN_BACKEND, "company": evil, "source": evil, "location": evil }),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let report = ingest_text(&app, text, Format::JsonLines).await;
    assert_eq!(report.new, 1, "{report}");
    let html = app.get("/market?category=backend").await.text().await.unwrap();
    assert!(html.contains("data-testid=\"market-chart\""), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the source is shown, escaped");
    assert!(!html.contains(evil), "never raw");
    let html = app.get("/market/match?t=%3Cscript%3E.r,rust.r&c=%3Cb%3E&l=x").await.text().await.unwrap();
    assert!(!html.contains("<script>alert") && !html.contains("<b>"), "unknown codes are dropped");
    assert!(html.contains("data-tech=\"rust\""), "{html}");
}

async fn csv_rows_are_ingested_like_json_lines(app: TestApp) {
    let csv = format!(
        "title,company,location,body,url,posted_at\n\
         Backend Engineer,Acme,Seoul,\"{}\",https://acme.example.com/1,2026-03-01\n\
         Frontend Engineer,Beta,Busan,\"{}\",,2026-03-02\n\
         No body,Gamma,Seoul,,,2026-03-03\n",
        EN_BACKEND.replace('"', "\"\""),
        EN_FRONTEND
    );
    let report = ingest_text(&app, csv, Format::Csv).await;
    assert_eq!((report.new, report.rejected), (2, 1), "{report}");
    assert_eq!(report.rejections[0].reason, "empty_body");
    let (_, top) = get_json(&app, &Jar::default(), "/api/v1/market/top?region=busan").await;
    assert_eq!(top["total_postings"], 1, "{top}");
}

db_tests!(industry_and_company_type_are_counted_where_stated);

async fn industry_and_company_type_are_counted_where_stated(app: TestApp) {
    let text = [
        line(
            "백엔드 개발자",
            "핀테크 스타트업에서 결제 서버를 만듭니다.\n자격요건\n- Rust",
            "페이랩",
            "서울",
            "https://jobs.example.kr/pay",
            "2026-03-02",
        ),
        line(
            "Backend Engineer",
            "We are a Series A fintech startup building payments APIs.\nRequirements: Go",
            "Payly",
            "Seoul",
            "https://payly.example.com/1",
            "2026-03-05",
        ),
        line(
            "Game Server Engineer",
            "A game studio in Pangyo.\nRequirements: C++",
            "Pixel",
            "Pangyo",
            "https://pixel.example.com/1",
            "2026-03-06",
        ),
        line(
            "Backend Engineer",
            "Requirements: Java, Spring",
            "Plain",
            "Seoul",
            "https://plain.example.com/1",
            "2026-03-07",
        ),
    ]
    .join("\n");
    let report = ingest_text(&app, text, Format::JsonLines).await;
    assert_eq!(report.new, 4, "{report}");
    let (status, top) = get_json(&app, &Jar::default(), "/api/v1/market/top").await;
    assert_eq!(status, 200);
    let count = |field: &str, key: &str| {
        top[field].as_array().unwrap().iter().find(|b| b["key"] == key).map_or(0, |b| b["postings"].as_i64().unwrap())
    };
    assert_eq!(
        (count("by_industry", "fintech"), count("by_industry", "games"), count("by_industry", "")),
        (2, 1, 1),
        "{top}"
    );
    assert_eq!((count("by_company_type", "startup"), count("by_company_type", "")), (2, 2), "{top}");
    let html = app.client.get(app.url("/market")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"market-industries\"") && html.contains("핀테크·금융"), "the page shows it");
}

db_tests!(a_batch_decides_like_one_posting_at_a_time, many_postings_are_stored_and_paired_exactly);

/// One batch (one transaction, read ahead): two postings, both edited at
/// their source, then the first one's old text under another company.
/// One at a time, the second edit is an update (its URL is held once the
/// first edit has been written), and the old text is new again (its
/// posting now has the edited text).
async fn a_batch_decides_like_one_posting_at_a_time(app: TestApp) {
    let text = [
        line("Backend Engineer", EN_BACKEND, "Acme", "Seoul", "https://acme.example.com/jobs/1", "2026-02-01"),
        line("Frontend Engineer", EN_FRONTEND, "Beta", "Seoul", "https://beta.example.com/jobs/2", "2026-02-02"),
        line(
            "Backend Engineer",
            &format!("{EN_BACKEND}\n- Redis"),
            "Acme",
            "Seoul",
            "https://acme.example.com/jobs/1",
            "2026-02-05",
        ),
        line(
            "Frontend Engineer",
            &format!("{EN_FRONTEND}\n- Next.js"),
            "Beta",
            "Seoul",
            "https://BETA.example.com/jobs/2/",
            "2026-02-06",
        ),
        line("Backend Engineer", EN_BACKEND, "Gamma", "Busan", "https://gamma.example.com/jobs/3", "2026-02-07"),
    ]
    .join("\n");
    let report = ingest_text(&app, text, Format::JsonLines).await;
    assert_eq!((report.read, report.new, report.updated, report.duplicates), (5, 3, 2, 0), "{report}");
    let (_, top) = get_json(&app, &Jar::default(), "/api/v1/market/top").await;
    assert_eq!(top["total_postings"], 3, "{top}");
    assert_eq!(tech(&top, "redis")["postings"], 1, "{top}");
    assert_eq!(tech(&top, "nextjs")["postings"], 1, "{top}");
    assert_eq!(tech(&top, "rust")["postings"], 2, "{top}");
}

const MANY_TECHS: [&str; 30] = [
    "Rust",
    "Go",
    "Java",
    "Python",
    "Kotlin",
    "Swift",
    "React",
    "Vue",
    "TypeScript",
    "Django",
    "PostgreSQL",
    "MySQL",
    "Redis",
    "Kafka",
    "Docker",
    "Kubernetes",
    "AWS",
    "Terraform",
    "Spark",
    "Spring",
    "GraphQL",
    "Elasticsearch",
    "Linux",
    "Scala",
    "Ruby",
    "PHP",
    "Flutter",
    "Angular",
    "MongoDB",
    "RabbitMQ",
];

/// 1,250 postings of 1,150 companies in one file: more than one batch and
/// more rows than one insert statement takes, with exact copies among
/// them. Each asks for a pseudo-random set of technologies: in Seoul the
/// first far more often than the last, in Busan all about as often (so
/// the pairs shown are not all among the most asked technologies). The
/// pairs shown, for both cities and for all, are the ten most frequent,
/// as counted here one posting at a time.
async fn many_postings_are_stored_and_paired_exactly(app: TestApp) {
    let mut seed: u64 = 7;
    let mut lines = Vec::new();
    for i in 0..1150u64 {
        let city = if i % 2 == 0 { "Seoul" } else { "Busan" };
        let mut asked = Vec::new();
        for (j, t) in MANY_TECHS.iter().enumerate() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let percent = if city == "Seoul" { 60 / (j as u64 / 3 + 1) + 3 } else { 30 };
            if (seed >> 33) % 100 < percent {
                asked.push(format!("- {t}"));
            }
        }
        let body = format!(
            "Company {i} builds its product number {i} with a small team.\n\nRequirements:\n{}",
            asked.join("\n")
        );
        let company = format!("Company {i}");
        let url = format!("https://jobs.example.com/{i}");
        lines.push(line(&format!("Backend Engineer {i}"), &body, &company, city, &url, "2026-03-01"));
    }
    let copies: Vec<String> = (0..100).map(|k| lines[k * 11].clone()).collect();
    lines.extend(copies);
    let report = ingest_text(&app, lines.join("\n"), Format::JsonLines).await;
    assert_eq!((report.read, report.new, report.updated, report.duplicates), (1250, 1150, 0, 100), "{report}");

    use sea_orm::ConnectionTrait;
    let db = &app.state.db;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id, technologies, region FROM postings",
        ))
        .await
        .unwrap();
    // Each posting's technologies, from the list its row keeps (`rust!
    // go? kafka`), counted here one posting at a time.
    let mut by_posting: std::collections::BTreeMap<i32, (String, Vec<String>)> = Default::default();
    for r in rows {
        let region: Option<String> = r.try_get("", "region").unwrap();
        let list: String = r.try_get("", "technologies").unwrap();
        let techs = list.split(' ').filter(|s| !s.is_empty()).map(|t| t.trim_end_matches(['!', '?']).to_string());
        by_posting.insert(r.try_get("", "id").unwrap(), (region.unwrap_or_default(), techs.collect()));
    }
    let expected = |region: Option<&str>| {
        let mut counts: std::collections::BTreeMap<(String, String), i64> = Default::default();
        for (r, techs) in by_posting.values() {
            if region.is_some_and(|want| want != r) {
                continue;
            }
            let mut techs = techs.clone();
            techs.sort();
            for (x, a) in techs.iter().enumerate() {
                for b in &techs[x + 1..] {
                    *counts.entry((a.clone(), b.clone())).or_default() += 1;
                }
            }
        }
        let mut pairs: Vec<((String, String), i64)> = counts.into_iter().filter(|(_, n)| *n >= 2).collect();
        pairs.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        pairs.truncate(10);
        pairs
    };
    for (region, total) in [(None, 1150), (Some("seoul"), 575), (Some("busan"), 575)] {
        let url = match region {
            Some(r) => format!("/api/v1/market/top?region={r}"),
            None => "/api/v1/market/top".to_string(),
        };
        let (status, top) = get_json(&app, &Jar::default(), &url).await;
        assert_eq!(status, 200);
        assert_eq!(top["total_postings"], total, "{url}: {top}");
        assert!(
            top["top"].as_array().unwrap().len() >= 20,
            "{url}: a market of many technologies, not only the pairs of the first twenty"
        );
        let shown: Vec<((String, String), i64)> = top["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let id = |k: &str| p[k].as_str().unwrap().to_string();
                ((id("a"), id("b")), p["postings"].as_i64().unwrap())
            })
            .collect();
        assert_eq!(shown, expected(region), "{url}");
    }
}

/// Postings stored before each row kept its list of technologies get the
/// list from `posting_technologies` when the schema is upgraded, so the
/// market's views count them as before; a downgrade fills the table again
/// from the lists (on SQLite and PostgreSQL).
async fn upgrade_gives_stored_postings_their_technology_list(url: String) {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database};
    let db = Database::connect(&url).await.expect("connect");
    Migrator::up(&db, Some(16)).await.expect("the schema before the list");
    for (id, hash) in [(1, "a"), (2, "b")] {
        db.execute_unprepared(&format!(
            "INSERT INTO postings (id, source, content_hash, simhash, title, company_key, location, remote, level, \
             employment_type, posted_month, posted_at, language, category, ingested_at, updated_at) VALUES \
             ({id}, 'fixture', '{hash}', 0, 'Backend', 'acme', 'Seoul', false, 'unknown', 'unknown', '2026-03', \
             '2026-03-01', 'en', 'backend', '2026-03-01 00:00:00+00:00', '2026-03-01 00:00:00+00:00')"
        ))
        .await
        .expect("a posting stored by the older schema");
    }
    db.execute_unprepared(
        "INSERT INTO posting_technologies (posting_id, tech_id, requirement) VALUES \
         (1, 'rust', 'required'), (1, 'kafka', 'preferred'), (1, 'go', 'mentioned')",
    )
    .await
    .expect("its technologies");
    Migrator::up(&db, None).await.expect("the upgrade");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id, technologies FROM postings ORDER BY id",
        ))
        .await
        .expect("read back");
    let lists: Vec<(i32, Vec<String>)> = rows
        .iter()
        .map(|r| {
            let mut items: Vec<String> =
                r.try_get::<String>("", "technologies").unwrap().split(' ').map(str::to_string).collect();
            items.sort();
            (r.try_get("", "id").unwrap(), items)
        })
        .collect();
    assert_eq!(
        lists,
        vec![(1, vec!["go".to_string(), "kafka?".into(), "rust!".into()]), (2, vec![String::new()])],
        "each posting's list, `!` required, `?` preferred; none for a posting without technologies"
    );

    // And back: the table again from the lists.
    Migrator::down(&db, Some(2)).await.expect("the downgrade (of this and the next step)");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT posting_id, tech_id, requirement FROM posting_technologies ORDER BY tech_id",
        ))
        .await
        .expect("the table is back");
    let back: Vec<(i32, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "posting_id").unwrap(),
                r.try_get("", "tech_id").unwrap(),
                r.try_get("", "requirement").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        back,
        vec![
            (1, "go".to_string(), "mentioned".to_string()),
            (1, "kafka".into(), "preferred".into()),
            (1, "rust".into(), "required".into())
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_gives_stored_postings_their_technology_list_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    upgrade_gives_stored_postings_their_technology_list(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("up.db").display()
    ))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_gives_stored_postings_their_technology_list_postgres() {
    if let Some(url) = crate::helpers::fresh_postgres_database().await {
        upgrade_gives_stored_postings_their_technology_list(url).await
    }
}
