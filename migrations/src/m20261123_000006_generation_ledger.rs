//! Generations kept in the database, so that the daily quota and "one
//! generation per user at a time" hold without Redis and across instances:
//!
//! - `generations`: one row per paid generation or section rewrite; the
//!   quota counts a user's rows of the last 24 hours that were not refunded.
//! - a partial unique index on `resumes (user_id) WHERE job_id IS NOT NULL`:
//!   a user has at most one résumé with work in flight, enforced by the
//!   database itself (the same SQL on PostgreSQL and SQLite);
//! - likewise one GitHub import queued or running per user.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Generations {
    Table,
    Id,
    UserId,
    ResumeId,
    JobId,
    Kind,
    CreatedAt,
    RefundedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Generations::Table)
                .if_not_exists()
                .col(string_len(Generations::Id, 36).primary_key())
                .col(string_len(Generations::UserId, 36))
                .col(string_len(Generations::ResumeId, 36))
                .col(string_len(Generations::JobId, 36))
                .col(string_len(Generations::Kind, 32))
                .col(timestamp_with_time_zone(Generations::CreatedAt))
                .col(timestamp_with_time_zone_null(Generations::RefundedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_generations_user")
                        .from(Generations::Table, Generations::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_generations_user_created")
                .table(Generations::Table)
                .col(Generations::UserId)
                .col(Generations::CreatedAt)
                .to_owned(),
        )
        .await?;
        // Until now a résumé kept the id of its last job after it finished;
        // from here on `job_id` means "work in flight" only.
        m.get_connection()
            .execute_unprepared(
                "UPDATE resumes SET job_id = NULL WHERE job_id IS NOT NULL AND job_id NOT IN \
                 (SELECT id FROM jobs WHERE status IN ('queued', 'running'))",
            )
            .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS uq_resumes_one_in_flight_per_user \
                 ON resumes (user_id) WHERE job_id IS NOT NULL",
            )
            .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE jobs SET status = 'failed', error = 'superseded', finished_at = updated_at \
                 WHERE kind = 'github_import' AND status IN ('queued', 'running') AND id NOT IN \
                 (SELECT MAX(id) FROM jobs WHERE kind = 'github_import' AND status IN ('queued', 'running') \
                 GROUP BY owner_id)",
            )
            .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS uq_jobs_one_active_import_per_user \
                 ON jobs (owner_id) WHERE kind = 'github_import' AND status IN ('queued', 'running')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS uq_resumes_one_in_flight_per_user").await?;
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS uq_jobs_one_active_import_per_user").await?;
        m.drop_table(Table::drop().table(Generations::Table).if_exists().to_owned()).await
    }
}
