//! Résumés: wire types and the server functions the résumé pages read through.

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
    Ok(Some(ResumePageData { resume, job }))
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
        StartError::Busy(_) => FnError::new(ErrorCode::Busy),
        StartError::NoProfile => FnError::new(ErrorCode::NoProfile),
        StartError::Quota { .. } => FnError::new(ErrorCode::Quota),
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
