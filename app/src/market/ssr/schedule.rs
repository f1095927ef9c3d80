//! Scheduled ingestion: every instance looks for due sources every few
//! seconds, and a due source gets one run however many instances look.
//!
//! Each configured source has a row in `posting_sources` with its next due
//! time and a `generation` counter. Enqueuing a run is one transaction that
//! moves the generation on with a conditional `UPDATE … WHERE generation =
//! <what I read>` and inserts the run and its job: the first instance wins,
//! the others' `UPDATE`s match no row and they leave it. The same rule
//! keeps a source to one run queued or running at a time (the admin API's
//! "run now" goes through it too), with or without Redis. A source that
//! answered 429 is not due again before its `Retry-After` has passed.

use super::ingest;
use super::runs::{IngestJob, INGEST_KIND};
use super::sources::{self, SourceSpec};
use super::sql::{backend, stmt};
use crate::platform::ssr::db::begin_write;
use crate::platform::ssr::error::AppResult;
use crate::platform::ssr::jobs::{db_now, JobQueue, NewJob};
use crate::platform::ssr::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What asking for a run of a source came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// Queued: the run's id and its job's.
    Started { run_id: String, job_id: String },
    /// Not due yet.
    NotDue,
    /// A run of this source is queued or running already.
    Busy { run_id: Option<String> },
    /// Another instance enqueued it at the same moment.
    Lost,
}

struct Row {
    generation: i64,
    next_run_at: DateTime<Utc>,
    last_job_id: Option<String>,
    last_run_id: Option<String>,
}

async fn ensure_row(db: &DatabaseConnection, spec: &SourceSpec, now: DateTime<Utc>) -> AppResult<()> {
    db.execute_raw(stmt(
        backend(db),
        "INSERT INTO posting_sources (source_key, kind, generation, next_run_at, updated_at) VALUES (?, ?, 0, ?, ?) \
         ON CONFLICT (source_key) DO NOTHING",
        vec![spec.key().into(), spec.kind.code().into(), now.into(), now.into()],
    ))
    .await?;
    Ok(())
}

async fn row(db: &DatabaseConnection, key: &str) -> AppResult<Option<Row>> {
    let r = db
        .query_one_raw(stmt(
            backend(db),
            "SELECT generation, next_run_at, last_job_id, last_run_id FROM posting_sources WHERE source_key = ?",
            vec![key.to_string().into()],
        ))
        .await?;
    Ok(match r {
        Some(r) => Some(Row {
            generation: r.try_get("", "generation")?,
            next_run_at: r.try_get("", "next_run_at")?,
            last_job_id: r.try_get("", "last_job_id")?,
            last_run_id: r.try_get("", "last_run_id")?,
        }),
        None => None,
    })
}

/// Enqueue a run of `spec` if it is due (or `force`: the admin's "run
/// now", which leaves the schedule as it is) and no run of it is queued
/// or running. Safe to call from any number of instances at once.
pub async fn enqueue(
    db: &DatabaseConnection,
    jobs: &JobQueue,
    spec: &SourceSpec,
    triggered_by: &str,
    force: bool,
) -> AppResult<Enqueued> {
    let now = db_now(db).await?;
    let key = spec.key();
    ensure_row(db, spec, now).await?;
    let Some(current) = row(db, &key).await? else { return Ok(Enqueued::Lost) };
    if !force && current.next_run_at > now {
        return Ok(Enqueued::NotDue);
    }
    if let Some(job_id) = &current.last_job_id {
        if jobs.get(job_id).await?.is_some_and(|j| !j.status.is_finished()) {
            return Ok(Enqueued::Busy { run_id: current.last_run_id });
        }
    }
    let next = if force {
        current.next_run_at
    } else {
        now + chrono::Duration::from_std(spec.interval).unwrap_or(chrono::Duration::hours(6))
    };
    let job_id = uuid::Uuid::new_v4().to_string();
    let txn = begin_write(db).await?;
    let run_id = ingest::create_run(&txn, &key, triggered_by, Some(&job_id)).await?;
    let moved = txn
        .execute_raw(stmt(
            backend(&txn),
            "UPDATE posting_sources SET generation = generation + 1, next_run_at = ?, last_job_id = ?, \
             last_run_id = ?, updated_at = ? WHERE source_key = ? AND generation = ?",
            vec![
                next.into(),
                job_id.clone().into(),
                run_id.clone().into(),
                now.into(),
                key.clone().into(),
                current.generation.into(),
            ],
        ))
        .await?
        .rows_affected();
    if moved != 1 {
        txn.rollback().await?;
        return Ok(Enqueued::Lost);
    }
    let payload = IngestJob::Source { run_id: run_id.clone(), source: key, triggered_by: triggered_by.to_string() };
    let mut job = NewJob::new(INGEST_KIND, payload);
    job.id = Some(job_id.clone());
    // The schedule brings the next run; a crash mid-run is retried once.
    job.max_attempts = 2;
    jobs.insert(&txn, job).await?;
    txn.commit().await?;
    jobs.wake();
    Ok(Enqueued::Started { run_id, job_id })
}

/// Record how a source's run ended; a source that asked to be left alone
/// (`Retry-After`) is not due again before then.
pub async fn after_run(
    db: &DatabaseConnection,
    key: &str,
    status: &str,
    error: Option<&str>,
    retry_after_secs: Option<u64>,
) -> AppResult<()> {
    let now = db_now(db).await?;
    let b = backend(db);
    db.execute_raw(stmt(
        b,
        "UPDATE posting_sources SET last_status = ?, last_error = ?, updated_at = ? WHERE source_key = ?",
        vec![status.to_string().into(), error.map(str::to_string).into(), now.into(), key.to_string().into()],
    ))
    .await?;
    if let Some(secs) = retry_after_secs {
        let not_before = now + chrono::Duration::seconds(secs.min(86_400) as i64);
        db.execute_raw(stmt(
            b,
            "UPDATE posting_sources SET next_run_at = ? WHERE source_key = ? AND next_run_at < ?",
            vec![not_before.into(), key.to_string().into(), not_before.into()],
        ))
        .await?;
    }
    Ok(())
}

/// One pass over the configured sources: enqueue those that are due. The
/// runs it started.
pub async fn tick(state: &AppState) -> Vec<String> {
    let mut started = Vec::new();
    for spec in sources::configured(&state.settings.market) {
        match enqueue(&state.db, &state.jobs, &spec, "schedule", false).await {
            Ok(Enqueued::Started { run_id, .. }) => {
                tracing::info!(source = %spec.key(), run = %run_id, "scheduled ingestion queued");
                started.push(run_id);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(source = %spec.key(), error = %e, "scheduling an ingestion failed"),
        }
    }
    started
}

/// Look for due sources every `market.scheduler_tick_ms` until `shutdown`.
/// Nothing to do (no task) without configured sources.
pub fn spawn(state: AppState, shutdown: CancellationToken) -> Option<tokio::task::JoinHandle<()>> {
    let count = sources::configured(&state.settings.market).len();
    if count == 0 {
        return None;
    }
    let every = Duration::from_millis(state.settings.market.scheduler_tick_ms.max(50));
    tracing::info!(
        part = "market",
        sources = count,
        every_ms = every.as_millis() as u64,
        "ingestion scheduler started"
    );
    Some(tokio::spawn(async move {
        loop {
            tick(&state).await;
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }))
}

/// A configured source and its schedule, for the admin API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceView {
    /// `greenhouse:acme`, `feed:https://…`: what `POST
    /// /api/v1/admin/postings/import` takes as `source`.
    pub key: String,
    pub kind: String,
    pub interval_secs: u64,
    /// When the scheduler runs it next (RFC 3339); unset before its first look.
    pub next_run_at: Option<String>,
    pub last_run_id: Option<String>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceViews {
    pub sources: Vec<SourceView>,
}

pub async fn views(
    db: &DatabaseConnection,
    market: &crate::platform::ssr::config::MarketSettings,
) -> AppResult<SourceViews> {
    let mut out = Vec::new();
    for spec in sources::configured(market) {
        let key = spec.key();
        let r = db
            .query_one_raw(stmt(
                backend(db),
                "SELECT next_run_at, last_run_id, last_status, last_error FROM posting_sources WHERE source_key = ?",
                vec![key.clone().into()],
            ))
            .await?;
        let (next_run_at, last_run_id, last_status, last_error) = match r {
            Some(r) => (
                Some(r.try_get::<DateTime<Utc>>("", "next_run_at")?.to_rfc3339()),
                r.try_get("", "last_run_id")?,
                r.try_get("", "last_status")?,
                r.try_get("", "last_error")?,
            ),
            None => (None, None, None, None),
        };
        out.push(SourceView {
            key,
            kind: spec.kind.code().into(),
            interval_secs: spec.interval.as_secs(),
            next_run_at,
            last_run_id,
            last_status,
            last_error,
        });
    }
    Ok(SourceViews { sources: out })
}
