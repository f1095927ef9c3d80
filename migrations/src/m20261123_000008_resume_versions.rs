//! Résumés become documents their owners edit: a `version` that every save
//! increments (the concurrency token a save must name), a title of the
//! owner's choosing, and the history in its own table — one row per
//! version kept, so the current document stays one read away on `resumes`.
//! Existing documents become version 1.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resumes {
    Table,
    Id,
    Version,
    Title,
}

#[derive(DeriveIden)]
enum ResumeVersions {
    Table,
    ResumeId,
    Version,
    Document,
    /// generation | rewrite | save | restore | import
    Reason,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Resumes::Table).add_column(integer(Resumes::Version).default(0)).to_owned())
            .await?;
        m.alter_table(Table::alter().table(Resumes::Table).add_column(string_len_null(Resumes::Title, 100)).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(ResumeVersions::Table)
                .if_not_exists()
                .col(string_len(ResumeVersions::ResumeId, 36))
                .col(integer(ResumeVersions::Version))
                .col(json(ResumeVersions::Document))
                .col(string_len(ResumeVersions::Reason, 16))
                .col(timestamp_with_time_zone(ResumeVersions::CreatedAt))
                .col(timestamp_with_time_zone(ResumeVersions::UpdatedAt))
                .primary_key(Index::create().col(ResumeVersions::ResumeId).col(ResumeVersions::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_resume_versions_resume")
                        .from(ResumeVersions::Table, ResumeVersions::ResumeId)
                        .to(Resumes::Table, Resumes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO resume_versions (resume_id, version, document, reason, created_at, updated_at) \
             SELECT id, 1, document, 'generation', updated_at, updated_at FROM resumes WHERE document IS NOT NULL",
        )
        .await?;
        db.execute_unprepared("UPDATE resumes SET version = 1 WHERE document IS NOT NULL").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ResumeVersions::Table).if_exists().to_owned()).await?;
        m.alter_table(Table::alter().table(Resumes::Table).drop_column(Resumes::Title).to_owned()).await?;
        m.alter_table(Table::alter().table(Resumes::Table).drop_column(Resumes::Version).to_owned()).await
    }
}
