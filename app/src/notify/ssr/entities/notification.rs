use sea_orm::entity::prelude::*;

pub use crate::notify::types::NotificationKind;

/// Something that happened to `recipient_id`'s résumé or comment.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    /// Auto-increment: later rows have larger ids.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub recipient_id: String,
    pub kind: NotificationKind,
    pub resume_id: String,
    /// Who liked or wrote.
    pub actor_id: String,
    /// The comment (or reply) written, for comments and replies.
    pub comment_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
