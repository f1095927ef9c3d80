//! The skill profile: its wire types (shared with the browser) and the
//! server functions "My skills" and the preview page read through. Changes
//! go through plain forms (`server/src/routes/imports.rs`), so the pages
//! work with and without JavaScript.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;
pub mod types;

use crate::platform::errors::FnError;
#[cfg(feature = "ssr")]
use crate::platform::ssr::sfn;
use leptos::prelude::*;
use types::SkillsView;

/// The signed-in user's profile view; `None` when signed out.
#[server(prefix = "/sfn", endpoint = "my_skills")]
pub async fn my_skills() -> Result<Option<SkillsView>, FnError> {
    use crate::github::ssr::import::source_for;
    use crate::profile::ssr::profiles;
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    let can_import = source_for(&state.db, &state.auth, &user.user_id).await.map_err(sfn::internal)?.is_some();
    profiles::view(&state.db, &state.jobs, &user.user_id, can_import).await.map(Some).map_err(sfn::internal)
}

/// Hide (or show again) a repository or a skill: it leaves the profile and
/// everything built from it, and stays hidden across re-imports.
#[server(prefix = "/sfn", endpoint = "profile/hidden")]
pub async fn set_hidden(kind: String, key: String, hide: bool) -> Result<(), FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::profile::ssr::profiles::{self, HiddenKind};
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let kind = HiddenKind::parse(&kind).ok_or_else(|| sfn::refuse(FnError::new(ErrorCode::Invalid)))?;
    profiles::set_hidden(&state.db, &user.user_id, kind, &key, hide).await.map_err(sfn::internal)?;
    sfn::redirect("/skills");
    Ok(())
}
