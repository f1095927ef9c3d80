//! Administrators: who may use `/api/v1/admin/*`, from configuration
//! (`auth.admins`).
//!
//! An administrator is named by a sign-in identity as the provider knows
//! it — `provider:subject`, the provider's own stable account id (GitHub's
//! numeric user id, an OpenID Connect `sub`) — or by a Proofolio user id
//! (`user:<id>`). Logins, nicknames and e-mail addresses are never used:
//! their owners can change them, and someone else can take a name that was
//! given up. The demo sign-in never makes an administrator (anyone can get
//! a demo account).
//!
//! Signed in but not an administrator: 403 (the admin endpoints are in the
//! public API document, so hiding them behind 404 would hide nothing).
//! Not signed in: 401.

use super::entities::identity;
use super::extract::AuthUser;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// One configured administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admin {
    /// A Proofolio user id.
    User(String),
    /// A sign-in identity: provider (lower case) and the provider's subject.
    Identity { provider: String, subject: String },
}

impl Admin {
    /// `user:<id>` or `provider:subject`.
    pub fn parse(entry: &str) -> Result<Self, String> {
        let entry = entry.trim();
        let (kind, rest) = entry
            .split_once(':')
            .filter(|(k, r)| !k.trim().is_empty() && !r.trim().is_empty())
            .ok_or_else(|| format!("{entry:?} is not provider:subject (e.g. github:583231) or user:<id>"))?;
        let kind = kind.trim().to_ascii_lowercase();
        let rest = rest.trim().to_string();
        match kind.as_str() {
            "user" => Ok(Admin::User(rest)),
            "demo" => Err(format!("{entry:?}: a demo sign-in cannot be an administrator")),
            _ => Ok(Admin::Identity { provider: kind, subject: rest }),
        }
    }
}

/// Whether `user_id` is one of `admins` (entries that do not parse are
/// never anyone; start-up refuses them anyway).
pub async fn is_admin(db: &DatabaseConnection, admins: &[String], user_id: &str) -> AppResult<bool> {
    let admins: Vec<Admin> = admins.iter().filter_map(|a| Admin::parse(a).ok()).collect();
    if admins.is_empty() {
        return Ok(false);
    }
    if admins.iter().any(|a| matches!(a, Admin::User(id) if id == user_id)) {
        return Ok(true);
    }
    let identities = identity::Entity::find().filter(identity::Column::UserId.eq(user_id)).all(db).await?;
    Ok(identities.iter().any(|i| {
        admins.iter().any(|a| {
            matches!(a, Admin::Identity { provider, subject }
                if provider.eq_ignore_ascii_case(&i.provider) && *subject == i.subject && i.provider != "demo")
        })
    }))
}

/// A signed-in administrator (401 when not signed in, 403 when not an
/// administrator).
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl<S> FromRequestParts<S> for AdminUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        let state = AppState::from_ref(state);
        if is_admin(&state.db, &state.settings.auth.admins, &user.user_id).await? {
            Ok(AdminUser(user))
        } else {
            tracing::warn!(user = %user.user_id, "admin endpoint refused to a user who is not an administrator");
            Err(AppError::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_name_identities_or_users() {
        assert_eq!(
            Admin::parse(" GitHub:583231 "),
            Ok(Admin::Identity { provider: "github".into(), subject: "583231".into() })
        );
        assert_eq!(Admin::parse("user:3f2a-9"), Ok(Admin::User("3f2a-9".into())));
        assert_eq!(
            Admin::parse("oidc-acme:sub:with:colons"),
            Ok(Admin::Identity { provider: "oidc-acme".into(), subject: "sub:with:colons".into() })
        );
        for bad in ["octocat", "github:", ":123", "demo:abc"] {
            assert!(Admin::parse(bad).is_err(), "{bad}");
        }
    }
}
