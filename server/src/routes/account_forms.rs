//! The account pages' forms: each a POST answered with a redirect (back to
//! the page with `?error=…` when it did not work), so the pages need no
//! JavaScript. CSRF: covered by the origin check on every cookie-borne POST.

use app::{
    components::encode_component,
    ssr::{
        auth::{
            accounts,
            extract::{AuthUser, Client},
            sessions,
        },
        error::AppError,
        state::AppState,
    },
    web::safe_return_path,
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Form, Router,
};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/nickname", post(nickname))
        .route("/account/identities/unlink", post(unlink))
        .route("/account/sessions/end", post(end_session))
        .route("/account/delete", post(delete))
}

fn back_with_error(page: &str, error: &str, extra: &[(&str, &str)]) -> Response {
    let mut url = format!("{page}{}error={error}", if page.contains('?') { '&' } else { '?' });
    for (k, v) in extra {
        url.push_str(&format!("&{k}={}", encode_component(v)));
    }
    Redirect::to(&url).into_response()
}

#[derive(Deserialize)]
pub struct NicknameForm {
    nickname: String,
    return_to: Option<String>,
    /// `welcome` or `settings`: where to show an error.
    from: Option<String>,
}

async fn nickname(
    State(state): State<AppState>,
    user: AuthUser,
    Form(f): Form<NicknameForm>,
) -> Result<Response, AppError> {
    let return_to = f.return_to.as_deref().and_then(safe_return_path).unwrap_or_else(|| "/".into());
    let page = match f.from.as_deref() {
        Some("settings") => "/settings/account".to_string(),
        _ => format!("/welcome?return_to={}", encode_component(&return_to)),
    };
    match accounts::set_nickname(&state.db, &user.user_id, &f.nickname).await {
        Ok(_) if f.from.as_deref() == Some("settings") => Ok(Redirect::to("/settings/account").into_response()),
        Ok(_) => Ok(Redirect::to(&return_to).into_response()),
        Err(AppError::Validation { fields }) => {
            let code = fields.get("nickname").cloned().unwrap_or_else(|| "invalid".into());
            let mut extra = vec![("nickname", f.nickname.as_str())];
            let suggestion = fields.get("suggestion").cloned().unwrap_or_default();
            if !suggestion.is_empty() {
                extra.push(("suggestion", suggestion.as_str()));
            }
            Ok(back_with_error(&page, &code, &extra))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct IdForm {
    id: String,
}

async fn unlink(
    State(state): State<AppState>,
    user: AuthUser,
    Client(client): Client,
    Form(f): Form<IdForm>,
) -> Result<Response, AppError> {
    match accounts::unlink(&state.db, &user.user_id, &f.id, &client).await {
        Ok(()) => Ok(Redirect::to("/settings/account").into_response()),
        Err(AppError::Conflict(_)) => Ok(back_with_error("/settings/account", "last_identity", &[])),
        Err(e) => Err(e),
    }
}

async fn end_session(
    State(state): State<AppState>,
    user: AuthUser,
    Client(client): Client,
    Form(f): Form<IdForm>,
) -> Result<Response, AppError> {
    sessions::end_own(&state.db, &user.user_id, &f.id, &client).await?;
    Ok(Redirect::to("/settings/account").into_response())
}

#[derive(Deserialize)]
pub struct DeleteForm {
    confirm: String,
}

async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    jar: CookieJar,
    Form(f): Form<DeleteForm>,
) -> Result<Response, AppError> {
    let me = accounts::get(&state.db, &user.user_id).await?.ok_or(AppError::Unauthorized)?;
    let expected = me.nickname.unwrap_or_else(|| "delete".into());
    if f.confirm.trim() != expected {
        return Ok(back_with_error("/settings/account", "confirm", &[]));
    }
    accounts::delete(&state.db, &user.user_id).await?;
    let jar = super::auth::without_session_cookies(&state, jar);
    Ok((jar, Redirect::to("/")).into_response())
}
