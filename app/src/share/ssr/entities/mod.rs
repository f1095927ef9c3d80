//! The sharing tables: a résumé's link and visibility, its former slugs,
//! likes, and view counts per day.

pub mod comment_report;
pub mod resume_comment;
pub mod resume_like;
pub mod resume_share;
pub mod resume_slug;
pub mod resume_view_day;
