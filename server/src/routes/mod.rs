//! HTTP routes. The JSON API lives under `/api/v1`, one module per resource,
//! each described in the OpenAPI document as it is added.

pub mod account_forms;
pub mod api;
pub mod auth;
pub mod imports;
pub mod lang;
pub mod me;
pub mod ops;
pub mod preview;
pub mod resumes;
