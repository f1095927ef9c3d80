//! Résumés: wire types and the server functions the résumé pages read through.

pub mod editor;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;
pub mod types;

use crate::platform::errors::FnError;
use crate::platform::jobs::JobView;
#[cfg(feature = "ssr")]
use crate::platform::ssr::sfn;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use types::ResumeView;

/// A résumé page's data: the résumé and, while it is being written, its job.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResumePageData {
    pub resume: ResumeView,
    pub job: Option<JobView>,
    /// The kept versions, newest first.
    pub versions: Vec<types::VersionInfo>,
}

/// The signed-in user's résumé `id`: `Ok(None)` when signed out or not theirs.
#[server(prefix = "/sfn", endpoint = "resume")]
pub async fn resume_of(id: String) -> Result<Option<ResumePageData>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    let Some(resume) = state.writer.view(&user.user_id, &id).await.map_err(sfn::internal)? else {
        return Ok(None);
    };
    let job = match &resume.job_id {
        Some(j) => state.jobs.get(j).await.map_err(sfn::internal)?.map(|m| crate::platform::ssr::jobs::view(&m)),
        None => None,
    };
    let versions = crate::resume::ssr::versions::list(&state.db, &user.user_id, &id).await.map_err(sfn::internal)?;
    Ok(Some(ResumePageData { resume, job, versions }))
}

/// The signed-in user's résumés, newest first.
#[server(prefix = "/sfn", endpoint = "resumes")]
pub async fn my_resumes() -> Result<Vec<ResumeView>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(vec![]) };
    state.writer.list(&user.user_id).await.map_err(sfn::internal)
}

#[cfg(feature = "ssr")]
fn start_failed(e: crate::resume::ssr::generate::StartError) -> FnError {
    use crate::platform::errors::ErrorCode;
    use crate::resume::ssr::generate::StartError;
    match e {
        StartError::Busy(_) => sfn::refuse(FnError::new(ErrorCode::Busy)),
        StartError::NoProfile => sfn::refuse(FnError::new(ErrorCode::NoProfile)),
        StartError::Quota { .. } => sfn::refuse(FnError::new(ErrorCode::Quota)),
        StartError::Failed(e) => sfn::internal(e),
    }
}

/// Write a new résumé from my profile, then watch it being written.
#[server(prefix = "/sfn", endpoint = "resumes/new")]
pub async fn start_resume(language: String, target_role: Option<String>) -> Result<(), FnError> {
    use crate::resume::ssr::generate::StartError;
    use crate::resume::types::NewResume;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    match state.writer.start(&user.user_id, &NewResume { language, target_role }).await {
        // One résumé is written at a time: asking again goes to that one.
        Ok(id) | Err(StartError::Busy(Some(id))) => {
            sfn::redirect(&format!("/resumes/{id}"));
            Ok(())
        }
        Err(e) => Err(start_failed(e)),
    }
}

/// Rewrite one section of my résumé `id`.
#[server(prefix = "/sfn", endpoint = "resumes/regenerate")]
pub async fn regenerate_section(id: String, section: String) -> Result<(), FnError> {
    use crate::resume::ssr::generate::StartError;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    match state.writer.regenerate(&user.user_id, &id, &section).await {
        // A rewrite already in flight: the page shows it.
        Ok(()) | Err(StartError::Busy(_)) => {
            sfn::redirect(&format!("/resumes/{id}"));
            Ok(())
        }
        Err(e) => Err(start_failed(e)),
    }
}

/// Name my résumé `id` (blank: no name).
#[server(prefix = "/sfn", endpoint = "resumes/rename")]
pub async fn rename_resume(id: String, title: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    crate::resume::ssr::versions::rename(&state.db, &user.user_id, &id, &title).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/resumes/{id}"));
    Ok(())
}

/// A copy of my résumé `id` to tailor for another job; opens the copy.
#[server(prefix = "/sfn", endpoint = "resumes/duplicate")]
pub async fn duplicate_resume(id: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let copy = crate::resume::ssr::versions::duplicate(&state.db, &user.user_id, &id).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/resumes/{copy}"));
    Ok(())
}

/// Delete my résumé `id` and its history, once `confirm` is ticked.
#[server(prefix = "/sfn", endpoint = "resumes/delete")]
pub async fn delete_resume(id: String, confirm: Option<String>) -> Result<(), FnError> {
    if confirm.as_deref() != Some("yes") {
        return Err(sfn::refuse(FnError::new(crate::platform::errors::ErrorCode::ConfirmMismatch)));
    }
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    crate::resume::ssr::versions::delete(&state.db, &user.user_id, &id).await.map_err(sfn::internal)?;
    sfn::redirect("/skills");
    Ok(())
}

/// Make version `version` of my résumé `id` current again.
#[server(prefix = "/sfn", endpoint = "resumes/restore")]
pub async fn restore_version(id: String, version: i32) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    crate::resume::ssr::versions::restore(&state.db, &user.user_id, &id, version, None).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/resumes/{id}"));
    Ok(())
}

/// Bring in a résumé as pasted JSON Resume; opens it.
#[server(prefix = "/sfn", endpoint = "resumes/import")]
pub async fn import_resume(json: String) -> Result<(), FnError> {
    use crate::platform::errors::ErrorCode;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let doc: serde_json::Value =
        serde_json::from_str(&json).map_err(|_| sfn::refuse(FnError::new(ErrorCode::NotJsonResume)))?;
    let id = match crate::resume::ssr::versions::import(&state.db, &user.user_id, &doc).await {
        Ok(id) => id,
        Err(crate::platform::ssr::error::AppError::Validation { fields }) => {
            let first = fields.into_values().next();
            return Err(sfn::refuse(FnError::new(ErrorCode::NotJsonResume).with_suggestion(first)));
        }
        Err(e) => return Err(sfn::internal(e)),
    };
    sfn::redirect(&format!("/resumes/{id}"));
    Ok(())
}

/// What the editor needs: the résumé, and the receipts the owner can attach
/// (their repositories, merged pull requests and skills).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EditorContent {
    pub resume: ResumeView,
    pub choices: Vec<types::Receipt>,
}

/// My résumé `id` for the editor: `Ok(None)` when signed out or not mine.
#[server(prefix = "/sfn", endpoint = "resumes/editor")]
pub async fn editor_data(id: String) -> Result<Option<EditorContent>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    let Some(resume) = state.writer.view(&user.user_id, &id).await.map_err(sfn::internal)? else {
        return Ok(None);
    };
    let choices =
        crate::profile::ssr::profiles::receipt_choices(&state.db, &user.user_id).await.map_err(sfn::internal)?;
    Ok(Some(EditorContent { resume, choices }))
}

/// Save my edited résumé `id` (the whole document as JSON), if it is still
/// at `version`: the new version. A stale version is `version_conflict`
/// with the current version in `value`.
/// `rewrite` saves an accepted bullet rewrite as a version of its own.
#[server(prefix = "/sfn", endpoint = "resumes/save")]
pub async fn save_document(id: String, version: i32, document: String, rewrite: bool) -> Result<i32, FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::platform::ssr::error::AppError;
    use crate::resume::ssr::versions;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let doc: serde_json::Value =
        serde_json::from_str(&document).map_err(|_| sfn::refuse(FnError::new(ErrorCode::NotJsonResume)))?;
    let reason = if rewrite { versions::Reason::Rewrite } else { versions::Reason::Save };
    match versions::save(&state.db, &user.user_id, &id, version, &doc, reason).await {
        Ok(v) => Ok(v),
        Err(AppError::Stale { current }) => {
            Err(sfn::refuse(FnError::new(ErrorCode::VersionConflict).with_value(current.to_string())))
        }
        Err(AppError::Validation { fields }) => {
            Err(sfn::refuse(FnError::new(ErrorCode::NotJsonResume).with_suggestion(fields.into_values().next())))
        }
        Err(e) => Err(sfn::internal(e)),
    }
}

/// The current document of my résumé `id` and its version (the editor's
/// "theirs" when a save met a newer version).
#[server(prefix = "/sfn", endpoint = "resumes/current")]
pub async fn current_document(id: String) -> Result<(i32, serde_json::Value), FnError> {
    use crate::platform::errors::ErrorCode;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let view = state.writer.view(&user.user_id, &id).await.map_err(sfn::internal)?;
    match view.and_then(|v| v.document.map(|d| (v.version, d))) {
        Some(found) => Ok(found),
        None => Err(sfn::refuse(FnError::new(ErrorCode::NotFound))),
    }
}

/// A proposed rewrite of bullet `bullet` of item `item` in `section` of my
/// résumé `id`; `text` is the bullet as the editor has it now.
#[server(prefix = "/sfn", endpoint = "resumes/rewrite")]
pub async fn rewrite_bullet(
    id: String,
    section: String,
    item: usize,
    bullet: usize,
    mode: types::RewriteMode,
    text: String,
) -> Result<types::RewriteProposal, FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::resume::ssr::rewrite::RewriteError;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let req = types::RewriteRequest { section, item, bullet, mode, text: Some(text) };
    match state.writer.rewrite(&user.user_id, &id, &req).await {
        Ok(p) => Ok(p),
        Err(RewriteError::NeedsLlm(why)) => {
            Err(sfn::refuse(FnError::new(ErrorCode::NeedsLlm).with_suggestion(Some(why.to_string()))))
        }
        Err(RewriteError::Unverified(why)) => {
            Err(sfn::refuse(FnError::new(ErrorCode::Unverified).with_suggestion(Some(why))))
        }
        Err(RewriteError::Quota { .. }) => Err(sfn::refuse(FnError::new(ErrorCode::Quota))),
        Err(RewriteError::App(e)) => Err(sfn::internal(e)),
    }
}

/// Version `version` of my résumé `id` against its current document.
#[server(prefix = "/sfn", endpoint = "resumes/diff")]
pub async fn version_diff(id: String, version: i32) -> Result<Option<types::VersionDiff>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    match crate::resume::ssr::versions::diff(&state.db, &user.user_id, &id, version).await {
        Ok(d) => Ok(Some(d)),
        Err(crate::platform::ssr::error::AppError::NotFound) => Ok(None),
        Err(e) => Err(sfn::internal(e)),
    }
}
