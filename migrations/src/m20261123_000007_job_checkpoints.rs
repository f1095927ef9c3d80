//! A job's checkpoint: what an attempt has done so far (a paused GitHub
//! import's cursor and the pages it already read), so the next attempt
//! resumes there instead of starting over. Internal: never shown to users.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Checkpoint,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Jobs::Table).add_column(json_null(Jobs::Checkpoint)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Jobs::Table).drop_column(Jobs::Checkpoint).to_owned()).await
    }
}
