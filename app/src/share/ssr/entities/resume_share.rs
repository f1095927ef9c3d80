use sea_orm::entity::prelude::*;

/// How a résumé is shared: none of this row (or `private`) means only its
/// owner sees it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_shares")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resume_id: String,
    pub user_id: String,
    /// `private`, `unlisted` or `public`.
    pub visibility: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub show_counts: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
