//! Comments on shared résumés: threads with one level of replies,
//! optionally anchored to a section or a line (the line's text is kept so
//! the anchor can find it again after edits), and reports of abuse (one
//! per user per comment). They go with the résumé and with their author.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeComments {
    Table,
    Id,
    ResumeId,
    UserId,
    /// The comment replied to (a top-level one), if a reply.
    ParentId,
    /// `summary`, `skills`, `projects.0`, `work.1.highlights.2`, …
    Anchor,
    /// The anchored line's text when the comment was written.
    AnchorText,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommentReports {
    Table,
    CommentId,
    UserId,
    Reason,
    CreatedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ResumeComments::Table)
                .if_not_exists()
                .col(string_len(ResumeComments::Id, 36).primary_key())
                .col(string_len(ResumeComments::ResumeId, 36))
                .col(string_len(ResumeComments::UserId, 36))
                .col(string_len_null(ResumeComments::ParentId, 36))
                .col(string_len_null(ResumeComments::Anchor, 80))
                .col(text_null(ResumeComments::AnchorText))
                .col(text(ResumeComments::Body))
                .col(timestamp_with_time_zone(ResumeComments::CreatedAt))
                .col(timestamp_with_time_zone(ResumeComments::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_resume_comments_resume")
                        .from(ResumeComments::Table, ResumeComments::ResumeId)
                        .to(Resumes::Table, Resumes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_resume_comments_user")
                        .from(ResumeComments::Table, ResumeComments::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_resume_comments_parent")
                        .from(ResumeComments::Table, ResumeComments::ParentId)
                        .to(ResumeComments::Table, ResumeComments::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_resume_comments_resume")
                .table(ResumeComments::Table)
                .col(ResumeComments::ResumeId)
                .col(ResumeComments::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CommentReports::Table)
                .if_not_exists()
                .col(string_len(CommentReports::CommentId, 36))
                .col(string_len(CommentReports::UserId, 36))
                .col(string_len(CommentReports::Reason, 500))
                .col(timestamp_with_time_zone(CommentReports::CreatedAt))
                .primary_key(Index::create().col(CommentReports::CommentId).col(CommentReports::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_comment_reports_comment")
                        .from(CommentReports::Table, CommentReports::CommentId)
                        .to(ResumeComments::Table, ResumeComments::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_comment_reports_user")
                        .from(CommentReports::Table, CommentReports::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CommentReports::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(ResumeComments::Table).if_exists().to_owned()).await
    }
}
