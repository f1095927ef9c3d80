//! The GitHub import and the anonymous preview of any public account: the
//! server function the preview page reads through, its page, and on the
//! server the GitHub client, the import job and its analysis.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::platform::errors::FnError;
#[cfg(feature = "ssr")]
use crate::platform::ssr::sfn;
use crate::profile::types::Preview;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    use crate::account::ssr::extract::client_info;
    use crate::github::ssr::preview;
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
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

/// Start importing my GitHub work (one import at a time: asking while one
/// runs just goes back to it).
#[server(prefix = "/sfn", endpoint = "imports/start")]
pub async fn start_import() -> Result<(), FnError> {
    use crate::github::ssr::import::{self, StartError};
    use crate::platform::errors::ErrorCode;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    match import::start(&state.db, &state.jobs, &state.auth, &user.user_id).await {
        Ok(_) | Err(StartError::Running(_)) => {
            sfn::redirect("/skills");
            Ok(())
        }
        Err(StartError::NotLinked) => Err(sfn::refuse(FnError::new(ErrorCode::NotLinked))),
        Err(StartError::Failed(e)) => Err(sfn::internal(e)),
    }
}
