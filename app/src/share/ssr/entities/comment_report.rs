use sea_orm::entity::prelude::*;

/// A report of an abusive comment (one per user per comment).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comment_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub comment_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub reason: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
