//! Rewriting one bullet (rules without a model; a model held to the
//! bullet's receipts and the daily quota), accepting a rewrite as a version
//! of its own, a version compared with the current one, and hidden
//! sections and themes reaching the page and the exports. On SQLite and on
//! PostgreSQL + Redis.

use crate::editing::{put, written};
use crate::helpers::{Backend, Jar, TestApp};
use crate::imports::{get_json, import, post_json, signed_in_as};
use crate::resumes::{settled, with_llm};
use serde_json::{json, Value};
use standins::github::fixtures::{Account, Repo};
use standins::llm::{LlmStandIn, Reply};

db_tests!(
    rules_rewrite_a_bullet_honestly_and_an_accepted_rewrite_is_a_version_of_its_own,
    a_rewrite_request_for_what_is_not_there_is_refused,
    a_version_is_compared_with_the_current_one_line_by_line,
    hidden_sections_and_the_theme_reach_the_page_and_the_exports,
    a_plain_section_form_saves_merges_by_section_and_never_loses_typed_text,
    a_long_korean_resume_saves_through_the_editors_endpoint,
);

const WORDY: &str = "Successfully worked on the subway arrivals service in order to serve riders";

/// Put `text` as the first project's first bullet (its receipts kept).
async fn with_bullet(app: &TestApp, jar: &Jar, id: &str, text: &str) -> (Value, i64) {
    let (_, r) = get_json(app, jar, &format!("/api/v1/resumes/{id}")).await;
    let mut doc = r["document"].clone();
    assert!(doc["projects"][0]["x-highlight-evidence"][0].as_array().is_some_and(|e| !e.is_empty()), "{doc}");
    doc["projects"][0]["highlights"][0] = json!(text);
    let v = r["version"].as_i64().unwrap();
    let res = put(app, jar, id, Some(&format!("\"{v}\"")), &json!({ "document": doc })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    (doc, v + 1)
}

async fn rewrite(app: &TestApp, jar: &Jar, id: &str, mode: &str) -> (u16, Value) {
    let body = json!({ "section": "projects", "item": 0, "bullet": 0, "mode": mode });
    let res = post_json(app, jar, &format!("/api/v1/resumes/{id}/bullets/rewrite"), &body).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn rules_rewrite_a_bullet_honestly_and_an_accepted_rewrite_is_a_version_of_its_own(app: TestApp) {
    let (jar, id) = written(&app, 901, "rewriter").await;
    let (mut doc, version) = with_bullet(&app, &jar, &id, WORDY).await;

    let (status, p) = rewrite(&app, &jar, &id, "shorter").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["writer"], "rules");
    assert_eq!(p["original"], WORDY);
    assert_eq!(p["text"], "Worked on the subway arrivals service to serve riders");
    let removed: Vec<&str> =
        p["diff"].as_array().unwrap().iter().filter(|d| d["op"] == "del").filter_map(|d| d["text"].as_str()).collect();
    assert!(
        removed.iter().any(|t| t.contains("Successfully")) && removed.iter().any(|t| t.contains("in order")),
        "{p}"
    );

    let (_, p) = rewrite(&app, &jar, &id, "stronger").await;
    assert_eq!(p["text"], "Developed the subway arrivals service in order to serve riders", "{p}");
    let (status, p) = rewrite(&app, &jar, &id, "specific").await;
    assert_eq!(status, 200, "{p}");
    assert!(p["text"].as_str().unwrap().ends_with("(rewriter/transit-api)"), "the receipt's repository is named: {p}");
    let (status, p) = rewrite(&app, &jar, &id, "translate").await;
    assert_eq!(status, 422, "{p}");
    assert!(p["error"]["fields"]["mode"].as_str().unwrap().starts_with("needs_llm"), "{p}");

    // A proposal changes nothing until it is saved.
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(r["document"]["projects"][0]["highlights"][0], WORDY);
    assert_eq!(r["version"], version);

    // Accepted: saved with reason `rewrite`, right after a save, and still
    // a version of its own (saves close together are coalesced; this is not).
    doc["projects"][0]["highlights"][0] = json!("Worked on the subway arrivals service to serve riders");
    let res = put(&app, &jar, &id, None, &json!({ "document": doc, "version": version, "reason": "rewrite" })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let saved = res.json::<Value>().await.unwrap();
    assert_eq!(
        saved["document"]["projects"][0]["x-highlight-evidence"][0], doc["projects"][0]["x-highlight-evidence"][0],
        "the receipts stay"
    );
    let (_, versions) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions")).await;
    let reasons: Vec<&str> = versions.as_array().unwrap().iter().map(|v| v["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["rewrite", "save", "generation"], "{versions}");
    let res = put(&app, &jar, &id, None, &json!({ "document": doc, "version": version + 1, "reason": "shout" })).await;
    assert_eq!(res.status(), 422);
}

async fn a_rewrite_request_for_what_is_not_there_is_refused(app: TestApp) {
    let (jar, id) = written(&app, 902, "rewriter2").await;
    let path = format!("/api/v1/resumes/{id}/bullets/rewrite");
    for (body, field) in [
        (json!({ "section": "basics", "item": 0, "bullet": 0, "mode": "shorter" }), "section"),
        (json!({ "section": "projects", "item": 0, "bullet": 99, "mode": "shorter" }), "bullet"),
        (
            json!({ "section": "projects", "item": 0, "bullet": 0, "mode": "shorter", "text": "가".repeat(1001) }),
            "text",
        ),
        (json!({ "section": "projects", "item": 0, "bullet": 0, "mode": "louder" }), "body"),
    ] {
        let res = post_json(&app, &jar, &path, &body).await;
        assert_eq!(res.status(), 422, "{body}");
        let e = res.json::<Value>().await.unwrap();
        assert!(e["error"]["fields"][field].is_string(), "{body} → {e}");
    }
    // Someone else's résumé does not exist for them.
    let other = signed_in_as(&app, Account::new(903, "stranger")).await;
    let body = json!({ "section": "projects", "item": 0, "bullet": 0, "mode": "shorter", "text": WORDY });
    let res = post_json(&app, &other, &path, &body).await;
    assert_eq!(res.status(), 404);
    let (status, _) = get_json(&app, &other, &format!("/api/v1/resumes/{id}/versions/1/diff")).await;
    assert_eq!(status, 404);
}

async fn a_version_is_compared_with_the_current_one_line_by_line(app: TestApp) {
    let (jar, id) = written(&app, 904, "differ").await;
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    let old_summary = r["document"]["basics"]["summary"].as_str().unwrap().to_string();
    let mut doc = r["document"].clone();
    doc["basics"]["summary"] = json!("지하철 도착 정보를 <b>실시간</b>으로 알려 주는 API를 만들었습니다.");
    let res = put(&app, &jar, &id, Some("\"1\""), &json!({ "document": doc })).await;
    assert_eq!(res.status(), 200);

    let (status, d) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions/1/diff")).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!((d["version"].as_i64(), d["current"].as_i64()), (Some(1), Some(2)));
    let lines = d["lines"].as_array().unwrap();
    let of = |op: &str| {
        lines
            .iter()
            .filter(|l| l["op"] == op)
            .map(|l| l["text"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(of("del").contains(&old_summary), "{d}");
    assert!(of("add").contains("실시간") && !of("add").contains(&old_summary), "{d}");
    assert!(of("same").contains("transit-api"), "unchanged lines are there too: {d}");

    // The page shows it, escaped.
    let html = app
        .client
        .get(app.url(&format!("/resumes/{id}/versions/1")))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"version-diff\""), "{html}");
    assert!(html.contains("&lt;b&gt;실시간") || html.contains("\\&lt;b\\&gt;"), "escaped: {html}");
    assert!(!html.contains("<b>실시간"), "never as markup");
    let (status, _) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions/77/diff")).await;
    assert_eq!(status, 404);
}

async fn hidden_sections_and_the_theme_reach_the_page_and_the_exports(app: TestApp) {
    let (jar, id) = written(&app, 905, "hider").await;
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    let mut doc = r["document"].clone();
    assert!(doc["skills"].as_array().is_some_and(|s| !s.is_empty()));
    doc["meta"]["x-proofolio"]["hidden"] = json!(["skills", "summary"]);
    doc["meta"]["x-proofolio"]["theme"] = json!("modern");
    let res = put(&app, &jar, &id, Some("\"1\""), &json!({ "document": doc })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);

    let page = |path: String| {
        let (app, jar) = (&app, &jar);
        async move { app.client.get(app.url(&path)).header("cookie", jar.header()).send().await.unwrap() }
    };
    let html = page(format!("/resumes/{id}")).await.text().await.unwrap();
    assert!(html.contains("resume theme-modern"), "the page wears the theme");
    assert!(!html.contains("data-testid=\"section-skills\"") && !html.contains("data-testid=\"section-summary\""));
    assert!(html.contains("data-testid=\"section-projects\""));
    assert!(html.contains("<option value=\"modern\" selected"), "the PDF form offers the résumé's theme first");

    let md = page(format!("/api/v1/resumes/{id}/export.md")).await.text().await.unwrap();
    assert!(!md.contains("## 기술") && !md.contains(doc["basics"]["summary"].as_str().unwrap()), "{md}");
    assert!(md.contains("## 프로젝트"), "{md}");
    // The JSON export keeps everything, the hidden list included.
    let (_, json_doc) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/export.json")).await;
    assert_eq!(json_doc["skills"], doc["skills"]);
    assert_eq!(json_doc["meta"]["x-proofolio"]["hidden"], json!(["skills", "summary"]));

    let pdf = page(format!("/api/v1/resumes/{id}/export.pdf")).await;
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.unwrap();
    let text = crate::editing::pdf_text(&bytes);
    let group = doc["skills"][0]["name"].as_str().unwrap();
    assert!(!text.lines().any(|l| l.trim() == "기술") && !text.contains(group), "no skills heading or group: {text}");
    assert!(text.lines().any(|l| l.trim() == "프로젝트"), "{text}");
    assert!(text.contains("transit-api"), "{text}");
}

fn developer(id: u64, login: &str) -> Account {
    Account::new(id, login).with_repo(
        Repo::new("transit-api")
            .description("Realtime subway arrivals API")
            .language("Rust", 184_320)
            .file("Cargo.toml", "[package]\nname='t'\n[dependencies]\naxum='0.8'\n")
            .stars(12),
    )
}

async fn written_by_llm(app: &TestApp, id: u64, login: &str) -> (Jar, String) {
    let jar = signed_in_as(app, developer(id, login)).await;
    import(app, &jar).await;
    let res = post_json(app, &jar, "/api/v1/resumes", &json!({ "language": "en" })).await;
    assert_eq!(res.status(), 202);
    let resume = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(settled(app, &jar, &resume).await["status"], "ready");
    (jar, resume)
}

async fn a_model_rewrite_rests_on_the_receipts_alone_and_counts_against_the_quota(app: TestApp, llm: LlmStandIn) {
    let (jar, id) = written_by_llm(&app, 906, "modeller").await;
    let (_, _) = with_bullet(&app, &jar, &id, WORDY).await;
    let calls = llm.requests().len();

    llm.script([Reply::Text(r#"{"text": "Built the realtime subway arrivals API in Rust"}"#.into())]);
    let (status, p) = rewrite(&app, &jar, &id, "specific").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(
        (p["writer"].as_str(), p["text"].as_str()),
        (Some("llm"), Some("Built the realtime subway arrivals API in Rust"))
    );
    let req = &llm.requests()[calls];
    let user = req["messages"][1]["content"].as_str().unwrap();
    assert!(user.starts_with(&format!("BULLET:\n{WORDY}")), "{user}");
    assert!(
        user.contains("Realtime subway arrivals API") && user.contains("modeller/transit-api"),
        "the receipt's facts: {user}"
    );
    assert!(req["response_format"]["json_schema"]["schema"]["required"] == json!(["text"]));

    // A proposal naming a number the receipts do not hold is dropped.
    llm.script([Reply::Text(r#"{"text": "Served 40,000 riders a day with the arrivals API"}"#.into())]);
    let (status, p) = rewrite(&app, &jar, &id, "stronger").await;
    assert_eq!(status, 422, "{p}");
    assert!(p["error"]["fields"]["text"].as_str().unwrap().contains("40000"), "{p}");
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(r["document"]["projects"][0]["highlights"][0], WORDY, "nothing changed");

    // The quota: 3 a day here — the generation and the two rewrites.
    let (status, p) = rewrite(&app, &jar, &id, "shorter").await;
    assert_eq!(status, 429, "{p}");
}

mod model {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let (app, llm) = with_llm(Backend::Sqlite, |s| s.llm.daily_limit = 3).await.unwrap();
        a_model_rewrite_rests_on_the_receipts_alone_and_counts_against_the_quota(app, llm).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some((app, llm)) = with_llm(Backend::Postgres, |s| s.llm.daily_limit = 3).await {
            a_model_rewrite_rests_on_the_receipts_alone_and_counts_against_the_quota(app, llm).await
        }
    }
}

async fn form(app: &TestApp, jar: &Jar, id: &str, section: &str, pairs: &[(&str, String)]) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/resumes/{id}/sections/{section}")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .form(pairs)
        .send()
        .await
        .unwrap()
}

async fn a_plain_section_form_saves_merges_by_section_and_never_loses_typed_text(app: TestApp) {
    let (jar, id) = written(&app, 907, "plainform").await;
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    let doc = r["document"].clone();
    let fp = |d: &Value, k: &str| app::resume::types::section_fingerprint(d, k);
    let (projects_fp, basics_fp) = (fp(&doc, "projects"), fp(&doc, "basics"));

    // The projects form, drawn at version 1: the first line edited, a line added.
    let res = form(
        &app,
        &jar,
        &id,
        "projects",
        &[
            ("version", "1".into()),
            ("base", projects_fp.clone()),
            ("projects.0.highlights.0", "손으로 고친 줄".into()),
            ("projects.0.highlights.9", "".into()),
            ("projects.0.highlights.1", "A line added by a plain form".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    assert_eq!(res.headers()["location"], format!("/resumes/{id}/edit#edit-projects"));
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(r["version"], 2);
    let p = &r["document"]["projects"][0];
    assert_eq!(p["highlights"][0], "손으로 고친 줄");
    assert_eq!(
        p["x-highlight-evidence"][0], doc["projects"][0]["x-highlight-evidence"][0],
        "the receipt stays with the edited line"
    );

    // The basics form was drawn at version 1 too; projects changed since but
    // basics did not, so it is applied over version 2 (merge by section).
    let res = form(
        &app,
        &jar,
        &id,
        "basics",
        &[
            ("version", "1".into()),
            ("base", basics_fp.clone()),
            ("basics.name", "김옥토".into()),
            ("basics.summary", "요약을 고쳤습니다".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(
        (r["version"].as_i64(), r["document"]["basics"]["summary"].as_str()),
        (Some(3), Some("요약을 고쳤습니다"))
    );
    assert_eq!(r["document"]["projects"][0]["highlights"][0], "손으로 고친 줄", "the other section's change stays");

    // Another stale projects form: this section did change since, so
    // nothing is saved and the answer shows what was typed, escaped.
    let res = form(
        &app,
        &jar,
        &id,
        "projects",
        &[
            ("version", "1".into()),
            ("base", projects_fp),
            ("projects.0.highlights.0", "<script>alert(1)</script> 늦게 보낸 줄".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), 409);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; 늦게 보낸 줄") && !html.contains("<script>alert"),
        "{html}"
    );
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(r["version"], 3, "nothing saved");

    // Bad input: a field outside the section, an unknown section, another
    // user's résumé, a cross-site post.
    let res = form(&app, &jar, &id, "projects", &[("version", "3".into()), ("basics.name", "x".into())]).await;
    assert_eq!(res.status(), 422);
    let res = form(&app, &jar, &id, "meta", &[("version", "3".into())]).await;
    assert_eq!(res.status(), 404);
    let other = signed_in_as(&app, Account::new(908, "intruder")).await;
    let res = form(&app, &other, &id, "basics", &[("version", "3".into()), ("basics.name", "pwned".into())]).await;
    assert_eq!(res.status(), 404);
    let res = app
        .client
        .post(app.url(&format!("/resumes/{id}/sections/basics")))
        .header("cookie", jar.header())
        .header("origin", "https://evil.example")
        .form(&[("version", "3"), ("basics.name", "pwned")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(r["document"]["basics"]["name"], "김옥토");
}

async fn a_long_korean_resume_saves_through_the_editors_endpoint(app: TestApp) {
    let (jar, id) = written(&app, 909, "longform").await;
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    let mut doc = r["document"].clone();
    // 60 bullets of Korean: about 150 KB once URL-encoded, as the editor sends it.
    let line = "실시간 지하철 도착 정보를 제공하는 API를 설계하고 운영하며 장애 대응 절차를 문서화했습니다";
    doc["projects"][0]["highlights"] = Value::Array((0..60).map(|k| json!(format!("{line} ({k})"))).collect());
    doc["projects"][0]["x-highlight-evidence"] = Value::Array((0..60).map(|_| json!([])).collect());
    let body = doc.to_string();
    // As the editor saves: the server function, form-encoded, from version 1.
    let save_from_v1 = || {
        app.client
            .post(app.url("/sfn/resumes/save"))
            .header("cookie", jar.header())
            .header("origin", &app.address)
            .form(&[("id", id.as_str()), ("version", "1"), ("document", body.as_str()), ("rewrite", "false")])
            .send()
    };
    let res = save_from_v1().await.unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(res.text().await.unwrap().trim(), "2");
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(r["document"]["projects"][0]["highlights"][59], format!("{line} (59)"));

    // The same save again, from the old version: a conflict the page can
    // act on (409 with the current version), not a server failure.
    let res = save_from_v1().await.unwrap();
    assert_eq!(res.status(), 409);
    let text = res.text().await.unwrap();
    assert!(text.contains("version_conflict") && text.contains('2'), "{text}");
}
