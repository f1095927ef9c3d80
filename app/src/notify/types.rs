//! Notifications' wire types.

use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum NotificationKind {
    /// Someone liked my résumé.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "like"))]
    Like,
    /// Someone commented on my résumé (a reply on it counts too).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "comment"))]
    Comment,
    /// Someone replied to my comment.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "reply"))]
    Reply,
}

/// One notification as its recipient reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    /// Increasing: a later notification has a larger id (the SSE `id:`).
    pub id: i64,
    pub kind: NotificationKind,
    /// Who did it (their nickname).
    pub actor: String,
    pub resume_id: String,
    /// The résumé's name as its readers see it.
    pub resume_title: String,
    /// Where to read it: the shared page (at the comment, for comments).
    pub link: String,
    pub comment_id: Option<String>,
    /// The comment's first words (plain text).
    pub excerpt: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub read: bool,
    /// The recipient muted this résumé (it raises nothing new for them).
    pub muted: bool,
}

/// `GET /api/v1/me/notifications`: newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    /// Pass as `cursor` for the next (older) page; absent on the last.
    pub next_cursor: Option<String>,
    /// Unread notifications in all.
    pub unread: i64,
}

/// `POST /api/v1/me/notifications/read`: these ids, or every one up to
/// and including `up_to` (both may be given).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub up_to: Option<i64>,
}

/// The unread count (answer to mark-read; the `unread` event's data).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Unread {
    pub unread: i64,
}

/// `PUT`/`DELETE /api/v1/resumes/{id}/mute`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MuteState {
    pub muted: bool,
}

/// Where the page frame follows my notifications live (the one place the
/// address is written).
pub const EVENTS_URL: &str = "/api/v1/me/notifications/events";

/// The notifications page.
pub const PAGE_URL: &str = "/notifications";
