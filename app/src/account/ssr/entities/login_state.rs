use sea_orm::entity::prelude::*;

/// A sign-in attempt in flight; deleted when its callback arrives.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "login_states")]
pub struct Model {
    /// SHA-256 of the OAuth `state`, hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
