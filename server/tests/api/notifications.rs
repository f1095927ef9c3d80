//! Notifications: a new like, a comment and a reply notify whom they
//! concern (never the one who acted, never for a repeated like, never on a
//! muted résumé); the list pages by id and marks read; nobody sees another's
//! notifications, nor one about a résumé they can no longer read; the live
//! stream delivers and, after a reconnect, replays from the last id; they go
//! with their résumé and account; and one raised on one instance reaches a
//! stream open on another. On SQLite + the in-process store and
//! PostgreSQL + Redis.

use crate::editing::written;
use crate::helpers::{Jar, TestApp};
use crate::imports::{get_json, signed_in_as};
use reqwest::Method;
use serde_json::{json, Value};
use standins::github::fixtures::Account;
use std::time::{Duration, Instant};

db_tests!(
    likes_comments_and_replies_notify_whom_they_concern,
    the_list_pages_by_id_and_marks_read,
    nobody_sees_another_users_notifications_or_a_resume_gone_private,
    the_live_stream_delivers_and_replays_after_the_last_id_seen,
    notifications_go_with_their_resume_and_account,
);

/// A request as the browser sends it (cookie, same origin), with a JSON
/// body unless `Value::Null`.
async fn send(app: &TestApp, jar: &Jar, method: Method, path: &str, body: Value) -> reqwest::Response {
    let mut req =
        app.client.request(method, app.url(path)).header("cookie", jar.header()).header("origin", &app.address);
    if !body.is_null() {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

/// A signed-in user known by the nickname `login`.
async fn member(app: &TestApp, id: u64, login: &str) -> Jar {
    let jar = signed_in_as(app, Account::new(id, login)).await;
    assert_eq!(crate::auth::patch_me(app, &jar, json!({ "nickname": login })).await.status(), 200);
    jar
}

async fn share(app: &TestApp, jar: &Jar, id: &str, visibility: &str) {
    let res =
        send(app, jar, Method::PUT, &format!("/api/v1/resumes/{id}/visibility"), json!({ "visibility": visibility }))
            .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
}

async fn like(app: &TestApp, jar: &Jar, id: &str) {
    assert_eq!(send(app, jar, Method::PUT, &format!("/api/v1/resumes/{id}/like"), Value::Null).await.status(), 200);
}

/// Comment (or reply to `parent`) on résumé `id`; the new comment's id.
async fn comment(app: &TestApp, jar: &Jar, id: &str, body: &str, parent: Option<&str>) -> String {
    let res = send(
        app,
        jar,
        Method::POST,
        &format!("/api/v1/resumes/{id}/comments"),
        json!({ "body": body, "parent_id": parent }),
    )
    .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let threads = res.json::<Value>().await.unwrap();
    // The newest comment anywhere in the threads.
    let mut all: Vec<&Value> = vec![];
    for t in threads.as_array().unwrap() {
        all.push(t);
        all.extend(t["replies"].as_array().unwrap());
    }
    let newest = all.into_iter().max_by_key(|c| c["created_at"].as_str().unwrap().to_string()).unwrap();
    newest["id"].as_str().unwrap().to_string()
}

async fn list(app: &TestApp, jar: &Jar, query: &str) -> Value {
    let (status, page) = get_json(app, jar, &format!("/api/v1/me/notifications{query}")).await;
    assert_eq!(status, 200, "{page}");
    page
}

/// (kind, actor) of each notification, newest first.
async fn seen(app: &TestApp, jar: &Jar) -> Vec<(String, String)> {
    let page = list(app, jar, "?limit=100").await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_string(), n["actor"].as_str().unwrap().to_string()))
        .collect()
}

fn pair(kind: &str, actor: &str) -> (String, String) {
    (kind.to_string(), actor.to_string())
}

async fn likes_comments_and_replies_notify_whom_they_concern(app: TestApp) {
    let (owner, id) = written(&app, 1101, "nt-owner").await;
    assert_eq!(crate::auth::patch_me(&app, &owner, json!({ "nickname": "nt-owner" })).await.status(), 200);
    share(&app, &owner, &id, "unlisted").await;
    let fan = member(&app, 1102, "nt-fan").await;
    let bob = member(&app, 1103, "nt-bob").await;

    // A like tells the owner once: a repeated like is no news, the owner's own like none.
    like(&app, &fan, &id).await;
    like(&app, &fan, &id).await;
    like(&app, &owner, &id).await;
    assert_eq!(seen(&app, &owner).await, vec![pair("like", "nt-fan")]);

    // A comment tells the owner; the owner's own comment tells nobody.
    let payload = "<script>alert('x')</script> 숫자가 있으면 좋겠어요";
    let first = comment(&app, &fan, &id, payload, None).await;
    comment(&app, &owner, &id, "고맙습니다", None).await;
    let page = list(&app, &owner, "").await;
    let n = &page["items"][0];
    assert_eq!((n["kind"].as_str(), n["actor"].as_str()), (Some("comment"), Some("nt-fan")), "{page}");
    assert_eq!(n["comment_id"], first.as_str());
    assert_eq!(n["excerpt"], payload, "the text as written; pages escape it");
    let slug =
        get_json(&app, &owner, &format!("/api/v1/resumes/{id}/share")).await.1["slug"].as_str().unwrap().to_string();
    assert_eq!(n["link"], format!("/r/{slug}#c-{first}"));
    assert_eq!((n["read"].as_bool(), n["muted"].as_bool()), (Some(false), Some(false)));
    assert_eq!(page["unread"], 2);

    // A reply tells the parent's author (a reply) and the owner (a comment on the résumé).
    let reply = comment(&app, &bob, &id, "동의해요", Some(&first)).await;
    assert_eq!(seen(&app, &fan).await, vec![pair("reply", "nt-bob")]);
    let fan_page = list(&app, &fan, "").await;
    assert_eq!(fan_page["items"][0]["link"], format!("/r/{slug}#c-{first}"), "a reply is shown in its thread");
    assert_eq!(fan_page["items"][0]["comment_id"], reply.as_str());
    assert_eq!(seen(&app, &owner).await[0], pair("comment", "nt-bob"));
    // Replying in one's own thread tells the owner only; the owner replying tells the author only.
    comment(&app, &fan, &id, "네", Some(&first)).await;
    comment(&app, &owner, &id, "반영했습니다", Some(&first)).await;
    assert_eq!(seen(&app, &fan).await, vec![pair("reply", "nt-owner"), pair("reply", "nt-bob")]);
    assert_eq!(
        seen(&app, &owner).await,
        vec![pair("comment", "nt-fan"), pair("comment", "nt-bob"), pair("comment", "nt-fan"), pair("like", "nt-fan")]
    );

    // Muted: the owner hears nothing more of this résumé; others still do.
    let res = send(&app, &owner, Method::PUT, &format!("/api/v1/resumes/{id}/mute"), Value::Null).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({ "muted": true }));
    assert_eq!(send(&app, &owner, Method::PUT, &format!("/api/v1/resumes/{id}/mute"), Value::Null).await.status(), 200);
    like(&app, &bob, &id).await;
    comment(&app, &bob, &id, "한 번 더", Some(&first)).await;
    assert_eq!(seen(&app, &owner).await.len(), 4, "nothing new while muted");
    assert_eq!(seen(&app, &fan).await[0], pair("reply", "nt-bob"), "the mute was the owner's, not the fan's");
    assert_eq!(list(&app, &owner, "").await["items"][0]["muted"], true);
    let res = send(&app, &owner, Method::DELETE, &format!("/api/v1/resumes/{id}/mute"), Value::Null).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({ "muted": false }));
    send(&app, &bob, Method::DELETE, &format!("/api/v1/resumes/{id}/like"), Value::Null).await;
    like(&app, &bob, &id).await;
    assert_eq!(seen(&app, &owner).await[0], pair("like", "nt-bob"), "unmuted, a like tells again");

    // The page shows it escaped, as a plain list with forms.
    let html = app
        .client
        .get(app.url("/notifications"))
        .header("cookie", owner.header())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") || html.contains("&lt;script&gt;alert('x')"),
        "{html}"
    );
    assert!(!html.contains("<script>alert("), "nothing executes");
    assert!(html.contains("data-testid=\"notify-badge\"") && html.contains("data-unread=\"5\""), "the header's badge");
    assert!(html.contains("action=\"/sfn/notifications/read\""), "mark read is a plain form");
}

async fn the_list_pages_by_id_and_marks_read(app: TestApp) {
    let (owner, id) = written(&app, 1111, "pg-owner").await;
    share(&app, &owner, &id, "public").await;
    let fan = member(&app, 1112, "pg-fan").await;
    for k in 0..5 {
        comment(&app, &fan, &id, &format!("의견 {k}"), None).await;
    }
    let first = list(&app, &owner, "?limit=2").await;
    let ids =
        |p: &Value| -> Vec<i64> { p["items"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect() };
    let a = ids(&first);
    assert_eq!(a.len(), 2);
    assert!(a[0] > a[1], "newest first");
    assert_eq!(first["items"][0]["excerpt"], "의견 4");
    assert_eq!(first["unread"], 5);
    // Something new between pages does not shift the next page (keyset, not offset).
    like(&app, &fan, &id).await;
    let second = list(&app, &owner, &format!("?limit=2&cursor={}", first["next_cursor"].as_str().unwrap())).await;
    let b = ids(&second);
    assert_eq!(b.len(), 2);
    assert!(b[0] < a[1], "{a:?} then {b:?}");
    let third = list(&app, &owner, &format!("?limit=2&cursor={}", second["next_cursor"].as_str().unwrap())).await;
    let c = ids(&third);
    assert_eq!((c.len(), third["next_cursor"].is_null()), (1, true));
    assert_eq!(third["items"][0]["excerpt"], "의견 0");
    assert_eq!(third["unread"], 6);
    assert_eq!(get_json(&app, &owner, "/api/v1/me/notifications?cursor=abc").await.0, 422);

    // Mark one read, then everything up to the newest.
    let read = |body: Value| send(&app, &owner, Method::POST, "/api/v1/me/notifications/read", body);
    let res = read(json!({ "ids": [a[0]] })).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({ "unread": 5 }));
    let page = list(&app, &owner, "?limit=100").await;
    let marked: Vec<(i64, bool)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_i64().unwrap(), n["read"].as_bool().unwrap()))
        .collect();
    assert!(marked.iter().all(|(i, r)| *r == (*i == a[0])), "{marked:?}");
    let newest = page["items"][0]["id"].as_i64().unwrap();
    assert_eq!(read(json!({ "up_to": newest - 1 })).await.json::<Value>().await.unwrap(), json!({ "unread": 1 }));
    assert_eq!(read(json!({ "up_to": newest })).await.json::<Value>().await.unwrap(), json!({ "unread": 0 }));
    assert_eq!(read(json!({})).await.status(), 422, "neither ids nor up_to");
    assert_eq!(read(json!({ "ids": (0..501).collect::<Vec<i64>>() })).await.status(), 422);
    assert_eq!(read(json!({ "ids": "all" })).await.status(), 422);

    // The same with plain forms (no JavaScript): mark read and mute.
    comment(&app, &fan, &id, "또 하나", None).await;
    let newest = list(&app, &owner, "").await["items"][0]["id"].as_i64().unwrap();
    let form = |path: &str, body: String| {
        app.client
            .post(app.url(path))
            .header("cookie", owner.header())
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let res = form("/sfn/notifications/read", format!("id={newest}")).await.unwrap();
    assert!(res.status().is_redirection() && res.headers()["location"] == "/notifications", "{res:?}");
    assert_eq!(list(&app, &owner, "").await["unread"], 0);
    let res = form("/sfn/notifications/mute", format!("id={id}&mute=true")).await.unwrap();
    assert!(res.status().is_redirection(), "{res:?}");
    assert_eq!(list(&app, &owner, "").await["items"][0]["muted"], true);
}

async fn nobody_sees_another_users_notifications_or_a_resume_gone_private(app: TestApp) {
    let (owner, id) = written(&app, 1121, "az-owner").await;
    share(&app, &owner, &id, "unlisted").await;
    let fan = member(&app, 1122, "az-fan").await;
    let stranger = member(&app, 1123, "az-stranger").await;
    let first = comment(&app, &fan, &id, "좋아요", None).await;
    comment(&app, &owner, &id, "감사합니다", Some(&first)).await;
    let owners = list(&app, &owner, "").await;
    assert_eq!(owners["items"].as_array().unwrap().len(), 1);
    let theirs = owners["items"][0]["id"].as_i64().unwrap();

    // Only one's own: a stranger sees none and cannot mark the owner's read.
    assert_eq!(list(&app, &stranger, "").await, json!({ "items": [], "next_cursor": null, "unread": 0 }));
    let res = send(
        &app,
        &stranger,
        Method::POST,
        "/api/v1/me/notifications/read",
        json!({ "ids": [theirs], "up_to": theirs }),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({ "unread": 0 }));
    assert_eq!(list(&app, &owner, "").await["unread"], 1, "the owner's are untouched");
    for path in ["/api/v1/me/notifications", "/api/v1/me/notifications/events"] {
        assert_eq!(app.get(path).await.status(), 401, "{path}");
    }

    // Private again: the fan (told of a reply) no longer sees it; the owner still does.
    assert_eq!(list(&app, &fan, "").await["unread"], 1);
    share(&app, &owner, &id, "private").await;
    assert_eq!(list(&app, &fan, "").await, json!({ "items": [], "next_cursor": null, "unread": 0 }));
    assert_eq!(list(&app, &owner, "").await["items"].as_array().unwrap().len(), 1);
    // Muting a résumé one cannot read is 404, like reading it; one's own is fine.
    for who in [&fan, &stranger] {
        for m in [Method::PUT, Method::DELETE] {
            assert_eq!(send(&app, who, m, &format!("/api/v1/resumes/{id}/mute"), Value::Null).await.status(), 404);
        }
    }
    let missing = "00000000-0000-0000-0000-000000000000";
    assert_eq!(
        send(&app, &fan, Method::PUT, &format!("/api/v1/resumes/{missing}/mute"), Value::Null).await.status(),
        404
    );
    assert_eq!(send(&app, &owner, Method::PUT, &format!("/api/v1/resumes/{id}/mute"), Value::Null).await.status(), 200);
    // Shared again, it is back.
    share(&app, &owner, &id, "public").await;
    assert_eq!(list(&app, &fan, "").await["items"][0]["kind"], "reply");
}

/// A live stream of notification events, read as it arrives.
struct Events {
    res: reqwest::Response,
    buf: String,
}

/// One server-sent event: its name, `id:` and JSON data.
#[derive(Debug)]
struct Sse {
    event: String,
    id: Option<i64>,
    data: Value,
}

impl Events {
    async fn open(app: &TestApp, jar: &Jar, last_event_id: Option<i64>, query: &str) -> reqwest::Response {
        let mut req =
            app.client.get(app.url(&format!("/api/v1/me/notifications/events{query}"))).header("cookie", jar.header());
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        req.send().await.unwrap()
    }

    async fn connect(app: &TestApp, jar: &Jar, last_event_id: Option<i64>, query: &str) -> Self {
        let res = Self::open(app, jar, last_event_id, query).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Self { res, buf: String::new() }
    }

    /// The next event within `wait` (keep-alive comments skipped).
    async fn next(&mut self, wait: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut event, mut id, mut data) = (None, None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if let Some(event) = event {
                    return Some(Sse { event, id, data: serde_json::from_str(&data).unwrap_or(Value::Null) });
                }
            }
            match tokio::time::timeout_at(deadline, self.res.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }

    /// The next event, which must come within a few seconds.
    async fn expect(&mut self, what: &str) -> Sse {
        self.next(Duration::from_secs(10)).await.unwrap_or_else(|| panic!("no event: waited for {what}"))
    }
}

async fn the_live_stream_delivers_and_replays_after_the_last_id_seen(app: TestApp) {
    let (owner, id) = written(&app, 1131, "lv-owner").await;
    share(&app, &owner, &id, "unlisted").await;
    let fan = member(&app, 1132, "lv-fan").await;
    comment(&app, &fan, &id, "먼저 온 의견", None).await;

    // The count now first, its id the newest so far; then each new one as it comes.
    let mut live = Events::connect(&app, &owner, None, "").await;
    let first = live.expect("the unread count").await;
    assert_eq!((first.event.as_str(), &first.data), ("unread", &json!({ "unread": 1 })));
    let start = first.id.expect("the count carries the cursor");
    let started = Instant::now();
    like(&app, &fan, &id).await;
    let n = live.expect("the like").await;
    assert!(started.elapsed() < Duration::from_secs(5), "woken by pub/sub, not a re-read: {:?}", started.elapsed());
    assert_eq!(
        (n.event.as_str(), n.data["kind"].as_str(), n.data["actor"].as_str()),
        ("notification", Some("like"), Some("lv-fan"))
    );
    let like_id = n.id.unwrap();
    assert!(like_id > start && n.data["id"] == like_id);
    assert_eq!(live.expect("the new count").await.data, json!({ "unread": 2 }));
    // Marked read elsewhere (another tab): the count follows.
    send(&app, &owner, Method::POST, "/api/v1/me/notifications/read", json!({ "up_to": like_id })).await;
    let u = live.expect("the count after mark-read").await;
    assert_eq!((u.event.as_str(), &u.data), ("unread", &json!({ "unread": 0 })));
    drop(live);

    // While the tab is away, two comments; reconnecting with Last-Event-ID replays them, in order.
    let c1 = comment(&app, &fan, &id, "하나", None).await;
    let c2 = comment(&app, &fan, &id, "둘", None).await;
    let mut again = Events::connect(&app, &owner, Some(like_id), "").await;
    assert_eq!(again.expect("the count").await.data, json!({ "unread": 2 }));
    let (r1, r2) = (again.expect("the first missed").await, again.expect("the second missed").await);
    assert_eq!(
        (r1.data["comment_id"].as_str(), r2.data["comment_id"].as_str()),
        (Some(c1.as_str()), Some(c2.as_str()))
    );
    assert!(r1.id.unwrap() > like_id && r2.id.unwrap() > r1.id.unwrap());
    assert!(again.next(Duration::from_millis(500)).await.is_none(), "nothing else");
    drop(again);
    // `?after=` does the same for clients that cannot set the header.
    let mut after = Events::connect(&app, &owner, None, &format!("?after={}", r1.id.unwrap())).await;
    after.expect("the count").await;
    assert_eq!(after.expect("the one after").await.id, r2.id);
    drop(after);

    // A few streams per user at most; a closed one frees its place at once.
    let mut open = vec![];
    for _ in 0..6 {
        open.push(Events::connect(&app, &owner, None, "").await);
    }
    let res = Events::open(&app, &owner, None, "").await;
    assert_eq!(res.status(), 429);
    drop(res);
    open.pop();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let res = Events::open(&app, &owner, None, "").await;
        if res.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "a closed stream's place was never freed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Signed out (the access cookie gone, the sign-in hint kept): the stream
    // sends the browser through the cookie refresh and back to itself.
    let mut stale = owner.clone();
    assert!(stale.0.remove("pf_access").is_some() && stale.get("pf_signed_in").is_some(), "{stale:?}");
    let res = app
        .client
        .get(app.url("/api/v1/me/notifications/events"))
        .header("cookie", stale.header())
        .header("last-event-id", like_id.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap();
    assert_eq!(to, format!("/api/v1/auth/refresh?return_to=/api/v1/me/notifications/events%3Fafter%3D{like_id}"));
}

async fn notifications_go_with_their_resume_and_account(app: TestApp) {
    use app::notify::ssr::entities::{notification, notification_mute};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let (owner, id) = written(&app, 1141, "dl-owner").await;
    share(&app, &owner, &id, "unlisted").await;
    let fan = member(&app, 1142, "dl-fan").await;
    let bob = member(&app, 1143, "dl-bob").await;
    like(&app, &fan, &id).await;
    let first = comment(&app, &fan, &id, "의견", None).await;
    comment(&app, &bob, &id, "답글", Some(&first)).await;
    comment(&app, &bob, &id, "따로 남긴 의견", None).await;
    send(&app, &fan, Method::PUT, &format!("/api/v1/resumes/{id}/mute"), Value::Null).await;
    let db = &app.state.db;
    let count = |col: notification::Column, v: String| async move {
        notification::Entity::find().filter(col.eq(v)).count(db).await.unwrap()
    };
    let fan_id = get_json(&app, &fan, "/api/v1/me").await.1["id"].as_str().unwrap().to_string();
    assert_eq!(count(notification::Column::ResumeId, id.clone()).await, 5, "like, comment, reply + comment, comment");
    assert_eq!(count(notification::Column::RecipientId, fan_id.clone()).await, 1);

    // The fan deletes their account: what they did and what they were told go.
    assert_eq!(send(&app, &fan, Method::DELETE, "/api/v1/me", Value::Null).await.status(), 204);
    assert_eq!(count(notification::Column::ActorId, fan_id.clone()).await, 0);
    assert_eq!(count(notification::Column::RecipientId, fan_id.clone()).await, 0);
    assert_eq!(
        notification_mute::Entity::find()
            .filter(notification_mute::Column::UserId.eq(&fan_id))
            .count(db)
            .await
            .unwrap(),
        0
    );
    // Bob's reply went with the fan's comment it answered; his own comment stays.
    assert_eq!(seen(&app, &owner).await, vec![pair("comment", "dl-bob")]);

    // The résumé is deleted: every notification about it goes.
    assert_eq!(send(&app, &owner, Method::DELETE, &format!("/api/v1/resumes/{id}"), Value::Null).await.status(), 204);
    assert_eq!(count(notification::Column::ResumeId, id.clone()).await, 0);
    assert_eq!(list(&app, &owner, "").await["unread"], 0);
}

/// Two instances on one PostgreSQL and one Redis: a like on instance A
/// reaches the owner's stream open on instance B, woken by pub/sub (well
/// before B's periodic re-read).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_notification_raised_on_one_instance_reaches_a_stream_on_another() {
    use crate::helpers::{fresh_postgres_database, spawn_app_on, unique, Backend, Options};
    use crate::instances::{ed25519_pem, shared, sign_in};
    use standins::github::{fixtures::Repo, GithubStandIn};
    let Some(db) = fresh_postgres_database().await else { return };
    if crate::helpers::fresh_redis_store().await.is_none() {
        return;
    }
    let github = GithubStandIn::start().await;
    let free_port = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (port_a, port_b) = (free_port(), free_port());
    let tweak = shared(
        format!("http://127.0.0.1:{port_a}"),
        db,
        unique("proofolio-test:") + ":",
        ed25519_pem(),
        github.url.clone(),
        github.graphql_url(),
    );
    let (ta, tb) = (tweak.clone(), tweak.clone());
    let a = spawn_app_on(Backend::Postgres, Options { redis_url: None, tweak: Box::new(ta) }, port_a).await.unwrap();
    let b = spawn_app_on(Backend::Postgres, Options { redis_url: None, tweak: Box::new(tb) }, port_b).await.unwrap();

    let developer = Account::new(1151, "x-owner").with_repo(Repo::new("transit-api").language("Rust", 90_000));
    let owner = sign_in(&a, &github, developer).await;
    crate::imports::import(&a, &owner).await;
    let res = crate::imports::post_json(&a, &owner, "/api/v1/resumes", &json!({ "language": "en" })).await;
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(crate::resumes::settled(&a, &owner, &id).await["status"], "ready");
    share(&a, &owner, &id, "unlisted").await;
    let fan = sign_in(&a, &github, Account::new(1152, "x-fan")).await;

    let mut on_b = Events::connect(&b, &owner, None, "").await;
    assert_eq!(on_b.expect("the count").await.data, json!({ "unread": 0 }));
    let started = Instant::now();
    like(&a, &fan, &id).await;
    let n = on_b.expect("the like raised on A").await;
    assert!(started.elapsed() < Duration::from_secs(5), "through pub/sub: {:?}", started.elapsed());
    assert_eq!(
        (n.event.as_str(), n.data["kind"].as_str(), n.data["actor"].as_str()),
        ("notification", Some("like"), Some("x-fan"))
    );
    assert_eq!(on_b.expect("the count").await.data, json!({ "unread": 1 }));
    // Marked read on A: B's stream hears of it too.
    send(&a, &owner, Method::POST, "/api/v1/me/notifications/read", json!({ "up_to": n.id.unwrap() })).await;
    assert_eq!(on_b.expect("the count after mark-read").await.data, json!({ "unread": 0 }));
}

/// Redis dies (a private `redis-server`, killed): a like still succeeds and
/// is stored, counted as not announced, and a stream that was open finds it
/// on its periodic re-read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_store_down_likes_still_notify_and_streams_catch_up() {
    use crate::helpers::{spawn_app_with, Backend, Options, PrivateRedis};
    let Some(mut redis) = PrivateRedis::start().await else { return };
    let options = Options { redis_url: Some(redis.url()), ..Default::default() };
    let Some(app) = spawn_app_with(Backend::Postgres, options).await else { return };
    let (owner, id) = written(&app, 1161, "od-owner").await;
    share(&app, &owner, &id, "unlisted").await;
    let fan = member(&app, 1162, "od-fan").await;
    let mut live = Events::connect(&app, &owner, None, "").await;
    assert_eq!(live.expect("the count").await.data, json!({ "unread": 0 }));

    redis.kill();
    let started = Instant::now();
    like(&app, &fan, &id).await;
    assert_eq!(seen(&app, &owner).await, vec![pair("like", "od-fan")], "stored whatever the store");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("proofolio_notifications_unannounced_total 1"), "{metrics}");
    let n = live.next(Duration::from_secs(25)).await.expect("the stream re-reads the database");
    assert_eq!((n.event.as_str(), n.data["kind"].as_str()), ("notification", Some("like")));
    assert!(started.elapsed() < Duration::from_secs(25));
}
