use sea_orm::entity::prelude::*;

/// One like: the (résumé, user) key is what makes the count exact.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_likes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resume_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
