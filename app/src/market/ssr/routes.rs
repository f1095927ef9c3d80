//! `/api/v1/market/*`, `/api/v1/match` and `/api/v1/me/market-fit`: the
//! job market for API clients, calling the same services as the pages.

use super::{fit, stats};
use crate::account::ssr::extract::{AuthUser, MaybeUser};
use crate::market::types::*;
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{rejection::JsonRejection, rejection::QueryRejection, Query, State},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(top))
        .routes(routes!(trends))
        .routes(routes!(match_posting))
        .routes(routes!(market_fit))
        .merge(super::tailor::routes::router())
}

fn query(q: Result<Query<MarketQuery>, QueryRejection>) -> AppResult<stats::Filter> {
    let Query(q) = q.map_err(|e| AppError::validation("query", e.body_text()))?;
    stats::Filter::parse(&q)
}

/// Every job category with its number of postings.
#[utoipa::path(get, path = "/market/categories", tag = "market",
    responses((status = 200, description = "Categories", body = Categories)))]
pub async fn categories(State(state): State<AppState>) -> AppResult<Json<Categories>> {
    Ok(Json(stats::categories(&state.db).await?))
}

/// The most asked technologies (required / preferred / mentioned), the
/// pairs most often asked together, and postings by region and level, for
/// a category, a period (the last N months of the data), a region and a
/// level. With the source, period and credit of the data.
#[utoipa::path(get, path = "/market/top", tag = "market",
    params(MarketQuery),
    responses(
        (status = 200, description = "The view", body = MarketTop),
        (status = 422, description = "Unknown category, level or region, or a bad period", body = ErrorBody),
    ))]
pub async fn top(
    State(state): State<AppState>,
    q: Result<Query<MarketQuery>, QueryRejection>,
) -> AppResult<Json<MarketTop>> {
    let f = query(q)?;
    Ok(Json(stats::top(&state.db, &state.dict.taxonomy, &f).await?))
}

/// The five most asked technologies of a category, month by month.
#[utoipa::path(get, path = "/market/trends", tag = "market",
    params(MarketQuery),
    responses(
        (status = 200, description = "Monthly series", body = Trends),
        (status = 422, description = "Unknown category", body = ErrorBody),
    ))]
pub async fn trends(
    State(state): State<AppState>,
    q: Result<Query<MarketQuery>, QueryRejection>,
) -> AppResult<Json<Trends>> {
    let f = query(q)?;
    Ok(Json(stats::trends(&state.db, &state.dict.taxonomy, &f).await?))
}

/// The technologies a posting asks for (required, preferred, mentioned),
/// its category and level; signed in with a skill profile, which of them
/// my code proves (with the repositories as receipts), what is missing and
/// a coverage score. The text is read, never stored.
#[utoipa::path(post, path = "/match", tag = "market",
    request_body = MatchRequest,
    responses(
        (status = 200, description = "What the posting asks and my coverage", body = MatchResult),
        (status = 413, description = "Body larger than 64 KB", body = ErrorBody),
        (status = 422, description = "Empty text, or more than 20,000 characters", body = ErrorBody),
    ))]
pub async fn match_posting(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    body: Result<Json<MatchRequest>, JsonRejection>,
) -> AppResult<Json<MatchResult>> {
    let Json(req) = body.map_err(|e| AppError::validation("text", e.body_text()))?;
    let text = fit::check_text(&req.text)?;
    let profile = match &user {
        Some(u) => fit::profile_of(&state.db, &state.jobs, &u.user_id).await?,
        None => None,
    };
    Ok(Json(fit::match_posting(&state.dict, text, profile.as_ref(), user.is_some())))
}

/// My proven skills against a category's demand: proven and in demand
/// (asked by at least 5 % of postings), in demand but not proven yet (with
/// how often asked), proven but rare.
#[utoipa::path(get, path = "/me/market-fit", tag = "market",
    params(MarketQuery),
    responses(
        (status = 200, description = "The three groups", body = MarketFit),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Unknown category", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn market_fit(
    State(state): State<AppState>,
    user: AuthUser,
    q: Result<Query<MarketQuery>, QueryRejection>,
) -> AppResult<Json<MarketFit>> {
    let f = query(q)?;
    Ok(Json(fit_view(&state, &user.user_id, &f).await?))
}

pub async fn fit_view(state: &AppState, user_id: &str, f: &stats::Filter) -> AppResult<MarketFit> {
    let (total, demand) = stats::demand(&state.db, &state.dict.taxonomy, f).await?;
    let profile = fit::profile_of(&state.db, &state.jobs, user_id).await?;
    Ok(fit::market_fit(f.category.as_deref().unwrap_or(""), total, &demand, profile.as_ref()))
}
