//! The server-only platform: never compiled to wasm.

pub mod config;
pub mod db;
pub mod entities;
pub mod error;
pub mod http;
pub mod job_routes;
pub mod jobs;
pub mod llm;
pub mod metrics;
pub mod sfn;
pub mod sse;
pub mod state;
pub mod store;
