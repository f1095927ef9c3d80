//! De-duplication reads the SimHashes of the postings of a company and
//! month, for every batch it stores: an index on the company, the month
//! and the SimHash answers that from the index alone, without a lookup of
//! each row (random reads of the table, more of them as it grows). It
//! replaces the index on the company and month, which it starts with.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Postings {
    Table,
    CompanyKey,
    PostedMonth,
    Simhash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_postings_company_month_simhash")
                .table(Postings::Table)
                .col(Postings::CompanyKey)
                .col(Postings::PostedMonth)
                .col(Postings::Simhash)
                .to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("idx_postings_company_month").table(Postings::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_postings_company_month")
                .table(Postings::Table)
                .col(Postings::CompanyKey)
                .col(Postings::PostedMonth)
                .to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("idx_postings_company_month_simhash").table(Postings::Table).to_owned()).await
    }
}
