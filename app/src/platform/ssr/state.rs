//! The one application state, handed to REST handlers as `State<AppState>`
//! and to server functions as context.

use super::{
    config::Settings,
    jobs::JobQueue,
    metrics::Metrics,
    store::{Limiter, SharedStore},
};
use crate::account::ssr::{providers::Providers, AuthKeys, CookieNames};
use crate::github::ssr::{analyze::Dictionaries, client::GithubApi};
use crate::resume::ssr::generate::Writer;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Cloned for every request by every layer that reads it (axum hands each
/// its own copy), so it is one `Arc`: a clone is one counter, not one per
/// service. The services are read through it (`state.db`).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl AppState {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

/// What the application runs on, built once per instance.
#[derive(Clone)]
pub struct Services {
    pub leptos_options: Arc<LeptosOptions>,
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub store: SharedStore,
    /// Rate limits in the store, falling back to this instance's own
    /// counters while the store is down (never open).
    pub limits: Arc<Limiter>,
    pub jobs: JobQueue,
    pub http: reqwest::Client,
    /// GitHub's API for the anonymous preview (imports make their own, to
    /// count their requests).
    pub github: Arc<GithubApi>,
    /// Technologies and Linguist languages, loaded once.
    pub dict: Arc<Dictionaries>,
    /// Résumé generation (the LLM, or the deterministic writer).
    pub writer: Arc<Writer>,
    pub auth: Arc<AuthKeys>,
    pub providers: Arc<Providers>,
    pub metrics: Arc<Metrics>,
    /// The origin users reach us at (scheme://host[:port]), for links and
    /// origin checks.
    pub public_url: Arc<str>,
    /// Résumé view counters this instance has touched and not yet flushed.
    pub pending_views: Arc<crate::share::ssr::views::Pending>,
    /// Viewers whose view this instance counted, until their window ends.
    pub recent_viewers: Arc<crate::share::ssr::views::Recent>,
    /// Shared pages kept for signed-out readers.
    pub page_cache: Arc<crate::share::ssr::page_cache::PageCache>,
    /// Live notification streams open on this instance.
    pub notify: Arc<crate::notify::ssr::service::Hub>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        (*state.leptos_options).clone()
    }
}

impl FromRef<AppState> for axum_extra::extract::cookie::Key {
    fn from_ref(state: &AppState) -> Self {
        state.auth.cookie_key.clone()
    }
}

impl AppState {
    /// Served to users over https (cookies `Secure` and prefixed, HSTS).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The browser cookies' names for this deployment (prefixed over https).
    pub fn cookie_names(&self) -> CookieNames {
        if self.is_https() {
            CookieNames::PREFIXED
        } else {
            CookieNames::PLAIN
        }
    }
}
