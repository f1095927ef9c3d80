//! The market's aggregates read `posting_technologies` by technology (a
//! technology's postings, their requirement): an index on the technology,
//! the posting and the requirement answers them from the index alone,
//! without a lookup of each row. It replaces the index on the technology
//! alone, which it starts with.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PostingTechnologies {
    Table,
    PostingId,
    TechId,
    Requirement,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_posting_technologies_tech_posting")
                .table(PostingTechnologies::Table)
                .col(PostingTechnologies::TechId)
                .col(PostingTechnologies::PostingId)
                .col(PostingTechnologies::Requirement)
                .to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("idx_posting_technologies_tech").table(PostingTechnologies::Table).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_posting_technologies_tech")
                .table(PostingTechnologies::Table)
                .col(PostingTechnologies::TechId)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop().name("idx_posting_technologies_tech_posting").table(PostingTechnologies::Table).to_owned(),
        )
        .await
    }
}
