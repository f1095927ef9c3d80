use sea_orm::entity::prelude::*;

/// One paid generation or section rewrite: the daily quota counts these.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "generations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub resume_id: String,
    pub job_id: String,
    /// The job kind: a whole résumé or one section.
    pub kind: String,
    pub created_at: DateTimeUtc,
    /// Set when the unit was given back (the LLM's transport failed, or the
    /// generation was lost to a crash); refunded rows do not count.
    pub refunded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
