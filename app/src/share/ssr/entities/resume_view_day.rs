use sea_orm::entity::prelude::*;

/// Views of a shared résumé on one day (UTC), as flushed from the store.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_view_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resume_id: String,
    /// `YYYY-MM-DD`
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    pub views: i64,
    pub uniques: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
