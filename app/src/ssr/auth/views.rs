//! What the UI and the API show of an account.

use super::{accounts, extract::AuthUser, sessions};
use crate::api_types::{IdentityView, MeView, SessionView};
use crate::ssr::error::{AppError, AppResult};
use sea_orm::DatabaseConnection;

/// The signed-in user's view of their account.
pub async fn me_view(db: &DatabaseConnection, user_id: &str) -> AppResult<MeView> {
    let user = accounts::get(db, user_id).await?.ok_or(AppError::Unauthorized)?;
    let identities = accounts::identities(db, user_id).await?;
    Ok(MeView {
        id: user.id,
        nickname: user.nickname,
        display_name: user.display_name,
        avatar_url: user.avatar_url,
        email: user.email,
        created_at: user.created_at.to_rfc3339(),
        identities: identities
            .into_iter()
            .map(|i| IdentityView {
                id: i.id,
                provider: i.provider,
                login: i.login,
                email: i.email,
                created_at: i.created_at.to_rfc3339(),
                last_used_at: i.last_used_at.to_rfc3339(),
            })
            .collect(),
    })
}

pub async fn session_views(db: &DatabaseConnection, user: &AuthUser) -> AppResult<Vec<SessionView>> {
    Ok(sessions::list_live(db, &user.user_id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            current: s.id == user.session_id,
            id: s.id,
            provider: s.provider,
            ip: s.ip,
            user_agent: s.user_agent,
            created_at: s.created_at.to_rfc3339(),
            last_used_at: s.last_used_at.to_rfc3339(),
        })
        .collect())
}
