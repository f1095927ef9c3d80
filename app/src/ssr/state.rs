//! The one application state, handed to REST handlers as `State<AppState>`
//! and to server functions as context.

use super::{config::Settings, jobs::JobQueue, metrics::Metrics, store::SharedStore};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub store: SharedStore,
    pub jobs: JobQueue,
    pub http: reqwest::Client,
    pub keys: Arc<Keys>,
    pub metrics: Arc<Metrics>,
    /// The origin users reach us at (scheme://host[:port]), for links and
    /// origin checks.
    pub public_url: Arc<str>,
}

/// Key material from configuration, or random per process under `local`.
pub struct Keys {
    pub signing_key: SecretString,
    pub encryption_key: SecretString,
    /// True when the keys were generated at start-up (sessions end on restart).
    pub ephemeral: bool,
}

impl Keys {
    pub fn from_settings(settings: &Settings) -> Self {
        match (&settings.auth.signing_key, &settings.security.encryption_key) {
            (Some(s), Some(e)) => Keys { signing_key: s.clone(), encryption_key: e.clone(), ephemeral: false },
            (s, e) => Keys {
                signing_key: s.clone().unwrap_or_else(random_secret),
                encryption_key: e.clone().unwrap_or_else(random_secret),
                ephemeral: true,
            },
        }
    }
}

fn random_secret() -> SecretString {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    SecretString::from(base64::engine::general_purpose::STANDARD.encode(bytes))
}
