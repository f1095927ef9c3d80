//! The skill profile: its wire types (shared with the browser) and the
//! server functions "My skills" and the preview page read through. Changes
//! go through plain forms (`server/src/routes/imports.rs`), so the pages
//! work with and without JavaScript.

pub mod types;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use types::{Preview, SkillsView};

/// The signed-in user's profile view; `None` when signed out.
#[server(prefix = "/sfn", endpoint = "my_skills")]
pub async fn my_skills() -> Result<Option<SkillsView>, ServerFnError> {
    use crate::account::ssr_only;
    use crate::ssr::github::{import::source_for, profiles};
    let state = ssr_only::state()?;
    let Some(user) = ssr_only::caller(&state).await? else { return Ok(None) };
    let can_import = source_for(&state.db, &state.auth, &user.user_id).await.map_err(ssr_only::internal)?.is_some();
    profiles::view(&state.db, &state.jobs, &user.user_id, can_import).await.map(Some).map_err(ssr_only::internal)
}

/// The answer of [`preview_of`], one case per thing the page says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum PreviewAnswer {
    Found(Box<Preview>),
    NotFound,
    Invalid,
    /// Too many previews from this visitor; seconds to wait.
    TooMany(u64),
    /// GitHub is unavailable or its limit is used up.
    Unavailable,
}

/// The anonymous preview of a GitHub account, for the preview page.
#[server(prefix = "/sfn", endpoint = "preview")]
pub async fn preview_of(login: String) -> Result<PreviewAnswer, ServerFnError> {
    use crate::account::ssr_only;
    use crate::ssr::{auth::extract::client_info, error::AppError, github::preview};
    let state = ssr_only::state()?;
    let ip = use_context::<http::request::Parts>()
        .and_then(|p| client_info(&p, state.settings.server.trusted_proxy_hops()).ip);
    Ok(match preview::load(&state, ip.as_deref(), &login).await {
        Ok(p) => PreviewAnswer::Found(Box::new(p)),
        Err(AppError::NotFound) => PreviewAnswer::NotFound,
        Err(AppError::Validation { .. }) => PreviewAnswer::Invalid,
        Err(AppError::RateLimited { retry_after_secs }) => PreviewAnswer::TooMany(retry_after_secs),
        Err(_) => PreviewAnswer::Unavailable,
    })
}
