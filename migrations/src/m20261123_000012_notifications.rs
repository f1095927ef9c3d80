//! Notifications: a like, a comment or a reply raises one row per person
//! to tell (never the one who acted). The id is an auto-incrementing
//! integer, so "everything after the last id this tab saw" is one range
//! read (SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT`, never reused;
//! PostgreSQL: an identity column). A row goes with its recipient, its
//! actor, its résumé and its comment (ON DELETE CASCADE). Mutes are one row
//! per (user, résumé): a muted résumé raises nothing for that user.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    RecipientId,
    /// like | comment | reply
    Kind,
    ResumeId,
    ActorId,
    CommentId,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum NotificationMutes {
    Table,
    UserId,
    ResumeId,
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

#[derive(DeriveIden)]
enum ResumeComments {
    Table,
    Id,
}

fn cascade(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Notifications as N;
        m.create_table(
            Table::create()
                .table(N::Table)
                .if_not_exists()
                .col(big_pk_auto(N::Id))
                .col(string_len(N::RecipientId, 36))
                .col(string_len(N::Kind, 10))
                .col(string_len(N::ResumeId, 36))
                .col(string_len(N::ActorId, 36))
                .col(string_len_null(N::CommentId, 36))
                .col(timestamp_with_time_zone(N::CreatedAt))
                .col(timestamp_with_time_zone_null(N::ReadAt))
                .foreign_key(&mut cascade(
                    "fk_notifications_recipient",
                    (N::Table, N::RecipientId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut cascade("fk_notifications_actor", (N::Table, N::ActorId), (Users::Table, Users::Id)))
                .foreign_key(&mut cascade(
                    "fk_notifications_resume",
                    (N::Table, N::ResumeId),
                    (Resumes::Table, Resumes::Id),
                ))
                .foreign_key(&mut cascade(
                    "fk_notifications_comment",
                    (N::Table, N::CommentId),
                    (ResumeComments::Table, ResumeComments::Id),
                ))
                .to_owned(),
        )
        .await?;
        // Paging newest first and "after the last id seen", per recipient.
        m.create_index(
            Index::create()
                .name("idx_notifications_recipient")
                .table(N::Table)
                .col(N::RecipientId)
                .col(N::Id)
                .to_owned(),
        )
        .await?;
        // The cascades look rows up by these (PostgreSQL indexes no foreign key by itself).
        for (name, col) in [
            ("idx_notifications_resume", N::ResumeId),
            ("idx_notifications_actor", N::ActorId),
            ("idx_notifications_comment", N::CommentId),
        ] {
            m.create_index(Index::create().name(name).table(N::Table).col(col).to_owned()).await?;
        }
        // Unread counts read only the unread rows (same statement on both databases).
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_notifications_unread ON notifications (recipient_id, id) \
                 WHERE read_at IS NULL",
            )
            .await?;

        use NotificationMutes as M;
        m.create_table(
            Table::create()
                .table(M::Table)
                .if_not_exists()
                .col(string_len(M::UserId, 36))
                .col(string_len(M::ResumeId, 36))
                .col(timestamp_with_time_zone(M::CreatedAt))
                .primary_key(Index::create().col(M::UserId).col(M::ResumeId))
                .foreign_key(&mut cascade(
                    "fk_notification_mutes_user",
                    (M::Table, M::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut cascade(
                    "fk_notification_mutes_resume",
                    (M::Table, M::ResumeId),
                    (Resumes::Table, Resumes::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_notification_mutes_resume").table(M::Table).col(M::ResumeId).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(NotificationMutes::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(Notifications::Table).if_exists().to_owned()).await
    }
}
