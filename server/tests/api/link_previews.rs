//! What a shared link looks like outside the page: the preview card chat
//! apps show (a PNG drawn on the server, named by the page's Open Graph
//! and Twitter tags), the link's QR code, and the view window passing.
//! Both pictures answer like the page: 404 when private, 301 from an old
//! slug, and fetching them is no view.

use crate::editing::written;
use crate::helpers::{spawn_app_with, Backend, Options, TestApp};
use crate::imports::get_json;
use crate::sharing::{read, share, BROWSER};
use serde_json::{json, Value};
use std::time::Duration;

db_tests!(a_shared_link_has_a_preview_card_and_a_qr_code_and_a_private_one_has_neither);

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()))
}

/// The `content` of the first `<meta property|name="{key}">` in `html`.
fn meta<'a>(html: &'a str, key: &str) -> Option<&'a str> {
    let at = html.find(&format!("=\"{key}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let content = tag.split_once("content=\"")?.1;
    Some(&content[..content.find('"')?])
}

async fn a_shared_link_has_a_preview_card_and_a_qr_code_and_a_private_one_has_neither(app: TestApp) {
    let (jar, id) = written(&app, 1101, "previewed").await;
    let s = share(&app, &jar, &id, json!({ "visibility": "unlisted", "slug": "previewed-card" }))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(s["visibility"], "unlisted", "{s}");

    // The page names the card, absolutely (chat apps fetch it from
    // elsewhere), large, with its size.
    let html = read(&app, None, "/r/previewed-card", BROWSER).await.text().await.unwrap();
    let image = meta(&html, "og:image").expect("og:image").to_string();
    assert!(image.starts_with(&format!("{}/r/previewed-card/preview.png?v=", app.address)), "{image}");
    assert_eq!(meta(&html, "twitter:image"), Some(image.as_str()));
    assert_eq!(meta(&html, "twitter:card"), Some("summary_large_image"));
    assert_eq!((meta(&html, "og:image:width"), meta(&html, "og:image:height")), (Some("1200"), Some("630")));
    assert_eq!(meta(&html, "og:url"), Some(format!("{}/r/previewed-card", app.address).as_str()));
    let api = read(&app, None, "/api/v1/r/previewed-card", BROWSER).await.json::<Value>().await.unwrap();
    assert_eq!(api["image_url"], image.as_str());

    // Link-preview fetchers get a 1200 × 630 PNG; an unlisted one is not
    // for search engines; a second fetch with its ETag costs nothing.
    let res = read(&app, None, &image.replace(&app.address, ""), "kakaotalk-scrap/1.0").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-robots-tag"], "noindex");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let png = res.bytes().await.unwrap();
    assert_eq!(png_size(&png), (1200, 630));
    assert!(png.len() > 20_000, "a card with text on it: {} bytes", png.len());
    let again =
        app.client.get(app.url("/r/previewed-card/preview.png")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    // Drawn once: the second full fetch is the same bytes (from the store).
    let second = read(&app, None, "/r/previewed-card/preview.png", BROWSER).await.bytes().await.unwrap();
    assert_eq!(second, png);

    // The QR code of the link.
    let res = read(&app, None, "/r/previewed-card/qr.svg", BROWSER).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let svg = res.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");

    // Pictures are no views: one reader of the page, and that is all.
    let (_, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!(s["views"], 1, "{s}");

    // An edit gives the card a new address, so chat apps fetch it again.
    let mut doc = api["document"].clone();
    doc["basics"]["label"] = json!("플랫폼 엔지니어");
    let (_, r) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}")).await;
    let res = crate::editing::put(&app, &jar, &id, None, &json!({ "document": doc, "version": r["version"] })).await;
    assert!(res.status().is_success(), "{:?}", res.text().await);
    let html = read(&app, None, "/r/previewed-card", BROWSER).await.text().await.unwrap();
    let newer = meta(&html, "og:image").unwrap();
    assert_ne!(newer, image);
    let card = read(&app, None, "/r/previewed-card/preview.png", BROWSER).await.bytes().await.unwrap();
    assert_ne!(card, png, "the card shows the new label");

    // A new slug: the old pictures redirect.
    share(&app, &jar, &id, json!({ "visibility": "public", "slug": "previewed-moved" })).await;
    for pic in ["preview.png", "qr.svg"] {
        let res = read(&app, None, &format!("/r/previewed-card/{pic}"), BROWSER).await;
        assert_eq!(res.status(), 301, "{pic}");
        assert_eq!(res.headers()["location"], format!("/r/previewed-moved/{pic}").as_str());
    }
    let res = read(&app, None, "/r/previewed-moved/preview.png", BROWSER).await;
    assert!(res.headers().get("x-robots-tag").is_none(), "a public card may be indexed");

    // Private: nothing to see, by the new or the old slug, not even for a preview bot.
    share(&app, &jar, &id, json!({ "visibility": "private" })).await;
    for path in [
        "/r/previewed-moved/preview.png",
        "/r/previewed-moved/qr.svg",
        "/r/previewed-card/preview.png",
        "/r/previewed-card/qr.svg",
        "/r/no-such-slug/preview.png",
        "/r/..%2Fetc/qr.svg",
    ] {
        assert_eq!(read(&app, None, path, "facebookexternalhit/1.1").await.status(), 404, "{path}");
    }
}

/// The view window, shortened to a second so it can be watched passing: a
/// reader counts once within it and again after it, on both stores.
async fn a_reader_counts_again_once_the_window_has_passed(backend: Backend) {
    let options = Options { tweak: Box::new(|s| s.sharing.view_window_secs = 1), ..Options::default() };
    let Some(app) = spawn_app_with(backend, options).await else { return };
    let (jar, id) = written(&app, 1111, "windowed").await;
    share(&app, &jar, &id, json!({ "visibility": "unlisted", "slug": "windowed-views" })).await;
    for _ in 0..3 {
        read(&app, None, "/r/windowed-views", BROWSER).await;
    }
    let (_, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    assert_eq!((s["views"].as_i64(), s["uniques"].as_i64()), (Some(1), Some(1)), "{s}");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    read(&app, None, "/r/windowed-views", BROWSER).await;
    read(&app, None, "/r/windowed-views", BROWSER).await;
    let (_, s) = get_json(&app, &jar, &format!("/api/v1/resumes/{id}/share")).await;
    // A second view after the window; still one reader that day.
    assert_eq!((s["views"].as_i64(), s["uniques"].as_i64()), (Some(2), Some(1)), "{s}");
}

mod a_reader_counts_again_once_the_window_has_passed {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_reader_counts_again_once_the_window_has_passed(crate::helpers::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_reader_counts_again_once_the_window_has_passed(crate::helpers::Backend::Postgres).await
    }
}
