//! Skill profiles from the GitHub import.
//!
//! Every successful import writes a new versioned snapshot (the whole
//! profile as JSON, kept for history and for reproducible résumés) and, in
//! the same transaction, replaces the user's normalised rows (one per skill
//! and per repository) that pages and the market comparison query. A failed
//! import writes nothing, so the last good profile stays. What the user
//! hid lives apart, keyed by stable names, so it survives re-imports.

use super::m20261122_000002_create_accounts::Users;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProfileSnapshots {
    Table,
    Id,
    UserId,
    Version,
    Source,
    Data,
    RequestCount,
    DurationMs,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProfileSkills {
    Table,
    UserId,
    SkillId,
    SnapshotId,
    Name,
    Kind,
    Category,
    Score,
    Bytes,
    RepoCount,
    FirstUsed,
    LastUsed,
    Evidence,
}

#[derive(DeriveIden)]
enum ProfileRepositories {
    Table,
    UserId,
    NameWithOwner,
    SnapshotId,
    Data,
    Owned,
    IsFork,
    Score,
    Rank,
    PushedAt,
}

#[derive(DeriveIden)]
enum ProfileHidden {
    Table,
    UserId,
    Kind,
    Key,
    CreatedAt,
}

fn user_fk(name: &str, table: impl IntoIden + 'static, col: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProfileSnapshots::Table)
                .if_not_exists()
                .col(string_len(ProfileSnapshots::Id, 36).primary_key())
                .col(string_len(ProfileSnapshots::UserId, 36))
                .col(integer(ProfileSnapshots::Version))
                // `github` or `sample` (the demo account's built-in profile).
                .col(string_len(ProfileSnapshots::Source, 16))
                .col(json(ProfileSnapshots::Data))
                .col(integer(ProfileSnapshots::RequestCount))
                .col(big_integer(ProfileSnapshots::DurationMs))
                .col(timestamp_with_time_zone(ProfileSnapshots::CreatedAt))
                .foreign_key(&mut user_fk(
                    "fk_profile_snapshots_user",
                    ProfileSnapshots::Table,
                    ProfileSnapshots::UserId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_profile_snapshots_user_version")
                .table(ProfileSnapshots::Table)
                .col(ProfileSnapshots::UserId)
                .col(ProfileSnapshots::Version)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProfileSkills::Table)
                .if_not_exists()
                .col(string_len(ProfileSkills::UserId, 36))
                // A technology id from the shared dictionary (`rust`, `react`)
                // or, for languages it does not list, a slug of Linguist's name.
                .col(string_len(ProfileSkills::SkillId, 100))
                .col(string_len(ProfileSkills::SnapshotId, 36))
                .col(string_len(ProfileSkills::Name, 100))
                // `language` or `technology`
                .col(string_len(ProfileSkills::Kind, 16))
                .col(string_len_null(ProfileSkills::Category, 16))
                .col(double(ProfileSkills::Score))
                .col(big_integer(ProfileSkills::Bytes))
                .col(integer(ProfileSkills::RepoCount))
                .col(timestamp_with_time_zone_null(ProfileSkills::FirstUsed))
                .col(timestamp_with_time_zone_null(ProfileSkills::LastUsed))
                .col(json(ProfileSkills::Evidence))
                .primary_key(Index::create().col(ProfileSkills::UserId).col(ProfileSkills::SkillId))
                .foreign_key(&mut user_fk("fk_profile_skills_user", ProfileSkills::Table, ProfileSkills::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_profile_skills_skill")
                .table(ProfileSkills::Table)
                .col(ProfileSkills::SkillId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProfileRepositories::Table)
                .if_not_exists()
                .col(string_len(ProfileRepositories::UserId, 36))
                .col(string_len(ProfileRepositories::NameWithOwner, 200))
                .col(string_len(ProfileRepositories::SnapshotId, 36))
                // The repository as imported (bounded, untrusted text kept as data).
                .col(json(ProfileRepositories::Data))
                .col(boolean(ProfileRepositories::Owned))
                .col(boolean(ProfileRepositories::IsFork))
                .col(double(ProfileRepositories::Score))
                // Position in the ranking; NULL when not ranked (a fork without
                // the user's commits, a repository of someone else).
                .col(integer_null(ProfileRepositories::Rank))
                .col(timestamp_with_time_zone_null(ProfileRepositories::PushedAt))
                .primary_key(Index::create().col(ProfileRepositories::UserId).col(ProfileRepositories::NameWithOwner))
                .foreign_key(&mut user_fk(
                    "fk_profile_repositories_user",
                    ProfileRepositories::Table,
                    ProfileRepositories::UserId,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProfileHidden::Table)
                .if_not_exists()
                .col(string_len(ProfileHidden::UserId, 36))
                // `repository` or `skill`
                .col(string_len(ProfileHidden::Kind, 16))
                .col(string_len(ProfileHidden::Key, 200))
                .col(timestamp_with_time_zone(ProfileHidden::CreatedAt))
                .primary_key(
                    Index::create().col(ProfileHidden::UserId).col(ProfileHidden::Kind).col(ProfileHidden::Key),
                )
                .foreign_key(&mut user_fk("fk_profile_hidden_user", ProfileHidden::Table, ProfileHidden::UserId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ProfileHidden::Table.into_iden(),
            ProfileRepositories::Table.into_iden(),
            ProfileSkills::Table.into_iden(),
            ProfileSnapshots::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
