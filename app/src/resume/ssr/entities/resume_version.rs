use sea_orm::entity::prelude::*;

/// One kept version of a résumé's document.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resume_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub document: Json,
    /// `generation`, `rewrite`, `save`, `restore`, `import` or `copy`.
    pub reason: String,
    pub created_at: DateTimeUtc,
    /// A run of saves is one version: the last save of the run is kept here.
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
