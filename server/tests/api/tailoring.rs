//! Aiming a résumé at the market: "tailor a copy" for a pasted posting
//! (API and the match page's form) and "lead with these" for a category's
//! proven demand. Only the order changes, every line keeps its receipts,
//! the original is untouched, and nobody tailors another's résumé. With
//! the deterministic writer (no language model), on both backends.

use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, import, post_json, signed_in_as};
use crate::market::{developer, ingested};
use serde_json::{json, Value};
use standins::github::fixtures::Account;

db_tests!(a_tailored_copy_leads_with_what_the_posting_asks, lead_with_puts_proven_demand_first_in_place);

/// A résumé in the order a frontend developer would write it, with a
/// backend project whose lines carry receipts.
fn document() -> Value {
    json!({
        "basics": { "name": "김옥토", "label": "웹 개발자", "summary": "웹 서비스를 만듭니다." },
        "skills": [
            { "name": "Frontend", "keywords": ["CSS", "React"] },
            { "name": "Backend", "keywords": ["Django", "Rust", "Kubernetes"] }
        ],
        "projects": [
            { "name": "blog", "highlights": ["React로 개인 블로그를 만들었습니다"],
              "x-highlight-evidence": [[{ "kind": "repository", "label": "okto/blog", "url": "https://github.com/okto/blog" }]] },
            { "name": "transit-api",
              "highlights": ["CSS를 정리했습니다", "Rust와 axum으로 도착 정보 API를 만들었습니다", "쿠버네티스에 배포했습니다"],
              "x-highlight-evidence": [
                  [{ "kind": "repository", "label": "okto/css", "url": "https://github.com/okto/css" }],
                  [{ "kind": "repository", "label": "okto/transit-api", "url": "https://github.com/okto/transit-api" }],
                  [{ "kind": "repository", "label": "okto/deploy", "url": "https://github.com/okto/deploy" }]
              ] }
        ]
    })
}

async fn imported(app: &TestApp, jar: &Jar) -> String {
    let res = post_json(app, jar, "/api/v1/resumes/import", &document()).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

const POSTING: &str = "백엔드 개발자 채용\n\n자격요건\n- Rust 3년 이상\n\n우대사항\n- 쿠버네티스(k8s) 운영 경험";

async fn a_tailored_copy_leads_with_what_the_posting_asks(app: TestApp) {
    let jar = signed_in_as(&app, Account::new(1201, "tailor")).await;
    let id = imported(&app, &jar).await;

    let res = post_json(&app, &jar, &format!("/api/v1/resumes/{id}/tailor"), &json!({ "text": POSTING })).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let t = res.json::<Value>().await.unwrap();
    assert_eq!((t["writer"].as_str(), t["version"].as_i64()), (Some("rules"), Some(1)), "{t}");
    assert_eq!(t["matched"], json!(["Rust", "Kubernetes"]), "{t}");
    let copy = t["id"].as_str().unwrap().to_string();
    assert_ne!(copy, id);

    let (status, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{copy}")).await;
    assert_eq!(status, 200);
    assert!(r["title"].as_str().unwrap().contains("백엔드"), "the copy says what it is for: {}", r["title"]);
    let doc = &r["document"];
    assert_eq!(doc["skills"][0]["name"], "Backend");
    assert_eq!(doc["skills"][0]["keywords"], json!(["Rust", "Kubernetes", "Django"]));
    let p = &doc["projects"][0];
    assert_eq!(p["name"], "transit-api");
    assert_eq!(p["highlights"][0], "Rust와 axum으로 도착 정보 API를 만들었습니다");
    // Each line took its receipts along.
    assert_eq!(p["x-highlight-evidence"][0][0]["label"], "okto/transit-api");
    assert_eq!(p["x-highlight-evidence"][1][0]["label"], "okto/deploy");
    assert_eq!(p["x-highlight-evidence"][2][0]["label"], "okto/css");
    assert_eq!(doc["basics"], document()["basics"], "without a model the summary stays the résumé's own");
    // History says why the copy exists; the original is untouched.
    let (_, versions) = get_json(&app, &jar, &format!("/api/v1/resumes/{copy}/versions")).await;
    assert_eq!(versions[0]["reason"], "tailor", "{versions}");
    let (_, original) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(original["document"]["skills"][0]["name"], "Frontend");

    // The match page's form does the same and opens the copy.
    let res = app
        .client
        .post(app.url("/sfn/market/tailor"))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .header("accept", "text/html")
        .form(&[("resume_id", id.as_str()), ("asked", "rust.r,kubernetes.p"), ("category", "backend")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/resumes/") && !to.ends_with(&id), "{to}");
    let (_, formed) = get_json(&app, &jar, &format!("/api/v1{to}")).await;
    assert_eq!(formed["document"]["skills"][0]["name"], "Backend", "{formed}");

    // Nothing asked, nothing to aim at; someone else's résumé is not found.
    let res = post_json(
        &app,
        &jar,
        &format!("/api/v1/resumes/{id}/tailor"),
        &json!({ "text": "함께 성장할 동료를 찾습니다" }),
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = post_json(&app, &jar, &format!("/api/v1/resumes/{id}/tailor"), &json!({ "text": "" })).await;
    assert_eq!(res.status(), 422);
    let stranger = signed_in_as(&app, Account::new(1202, "stranger")).await;
    let res = post_json(&app, &stranger, &format!("/api/v1/resumes/{id}/tailor"), &json!({ "text": POSTING })).await;
    assert_eq!(res.status(), 404);
    let res = app
        .client
        .post(app.url(&format!("/api/v1/resumes/{id}/tailor")))
        .json(&json!({ "text": POSTING }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (_, list) = get_json(&app, &jar, "/api/v1/resumes").await;
    assert_eq!(list.as_array().map(Vec::len), Some(3), "the original and two copies, nothing else: {list}");
}

async fn lead_with_puts_proven_demand_first_in_place(app: TestApp) {
    ingested(&app).await;
    let jar = signed_in_as(&app, developer(1211, "leader")).await;
    let res = post_json(&app, &jar, "/api/v1/resumes/import", &document()).await;
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    // No skill profile yet: nothing is proven.
    let res =
        post_json(&app, &jar, &format!("/api/v1/resumes/{id}/lead-with"), &json!({ "category": "backend" })).await;
    assert_eq!(res.status(), 422, "{:?}", res.text().await);

    import(&app, &jar).await;
    let (_, fit) = get_json(&app, &jar, "/api/v1/me/market-fit?category=backend").await;
    assert_eq!(fit["proven_in_demand"][0]["tech_id"], "rust", "{fit}");
    let res =
        post_json(&app, &jar, &format!("/api/v1/resumes/{id}/lead-with"), &json!({ "category": "backend" })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let t = res.json::<Value>().await.unwrap();
    assert_eq!((t["id"].as_str(), t["version"].as_i64()), (Some(id.as_str()), Some(2)), "{t}");
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    assert_eq!(r["document"]["skills"][0]["name"], "Backend", "{r}");
    assert_eq!(r["document"]["skills"][0]["keywords"][0], "Rust");

    for (body, status) in [(json!({ "category": "astrology" }), 422), (json!({}), 422)] {
        let res = post_json(&app, &jar, &format!("/api/v1/resumes/{id}/lead-with"), &body).await;
        assert_eq!(res.status(), status, "{body}");
    }
    let stranger = signed_in_as(&app, Account::new(1212, "stranger2")).await;
    let res =
        post_json(&app, &stranger, &format!("/api/v1/resumes/{id}/lead-with"), &json!({ "category": "backend" })).await;
    assert_eq!(res.status(), 404);
}
