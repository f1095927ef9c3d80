//! Résumés: one row per generated résumé. The document (JSON Resume with
//! receipts) is written only once it is complete and checked; until then
//! the row says `generating` and the job's progress holds the sections so
//! far. Token use and an estimated cost are kept per résumé.

use super::m20261122_000002_create_accounts::Users;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resumes {
    Table,
    Id,
    UserId,
    Language,
    TargetRole,
    Status,
    Writer,
    Model,
    Document,
    PromptTokens,
    CompletionTokens,
    LlmCalls,
    CostUsd,
    Error,
    JobId,
    ProfileVersion,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Resumes::Table)
                .if_not_exists()
                .col(string_len(Resumes::Id, 36).primary_key())
                .col(string_len(Resumes::UserId, 36))
                .col(string_len(Resumes::Language, 8))
                .col(string_len_null(Resumes::TargetRole, 100))
                // generating | ready | failed
                .col(string_len(Resumes::Status, 16))
                // llm | deterministic
                .col(string_len(Resumes::Writer, 16))
                .col(string_len_null(Resumes::Model, 100))
                .col(json_null(Resumes::Document))
                .col(integer(Resumes::PromptTokens))
                .col(integer(Resumes::CompletionTokens))
                .col(integer(Resumes::LlmCalls))
                .col(double(Resumes::CostUsd))
                .col(text_null(Resumes::Error))
                .col(string_len_null(Resumes::JobId, 36))
                .col(integer(Resumes::ProfileVersion))
                .col(timestamp_with_time_zone(Resumes::CreatedAt))
                .col(timestamp_with_time_zone(Resumes::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_resumes_user")
                        .from(Resumes::Table, Resumes::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_resumes_user").table(Resumes::Table).col(Resumes::UserId).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Resumes::Table).if_exists().to_owned()).await
    }
}
