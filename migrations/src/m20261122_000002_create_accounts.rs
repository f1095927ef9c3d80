//! Accounts: users, their linked sign-in identities, sessions (one per
//! sign-in, each a family of rotating refresh tokens) and the security log.
//! Every row of a user goes when the user goes (ON DELETE CASCADE).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Nickname,
    NicknameKey,
    DisplayName,
    AvatarUrl,
    Email,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Identities {
    Table,
    Id,
    UserId,
    Provider,
    Subject,
    Login,
    Email,
    AccessTokenEnc,
    Scopes,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
pub enum Sessions {
    Table,
    Id,
    UserId,
    Provider,
    Ip,
    UserAgent,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
    RevokedReason,
}

#[derive(DeriveIden)]
pub enum RefreshTokens {
    Table,
    TokenHash,
    SessionId,
    CreatedAt,
    ExpiresAt,
    RotatedAt,
}

#[derive(DeriveIden)]
pub enum AuthEvents {
    Table,
    Id,
    UserId,
    SessionId,
    Kind,
    Provider,
    Ip,
    UserAgent,
    Detail,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .if_not_exists()
                .col(string_len(Users::Id, 36).primary_key())
                // NULL until the user picks one on first sign-in.
                .col(string_len_null(Users::Nickname, 40))
                // Lower-cased nickname: uniqueness without regard to case.
                .col(string_len_null(Users::NicknameKey, 40).unique_key())
                .col(string_len_null(Users::DisplayName, 200))
                .col(string_len_null(Users::AvatarUrl, 500))
                .col(string_len_null(Users::Email, 320))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Identities::Table)
                .if_not_exists()
                .col(string_len(Identities::Id, 36).primary_key())
                .col(string_len(Identities::UserId, 36))
                .col(string_len(Identities::Provider, 64))
                .col(string_len(Identities::Subject, 255))
                .col(string_len_null(Identities::Login, 255))
                .col(string_len_null(Identities::Email, 320))
                // AES-256-GCM, base64(nonce || ciphertext); never leaves the server.
                .col(text_null(Identities::AccessTokenEnc))
                .col(string_len_null(Identities::Scopes, 500))
                .col(timestamp_with_time_zone(Identities::CreatedAt))
                .col(timestamp_with_time_zone(Identities::LastUsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_identities_user")
                        .from(Identities::Table, Identities::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_identities_provider_subject")
                .table(Identities::Table)
                .col(Identities::Provider)
                .col(Identities::Subject)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_identities_user").table(Identities::Table).col(Identities::UserId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .if_not_exists()
                .col(string_len(Sessions::Id, 36).primary_key())
                .col(string_len(Sessions::UserId, 36))
                .col(string_len(Sessions::Provider, 64))
                .col(string_len_null(Sessions::Ip, 64))
                .col(string_len_null(Sessions::UserAgent, 300))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastUsedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                .col(string_len_null(Sessions::RevokedReason, 64))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user")
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .if_not_exists()
                // SHA-256 of the token, hex: the token itself is never stored.
                .col(string_len(RefreshTokens::TokenHash, 64).primary_key())
                .col(string_len(RefreshTokens::SessionId, 36))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RotatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_refresh_tokens_session")
                        .from(RefreshTokens::Table, RefreshTokens::SessionId)
                        .to(Sessions::Table, Sessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_refresh_tokens_session")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::SessionId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuthEvents::Table)
                .if_not_exists()
                .col(string_len(AuthEvents::Id, 36).primary_key())
                .col(string_len_null(AuthEvents::UserId, 36))
                .col(string_len_null(AuthEvents::SessionId, 36))
                .col(string_len(AuthEvents::Kind, 40))
                .col(string_len_null(AuthEvents::Provider, 64))
                .col(string_len_null(AuthEvents::Ip, 64))
                .col(string_len_null(AuthEvents::UserAgent, 300))
                .col(text_null(AuthEvents::Detail))
                .col(timestamp_with_time_zone(AuthEvents::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_auth_events_user")
                        .from(AuthEvents::Table, AuthEvents::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_auth_events_user")
                .table(AuthEvents::Table)
                .col(AuthEvents::UserId)
                .col(AuthEvents::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuthEvents::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Identities::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
