//! The gallery, `/explore`: public résumés as cards, sorted by trending,
//! views, likes or newest, filtered by skill and target role, paged by
//! cursor. The page reads through [`explore_cards`]; API clients use
//! `GET /api/v1/explore` (ssr/routes.rs); both call the same service.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;
pub mod types;

use crate::platform::errors::FnError;
use leptos::prelude::*;
use types::{ExplorePage, ExploreQuery};

/// One page of the gallery for the address's query. A query the server
/// cannot read (a tampered cursor, an unknown role) answers `invalid` with
/// the field's name as its value, and the page's status is 422.
#[server(prefix = "/sfn", endpoint = "explore")]
pub async fn explore_cards(query: ExploreQuery) -> Result<ExplorePage, FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::platform::ssr::error::AppError;
    use crate::platform::ssr::sfn;
    let state = sfn::state()?;
    let filter = match ssr::query::Filter::parse(&query) {
        Ok(f) => f,
        Err(AppError::Validation { fields }) => {
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(http::StatusCode::UNPROCESSABLE_ENTITY);
            }
            let field = fields.into_keys().next().unwrap_or_default();
            return Err(FnError::new(ErrorCode::Invalid).with_value(field));
        }
        Err(e) => return Err(sfn::internal(e)),
    };
    ssr::query::explore(&state.db, &filter).await.map_err(sfn::internal)
}
