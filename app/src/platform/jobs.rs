//! Background jobs as pages and API clients follow them: the wire view and,
//! in the browser, the one helper that follows a job's server-sent events.

use serde::{Deserialize, Serialize};

/// Where a background job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for `run_at` and a free worker (also: paused until `run_at`).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "queued"))]
    Queued,
    /// Claimed by a worker whose lease has not lapsed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "running"))]
    Running,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "succeeded"))]
    Succeeded,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
}

impl JobStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed)
    }
}

/// A background job as the UI and API clients follow it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: String,
    pub kind: String,
    pub status: JobStatus,
    /// Capability-specific progress (e.g. repositories read so far).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub progress: Option<serde_json::Value>,
    /// A line for people, e.g. "paused by GitHub's rate limit; resumes at 14:05".
    pub message: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    pub attempts: i32,
    /// RFC 3339 timestamps.
    pub run_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
}

/// Where a page follows job `id`'s progress as server-sent events (the
/// one place the address is written).
pub fn events_url(id: &str) -> String {
    format!("/api/v1/jobs/{id}/events")
}

/// Follow a background job's server-sent events at `url` (hydrated pages
/// only): each `progress` and the final `done` event hand the job to
/// `on_update`; `done` then reloads the page, which renders the result.
#[cfg(feature = "hydrate")]
pub fn follow_job(url: String, on_update: impl Fn(JobView) + Clone + 'static) {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        let Ok(source) = web_sys::EventSource::new(&url) else { return };
        let update = {
            let on_update = on_update.clone();
            move |e: web_sys::MessageEvent| {
                if let Some(view) = e.data().as_string().and_then(|t| serde_json::from_str(&t).ok()) {
                    on_update(view);
                }
            }
        };
        let on_progress = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(update.clone());
        let closing = source.clone();
        let on_done = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            update(e);
            closing.close();
            let _ = window().location().reload();
        });
        let _ = source.add_event_listener_with_callback("progress", on_progress.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("done", on_done.as_ref().unchecked_ref());
        // The page lives as long as the listeners; the reload ends both.
        on_progress.forget();
        on_done.forget();
    });
}
