//! What the UI and the API show of an account.

use super::{accounts, extract::AuthUser, sessions};
use crate::account::types::{IdentityView, MeView, SessionView};
use crate::platform::ssr::error::{AppError, AppResult};
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
            device: device_label(s.user_agent.as_deref()),
            user_agent: s.user_agent,
            created_at: s.created_at.to_rfc3339(),
            last_used_at: s.last_used_at.to_rfc3339(),
        })
        .collect())
}

/// "Chrome on Windows" from a User-Agent header, for the device list.
pub fn device_label(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|u| !u.is_empty()) else {
        return "Unknown device".into();
    };
    let browser = [
        ("Whale/", "Naver Whale"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} · {o}"),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => o.to_string(),
        (None, None) => ua.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::device_label;

    #[test]
    fn devices_are_named_the_way_people_know_them() {
        let whale = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Whale/3.24.223.21 Safari/537.36";
        assert_eq!(device_label(Some(whale)), "Naver Whale · Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(Some(iphone)), "Safari · iOS");
        assert_eq!(device_label(None), "Unknown device");
        assert_eq!(device_label(Some("reqwest/0.12")), "reqwest/0.12");
    }
}
