//! Accounts and sign-in: providers, tokens, sessions, the security log, and
//! the extractors that tell a handler who is asking.

pub mod accounts;
pub mod admins;
pub mod audit;
pub mod crypto;
pub mod entities;
pub mod extract;
pub mod login_states;
pub mod nickname;
pub mod providers;
pub mod routes;
pub mod sessions;
pub mod sign_in;
pub mod tokens;
pub mod views;

use crate::platform::ssr::config::Settings;
use secrecy::SecretString;

pub const ACCESS_COOKIE: &str = "pf_access";
pub const REFRESH_COOKIE: &str = "pf_refresh";
/// Not a credential: tells page requests that a refresh may succeed.
pub const SIGNED_IN_COOKIE: &str = "pf_signed_in";
pub const LOGIN_COOKIE: &str = "pf_login";

/// The names the browser's cookies go by. Over https they carry the
/// browser-enforced prefixes: `__Host-` (Secure, path `/`, no Domain: no
/// subdomain or plain-http page can set or shadow them) where the path
/// allows, `__Secure-` for the path-scoped refresh and sign-in cookies.
/// Over plain http (local runs) browsers refuse prefixed cookies, so the
/// plain names are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieNames {
    pub access: &'static str,
    pub refresh: &'static str,
    pub signed_in: &'static str,
    pub login: &'static str,
}

impl CookieNames {
    pub const PLAIN: Self =
        Self { access: ACCESS_COOKIE, refresh: REFRESH_COOKIE, signed_in: SIGNED_IN_COOKIE, login: LOGIN_COOKIE };
    pub const PREFIXED: Self = Self {
        access: "__Host-pf_access",
        refresh: "__Secure-pf_refresh",
        signed_in: "__Host-pf_signed_in",
        login: "__Secure-pf_login",
    };
}
/// Browsers send the refresh token to the refresh and logout endpoints only.
pub const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

/// Key material, from configuration or generated at start-up.
pub struct AuthKeys {
    pub tokens: tokens::TokenKeys,
    pub sealer: crypto::Sealer,
    pub cookie_key: axum_extra::extract::cookie::Key,
    /// Generated at start-up: sign-ins end when the process restarts.
    pub ephemeral: bool,
}

impl AuthKeys {
    pub fn from_settings(settings: &Settings, issuer: &str) -> Result<Self, tokens::KeyError> {
        let tokens = tokens::TokenKeys::new(settings.auth.signing_key.as_ref(), issuer)?;
        let (encryption, ephemeral_enc) = match &settings.security.encryption_key {
            Some(k) => (k.clone(), false),
            None => (SecretString::from(crypto::random_token(32)), true),
        };
        Ok(Self {
            tokens,
            sealer: crypto::Sealer::new(&encryption),
            cookie_key: crypto::cookie_key(&encryption),
            ephemeral: ephemeral_enc || settings.auth.signing_key.is_none(),
        })
    }
}

/// Whether the demo sign-in exists: never in production; otherwise as
/// `auth.demo` says (by default only when no real provider is configured,
/// so a real deployment's visitors never meet throw-away accounts).
pub fn demo_offered(state: &crate::platform::ssr::state::AppState) -> bool {
    use crate::platform::ssr::config::DemoMode;
    if state.settings.profile.is_production() {
        return false;
    }
    match state.settings.auth.demo {
        DemoMode::Off => false,
        DemoMode::Always => true,
        DemoMode::Auto => state.providers.list().is_empty(),
    }
}

/// The sign-in options for the UI and the API.
pub fn provider_views(state: &crate::platform::ssr::state::AppState) -> Vec<crate::account::types::ProviderView> {
    let mut list: Vec<_> = state
        .providers
        .list()
        .into_iter()
        .map(|p| crate::account::types::ProviderView {
            login_url: crate::account::types::login_url(&p.id),
            id: p.id,
            display_name: p.display_name,
            demo: false,
        })
        .collect();
    if demo_offered(state) {
        list.push(crate::account::types::ProviderView {
            id: "demo".into(),
            display_name: "Demo".into(),
            login_url: crate::account::types::DEMO_SIGN_IN_URL.into(),
            demo: true,
        });
    }
    list
}
