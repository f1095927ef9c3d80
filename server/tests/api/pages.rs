//! Server-rendered pages as a browser without JavaScript gets them.

use crate::helpers::TestApp;

db_tests!(
    the_landing_page_is_korean_by_default_and_ready_to_hydrate,
    the_language_follows_the_cookie_then_the_browser,
    unknown_pages_render_a_404_page,
);

async fn the_landing_page_is_korean_by_default_and_ready_to_hydrate(app: TestApp) {
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ko""#), "{html}");
    assert!(html.contains("코드가 증명하는 이력서"));
    assert!(html.contains("/pkg/proofolio.js"), "the hydration script is linked");
    assert!(html.contains("/pkg/proofolio.css"));
    assert!(html.contains(r#"href="/lang/en?next=/""#), "the no-JS language switch");
}

async fn the_language_follows_the_cookie_then_the_browser(app: TestApp) {
    let en = app.client.get(app.url("/")).header("accept-language", "en-US,en;q=0.9").send().await.unwrap();
    let html = en.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("A résumé your code can prove"));

    let ko = app
        .client
        .get(app.url("/"))
        .header("accept-language", "en-US,en;q=0.9")
        .header("cookie", "lang=ko")
        .send()
        .await
        .unwrap();
    assert!(ko.text().await.unwrap().contains("코드가 증명하는 이력서"), "the remembered choice wins");
}

async fn unknown_pages_render_a_404_page(app: TestApp) {
    let res = app.client.get(app.url("/no/such/page")).header("cookie", "lang=en").send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains(r#"href="/""#));
}
