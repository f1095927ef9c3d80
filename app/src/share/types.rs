//! Sharing's wire types.

use serde::{Deserialize, Serialize};

/// Who may read a résumé.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Its owner only (the default). Anyone else gets 404.
    #[default]
    Private,
    /// Anyone with the link; not listed, `noindex`.
    Unlisted,
    /// Anyone; listed in the gallery.
    Public,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Visibility::Private, Visibility::Unlisted, Visibility::Public];

    pub fn code(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Unlisted => "unlisted",
            Visibility::Public => "public",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// `PUT /api/v1/resumes/{id}/visibility`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShareSettings {
    pub visibility: Visibility,
    /// The link's last part: 3–60 of a–z, 0–9 and `-`. Default: from the
    /// nickname with a short suffix. A changed slug's old link redirects.
    #[serde(default)]
    pub slug: Option<String>,
    /// Show the view count to readers.
    #[serde(default)]
    pub show_counts: Option<bool>,
}

/// Views on one day (UTC).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayCount {
    /// `YYYY-MM-DD`
    pub day: String,
    pub views: i64,
    pub uniques: i64,
}

/// How a résumé is shared, and how it is read (the owner's view).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShareView {
    pub resume_id: String,
    pub visibility: Visibility,
    /// Set once the résumé has been shared.
    pub slug: Option<String>,
    /// The absolute link, while it is not private.
    pub url: Option<String>,
    pub show_counts: bool,
    /// Views (a viewer counts once an hour; the owner and link-preview bots never).
    pub views: i64,
    /// Distinct viewers per day, summed.
    pub uniques: i64,
    pub likes: i64,
    /// The last 30 days, oldest first (days without views included).
    pub last_30_days: Vec<DayCount>,
}

/// A shared résumé as a reader gets it (`GET /api/v1/r/{slug}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicResume {
    pub resume_id: String,
    pub slug: String,
    pub visibility: Visibility,
    /// The document as readers see it (hidden sections left out).
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub document: serde_json::Value,
    pub likes: i64,
    /// Whether the signed-in reader likes it.
    pub liked: bool,
    /// Views, when the owner shows them.
    pub views: Option<i64>,
    /// The reader is its owner.
    pub mine: bool,
    pub updated_at: String,
    /// Its absolute link.
    pub url: String,
    /// Its link-preview card (PNG, 1200 × 630), absolute, versioned.
    pub image_url: String,
}

/// `PUT`/`DELETE /api/v1/resumes/{id}/like`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LikeState {
    pub likes: i64,
    pub liked: bool,
}

/// What a link opens: the résumé, or where it moved (an old slug).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Shared {
    Found(Box<PublicResume>),
    Moved(String),
}

/// A comment as readers see it; top-level ones carry their replies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommentView {
    pub id: String,
    /// The author's nickname.
    pub author: String,
    pub body: String,
    /// Where it points now: the line it was written on (found again by its
    /// text after edits), else its section; `None` for the whole résumé.
    pub anchor: Option<String>,
    /// The anchored line's text, when the line still exists.
    pub anchor_text: Option<String>,
    pub created_at: String,
    pub edited: bool,
    /// Written by the reader.
    pub mine: bool,
    /// The reader may delete it (theirs, or on their résumé).
    pub can_delete: bool,
    /// Replies (one level: a reply has none).
    #[cfg_attr(feature = "ssr", schema(no_recursion))]
    pub replies: Vec<CommentView>,
}

/// `POST /api/v1/resumes/{id}/comments`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewComment {
    /// Plain text (links become links), at most 2,000 characters.
    pub body: String,
    /// Reply to this top-level comment.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// `summary`, `skills`, `work.0`, `projects.1.highlights.2`, …
    #[serde(default)]
    pub anchor: Option<String>,
}

/// `PATCH /api/v1/comments/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EditComment {
    pub body: String,
}

/// `POST /api/v1/comments/{id}/report`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportComment {
    #[serde(default)]
    pub reason: String,
}
