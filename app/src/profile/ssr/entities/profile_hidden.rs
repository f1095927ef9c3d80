use sea_orm::entity::prelude::*;

/// A repository or skill the user chose to hide; survives re-imports.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "profile_hidden")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// `repository` or `skill`
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// A repository's `owner/name` or a skill id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
