//! One `Settings` type, layered: built-in defaults (the embedded default),
//! then an optional TOML file, then `PROOFOLIO__SECTION__KEY` environment
//! variables.
//!
//! The embedded default needs no configuration at all: a SQLite file, the
//! in-process store, ephemeral keys. Under `profile = "production"` every part
//! must be real and every secret present, or [`Settings::validate`] refuses.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::{collections::BTreeMap, path::PathBuf};

pub const ENV_PREFIX: &str = "PROOFOLIO";
/// Path of an optional configuration file; `proofolio.toml` in the working
/// directory is read when this is unset and the file exists.
pub const CONFIG_FILE_ENV: &str = "PROOFOLIO_CONFIG";
pub const DEFAULT_SQLITE_URL: &str = "sqlite://data/proofolio.db?mode=rwc";

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The embedded default: works on a fresh machine with nothing configured.
    #[default]
    Local,
    /// Every part real, every secret required, no local-only conveniences.
    Production,
}

impl Profile {
    pub fn is_production(self) -> bool {
        self == Profile::Production
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub profile: Profile,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub server: ServerSettings,
    pub log: LogSettings,
    pub auth: AuthSettings,
    pub security: SecuritySettings,
    pub jobs: JobSettings,
    pub github: GithubSettings,
    pub llm: LlmSettings,
}

/// The language model behind résumé writing: any OpenAI-compatible Chat
/// Completions endpoint. Without `base_url`, the deterministic writer.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LlmSettings {
    /// e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama).
    pub base_url: Option<String>,
    pub api_key: Option<SecretString>,
    pub model: String,
    /// Longest silence accepted from the endpoint, in seconds.
    pub timeout_secs: u64,
    /// Retries after a timeout, 429 or 5xx.
    pub max_retries: u32,
    /// Résumé generations (and section rewrites) per user per day.
    pub daily_limit: u32,
    /// Whether to ask for structured output (JSON schema); endpoints that
    /// refuse it get plain instructions automatically.
    pub structured_output: bool,
    /// US dollars per million prompt / completion tokens, for the cost estimate.
    pub price_prompt_per_million: f64,
    pub price_completion_per_million: f64,
    pub max_output_tokens: u32,
}

impl Default for LlmSettings {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            model: "gpt-4o-mini".into(),
            timeout_secs: 60,
            max_retries: 2,
            daily_limit: 20,
            structured_output: true,
            price_prompt_per_million: 0.15,
            price_completion_per_million: 0.60,
            max_output_tokens: 2500,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct GithubSettings {
    /// github.com (OAuth authorize and token endpoints); overridable for tests.
    pub web_url: String,
    /// REST API root (`PROOFOLIO__GITHUB__API_URL`).
    pub api_url: String,
    /// GraphQL endpoint (`PROOFOLIO__GITHUB__GRAPHQL_URL`); `{api_url}/graphql` when unset.
    pub graphql_url: Option<String>,
    /// Optional token for the anonymous preview (`PROOFOLIO__GITHUB__TOKEN`):
    /// raises GitHub's limit from 60 to 5,000 requests an hour. Imports use
    /// each user's own token.
    pub token: Option<SecretString>,
    /// Previews a visitor may ask for per minute.
    pub preview_per_minute: u32,
}

impl Default for GithubSettings {
    fn default() -> Self {
        Self {
            web_url: "https://github.com".into(),
            api_url: "https://api.github.com".into(),
            graphql_url: None,
            token: None,
            preview_per_minute: 10,
        }
    }
}

impl GithubSettings {
    pub fn graphql_url(&self) -> String {
        self.graphql_url.clone().unwrap_or_else(|| format!("{}/graphql", self.api_url.trim_end_matches('/')))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`. Unset means the embedded SQLite file.
    pub url: Option<SecretString>,
    pub max_connections: u32,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: None, max_connections: 10 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RedisSettings {
    /// Unset means the in-process store (one instance only).
    pub url: Option<SecretString>,
    /// Every key and channel this instance uses starts with this prefix.
    pub key_prefix: String,
    pub connect_timeout_ms: u64,
    pub response_timeout_ms: u64,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self { url: None, key_prefix: "proofolio:".into(), connect_timeout_ms: 1_000, response_timeout_ms: 1_000 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    /// The address users reach the app at; used for absolute links, cookie
    /// security and origin checks. Defaults to `http://{LEPTOS_SITE_ADDR}`.
    pub public_url: Option<String>,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_grace_secs: u64,
    /// Upper bound for one request (SSE streams excluded).
    pub request_timeout_secs: u64,
    /// Take the client address from `X-Forwarded-For` (behind a load
    /// balancer that appends to it); otherwise from the connection.
    pub trust_proxy: bool,
    /// How many proxies in front of the app append to `X-Forwarded-For`
    /// (1: one load balancer; 2: a CDN and a load balancer). The client is
    /// the entry this many places from the right.
    pub proxy_hops: u32,
    /// Seconds a client has to send a request's head (slow-header clients
    /// cannot hold connections when no proxy fronts the app).
    pub header_read_timeout_secs: u64,
    /// Connections served at once; further ones wait to be accepted.
    pub max_connections: usize,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    /// Unset, it is open locally and not served at all under `production`.
    pub metrics_token: Option<SecretString>,
}

impl ServerSettings {
    /// Proxies whose `X-Forwarded-For` entries are believed (0 when
    /// `trust_proxy` is off).
    pub fn trusted_proxy_hops(&self) -> u32 {
        if self.trust_proxy {
            self.proxy_hops.max(1)
        } else {
            0
        }
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            public_url: None,
            shutdown_grace_secs: 20,
            request_timeout_secs: 30,
            trust_proxy: false,
            proxy_hops: 1,
            header_read_timeout_secs: 10,
            max_connections: 10_000,
            metrics_token: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable text under `local`, JSON under `production`.
    #[default]
    Auto,
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive; `RUST_LOG` wins when set.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { format: LogFormat::Auto, filter: "info,sqlx=warn,sea_orm=warn,tower_http=info".into() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// Ed25519 private key (PKCS#8 PEM) that signs access tokens.
    /// Required under `production`; ephemeral (random per start) otherwise.
    pub signing_key: Option<SecretString>,
    /// Sign-in, callback and refresh requests per client IP per minute.
    pub rate_limit_per_minute: u32,
    /// Seconds in which a just-rotated refresh token still gets a successor
    /// (two tabs refreshing at once) instead of revoking its session.
    pub refresh_grace_secs: u32,
    /// Absolute session lifetime in days from sign-in, however active.
    pub session_max_days: u32,
    /// The demo sign-in (never under `production`): `auto` offers it only
    /// when no real provider is configured; `always` also beside them (local
    /// demos and tests); `off` never.
    pub demo: DemoMode,
    /// OAuth / OIDC providers, configured by the accounts capability.
    pub github: Option<OAuthClientSettings>,
    pub google: Option<OAuthClientSettings>,
    pub kakao: Option<OAuthClientSettings>,
    /// Generic OIDC providers: `PROOFOLIO__AUTH__OIDC__<NAME>__ISSUER` etc.
    pub oidc: BTreeMap<String, OidcProviderSettings>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DemoMode {
    #[default]
    Auto,
    Always,
    Off,
}

impl AuthSettings {
    pub fn session_policy(&self) -> crate::account::ssr::sessions::SessionPolicy {
        crate::account::ssr::sessions::SessionPolicy {
            grace: chrono::Duration::seconds(self.refresh_grace_secs.into()),
            max_age: chrono::Duration::days(self.session_max_days.max(1).into()),
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            signing_key: None,
            rate_limit_per_minute: 30,
            refresh_grace_secs: 30,
            session_max_days: 90,
            demo: DemoMode::Auto,
            github: None,
            google: None,
            kakao: None,
            oidc: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct OAuthClientSettings {
    pub client_id: String,
    pub client_secret: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OidcProviderSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub display_name: Option<String>,
    /// Space-separated; `openid email profile` when unset.
    pub scopes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SecuritySettings {
    /// Key that encrypts third-party tokens at rest (32 bytes, base64).
    /// Required under `production`; ephemeral otherwise.
    pub encryption_key: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct JobSettings {
    /// Jobs this instance runs at once; 0 disables the worker (web only).
    pub concurrency: usize,
    pub poll_interval_ms: u64,
    /// A claimed job is another instance's to take over once its lease
    /// lapses without a heartbeat.
    pub lease_secs: u64,
    /// Progress event streams one user may have open at once.
    pub max_streams_per_user: usize,
    /// Progress event streams this instance serves at once.
    pub max_streams: usize,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self { concurrency: 2, poll_interval_ms: 500, lease_secs: 30, max_streams_per_user: 6, max_streams: 1000 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration could not be read: {0}")]
    Load(#[from] config::ConfigError),
    #[error("refusing to start under the production profile: {}", .0.join("; "))]
    Production(Vec<String>),
}

impl Settings {
    /// Defaults, then the optional file, then the process environment.
    pub fn load() -> Result<Self, SettingsError> {
        let file = std::env::var(CONFIG_FILE_ENV).ok().map(PathBuf::from);
        Self::load_from(file, std::env::vars())
    }

    /// The same layering with explicit inputs, for tests.
    pub fn load_from(
        file: Option<PathBuf>,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let vars: config::Map<String, String> =
            vars.into_iter().filter(|(k, _)| k.starts_with(&format!("{ENV_PREFIX}__"))).collect();
        let mut builder = config::Config::builder();
        builder = match file {
            Some(path) => builder.add_source(config::File::from(path).required(true)),
            None => builder.add_source(config::File::with_name("proofolio").required(false)),
        };
        let settings: Settings = builder
            .add_source(
                config::Environment::with_prefix(ENV_PREFIX)
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    .source(Some(vars)),
            )
            .build()?
            .try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Under `production`, every part must be real and every secret set.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !self.profile.is_production() {
            return Ok(());
        }
        let mut missing = Vec::new();
        let set = |s: &Option<SecretString>| s.as_ref().is_some_and(|s| !s.expose_secret().trim().is_empty());
        if !set(&self.database.url) {
            missing.push("PROOFOLIO__DATABASE__URL is required (PostgreSQL)".to_string());
        }
        if !set(&self.redis.url) {
            missing.push("PROOFOLIO__REDIS__URL is required".to_string());
        }
        if !set(&self.auth.signing_key) {
            missing.push("PROOFOLIO__AUTH__SIGNING_KEY is required (an Ed25519 private key, PEM)".to_string());
        }
        match &self.security.encryption_key {
            Some(key) if set(&self.security.encryption_key) => {
                let bytes = crate::account::ssr::crypto::decoded_key(key.expose_secret()).map_or(0, |k| k.len());
                if bytes < 32 {
                    missing.push(
                        "PROOFOLIO__SECURITY__ENCRYPTION_KEY must be at least 32 random bytes, base64 or hex \
                         (for example `openssl rand -base64 32`)"
                            .to_string(),
                    );
                }
            }
            _ => missing.push("PROOFOLIO__SECURITY__ENCRYPTION_KEY is required".to_string()),
        }
        match self.public_url_configured() {
            None => missing.push("PROOFOLIO__SERVER__PUBLIC_URL is required".to_string()),
            Some(url) if !url.starts_with("https://") => missing.push(
                "PROOFOLIO__SERVER__PUBLIC_URL must be https:// (cookies are Secure only over https)".to_string(),
            ),
            Some(_) => {}
        }
        if self.database.url.as_ref().is_some_and(|u| u.expose_secret().trim_start().starts_with("sqlite")) {
            missing.push("PROOFOLIO__DATABASE__URL must be PostgreSQL in production, not SQLite".to_string());
        }
        if let Some(llm) = self.llm.base_url.as_deref().filter(|u| !u.trim().is_empty()) {
            if !llm.starts_with("https://") && !is_loopback_url(llm) {
                missing.push(
                    "PROOFOLIO__LLM__BASE_URL must be https:// unless it is on this machine (the API key would \
                     travel in cleartext)"
                        .to_string(),
                );
            }
        }
        let providers = self.auth.github.is_some()
            || self.auth.google.is_some()
            || self.auth.kakao.is_some()
            || !self.auth.oidc.is_empty();
        if !providers {
            missing.push(
                "at least one sign-in provider is required (PROOFOLIO__AUTH__GITHUB__*, __GOOGLE__*, __KAKAO__* \
                 or __OIDC__<NAME>__*)"
                    .to_string(),
            );
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(SettingsError::Production(missing))
        }
    }

    fn public_url_configured(&self) -> Option<&str> {
        self.server.public_url.as_deref().filter(|u| !u.trim().is_empty())
    }

    /// The database URL, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        self.database
            .url
            .as_ref()
            .map(|u| u.expose_secret().to_string())
            .unwrap_or_else(|| DEFAULT_SQLITE_URL.to_string())
    }

    /// The public origin, e.g. `https://proofolio.example`, without a slash.
    pub fn public_url(&self, site_addr: std::net::SocketAddr) -> String {
        match self.public_url_configured() {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{site_addr}"),
        }
    }

    pub fn log_as_json(&self) -> bool {
        match self.log.format {
            LogFormat::Auto => self.profile.is_production(),
            LogFormat::Text => false,
            LogFormat::Json => true,
        }
    }
}

/// `http://localhost…`, `http://127.x…` or `http://[::1]…`.
fn is_loopback_url(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else { return false };
    match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A URL with any password removed, safe for logs.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let rest = match rest.rsplit_once('@') {
                Some((_, host)) => host,
                None => rest,
            };
            let rest = rest.split('?').next().unwrap_or(rest);
            format!("{scheme}://{rest}")
        }
        None => "(unparsable url)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn nothing_configured_is_the_embedded_default() {
        let s = Settings::load_from(None, vars(&[])).unwrap();
        assert_eq!(s.profile, Profile::Local);
        assert_eq!(s.database_url(), DEFAULT_SQLITE_URL);
        assert!(s.redis.url.is_none());
        assert!(!s.log_as_json());
    }

    #[test]
    fn environment_overrides_nested_keys() {
        let s = Settings::load_from(
            None,
            vars(&[
                ("PROOFOLIO__DATABASE__URL", "postgres://u:p@db/proofolio"),
                ("PROOFOLIO__REDIS__URL", "redis://cache:6379"),
                ("PROOFOLIO__JOBS__CONCURRENCY", "7"),
                ("PROOFOLIO__AUTH__OIDC__ACME__ISSUER", "https://id.acme.test"),
                ("PROOFOLIO__AUTH__OIDC__ACME__CLIENT_ID", "cid"),
                ("PROOFOLIO__AUTH__OIDC__ACME__CLIENT_SECRET", "sec"),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(s.database_url(), "postgres://u:p@db/proofolio");
        assert_eq!(s.jobs.concurrency, 7);
        assert_eq!(s.auth.oidc["acme"].issuer, "https://id.acme.test");
    }

    #[test]
    fn production_refuses_to_start_without_its_secrets() {
        let err = Settings::load_from(None, vars(&[("PROOFOLIO__PROFILE", "production")])).unwrap_err();
        let msg = err.to_string();
        for key in [
            "PROOFOLIO__DATABASE__URL",
            "PROOFOLIO__REDIS__URL",
            "PROOFOLIO__AUTH__SIGNING_KEY",
            "PROOFOLIO__SECURITY__ENCRYPTION_KEY",
            "PROOFOLIO__SERVER__PUBLIC_URL",
        ] {
            assert!(msg.contains(key), "{msg} should name {key}");
        }
    }

    #[test]
    fn production_starts_when_everything_is_set() {
        let s = Settings::load_from(
            None,
            vars(&[
                ("PROOFOLIO__PROFILE", "production"),
                ("PROOFOLIO__DATABASE__URL", "postgres://db/p"),
                ("PROOFOLIO__REDIS__URL", "redis://cache"),
                ("PROOFOLIO__AUTH__SIGNING_KEY", "-----BEGIN PRIVATE KEY-----"),
                ("PROOFOLIO__SECURITY__ENCRYPTION_KEY", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="),
                ("PROOFOLIO__SERVER__PUBLIC_URL", "https://proofolio.example/"),
                ("PROOFOLIO__AUTH__GITHUB__CLIENT_ID", "id"),
                ("PROOFOLIO__AUTH__GITHUB__CLIENT_SECRET", "secret"),
                ("PROOFOLIO__LLM__BASE_URL", "http://127.0.0.1:11434/v1"),
            ]),
        )
        .unwrap();
        assert!(s.log_as_json());
        assert_eq!(s.public_url("127.0.0.1:3000".parse().unwrap()), "https://proofolio.example");
    }

    #[test]
    fn production_refuses_each_weak_setting() {
        let good = [
            ("PROOFOLIO__PROFILE", "production"),
            ("PROOFOLIO__DATABASE__URL", "postgres://db/p"),
            ("PROOFOLIO__REDIS__URL", "redis://cache"),
            ("PROOFOLIO__AUTH__SIGNING_KEY", "-----BEGIN PRIVATE KEY-----"),
            ("PROOFOLIO__SECURITY__ENCRYPTION_KEY", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="),
            ("PROOFOLIO__SERVER__PUBLIC_URL", "https://proofolio.example"),
            ("PROOFOLIO__AUTH__GITHUB__CLIENT_ID", "id"),
            ("PROOFOLIO__AUTH__GITHUB__CLIENT_SECRET", "secret"),
        ];
        let with = |key: &str, value: Option<&str>| {
            let mut v: Vec<(&str, &str)> = good.iter().copied().filter(|(k, _)| !k.starts_with(key)).collect();
            if let Some(value) = value {
                v.push((key, value));
            }
            Settings::load_from(None, vars(&v)).map(|_| ()).map_err(|e| e.to_string())
        };
        assert!(with("UNUSED", None).is_ok());
        for (key, value, says) in [
            ("PROOFOLIO__SERVER__PUBLIC_URL", Some("http://proofolio.example"), "must be https://"),
            ("PROOFOLIO__SECURITY__ENCRYPTION_KEY", Some("k"), "at least 32 random bytes"),
            (
                "PROOFOLIO__SECURITY__ENCRYPTION_KEY",
                Some("a-long-passphrase-that-is-not-random-bytes"),
                "32 random bytes",
            ),
            ("PROOFOLIO__SECURITY__ENCRYPTION_KEY", Some(&"ab".repeat(16)), "32 random bytes"),
            ("PROOFOLIO__DATABASE__URL", Some("sqlite://proofolio.db?mode=rwc"), "not SQLite"),
            ("PROOFOLIO__LLM__BASE_URL", Some("http://llm.internal:8000/v1"), "cleartext"),
            ("PROOFOLIO__AUTH__GITHUB", None, "at least one sign-in provider"),
        ] {
            let err = with(key, value).expect_err(key);
            assert!(err.contains(says), "{key}={value:?}: {err}");
        }
        assert!(with("PROOFOLIO__LLM__BASE_URL", Some("http://[::1]:8080/v1")).is_ok(), "loopback over http is fine");
        assert!(with("PROOFOLIO__SECURITY__ENCRYPTION_KEY", Some(&"ab".repeat(32))).is_ok(), "hex, 32 bytes");
    }

    #[test]
    fn a_config_file_sits_between_defaults_and_environment() {
        let dir = std::env::temp_dir().join(format!("proofolio-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.toml");
        std::fs::write(&path, "[jobs]\nconcurrency = 5\npoll_interval_ms = 50\n").unwrap();
        let s = Settings::load_from(Some(path), vars(&[("PROOFOLIO__JOBS__CONCURRENCY", "9")])).unwrap();
        assert_eq!(s.jobs.concurrency, 9, "environment wins over the file");
        assert_eq!(s.jobs.poll_interval_ms, 50, "the file wins over defaults");
    }

    #[test]
    fn redacted_urls_keep_no_password() {
        assert_eq!(redact_url("postgres://user:hunter2@db:5432/app?sslmode=require"), "postgres://db:5432/app");
        assert_eq!(redact_url("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }
}
