//! Properties of import and save over arbitrary JSON: whatever a client
//! sends (any type in any field, unknown fields, Korean text, control
//! characters, long strings, deep nesting), the server never fails with a
//! 5xx. It either takes the document, and then the export gives it back
//! (unknown fields kept; the same JSON, though PostgreSQL re-orders fields
//! and re-writes numbers) and it is valid JSON Resume, or it answers 422
//! naming the field(s) at fault and keeps nothing; 413 only for a body
//! over the 512 KB limit. Import and save agree with each other and with
//! `document::validate`. On SQLite and on PostgreSQL (where a NUL
//! character, which the schema allows, used to fail as a 500).

use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, signed_in_as};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};
use standins::github::fixtures::Account;

db_tests!(import_and_save_take_valid_documents_whole_and_refuse_the_rest_by_field);

/// Cases per run: each is an import, a save and up to two exports.
const CASES: u32 = 64;
/// What the server accepts in one body (`server::middleware::body_limit`).
const BODY_LIMIT: usize = 512 * 1024;
/// serde_json's nesting limit: a body nested this deep is not read at all.
const MAX_DEPTH: usize = 128;

/// JSON Resume's own field names (so generated objects hit the schema),
/// and a few that are not (with the empty key, added in [`key`]).
const KEYS: &str = "basics name label email phone url summary location city countryCode profiles network username \
    work position startDate endDate highlights projects description keywords skills level education institution \
    area studyType courses languages language fluency awards date certificates publications releaseDate meta \
    version lastModified x-evidence x-highlight-evidence x-proofolio $schema __proto__ 이름";

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[가-힣a-zA-Z0-9 .,·()@:/#-]{0,40}",
        2 => any::<String>(),
        1 => "[\\x00-\\x1f\\x7f\u{2028}\u{fffd}\u{1F600}가\"\\\\]{1,8}",
        1 => (1usize..30_000).prop_map(|n| "가나다".repeat(n / 3 + 1)),
        1 => "(https?|javascript|mailto|ftp):(//)?[a-z.가-힣]{0,20}(/[a-z0-9]{0,10})?",
        1 => "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?",
        1 => "[a-z0-9.]{1,10}@[a-z가-힣]{1,10}\\.[a-z]{2,3}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        text().prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    let known: Vec<String> = KEYS.split_whitespace().map(String::from).chain([String::new()]).collect();
    prop_oneof![3 => prop::sample::select(known), 1 => "x-[a-z]{1,8}", 1 => text()]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A valid JSON Resume document with every section, receipts and unknown
/// fields: what the mutations below start from.
fn base() -> Value {
    let receipt = json!({ "kind": "repository", "label": "octocat/transit-api", "url": "https://github.com/octocat/transit-api" });
    json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": {
            "name": "김옥토", "label": "백엔드 엔지니어", "email": "octo@example.com", "phone": "010-1234-5678",
            "url": "https://octo.example.com", "summary": "Rust로 API를 만듭니다.",
            "location": { "city": "서울", "countryCode": "KR" },
            "profiles": [{ "network": "GitHub", "username": "octocat", "url": "https://github.com/octocat" }]
        },
        "work": [{ "name": "서울교통", "position": "엔지니어", "url": "https://transit.example.com", "startDate": "2021-03",
                   "endDate": "2024-01", "summary": "도착 정보 API", "highlights": ["p99 지연 시간을 38ms로 줄였습니다"],
                   "x-evidence": [receipt.clone()], "x-highlight-evidence": [[receipt.clone()]] }],
        "projects": [{ "name": "transit-api", "description": "실시간 API", "url": "https://github.com/octocat/transit-api",
                       "keywords": ["Rust"], "highlights": ["초당 3,000건"], "x-evidence": [receipt.clone()] }],
        "skills": [{ "name": "언어", "level": "상", "keywords": ["Rust", "Go"], "x-evidence": [receipt] }],
        "education": [{ "institution": "한빛대학교", "area": "컴퓨터공학", "studyType": "학사", "startDate": "2010-03", "courses": ["운영체제"] }],
        "awards": [{ "title": "대상", "date": "2019-11", "awarder": "행정안전부" }],
        "languages": [{ "language": "한국어", "fluency": "모국어" }],
        "meta": { "version": "v1.0.0", "lastModified": "2026-11-20T10:00:00", "x-proofolio": { "language": "ko", "writer": "imported" } },
        "x-custom": { "kept": [1, 2.5, "셋"] }
    })
}

/// Every place in [`base`] a mutation may put something else.
const POINTERS: &str = "/basics /basics/name /basics/email /basics/url /basics/location /basics/location/countryCode \
    /basics/profiles /basics/profiles/0 /basics/profiles/0/url /work /work/0 /work/0/startDate /work/0/endDate \
    /work/0/highlights /work/0/highlights/0 /work/0/url /work/0/x-evidence /work/0/x-highlight-evidence \
    /projects/0/keywords /projects/0/url /skills /skills/0/keywords /skills/0/keywords/0 /education/0/courses \
    /education/0/startDate /awards/0/date /languages/0 /meta /meta/version /meta/lastModified /meta/x-proofolio \
    /meta/x-proofolio/language /$schema /x-custom";

/// The base document with some fields given other values (of any type)
/// and some unknown fields added, anywhere.
fn resume_shaped() -> impl Strategy<Value = Value> {
    let pointers: Vec<&'static str> = POINTERS.split_whitespace().collect();
    let replace = prop::collection::vec((prop::sample::select(pointers.clone()), value()), 0..4);
    let add = prop::collection::vec((prop::sample::select(pointers), key(), value()), 0..4);
    (replace, add).prop_map(|(replace, add)| {
        let mut doc = base();
        for (pointer, v) in replace {
            if let Some(slot) = doc.pointer_mut(pointer) {
                *slot = v;
            }
        }
        for (pointer, k, v) in add {
            if let Some(Value::Object(map)) = doc.pointer_mut(pointer) {
                map.insert(k, v);
            }
        }
        doc
    })
}

/// The base document with something nested `depth` levels deep in an
/// unknown field (or in a known one, where it is the wrong type).
fn deeply_nested() -> impl Strategy<Value = Value> {
    (1usize..200, any::<bool>(), prop::sample::select(&["x-deep", "summary", "highlights"][..])).prop_map(
        |(depth, arrays, field)| {
            let mut v = json!("바닥");
            for _ in 0..depth {
                v = if arrays { json!([v]) } else { json!({ "안": v }) };
            }
            let mut doc = base();
            doc["basics"][field] = v;
            doc
        },
    )
}

fn document() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => resume_shaped(),
        2 => prop::collection::vec((key(), value()), 0..8).prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        1 => value(),
        1 => deeply_nested(),
    ]
}

/// The same JSON: objects as sets of fields, numbers by value. PostgreSQL
/// gives a number back in its own notation (`1.5e17` as
/// `150000000000000000`), which JSON does not tell apart.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// What the server must answer for a body carrying `doc` at `nesting`
/// levels down (0 for import, 1 for a save's `{"document": …}`).
fn expected_status(doc: &Value, body_len: usize, nesting: usize) -> u16 {
    if body_len > BODY_LIMIT {
        413
    } else if depth(doc) + nesting >= MAX_DEPTH {
        422
    } else if doc.is_object() && app::resume::ssr::document::validate(doc).is_ok() {
        201
    } else {
        422
    }
}

/// A 422 names the fields at fault: `document` or `document.N`, each with
/// a message.
fn names_the_fields(body: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(&body["error"]["code"], "validation_failed", "{}", body);
    let fields = body["error"]["fields"].as_object().cloned().unwrap_or_default();
    prop_assert!(!fields.is_empty(), "no field named: {}", body);
    for (field, message) in &fields {
        prop_assert!(field == "document" || field.starts_with("document."), "field {field} in {body}");
        prop_assert!(message.as_str().is_some_and(|m| !m.trim().is_empty()), "no message for {field}: {body}");
    }
    Ok(())
}

/// What the server answered: the status, the `Location` or `ETag` header,
/// and the body (JSON, or the text if it is not).
struct Answer {
    status: u16,
    header: String,
    body: Value,
}

async fn send(app: &TestApp, jar: &Jar, method: reqwest::Method, path: &str, body: Vec<u8>) -> Answer {
    let res = app
        .client
        .request(method, app.url(path))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    let status = res.status().as_u16();
    let header = ["location", "etag"]
        .iter()
        .find_map(|h| res.headers().get(*h)?.to_str().ok().map(String::from))
        .unwrap_or_default();
    let text = res.text().await.unwrap_or_default();
    // A document 127 levels deep comes back one level deeper inside the
    // résumé's view, past what serde_json reads: keep it as text then.
    Answer { status, header, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

async fn export(app: &TestApp, jar: &Jar, id: &str) -> Value {
    let (status, body) = get_json(app, jar, &format!("/api/v1/resumes/{id}/export.json")).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The résumé the saves go to: its id, current version and document.
struct Saved {
    id: String,
    version: i64,
    document: Value,
    /// How many imports were answered 201, 413 and 422.
    seen: std::collections::BTreeMap<u16, u32>,
}

/// One case: import `doc`, then save it over the résumé `saved`.
async fn case(app: &TestApp, jar: &Jar, saved: &mut Saved, doc: Value) -> Result<(), TestCaseError> {
    let body = serde_json::to_vec(&doc).unwrap();
    let expected = expected_status(&doc, body.len(), 0);
    let answer = send(app, jar, reqwest::Method::POST, "/api/v1/resumes/import", body).await;
    prop_assert_eq!(answer.status, expected, "import answered {}", answer.body);
    *saved.seen.entry(answer.status).or_default() += 1;
    match answer.status {
        201 => {
            let id = answer.header.rsplit('/').next().unwrap_or_default();
            let exported = export(app, jar, id).await;
            prop_assert!(same(&exported, &doc), "the export is the document as imported: {exported} != {doc}");
            prop_assert!(app::resume::ssr::document::validate(&exported).is_ok(), "the export is valid JSON Resume");
        }
        422 => names_the_fields(&answer.body)?,
        _ => prop_assert_eq!(&answer.body["error"]["code"], "payload_too_large", "{}", answer.body),
    }

    // The same document as a save: the same verdict (a save answers 200).
    let body = serde_json::to_vec(&json!({ "document": doc, "version": saved.version })).unwrap();
    let expected = match expected_status(&doc, body.len(), 1) {
        201 => 200,
        s => s,
    };
    let answer = send(app, jar, reqwest::Method::PUT, &format!("/api/v1/resumes/{}", saved.id), body).await;
    prop_assert_eq!(answer.status, expected, "save answered {}", answer.body);
    match answer.status {
        200 => {
            prop_assert_eq!(&answer.header, &format!("\"{}\"", saved.version + 1), "the new version's ETag");
            saved.version += 1;
            saved.document = doc;
        }
        422 => names_the_fields(&answer.body)?,
        _ => prop_assert_eq!(&answer.body["error"]["code"], "payload_too_large", "{}", answer.body),
    }
    let exported = export(app, jar, &saved.id).await;
    prop_assert!(
        same(&exported, &saved.document),
        "the export is the last document saved: {exported} != {}",
        saved.document
    );
    Ok(())
}

async fn import_and_save_take_valid_documents_whole_and_refuse_the_rest_by_field(app: TestApp) {
    let jar = signed_in_as(&app, Account::new(1701, "proptester")).await;
    let import = |doc: &Value| {
        send(&app, &jar, reqwest::Method::POST, "/api/v1/resumes/import", serde_json::to_vec(doc).unwrap())
    };
    // The résumé the saves go to.
    let created = import(&base()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.header.rsplit('/').next().unwrap().to_string();
    let saved = std::sync::Mutex::new(Saved { id, version: 1, document: base(), seen: Default::default() });

    // Over the limit, by a long Korean summary: 413.
    let mut big = base();
    big["basics"]["summary"] = json!("가".repeat(BODY_LIMIT / 3 + 1));
    let answer = import(&big).await;
    assert_eq!((answer.status, &answer.body["error"]["code"]), (413, &json!("payload_too_large")), "{}", answer.body);

    let handle = tokio::runtime::Handle::current();
    let mut runner =
        TestRunner::new(Config { cases: CASES, failure_persistence: None, max_shrink_iters: 256, ..Config::default() });
    let result = runner.run(&document(), |doc| {
        let mut saved = saved.lock().unwrap();
        tokio::task::block_in_place(|| handle.block_on(case(&app, &jar, &mut saved, doc)))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Both ways were taken: the documents are neither all valid nor all not.
    let seen = saved.into_inner().unwrap().seen;
    eprintln!("imports answered (status: count): {seen:?}");
    assert!(seen.get(&201).is_some_and(|n| *n >= 5) && seen.get(&422).is_some_and(|n| *n >= 5), "{seen:?}");
}
