//! Accounts over HTTP, as a browser and as an API client: GitHub sign-in
//! against the stand-in, state and code checks, token forgery, refresh
//! rotation and reuse detection, linking, unlinking, deletion, CSRF and
//! rate limits.

use crate::helpers::{captured_logs, spawn_app_with, Backend, Jar, Options, TestApp};
use app::account::ssr::entities::{auth_event, identity, refresh_token, session, user};
use app::account::ssr::tokens::{Claims, TokenKeys, AUDIENCE};
use app::platform::ssr::entities::job;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

db_tests!(
    github_sign_in_asks_for_a_nickname_then_lands_where_it_started,
    a_state_mismatch_is_refused_and_opens_no_session,
    a_replayed_authorization_code_is_refused,
    expired_forged_and_confused_tokens_get_401,
    refresh_rotates_and_reuse_revokes_the_whole_family,
    two_refreshes_at_once_leave_the_user_signed_in,
    sessions_end_at_their_absolute_lifetime,
    a_bearer_header_does_not_unlock_the_cookies,
    a_taken_nickname_gets_a_clear_error_and_a_suggestion,
    linking_a_second_provider_and_never_unlinking_the_last,
    deleting_the_account_removes_every_row_of_the_user,
    sign_out_everywhere_ends_other_devices_at_once,
    cookie_requests_from_another_site_are_refused,
    sessions_are_listed_and_can_be_ended_one_by_one,
    nothing_secret_reaches_the_logs,
);

/// Run GitHub's sign-in as a browser would; the jar holds the cookies.
pub async fn github_sign_in(app: &TestApp, jar: &mut Jar, return_to: &str) -> reqwest::Response {
    let res = app
        .client
        .get(app.url("/auth/github/login"))
        .query(&[("return_to", return_to)])
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "login redirects to GitHub");
    jar.absorb(&res);
    let authorize = res.headers()["location"].to_str().unwrap().to_string();
    assert!(authorize.starts_with(&format!("{}/login/oauth/authorize?", app.github.url)), "{authorize}");
    assert!(authorize.contains("code_challenge_method=S256"));
    let consent = app.client.get(&authorize).send().await.unwrap();
    assert_eq!(consent.status(), 303);
    let callback = consent.headers()["location"].to_str().unwrap().to_string();
    let res = app.client.get(&callback).header("cookie", jar.header()).send().await.unwrap();
    jar.absorb(&res);
    res
}

async fn signed_in(app: &TestApp, nickname: &str) -> Jar {
    let mut jar = Jar::default();
    let res = github_sign_in(app, &mut jar, "/").await;
    assert_eq!(res.status(), 303);
    let res = patch_me(app, &jar, json!({ "nickname": nickname })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    jar
}

/// A same-site browser request: its cookies and our Origin.
async fn as_browser(app: &TestApp, method: reqwest::Method, url: String, jar: &Jar) -> reqwest::Response {
    app.client.request(method, url).header("cookie", jar.header()).header("origin", &app.address).send().await.unwrap()
}

async fn me(app: &TestApp, jar: &Jar) -> reqwest::Response {
    app.client.get(app.url("/api/v1/me")).header("cookie", jar.header()).send().await.unwrap()
}

pub(crate) async fn patch_me(app: &TestApp, jar: &Jar, body: Value) -> reqwest::Response {
    app.client
        .patch(app.url("/api/v1/me"))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn bearer_me(app: &TestApp, token: &str) -> reqwest::StatusCode {
    app.client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap().status()
}

async fn github_sign_in_asks_for_a_nickname_then_lands_where_it_started(app: TestApp) {
    let mut jar = Jar::default();
    let res = github_sign_in(&app, &mut jar, "/r/somewhere?tab=2").await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/welcome?return_to=/r/somewhere%3Ftab%3D2",
        "first sign-in picks a nickname"
    );
    let cookies: Vec<_> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let access = cookies.iter().find(|c| c.starts_with("pf_access=")).expect("access cookie");
    assert!(access.contains("HttpOnly") && access.contains("SameSite=Lax") && access.contains("Path=/"), "{access}");
    let refresh = cookies.iter().find(|c| c.starts_with("pf_refresh=")).expect("refresh cookie");
    assert!(refresh.contains("HttpOnly") && refresh.contains("Path=/api/v1/auth"), "{refresh}");

    let body: Value = me(&app, &jar).await.json().await.unwrap();
    assert_eq!(body["nickname"], Value::Null);
    assert_eq!(body["display_name"], "The Octocat");
    assert_eq!(body["email"], "octocat@example.com", "the verified primary address");
    assert_eq!(body["identities"][0]["provider"], "github");
    assert_eq!(body["identities"][0]["login"], "octocat");
    assert!(!body.to_string().contains("gho_"), "the GitHub token never leaves the server");

    // The GitHub token is stored, encrypted, and opens with the app's key.
    let ident = identity::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let sealed = ident.access_token_enc.unwrap();
    let token = app.github.issued_tokens().pop().unwrap();
    assert!(!sealed.contains(&token));
    let row = app::account::ssr::accounts::token_row(&ident.provider, &ident.subject);
    assert_eq!(app.state.auth.sealer.open(&sealed, &row).unwrap(), token);
    assert!(app.state.auth.sealer.open(&sealed, "identity:github:someone-else").is_err(), "bound to its row");

    let res = patch_me(&app, &jar, json!({ "nickname": "김옥토" })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["nickname"], "김옥토");

    // A second sign-in goes straight back where it started.
    let mut second = Jar::default();
    let res = github_sign_in(&app, &mut second, "/after").await;
    assert_eq!(res.headers()["location"], "/after");
    assert_eq!(user::Entity::find().count(&app.state.db).await.unwrap(), 1, "the same person, one account");
}

async fn a_state_mismatch_is_refused_and_opens_no_session(app: TestApp) {
    let mut jar = Jar::default();
    let res = app.client.get(app.url("/auth/github/login")).send().await.unwrap();
    jar.absorb(&res);
    let authorize = res.headers()["location"].to_str().unwrap().to_string();
    let consent = app.client.get(&authorize).send().await.unwrap();
    let callback = consent.headers()["location"].to_str().unwrap().to_string();
    let forged = regex_replace_state(&callback, "attacker-chosen-state");
    let res = app.client.get(&forged).header("cookie", jar.header()).send().await.unwrap();
    assert!(res.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("pf_access=")));
    sign_in_failed(&app, res, "sign_in_unverified", "could not be verified").await;
    assert_eq!(session::Entity::find().count(&app.state.db).await.unwrap(), 0);

    // Without the login cookie at all (another browser), likewise.
    let res = app.client.get(&callback).send().await.unwrap();
    sign_in_failed(&app, res, "sign_in_expired", "started elsewhere").await;
    assert_eq!(session::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

/// A failed sign-in lands on the sign-in page, which says what happened in
/// the reader's language (and in Korean by default).
async fn sign_in_failed(app: &TestApp, res: reqwest::Response, code: &str, english: &str) {
    assert_eq!(res.status(), 303, "a failed sign-in goes back to the sign-in page");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/signin?error={code}"));
    let page = app.client.get(app.url(&location)).header("accept-language", "en").send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign-in failed") && html.contains(english), "{code}: {html}");
    let korean = app.client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(korean.contains("로그인하지 못했습니다"), "{korean}");
}

fn regex_replace_state(url: &str, state: &str) -> String {
    let (base, query) = url.split_once('?').unwrap();
    let rebuilt: Vec<String> = query
        .split('&')
        .map(|kv| if kv.starts_with("state=") { format!("state={state}") } else { kv.to_string() })
        .collect();
    format!("{base}?{}", rebuilt.join("&"))
}

async fn a_replayed_authorization_code_is_refused(app: TestApp) {
    let mut jar = Jar::default();
    let res = app.client.get(app.url("/auth/github/login")).send().await.unwrap();
    jar.absorb(&res);
    let consent = app.client.get(res.headers()["location"].to_str().unwrap()).send().await.unwrap();
    let callback = consent.headers()["location"].to_str().unwrap().to_string();
    let first = app.client.get(&callback).header("cookie", jar.header()).send().await.unwrap();
    assert_eq!(first.status(), 303, "the first use signs in");

    // The same callback again, login cookie and all: refused.
    let again = app.client.get(&callback).header("cookie", jar.header()).send().await.unwrap();
    sign_in_failed(&app, again, "sign_in_expired", "already used").await;

    // The old code under a fresh, valid state: GitHub refuses the code.
    let mut jar2 = Jar::default();
    let res = app.client.get(app.url("/auth/github/login")).send().await.unwrap();
    jar2.absorb(&res);
    let fresh_state = res.headers()["location"]
        .to_str()
        .unwrap()
        .split('&')
        .find_map(|kv| kv.split_once("state=").map(|(_, v)| v.to_string()))
        .unwrap();
    let replay = regex_replace_state(&callback, &fresh_state);
    let res = app.client.get(&replay).header("cookie", jar2.header()).send().await.unwrap();
    sign_in_failed(&app, res, "sign_in_rejected", "refused the sign-in").await;
    assert_eq!(
        session::Entity::find().count(&app.state.db).await.unwrap(),
        1,
        "only the first sign-in opened a session"
    );

    // A copied login cookie and a second, perfectly valid code for the same
    // state: the state was spent on the server by the first callback.
    let mut jar3 = Jar::default();
    let res = app.client.get(app.url("/auth/github/login")).send().await.unwrap();
    jar3.absorb(&res);
    let authorize = res.headers()["location"].to_str().unwrap().to_string();
    let consent1 = app.client.get(&authorize).send().await.unwrap();
    let consent2 = app.client.get(&authorize).send().await.unwrap();
    let (cb1, cb2) =
        (consent1.headers()["location"].to_str().unwrap(), consent2.headers()["location"].to_str().unwrap());
    assert_ne!(cb1, cb2, "two different codes");
    assert_eq!(app.client.get(cb1).header("cookie", jar3.header()).send().await.unwrap().status(), 303);
    let res = app.client.get(cb2).header("cookie", jar3.header()).send().await.unwrap();
    sign_in_failed(&app, res, "sign_in_expired", "already used").await;
    assert_eq!(session::Entity::find().count(&app.state.db).await.unwrap(), 2);
}

async fn expired_forged_and_confused_tokens_get_401(app: TestApp) {
    let jar = signed_in(&app, "tokens").await;
    let res = me(&app, &jar).await;
    assert_eq!(res.status(), 200);
    let user_id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let sid = session::Entity::find().one(&app.state.db).await.unwrap().unwrap().id;
    let keys = &app.state.auth.tokens;
    assert_eq!(bearer_me(&app, &keys.issue(&user_id, &sid)).await, 200, "a good token works as Bearer");

    let now = chrono::Utc::now().timestamp();
    assert_eq!(bearer_me(&app, &keys.issue_at(&user_id, &sid, now - 1000, now - 60)).await, 401, "expired");
    let stranger = TokenKeys::new(None, app.state.auth.tokens.issuer()).unwrap();
    assert_eq!(bearer_me(&app, &stranger.issue(&user_id, &sid)).await, 401, "signed with another key");

    let claims = Claims {
        sub: user_id.clone(),
        sid: sid.clone(),
        iat: now,
        exp: now + 600,
        iss: keys.issuer().to_string(),
        aud: AUDIENCE.into(),
    };
    let payload = B64.encode(serde_json::to_vec(&claims).unwrap());
    let none = format!("{}.{payload}.", B64.encode(br#"{"alg":"none","typ":"JWT"}"#));
    assert_eq!(bearer_me(&app, &none).await, 401, "alg none");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(keys.kid().to_string());
    let hs =
        jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(keys.public_key())).unwrap();
    assert_eq!(bearer_me(&app, &hs).await, 401, "HS256 keyed with our public key");
    assert_eq!(bearer_me(&app, "garbage").await, 401);

    let res = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");
}

async fn refresh_rotates_and_reuse_revokes_the_whole_family(app: TestApp) {
    let jar = signed_in(&app, "rotator").await;
    let r1 = jar.get("pf_refresh").unwrap().to_string();
    let refresh = |token: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/auth/refresh"))
                .json(&json!({ "refresh_token": token }))
                .send()
                .await
                .unwrap()
        }
    };
    let res = refresh(r1.clone()).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_i64().unwrap() <= 900);
    let r2 = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2, "rotated");
    let access2 = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(bearer_me(&app, &access2).await, 200);

    let body: Value = refresh(r2.clone()).await.json().await.unwrap();
    let r3 = body["refresh_token"].as_str().unwrap().to_string();
    let access3 = body["access_token"].as_str().unwrap().to_string();

    // r1 was rotated long ago: someone copied it. The family dies.
    assert_eq!(refresh(r1).await.status(), 401);
    assert_eq!(refresh(r3).await.status(), 401, "the current refresh token stops working");
    assert_eq!(bearer_me(&app, &access3).await, 401, "and so do its access tokens");
    assert_eq!(me(&app, &jar).await.status(), 401, "and the browser's cookie");
    let reuse = auth_event::Entity::find()
        .filter(auth_event::Column::Kind.eq("refresh_reuse_detected"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(reuse, 1, "recorded for security review");

    // A browser refreshes with its cookie (and an Origin).
    let jar = signed_in_again(&app).await;
    let res = as_browser(&app, reqwest::Method::POST, app.url("/api/v1/auth/refresh"), &jar).await;
    assert_eq!(res.status(), 200);
    let set: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(set.iter().any(|c| c.starts_with("pf_access=") && c.contains("HttpOnly")), "{set:?}");
    assert!(set.iter().any(|c| c.starts_with("pf_refresh=") && c.contains("HttpOnly")), "{set:?}");
    let body: Value = res.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "browsers get the refresh token as a cookie only");
    assert!(body.get("access_token").is_none(), "and no script on the page gets a Bearer token: {body}");
    assert_eq!(body["expires_in"], 900);
}

async fn refresh_with(app: &TestApp, token: &str) -> reqwest::Response {
    app.client.post(app.url("/api/v1/auth/refresh")).json(&json!({ "refresh_token": token })).send().await.unwrap()
}

/// Two tabs restored at once both refresh with the same token: both get a
/// working successor and the user stays signed in. A token presented again
/// after its successor has itself been used is still treated as stolen.
async fn two_refreshes_at_once_leave_the_user_signed_in(app: TestApp) {
    let jar = signed_in(&app, "two_tabs").await;
    let r1 = jar.get("pf_refresh").unwrap().to_string();
    let (a, b) = tokio::join!(refresh_with(&app, &r1), refresh_with(&app, &r1));
    assert_eq!((a.status(), b.status()), (reqwest::StatusCode::OK, reqwest::StatusCode::OK));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    for body in [&a, &b] {
        assert_eq!(bearer_me(&app, body["access_token"].as_str().unwrap()).await, 200, "{body}");
    }
    let ra = a["refresh_token"].as_str().unwrap().to_string();
    let rb = b["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(ra, rb);
    assert_eq!(me(&app, &jar).await.status(), 200, "the browser is still signed in");
    let revoked = session::Entity::find().filter(session::Column::RevokedAt.is_not_null()).count(&app.state.db).await;
    assert_eq!(revoked.unwrap(), 0, "no family was revoked");

    // Each tab carries on with its own successor.
    let next_a = refresh_with(&app, &ra).await;
    assert_eq!(next_a.status(), 200);
    let next_b = refresh_with(&app, &rb).await;
    assert_eq!(next_b.status(), 200);
    let current = next_b.json::<Value>().await.unwrap()["refresh_token"].as_str().unwrap().to_string();

    // r1's successors have been rotated since: r1 now is a copy.
    assert_eq!(refresh_with(&app, &r1).await.status(), 401);
    assert_eq!(refresh_with(&app, &current).await.status(), 401, "the family is revoked");
    let reuse = auth_event::Entity::find()
        .filter(auth_event::Column::Kind.eq("refresh_reuse_detected"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(reuse, 1);
}

/// However actively used, a session ends at its absolute lifetime.
async fn sessions_end_at_their_absolute_lifetime(app: TestApp) {
    let jar = signed_in(&app, "forever").await;
    let r1 = jar.get("pf_refresh").unwrap().to_string();
    let res = refresh_with(&app, &r1).await;
    assert_eq!(res.status(), 200);
    let r2 = res.json::<Value>().await.unwrap()["refresh_token"].as_str().unwrap().to_string();
    let s = session::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let days = i64::from(app.state.settings.auth.session_max_days);
    assert!(s.expires_at <= s.created_at + chrono::Duration::days(days), "never slides past the absolute end");
    // Signed in long ago, used every day since.
    session::Entity::update_many()
        .col_expr(
            session::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::days(days)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(refresh_with(&app, &r2).await.status(), 401);
}

/// `Authorization: Bearer` exempts a request from the origin check only
/// because it then authenticates by that token alone: the header cannot
/// be used to ride on the browser's cookies.
async fn a_bearer_header_does_not_unlock_the_cookies(app: TestApp) {
    let jar = signed_in(&app, "headers").await;
    let refresh_before = jar.get("pf_refresh").unwrap().to_string();
    for bearer in ["Bearer garbage", "Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln"] {
        let res = app
            .client
            .post(app.url("/api/v1/auth/refresh"))
            .header("cookie", jar.header())
            .header("authorization", bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{bearer}");
        assert!(!jar_rotated(&res), "no new cookies");
        let res = app
            .client
            .patch(app.url("/api/v1/me"))
            .header("cookie", jar.header())
            .header("authorization", bearer)
            .json(&json!({ "nickname": "hijacked" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{bearer}");
    }
    assert_eq!(me(&app, &jar).await.json::<Value>().await.unwrap()["nickname"], "headers");
    assert_eq!(refresh_with(&app, &refresh_before).await.status(), 200, "the cookie's token was never rotated");
}

fn jar_rotated(res: &reqwest::Response) -> bool {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("pf_refresh=") && !c.to_str().unwrap().starts_with("pf_refresh=;"))
}

async fn signed_in_again(app: &TestApp) -> Jar {
    let mut jar = Jar::default();
    github_sign_in(app, &mut jar, "/").await;
    jar
}

async fn a_taken_nickname_gets_a_clear_error_and_a_suggestion(app: TestApp) {
    let _first = signed_in(&app, "Hangul_Dev").await;
    app.github.sign_in_as(1001, "other");
    let mut jar = Jar::default();
    github_sign_in(&app, &mut jar, "/").await;
    let res = patch_me(&app, &jar, json!({ "nickname": "hangul_dev" })).await;
    assert_eq!(res.status(), 422, "unique without regard to case");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["fields"]["nickname"], "taken");
    assert_eq!(body["error"]["fields"]["suggestion"], "hangul_dev2");
    for (bad, code) in [
        ("a", "too_short"),
        ("<b>hi</b>", "invalid_characters"),
        ("스물한글자스물한글자스물한글자스물한글자스", "too_long"),
    ] {
        let res = patch_me(&app, &jar, json!({ "nickname": bad })).await;
        assert_eq!(res.status(), 422);
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["fields"]["nickname"], code, "{bad}");
    }
    let res = patch_me(&app, &jar, json!({ "nickname": "hangul_dev2" })).await;
    assert_eq!(res.status(), 200);
}

async fn linking_a_second_provider_and_never_unlinking_the_last(app: TestApp) {
    // Start with the demo sign-in (local profile), then link GitHub.
    let mut jar = Jar::default();
    let res = app
        .client
        .post(app.url("/auth/demo"))
        .header("origin", &app.address)
        .form(&[("return_to", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    jar.absorb(&res);
    // Another site cannot start the linking: it is a POST behind the origin check.
    let res = app
        .client
        .post(app.url("/auth/github/link"))
        .header("cookie", jar.header())
        .header("origin", "https://evil.example")
        .form(&[("return_to", "/settings/account")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(app.url("/auth/github/link"))
        .header("cookie", jar.header())
        .form(&[("return_to", "/settings/account")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no Origin at all");
    // The old cross-site GET does not link anything.
    let res = app
        .client
        .get(app.url("/auth/github/login?link=1&return_to=/settings/account"))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let pending = res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("pf_login="));
    assert!(pending, "it only starts an ordinary sign-in");

    let res = app
        .client
        .post(app.url("/auth/github/link"))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .form(&[("return_to", "/settings/account")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    jar.absorb(&res);
    let consent = app.client.get(res.headers()["location"].to_str().unwrap()).send().await.unwrap();
    let res = app
        .client
        .get(consent.headers()["location"].to_str().unwrap())
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/settings/account");

    let body: Value = me(&app, &jar).await.json().await.unwrap();
    let providers: Vec<_> =
        body["identities"].as_array().unwrap().iter().map(|i| i["provider"].as_str().unwrap().to_string()).collect();
    assert_eq!(providers, ["demo", "github"]);
    let github_id = body["identities"][1]["id"].as_str().unwrap().to_string();
    let demo_id = body["identities"][0]["id"].as_str().unwrap().to_string();

    let delete = |id: String| {
        let (app, jar) = (&app, &jar);
        async move { as_browser(app, reqwest::Method::DELETE, app.url(&format!("/api/v1/me/identities/{id}")), jar).await }
    };
    assert_eq!(delete(github_id).await.status(), 204);
    let res = delete(demo_id).await;
    assert_eq!(res.status(), 409, "the last way to sign in stays");
    assert!(res.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().contains("only way to sign in"));
    assert_eq!(delete("not-mine".into()).await.status(), 404);
}

async fn deleting_the_account_removes_every_row_of_the_user(app: TestApp) {
    let keep = signed_in(&app, "stays").await;
    app.github.sign_in_as(2002, "leaver");
    let jar = signed_in(&app, "leaves").await;
    let user_id = me(&app, &jar).await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    app.state
        .jobs
        .enqueue(app::platform::ssr::jobs::NewJob::new("import", json!({})).owned_by(&user_id))
        .await
        .unwrap();
    let r = jar.get("pf_refresh").unwrap().to_string();
    app.client.post(app.url("/api/v1/auth/refresh")).json(&json!({ "refresh_token": r })).send().await.unwrap();

    let res = as_browser(&app, reqwest::Method::DELETE, app.url("/api/v1/me"), &jar).await;
    assert_eq!(res.status(), 204);
    let db = &app.state.db;
    assert_eq!(user::Entity::find_by_id(user_id.clone()).count(db).await.unwrap(), 0);
    assert_eq!(identity::Entity::find().filter(identity::Column::UserId.eq(&user_id)).count(db).await.unwrap(), 0);
    assert_eq!(session::Entity::find().filter(session::Column::UserId.eq(&user_id)).count(db).await.unwrap(), 0);
    assert_eq!(auth_event::Entity::find().filter(auth_event::Column::UserId.eq(&user_id)).count(db).await.unwrap(), 0);
    assert_eq!(job::Entity::find().filter(job::Column::OwnerId.eq(&user_id)).count(db).await.unwrap(), 0);
    let sessions_left: Vec<String> = session::Entity::find().all(db).await.unwrap().into_iter().map(|s| s.id).collect();
    let orphan_tokens = refresh_token::Entity::find()
        .filter(refresh_token::Column::SessionId.is_not_in(sessions_left))
        .count(db)
        .await
        .unwrap();
    assert_eq!(orphan_tokens, 0, "refresh tokens went with the sessions");
    assert_eq!(me(&app, &jar).await.status(), 401);
    assert_eq!(me(&app, &keep).await.status(), 200, "other users are untouched");
}

async fn sign_out_everywhere_ends_other_devices_at_once(app: TestApp) {
    let laptop = signed_in(&app, "everywhere").await;
    let phone = signed_in_again(&app).await;
    assert_eq!(me(&app, &phone).await.status(), 200);
    let res = as_browser(&app, reqwest::Method::POST, app.url("/api/v1/auth/logout-all"), &laptop).await;
    assert_eq!(res.status(), 204);
    assert_eq!(me(&app, &phone).await.status(), 401, "the other device is signed out without waiting for expiry");
    assert_eq!(me(&app, &laptop).await.status(), 401);
    let res = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({ "refresh_token": phone.get("pf_refresh").unwrap() }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "and cannot refresh its way back");
}

async fn cookie_requests_from_another_site_are_refused(app: TestApp) {
    let jar = signed_in(&app, "csrf").await;
    for origin in [Some("https://evil.example"), Some("null"), None] {
        let mut req = app.client.post(app.url("/api/v1/auth/logout-all")).header("cookie", jar.header());
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{origin:?}");
    }
    assert_eq!(me(&app, &jar).await.status(), 200, "nothing happened");
    let res = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", jar.header())
        .header("referer", format!("{}/settings/account", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204, "a same-site Referer is enough when Origin is absent");
    assert_eq!(me(&app, &jar).await.status(), 401);
}

async fn sessions_are_listed_and_can_be_ended_one_by_one(app: TestApp) {
    let laptop = signed_in(&app, "lister").await;
    let phone = signed_in_again(&app).await;
    let list: Value = app
        .client
        .get(app.url("/api/v1/me/sessions"))
        .header("cookie", laptop.header())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(list.iter().all(|s| s["ip"] == "127.0.0.1"));
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"].as_str().unwrap().to_string();
    let res =
        as_browser(&app, reqwest::Method::DELETE, app.url(&format!("/api/v1/me/sessions/{other}")), &laptop).await;
    assert_eq!(res.status(), 204);
    assert_eq!(me(&app, &phone).await.status(), 401);
    assert_eq!(me(&app, &laptop).await.status(), 200);
}

async fn nothing_secret_reaches_the_logs(app: TestApp) {
    let jar = signed_in(&app, "quiet").await;
    let r = jar.get("pf_refresh").unwrap().to_string();
    let res =
        app.client.post(app.url("/api/v1/auth/refresh")).json(&json!({ "refresh_token": r })).send().await.unwrap();
    let body: Value = res.json().await.unwrap();
    let logs = captured_logs();
    assert!(logs.contains("auth event"), "the log did capture this test's requests");
    let mut secrets = vec![
        standins::github::CLIENT_SECRET.to_string(),
        jar.get("pf_access").unwrap().to_string(),
        r,
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().unwrap().to_string(),
    ];
    secrets.extend(app.github.issued_tokens());
    for secret in secrets {
        assert!(!logs.contains(&secret), "a secret reached the logs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_rate_limited_per_address() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let options = Options { tweak: Box::new(|s| s.auth.rate_limit_per_minute = 3), ..Default::default() };
        let Some(app) = spawn_app_with(backend, options).await else { continue };
        for _ in 0..3 {
            assert_eq!(app.get("/auth/github/login").await.status(), 303);
        }
        let res = app.get("/auth/github/login").await;
        assert_eq!(res.status(), 429, "{backend:?}");
        let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry));
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "rate_limited");
    }
}

/// Behind one appending proxy, a client that writes its own
/// `X-Forwarded-For` entries (a new forged address each time) is still
/// counted under the address the proxy saw, and the forged address never
/// reaches the session list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_forwarded_addresses_neither_escape_limits_nor_reach_sessions() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let options = Options {
            tweak: Box::new(|s| {
                s.auth.rate_limit_per_minute = 3;
                s.server.trust_proxy = true;
            }),
            ..Default::default()
        };
        let Some(app) = spawn_app_with(backend, options).await else { continue };
        let forwarded = |i: u32| format!("10.{}.{}.{}, 203.0.113.7", i % 250, i / 250, 1 + i % 200);
        for i in 0..3 {
            let res = app.client.get(app.url("/auth/github/login")).header("x-forwarded-for", forwarded(i)).send();
            assert_eq!(res.await.unwrap().status(), 303);
        }
        for i in 3..20 {
            let res = app.client.get(app.url("/auth/github/login")).header("x-forwarded-for", forwarded(i)).send();
            assert_eq!(res.await.unwrap().status(), 429, "forged address {i} must not open a new bucket ({backend:?})");
        }
        // A different client behind the same proxy has its own bucket.
        let res = app.client.get(app.url("/auth/github/login")).header("x-forwarded-for", "198.51.100.4").send();
        assert_eq!(res.await.unwrap().status(), 303);

        let res = app
            .client
            .post(app.url("/auth/demo"))
            .header("origin", &app.address)
            .header("x-forwarded-for", "6.6.6.6, 203.0.113.9")
            .form(&[("return_to", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let sessions = session::Entity::find().all(&app.state.db).await.unwrap();
        assert!(!sessions.is_empty());
        for s in sessions {
            assert_eq!(s.ip.as_deref(), Some("203.0.113.9"), "the address the proxy saw, not the forged one");
        }
    }
}

/// With the store unreachable the limits fall back to the instance's own
/// counters: they still limit (never fail open).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_store_down_sign_in_limits_still_hold() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let options = Options {
            redis_url: Some("redis://127.0.0.1:1".into()),
            tweak: Box::new(|s| s.auth.rate_limit_per_minute = 3),
        };
        let Some(app) = spawn_app_with(backend, options).await else { continue };
        for _ in 0..3 {
            assert_eq!(app.get("/auth/github/login").await.status(), 303);
        }
        let res = app.get("/auth/github/login").await;
        assert_eq!(res.status(), 429, "{backend:?}");
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "rate_limited");
    }
}

async fn demo_sign_in(app: &TestApp) -> reqwest::Response {
    app.client
        .post(app.url("/auth/demo"))
        .header("origin", &app.address)
        .form(&[("return_to", "/")])
        .send()
        .await
        .unwrap()
}

async fn lists_demo(app: &TestApp) -> bool {
    let providers: Value = app.get("/api/v1/auth/providers").await.json().await.unwrap();
    providers.as_array().unwrap().iter().any(|p| p["id"] == "demo" && p["demo"] == true)
}

/// The demo is offered only where no real provider is, never in
/// production; each visitor gets an account of their own; another site
/// cannot sign a visitor in with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_sign_in_is_per_visitor_and_only_where_no_provider_is() {
    use app::platform::ssr::config::{DemoMode, Profile};
    // GitHub configured, demo on `auto`: not offered.
    let options = Options { tweak: Box::new(|s| s.auth.demo = DemoMode::Auto), ..Default::default() };
    let with_github = spawn_app_with(Backend::Sqlite, options).await.unwrap();
    assert!(!lists_demo(&with_github).await);
    assert_eq!(demo_sign_in(&with_github).await.status(), 404);
    // Nothing configured: offered.
    let options = Options {
        tweak: Box::new(|s| {
            s.auth.demo = DemoMode::Auto;
            s.auth.github = None;
        }),
        ..Default::default()
    };
    let plain = spawn_app_with(Backend::Sqlite, options).await.unwrap();
    assert!(lists_demo(&plain).await);

    // Two visitors, two accounts: neither sees the other's sessions.
    let mut a = Jar::default();
    let res = demo_sign_in(&plain).await;
    assert_eq!(res.status(), 303);
    a.absorb(&res);
    let mut b = Jar::default();
    b.absorb(&demo_sign_in(&plain).await);
    let me_a: Value = me(&plain, &a).await.json().await.unwrap();
    let me_b: Value = me(&plain, &b).await.json().await.unwrap();
    assert_ne!(me_a["id"], me_b["id"], "one throw-away account per visitor");
    let sessions = crate::imports::get_json(&plain, &a, "/api/v1/me/sessions").await.1;
    assert_eq!(sessions.as_array().unwrap().len(), 1, "only this visitor's own session: {sessions}");

    // Login CSRF: another site's form, or none at all, is refused.
    for origin in [Some("https://evil.example"), Some("null"), None] {
        let mut req = plain.client.post(plain.url("/auth/demo")).form(&[("return_to", "/")]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{origin:?}");
        assert!(res.headers().get("set-cookie").is_none());
    }

    // Never in production.
    let options = Options {
        tweak: Box::new(|s| {
            s.profile = Profile::Production;
            s.auth.demo = DemoMode::Always;
            s.auth.github = None;
        }),
        ..Default::default()
    };
    let prod = spawn_app_with(Backend::Sqlite, options).await.unwrap();
    assert_eq!(demo_sign_in(&prod).await.status(), 404);
    assert!(!lists_demo(&prod).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_page_sessions_refresh_on_navigation_without_javascript() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let mut jar = signed_in(&app, "navigator").await;
    jar.0.remove("pf_access"); // the access cookie expired
    let res = app
        .client
        .get(app.url("/some/page?x=1"))
        .header("cookie", jar.header())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/api/v1/auth/refresh?return_to=/some/page%3Fx%3D1");
    let res = app.client.get(app.url(&to)).header("cookie", jar.header()).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/some/page?x=1");
    jar.absorb(&res);
    assert!(jar.get("pf_access").is_some(), "a new access cookie");
    assert_eq!(me(&app, &jar).await.status(), 200);

    // A deep link followed from another site, idle past the access cookie:
    // the browser marks the whole redirect chain cross-site. It lands within
    // two redirects, signed out, instead of looping.
    let mut jar2 = signed_in(&app, "idle_reader").await;
    jar2.0.remove("pf_access");
    let mut url = app.url("/?from=elsewhere");
    let mut redirects = 0;
    let landed = loop {
        let res = app
            .client
            .get(&url)
            .header("cookie", jar2.header())
            .header("accept", "text/html")
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        if !res.status().is_redirection() {
            break res;
        }
        redirects += 1;
        assert!(redirects <= 2, "redirect loop: {url}");
        jar2.absorb(&res);
        url = app.url(res.headers()["location"].to_str().unwrap());
    };
    assert_eq!(landed.status(), 200, "served after {redirects} redirects");
    jar2.absorb(&landed);
    // The next same-site navigation refreshes and signs back in.
    let res = app
        .client
        .get(app.url("/"))
        .header("cookie", jar2.header())
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res =
        app.client.get(app.url(res.headers()["location"].to_str().unwrap())).header("cookie", jar2.header()).send();
    let res = res.await.unwrap();
    jar2.absorb(&res);
    assert_eq!(me(&app, &jar2).await.status(), 200);

    // A refresh started by another site does nothing.
    let res = app
        .client
        .get(app.url(&to))
        .header("cookie", jar.header())
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("set-cookie").is_none());
}

/// Over https the session cookies carry the browser-enforced prefixes
/// (`__Host-`: Secure, path `/`, no Domain; `__Secure-` for the path-scoped
/// refresh cookie), HSTS is sent, and an unprefixed cookie is not accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_session_cookies_are_host_prefixed() {
    let options = Options {
        tweak: Box::new(|s| {
            s.server.public_url = Some("https://proofolio.test".into());
            s.auth.demo = app::platform::ssr::config::DemoMode::Always;
        }),
        ..Default::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await.unwrap();
    let res = app
        .client
        .post(app.url("/auth/demo"))
        .header("origin", "https://proofolio.test")
        .form(&[("return_to", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
    let set: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let find = |name: &str| set.iter().find(|c| c.starts_with(&format!("{name}="))).cloned();
    let access = find("__Host-pf_access").unwrap_or_else(|| panic!("{set:?}"));
    assert!(access.contains("Secure") && access.contains("Path=/") && !access.contains("Domain"), "{access}");
    let refresh = find("__Secure-pf_refresh").unwrap_or_else(|| panic!("{set:?}"));
    assert!(refresh.contains("Secure") && refresh.contains("Path=/api/v1/auth"), "{refresh}");
    assert!(find("pf_access").is_none(), "no unprefixed session cookie: {set:?}");

    let token = access.split(';').next().unwrap().split_once('=').unwrap().1.to_string();
    let me = |cookie: String| {
        let app = &app;
        async move { app.client.get(app.url("/api/v1/me")).header("cookie", cookie).send().await.unwrap().status() }
    };
    assert_eq!(me(format!("__Host-pf_access={token}")).await, 200);
    assert_eq!(me(format!("pf_access={token}")).await, 401, "the unprefixed name is not read");
}
