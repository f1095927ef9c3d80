//! Sign-in providers: GitHub over OAuth 2 (it has no OpenID Connect), Google,
//! Kakao and any configured issuer over OpenID Connect. The protocol work is
//! the `oauth2` and `openidconnect` crates'; this module chooses endpoints,
//! scopes and what to keep.

use crate::platform::ssr::config::{OAuthClientSettings, OidcProviderSettings, Settings};
use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreProviderMetadata},
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::{
    collections::HashMap,
    time::{Duration, Instant},
};
use tokio::sync::RwLock;

const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// What a provider told us about the person who signed in.
#[derive(Debug, Clone)]
pub struct ExternalIdentity {
    pub provider: String,
    /// Stable id at the provider (GitHub's numeric id, the OIDC `sub`).
    pub subject: String,
    pub login: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub avatar_url: Option<String>,
    /// Kept (encrypted) for GitHub only: the import reads the user's work with it.
    pub access_token: Option<String>,
    pub scopes: Option<String>,
}

/// The secret half of a login in progress, kept in an encrypted cookie.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    pub provider: String,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: Option<String>,
    pub return_to: String,
    /// Linking another provider to the signed-in user rather than signing in.
    pub link_user: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    GitHub { client: OAuthClientSettings },
    Oidc { issuer: String, client_id: String, client_secret: Option<String>, scopes: Vec<String> },
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub display_name: String,
    kind: Kind,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProviderInfo {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused or could not complete the exchange; for the user.
    #[error("{0}")]
    Rejected(String),
    /// The provider could not be reached or answered nonsense.
    #[error("{0}")]
    Unavailable(String),
}

pub struct Providers {
    list: Vec<Provider>,
    http: reqwest::Client,
    github_web: String,
    github_api: String,
    /// `{public_url}/auth/{provider}/callback`
    public_url: String,
    discovery: RwLock<HashMap<String, (CoreProviderMetadata, Instant)>>,
}

fn oidc(id: &str, display: &str, issuer: &str, s: &OAuthClientSettings, scopes: &[&str]) -> Provider {
    Provider {
        id: id.into(),
        display_name: display.into(),
        kind: Kind::Oidc {
            issuer: issuer.into(),
            client_id: s.client_id.clone(),
            client_secret: Some(s.client_secret.expose_secret().to_string()),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        },
    }
}

impl Providers {
    pub fn from_settings(settings: &Settings, public_url: &str) -> Result<Self, reqwest::Error> {
        let mut list = Vec::new();
        let auth = &settings.auth;
        if let Some(gh) = &auth.github {
            list.push(Provider {
                id: "github".into(),
                display_name: "GitHub".into(),
                kind: Kind::GitHub { client: gh.clone() },
            });
        }
        if let Some(g) = &auth.google {
            list.push(oidc("google", "Google", "https://accounts.google.com", g, &["openid", "email", "profile"]));
        }
        if let Some(k) = &auth.kakao {
            list.push(oidc(
                "kakao",
                "Kakao",
                "https://kauth.kakao.com",
                k,
                &["openid", "profile_nickname", "profile_image"],
            ));
        }
        for (name, p) in &auth.oidc {
            let id = name.to_ascii_lowercase();
            if ["github", "google", "kakao", "demo"].contains(&id.as_str()) {
                tracing::warn!(provider = %id, "a generic OIDC provider may not reuse a built-in name; ignored");
                continue;
            }
            list.push(from_generic(&id, p));
        }
        let http = crate::platform::ssr::http::client(crate::platform::ssr::http::ClientKind::IdentityProvider)?;
        Ok(Self {
            list,
            http,
            github_web: settings.github.web_url.trim_end_matches('/').to_string(),
            github_api: settings.github.api_url.trim_end_matches('/').to_string(),
            public_url: public_url.trim_end_matches('/').to_string(),
            discovery: RwLock::new(HashMap::new()),
        })
    }

    pub fn list(&self) -> Vec<ProviderInfo> {
        self.list.iter().map(|p| ProviderInfo { id: p.id.clone(), display_name: p.display_name.clone() }).collect()
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.list.iter().find(|p| p.id == id)
    }

    pub fn redirect_uri(&self, id: &str) -> String {
        format!("{}/auth/{id}/callback", self.public_url)
    }

    async fn metadata(&self, issuer: &str) -> Result<CoreProviderMetadata, ProviderError> {
        if let Some((m, at)) = self.discovery.read().await.get(issuer) {
            if at.elapsed() < DISCOVERY_TTL {
                return Ok(m.clone());
            }
        }
        let url =
            IssuerUrl::new(issuer.to_string()).map_err(|e| ProviderError::Unavailable(format!("bad issuer: {e}")))?;
        let m = CoreProviderMetadata::discover_async(url, &self.http).await.map_err(|e| {
            tracing::warn!(issuer, error = %e, "OpenID Connect discovery failed");
            ProviderError::Unavailable("the sign-in provider could not be reached".into())
        })?;
        self.discovery.write().await.insert(issuer.to_string(), (m.clone(), Instant::now()));
        Ok(m)
    }

    /// The provider's authorization URL and the secrets to keep until the callback.
    pub async fn begin(
        &self,
        provider: &Provider,
        return_to: String,
        link_user: Option<String>,
    ) -> Result<(String, PendingLogin), ProviderError> {
        let redirect =
            RedirectUrl::new(self.redirect_uri(&provider.id)).map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        match &provider.kind {
            Kind::GitHub { client } => {
                let c = oauth2::basic::BasicClient::new(oauth2::ClientId::new(client.client_id.clone()))
                    .set_auth_uri(
                        oauth2::AuthUrl::new(format!("{}/login/oauth/authorize", self.github_web)).map_err(bad)?,
                    )
                    .set_redirect_uri(oauth2::RedirectUrl::new(redirect.to_string()).map_err(bad)?);
                let (url, state) = c
                    .authorize_url(oauth2::CsrfToken::new_random)
                    .add_scope(oauth2::Scope::new("read:user".into()))
                    .add_scope(oauth2::Scope::new("user:email".into()))
                    .set_pkce_challenge(challenge)
                    .url();
                let pending = PendingLogin {
                    provider: provider.id.clone(),
                    state: state.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    nonce: None,
                    return_to,
                    link_user,
                };
                Ok((url.to_string(), pending))
            }
            Kind::Oidc { issuer, client_id, client_secret, scopes } => {
                let meta = self.metadata(issuer).await?;
                let c = CoreClient::from_provider_metadata(
                    meta,
                    ClientId::new(client_id.clone()),
                    client_secret.clone().map(ClientSecret::new),
                )
                .set_redirect_uri(redirect);
                let mut req = c.authorize_url(
                    CoreAuthenticationFlow::AuthorizationCode,
                    CsrfToken::new_random,
                    Nonce::new_random,
                );
                for s in scopes.iter().filter(|s| s.as_str() != "openid") {
                    req = req.add_scope(Scope::new(s.clone()));
                }
                let (url, state, nonce) = req.set_pkce_challenge(challenge).url();
                let pending = PendingLogin {
                    provider: provider.id.clone(),
                    state: state.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    nonce: Some(nonce.secret().clone()),
                    return_to,
                    link_user,
                };
                Ok((url.to_string(), pending))
            }
        }
    }

    /// Exchange the code (with the PKCE verifier) and learn who signed in.
    pub async fn complete(
        &self,
        provider: &Provider,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<ExternalIdentity, ProviderError> {
        match &provider.kind {
            Kind::GitHub { client } => self.complete_github(client, code, pending).await,
            Kind::Oidc { issuer, client_id, client_secret, .. } => {
                let meta = self.metadata(issuer).await?;
                let basic_ok = meta
                    .token_endpoint_auth_methods_supported()
                    .is_none_or(|m| m.contains(&CoreClientAuthMethod::ClientSecretBasic));
                let c = CoreClient::from_provider_metadata(
                    meta,
                    ClientId::new(client_id.clone()),
                    client_secret.clone().map(ClientSecret::new),
                )
                .set_redirect_uri(RedirectUrl::new(self.redirect_uri(&provider.id)).map_err(bad)?)
                .set_auth_type(if basic_ok { AuthType::BasicAuth } else { AuthType::RequestBody });
                let response = c
                    .exchange_code(AuthorizationCode::new(code.to_string()))
                    .map_err(bad)?
                    .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
                    .request_async(&self.http)
                    .await
                    .map_err(|e| {
                        tracing::info!(provider = %provider.id, error = %e, "code exchange refused");
                        ProviderError::Rejected("the sign-in provider refused the sign-in; please try again".into())
                    })?;
                let id_token = response
                    .id_token()
                    .ok_or_else(|| ProviderError::Rejected("the provider sent no ID token".into()))?;
                let nonce = Nonce::new(pending.nonce.clone().unwrap_or_default());
                // Signature, issuer, audience, expiry and nonce.
                let claims = id_token.claims(&c.id_token_verifier(), &nonce).map_err(|e| {
                    tracing::warn!(provider = %provider.id, error = %e, "ID token rejected");
                    ProviderError::Rejected("the sign-in could not be verified".into())
                })?;
                Ok(ExternalIdentity {
                    provider: provider.id.clone(),
                    subject: claims.subject().to_string(),
                    login: claims.preferred_username().map(|u| u.to_string()),
                    name: claims
                        .name()
                        .and_then(|c| c.get(None))
                        .map(|n| n.to_string())
                        .or_else(|| claims.nickname().and_then(|c| c.get(None)).map(|n| n.to_string())),
                    email: claims.email().map(|e| e.to_string()),
                    email_verified: claims.email_verified().unwrap_or(false),
                    avatar_url: claims.picture().and_then(|c| c.get(None)).map(|p| p.to_string()),
                    access_token: None,
                    scopes: None,
                })
            }
        }
    }

    async fn complete_github(
        &self,
        client: &OAuthClientSettings,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<ExternalIdentity, ProviderError> {
        let c = oauth2::basic::BasicClient::new(oauth2::ClientId::new(client.client_id.clone()))
            .set_client_secret(oauth2::ClientSecret::new(client.client_secret.expose_secret().to_string()))
            .set_auth_type(oauth2::AuthType::RequestBody)
            .set_token_uri(oauth2::TokenUrl::new(format!("{}/login/oauth/access_token", self.github_web)).map_err(bad)?)
            .set_redirect_uri(oauth2::RedirectUrl::new(self.redirect_uri("github")).map_err(bad)?);
        let token = c
            .exchange_code(oauth2::AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(oauth2::PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::info!(provider = "github", error = %e, "code exchange refused");
                ProviderError::Rejected("GitHub refused the sign-in; please try again".into())
            })?;
        let access = token.access_token().secret().clone();
        let scopes = token.scopes().map(|s| s.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" "));

        #[derive(Deserialize)]
        struct GhUser {
            id: u64,
            login: String,
            name: Option<String>,
            avatar_url: Option<String>,
        }
        #[derive(Deserialize)]
        struct GhEmail {
            email: String,
            primary: bool,
            verified: bool,
        }
        let user: GhUser = self.github_get(&format!("{}/user", self.github_api), &access).await?;
        // Only a verified primary address counts; without the scope, none.
        let emails: Vec<GhEmail> =
            self.github_get(&format!("{}/user/emails", self.github_api), &access).await.unwrap_or_default();
        let primary = emails.into_iter().find(|e| e.primary && e.verified);
        Ok(ExternalIdentity {
            provider: "github".into(),
            subject: user.id.to_string(),
            login: Some(user.login),
            name: user.name,
            email_verified: primary.is_some(),
            email: primary.map(|e| e.email),
            avatar_url: user.avatar_url,
            access_token: Some(access),
            scopes,
        })
    }

    async fn github_get<T: serde::de::DeserializeOwned>(&self, url: &str, token: &str) -> Result<T, ProviderError> {
        let res = self
            .http
            .get(url)
            .bearer_auth(token)
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(error = %e.without_url(), "GitHub API unreachable");
                ProviderError::Unavailable("GitHub could not be reached; please try again".into())
            })?;
        if !res.status().is_success() {
            tracing::warn!(status = %res.status(), "GitHub API refused");
            return Err(ProviderError::Rejected("GitHub refused the request".into()));
        }
        res.json().await.map_err(|_| ProviderError::Unavailable("GitHub answered in an unexpected format".into()))
    }
}

fn from_generic(id: &str, p: &OidcProviderSettings) -> Provider {
    Provider {
        id: id.into(),
        display_name: p.display_name.clone().unwrap_or_else(|| id.to_string()),
        kind: Kind::Oidc {
            issuer: p.issuer.clone(),
            client_id: p.client_id.clone(),
            client_secret: Some(p.client_secret.expose_secret().to_string()).filter(|s| !s.is_empty()),
            scopes: p
                .scopes
                .clone()
                .unwrap_or_else(|| "openid email profile".into())
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        },
    }
}

fn bad(e: impl std::fmt::Display) -> ProviderError {
    ProviderError::Unavailable(format!("provider configuration: {e}"))
}
