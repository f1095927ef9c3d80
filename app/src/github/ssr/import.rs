//! The GitHub import as a background job: one per user at a time, progress
//! reported as it goes, rate limits turned into pauses that resume by
//! themselves, and a profile saved only when everything was read.

use super::{
    analyze::{self, Dictionaries},
    client::{GhError, GithubApi, RateLimit},
    fetch::{self, RawImport},
    sample,
};
use crate::account::ssr::entities::identity;
use crate::account::ssr::AuthKeys;
use crate::platform::ssr::config::GithubSettings;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::jobs::{decode, JobContext, JobError, JobHandler, JobQueue, NewJob};
use crate::profile::ssr::profiles::{self, IMPORT_KIND};
use crate::profile::types::{ImportProgress, ImportStats, ProfileSource};
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use std::sync::Arc;

/// Where a user's profile comes from.
pub enum Source {
    /// GitHub, with the user's (decrypted) token.
    Github(String),
    /// The demo account's built-in sample.
    Sample,
}

/// How this user can import, if at all: a linked GitHub account with a
/// stored token, or the demo account.
pub async fn source_for(db: &DatabaseConnection, keys: &AuthKeys, user_id: &str) -> AppResult<Option<Source>> {
    let ids = identity::Entity::find().filter(identity::Column::UserId.eq(user_id)).all(db).await?;
    if let Some(token) = ids.iter().filter(|i| i.provider == "github").find_map(|i| {
        let row = crate::account::ssr::accounts::token_row(&i.provider, &i.subject);
        i.access_token_enc.as_deref().and_then(|t| keys.sealer.open(t, &row).ok())
    }) {
        return Ok(Some(Source::Github(token)));
    }
    if ids.iter().any(|i| i.provider == "demo") {
        return Ok(Some(Source::Sample));
    }
    Ok(None)
}

/// Why an import could not start.
pub enum StartError {
    /// One is already queued or running: its id.
    Running(String),
    NotLinked,
    Failed(AppError),
}

impl From<AppError> for StartError {
    fn from(e: AppError) -> Self {
        StartError::Failed(e)
    }
}

/// Queue an import for the user unless one is already queued or running
/// (a partial unique index on the jobs table holds that across instances,
/// with or without Redis).
pub async fn start(
    db: &DatabaseConnection,
    queue: &JobQueue,
    keys: &AuthKeys,
    user_id: &str,
) -> Result<String, StartError> {
    if source_for(db, keys, user_id).await?.is_none() {
        return Err(StartError::NotLinked);
    }
    // One import queued or running per user: a unique index decides, so a
    // double click, two instances or a Redis outage cannot start two.
    if let Some(job) = queue.active_for(user_id, IMPORT_KIND).await? {
        return Err(StartError::Running(job.id));
    }
    let mut job = NewJob::new(IMPORT_KIND, ImportJob { user_id: user_id.to_string() }).owned_by(user_id);
    job.max_attempts = 5;
    match queue.enqueue(job).await {
        Ok(id) => Ok(id),
        Err(AppError::Database(e)) if crate::platform::ssr::error::is_unique_violation(&e) => {
            match queue.active_for(user_id, IMPORT_KIND).await? {
                Some(job) => Err(StartError::Running(job.id)),
                None => Err(StartError::Failed(AppError::Conflict("an import is being started".into()))),
            }
        }
        Err(e) => Err(e.into()),
    }
}

pub struct ImportHandler {
    pub db: DatabaseConnection,
    pub http: reqwest::Client,
    pub github: GithubSettings,
    pub keys: Arc<AuthKeys>,
    pub dict: Arc<Dictionaries>,
}

/// An import job's payload.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImportJob {
    pub user_id: String,
}

#[async_trait]
impl JobHandler for ImportHandler {
    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let ImportJob { user_id } = decode(&payload)?;
        let user_id = user_id.as_str();
        let started = std::time::Instant::now();
        let source = source_for(&self.db, &self.keys, user_id)
            .await
            .map_err(|e| JobError::Retry { message: e.public_message(), after: None })?
            .ok_or_else(|| JobError::Fatal("Link your GitHub account first.".into()))?;
        let api = GithubApi::new(self.http.clone(), &self.github.api_url, &self.github.graphql_url());
        let mut progress = ImportProgress { stage: "repositories".into(), ..Default::default() };
        let (raw, kind) = match source {
            Source::Sample => (sample::raw(), ProfileSource::Sample),
            Source::Github(token) => {
                let mut checkpoint: Checkpoint =
                    ctx.resume_from.clone().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
                let resumed_after_pause = checkpoint.paused;
                let pages_before = checkpoint.pages;
                match fetch_all(&api, &token, ctx, &mut progress, &mut checkpoint).await {
                    Ok(raw) => (raw, ProfileSource::Github),
                    Err(e) => {
                        let no_progress = resumed_after_pause && checkpoint.pages == pages_before;
                        return Err(job_error(e, ctx, &mut progress, &mut checkpoint, no_progress).await);
                    }
                }
            }
        };
        progress.stage = "analysing".into();
        report(ctx, &progress, "Finding your skills").await;
        let (repositories_read, pull_requests_read) = (raw.repositories.len() as u32, raw.pull_requests.len() as u32);
        // CPU-bound (every manifest of every repository is parsed): off the
        // async runtime, so a hostile repository cannot stall its workers.
        let dict = self.dict.clone();
        let mut profile = tokio::task::spawn_blocking(move || analyze::build_profile(&raw, &dict, Utc::now(), kind))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "building the profile failed");
                JobError::Fatal("Your repositories could not be analysed; it has been logged.".into())
            })?;
        profile.stats = ImportStats {
            github_requests: api.requests_sent(),
            duration_ms: 0,
            repositories_read,
            manifests_read: progress.manifests,
            pull_requests_read,
        };
        progress.stage = "saving".into();
        progress.languages =
            profile.skills.iter().filter(|s| s.kind == crate::profile::types::SkillKind::Language).count() as u32;
        report(ctx, &progress, "Saving your profile").await;
        let saved = profiles::save(&self.db, user_id, profile, started.elapsed().as_millis() as u64, Some(ctx.claim()))
            .await
            .map_err(|e| {
                tracing::error!(error = ?e, "saving an imported profile failed");
                JobError::Retry { message: format!("saving failed: {}", e.public_message()), after: None }
            })?;
        tracing::info!(
            user = user_id,
            version = saved.version,
            requests = saved.stats.github_requests,
            ms = saved.stats.duration_ms,
            "GitHub import finished"
        );
        Ok(json!({
            "version": saved.version,
            "skills": saved.skills.len(),
            "repositories": saved.repositories.len(),
            "github_requests": saved.stats.github_requests,
            "duration_ms": saved.stats.duration_ms,
        }))
    }
}

async fn report(ctx: &JobContext, p: &ImportProgress, message: &str) {
    if let Err(e) = ctx.progress(serde_json::to_value(p).unwrap_or_default(), Some(message)).await {
        tracing::warn!(error = %e, "import progress not recorded");
    }
}

/// Stop before a request the budget cannot pay for.
fn check_budget(rate: Option<RateLimit>) -> Result<(), GhError> {
    match rate {
        Some(r) if r.remaining < 1 => Err(GhError::RateLimited { reset_at: r.reset_at }),
        _ => Ok(()),
    }
}

/// Where a GitHub import got to: the repository pages read so far and the
/// cursor of the next one. Saved with the job when the import pauses for
/// GitHub's rate limit, so the next attempt resumes there.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Checkpoint {
    raw: RawImport,
    cursor: Option<String>,
    /// Every repository page has been read.
    listed: bool,
    /// Pages read so far, across attempts.
    pages: u32,
    /// The last attempt ended in a pause (a rate limit).
    paused: bool,
    progress: ImportProgress,
}

async fn fetch_all(
    api: &GithubApi,
    token: &str,
    ctx: &JobContext,
    progress: &mut ImportProgress,
    checkpoint: &mut Checkpoint,
) -> Result<RawImport, GhError> {
    if checkpoint.pages > 0 {
        *progress = checkpoint.progress.clone();
        progress.resumes_at = None;
    }
    let mut rate = None;
    report(ctx, progress, "Reading your repositories").await;
    while !checkpoint.listed {
        check_budget(rate)?;
        let page = fetch::page(api, token, checkpoint.cursor.as_deref()).await?;
        let raw = &mut checkpoint.raw;
        rate = page.rate_limit;
        if let Some(profile) = page.profile {
            raw.profile = profile;
            raw.viewer_id = page.viewer_id.clone();
            raw.pull_requests = page.pull_requests;
        }
        progress.repositories_total = page.total;
        progress.repositories_read += page.repositories.len() as u32;
        progress.pull_requests = raw.pull_requests.len() as u32;
        for r in &page.repositories {
            let mut langs = std::collections::BTreeSet::new();
            langs.extend(r.languages.iter().flat_map(|l| l.sizes().map(|e| e.node.name.clone())));
            progress.manifests +=
                r.files.values().filter(|v| v.get("text").is_some_and(|t| t.is_string())).count() as u32;
            progress.languages = progress.languages.max(langs.len() as u32);
        }
        raw.repositories.extend(page.repositories);
        progress.requests = api.requests_sent();
        checkpoint.pages += 1;
        checkpoint.paused = false;
        match page.next {
            Some(next) => checkpoint.cursor = Some(next),
            None => checkpoint.listed = true,
        }
        checkpoint.progress = progress.clone();
        report(ctx, progress, "Reading your repositories").await;
    }
    let mut raw = checkpoint.raw.clone();
    // Sizes GraphQL cannot express (beyond 32 bits) come from REST.
    let oversized: Vec<usize> =
        raw.repositories.iter().enumerate().filter(|(_, r)| r.needs_rest_languages()).map(|(i, _)| i).collect();
    for i in oversized {
        let name = raw.repositories[i].name_with_owner.clone();
        raw.repositories[i].languages = Some(fetch::rest_languages(api, token, &name).await?);
    }
    // Languages seen across all repositories.
    progress.languages = raw
        .repositories
        .iter()
        .flat_map(|r| r.languages.iter().flat_map(|l| l.sizes().map(|e| e.node.name.as_str())))
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u32;

    let forks: Vec<String> =
        raw.repositories.iter().filter(|r| r.is_fork && !r.is_empty).map(|r| r.id.clone()).collect();
    if !forks.is_empty() {
        progress.stage = "forks".into();
        report(ctx, progress, "Checking your forks for your own commits").await;
        for ids in forks.chunks(100) {
            check_budget(rate)?;
            let (r, counts) = fetch::fork_commits(api, token, ids, &raw.viewer_id).await?;
            rate = r.or(rate);
            raw.fork_commits.extend(counts);
        }
    }

    let wanted: Vec<(String, String)> = raw
        .repositories
        .iter()
        .flat_map(|r| analyze::extra_manifest_paths(r).into_iter().map(|p| (r.id.clone(), p)))
        .collect();
    if !wanted.is_empty() {
        progress.stage = "files".into();
        report(ctx, progress, "Reading project files").await;
        for batch in wanted.chunks(50) {
            check_budget(rate)?;
            let (r, files) = fetch::extra_files(api, token, batch).await?;
            rate = r.or(rate);
            progress.manifests += files.len() as u32;
            for (id, path, blob) in files {
                raw.extra_files.entry(id).or_default().push((path, blob));
            }
        }
    }
    progress.requests = api.requests_sent();
    Ok(raw)
}

/// What a GitHub failure means for the job. A pause keeps the checkpoint
/// (marked paused); if a whole fresh budget window went by without a single
/// page read, the budget is smaller than one step of the import needs and
/// waiting again would loop for ever: that ends the import, clearly.
async fn job_error(
    e: GhError,
    ctx: &JobContext,
    progress: &mut ImportProgress,
    checkpoint: &mut Checkpoint,
    no_progress_since_pause: bool,
) -> JobError {
    let pausing = matches!(e, GhError::RateLimited { .. } | GhError::SlowDown { .. });
    if pausing && no_progress_since_pause {
        return JobError::Fatal(
            "GitHub's rate limit for your account is smaller than one step of the import needs, so waiting would \
             not help. Try again later (other apps using your GitHub token share its budget)."
                .into(),
        );
    }
    if pausing {
        checkpoint.paused = true;
        if let Err(e) = ctx.checkpoint(serde_json::to_value(&*checkpoint).unwrap_or_default()).await {
            tracing::warn!(error = %e, "import checkpoint not saved before the pause");
        }
    }
    match e {
        GhError::RateLimited { reset_at } => {
            let until = reset_at + chrono::Duration::seconds(1);
            progress.resumes_at = Some(until.to_rfc3339());
            report(ctx, progress, "GitHub's rate limit is used up; the import resumes by itself").await;
            JobError::Pause {
                until,
                message: format!(
                    "GitHub's rate limit is used up; the import resumes at {} UTC by itself.",
                    until.format("%H:%M")
                ),
            }
        }
        GhError::SlowDown { retry_after } => {
            let until = Utc::now() + chrono::Duration::from_std(retry_after).unwrap_or(chrono::Duration::seconds(60));
            progress.resumes_at = Some(until.to_rfc3339());
            report(ctx, progress, "GitHub asked us to slow down; the import resumes by itself").await;
            JobError::Pause {
                until,
                message: format!("GitHub asked us to slow down; the import resumes at {} UTC.", until.format("%H:%M")),
            }
        }
        GhError::Unauthorized => JobError::Fatal(
            "GitHub no longer accepts Proofolio's access. Reconnect GitHub (sign in with GitHub again) and retry; your previous profile is kept.".into(),
        ),
        GhError::NotFound => JobError::Fatal("GitHub could not find your account.".into()),
        GhError::Unavailable(msg) => JobError::Retry { message: format!("{msg}; retrying"), after: None },
        GhError::Invalid(msg) => {
            tracing::warn!(%msg, "unexpected answer from GitHub");
            JobError::Retry { message: "GitHub sent an answer we could not read; retrying".into(), after: None }
        }
    }
}
