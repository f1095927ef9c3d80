//! A résumé as a document its owner edits (the editor's API): versioned
//! saves with `If-Match` (a stale save is refused and loses nothing), the
//! history with coalesced saves, restore, rename, copy, delete, the
//! Markdown export, bad input, and another user's 404 on every route. On
//! SQLite and on PostgreSQL + Redis, with the deterministic writer.

use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, import, post, post_json, signed_in_as};
use crate::resumes::settled;
use serde_json::{json, Value};
use standins::github::fixtures::{Account, Repo};

db_tests!(
    saves_are_versioned_and_a_stale_save_is_refused,
    an_old_version_can_be_restored_and_history_stays_bounded_by_runs,
    bad_documents_are_refused_and_nothing_is_stored,
    copy_rename_and_delete,
    the_markdown_export_has_every_section_with_its_receipts,
    the_pdf_export_has_the_name_whole_korean_words_and_receipt_links,
    another_user_gets_404_on_every_route,
    a_json_resume_file_can_be_imported_and_bad_ones_store_nothing,
);

fn developer(id: u64, login: &str) -> Account {
    Account::new(id, login).with_repo(
        Repo::new("transit-api")
            .description("Realtime subway arrivals API")
            .language("Rust", 184_320)
            .file("Cargo.toml", "[package]\nname='t'\n[dependencies]\naxum='0.8'\ntokio='1'\n")
            .stars(12),
    )
}

/// A signed-in user with a written (deterministic) Korean résumé: its id.
pub(crate) async fn written(app: &TestApp, id: u64, login: &str) -> (Jar, String) {
    let jar = signed_in_as(app, developer(id, login)).await;
    import(app, &jar).await;
    let res = post_json(app, &jar, "/api/v1/resumes", &json!({ "language": "ko" })).await;
    assert_eq!(res.status(), 202, "{:?}", res.text().await);
    let resume = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = settled(app, &jar, &resume).await;
    assert_eq!(r["status"], "ready", "{r}");
    (jar, resume)
}

pub(crate) async fn put(app: &TestApp, jar: &Jar, id: &str, if_match: Option<&str>, body: &Value) -> reqwest::Response {
    let mut req = app
        .client
        .put(app.url(&format!("/api/v1/resumes/{id}")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .json(body);
    if let Some(v) = if_match {
        req = req.header("if-match", v);
    }
    req.send().await.unwrap()
}

async fn current(app: &TestApp, jar: &Jar, id: &str) -> Value {
    let (status, r) = get_json(app, jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(status, 200, "{r}");
    r
}

async fn saves_are_versioned_and_a_stale_save_is_refused(app: TestApp) {
    let (jar, id) = written(&app, 801, "editor").await;
    let res =
        app.client.get(app.url(&format!("/api/v1/resumes/{id}"))).header("cookie", jar.header()).send().await.unwrap();
    assert_eq!(res.headers()["etag"], "\"1\"", "a generation is version 1");
    let mut doc = res.json::<Value>().await.unwrap()["document"].clone();

    // Tab A edits the summary (Korean) from version 1.
    doc["basics"]["summary"] = json!("대중교통 도착 정보를 실시간으로 제공하는 API를 Rust로 만들었습니다.");
    let res = put(&app, &jar, &id, Some("\"1\""), &json!({ "document": doc })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let saved = res.json::<Value>().await.unwrap();
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["document"]["basics"]["summary"], doc["basics"]["summary"]);

    // Tab B still holds version 1: refused with the current version, nothing written.
    let mut stale = doc.clone();
    stale["basics"]["summary"] = json!("덮어쓰면 안 되는 내용");
    let res = put(&app, &jar, &id, Some("W/\"1\""), &json!({ "document": stale })).await;
    assert_eq!(res.status(), 412);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let body = res.json::<Value>().await.unwrap();
    assert_eq!(body["error"]["code"], "version_conflict");
    assert_eq!(body["error"]["fields"]["current_version"], "2");
    let now = current(&app, &jar, &id).await;
    assert_eq!(now["version"], 2);
    assert_eq!(now["document"]["basics"]["summary"], doc["basics"]["summary"], "the stale save lost nothing");

    // The version in the body works as well as If-Match; one of them is required.
    doc["basics"]["label"] = json!("백엔드 엔지니어");
    let res = put(&app, &jar, &id, None, &json!({ "document": doc, "version": 2 })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 3);
    let res = put(&app, &jar, &id, None, &json!({ "document": doc })).await;
    assert_eq!(res.status(), 422);

    // Two saves within minutes are one version in the history.
    let (status, list) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions")).await;
    assert_eq!(status, 200);
    let versions: Vec<(i64, &str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["reason"].as_str().unwrap(), v["current"].as_bool().unwrap()))
        .collect();
    assert_eq!(versions, vec![(3, "save", true), (1, "generation", false)]);

    // A résumé being written takes no saves (409), and loses nothing.
    use app::resume::ssr::entities::resume;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    resume::Entity::update(resume::ActiveModel {
        id: Set(id.clone()),
        job_id: Set(Some("in-flight".into())),
        ..Default::default()
    })
    .exec(&app.state.db)
    .await
    .unwrap();
    let res = put(&app, &jar, &id, Some("\"3\""), &json!({ "document": stale })).await;
    assert_eq!(res.status(), 409);
    assert_eq!(current(&app, &jar, &id).await["version"], 3);
}

async fn an_old_version_can_be_restored_and_history_stays_bounded_by_runs(app: TestApp) {
    let (jar, id) = written(&app, 802, "restorer").await;
    let original = current(&app, &jar, &id).await["document"].clone();
    let mut doc = original.clone();
    doc["basics"]["summary"] = json!("바뀐 소개");
    assert_eq!(put(&app, &jar, &id, Some("\"1\""), &json!({ "document": doc })).await.status(), 200);

    let (status, v1) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions/1")).await;
    assert_eq!(status, 200);
    assert_eq!(v1, original);
    assert_eq!(get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions/99")).await.0, 404);

    // Restoring with a stale If-Match is refused; without one it applies.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/resumes/{id}/versions/1/restore")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 412);
    let res = post(&app, &jar, &format!("/api/v1/resumes/{id}/versions/1/restore")).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let restored = res.json::<Value>().await.unwrap();
    assert_eq!(restored["version"], 3, "a restore is a new version");
    assert_eq!(restored["document"], original);
    let (_, list) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions")).await;
    let reasons: Vec<&str> = list.as_array().unwrap().iter().map(|v| v["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, vec!["restore", "save", "generation"]);

    // A rewrite by the writer is a version of its own.
    let res = post(&app, &jar, &format!("/api/v1/resumes/{id}/sections/summary/regenerate")).await;
    assert_eq!(res.status(), 202, "{:?}", res.text().await);
    let r = settled(&app, &jar, &id).await;
    assert_eq!(r["version"], 4);
    let (_, list) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions")).await;
    assert_eq!(list[0]["reason"], "rewrite");
    assert_eq!(list[0]["current"], true);
}

async fn bad_documents_are_refused_and_nothing_is_stored(app: TestApp) {
    let (jar, id) = written(&app, 803, "careful").await;
    let before = current(&app, &jar, &id).await;
    let send_raw = |body: String| {
        app.client
            .put(app.url(&format!("/api/v1/resumes/{id}")))
            .header("cookie", jar.header())
            .header("origin", &app.address)
            .header("content-type", "application/json")
            .header("if-match", "\"1\"")
            .body(body)
            .send()
    };
    // Not JSON, wrong types, invalid dates, deeply nested: 4xx in plain words.
    for (body, status) in [
        ("{\"document\": ".to_string(), 422),
        (json!({ "document": { "basics": "me" } }).to_string(), 422),
        (json!({ "document": [1, 2] }).to_string(), 422),
        (json!({ "document": { "work": [{ "name": "x", "startDate": "last spring" }] } }).to_string(), 422),
        (format!("{{\"document\": {}{}}}", "[".repeat(5000), "]".repeat(5000)), 422),
    ] {
        let res = send_raw(body.clone()).await.unwrap();
        assert_eq!(res.status(), status, "{}", &body[..body.len().min(80)]);
        let err = res.json::<Value>().await.unwrap();
        assert!(err["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{err}");
    }
    // Larger than the route's 512 KB: 413 before it is read.
    let big = json!({ "document": { "basics": { "summary": "가".repeat(200_000) } } }).to_string();
    assert_eq!(send_raw(big).await.unwrap().status(), 413);
    let after = current(&app, &jar, &id).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["document"], before["document"]);

    // Markup is kept as text: stored as written, escaped where shown.
    let mut doc = before["document"].clone();
    doc["basics"]["summary"] = json!("<script>alert(1)</script> & <b>굵게</b>");
    assert_eq!(put(&app, &jar, &id, Some("\"1\""), &json!({ "document": doc })).await.status(), 200);
    let page = app.client.get(app.url(&format!("/resumes/{id}"))).header("cookie", jar.header()).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "the page escapes it");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "and shows it as text");
}

async fn copy_rename_and_delete(app: TestApp) {
    let (jar, id) = written(&app, 804, "copier").await;
    let res = post(&app, &jar, &format!("/api/v1/resumes/{id}/duplicate")).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let copy = res.json::<Value>().await.unwrap();
    let copy_id = copy["id"].as_str().unwrap().to_string();
    assert_ne!(copy_id, id);
    assert_eq!(copy["version"], 1);
    assert_eq!(copy["title"], "(사본)");
    assert_eq!(copy["document"], current(&app, &jar, &id).await["document"]);
    assert_eq!(copy["llm_calls"], 0);

    let rename = |rid: String, title: Value| {
        app.client
            .patch(app.url(&format!("/api/v1/resumes/{rid}")))
            .header("cookie", jar.header())
            .header("origin", &app.address)
            .json(&json!({ "title": title }))
            .send()
    };
    let res = rename(copy_id.clone(), json!("  토스 백엔드 지원용  ")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["title"], "토스 백엔드 지원용");
    assert_eq!(rename(copy_id.clone(), json!("가".repeat(101))).await.unwrap().status(), 422);

    // Editing the copy leaves the original alone.
    let mut doc = copy["document"].clone();
    doc["basics"]["summary"] = json!("사본만 바뀝니다");
    assert_eq!(put(&app, &jar, &copy_id, Some("\"1\""), &json!({ "document": doc })).await.status(), 200);
    assert_ne!(current(&app, &jar, &id).await["document"]["basics"]["summary"], "사본만 바뀝니다");

    let res = app
        .client
        .delete(app.url(&format!("/api/v1/resumes/{copy_id}")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(get_json(&app, &jar, &format!("/api/v1/resumes/{copy_id}")).await.0, 404);
    assert_eq!(get_json(&app, &jar, &format!("/api/v1/resumes/{copy_id}/versions")).await.0, 404);
    assert_eq!(current(&app, &jar, &id).await["version"], 1, "the original stays");
}

async fn the_markdown_export_has_every_section_with_its_receipts(app: TestApp) {
    let (jar, id) = written(&app, 805, "marker").await;
    let res = app
        .client
        .get(app.url(&format!("/api/v1/resumes/{id}/export.md")))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/markdown; charset=utf-8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().ends_with(".md\""));
    let md = res.text().await.unwrap();
    let doc = current(&app, &jar, &id).await["document"].clone();
    assert!(md.starts_with(&format!("# {}\n", doc["basics"]["name"].as_str().unwrap())), "{md}");
    for heading in ["## 소개", "## 프로젝트", "## 기술"] {
        assert!(md.contains(heading), "{heading} in {md}");
    }
    assert!(md.contains("](<https://github.com/marker/transit-api>)"), "the repository receipt is a link: {md}");
}

/// `pdftotext` (poppler) of a PDF.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/setup --test installs it)");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// `pdfinfo` (poppler) of a PDF: its metadata.
fn pdf_info(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfinfo").arg(&path).output().expect("pdfinfo (poppler-utils)");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

async fn the_pdf_export_has_the_name_whole_korean_words_and_receipt_links(app: TestApp) {
    let (jar, id) = written(&app, 808, "printer").await;
    // A long Korean bullet, so lines wrap: no word may be split.
    let mut doc = current(&app, &jar, &id).await["document"].clone();
    let bullet = "실시간 지하철 도착 정보를 제공하는 공개 API를 설계하고 구현했으며 초당 삼천 건의 요청을 안정적으로 처리하도록 캐시와 연결 풀을 조정했습니다";
    doc["projects"][0]["highlights"][0] = json!(bullet);
    assert_eq!(put(&app, &jar, &id, Some("\"1\""), &json!({ "document": doc })).await.status(), 200);
    for theme in ["classic", "compact", "modern"] {
        let res = app
            .client
            .get(app.url(&format!("/api/v1/resumes/{id}/export.pdf?theme={theme}")))
            .header("cookie", jar.header())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{theme}");
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pdf = res.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_text(&pdf);
        assert!(text.contains(doc["basics"]["name"].as_str().unwrap()), "{theme}: the name in {text}");
        // Every word of the bullet comes out whole (lines break between words only).
        let words: Vec<&str> = text.split_whitespace().collect();
        for w in bullet.split_whitespace() {
            assert!(words.contains(&w), "{theme}: {w:?} split in: {text}");
        }
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("https://github.com/printer/transit-api"), "{theme}: the receipt is a link");
        let info = pdf_info(&pdf);
        let name = doc["basics"]["name"].as_str().unwrap();
        let field =
            |key: &str| info.lines().find_map(|l| l.strip_prefix(key)).map(str::trim).unwrap_or_default().to_string();
        assert_eq!(field("Title:"), name, "{theme}: {info}");
        assert_eq!(field("Author:"), name, "{theme}: {info}");
    }
    let res = app
        .client
        .get(app.url(&format!("/api/v1/resumes/{id}/export.pdf?theme=neon")))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

async fn another_user_gets_404_on_every_route(app: TestApp) {
    let (owner, id) = written(&app, 806, "owner").await;
    let before = current(&app, &owner, &id).await;
    let other = signed_in_as(&app, developer(807, "other")).await;
    let doc = json!({ "document": before["document"], "version": 1 });
    let base = format!("/api/v1/resumes/{id}");
    let send = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut req =
            app.client.request(method, app.url(&path)).header("cookie", other.header()).header("origin", &app.address);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };
    use reqwest::Method;
    for (method, path, body) in [
        (Method::GET, base.clone(), None),
        (Method::PUT, base.clone(), Some(doc.clone())),
        (Method::PATCH, base.clone(), Some(json!({ "title": "mine now" }))),
        (Method::DELETE, base.clone(), None),
        (Method::GET, format!("{base}/versions"), None),
        (Method::GET, format!("{base}/versions/1"), None),
        (Method::POST, format!("{base}/versions/1/restore"), None),
        (Method::POST, format!("{base}/duplicate"), None),
        (Method::GET, format!("{base}/export.json"), None),
        (Method::GET, format!("{base}/export.md"), None),
        (Method::GET, format!("{base}/export.pdf"), None),
    ] {
        let res = send(method.clone(), path.clone(), body).await.unwrap();
        assert_eq!(res.status(), 404, "{method} {path}");
    }
    let after = current(&app, &owner, &id).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["title"], Value::Null);
}

async fn a_json_resume_file_can_be_imported_and_bad_ones_store_nothing(app: TestApp) {
    let jar = signed_in_as(&app, developer(809, "importer")).await;
    let send = |body: String| {
        app.client
            .post(app.url("/api/v1/resumes/import"))
            .header("cookie", jar.header())
            .header("origin", &app.address)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let doc = json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": { "name": "이가져", "label": "프론트엔드 개발자", "email": "lee@example.com", "summary": "<img src=x onerror=alert(1)> 웹을 만듭니다." },
        "work": [{ "name": "카카오", "position": "개발자", "startDate": "2022-03", "highlights": ["검색 화면을 다시 만들었습니다"],
                   "url": "javascript:alert(1)",
                   "x-highlight-evidence": [[{ "label": "hostile", "url": "javascript:alert(2)" }]] }],
        "education": [{ "institution": "한빛대학교", "area": "컴퓨터공학", "studyType": "학사" }],
        "x-custom": { "kept": true }
    });
    let res = send(doc.to_string()).await.unwrap();
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let created = res.json::<Value>().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["writer"], "imported");
    assert_eq!(created["language"], "ko", "written in Hangul");
    assert_eq!(created["title"], "프론트엔드 개발자");
    assert_eq!(created["version"], 1);
    // Unknown fields come back in the export; nothing has receipts yet.
    let export = app
        .client
        .get(app.url(&format!("/api/v1/resumes/{id}/export.json")))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(export, doc);
    let (_, list) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/versions")).await;
    assert_eq!(list[0]["reason"], "import");
    // Shown as text, never run.
    let html = app
        .client
        .get(app.url(&format!("/resumes/{id}")))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<img src=x"), "escaped on the page");
    assert!(!html.contains("href=\"javascript:"), "a document's addresses link only over http(s)");
    assert!(html.contains("한빛대학교") && html.contains("컴퓨터공학"), "every section is shown");

    // Invalid ones: plain errors naming the field, nothing stored.
    let (_, before) = get_json(&app, &jar, "/api/v1/resumes").await;
    let res = send(json!({ "basics": { "email": 42 } }).to_string()).await.unwrap();
    assert_eq!(res.status(), 422);
    let err = res.json::<Value>().await.unwrap();
    let fields = err["error"]["fields"].as_object().unwrap();
    assert!(fields.values().any(|m| m.as_str().unwrap().contains("/basics/email")), "{err}");
    assert_eq!(send("not json".into()).await.unwrap().status(), 422);
    assert_eq!(send(json!(["a list"]).to_string()).await.unwrap().status(), 422);
    let big = json!({ "basics": { "summary": "a".repeat(600 * 1024) } }).to_string();
    assert_eq!(send(big).await.unwrap().status(), 413);
    let (_, after) = get_json(&app, &jar, "/api/v1/resumes").await;
    assert_eq!(after.as_array().unwrap().len(), before.as_array().unwrap().len());
}
