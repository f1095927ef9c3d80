//! Shared pages kept for signed-out readers (`share::ssr::page_cache`):
//! the kept page is the rendered one with a fresh script nonce each time,
//! views on kept pages count as a render would count them, each language
//! is kept apart, a signed-in reader always gets a page of their own, and
//! a change through the instance (a like, making it private) shows on the
//! very next load. A browser (which takes gzip) gets the same page
//! gzip'd, with the headers a render goes out with. On SQLite + the in-process store and PostgreSQL + Redis.

use crate::editing::written;
use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, signed_in_as};
use crate::sharing::{like, share, BROWSER};
use serde_json::json;
use standins::github::fixtures::Account;

db_tests!(
    a_kept_page_is_the_rendered_page_with_a_new_nonce_and_a_change_shows_at_once,
    views_of_kept_pages_count_each_reader_once_and_languages_and_readers_are_kept_apart,
    a_browser_gets_the_kept_page_gzipped_with_every_header_a_render_has,
);

const OTHER_BROWSER: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";

/// `GET path` signed out (or as `jar`), as a browser in `lang`: status,
/// Content-Security-Policy, body.
async fn page(app: &TestApp, path: &str, ua: &str, lang: &str, jar: Option<&Jar>) -> (u16, String, String) {
    let mut req = app
        .client
        .get(app.url(path))
        .header("user-agent", ua)
        .header("accept", "text/html")
        .header("accept-language", lang);
    if let Some(j) = jar {
        req = req.header("cookie", j.header());
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let csp = res.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(res.headers().get(app::share::ssr::page_cache::CACHEABLE).is_none(), "the internal mark never leaves");
    (status, csp, res.text().await.unwrap())
}

fn nonce(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("the policy has a nonce") + 7;
    csp[start..start + csp[start..].find('\'').unwrap()].to_string()
}

fn like_count(html: &str) -> String {
    let at = html.find("data-testid=\"like-count\">").expect("the like count is on the page") + 25;
    html[at..].split('<').next().unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn a_kept_page_is_the_rendered_page_with_a_new_nonce_and_a_change_shows_at_once(app: TestApp) {
    let (owner, id) = written(&app, 1301, "kept").await;
    assert_eq!(share(&app, &owner, &id, json!({ "visibility": "public", "slug": "kept-page" })).await.status(), 200);

    let (s1, csp1, html1) = page(&app, "/r/kept-page", BROWSER, "ko", None).await;
    let (s2, csp2, html2) = page(&app, "/r/kept-page", BROWSER, "ko", None).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(app.state.page_cache.len(), 1, "the signed-out page was kept");
    let (n1, n2) = (nonce(&csp1), nonce(&csp2));
    assert_ne!(n1, n2, "a kept page is never served with the nonce of another response");
    assert!(
        html2.contains(&format!("nonce=\"{n2}\"")) && !html2.contains(&n1),
        "the page's scripts carry its own nonce"
    );
    assert_eq!(html1.replace(&n1, "N"), html2.replace(&n2, "N"), "otherwise the very page that was rendered");
    assert!(html2.contains("data-testid=\"shared\"") && like_count(&html2).starts_with('0'), "{}", like_count(&html2));

    // A like through this instance shows on the next load.
    let fan = signed_in_as(&app, Account::new(1302, "kept-fan")).await;
    assert_eq!(like(&app, &fan, &id).await.status(), 200);
    let (_, _, html) = page(&app, "/r/kept-page", BROWSER, "ko", None).await;
    assert!(like_count(&html).starts_with('1'), "the like shows at once: {}", like_count(&html));

    // Made private: gone for signed-out readers on the next load.
    assert_eq!(share(&app, &owner, &id, json!({ "visibility": "private" })).await.status(), 200);
    let (status, _, html) = page(&app, "/r/kept-page", BROWSER, "ko", None).await;
    assert_eq!(status, 404, "a private résumé is not served from memory");
    assert!(!html.contains("data-testid=\"shared\""));
    assert_eq!(app.state.page_cache.len(), 0, "and nothing of it is kept");
}

async fn views_of_kept_pages_count_each_reader_once_and_languages_and_readers_are_kept_apart(app: TestApp) {
    let (owner, id) = written(&app, 1311, "counted").await;
    assert_eq!(share(&app, &owner, &id, json!({ "visibility": "unlisted", "slug": "kept-views" })).await.status(), 200);

    // One reader five times (the first renders, the rest are kept), a second
    // reader on the kept page, a link-preview bot: two views, two readers.
    for _ in 0..5 {
        assert_eq!(page(&app, "/r/kept-views", BROWSER, "ko", None).await.0, 200);
    }
    assert_eq!(page(&app, "/r/kept-views", OTHER_BROWSER, "ko", None).await.0, 200);
    assert_eq!(page(&app, "/r/kept-views", "Slackbot-LinkExpanding 1.0", "ko", None).await.0, 200);
    let (_, s) = get_json(&app, &owner, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!((s["views"].as_i64(), s["uniques"].as_i64()), (Some(2), Some(2)), "{s}");

    // Each language gets its own page, whichever was kept first.
    let lang_of = |html: &str| html.split("<html lang=\"").nth(1).map(|r| r[..2].to_string());
    let (_, _, en) = page(&app, "/r/kept-views", BROWSER, "en-US,en;q=0.9", None).await;
    let (_, _, ko) = page(&app, "/r/kept-views", BROWSER, "ko-KR,ko;q=0.9", None).await;
    let (_, _, en_again) = page(&app, "/r/kept-views", BROWSER, "en-US,en;q=0.9", None).await;
    assert_eq!(
        (lang_of(&en), lang_of(&ko), lang_of(&en_again)),
        (Some("en".into()), Some("ko".into()), Some("en".into()))
    );

    // A signed-in reader never gets the signed-out page: theirs says they
    // liked it, the kept one offers to sign in.
    let fan = signed_in_as(&app, Account::new(1312, "kept-reader")).await;
    assert_eq!(like(&app, &fan, &id).await.status(), 200);
    let (_, _, anonymous) = page(&app, "/r/kept-views", BROWSER, "ko", None).await;
    let (_, _, theirs) = page(&app, "/r/kept-views", BROWSER, "ko", Some(&fan)).await;
    assert!(anonymous.contains("data-testid=\"like-signin\"") && !anonymous.contains("aria-pressed=\"true\""));
    assert!(theirs.contains("aria-pressed=\"true\"") && !theirs.contains("data-testid=\"like-signin\""));
    // The owner's own loads are not views, kept page or not.
    page(&app, "/r/kept-views", BROWSER, "ko", Some(&owner)).await;
    let (_, s) = get_json(&app, &owner, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!(s["views"].as_i64(), Some(3), "the fan's signed-in load is a third reader, the owner's none: {s}");
}

/// What a browser sends and gets: `accept-encoding: gzip`, the raw answer.
async fn gzipped(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, String) {
    use std::io::Read;
    let res = app
        .client
        .get(app.url(path))
        .header("user-agent", BROWSER)
        .header("accept", "text/html")
        .header("accept-language", "ko")
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let headers = res.headers().clone();
    let raw = res.bytes().await.unwrap();
    assert_eq!(headers.get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"), "{path} gzip'd");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&raw[..]).read_to_string(&mut html).expect("one valid gzip member");
    (headers, html)
}

async fn a_browser_gets_the_kept_page_gzipped_with_every_header_a_render_has(app: TestApp) {
    let (owner, id) = written(&app, 1321, "gzipped").await;
    assert_eq!(share(&app, &owner, &id, json!({ "visibility": "public", "slug": "kept-gzip" })).await.status(), 200);
    let (_, _, plain) = page(&app, "/r/kept-gzip", BROWSER, "ko", None).await;

    // The first after a change renders (and is kept), the next is kept.
    assert_eq!(share(&app, &owner, &id, json!({ "visibility": "public" })).await.status(), 200);
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let (headers, html) = gzipped(&app, "/r/kept-gzip").await;
        let h = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let n = nonce(&h("content-security-policy"));
        assert!(html.contains(&format!("nonce=\"{n}\"")), "the policy's nonce is the page's");
        assert_eq!(html.replace(&n, "N"), plain.replace(&nonce_in(&plain), "N"), "the very page, gzip'd");
        assert!(html.contains("김옥토") || html.contains("data-testid=\"shared\""));
        assert_eq!(h("vary"), "accept-encoding");
        assert_eq!(h("x-content-type-options"), "nosniff");
        assert_eq!(h("cache-control"), "private, no-store");
        assert!(h("content-type").starts_with("text/html"));
        assert!(!h("x-request-id").is_empty(), "every answer has its request id");
        assert!(headers.get(app::share::ssr::page_cache::CACHEABLE).is_none());
        nonces.push(n);
    }
    assert_ne!(nonces[0], nonces[1]);
    assert_eq!(app.state.page_cache.len(), 1);

    // Pages that are not kept are still compressed on the way out.
    let (_, explore) = gzipped(&app, "/explore").await;
    assert!(explore.contains("<html"), "the gallery, gzip'd by the compression layer");
}

/// The nonce a page's scripts carry.
fn nonce_in(html: &str) -> String {
    let at = html.find("nonce=\"").expect("the page has a script nonce") + 7;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}
