//! The job market's wire types, shared by the pages, the server functions
//! and the JSON API (`/api/v1/market/*`, `/api/v1/match`,
//! `/api/v1/me/market-fit`). Every number is computed in the database from
//! the normalised postings; no posting text is ever sent back.

use serde::{Deserialize, Serialize};

/// The longest posting text `POST /match` reads (characters).
pub const MATCH_TEXT_MAX: usize = 20_000;

/// The job categories, by the extraction's stable codes.
pub const CATEGORIES: [&str; 12] = [
    "backend",
    "frontend",
    "fullstack",
    "mobile",
    "data",
    "ml",
    "devops",
    "security",
    "embedded",
    "game",
    "qa",
    "other",
];

/// The experience levels, by code.
pub const LEVELS: [&str; 6] = ["entry", "junior", "mid", "senior", "any", "unspecified"];

/// Where the numbers come from, shown with every view.
pub const CREDIT: &str = "Job postings: 谁在招人 (ruanyf/weekly) via darknight/whoishiring-insight, Apache-2.0";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct MarketQuery {
    /// A job category code (`backend`, `frontend`, …); all when absent.
    pub category: Option<String>,
    /// The last N months of the data (1–120); all when absent.
    pub period: Option<u32>,
    /// A region code (`seoul`, `gyeonggi`, `beijing`, `shanghai`, …).
    pub region: Option<String>,
    /// An experience level code (`entry`, `junior`, `mid`, `senior`, …).
    pub experience: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    pub code: String,
    pub postings: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Categories {
    pub categories: Vec<CategoryCount>,
    pub total_postings: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TechCount {
    pub tech_id: String,
    pub name: String,
    /// Postings naming it at all.
    pub postings: i64,
    /// Of those, how many list it as a requirement, as nice to have, or
    /// only mention it (stack, duties).
    pub required: i64,
    pub preferred: i64,
    pub mentioned: i64,
    /// `postings` / all postings in the view, 0–1.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TechPair {
    pub a: String,
    pub a_name: String,
    pub b: String,
    pub b_name: String,
    /// Postings naming both.
    pub postings: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Bucket {
    /// A region or level code; `""` when the postings do not say.
    pub key: String,
    pub postings: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceCount {
    pub source: String,
    pub postings: i64,
}

/// `GET /api/v1/market/top`: one view of the market.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MarketTop {
    pub query: MarketQuery,
    /// Postings in the view.
    pub total_postings: i64,
    /// `YYYY-MM` of the oldest and newest posting in the view.
    pub first_month: Option<String>,
    pub last_month: Option<String>,
    /// Most asked first (at most 20).
    pub top: Vec<TechCount>,
    /// Most often asked together (at most 10).
    pub pairs: Vec<TechPair>,
    pub by_region: Vec<Bucket>,
    pub by_level: Vec<Bucket>,
    /// By the company's industry (`fintech`, `games`, `commerce` …; `""`
    /// when the posting does not say).
    #[serde(default)]
    pub by_industry: Vec<Bucket>,
    /// By kind of company (`startup`, `enterprise`, `foreign`, `public`,
    /// `agency`; `""` when the posting does not say).
    #[serde(default)]
    pub by_company_type: Vec<Bucket>,
    pub sources: Vec<SourceCount>,
    pub credit: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// `YYYY-MM`
    pub month: String,
    pub postings: i64,
    /// Of all postings of the category that month, 0–1.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendSeries {
    pub tech_id: String,
    pub name: String,
    pub points: Vec<TrendPoint>,
}

/// `GET /api/v1/market/trends`: the top five technologies month by month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Trends {
    pub category: Option<String>,
    /// Every month with postings, oldest first, with its posting count.
    pub months: Vec<Bucket>,
    pub series: Vec<TrendSeries>,
    pub credit: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MatchRequest {
    /// The posting's text (Korean, English or Chinese), at most 20,000 characters.
    pub text: String,
}

/// A receipt: the repository whose code proves a skill.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvidenceLink {
    pub repository: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AskedTech {
    pub tech_id: String,
    pub name: String,
    /// `required`, `preferred` or `mentioned`.
    pub requirement: String,
    /// Whether my skill profile proves it (None when there is no profile).
    pub proven: Option<bool>,
    /// The repositories that prove it, best first (at most 3).
    pub evidence: Vec<EvidenceLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// 0–100: the asked technologies my profile proves, weighted required 3,
    /// preferred 2, mentioned 1.
    pub score: u32,
    pub covered: u32,
    pub total: u32,
    /// Names of the asked technologies not proven, required first.
    pub missing: Vec<String>,
}

/// `POST /api/v1/match`: what a posting asks for and, signed in with a
/// skill profile, how much of it my code proves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MatchResult {
    pub category: String,
    pub level: String,
    pub min_years: Option<u8>,
    pub language: String,
    /// Required first, then preferred, then mentioned.
    pub technologies: Vec<AskedTech>,
    /// None unless signed in with a skill profile.
    pub coverage: Option<Coverage>,
    pub signed_in: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FitItem {
    pub tech_id: String,
    pub name: String,
    /// Postings of the category asking for it, and their share, 0–1.
    pub postings: i64,
    pub share: f64,
    pub evidence: Vec<EvidenceLink>,
}

/// `GET /api/v1/me/market-fit`: my proven skills against demand.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MarketFit {
    pub category: String,
    pub total_postings: i64,
    /// False until the first GitHub import: every group is then empty.
    pub has_profile: bool,
    /// Proven by my code and asked for by at least 5 % of postings: lead with these.
    pub proven_in_demand: Vec<FitItem>,
    /// Among the 20 most asked, not proven yet: learn next.
    pub to_learn: Vec<FitItem>,
    /// Proven, but asked for by under 5 % of postings.
    pub proven_rare: Vec<FitItem>,
    pub credit: String,
}

/// A percentage for people: `12.3%`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// `POST /api/v1/resumes/{id}/tailor`: a copy of my résumé aimed at a posting.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TailorRequest {
    /// The posting's text (Korean, English or Chinese), at most 20,000 characters.
    pub text: String,
}

/// What tailoring (a copy, or my own résumé reordered) did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Tailored {
    /// The résumé that now holds the result (the copy, or the résumé itself).
    pub id: String,
    /// Its version after the change.
    pub version: i32,
    /// The asked technologies the résumé names, most wanted first.
    pub matched: Vec<String>,
    /// The places whose order changed: `skills`, `skills.0.keywords`,
    /// `projects`, `work.highlights` …
    pub reordered: Vec<String>,
    /// `llm` when the summary was rewritten toward the posting too; `rules`
    /// when only the order changed.
    pub writer: String,
    /// Why the model's summary was not used, when it was not.
    pub note: Option<String>,
}

/// `POST /api/v1/resumes/{id}/lead-with`: put a category's in-demand skills
/// that my code proves first in my résumé.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeadRequest {
    /// A job category code (`backend`, `frontend`, …).
    pub category: String,
}
