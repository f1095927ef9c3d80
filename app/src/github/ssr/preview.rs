//! The anonymous preview: anyone types a public GitHub username and sees
//! what Proofolio would make of it. GraphQL needs a token, so this is the
//! one place that reads GitHub's REST API: two requests (the user and their
//! most recently pushed repositories), both conditional on the ETag of the
//! last answer, so an unchanged account costs nothing against the limit.
//! Whole previews are cached for an hour; callers rate-limit per visitor.

use super::{
    analyze::Dictionaries,
    client::{GhError, GithubApi, RestAnswer},
    text::plain_excerpt,
};
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::platform::ssr::store::SharedStore;
use crate::profile::types::*;
use chrono::Utc;
use secrecy::ExposeSecret;
use serde_json::Value;
use std::{collections::BTreeMap, time::Duration};

const PREVIEW_TTL: Duration = Duration::from_secs(3600);
const ETAG_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// GitHub's rule for usernames: 1–39 letters, digits or single hyphens,
/// not at either end.
pub fn valid_login(login: &str) -> bool {
    !login.is_empty()
        && login.len() <= 39
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !login.starts_with('-')
        && !login.ends_with('-')
        && !login.contains("--")
}

/// A REST GET through the ETag cache in the store.
async fn cached_get(api: &GithubApi, store: &SharedStore, token: Option<&str>, path: &str) -> Result<Value, GhError> {
    let key = format!("gh-rest:{path}");
    let cached: Option<(String, Value)> =
        store.get(&key).await.ok().flatten().and_then(|s| serde_json::from_str(&s).ok());
    match api.rest_get(token, path, cached.as_ref().map(|(etag, _)| etag.as_str())).await? {
        RestAnswer::NotModified => match cached {
            Some((_, body)) => Ok(body),
            None => Err(GhError::Invalid("304 without a cached answer".into())),
        },
        RestAnswer::Fresh { body, etag } => {
            if let Some(etag) = etag {
                let entry = serde_json::to_string(&(etag, &body)).unwrap_or_default();
                if let Err(e) = store.set_ex(&key, &entry, ETAG_TTL).await {
                    tracing::debug!(error = %e, "ETag not cached");
                }
            }
            Ok(body)
        }
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(|s| s.as_str()).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The preview of `login`, from the cache or GitHub.
pub async fn preview(
    api: &GithubApi,
    store: &SharedStore,
    token: Option<&str>,
    dict: &Dictionaries,
    login: &str,
) -> Result<Preview, GhError> {
    let cache_key = format!("preview:{}", login.to_ascii_lowercase());
    if let Ok(Some(hit)) = store.get(&cache_key).await {
        if let Ok(p) = serde_json::from_str::<Preview>(&hit) {
            return Ok(p);
        }
    }
    let user = cached_get(api, store, token, &format!("/users/{login}")).await?;
    if user.get("type").and_then(|t| t.as_str()) == Some("Organization") {
        return Err(GhError::NotFound);
    }
    let repos =
        cached_get(api, store, token, &format!("/users/{login}/repos?per_page=100&sort=pushed&type=owner")).await?;
    let repos = repos.as_array().cloned().unwrap_or_default();
    let own: Vec<&Value> = repos.iter().filter(|r| r["fork"] != Value::Bool(true)).collect();

    let mut languages: BTreeMap<String, u32> = BTreeMap::new();
    let mut techs: BTreeMap<String, (String, u32)> = BTreeMap::new();
    for r in &own {
        if let Some(lang) = text(r, "language") {
            let name = dict.languages.canonical(&lang).to_string();
            *languages.entry(name).or_default() += 1;
        }
        let mut seen = std::collections::BTreeSet::new();
        for topic in r["topics"].as_array().into_iter().flatten().filter_map(|t| t.as_str()) {
            if let Some(t) = dict.taxonomy.resolve(topic) {
                if seen.insert(t.id.clone()) {
                    techs.entry(t.id.clone()).or_insert_with(|| (t.name.clone(), 0)).1 += 1;
                }
            }
        }
    }
    let mut languages: Vec<PreviewLanguage> =
        languages.into_iter().map(|(name, repositories)| PreviewLanguage { name, repositories }).collect();
    languages.sort_by(|a, b| b.repositories.cmp(&a.repositories).then(a.name.cmp(&b.name)));
    let mut technologies: Vec<PreviewTechnology> =
        techs.into_iter().map(|(id, (name, repositories))| PreviewTechnology { id, name, repositories }).collect();
    technologies.sort_by(|a, b| b.repositories.cmp(&a.repositories).then(a.name.cmp(&b.name)));

    let mut best: Vec<&Value> = own.clone();
    best.sort_by(|a, b| {
        let stars = |r: &Value| r["stargazers_count"].as_i64().unwrap_or(0);
        stars(b).cmp(&stars(a)).then(text(b, "pushed_at").cmp(&text(a, "pushed_at")))
    });
    let repositories = best
        .into_iter()
        .take(6)
        .map(|r| PreviewRepository {
            name_with_owner: text(r, "full_name").unwrap_or_default(),
            url: text(r, "html_url").unwrap_or_default(),
            description: text(r, "description").and_then(|d| plain_excerpt(&d, 300)),
            language: text(r, "language"),
            stars: r["stargazers_count"].as_i64().unwrap_or(0),
            pushed_at: text(r, "pushed_at"),
        })
        .collect();

    let preview = Preview {
        account: GithubAccount {
            login: text(&user, "login").unwrap_or_else(|| login.to_string()),
            name: text(&user, "name").and_then(|n| plain_excerpt(&n, 100)),
            bio: text(&user, "bio").and_then(|b| plain_excerpt(&b, 300)),
            company: text(&user, "company").and_then(|c| plain_excerpt(&c, 100)),
            location: text(&user, "location").and_then(|c| plain_excerpt(&c, 100)),
            website: text(&user, "blog").filter(|w| w.starts_with("https://") || w.starts_with("http://")),
            avatar_url: text(&user, "avatar_url"),
            url: text(&user, "html_url").unwrap_or_default(),
            created_at: text(&user, "created_at"),
            followers: user["followers"].as_i64().unwrap_or(0),
            contributions_last_year: ContributionCounts::default(),
        },
        public_repos: user["public_repos"].as_i64().unwrap_or(0),
        languages,
        technologies,
        repositories,
        fetched_at: Utc::now().to_rfc3339(),
    };
    if let Ok(json) = serde_json::to_string(&preview) {
        if let Err(e) = store.set_ex(&cache_key, &json, PREVIEW_TTL).await {
            tracing::debug!(error = %e, "preview not cached");
        }
    }
    Ok(preview)
}

/// The preview for a visitor at `ip`, shared by the API and the page.
pub async fn load(state: &AppState, ip: Option<&str>, login: &str) -> AppResult<Preview> {
    let login = login.trim();
    if !valid_login(login) {
        return Err(AppError::validation("login", "not a GitHub username"));
    }
    let key = format!("rl:preview:{}", crate::platform::ssr::store::address_bucket(ip));
    let d = state.limits.check(&key, state.settings.github.preview_per_minute, Duration::from_secs(60)).await;
    if !d.allowed {
        return Err(AppError::RateLimited { retry_after_secs: d.reset_after.as_secs().max(1) });
    }
    let token = state.settings.github.token.as_ref().map(|t| t.expose_secret().to_string());
    preview(&state.github, &state.store, token.as_deref(), &state.dict, login).await.map_err(|e| match e {
        GhError::NotFound => AppError::NotFound,
        GhError::RateLimited { reset_at } => AppError::Upstream {
            service: "GitHub",
            message: format!(
                "its limit for previews is used up until {} UTC; try again then",
                reset_at.format("%H:%M")
            ),
        },
        GhError::SlowDown { .. } => {
            AppError::Upstream { service: "GitHub", message: "it asked us to slow down; try again in a minute".into() }
        }
        other => {
            tracing::warn!(error = %other, "preview failed");
            AppError::Upstream { service: "GitHub", message: "try again in a minute".into() }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::valid_login;

    #[test]
    fn github_username_rules() {
        for ok in ["octocat", "a", "kim-dev", "A1-b2"] {
            assert!(valid_login(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "a b", "../etc", "a/b", &"x".repeat(40), "김"] {
            assert!(!valid_login(bad), "{bad}");
        }
    }
}
