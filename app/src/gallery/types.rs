//! The gallery's wire types, shared by the page, its server function and
//! `GET /api/v1/explore`.

use serde::{Deserialize, Serialize};

/// How the gallery is ordered.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Engagement (views, likes, comments) decayed by the time since it
    /// was published.
    #[default]
    Trending,
    /// Most viewed.
    Views,
    /// Most liked.
    Likes,
    /// Most recently published.
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Trending, Sort::Views, Sort::Likes, Sort::Newest];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Trending => "trending",
            Sort::Views => "views",
            Sort::Likes => "likes",
            Sort::Newest => "newest",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The most cards one page holds, and the default.
pub const MAX_LIMIT: u32 = 50;
pub const DEFAULT_LIMIT: u32 = 12;

/// `GET /api/v1/explore`'s query, and the page's address (`/explore?…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct ExploreQuery {
    /// `trending` (default), `views`, `likes` or `newest`.
    pub sort: Option<String>,
    /// A skill or technology by any of its names (`react.js` finds React).
    pub skill: Option<String>,
    /// A target role: a job category code (`backend`, `frontend`,
    /// `fullstack`, `mobile`, `data`, `ml`, `devops`, …) or words that name
    /// one (`백엔드`, `frontend developer`).
    pub role: Option<String>,
    /// `next_cursor` of the page before; absent for the first page.
    pub cursor: Option<String>,
    /// Cards per page, 1–50 (default 12).
    pub limit: Option<u32>,
}

/// One public résumé as a card.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GalleryCard {
    pub resume_id: String,
    pub slug: String,
    /// `/r/{slug}`
    pub path: String,
    /// `basics.name` (may be empty).
    pub name: String,
    /// `basics.label` (may be empty).
    pub headline: String,
    /// The summary's first sentence.
    pub summary: String,
    /// The target role's job category code, when one is known.
    pub role: Option<String>,
    /// The top skills, by their canonical names.
    pub skills: Vec<String>,
    /// `ko` or `en`.
    pub language: String,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    /// When it was made public (RFC 3339).
    pub published_at: String,
}

/// One page of the gallery.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExplorePage {
    pub sort: Sort,
    /// The skill filtered on, by its canonical name (`React` for `react.js`).
    pub skill: Option<String>,
    /// The role filtered on, as a job category code.
    pub role: Option<String>,
    pub items: Vec<GalleryCard>,
    /// Pass as `cursor` for the next page; absent on the last page. Opaque.
    pub next_cursor: Option<String>,
}
