use sea_orm::entity::prelude::*;

/// A comment on a shared résumé (a reply when `parent_id` is set).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub resume_id: String,
    pub user_id: String,
    pub parent_id: Option<String>,
    /// `summary`, `skills`, `projects.0`, `work.1.highlights.2`, …
    pub anchor: Option<String>,
    /// The anchored line's text when the comment was written.
    pub anchor_text: Option<String>,
    pub body: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
