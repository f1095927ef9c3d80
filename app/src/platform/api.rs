//! The API frame's wire types: the error shape every JSON error has, and
//! the readiness report.

use serde::{Deserialize, Serialize};

/// The API's interactive documentation (Swagger UI).
pub const DOCS_URL: &str = "/api/v1/docs";
use std::collections::BTreeMap;

/// Every error the JSON API returns has this shape.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Per-field messages for `validation_failed`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// `GET /readyz`: each part and whether it answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub status: String,
    pub checks: BTreeMap<String, CheckResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckResult {
    pub ok: bool,
    /// `postgres`, `sqlite`, `redis` or `memory`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
