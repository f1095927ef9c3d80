//! `GET /api/v1/explore`: the gallery for API clients, the same service as
//! the page.

use super::query::{explore as page_of, Filter};
use crate::gallery::types::{ExplorePage, ExploreQuery};
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{rejection::QueryRejection, Query, State},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(explore))
}

/// Public résumés as cards, by trending (views, likes and comments decayed
/// by the time since publication), most viewed, most liked or newest;
/// filtered by a skill (any of its names: `react.js` finds React) and a
/// target role. Keyset-paged: pass `next_cursor` back as `cursor` for the
/// next page; résumés published meanwhile never repeat or skip a card.
#[utoipa::path(get, path = "/explore", tag = "gallery",
    params(ExploreQuery),
    responses(
        (status = 200, description = "One page of cards", body = ExplorePage),
        (status = 422, description = "An unknown sort or role, a bad limit, or a cursor this server did not make (`fields`)", body = ErrorBody),
    ))]
pub async fn explore(
    State(state): State<AppState>,
    q: Result<Query<ExploreQuery>, QueryRejection>,
) -> AppResult<Json<ExplorePage>> {
    let Query(q) = q.map_err(|e| AppError::validation("query", e.body_text()))?;
    Ok(Json(page_of(&state.db, &Filter::parse(&q)?).await?))
}
