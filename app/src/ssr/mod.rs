//! Everything that only runs on the server. Never compiled to wasm.

pub mod auth;
pub mod config;
pub mod db;
pub mod entities;
pub mod error;
pub mod github;
pub mod jobs;
pub mod llm;
pub mod metrics;
pub mod resume;
pub mod sse;
pub mod state;
pub mod store;
