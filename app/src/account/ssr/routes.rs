//! `/api/v1/me`: the signed-in user's account, linked sign-ins and sessions.

use crate::account::ssr::extract::{AuthUser, Client};
use crate::account::ssr::{accounts, sessions, views};
use crate::account::types::{MeView, SessionView, UpdateMe};
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::AppResult;
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use axum_extra::extract::CookieJar;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, update_me, delete_me))
        .routes(routes!(list_sessions))
        .routes(routes!(end_session))
        .routes(routes!(unlink_identity))
}

/// Who am I?
#[utoipa::path(get, path = "/me", tag = "account",
    responses(
        (status = 200, description = "The signed-in user", body = MeView),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<MeView>> {
    Ok(Json(views::me_view(&state.db, &user.user_id).await?))
}

/// Choose or change the nickname (2–20 characters: Hangul, Latin letters,
/// digits, `_`, `-`; unique without regard to case). A taken nickname gets
/// 422 with `fields.nickname = "taken"` and a free `fields.suggestion`.
#[utoipa::path(patch, path = "/me", tag = "account", request_body = UpdateMe,
    responses(
        (status = 200, description = "Updated", body = MeView),
        (status = 422, description = "Invalid or taken nickname", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn update_me(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<UpdateMe>,
) -> AppResult<Json<MeView>> {
    accounts::set_nickname(&state.db, &user.user_id, &body.nickname).await?;
    Ok(Json(views::me_view(&state.db, &user.user_id).await?))
}

/// Delete the account and all its data. Irreversible.
#[utoipa::path(delete, path = "/me", tag = "account",
    responses((status = 204, description = "Deleted; every session ended")),
    security(("bearer" = [])))]
pub async fn delete_me(State(state): State<AppState>, user: AuthUser, jar: CookieJar) -> AppResult<Response> {
    accounts::delete(&state.db, &user.user_id).await?;
    let jar = super::sign_in::without_session_cookies(&state, jar);
    Ok((jar, StatusCode::NO_CONTENT).into_response())
}

/// The devices where this account is signed in.
#[utoipa::path(get, path = "/me/sessions", tag = "account",
    responses((status = 200, description = "Live sessions, most recently used first", body = Vec<SessionView>)),
    security(("bearer" = [])))]
pub async fn list_sessions(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Vec<SessionView>>> {
    Ok(Json(views::session_views(&state.db, &user).await?))
}

/// End one session (sign that device out).
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "account",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, description = "No such session of yours", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn end_session(
    State(state): State<AppState>,
    user: AuthUser,
    Client(client): Client,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    sessions::end_own(&state.db, &user.user_id, &id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unlink a sign-in method. The last one cannot be unlinked (409).
#[utoipa::path(delete, path = "/me/identities/{id}", tag = "account",
    params(("id" = String, Path, description = "Identity id")),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 404, description = "No such identity of yours", body = ErrorBody),
        (status = 409, description = "It is the only way to sign in", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn unlink_identity(
    State(state): State<AppState>,
    user: AuthUser,
    Client(client): Client,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    accounts::unlink(&state.db, &user.user_id, &id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
