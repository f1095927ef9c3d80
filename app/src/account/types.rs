//! The account capability's wire types, shared by the server, the browser
//! and API clients.

use serde::{Deserialize, Serialize};

/// Sign out this browser (a form post; the refresh cookie is scoped to
/// `/api/v1/auth`, so sign-out lives there too).
pub const LOGOUT_URL: &str = "/api/v1/auth/logout";
/// Sign out every session of the account.
pub const LOGOUT_ALL_URL: &str = "/api/v1/auth/logout-all";
/// The demo sign-in (a form post), where it is offered.
pub const DEMO_SIGN_IN_URL: &str = "/auth/demo";

/// Start signing in with `provider` (a link).
pub fn login_url(provider: &str) -> String {
    format!("/auth/{provider}/login")
}

/// Link another sign-in method to the signed-in account (a form post).
pub fn link_url(provider: &str) -> String {
    format!("/auth/{provider}/link")
}

/// `POST /api/v1/auth/refresh`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A JWT (EdDSA), valid for `expires_in` seconds.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
    /// The next refresh token, for API clients (browsers get a cookie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// `POST /api/v1/auth/refresh` with the refresh cookie: the new tokens went
/// into HttpOnly cookies, so no script on the page ever holds them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CookieRefreshed {
    /// Seconds until the new access cookie needs refreshing.
    pub expires_in: i64,
}

/// A way to sign in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderView {
    pub id: String,
    pub display_name: String,
    /// Where a browser starts (GET; the demo sign-in is a POST form).
    pub login_url: String,
    /// The local-only demo sign-in.
    pub demo: bool,
}

/// The signed-in user, as they see themselves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeView {
    pub id: String,
    /// `None` until chosen on first sign-in.
    pub nickname: Option<String>,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    pub email: Option<String>,
    pub created_at: String,
    pub identities: Vec<IdentityView>,
}

/// A sign-in method linked to the account. Tokens never leave the server.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IdentityView {
    pub id: String,
    pub provider: String,
    pub login: Option<String>,
    pub email: Option<String>,
    pub created_at: String,
    pub last_used_at: String,
}

/// A signed-in device.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: String,
    pub provider: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// A short name for people, e.g. "Chrome · Windows".
    pub device: String,
    pub created_at: String,
    pub last_used_at: String,
    /// The session making this request.
    pub current: bool,
}

/// `PATCH /api/v1/me`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpdateMe {
    pub nickname: String,
}
