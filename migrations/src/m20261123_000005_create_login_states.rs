//! Sign-in attempts in flight. The browser carries the attempt (state,
//! PKCE verifier, nonce) in an encrypted cookie; this table makes its
//! `state` single-use on the server too, so a copied cookie and a replayed
//! callback cannot complete a second sign-in, whichever instance they reach.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginStates {
    Table,
    StateHash,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LoginStates::Table)
                .if_not_exists()
                // SHA-256 of the state, hex.
                .col(string_len(LoginStates::StateHash, 64).primary_key())
                .col(timestamp_with_time_zone(LoginStates::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_login_states_expires")
                .table(LoginStates::Table)
                .col(LoginStates::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginStates::Table).to_owned()).await
    }
}
