//! Ingestion runs as background jobs: one job kind, `market_ingest`, reads
//! either a configured source (a job board or a feed) or a file an
//! administrator uploaded, through the same normalise / de-duplicate /
//! insert path as the CLI. Each run has its row in `ingestion_runs` from
//! the moment it is queued (so the admin API can answer with its id at
//! once), counts written as it goes, and its outcome: new, updated,
//! duplicates, rejected with reasons, or why the source gave nothing.

use super::ingest::{self, Format, Input, Progress, Rejection, RunError, RunSpec};
use super::schedule;
use super::sources::{self, SourceSpec};
use super::sql::{backend, stmt};
use crate::github::ssr::analyze::Dictionaries;
use crate::platform::ssr::config::MarketSettings;
use crate::platform::ssr::db::begin_write;
use crate::platform::ssr::entities::job;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::jobs::{decode, JobContext, JobError, JobHandler, JobQueue, NewJob};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::io::Read;
use std::sync::Arc;

/// The one job kind of ingestion.
pub const INGEST_KIND: &str = "market_ingest";

/// What a `market_ingest` job reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum IngestJob {
    /// A configured source, by its key (`greenhouse:acme`); started by
    /// `schedule` or `admin`.
    Source { run_id: String, source: String, triggered_by: String },
    /// The file stored with the run in `ingestion_uploads`, and its name.
    Upload { run_id: String, name: String },
}

impl IngestJob {
    pub fn run_id(&self) -> &str {
        match self {
            IngestJob::Source { run_id, .. } | IngestJob::Upload { run_id, .. } => run_id,
        }
    }
}

pub struct IngestHandler {
    pub db: DatabaseConnection,
    pub http: reqwest::Client,
    pub dict: Arc<Dictionaries>,
    pub market: MarketSettings,
}

fn retry(e: AppError) -> JobError {
    tracing::warn!(error = %e, "ingestion run failed on our side; it will be retried");
    JobError::Retry { message: e.public_message(), after: None }
}

#[async_trait]
impl JobHandler for IngestHandler {
    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let job: IngestJob = decode(&payload)?;
        let report = match &job {
            IngestJob::Source { run_id, source, triggered_by } => {
                self.source(ctx, run_id, source, triggered_by).await?
            }
            IngestJob::Upload { run_id, name } => self.upload(ctx, run_id, name).await?,
        };
        Ok(serde_json::to_value(&report).unwrap_or(Value::Null))
    }

    async fn on_failed(&self, job: &job::Model, message: &str) {
        let Ok(payload) = serde_json::from_value::<IngestJob>(job.payload.clone()) else { return };
        let _ = ingest::fail_run(&self.db, payload.run_id(), "interrupted", message, None).await;
        match payload {
            IngestJob::Source { source, .. } => {
                let _ = schedule::after_run(&self.db, &source, "failed", Some(message), None).await;
            }
            IngestJob::Upload { run_id, .. } => {
                let _ = delete_upload(&self.db, &run_id).await;
            }
        }
    }
}

impl IngestHandler {
    async fn source(
        &self,
        ctx: &JobContext,
        run_id: &str,
        key: &str,
        triggered_by: &str,
    ) -> Result<ingest::RunReport, JobError> {
        let Some(spec) = sources::configured(&self.market).into_iter().find(|s| s.key() == key) else {
            let msg = "this source is no longer configured";
            ingest::fail_run(&self.db, run_id, "source_removed", msg, None).await.map_err(retry)?;
            return Err(JobError::Fatal(msg.into()));
        };
        ingest::start_run(&self.db, run_id).await.map_err(retry)?;
        let _ = ctx.progress(json!({ "stage": "fetching" }), Some(&format!("Reading {key}"))).await;
        let records = match sources::fetch(&self.http, &self.market, &spec).await {
            Ok(r) => r,
            Err(e) => {
                let message = e.to_string();
                tracing::warn!(source = key, code = e.code(), %message, "a source gave nothing this time");
                ingest::fail_run(&self.db, run_id, e.code(), &message, e.retry_after_secs()).await.map_err(retry)?;
                schedule::after_run(&self.db, key, "failed", Some(&message), e.retry_after_secs())
                    .await
                    .map_err(retry)?;
                return Err(JobError::Fatal(message));
            }
        };
        let spec_run = RunSpec {
            run_id: Some(run_id.to_string()),
            label: key.to_string(),
            default_source: spec.source_label(),
            triggered_by: triggered_by.to_string(),
        };
        let report = self.ingest(ctx, spec_run, Input::Records(records)).await?;
        schedule::after_run(&self.db, key, &report.status, None, None).await.map_err(retry)?;
        Ok(report)
    }

    async fn upload(&self, ctx: &JobContext, run_id: &str, name: &str) -> Result<ingest::RunReport, JobError> {
        let b = backend(&self.db);
        let row = self
            .db
            .query_one_raw(stmt(
                b,
                "SELECT format, gzip, data FROM ingestion_uploads WHERE run_id = ?",
                vec![run_id.to_string().into()],
            ))
            .await
            .map_err(|e| retry(e.into()))?;
        let Some(row) = row else {
            let msg = "the uploaded file is gone";
            ingest::fail_run(&self.db, run_id, "upload_missing", msg, None).await.map_err(retry)?;
            return Err(JobError::Fatal(msg.into()));
        };
        let format: String = row.try_get("", "format").map_err(|e| retry(e.into()))?;
        let gzip: bool = row.try_get("", "gzip").map_err(|e| retry(e.into()))?;
        let data: Vec<u8> = row.try_get("", "data").map_err(|e| retry(e.into()))?;
        let format = format_from_code(&format).ok_or_else(|| JobError::Fatal(format!("unknown format {format}")))?;
        let reader: Box<dyn Read + Send> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(std::io::Cursor::new(data)))
        } else {
            Box::new(std::io::Cursor::new(data))
        };
        let spec = RunSpec {
            run_id: Some(run_id.to_string()),
            label: format!("upload:{name}"),
            default_source: "file".into(),
            triggered_by: "upload".into(),
        };
        let report = self.ingest(ctx, spec, Input::Stream { format, reader }).await?;
        delete_upload(&self.db, run_id).await.map_err(retry)?;
        Ok(report)
    }

    /// Run the ingestion, passing its counts on to the job's progress.
    async fn ingest(&self, ctx: &JobContext, spec: RunSpec, input: Input) -> Result<ingest::RunReport, JobError> {
        let (tx, mut rx) = tokio::sync::watch::channel(Progress::default());
        let run = ingest::ingest_run(&self.db, self.dict.clone(), spec, input, Some(tx));
        tokio::pin!(run);
        let result = loop {
            tokio::select! {
                r = &mut run => break r,
                changed = rx.changed() => {
                    if changed.is_err() {
                        break (&mut run).await;
                    }
                    let p = *rx.borrow_and_update();
                    let line = format!("{} read: {} new, {} updated, {} duplicates, {} rejected",
                        p.read, p.new, p.updated, p.duplicates, p.rejected);
                    let _ = ctx.progress(json!(p), Some(&line)).await;
                }
            }
        };
        result.map_err(retry)
    }
}

fn format_code(f: Format) -> &'static str {
    match f {
        Format::JsonLines => "jsonl",
        Format::Csv => "csv",
        Format::Corpus => "corpus",
    }
}

fn format_from_code(s: &str) -> Option<Format> {
    Some(match s {
        "jsonl" => Format::JsonLines,
        "csv" => Format::Csv,
        "corpus" => Format::Corpus,
        _ => return None,
    })
}

async fn delete_upload(db: &DatabaseConnection, run_id: &str) -> AppResult<()> {
    db.execute_raw(stmt(
        backend(db),
        "DELETE FROM ingestion_uploads WHERE run_id = ?",
        vec![run_id.to_string().into()],
    ))
    .await?;
    Ok(())
}

/// Queue the ingestion of an uploaded file: its run (queued), the file and
/// the job, in one transaction. The run's id and the job's.
pub async fn queue_upload(
    db: &DatabaseConnection,
    jobs: &JobQueue,
    name: &str,
    format: Format,
    gzip: bool,
    data: Vec<u8>,
) -> AppResult<(String, String)> {
    let job_id = uuid::Uuid::new_v4().to_string();
    let txn = begin_write(db).await?;
    let run_id = ingest::create_run(&txn, &format!("upload:{name}"), "upload", Some(&job_id)).await?;
    txn.execute_raw(stmt(
        backend(&txn),
        "INSERT INTO ingestion_uploads (run_id, format, gzip, data, created_at) VALUES (?, ?, ?, ?, ?)",
        vec![run_id.clone().into(), format_code(format).into(), gzip.into(), data.into(), Utc::now().into()],
    ))
    .await?;
    let mut job = NewJob::new(INGEST_KIND, IngestJob::Upload { run_id: run_id.clone(), name: name.to_string() });
    job.id = Some(job_id.clone());
    jobs.insert(&txn, job).await?;
    txn.commit().await?;
    jobs.wake();
    Ok((run_id, job_id))
}

/// One run as the admin API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IngestionRun {
    pub id: String,
    /// What was read: `greenhouse:acme`, `upload:postings.csv`, a file.
    pub source: String,
    /// `schedule`, `admin`, `upload`, `cli`, `startup`.
    pub triggered_by: Option<String>,
    /// `queued`, `running`, `succeeded`, `failed`.
    pub status: String,
    /// When it was queued, then when it started (RFC 3339).
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Records read so far: postings and rejections.
    pub read: u64,
    pub new: u64,
    pub updated: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Why the run read nothing or stopped (the source's rate limit, a
    /// timeout, an HTML page where a feed was expected …).
    pub error: Option<RunError>,
    /// Its background job, while it has one.
    pub job_id: Option<String>,
    /// The first 100 rejections with their reasons (one run only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejections: Option<Vec<Rejection>>,
}

/// The newest runs first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IngestionRuns {
    pub runs: Vec<IngestionRun>,
}

const RUN_COLUMNS: &str = "id, source, triggered_by, status, started_at, finished_at, read_count, new, updated, \
                           duplicates, rejected, error_code, error, retry_after_secs, job_id";

fn run_of(row: &QueryResult, with_rejections: bool) -> AppResult<IngestionRun> {
    let n = |c: &str| row.try_get::<i32>("", c).map(|v| v.max(0) as u64);
    let error = match row.try_get::<Option<String>>("", "error_code")? {
        Some(code) => Some(RunError {
            code,
            message: row.try_get::<Option<String>>("", "error")?.unwrap_or_default(),
            retry_after_secs: row.try_get::<Option<i32>>("", "retry_after_secs")?.map(|s| s.max(0) as u64),
        }),
        None => None,
    };
    let rejections = if with_rejections {
        let report: Option<Value> = row.try_get("", "report")?;
        Some(
            report
                .and_then(|r| r.get("rejections").cloned())
                .and_then(|r| serde_json::from_value::<Vec<Rejection>>(r).ok())
                .unwrap_or_default(),
        )
    } else {
        None
    };
    Ok(IngestionRun {
        id: row.try_get("", "id")?,
        source: row.try_get("", "source")?,
        triggered_by: row.try_get("", "triggered_by")?,
        status: row.try_get("", "status")?,
        started_at: row.try_get::<DateTime<Utc>>("", "started_at")?.to_rfc3339(),
        finished_at: row.try_get::<Option<DateTime<Utc>>>("", "finished_at")?.map(|t| t.to_rfc3339()),
        read: n("read_count")?,
        new: n("new")?,
        updated: n("updated")?,
        duplicates: n("duplicates")?,
        rejected: n("rejected")?,
        error,
        job_id: row.try_get("", "job_id")?,
        rejections,
    })
}

/// The newest `limit` runs.
pub async fn list_runs(db: &DatabaseConnection, limit: u64) -> AppResult<Vec<IngestionRun>> {
    let rows = db
        .query_all_raw(stmt(
            backend(db),
            &format!("SELECT {RUN_COLUMNS} FROM ingestion_runs ORDER BY started_at DESC, id LIMIT ?"),
            vec![(limit.clamp(1, 200) as i64).into()],
        ))
        .await?;
    rows.iter().map(|r| run_of(r, false)).collect()
}

/// One run with its rejections.
pub async fn get_run(db: &DatabaseConnection, id: &str) -> AppResult<Option<IngestionRun>> {
    let row = db
        .query_one_raw(stmt(
            backend(db),
            &format!("SELECT {RUN_COLUMNS}, report FROM ingestion_runs WHERE id = ?"),
            vec![id.to_string().into()],
        ))
        .await?;
    row.map(|r| run_of(&r, true)).transpose()
}

/// A source's key and spec, if configured.
pub fn configured_source(market: &MarketSettings, key: &str) -> Option<SourceSpec> {
    sources::configured(market).into_iter().find(|s| s.key() == key)
}
