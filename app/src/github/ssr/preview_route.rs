//! `GET /api/v1/preview/{login}`: the anonymous preview of a public GitHub
//! account. Rate-limited per visitor; answers are cached for an hour.

use crate::account::ssr::extract::Client;
use crate::github::ssr::preview;
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::AppResult;
use crate::platform::ssr::state::AppState;
use crate::profile::types::Preview;
use axum::{
    extract::{Path, State},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_preview))
}

/// What Proofolio sees in a public GitHub account: languages, technologies
/// from topics, the best repositories. No sign-in needed.
#[utoipa::path(get, path = "/preview/{login}", tag = "profile",
    params(("login" = String, Path, description = "A GitHub username")),
    responses(
        (status = 200, description = "The preview", body = Preview),
        (status = 404, description = "No such GitHub user", body = ErrorBody),
        (status = 422, description = "Not a valid GitHub username", body = ErrorBody),
        (status = 429, description = "Too many previews; see Retry-After", body = ErrorBody),
        (status = 502, description = "GitHub is unavailable or its limit is used up", body = ErrorBody),
    ))]
pub async fn get_preview(
    State(state): State<AppState>,
    Client(client): Client,
    Path(login): Path<String>,
) -> AppResult<Json<Preview>> {
    Ok(Json(preview::load(&state, client.ip.as_deref(), &login).await?))
}
