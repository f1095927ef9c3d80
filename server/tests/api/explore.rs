//! The gallery, `GET /api/v1/explore` and `/explore`: only public résumés
//! (never unlisted, private or deleted ones; one made private leaves at
//! once), ordered by each sort, filtered by skill and role with their
//! aliases, keyset-paged so that résumés published between two pages
//! neither repeat nor hide a card, and a tampered cursor is a 422. On
//! SQLite + the in-process store and PostgreSQL + Redis.

use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, signed_in_as};
use app::gallery::ssr::entities::{gallery_listing, gallery_skill};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use standins::github::fixtures::Account;
use std::collections::HashSet;

db_tests!(
    each_sort_orders_public_resumes_by_its_key,
    skill_and_role_filters_find_aliases_and_follow_saves,
    keyset_pages_neither_repeat_nor_skip_while_resumes_are_published,
    only_public_resumes_are_listed_and_leave_at_once,
    bad_cursors_and_queries_are_refused_with_422,
    the_page_shows_escaped_cards_with_links_and_works_without_javascript,
);

const BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

/// A JSON Resume with this name, label and skill keywords.
fn document(name: &str, label: &str, skills: &[&str]) -> Value {
    json!({
        "basics": { "name": name, "label": label, "summary": format!("{name} builds things. More later.") },
        "skills": [{ "name": "Tech", "keywords": skills }],
        "projects": [{ "name": "demo", "highlights": ["Shipped it"] }],
    })
}

/// A new résumé of `jar`'s user from `doc` (an import: written at once).
async fn imported(app: &TestApp, jar: &Jar, doc: &Value) -> String {
    let res = app
        .client
        .post(app.url("/api/v1/resumes/import"))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .json(doc)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn share(app: &TestApp, jar: &Jar, id: &str, visibility: &str, slug: &str) {
    let res = app
        .client
        .put(app.url(&format!("/api/v1/resumes/{id}/visibility")))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .json(&json!({ "visibility": visibility, "slug": slug }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
}

/// A public résumé of `jar`'s user under `slug`: its id.
async fn published(app: &TestApp, jar: &Jar, slug: &str, doc: &Value) -> String {
    let id = imported(app, jar, doc).await;
    share(app, jar, &id, "public", slug).await;
    id
}

async fn explore(app: &TestApp, query: &str) -> (u16, Value) {
    let res = app.get(&format!("/api/v1/explore{query}")).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The slugs of one page.
fn slugs(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap().to_string()).collect()
}

/// Every slug of a listing, page by page (`limit` each) to the end.
async fn all_pages(app: &TestApp, query: &str, limit: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let after = cursor.as_deref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let (status, page) = explore(app, &format!("?{query}&limit={limit}{after}")).await;
        assert_eq!(status, 200, "{page}");
        out.extend(slugs(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
    panic!("more than 100 pages");
}

async fn send(app: &TestApp, jar: &Jar, method: reqwest::Method, path: &str, body: Option<Value>) -> u16 {
    let mut req =
        app.client.request(method, app.url(path)).header("cookie", jar.header()).header("origin", &app.address);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap().status().as_u16()
}

async fn each_sort_orders_public_resumes_by_its_key(app: TestApp) {
    use reqwest::Method;
    let owner = signed_in_as(&app, Account::new(2001, "galleryowner")).await;
    let mut ids = Vec::new();
    for k in 1..=4 {
        ids.push(
            published(&app, &owner, &format!("sort-r{k}"), &document(&format!("R{k}"), "Developer", &["Rust"])).await,
        );
    }
    let fans = [
        signed_in_as(&app, Account::new(2002, "fan-a")).await,
        signed_in_as(&app, Account::new(2003, "fan-b")).await,
        signed_in_as(&app, Account::new(2004, "fan-c")).await,
    ];
    // Likes: r1 three, r4 two, r2 one, r3 none.
    for (r, n) in [(0, 3), (3, 2), (1, 1)] {
        for fan in &fans[..n] {
            assert_eq!(send(&app, fan, Method::PUT, &format!("/api/v1/resumes/{}/like", ids[r]), None).await, 200);
        }
    }
    // Comments: r2 two (a thread and a reply count alike).
    let path = format!("/api/v1/resumes/{}/comments", ids[1]);
    assert_eq!(send(&app, &fans[0], Method::POST, &path, Some(json!({ "body": "좋아요" }))).await, 201);
    assert_eq!(send(&app, &fans[1], Method::POST, &path, Some(json!({ "body": "Nice" }))).await, 201);
    // Views: r3 by four readers, r1 by one; counted once flushed from the store.
    for k in 0..4 {
        let res = app.client.get(app.url("/api/v1/r/sort-r3")).header("user-agent", format!("{BROWSER} r{k}")).send();
        assert_eq!(res.await.unwrap().status(), 200);
    }
    let res = app.client.get(app.url("/api/v1/r/sort-r1")).header("user-agent", BROWSER).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (_, before) = explore(&app, "?sort=views").await;
    assert!(before["items"].as_array().unwrap().iter().all(|c| c["views"] == 0), "views wait for the flush");
    app::share::ssr::views::flush(&app.state).await.unwrap();

    let order = |page: &Value| slugs(page).into_iter().map(|s| s.replace("sort-", "")).collect::<Vec<_>>();
    let (status, page) = explore(&app, "?sort=likes").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(order(&page), ["r1", "r4", "r2", "r3"]);
    assert_eq!(page["sort"], "likes");
    let counts: Vec<(i64, i64, i64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["views"].as_i64().unwrap(), c["likes"].as_i64().unwrap(), c["comments"].as_i64().unwrap()))
        .collect();
    assert_eq!(counts, [(1, 3, 0), (0, 2, 0), (0, 1, 2), (4, 0, 0)]);
    // Views: ties (no views) go by id, the same way on every page.
    let (_, page) = explore(&app, "?sort=views").await;
    let mut tied = [("r2", &ids[1]), ("r4", &ids[3])];
    tied.sort_by(|a, b| b.1.cmp(a.1));
    assert_eq!(order(&page), ["r3", "r1", tied[0].0, tied[1].0]);
    // Newest: the last published first.
    let (_, page) = explore(&app, "?sort=newest").await;
    assert_eq!(order(&page), ["r4", "r3", "r2", "r1"]);
    // Trending (the default): engagement = views + 3·likes + 5·comments,
    // r2 13, r1 10, r4 6, r3 4 — published seconds apart, so engagement decides.
    let (_, page) = explore(&app, "").await;
    assert_eq!(page["sort"], "trending");
    assert_eq!(order(&page), ["r2", "r1", "r4", "r3"]);

    // Unliking and deleting a comment count at once.
    assert_eq!(send(&app, &fans[0], Method::DELETE, &format!("/api/v1/resumes/{}/like", ids[0]), None).await, 200);
    let (_, page) = explore(&app, "?sort=likes").await;
    assert_eq!(page["items"][0]["likes"], 2);
    let (_, threads) = get_json(&app, &fans[0], &path).await;
    let comment = threads[0]["id"].as_str().unwrap();
    assert_eq!(send(&app, &fans[0], Method::DELETE, &format!("/api/v1/comments/{comment}"), None).await, 204);
    let (_, page) = explore(&app, "?sort=newest").await;
    assert_eq!(page["items"][2]["comments"], 1, "{page}");
}

async fn skill_and_role_filters_find_aliases_and_follow_saves(app: TestApp) {
    let owner = signed_in_as(&app, Account::new(2101, "filterowner")).await;
    let front =
        published(&app, &owner, "f-front", &document("Front", "프론트엔드 개발자", &["React.js", "TypeScript"])).await;
    let back = published(&app, &owner, "f-back", &document("Back", "Backend Engineer", &["k8s", "PostgreSQL"])).await;
    published(&app, &owner, "f-plain", &document("Plain", "", &["Mentoring", "Public  Speaking"])).await;

    for (query, expected) in [
        ("?skill=react", vec!["f-front"]),
        ("?skill=React.js", vec!["f-front"]),
        ("?skill=%EB%A6%AC%EC%95%A1%ED%8A%B8", vec!["f-front"]), // 리액트
        ("?skill=kubernetes", vec!["f-back"]),
        ("?skill=K8S", vec!["f-back"]),
        ("?skill=mentoring", vec!["f-plain"]),
        ("?skill=public%20speaking", vec!["f-plain"]),
        ("?skill=cobol", vec![]),
        ("?role=frontend", vec!["f-front"]),
        ("?role=%EB%B0%B1%EC%97%94%EB%93%9C", vec!["f-back"]), // 백엔드
        ("?role=backend&skill=postgres", vec!["f-back"]),
        ("?role=backend&skill=react", vec![]),
    ] {
        let (status, page) = explore(&app, query).await;
        assert_eq!(status, 200, "{query}: {page}");
        assert_eq!(slugs(&page), expected, "{query}");
    }
    let (_, page) = explore(&app, "?skill=react.js&role=frontend").await;
    assert_eq!((page["skill"].as_str(), page["role"].as_str()), (Some("React"), Some("frontend")));
    assert_eq!(page["items"][0]["skills"], json!(["React", "TypeScript"]), "canonical names on the card");
    assert_eq!(page["items"][0]["role"], "frontend");
    assert_eq!(page["items"][0]["summary"], "Front builds things.", "one line");

    // A save changes what the filters find, at once.
    let (_, r) = get_json(&app, &owner, &format!("/api/v1/resumes/{back}")).await;
    let mut doc = r["document"].clone();
    doc["skills"][0]["keywords"] = json!(["reactjs", "Node.js"]);
    let res =
        crate::editing::put(&app, &owner, &back, Some(&format!("\"{}\"", r["version"])), &json!({ "document": doc }))
            .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let (_, page) = explore(&app, "?skill=react&sort=newest").await;
    assert_eq!(slugs(&page), ["f-back", "f-front"]);
    let (_, page) = explore(&app, "?skill=k8s").await;
    assert_eq!(slugs(&page), Vec::<String>::new(), "a skill taken out of the document is not found");
    // A hidden skills section is not searched either.
    let (_, r) = get_json(&app, &owner, &format!("/api/v1/resumes/{front}")).await;
    let mut doc = r["document"].clone();
    doc["meta"] = json!({ "x-proofolio": { "hidden": ["skills"] } });
    let res =
        crate::editing::put(&app, &owner, &front, Some(&format!("\"{}\"", r["version"])), &json!({ "document": doc }))
            .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let (_, page) = explore(&app, "?skill=react").await;
    assert_eq!(slugs(&page), ["f-back"]);
}

async fn keyset_pages_neither_repeat_nor_skip_while_resumes_are_published(app: TestApp) {
    let owner = signed_in_as(&app, Account::new(2201, "pagedowner")).await;
    let fan = signed_in_as(&app, Account::new(2202, "pagedfan")).await;
    let mut old = Vec::new();
    for k in 0..7 {
        let slug = format!("paged-{k}");
        let id = published(&app, &owner, &slug, &document(&format!("Paged {k}"), "Backend", &["Go"])).await;
        if k % 3 == 0 {
            assert_eq!(crate::sharing::like(&app, &fan, &id).await.status(), 200);
        }
        old.push(slug);
    }
    let sorts = ["newest", "likes", "views", "trending"];
    // Each sort's full order before anything changes.
    let mut before = Vec::new();
    for sort in sorts {
        let all = all_pages(&app, &format!("sort={sort}"), 50).await;
        assert_eq!(all.len(), 7, "{sort}");
        before.push(all);
    }
    // Page 1 of each, three cards.
    let mut firsts = Vec::new();
    for sort in sorts {
        let (status, page) = explore(&app, &format!("?sort={sort}&limit=3")).await;
        assert_eq!(status, 200);
        assert_eq!(slugs(&page).len(), 3);
        firsts.push((slugs(&page), page["next_cursor"].as_str().unwrap().to_string()));
    }
    // Meanwhile four more are published (with no likes or views: they land
    // on both sides of the cursors, by id, under the count sorts).
    let mut new = HashSet::new();
    for k in 0..4 {
        let slug = format!("later-{k}");
        published(&app, &owner, &slug, &document(&format!("Later {k}"), "Backend", &["Go"])).await;
        new.insert(slug);
    }
    for (i, sort) in sorts.iter().enumerate() {
        let (page1, cursor) = &firsts[i];
        let mut rest = Vec::new();
        let mut cursor = Some(cursor.clone());
        while let Some(c) = cursor {
            let (status, page) = explore(&app, &format!("?sort={sort}&limit=3&cursor={c}")).await;
            assert_eq!(status, 200, "{page}");
            rest.extend(slugs(&page));
            cursor = page["next_cursor"].as_str().map(str::to_string);
        }
        let seen: Vec<&String> = page1.iter().chain(&rest).collect();
        let unique: HashSet<&&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: no card twice: {seen:?}");
        // The résumés that existed: every one once, in the order they had.
        let old_seen: Vec<&String> = seen.iter().copied().filter(|s| !new.contains(*s)).collect();
        assert_eq!(old_seen, before[i].iter().collect::<Vec<_>>(), "{sort}: none skipped, order kept");
        if *sort == "newest" {
            assert!(rest.iter().all(|s| !new.contains(s)), "newer ones are above the cursor, not below it");
        }
    }
    // From the top again, everything is there.
    let all = all_pages(&app, "sort=newest", 2).await;
    assert_eq!(all.len(), 11);
    assert_eq!(&all[..4], ["later-3", "later-2", "later-1", "later-0"]);
}

async fn only_public_resumes_are_listed_and_leave_at_once(app: TestApp) {
    let owner = signed_in_as(&app, Account::new(2301, "visowner")).await;
    let doc = |n: &str| document(n, "Data Engineer", &["Kafka"]);
    let public = published(&app, &owner, "vis-public", &doc("Public")).await;
    let unlisted = imported(&app, &owner, &doc("Unlisted")).await;
    share(&app, &owner, &unlisted, "unlisted", "vis-unlisted").await;
    imported(&app, &owner, &doc("Never shared")).await;
    let hidden = published(&app, &owner, "vis-hidden", &doc("Hidden later")).await;
    let deleted = published(&app, &owner, "vis-deleted", &doc("Deleted later")).await;
    let leaver = signed_in_as(&app, Account::new(2302, "visleaver")).await;
    let leavers = published(&app, &leaver, "vis-leaver", &doc("Account deleted later")).await;
    assert_eq!(listed(&app).await, ["vis-deleted", "vis-hidden", "vis-leaver", "vis-public"]);
    let (_, page) = explore(&app, "?sort=newest&skill=kafka").await;
    let first_published =
        page["items"].as_array().unwrap().iter().find(|c| c["slug"] == "vis-public").unwrap()["published_at"].clone();

    // Public → private: gone from the next request; → unlisted: gone too.
    share(&app, &owner, &hidden, "private", "vis-hidden").await;
    assert_eq!(listed(&app).await, ["vis-deleted", "vis-leaver", "vis-public"]);
    share(&app, &owner, &public, "unlisted", "vis-public").await;
    assert_eq!(listed(&app).await, ["vis-deleted", "vis-leaver"]);
    share(&app, &owner, &public, "public", "vis-public").await;
    // A deleted résumé, and every résumé of a deleted account.
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/resumes/{deleted}")))
        .header("cookie", owner.header())
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = app.client.delete(app.url("/api/v1/me")).header("cookie", leaver.header()).header("origin", &app.address);
    assert_eq!(res.send().await.unwrap().status(), 204);
    assert_eq!(listed(&app).await, ["vis-public"]);
    // Their rows went with them (cascade), skills included.
    for gone in [&deleted, &leavers, &hidden, &unlisted] {
        let rows = gallery_listing::Entity::find_by_id(gone.to_string()).one(&app.state.db).await.unwrap();
        assert!(rows.is_none(), "{gone}");
        let skills = gallery_skill::Entity::find()
            .filter(gallery_skill::Column::ResumeId.eq(gone.as_str()))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(skills, 0, "{gone}");
    }
    // Published again, it is new again.
    let (_, page) = explore(&app, "?sort=newest").await;
    assert_eq!(slugs(&page), ["vis-public"]);
    let again = page["items"][0]["published_at"].as_str().unwrap();
    assert!(again > first_published.as_str().unwrap(), "{again} after {first_published}");
}

/// Every listed slug with the skill Kafka, sorted.
async fn listed(app: &TestApp) -> Vec<String> {
    let mut all = all_pages(app, "sort=newest&skill=kafka", 50).await;
    all.sort();
    all
}

async fn bad_cursors_and_queries_are_refused_with_422(app: TestApp) {
    use base64::Engine;
    let owner = signed_in_as(&app, Account::new(2401, "cursorowner")).await;
    for k in 0..3 {
        published(&app, &owner, &format!("cur-{k}"), &document("C", "Developer", &["Java"])).await;
    }
    let (_, page) = explore(&app, "?sort=likes&limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let (status, _) = explore(&app, &format!("?sort=likes&limit=1&cursor={cursor}")).await;
    assert_eq!(status, 200);
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let mut tampered = cursor.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for (query, field) in [
        ("?cursor=garbage".to_string(), "cursor"),
        (format!("?sort=likes&cursor={tampered}"), "cursor"),
        (format!("?sort=views&cursor={cursor}"), "cursor"),
        (format!("?cursor={}", b64("g1.trending.1' OR '1'='1.00000000-0000-0000-0000-000000000000")), "cursor"),
        (format!("?cursor={}", b64("g1.trending.99999999999999999999.00000000-0000-0000-0000-000000000000")), "cursor"),
        (format!("?cursor={}", "A".repeat(5000)), "cursor"),
        ("?sort=best".to_string(), "sort"),
        ("?role=astronaut".to_string(), "role"),
        ("?limit=0".to_string(), "limit"),
        ("?limit=51".to_string(), "limit"),
        ("?limit=lots".to_string(), "query"),
        (format!("?skill={}", "x".repeat(101)), "skill"),
    ] {
        let (status, body) = explore(&app, &query).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["error"]["fields"][field].is_string(), "{query}: {body}");
    }
    // The page says so in words, with a way back to the first page.
    let res = app.get("/explore?cursor=garbage").await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"explore-error\"") && html.contains("data-testid=\"first-page\""), "{html}");
}

async fn the_page_shows_escaped_cards_with_links_and_works_without_javascript(app: TestApp) {
    let owner = signed_in_as(&app, Account::new(2501, "pageowner")).await;
    let xss = "<script>alert(1)</script>";
    published(
        &app,
        &owner,
        "page-xss",
        &json!({
            "basics": { "name": xss, "label": "<img src=x onerror=alert(2)>", "summary": "\"><svg onload=alert(3)> hi." },
            "skills": [{ "name": "Tech", "keywords": ["React", "\"><b>bold</b>"] }],
        }),
    )
    .await;
    published(&app, &owner, "page-two", &document("Second", "Frontend", &["React"])).await;

    let res =
        app.client.get(app.url("/explore?sort=newest&limit=1")).header("user-agent", BROWSER).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"nav-explore\""), "the header links to the gallery");
    assert!(html.contains("data-testid=\"gallery-card\" data-slug=\"page-two\""), "{html}");
    assert!(html.contains("href=\"/r/page-two\""));
    assert!(html.contains("aria-current=\"page\" data-testid=\"sort-newest\""), "the sort tab is marked");
    // The next page is a link that carries the sort, the page size and the cursor.
    let next = html.split("data-testid=\"next-page\"").next().unwrap();
    let href = next.rsplit("href=\"").next().unwrap().split('"').next().unwrap().replace("&amp;", "&");
    assert!(href.starts_with("/explore?sort=newest&limit=1&cursor="), "{href}");
    let html = app.client.get(app.url(&href)).header("user-agent", BROWSER).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-slug=\"page-xss\"") && !html.contains("data-slug=\"page-two\""));
    // The owner's words are text, never markup.
    for raw in [xss, "<img src=x onerror", "<svg onload", "<b>bold</b>"] {
        assert!(!html.contains(raw), "{raw} is escaped");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("data-testid=\"next-page\""), "the last page has no next link");
    assert!(html.contains("data-testid=\"first-page\""));

    // The filter form is a plain GET; a skill chip is a link filtering on it.
    let html = app.client.get(app.url("/explore?skill=react.js")).send().await.unwrap().text().await.unwrap();
    let html = html.replace("&amp;", "&");
    assert!(html.contains("<form method=\"get\" action=\"/explore\" role=\"search\""), "{html}");
    assert!(html.contains("value=\"React\""), "the skill as understood: {html}");
    assert!(html.contains("href=\"/explore?sort=trending&skill=React\""), "{html}");
    assert_eq!(html.matches("data-testid=\"gallery-card\"").count(), 2);
    // No match: a note, in the page's language.
    let html = app
        .client
        .get(app.url("/explore?skill=cobol"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("No public résumé matches these filters."), "{html}");

    // In the OpenAPI document.
    let (_, spec) = get_json(&app, &Jar::default(), "/api/v1/openapi.json").await;
    let op = &spec["paths"]["/api/v1/explore"]["get"];
    let params: Vec<&str> = op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(params, ["sort", "skill", "role", "cursor", "limit"]);
    assert!(op["responses"]["422"].is_object());
}
