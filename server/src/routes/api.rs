//! `/api/v1`: the documented JSON API for non-browser clients. Each
//! resource adds its `OpenApiRouter` here.

use app::platform::api::ErrorBody;
use app::platform::ssr::error::AppError;
use app::platform::ssr::state::AppState;
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
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Tokens: refresh, sign out. Sign-in itself starts in a browser at /auth/{provider}/login"),
        (name = "account", description = "The signed-in user's account, sign-in methods and sessions"),
        (name = "profile", description = "GitHub import, the skill profile with its evidence, and the anonymous preview"),
        (name = "market", description = "Job-market insight: technologies postings ask for, by category, over time; matching a posting and my fit"),
        (name = "admin", description = "Administrators only (`auth.admins`): job-posting ingestion — upload a file, run a job board or feed now, read each run's report"),
        (name = "resumes", description = "Evidence-linked résumés written from the skill profile, streamed, exported as JSON Resume"),
        (name = "sharing", description = "A résumé's link and visibility, reading it by link (view counts), likes"),
        (name = "gallery", description = "Public résumés as cards: sorted by trending, views, likes or newest, filtered by skill and role, keyset-paged"),
        (name = "notifications", description = "My notifications (likes, comments, replies): the list, mark read, live server-sent events, mute a résumé"),
        (name = "jobs", description = "Background jobs (imports, résumés being written): status and server-sent progress"),
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "meta", description = "About this server"),
    )
)]
pub struct ApiDoc;

/// `Authorization: Bearer <access token>`; browsers use the HttpOnly cookie.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

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
    OpenApiRouter::new()
        .routes(routes!(version))
        .merge(app::account::ssr::sign_in::api_router())
        .merge(app::account::ssr::routes::router())
        .merge(app::github::ssr::routes::router())
        .merge(app::profile::ssr::routes::router())
        .merge(app::github::ssr::preview_route::router())
        .merge(app::market::ssr::routes::router())
        .merge(app::market::ssr::admin::router())
        .merge(app::resume::ssr::routes::router())
        .merge(app::share::ssr::routes::router())
        .merge(app::notify::ssr::routes::router())
        .merge(app::gallery::ssr::routes::router())
        .merge(app::platform::ssr::job_routes::router())
}

/// Anything under `/api` that no route claims: JSON, never the HTML 404 page.
pub async fn not_found() -> impl IntoResponse {
    AppError::NotFound
}
