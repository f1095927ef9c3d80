//! Job-market insight: what postings ask for, per category, over time, and
//! how a developer's proven skills meet it. Pages read through these server
//! functions; API clients use `/api/v1/market/*` (ssr/routes.rs), both
//! calling the same services.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;
pub mod types;

use crate::platform::errors::FnError;
#[cfg(feature = "ssr")]
use crate::platform::ssr::sfn;
use leptos::prelude::*;
use types::{Categories, MarketFit, MarketQuery, MarketTop, MatchResult, Trends};

#[cfg(feature = "ssr")]
fn filter(q: &MarketQuery) -> Result<ssr::stats::Filter, FnError> {
    ssr::stats::Filter::parse(q).map_err(sfn::internal)
}

/// Every category with its number of postings.
#[server(prefix = "/sfn", endpoint = "market/categories")]
pub async fn market_categories() -> Result<Categories, FnError> {
    let state = sfn::state()?;
    ssr::stats::categories(&state.db).await.map_err(sfn::internal)
}

/// One view of the market (see `GET /api/v1/market/top`).
#[server(prefix = "/sfn", endpoint = "market/top")]
pub async fn market_view(query: MarketQuery) -> Result<MarketTop, FnError> {
    let state = sfn::state()?;
    let f = filter(&query)?;
    ssr::stats::top(&state.db, &state.dict.taxonomy, &f).await.map_err(sfn::internal)
}

/// The top five technologies month by month.
#[server(prefix = "/sfn", endpoint = "market/trends")]
pub async fn market_trends(query: MarketQuery) -> Result<Trends, FnError> {
    let state = sfn::state()?;
    let f = filter(&query)?;
    ssr::stats::trends(&state.db, &state.dict.taxonomy, &f).await.map_err(sfn::internal)
}

/// Read a pasted posting and send the browser to its result page. The
/// address carries only what was found (technologies and how they are
/// asked), never the posting's text.
#[server(prefix = "/sfn", endpoint = "market/match")]
pub async fn match_posting(text: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let text = ssr::fit::check_text(&text).map_err(sfn::internal)?;
    let x = ssr::fit::extract(&state.dict, text);
    let asked: Vec<_> = x.technologies.iter().map(|m| (m.tech_id.clone(), m.requirement)).collect();
    let mut to = format!(
        "/market/match?t={}&c={}&l={}",
        ssr::fit::encode_asked(&asked),
        x.category.code(),
        x.experience.level.code()
    );
    if let Some(y) = x.experience.min_years {
        to.push_str(&format!("&y={y}"));
    }
    sfn::redirect(&to);
    Ok(())
}

/// The result of a match (see [`match_posting`]) against my profile, if
/// signed in with one.
#[server(prefix = "/sfn", endpoint = "market/match_view")]
pub async fn match_view(
    asked: String,
    category: String,
    level: String,
    min_years: Option<u8>,
) -> Result<MatchResult, FnError> {
    let state = sfn::state()?;
    let user = sfn::caller(&state).await?;
    let profile = match &user {
        Some(u) => ssr::fit::profile_of(&state.db, &state.jobs, &u.user_id).await.map_err(sfn::internal)?,
        None => None,
    };
    let asked = ssr::fit::decode_asked(&state.dict, &asked);
    let mut r = ssr::fit::result(&state.dict, &asked, profile.as_ref(), user.is_some());
    let code = |s: &str, all: &[&str]| all.iter().find(|c| **c == s).map(|c| c.to_string()).unwrap_or_default();
    r.category = code(&category, &types::CATEGORIES);
    r.level = code(&level, &types::LEVELS);
    r.min_years = min_years.filter(|y| *y <= 40);
    Ok(r)
}

/// My fit to a category's demand; `None` when signed out.
#[server(prefix = "/sfn", endpoint = "market/fit")]
pub async fn my_market_fit(query: MarketQuery) -> Result<Option<MarketFit>, FnError> {
    let state = sfn::state()?;
    let f = filter(&query)?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    ssr::routes::fit_view(&state, &user.user_id, &f).await.map(Some).map_err(sfn::internal)
}

/// A copy of my résumé `resume_id` tailored to a matched posting (`asked`
/// as the match page's address carries it); opens the copy.
#[server(prefix = "/sfn", endpoint = "market/tailor")]
pub async fn tailor_resume(resume_id: String, asked: String, category: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let asked = ssr::fit::decode_asked(&state.dict, &asked);
    let category = types::CATEGORIES.iter().find(|c| **c == category).copied().unwrap_or_default();
    let t =
        ssr::tailor::tailor_copy(&state, &user.user_id, &resume_id, &asked, category).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/resumes/{}", t.id));
    Ok(())
}

/// Put `category`'s proven, in-demand skills first in my résumé
/// `resume_id`; opens it.
#[server(prefix = "/sfn", endpoint = "market/lead")]
pub async fn lead_resume(resume_id: String, category: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    ssr::tailor::lead_with_category(&state, &user.user_id, &resume_id, &category).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/resumes/{resume_id}"));
    Ok(())
}
