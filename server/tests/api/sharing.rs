//! Sharing a résumé by link: private by default (404 to everyone else, by
//! id, slug and API), unlisted and public, readable slugs that redirect
//! when changed, view counts (once per viewer per hour; not the owner, not
//! link-preview bots), likes exact under concurrency, and everything gone
//! with the résumé. On SQLite + the in-process store and PostgreSQL + Redis.

use crate::editing::written;
use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, signed_in_as};
use serde_json::{json, Value};
use standins::github::fixtures::Account;

db_tests!(
    a_resume_is_private_until_shared_and_a_changed_slug_redirects,
    views_count_once_per_reader_per_hour_and_never_the_owner_or_bots,
    likes_are_one_per_user_and_exact_under_concurrency,
    comments_thread_follow_their_line_and_only_their_authors_or_the_owner_remove_them,
);

pub const BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

pub async fn share(app: &TestApp, jar: &Jar, id: &str, body: Value) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/resumes/{id}/visibility")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// `jar` likes résumé `id` (through the API, as the page's button does).
pub async fn like(app: &TestApp, jar: &Jar, id: &str) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/resumes/{id}/like")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .send()
        .await
        .unwrap()
}

/// `path` as a reader: signed in (`jar`) or not, with a user agent.
pub async fn read(app: &TestApp, jar: Option<&Jar>, path: &str, ua: &str) -> reqwest::Response {
    let mut req = app.client.get(app.url(path)).header("user-agent", ua);
    if let Some(j) = jar {
        req = req.header("cookie", j.header());
    }
    req.send().await.unwrap()
}

async fn a_resume_is_private_until_shared_and_a_changed_slug_redirects(app: TestApp) {
    let (jar, id) = written(&app, 1001, "sharer").await;
    let (status, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!((s["visibility"].as_str(), s["slug"].is_null(), s["url"].is_null()), (Some("private"), true, true));

    let res = share(&app, &jar, &id, json!({ "visibility": "unlisted" })).await;
    assert_eq!(res.status(), 200);
    let s = res.json::<Value>().await.unwrap();
    let slug = s["slug"].as_str().unwrap().to_string();
    let (base, suffix) = slug.rsplit_once('-').unwrap();
    assert!(suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_hexdigit()) && id.starts_with(suffix), "{slug}");
    assert!(app::share::ssr::service::slug_problem(&slug).is_none() && !base.is_empty(), "{slug}");
    assert_eq!(s["url"], format!("{}/r/{slug}", app.address));

    // Anyone with the link reads it, as readers see it, and the page tells
    // link previews what it is — and search engines to leave it out.
    let res = read(&app, None, &format!("/api/v1/r/{slug}"), BROWSER).await;
    assert_eq!(res.status(), 200);
    let r = res.json::<Value>().await.unwrap();
    assert_eq!(
        (r["visibility"].as_str(), r["mine"].as_bool(), r["views"].is_null()),
        (Some("unlisted"), Some(false), true)
    );
    assert!(r["document"]["projects"].as_array().is_some_and(|p| !p.is_empty()));
    let html = read(&app, None, &format!("/r/{slug}"), BROWSER).await.text().await.unwrap();
    assert!(html.contains("property=\"og:title\"") && html.contains("name=\"twitter:card\""), "{html}");
    assert!(html.contains("name=\"robots\" content=\"noindex\""), "unlisted pages are not indexed");
    assert!(html.contains("data-testid=\"shared\""));

    // Private again: 404 for everyone else, by slug, on the page and the API; the owner still reads it.
    let res = share(&app, &jar, &id, json!({ "visibility": "private" })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(read(&app, None, &format!("/api/v1/r/{slug}"), BROWSER).await.status(), 404);
    let page = read(&app, None, &format!("/r/{slug}"), BROWSER).await;
    assert_eq!(page.status(), 404);
    let stranger = signed_in_as(&app, Account::new(1002, "stranger")).await;
    assert_eq!(read(&app, Some(&stranger), &format!("/api/v1/r/{slug}"), BROWSER).await.status(), 404);
    let mine = read(&app, Some(&jar), &format!("/api/v1/r/{slug}"), BROWSER).await.json::<Value>().await.unwrap();
    assert_eq!(mine["mine"], true);
    // Nobody else changes its sharing.
    assert_eq!(share(&app, &stranger, &id, json!({ "visibility": "public" })).await.status(), 404);

    // Public under a new slug: the old one redirects, permanently.
    let res =
        share(&app, &jar, &id, json!({ "visibility": "public", "slug": "kim-backend", "show_counts": true })).await;
    assert_eq!(res.status(), 200);
    let res = read(&app, None, &format!("/api/v1/r/{slug}"), BROWSER).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (301, "/api/v1/r/kim-backend"));
    let res = read(&app, None, &format!("/r/{slug}"), BROWSER).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (301, "/r/kim-backend"));
    let html = read(&app, None, "/r/kim-backend", BROWSER).await.text().await.unwrap();
    assert!(!html.contains("noindex"), "public pages may be indexed");

    // Slugs: taken (now or before) by another résumé, or not a plain word.
    let (other_jar, other) = written(&app, 1003, "claimer").await;
    for (slug, why) in [("kim-backend", "taken"), (slug.as_str(), "taken")] {
        let res = share(&app, &other_jar, &other, json!({ "visibility": "unlisted", "slug": slug })).await;
        assert_eq!(res.status(), 422, "{slug}");
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["fields"]["slug"], why);
    }
    for bad in ["../etc", "Admin", "admin", "аbc", "ab", "a--b", "<script>", "kim%2Fbackend"] {
        let res = share(&app, &other_jar, &other, json!({ "visibility": "unlisted", "slug": bad })).await;
        assert_eq!(res.status(), 422, "{bad}");
        assert_eq!(read(&app, None, &format!("/api/v1/r/{}", urlencoding(bad)), BROWSER).await.status(), 404, "{bad}");
    }

    // Deleting the résumé takes its link with it.
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/resumes/{id}")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(read(&app, None, "/api/v1/r/kim-backend", BROWSER).await.status(), 404);
    assert_eq!(read(&app, None, &format!("/api/v1/r/{slug}"), BROWSER).await.status(), 404);
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

async fn views_count_once_per_reader_per_hour_and_never_the_owner_or_bots(app: TestApp) {
    let (jar, id) = written(&app, 1011, "viewed").await;
    let s = share(&app, &jar, &id, json!({ "visibility": "unlisted", "slug": "viewed-once" }))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(s["views"], 0);
    let path = "/r/viewed-once";
    for _ in 0..3 {
        assert_eq!(read(&app, None, path, BROWSER).await.status(), 200);
    }
    // Another browser from the same address is another reader; bots and
    // link previews are not readers; the owner is not counted.
    assert_eq!(read(&app, None, path, &format!("{BROWSER} Edg/156.0")).await.status(), 200);
    for bot in [
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1)",
        "kakaotalk-scrap/1.0",
        "Slackbot-LinkExpanding 1.0",
    ] {
        assert_eq!(read(&app, None, path, bot).await.status(), 200);
    }
    read(&app, Some(&jar), path, BROWSER).await;
    let reader = signed_in_as(&app, Account::new(1012, "reader")).await;
    read(&app, Some(&reader), path, BROWSER).await;
    read(&app, Some(&reader), "/api/v1/r/viewed-once", BROWSER).await;

    let (_, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!((s["views"].as_i64(), s["uniques"].as_i64()), (Some(3), Some(3)), "{s}");
    let days = s["last_30_days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days[29]["views"], 3);

    // Moved into the database in a batch: the numbers stay the same.
    let moved = app::share::ssr::views::flush(&app.state).await.unwrap();
    assert_eq!(moved, 1);
    let (_, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!((s["views"].as_i64(), s["uniques"].as_i64()), (Some(3), Some(3)), "{s}");
    read(&app, None, path, "Mozilla/5.0 (Macintosh) Safari/605.1").await;
    let (_, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!(s["views"], 4, "a new reader after the flush adds to it: {s}");
}

async fn likes_are_one_per_user_and_exact_under_concurrency(app: TestApp) {
    let (jar, id) = written(&app, 1021, "liked").await;
    let like_path = format!("/api/v1/resumes/{id}/like");
    let like = |j: Jar, on: bool| {
        let (client, url, origin) = (app.client.clone(), app.url(&like_path), app.address.clone());
        async move {
            let req = if on { client.put(url) } else { client.delete(url) };
            req.header("cookie", j.header()).header("origin", origin).send().await.unwrap()
        }
    };
    // Private: nobody else can like it (it does not exist for them).
    let fan = signed_in_as(&app, Account::new(1022, "fan0")).await;
    assert_eq!(like(fan.clone(), true).await.status(), 404);
    assert_eq!(app.client.put(app.url(&like_path)).send().await.unwrap().status(), 401);

    share(&app, &jar, &id, json!({ "visibility": "unlisted", "slug": "liked-resume" })).await;
    let mut fans = vec![fan];
    for k in 1..5u64 {
        fans.push(signed_in_as(&app, Account::new(1022 + k, &format!("fan{k}"))).await);
    }
    // Every fan likes twice, all at once.
    let all: Vec<_> = fans.iter().flat_map(|f| [like(f.clone(), true), like(f.clone(), true)]).collect();
    for res in futures::future::join_all(all).await {
        assert_eq!(res.status(), 200);
    }
    let r = read(&app, Some(&fans[0]), "/api/v1/r/liked-resume", BROWSER).await.json::<Value>().await.unwrap();
    assert_eq!((r["likes"].as_i64(), r["liked"].as_bool()), (Some(5), Some(true)));
    let res = like(fans[1].clone(), false).await.json::<Value>().await.unwrap();
    assert_eq!(res, json!({ "likes": 4, "liked": false }));
    let res = like(fans[1].clone(), false).await.json::<Value>().await.unwrap();
    assert_eq!(res["likes"], 4, "unliking twice is unliking once");
    let (_, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!(s["likes"], 4);
}

/// A request with a JSON body (none for `Value::Null`: a DELETE carries none).
async fn send(app: &TestApp, jar: &Jar, method: reqwest::Method, path: &str, body: Value) -> reqwest::Response {
    let mut req =
        app.client.request(method, app.url(path)).header("cookie", jar.header()).header("origin", &app.address);
    if !body.is_null() {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

async fn comments_thread_follow_their_line_and_only_their_authors_or_the_owner_remove_them(app: TestApp) {
    use reqwest::Method;
    let (owner, id) = written(&app, 1031, "commented").await;
    let path = format!("/api/v1/resumes/{id}/comments");
    let alice = signed_in_as(&app, Account::new(1032, "alice")).await;
    // Private: no comments, no reading them.
    assert_eq!(send(&app, &alice, Method::POST, &path, json!({ "body": "hi" })).await.status(), 404);
    assert_eq!(read(&app, None, &path, BROWSER).await.status(), 404);
    let res = share(&app, &owner, &id, json!({ "visibility": "unlisted", "slug": "commented-cv" })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(get_json(&app, &alice, &path).await, (200, json!([])));

    // A comment on the first project's first line, with an XSS payload and a link.
    let (_, r) = get_json(&app, &owner, &format!("/api/v1/resumes/{id}")).await;
    let line = r["document"]["projects"][0]["highlights"][0].as_str().unwrap().to_string();
    let body = "<script>alert(1)</script> 좋은 줄이에요 https://example.com/x";
    let res =
        send(&app, &alice, Method::POST, &path, json!({ "body": body, "anchor": "projects.0.highlights.0" })).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let threads = res.json::<Value>().await.unwrap();
    let first = threads[0]["id"].as_str().unwrap().to_string();
    assert_eq!((threads[0]["body"].as_str(), threads[0]["anchor_text"].as_str()), (Some(body), Some(line.as_str())));
    // A reply, and a reply to the reply (it joins the thread: one level).
    let bob = signed_in_as(&app, Account::new(1033, "bob")).await;
    let res = send(&app, &bob, Method::POST, &path, json!({ "body": "동의합니다", "parent_id": first })).await;
    let reply = res.json::<Value>().await.unwrap()[0]["replies"][0]["id"].as_str().unwrap().to_string();
    let res = send(&app, &alice, Method::POST, &path, json!({ "body": "감사합니다", "parent_id": reply })).await;
    let threads = res.json::<Value>().await.unwrap();
    assert_eq!((threads.as_array().unwrap().len(), threads[0]["replies"].as_array().unwrap().len()), (1, 2));

    // The owner moves the line down: the anchor follows it.
    let mut doc = r["document"].clone();
    doc["projects"][0]["highlights"].as_array_mut().unwrap().insert(0, json!("A new first line"));
    doc["projects"][0]["x-highlight-evidence"].as_array_mut().unwrap().insert(0, json!([]));
    let v = r["version"].as_i64().unwrap();
    let res = crate::editing::put(&app, &owner, &id, Some(&format!("\"{v}\"")), &json!({ "document": doc })).await;
    assert_eq!(res.status(), 200);
    let (_, threads) = get_json(&app, &bob, &path).await;
    assert_eq!(threads[0]["anchor"], "projects.0.highlights.1");

    // The page shows it escaped, the link as a link.
    let html = read(&app, Some(&bob), "/r/commented-cv", BROWSER).await.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; 좋은 줄이에요"), "escaped");
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("href=\"https://example.com/x\" rel=\"nofollow ugc noopener noreferrer\""), "{html}");

    // Bad input: empty, 100 KB, a bad anchor, a parent from elsewhere.
    for (body, field) in [
        (json!({ "body": "   " }), "body"),
        (json!({ "body": "가".repeat(2001) }), "body"),
        (json!({ "body": "x", "anchor": "../../etc" }), "anchor"),
        (json!({ "body": "x", "parent_id": "00000000-0000-0000-0000-000000000000" }), "parent_id"),
    ] {
        let res = send(&app, &bob, Method::POST, &path, body.clone()).await;
        assert_eq!(res.status(), 422, "{body}");
        assert!(res.json::<Value>().await.unwrap()["error"]["fields"][field].is_string(), "{body}");
    }
    let res = send(&app, &bob, Method::POST, &path, json!({ "body": "x".repeat(100 * 1024) })).await;
    assert!(matches!(res.status().as_u16(), 413 | 422), "{}", res.status());

    // Only the author edits; the author or the résumé's owner deletes.
    let c = format!("/api/v1/comments/{first}");
    assert_eq!(send(&app, &bob, Method::PATCH, &c, json!({ "body": "hacked" })).await.status(), 403);
    assert_eq!(send(&app, &bob, Method::DELETE, &c, Value::Null).await.status(), 403);
    assert_eq!(send(&app, &alice, Method::PATCH, &c, json!({ "body": "고쳤어요" })).await.status(), 204);
    assert_eq!(send(&app, &bob, Method::POST, &format!("{c}/report"), json!({ "reason": "spam" })).await.status(), 204);
    assert_eq!(send(&app, &bob, Method::POST, &format!("{c}/report"), json!({ "reason": "spam" })).await.status(), 204);
    let (_, threads) = get_json(&app, &bob, &path).await;
    assert_eq!((threads[0]["body"].as_str(), threads[0]["edited"].as_bool()), (Some("고쳤어요"), Some(true)));
    assert_eq!(send(&app, &owner, Method::DELETE, &c, Value::Null).await.status(), 204);
    let (_, threads) = get_json(&app, &bob, &path).await;
    assert_eq!(threads, json!([]), "the thread and its replies are gone");

    // A flood is stopped.
    let mut last = 0;
    for k in 0..12 {
        last = send(&app, &bob, Method::POST, &path, json!({ "body": format!("flood {k}") })).await.status().as_u16();
    }
    assert_eq!(last, 429);

    // Private again: the comments are not readable either.
    share(&app, &owner, &id, json!({ "visibility": "private" })).await;
    assert_eq!(get_json(&app, &bob, &path).await.0, 404);
}
