//! Users and their linked sign-in identities.

use super::{audit, crypto::Sealer, nickname, providers::ExternalIdentity, sessions::ClientInfo};
use crate::account::ssr::entities::{identity, user};
use crate::platform::ssr::entities::job;
use crate::platform::ssr::error::{AppError, AppResult};
use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use std::collections::BTreeMap;

pub struct SignedIn {
    pub user: user::Model,
    /// True on the first sign-in (the user still has to pick a nickname).
    pub created: bool,
}

/// What a sealed provider token is bound to: its identity row.
pub fn token_row(provider: &str, subject: &str) -> String {
    format!("identity:{provider}:{subject}")
}

/// Find the user behind `ext`, or link `ext` to `link_to`, or create a user.
/// Accounts are never merged by e-mail address: that would let whoever
/// controls an address at one provider take over an account.
pub async fn sign_in(
    db: &DatabaseConnection,
    sealer: &Sealer,
    ext: ExternalIdentity,
    link_to: Option<&str>,
    client: &ClientInfo,
) -> AppResult<SignedIn> {
    let now = Utc::now();
    let sealed_token = ext.access_token.as_deref().map(|t| sealer.seal(t, &token_row(&ext.provider, &ext.subject)));
    let existing = identity::Entity::find()
        .filter(identity::Column::Provider.eq(ext.provider.clone()))
        .filter(identity::Column::Subject.eq(ext.subject.clone()))
        .one(db)
        .await?;
    if let Some(found) = existing {
        if let Some(target) = link_to {
            if found.user_id != target {
                return Err(AppError::Conflict("that sign-in already belongs to another Proofolio account".into()));
            }
        }
        identity::Entity::update_many()
            .col_expr(identity::Column::LastUsedAt, Expr::value(now))
            .col_expr(identity::Column::Login, Expr::value(ext.login.clone()))
            .col_expr(identity::Column::Email, Expr::value(ext.email.clone()))
            .col_expr(identity::Column::AccessTokenEnc, Expr::value(sealed_token))
            .col_expr(identity::Column::Scopes, Expr::value(ext.scopes.clone()))
            .filter(identity::Column::Id.eq(found.id.clone()))
            .exec(db)
            .await?;
        let user = user::Entity::find_by_id(found.user_id).one(db).await?.ok_or(AppError::NotFound)?;
        return Ok(SignedIn { user, created: false });
    }

    let txn = db.begin().await?;
    let (user, created) = match link_to {
        Some(id) => (user::Entity::find_by_id(id.to_string()).one(&txn).await?.ok_or(AppError::Unauthorized)?, false),
        None => {
            let model = user::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                nickname: Set(None),
                nickname_key: Set(None),
                display_name: Set(ext.name.clone().map(|n| n.chars().take(200).collect())),
                avatar_url: Set(ext
                    .avatar_url
                    .clone()
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://"))),
                email: Set(ext.email.clone().filter(|_| ext.email_verified)),
                created_at: Set(now),
                updated_at: Set(now),
            };
            (user::Entity::insert(model).exec_with_returning(&txn).await?, true)
        }
    };
    identity::Entity::insert(identity::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        user_id: Set(user.id.clone()),
        provider: Set(ext.provider.clone()),
        subject: Set(ext.subject.clone()),
        login: Set(ext.login.clone()),
        email: Set(ext.email.clone()),
        access_token_enc: Set(sealed_token),
        scopes: Set(ext.scopes.clone()),
        created_at: Set(now),
        last_used_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    if link_to.is_some() {
        audit::record(&txn, audit::Event::new("identity_linked", client).user(&user.id).provider(&ext.provider))
            .await?;
    }
    txn.commit().await?;
    Ok(SignedIn { user, created })
}

pub async fn get(db: &DatabaseConnection, user_id: &str) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(user_id.to_string()).one(db).await?)
}

async fn taken(db: &DatabaseConnection, key: &str, except_user: Option<&str>) -> AppResult<bool> {
    let mut q = user::Entity::find().filter(user::Column::NicknameKey.eq(key));
    if let Some(id) = except_user {
        q = q.filter(user::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

/// A free nickname close to `hint`.
pub async fn suggest_nickname(db: &DatabaseConnection, hint: &str) -> AppResult<String> {
    let base = nickname::suggest_from(hint);
    if !taken(db, &nickname::key(&base), None).await? {
        return Ok(base);
    }
    for n in 2..1000 {
        let candidate = nickname::numbered(&base, n);
        if !taken(db, &nickname::key(&candidate), None).await? {
            return Ok(candidate);
        }
    }
    Ok(nickname::numbered("dev", rand::random_range(1000..999_999)))
}

pub async fn set_nickname(db: &DatabaseConnection, user_id: &str, raw: &str) -> AppResult<user::Model> {
    let nick = nickname::validate(raw).map_err(|e| {
        let mut fields = BTreeMap::new();
        fields.insert("nickname".to_string(), e.code().to_string());
        AppError::Validation { fields }
    })?;
    let key = nickname::key(&nick);
    let wanted = nick.clone();
    let conflict = || async {
        let mut fields = BTreeMap::new();
        fields.insert("nickname".to_string(), "taken".to_string());
        fields.insert("suggestion".to_string(), suggest_nickname(db, &wanted).await.unwrap_or_default());
        AppError::Validation { fields }
    };
    if taken(db, &key, Some(user_id)).await? {
        return Err(conflict().await);
    }
    let res = user::Entity::update_many()
        .col_expr(user::Column::Nickname, Expr::value(Some(nick)))
        .col_expr(user::Column::NicknameKey, Expr::value(Some(key)))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await;
    match res {
        Ok(_) => {}
        // Two people racing for one name: the unique index decides.
        Err(e) if crate::platform::ssr::error::is_unique_violation(&e) => return Err(conflict().await),
        Err(e) => return Err(e.into()),
    }
    get(db, user_id).await?.ok_or(AppError::NotFound)
}

pub async fn identities(db: &DatabaseConnection, user_id: &str) -> AppResult<Vec<identity::Model>> {
    Ok(identity::Entity::find()
        .filter(identity::Column::UserId.eq(user_id))
        .order_by_asc(identity::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Unlink one identity; never the last one (the user could not sign in).
pub async fn unlink(db: &DatabaseConnection, user_id: &str, identity_id: &str, client: &ClientInfo) -> AppResult<()> {
    let txn = db.begin().await?;
    let all = identity::Entity::find().filter(identity::Column::UserId.eq(user_id)).all(&txn).await?;
    let Some(target) = all.iter().find(|i| i.id == identity_id) else {
        return Err(AppError::NotFound);
    };
    if all.len() <= 1 {
        return Err(AppError::Conflict("you cannot unlink your only way to sign in".into()));
    }
    identity::Entity::delete_by_id(target.id.clone()).exec(&txn).await?;
    audit::record(&txn, audit::Event::new("identity_unlinked", client).user(user_id).provider(&target.provider))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Delete the user and every row that is theirs.
pub async fn delete(db: &DatabaseConnection, user_id: &str) -> AppResult<()> {
    let txn = db.begin().await?;
    job::Entity::delete_many().filter(job::Column::OwnerId.eq(user_id)).exec(&txn).await?;
    // identities, sessions (and their refresh tokens) and the security log
    // go with the user through ON DELETE CASCADE.
    let res = user::Entity::delete_by_id(user_id.to_string()).exec(&txn).await?;
    if res.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    txn.commit().await?;
    tracing::info!(user = %user_id, "account deleted");
    Ok(())
}

/// Delete demo accounts older than `age` that never linked a real provider,
/// a batch at a time, so throw-away accounts do not pile up.
pub async fn sweep_demo_accounts(db: &DatabaseConnection, age: chrono::Duration) -> AppResult<u64> {
    let cutoff = Utc::now() - age;
    let old = identity::Entity::find()
        .filter(identity::Column::Provider.eq("demo"))
        .filter(identity::Column::CreatedAt.lt(cutoff))
        .order_by_asc(identity::Column::CreatedAt)
        .paginate(db, 50)
        .fetch_page(0)
        .await?;
    let mut deleted = 0;
    for demo in old {
        let others = identity::Entity::find()
            .filter(identity::Column::UserId.eq(demo.user_id.clone()))
            .filter(identity::Column::Provider.ne("demo"))
            .count(db)
            .await?;
        if others == 0 && delete(db, &demo.user_id).await.is_ok() {
            deleted += 1;
        }
    }
    if deleted > 0 {
        tracing::info!(deleted, "old demo accounts removed");
    }
    Ok(deleted)
}
