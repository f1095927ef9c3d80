//! Server-side single use of a sign-in's `state`: recorded when the sign-in
//! starts, consumed (deleted) by the first callback that presents it. A
//! second callback with the same state — a replayed URL, a copied login
//! cookie — finds nothing and is refused, on whichever instance it lands.

use super::crypto;
use crate::account::ssr::entities::login_state;
use crate::platform::ssr::error::AppResult;
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// As long as the login cookie lives.
pub const TTL_MINUTES: i64 = 10;

/// Record a sign-in attempt (and sweep the expired ones).
pub async fn record(db: &DatabaseConnection, state: &str) -> AppResult<()> {
    let now = Utc::now();
    login_state::Entity::delete_many().filter(login_state::Column::ExpiresAt.lte(now)).exec(db).await?;
    login_state::Entity::insert(login_state::ActiveModel {
        state_hash: Set(crypto::sha256_hex(state)),
        expires_at: Set(now + Duration::minutes(TTL_MINUTES)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Take the attempt: true exactly once per recorded, unexpired state.
pub async fn consume(db: &DatabaseConnection, state: &str) -> AppResult<bool> {
    let res = login_state::Entity::delete_many()
        .filter(login_state::Column::StateHash.eq(crypto::sha256_hex(state)))
        .filter(login_state::Column::ExpiresAt.gt(Utc::now()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
