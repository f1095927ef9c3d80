//! Résumés: wire types and the server functions the résumé pages read through.

pub mod types;

use crate::api_types::JobView;
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
pub async fn resume_of(id: String) -> Result<Option<ResumePageData>, ServerFnError> {
    use crate::account::ssr_only;
    let state = ssr_only::state()?;
    let Some(user) = ssr_only::caller(&state).await? else { return Ok(None) };
    let Some(resume) = state.writer.view(&user.user_id, &id).await.map_err(ssr_only::internal)? else {
        return Ok(None);
    };
    let job = match &resume.job_id {
        Some(j) => state.jobs.get(j).await.map_err(ssr_only::internal)?.map(|m| crate::ssr::jobs::view(&m)),
        None => None,
    };
    Ok(Some(ResumePageData { resume, job }))
}

/// The signed-in user's résumés, newest first.
#[server(prefix = "/sfn", endpoint = "resumes")]
pub async fn my_resumes() -> Result<Vec<ResumeView>, ServerFnError> {
    use crate::account::ssr_only;
    let state = ssr_only::state()?;
    let Some(user) = ssr_only::caller(&state).await? else { return Ok(vec![]) };
    state.writer.list(&user.user_id).await.map_err(ssr_only::internal)
}
