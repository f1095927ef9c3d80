//! What kind of company a posting is from: its industry (fintech, games,
//! commerce …) and company type (startup, enterprise, foreign …), when the
//! posting says so. Both may stay empty; the market shows "not stated".

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Postings {
    Table,
    Industry,
    CompanyType,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        m.alter_table(
            Table::alter().table(Postings::Table).add_column(string_len_null(Postings::Industry, 32)).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table(Postings::Table).add_column(string_len_null(Postings::CompanyType, 32)).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Postings::Table).drop_column(Postings::CompanyType).to_owned()).await?;
        m.alter_table(Table::alter().table(Postings::Table).drop_column(Postings::Industry).to_owned()).await
    }
}
