//! Shared machinery every capability builds on. Compiled for both sides:
//! i18n, the page frame (header, footer, language switch), the API's wire
//! frame (error shape, readiness), background jobs as pages follow them,
//! the content-security policy and small web helpers. Server-only parts
//! (state, settings, database, store, job queue, LLM client, metrics,
//! errors, SSE decoding) live in `ssr`.

pub mod api;
pub mod csp;
pub mod errors;
pub mod i18n;
pub mod jobs;
pub mod ui;
pub mod web;

#[cfg(feature = "ssr")]
pub mod ssr;
