use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "profile_repositories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub name_with_owner: String,
    pub snapshot_id: String,
    /// `Repository` as JSON.
    pub data: Json,
    pub owned: bool,
    pub is_fork: bool,
    #[sea_orm(column_type = "Double")]
    pub score: f64,
    pub rank: Option<i32>,
    pub pushed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
