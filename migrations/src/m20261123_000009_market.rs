//! The job market: postings normalised from every source, the technologies
//! each asks for (one row per posting and technology, so aggregates are SQL
//! `GROUP BY`s over an index), and a report per ingestion run.
//!
//! No contact or author field exists anywhere here, and the posting text
//! itself is not kept: only what the extraction found in it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Postings {
    Table,
    Id,
    /// `whoishiring-zh`, `file`, …
    Source,
    /// The source's own id, when it has one.
    SourceId,
    Url,
    /// The URL without query string, fragment noise or trailing slash; the
    /// same posting from two sources or re-posted shares it.
    CanonicalUrl,
    /// SHA-256 of the canonical text (title + body).
    ContentHash,
    /// 64-bit SimHash of the canonical text, as a signed integer.
    Simhash,
    Title,
    Company,
    /// Lower-cased company, '' when unknown: near-duplicates are looked
    /// for within one company and month.
    CompanyKey,
    Location,
    Country,
    Region,
    Remote,
    MinYears,
    MaxYears,
    /// entry | junior | mid | senior | any | unspecified
    Level,
    EmploymentType,
    SalaryMin,
    SalaryMax,
    SalaryCurrency,
    SalaryPeriod,
    /// `YYYY-MM`
    PostedMonth,
    PostedAt,
    Language,
    /// The job category code (`backend`, `frontend`, …).
    Category,
    IngestedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PostingTechnologies {
    Table,
    PostingId,
    TechId,
    /// required | preferred | mentioned
    Requirement,
}

#[derive(DeriveIden)]
enum IngestionRuns {
    Table,
    Id,
    Source,
    StartedAt,
    FinishedAt,
    /// running | succeeded | failed
    Status,
    New,
    Updated,
    Duplicates,
    Rejected,
    /// Rejections with their reasons (line and reason), at most 100.
    Report,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Postings::Table)
                .if_not_exists()
                .col(pk_auto(Postings::Id))
                .col(string_len(Postings::Source, 64))
                .col(string_len_null(Postings::SourceId, 200))
                .col(string_len_null(Postings::Url, 2000))
                .col(string_len_null(Postings::CanonicalUrl, 2000))
                .col(string_len(Postings::ContentHash, 64))
                .col(big_integer(Postings::Simhash))
                .col(string_len(Postings::Title, 300))
                .col(string_len_null(Postings::Company, 200))
                .col(string_len(Postings::CompanyKey, 200))
                .col(string_len(Postings::Location, 300))
                .col(string_len_null(Postings::Country, 2))
                .col(string_len_null(Postings::Region, 32))
                .col(boolean(Postings::Remote))
                .col(small_integer_null(Postings::MinYears))
                .col(small_integer_null(Postings::MaxYears))
                .col(string_len(Postings::Level, 16))
                .col(string_len(Postings::EmploymentType, 16))
                .col(big_integer_null(Postings::SalaryMin))
                .col(big_integer_null(Postings::SalaryMax))
                .col(string_len_null(Postings::SalaryCurrency, 3))
                .col(string_len_null(Postings::SalaryPeriod, 8))
                .col(string_len(Postings::PostedMonth, 7))
                .col(date(Postings::PostedAt))
                .col(string_len(Postings::Language, 8))
                .col(string_len(Postings::Category, 16))
                .col(timestamp_with_time_zone(Postings::IngestedAt))
                .col(timestamp_with_time_zone(Postings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // Content hashes are unique; a URL names one posting. Both are how
        // a re-import finds the posting it already has.
        m.create_index(
            Index::create()
                .name("uq_postings_content_hash")
                .table(Postings::Table)
                .col(Postings::ContentHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_postings_canonical_url")
                .table(Postings::Table)
                .col(Postings::CanonicalUrl)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_postings_company_month")
                .table(Postings::Table)
                .col(Postings::CompanyKey)
                .col(Postings::PostedMonth)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_postings_category_month")
                .table(Postings::Table)
                .col(Postings::Category)
                .col(Postings::PostedMonth)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PostingTechnologies::Table)
                .if_not_exists()
                .col(integer(PostingTechnologies::PostingId))
                .col(string_len(PostingTechnologies::TechId, 100))
                .col(string_len(PostingTechnologies::Requirement, 16))
                .primary_key(Index::create().col(PostingTechnologies::PostingId).col(PostingTechnologies::TechId))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_posting_technologies_posting")
                        .from(PostingTechnologies::Table, PostingTechnologies::PostingId)
                        .to(Postings::Table, Postings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_posting_technologies_tech")
                .table(PostingTechnologies::Table)
                .col(PostingTechnologies::TechId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IngestionRuns::Table)
                .if_not_exists()
                .col(string_len(IngestionRuns::Id, 36).primary_key())
                .col(string_len(IngestionRuns::Source, 300))
                .col(timestamp_with_time_zone(IngestionRuns::StartedAt))
                .col(timestamp_with_time_zone_null(IngestionRuns::FinishedAt))
                .col(string_len(IngestionRuns::Status, 16))
                .col(integer(IngestionRuns::New).default(0))
                .col(integer(IngestionRuns::Updated).default(0))
                .col(integer(IngestionRuns::Duplicates).default(0))
                .col(integer(IngestionRuns::Rejected).default(0))
                .col(json_null(IngestionRuns::Report))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IngestionRuns::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(PostingTechnologies::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(Postings::Table).if_exists().to_owned()).await
    }
}
