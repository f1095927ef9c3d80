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
    /// Job-market ingestion: sources read on a schedule, job boards' APIs.
    pub market: MarketSettings,
    pub redis: RedisSettings,
    pub server: ServerSettings,
    pub log: LogSettings,
    pub auth: AuthSettings,
    pub security: SecuritySettings,
    pub jobs: JobSettings,
    pub github: GithubSettings,
    pub llm: LlmSettings,
    pub sharing: SharingSettings,
}

/// Shared links.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SharingSettings {
    /// A reader's views of one résumé count once within this many seconds.
    pub view_window_secs: u64,
    /// A shared page rendered for signed-out readers is served again for
    /// this many milliseconds (until a change through this instance); 0
    /// renders every request.
    pub page_cache_ms: u64,
}

impl Default for SharingSettings {
    fn default() -> Self {
        Self { view_window_secs: 3600, page_cache_ms: 1000 }
    }
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
    /// Who may use the admin API: sign-in identities as `provider:subject`
    /// (the provider's own stable account id, e.g. `github:583231`, never a
    /// login or nickname, which their owner can change), or `user:<id>`
    /// for a Proofolio user id. A list in the file; in the environment one
    /// string, entries separated by spaces or commas.
    #[serde(deserialize_with = "string_list")]
    pub admins: Vec<String>,
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
            admins: Vec::new(),
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

/// Job-market ingestion (see `market::ssr::sources`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MarketSettings {
    /// Job boards and feeds read on a schedule. In the file, a list of
    /// tables (`[[market.sources]]` with `kind`, `board` or `url`,
    /// `interval`, `company`); in the environment one string of
    /// `kind:board-or-url@interval` entries separated by spaces, or the
    /// same list as JSON.
    #[serde(deserialize_with = "sources_list")]
    pub sources: Vec<SourceSettings>,
    /// API roots (tests point them at the stand-ins).
    pub greenhouse_url: String,
    pub lever_url: String,
    pub ashby_url: String,
    /// How long one source may take to answer completely.
    pub fetch_timeout_secs: u64,
    /// The largest answer read from a source, in MiB.
    pub max_response_mb: u64,
    /// How often the scheduler looks for sources that are due.
    pub scheduler_tick_ms: u64,
}

impl Default for MarketSettings {
    fn default() -> Self {
        Self {
            sources: Vec::new(),
            greenhouse_url: "https://boards-api.greenhouse.io".into(),
            lever_url: "https://api.lever.co".into(),
            ashby_url: "https://api.ashbyhq.com".into(),
            fetch_timeout_secs: 30,
            max_response_mb: 20,
            scheduler_tick_ms: 30_000,
        }
    }
}

/// One source as configured; `market::ssr::sources::SourceSpec::parse`
/// checks it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceSettings {
    /// `greenhouse`, `lever`, `ashby` or `feed` (RSS 2.0 or Atom; `rss`
    /// and `atom` are accepted too).
    pub kind: String,
    /// The board (Greenhouse board token, Lever site, Ashby job board name).
    #[serde(default)]
    pub board: Option<String>,
    /// A feed's address.
    #[serde(default)]
    pub url: Option<String>,
    /// `90s`, `30m`, `6h`, `1d`; 6 hours when unset.
    #[serde(default)]
    pub interval: Option<String>,
    /// The company's name, for boards whose answers do not carry it.
    #[serde(default)]
    pub company: Option<String>,
}

impl SourceSettings {
    /// `kind:board-or-url[@interval]`, e.g. `greenhouse:acme@6h` or
    /// `feed:https://example.com/jobs.rss@1h`.
    pub fn parse_compact(entry: &str) -> Result<Self, String> {
        let (kind, rest) =
            entry.split_once(':').ok_or_else(|| format!("{entry:?}: expected kind:board-or-url[@interval]"))?;
        let (target, interval) = match rest.rsplit_once('@') {
            Some((t, i)) if crate::market::ssr::sources::parse_interval(i).is_ok() => (t, Some(i.to_string())),
            _ => (rest, None),
        };
        let kind = kind.trim().to_ascii_lowercase();
        let is_feed = matches!(kind.as_str(), "feed" | "rss" | "atom");
        Ok(Self {
            board: (!is_feed).then(|| target.to_string()),
            url: is_feed.then(|| target.to_string()),
            kind,
            interval,
            company: None,
        })
    }
}

/// A list, or one string of entries separated by spaces or commas (how
/// environment variables carry lists).
fn string_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        One(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(v) => v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        Either::One(s) => s.split([' ', ',', '\n', '\t']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
    })
}

/// A list of tables, or one string: JSON (`[{"kind": …}]`) or compact
/// entries separated by whitespace (see [`SourceSettings::parse_compact`]).
fn sources_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<SourceSettings>, D::Error> {
    use serde::de::Error;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<SourceSettings>),
        One(String),
    }
    match Either::deserialize(d)? {
        Either::List(v) => Ok(v),
        Either::One(s) if s.trim_start().starts_with('[') => {
            serde_json::from_str(&s).map_err(|e| D::Error::custom(format!("market.sources as JSON: {e}")))
        }
        Either::One(s) => {
            s.split_whitespace().map(|e| SourceSettings::parse_compact(e).map_err(D::Error::custom)).collect()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration could not be read: {0}")]
    Load(#[from] config::ConfigError),
    #[error("refusing to start under the production profile: {}", .0.join("; "))]
    Production(Vec<String>),
    #[error("invalid configuration: {}", .0.join("; "))]
    Invalid(Vec<String>),
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
        let mut invalid = Vec::new();
        for (i, source) in self.market.sources.iter().enumerate() {
            if let Err(e) = crate::market::ssr::sources::SourceSpec::parse(source) {
                invalid.push(format!("market.sources[{i}]: {e}"));
            }
        }
        for admin in &self.auth.admins {
            if let Err(e) = crate::account::ssr::admins::Admin::parse(admin) {
                invalid.push(format!("auth.admins: {e}"));
            }
        }
        if !invalid.is_empty() {
            return Err(SettingsError::Invalid(invalid));
        }
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
    fn market_sources_and_admins_come_from_the_file_or_the_environment() {
        let dir = std::env::temp_dir().join(format!("proofolio-cfg-market-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.toml");
        std::fs::write(
            &path,
            "[auth]\nadmins = [\"github:583231\", \"user:0b9d…\"]\n\
             [[market.sources]]\nkind = \"greenhouse\"\nboard = \"acme\"\ninterval = \"6h\"\ncompany = \"Acme\"\n\
             [[market.sources]]\nkind = \"rss\"\nurl = \"https://example.com/jobs.rss\"\n",
        )
        .unwrap();
        let s = Settings::load_from(Some(path), vars(&[])).unwrap();
        assert_eq!(s.auth.admins, vec!["github:583231", "user:0b9d…"]);
        assert_eq!(s.market.sources.len(), 2);
        assert_eq!(s.market.sources[0].company.as_deref(), Some("Acme"));
        assert_eq!(s.market.sources[1].url.as_deref(), Some("https://example.com/jobs.rss"));

        let s = Settings::load_from(
            None,
            vars(&[
                ("PROOFOLIO__AUTH__ADMINS", "github:583231, kakao:4242"),
                ("PROOFOLIO__MARKET__SOURCES", "greenhouse:acme@6h lever:beta feed:https://example.com/a@b.rss@30m"),
                ("PROOFOLIO__MARKET__GREENHOUSE_URL", "http://127.0.0.1:9/gh"),
            ]),
        )
        .unwrap();
        assert_eq!(s.auth.admins, vec!["github:583231", "kakao:4242"]);
        type Compact = (String, Option<String>, Option<String>, Option<String>);
        let compact: Vec<Compact> = s
            .market
            .sources
            .iter()
            .map(|x| (x.kind.clone(), x.board.clone(), x.url.clone(), x.interval.clone()))
            .collect();
        assert_eq!(
            compact,
            vec![
                ("greenhouse".into(), Some("acme".into()), None, Some("6h".into())),
                ("lever".into(), Some("beta".into()), None, None),
                ("feed".into(), None, Some("https://example.com/a@b.rss".into()), Some("30m".into())),
            ]
        );
        assert_eq!(s.market.greenhouse_url, "http://127.0.0.1:9/gh");

        let json = r#"[{"kind":"ashby","board":"gamma","interval":"1d"}]"#;
        let s = Settings::load_from(None, vars(&[("PROOFOLIO__MARKET__SOURCES", json)])).unwrap();
        assert_eq!(s.market.sources[0].board.as_deref(), Some("gamma"));
    }

    #[test]
    fn a_bad_source_or_admin_refuses_to_start_saying_which() {
        for (key, value, says) in [
            ("PROOFOLIO__MARKET__SOURCES", "workday:acme", "unknown kind"),
            ("PROOFOLIO__MARKET__SOURCES", "greenhouse:../../etc", "board"),
            ("PROOFOLIO__MARKET__SOURCES", "feed:ftp://example.com/x", "http"),
            ("PROOFOLIO__MARKET__SOURCES", "greenhouse:acme@0s", "interval"),
            ("PROOFOLIO__AUTH__ADMINS", "octocat", "provider:subject"),
            ("PROOFOLIO__AUTH__ADMINS", "demo:x", "demo"),
        ] {
            let err = Settings::load_from(None, vars(&[(key, value)])).map(|_| ()).unwrap_err().to_string();
            assert!(err.contains(says), "{key}={value}: {err}");
        }
    }

    #[test]
    fn redacted_urls_keep_no_password() {
        assert_eq!(redact_url("postgres://user:hunter2@db:5432/app?sslmode=require"), "postgres://db:5432/app");
        assert_eq!(redact_url("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }
}
