//! Background jobs: persisted so they survive restarts, claimed with a lease
//! so exactly one instance runs each, with progress the UI can follow.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Jobs {
    Table,
    Id,
    Kind,
    OwnerId,
    Payload,
    Status,
    Progress,
    Message,
    Result,
    Error,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedBy,
    LockedUntil,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .if_not_exists()
                    .col(string_len(Jobs::Id, 36).primary_key())
                    .col(string_len(Jobs::Kind, 64))
                    .col(string_len_null(Jobs::OwnerId, 64))
                    .col(json_binary(Jobs::Payload))
                    .col(string_len(Jobs::Status, 16))
                    .col(json_binary_null(Jobs::Progress))
                    .col(text_null(Jobs::Message))
                    .col(json_binary_null(Jobs::Result))
                    .col(text_null(Jobs::Error))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(integer(Jobs::MaxAttempts).default(3))
                    .col(timestamp_with_time_zone(Jobs::RunAt))
                    .col(string_len_null(Jobs::LockedBy, 64))
                    .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Jobs::FinishedAt))
                    .to_owned(),
            )
            .await?;
        // The claim query: runnable jobs by due time.
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_status_run_at")
                    .table(Jobs::Table)
                    .col(Jobs::Status)
                    .col(Jobs::RunAt)
                    .to_owned(),
            )
            .await?;
        // "Is an import of mine already running?"
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_owner_kind")
                    .table(Jobs::Table)
                    .col(Jobs::OwnerId)
                    .col(Jobs::Kind)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Jobs::Table).to_owned()).await
    }
}
