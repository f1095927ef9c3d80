//! `/api/v1`: the documented JSON API for non-browser clients. Each
//! resource adds its `OpenApiRouter` here.

use app::{
    api_types::ErrorBody,
    ssr::{error::AppError, state::AppState},
};
use axum::{response::IntoResponse, Json};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Proofolio API",
        description = "A résumé with receipts. Errors always have the shape `{\"error\":{\"code\",\"message\",\"fields\"}}`.",
        license(name = "MIT"),
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "meta", description = "About this server"),
    )
)]
pub struct ApiDoc;

#[derive(Serialize, ToSchema)]
pub struct VersionInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub api: &'static str,
}

/// Which Proofolio this is.
#[utoipa::path(get, path = "/version", tag = "meta",
    responses((status = 200, description = "Server name and version", body = VersionInfo)))]
pub async fn version() -> Json<VersionInfo> {
    Json(VersionInfo { name: "proofolio", version: env!("CARGO_PKG_VERSION"), api: "v1" })
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(version))
}

/// Anything under `/api` that no route claims: JSON, never the HTML 404 page.
pub async fn not_found() -> impl IntoResponse {
    AppError::NotFound
}
