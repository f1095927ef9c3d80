//! Résumé generation: from the skill profile to an evidence-linked JSON
//! Resume, written by an LLM (streamed, checked, at most two calls) or by
//! the deterministic writer when none is configured.

pub mod check;
pub mod context;
pub mod diff;
pub mod document;
pub mod entities;
pub mod forms;
pub mod generate;
pub mod markdown;
pub mod pdf;
pub mod prompt;
pub mod rewrite;
pub mod routes;
pub mod versions;
pub mod writer;
