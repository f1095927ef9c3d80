use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "profile_skills")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: String,
    pub snapshot_id: String,
    pub name: String,
    pub kind: String,
    pub category: Option<String>,
    #[sea_orm(column_type = "Double")]
    pub score: f64,
    pub bytes: i64,
    pub repo_count: i32,
    pub first_used: Option<DateTimeUtc>,
    pub last_used: Option<DateTimeUtc>,
    /// `Vec<Evidence>` as JSON.
    pub evidence: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
