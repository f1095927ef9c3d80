//! `GET /api/v1/preview/{login}`: the anonymous preview of a public GitHub
//! account. Rate-limited per visitor; answers are cached for an hour.

use app::{
    api_types::ErrorBody,
    profile::types::Preview,
    ssr::{
        auth::extract::Client,
        error::{AppError, AppResult},
        github::{client::GhError, preview},
        state::AppState,
    },
};
use axum::{
    extract::{Path, State},
    Json,
};
use secrecy::ExposeSecret;
use std::time::Duration;
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
    Ok(Json(load(&state, client.ip.as_deref(), &login).await?))
}

/// The preview for a visitor at `ip`, shared by the API and the page.
pub async fn load(state: &AppState, ip: Option<&str>, login: &str) -> AppResult<Preview> {
    let login = login.trim();
    if !preview::valid_login(login) {
        return Err(AppError::validation("login", "not a GitHub username"));
    }
    let key = format!("rl:preview:{}", ip.unwrap_or("unknown"));
    match state.store.rate_limit(&key, state.settings.github.preview_per_minute, Duration::from_secs(60)).await {
        Ok(d) if !d.allowed => return Err(AppError::RateLimited { retry_after_secs: d.reset_after.as_secs().max(1) }),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "preview rate limiter unavailable; allowing the request"),
    }
    let token = state.settings.github.token.as_ref().map(|t| t.expose_secret().to_string());
    preview::preview(&state.github, &state.store, token.as_deref(), &state.dict, login).await.map_err(|e| match e {
        GhError::NotFound => AppError::NotFound,
        GhError::RateLimited { reset_at } => AppError::Upstream {
            service: "GitHub",
            message: format!(
                "its limit for previews is used up until {} UTC; try again then",
                reset_at.format("%H:%M")
            ),
        },
        GhError::SlowDown { .. } => {
            AppError::Upstream { service: "GitHub", message: "it asked us to slow down; try again in a minute".into() }
        }
        other => {
            tracing::warn!(error = %other, "preview failed");
            AppError::Upstream { service: "GitHub", message: "try again in a minute".into() }
        }
    })
}
