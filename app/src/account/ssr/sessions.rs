//! Sessions and refresh tokens. Each sign-in opens a session: a family of
//! refresh tokens in which every refresh rotates the token. Presenting a
//! token that was already rotated means it was copied: the whole family is
//! revoked and recorded, with one exception: two refreshes racing each
//! other (restored tabs, a prefetch beside a navigation) present the same
//! token within a moment, so during a short grace window the token that was
//! just rotated gets a successor of its own instead of a revocation.
//!
//! A session slides forward with use (`REFRESH_TTL_DAYS` idle) but never
//! outlives its absolute lifetime (`SessionPolicy::max_age`) from sign-in.

use super::{audit, crypto};
use crate::account::ssr::entities::{refresh_token, session};
use crate::platform::ssr::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

pub const REFRESH_TTL_DAYS: i64 = 30;

/// Who is asking, for the session list and the security log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    fn ua(&self) -> Option<String> {
        self.user_agent.as_ref().map(|ua| ua.chars().take(300).collect())
    }
}

/// How long sessions live and how forgiving rotation is.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A rotated token presented again within this long after its rotation,
    /// while its successor is still unused, is a race, not a copy.
    pub grace: Duration,
    /// No session lives longer than this from sign-in, however active.
    pub max_age: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { grace: Duration::seconds(30), max_age: Duration::days(90) }
    }
}

pub struct Issued {
    pub session_id: String,
    pub refresh_token: String,
}

pub enum RefreshOutcome {
    Rotated {
        user_id: String,
        issued: Issued,
    },
    /// Unknown, expired or revoked.
    Invalid,
    /// An already-rotated token: the family has now been revoked.
    Reused,
}

async fn insert_token<C: sea_orm::ConnectionTrait>(
    db: &C,
    session_id: &str,
    now: DateTime<Utc>,
    hard_end: DateTime<Utc>,
) -> AppResult<String> {
    let token = crypto::random_token(32);
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        token_hash: Set(crypto::sha256_hex(&token)),
        session_id: Set(session_id.to_string()),
        created_at: Set(now),
        expires_at: Set((now + Duration::days(REFRESH_TTL_DAYS)).min(hard_end)),
        rotated_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

pub async fn open(db: &DatabaseConnection, user_id: &str, provider: &str, client: &ClientInfo) -> AppResult<Issued> {
    let now = Utc::now();
    let session_id = uuid::Uuid::new_v4().to_string();
    let txn = db.begin().await?;
    session::Entity::insert(session::ActiveModel {
        id: Set(session_id.clone()),
        user_id: Set(user_id.to_string()),
        provider: Set(provider.to_string()),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.ua()),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(now + Duration::days(REFRESH_TTL_DAYS)),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    let refresh_token = insert_token(&txn, &session_id, now, now + Duration::days(REFRESH_TTL_DAYS)).await?;
    audit::record(&txn, audit::Event::new("sign_in", client).user(user_id).session(&session_id).provider(provider))
        .await?;
    txn.commit().await?;
    Ok(Issued { session_id, refresh_token })
}

pub async fn refresh(
    db: &DatabaseConnection,
    token: &str,
    client: &ClientInfo,
    policy: SessionPolicy,
) -> AppResult<RefreshOutcome> {
    let now = Utc::now();
    let hash = crypto::sha256_hex(token);
    let Some(row) = refresh_token::Entity::find_by_id(hash.clone()).one(db).await? else {
        return Ok(RefreshOutcome::Invalid);
    };
    let Some(session) = session::Entity::find_by_id(row.session_id.clone()).one(db).await? else {
        return Ok(RefreshOutcome::Invalid);
    };
    if session.revoked_at.is_some() {
        return Ok(RefreshOutcome::Invalid);
    }
    let hard_end = session.created_at + policy.max_age;
    if let Some(rotated_at) = row.rotated_at {
        return after_rotation(db, &session, rotated_at, now, hard_end, client, policy).await;
    }
    if row.expires_at <= now || session.expires_at <= now || hard_end <= now {
        return Ok(RefreshOutcome::Invalid);
    }
    let txn = db.begin().await?;
    // Exactly one caller can rotate a token: the loser of a race sees zero
    // rows and is handled like a token presented just after its rotation.
    let rotated = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::TokenHash.eq(hash.clone()))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?;
    if rotated.rows_affected != 1 {
        txn.rollback().await?;
        let rotated_at = refresh_token::Entity::find_by_id(hash).one(db).await?.and_then(|r| r.rotated_at);
        return after_rotation(db, &session, rotated_at.unwrap_or(now), now, hard_end, client, policy).await;
    }
    let next = insert_token(&txn, &session.id, now, hard_end).await?;
    slide(&txn, &session, now, hard_end, client).await?;
    txn.commit().await?;
    Ok(RefreshOutcome::Rotated {
        user_id: session.user_id,
        issued: Issued { session_id: session.id, refresh_token: next },
    })
}

/// A token that has already been rotated. Within the grace window, and only
/// while nothing newer in the family has been rotated since (the successor
/// is still unused), it is a concurrent refresh and gets a successor of its
/// own. Otherwise it was copied, and the whole family is revoked.
async fn after_rotation(
    db: &DatabaseConnection,
    session: &session::Model,
    rotated_at: DateTime<Utc>,
    now: DateTime<Utc>,
    hard_end: DateTime<Utc>,
    client: &ClientInfo,
    policy: SessionPolicy,
) -> AppResult<RefreshOutcome> {
    let in_grace = now - rotated_at <= policy.grace && session.expires_at > now && hard_end > now;
    if in_grace {
        let txn = crate::platform::ssr::db::begin_write(db).await?;
        let moved_on = refresh_token::Entity::find()
            .filter(refresh_token::Column::SessionId.eq(session.id.clone()))
            .filter(refresh_token::Column::RotatedAt.gt(rotated_at))
            .count(&txn)
            .await?;
        if moved_on == 0 {
            let next = insert_token(&txn, &session.id, now, hard_end).await?;
            slide(&txn, session, now, hard_end, client).await?;
            txn.commit().await?;
            tracing::info!(user = %session.user_id, session = %session.id, "concurrent refresh within the grace window");
            return Ok(RefreshOutcome::Rotated {
                user_id: session.user_id.clone(),
                issued: Issued { session_id: session.id.clone(), refresh_token: next },
            });
        }
        txn.rollback().await?;
    }
    revoke_reused(db, session, client).await?;
    Ok(RefreshOutcome::Reused)
}

/// Move the idle expiry forward, never past the absolute end.
async fn slide<C: sea_orm::ConnectionTrait>(
    db: &C,
    session: &session::Model,
    now: DateTime<Utc>,
    hard_end: DateTime<Utc>,
    client: &ClientInfo,
) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value((now + Duration::days(REFRESH_TTL_DAYS)).min(hard_end)))
        .col_expr(session::Column::Ip, Expr::value(client.ip.clone()))
        .filter(session::Column::Id.eq(session.id.clone()))
        .exec(db)
        .await?;
    Ok(())
}

async fn revoke_reused(db: &DatabaseConnection, session: &session::Model, client: &ClientInfo) -> AppResult<()> {
    tracing::warn!(user = %session.user_id, session = %session.id, "refresh token reuse detected; revoking the family");
    revoke(db, &session.id, "refresh_reuse").await?;
    audit::record(db, audit::Event::new("refresh_reuse_detected", client).user(&session.user_id).session(&session.id))
        .await
}

/// Revoke the live sessions matching `which`; how many there were.
async fn revoke_where(db: &DatabaseConnection, which: sea_orm::Condition, reason: &str) -> AppResult<u64> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .col_expr(session::Column::RevokedReason, Expr::value(Some(reason.to_string())))
        .filter(which)
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// End one session (its access tokens stop working at once: every request
/// checks that its session is live).
pub async fn revoke(db: &DatabaseConnection, session_id: &str, reason: &str) -> AppResult<bool> {
    Ok(revoke_where(db, sea_orm::Condition::all().add(session::Column::Id.eq(session_id)), reason).await? == 1)
}

pub async fn revoke_all(db: &DatabaseConnection, user_id: &str, reason: &str) -> AppResult<u64> {
    revoke_where(db, sea_orm::Condition::all().add(session::Column::UserId.eq(user_id)), reason).await
}

/// The live session `sid` of `user_id`, if it is live.
pub async fn live(db: &DatabaseConnection, user_id: &str, session_id: &str) -> AppResult<Option<session::Model>> {
    Ok(session::Entity::find_by_id(session_id.to_string())
        .one(db)
        .await?
        .filter(|s| s.user_id == user_id && s.revoked_at.is_none() && s.expires_at > Utc::now()))
}

pub async fn list_live(db: &DatabaseConnection, user_id: &str) -> AppResult<Vec<session::Model>> {
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(session::Column::LastUsedAt)
        .all(db)
        .await?)
}

/// End a session of `user_id`; someone else's session is "not found".
pub async fn end_own(db: &DatabaseConnection, user_id: &str, session_id: &str, client: &ClientInfo) -> AppResult<()> {
    let Some(s) = session::Entity::find_by_id(session_id.to_string()).one(db).await? else {
        return Err(AppError::NotFound);
    };
    if s.user_id != user_id {
        return Err(AppError::NotFound);
    }
    revoke(db, session_id, "ended_by_user").await?;
    audit::record(db, audit::Event::new("session_ended", client).user(user_id).session(session_id)).await
}

/// The session a refresh token belongs to (rotated or not).
pub async fn by_refresh_token(db: &DatabaseConnection, token: &str) -> AppResult<Option<session::Model>> {
    let Some(row) = refresh_token::Entity::find_by_id(crypto::sha256_hex(token)).one(db).await? else {
        return Ok(None);
    };
    Ok(session::Entity::find_by_id(row.session_id).one(db).await?)
}
