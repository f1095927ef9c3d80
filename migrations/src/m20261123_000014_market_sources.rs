//! Ingestion from job boards and feeds on a schedule, and runs an
//! administrator starts:
//!
//! - `posting_sources`: one row per configured source (its key, e.g.
//!   `greenhouse:acme`), with when it is next due and the run in flight.
//!   Instances enqueue a run only by moving `generation` on with a
//!   conditional `UPDATE`, so one due time gives one run however many
//!   instances look at once, and a source has one run queued or running.
//! - `ingestion_runs` learns who started a run, its job, its progress
//!   (`read_count`) and why it failed (a stable code, a sentence, and how
//!   long a rate-limiting source asked to be left alone).
//! - `ingestion_uploads`: a file an administrator uploaded, kept until its
//!   run has read it (so any instance's worker can, after a restart too).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PostingSources {
    Table,
    /// `greenhouse:acme`, `feed:https://…`
    SourceKey,
    Kind,
    /// Moves on by one with every run enqueued; the conditional UPDATE's guard.
    Generation,
    NextRunAt,
    LastJobId,
    LastRunId,
    /// The last finished run's status and error, for the admin API.
    LastStatus,
    LastError,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IngestionRuns {
    Table,
    StartedAt,
    /// cli | startup | schedule | admin | upload
    TriggeredBy,
    JobId,
    ReadCount,
    ErrorCode,
    Error,
    RetryAfterSecs,
}

#[derive(DeriveIden)]
enum IngestionUploads {
    Table,
    RunId,
    /// jsonl | csv | corpus
    Format,
    Gzip,
    Data,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PostingSources::Table)
                .if_not_exists()
                .col(string_len(PostingSources::SourceKey, 300).primary_key())
                .col(string_len(PostingSources::Kind, 16))
                .col(big_integer(PostingSources::Generation).default(0))
                .col(timestamp_with_time_zone(PostingSources::NextRunAt))
                .col(string_len_null(PostingSources::LastJobId, 36))
                .col(string_len_null(PostingSources::LastRunId, 36))
                .col(string_len_null(PostingSources::LastStatus, 16))
                .col(text_null(PostingSources::LastError))
                .col(timestamp_with_time_zone(PostingSources::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per statement.
        for col in [
            string_len_null(IngestionRuns::TriggeredBy, 16),
            string_len_null(IngestionRuns::JobId, 36),
            integer(IngestionRuns::ReadCount).default(0).to_owned(),
            string_len_null(IngestionRuns::ErrorCode, 32),
            text_null(IngestionRuns::Error),
            integer_null(IngestionRuns::RetryAfterSecs),
        ] {
            m.alter_table(Table::alter().table(IngestionRuns::Table).add_column(col).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("idx_ingestion_runs_started_at")
                .table(IngestionRuns::Table)
                .col(IngestionRuns::StartedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IngestionUploads::Table)
                .if_not_exists()
                .col(string_len(IngestionUploads::RunId, 36).primary_key())
                .col(string_len(IngestionUploads::Format, 16))
                .col(boolean(IngestionUploads::Gzip))
                .col(blob(IngestionUploads::Data))
                .col(timestamp_with_time_zone(IngestionUploads::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IngestionUploads::Table).if_exists().to_owned()).await?;
        m.drop_index(Index::drop().name("idx_ingestion_runs_started_at").table(IngestionRuns::Table).to_owned())
            .await?;
        for col in [
            IngestionRuns::TriggeredBy,
            IngestionRuns::JobId,
            IngestionRuns::ReadCount,
            IngestionRuns::ErrorCode,
            IngestionRuns::Error,
            IngestionRuns::RetryAfterSecs,
        ] {
            m.alter_table(Table::alter().table(IngestionRuns::Table).drop_column(col).to_owned()).await?;
        }
        m.drop_table(Table::drop().table(PostingSources::Table).if_exists().to_owned()).await
    }
}
