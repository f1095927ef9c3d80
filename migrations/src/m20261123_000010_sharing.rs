//! Sharing a résumé: its visibility and stable link (`/r/{slug}`), the
//! slugs it had before (they redirect), likes (one per user, the unique
//! key is the truth), and view counts per day (flushed in batches from the
//! store, so a page view costs no database write). Everything goes with
//! the résumé (and likes with their user).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeShares {
    Table,
    ResumeId,
    UserId,
    /// private | unlisted | public
    Visibility,
    Slug,
    /// Whether readers see the view count.
    ShowCounts,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ResumeSlugs {
    Table,
    Slug,
    ResumeId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ResumeLikes {
    Table,
    ResumeId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ResumeViewDays {
    Table,
    ResumeId,
    /// YYYY-MM-DD (UTC)
    Day,
    Views,
    Uniques,
}

#[derive(DeriveIden)]
enum Resumes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn to_resume(from: (impl IntoIden, impl IntoIden), name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Resumes::Table, Resumes::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ResumeShares::Table)
                .if_not_exists()
                .col(string_len(ResumeShares::ResumeId, 36).primary_key())
                .col(string_len(ResumeShares::UserId, 36))
                .col(string_len(ResumeShares::Visibility, 10))
                .col(string_len(ResumeShares::Slug, 80).unique_key())
                .col(boolean(ResumeShares::ShowCounts).default(false))
                .col(timestamp_with_time_zone(ResumeShares::CreatedAt))
                .col(timestamp_with_time_zone(ResumeShares::UpdatedAt))
                .foreign_key(&mut to_resume((ResumeShares::Table, ResumeShares::ResumeId), "fk_resume_shares_resume"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_resume_shares_visibility")
                .table(ResumeShares::Table)
                .col(ResumeShares::Visibility)
                .col(ResumeShares::UpdatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ResumeSlugs::Table)
                .if_not_exists()
                .col(string_len(ResumeSlugs::Slug, 80).primary_key())
                .col(string_len(ResumeSlugs::ResumeId, 36))
                .col(timestamp_with_time_zone(ResumeSlugs::CreatedAt))
                .foreign_key(&mut to_resume((ResumeSlugs::Table, ResumeSlugs::ResumeId), "fk_resume_slugs_resume"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ResumeLikes::Table)
                .if_not_exists()
                .col(string_len(ResumeLikes::ResumeId, 36))
                .col(string_len(ResumeLikes::UserId, 36))
                .col(timestamp_with_time_zone(ResumeLikes::CreatedAt))
                .primary_key(Index::create().col(ResumeLikes::ResumeId).col(ResumeLikes::UserId))
                .foreign_key(&mut to_resume((ResumeLikes::Table, ResumeLikes::ResumeId), "fk_resume_likes_resume"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_resume_likes_user")
                        .from(ResumeLikes::Table, ResumeLikes::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ResumeViewDays::Table)
                .if_not_exists()
                .col(string_len(ResumeViewDays::ResumeId, 36))
                .col(string_len(ResumeViewDays::Day, 10))
                .col(big_integer(ResumeViewDays::Views).default(0))
                .col(big_integer(ResumeViewDays::Uniques).default(0))
                .primary_key(Index::create().col(ResumeViewDays::ResumeId).col(ResumeViewDays::Day))
                .foreign_key(&mut to_resume(
                    (ResumeViewDays::Table, ResumeViewDays::ResumeId),
                    "fk_resume_view_days_resume",
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ResumeViewDays::Table.into_iden(),
            ResumeLikes::Table.into_iden(),
            ResumeSlugs::Table.into_iden(),
            ResumeShares::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
