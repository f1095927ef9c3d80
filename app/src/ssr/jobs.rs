//! Background jobs (GitHub imports, résumé generations).
//!
//! Jobs live in the application's own database, in the `jobs` table, so they
//! survive restarts and share transactions and migrations with everything
//! else, on SQLite and PostgreSQL alike. A worker claims a job with one
//! conditional `UPDATE` (the row must still be claimable when the write
//! lands), which gives each job to exactly one worker across any number of
//! instances; the claim is a lease kept alive by a heartbeat, so a job whose
//! instance died is taken over once its lease lapses. Progress is written to
//! the row and announced on the store's pub/sub so open pages update live;
//! the row stays the truth, and watchers poll it when pub/sub is down.

use crate::api_types::JobView;
use crate::ssr::{
    entities::job::{self, JobStatus},
    error::{AppError, AppResult},
    store::SharedStore,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::{stream::BoxStream, StreamExt};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::{sync::Notify, task::JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// What a handler reports when it cannot finish now.
#[derive(Debug, Clone)]
pub enum JobError {
    /// Try again later (counts as an attempt), after `after` or a backoff.
    Retry { message: String, after: Option<Duration> },
    /// Wait until `until` without using up an attempt (e.g. a rate limit),
    /// with a message for the user ("resumes at 14:05").
    Pause { until: DateTime<Utc>, message: String },
    /// Give up now; the message is shown to the user.
    Fatal(String),
}

#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Run one attempt. The returned value is stored as the job's result.
    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError>;
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub payload: Value,
    pub owner_id: Option<String>,
    pub max_attempts: i32,
    pub run_at: Option<DateTime<Utc>>,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: Value) -> Self {
        Self { kind: kind.into(), payload, owner_id: None, max_attempts: 3, run_at: None }
    }

    pub fn owned_by(mut self, owner_id: impl Into<String>) -> Self {
        self.owner_id = Some(owner_id.into());
        self
    }
}

/// Enqueue, read and watch jobs. Cheap to clone.
#[derive(Clone)]
pub struct JobQueue {
    db: DatabaseConnection,
    store: SharedStore,
    wake: Arc<Notify>,
}

fn channel(id: &str) -> String {
    format!("job:{id}")
}

pub fn view(m: &job::Model) -> JobView {
    JobView {
        id: m.id.clone(),
        kind: m.kind.clone(),
        status: serde_json::to_value(m.status).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
        progress: m.progress.clone(),
        message: m.message.clone(),
        result: m.result.clone(),
        error: m.error.clone(),
        attempts: m.attempts,
        run_at: m.run_at.to_rfc3339(),
        created_at: m.created_at.to_rfc3339(),
        updated_at: m.updated_at.to_rfc3339(),
        finished_at: m.finished_at.map(|t| t.to_rfc3339()),
    }
}

impl JobQueue {
    pub fn new(db: DatabaseConnection, store: SharedStore) -> Self {
        Self { db, store, wake: Arc::new(Notify::new()) }
    }

    pub async fn enqueue(&self, new: NewJob) -> AppResult<String> {
        let now = Utc::now();
        let id = uuid::Uuid::new_v4().to_string();
        job::Entity::insert(job::ActiveModel {
            id: Set(id.clone()),
            kind: Set(new.kind),
            owner_id: Set(new.owner_id),
            payload: Set(new.payload),
            status: Set(JobStatus::Queued),
            progress: Set(None),
            message: Set(None),
            result: Set(None),
            error: Set(None),
            attempts: Set(0),
            max_attempts: Set(Ord::max(new.max_attempts, 1)),
            run_at: Set(new.run_at.unwrap_or(now)),
            locked_by: Set(None),
            locked_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            finished_at: Set(None),
        })
        .exec_without_returning(&self.db)
        .await?;
        self.wake.notify_waiters();
        Ok(id)
    }

    pub async fn get(&self, id: &str) -> AppResult<Option<job::Model>> {
        Ok(job::Entity::find_by_id(id.to_string()).one(&self.db).await?)
    }

    /// The newest unfinished job of `kind` for `owner_id`, if any.
    pub async fn active_for(&self, owner_id: &str, kind: &str) -> AppResult<Option<job::Model>> {
        Ok(job::Entity::find()
            .filter(job::Column::OwnerId.eq(owner_id))
            .filter(job::Column::Kind.eq(kind))
            .filter(job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
            .order_by_desc(job::Column::CreatedAt)
            .one(&self.db)
            .await?)
    }

    /// The newest job of `kind` for `owner_id`, whatever its state.
    pub async fn latest_for(&self, owner_id: &str, kind: &str) -> AppResult<Option<job::Model>> {
        Ok(job::Entity::find()
            .filter(job::Column::OwnerId.eq(owner_id))
            .filter(job::Column::Kind.eq(kind))
            .order_by_desc(job::Column::CreatedAt)
            .one(&self.db)
            .await?)
    }

    /// The job's state now, then every change until it finishes. Pub/sub is
    /// only a wake-up; each item is read from the database, and a periodic
    /// re-read covers missed messages and a store that is down.
    pub async fn watch(&self, id: &str) -> AppResult<BoxStream<'static, JobView>> {
        let mut wakeups = match self.store.subscribe(&channel(id)).await {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "job progress falls back to polling");
                None
            }
        };
        let first = self.get(id).await?.ok_or(AppError::NotFound)?;
        let queue = self.clone();
        let id = id.to_string();
        let poll = if wakeups.is_some() { Duration::from_secs(2) } else { Duration::from_millis(500) };
        Ok(async_stream(move |tx| async move {
            let mut last = first.updated_at;
            let mut finished = first.status.is_finished();
            if tx.send(view(&first)).await.is_err() {
                return;
            }
            while !finished {
                match wakeups.as_mut() {
                    Some(w) => {
                        tokio::select! {
                            _ = w.next() => {}
                            _ = tokio::time::sleep(poll) => {}
                        }
                    }
                    None => tokio::time::sleep(poll).await,
                }
                let Ok(Some(current)) = queue.get(&id).await else { continue };
                if current.updated_at != last {
                    last = current.updated_at;
                    finished = current.status.is_finished();
                    if tx.send(view(&current)).await.is_err() {
                        return;
                    }
                }
            }
        }))
    }

    /// Claim one runnable job of the given kinds for `worker_id`.
    async fn claim(&self, worker_id: &str, kinds: &[String], lease: Duration) -> AppResult<Option<job::Model>> {
        let now = Utc::now();
        let claimable = || {
            Condition::any()
                .add(job::Column::Status.eq(JobStatus::Queued).and(job::Column::RunAt.lte(now)))
                .add(job::Column::Status.eq(JobStatus::Running).and(job::Column::LockedUntil.lt(now)))
        };
        let candidates = job::Entity::find()
            .select_only()
            .column(job::Column::Id)
            .filter(job::Column::Kind.is_in(kinds.iter().cloned()))
            .filter(claimable())
            .order_by_asc(job::Column::RunAt)
            .limit(4)
            .into_tuple::<String>()
            .all(&self.db)
            .await?;
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30));
        for id in candidates {
            // The claim condition is re-checked by the UPDATE itself: of two
            // workers racing for a row, the second finds it no longer
            // claimable (PostgreSQL re-evaluates the row after the first
            // commits; SQLite serialises writers).
            let claimed = job::Entity::update_many()
                .col_expr(job::Column::Status, Expr::value(JobStatus::Running))
                .col_expr(job::Column::LockedBy, Expr::value(worker_id))
                .col_expr(job::Column::LockedUntil, Expr::value(until))
                .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
                .col_expr(job::Column::UpdatedAt, Expr::value(now))
                .filter(job::Column::Id.eq(id.clone()))
                .filter(claimable())
                .exec(&self.db)
                .await?;
            if claimed.rows_affected == 1 {
                return self.get(&id).await;
            }
        }
        Ok(None)
    }

    /// Update a job we hold; false if the lease was lost to another worker.
    async fn update_held(
        &self,
        id: &str,
        worker_id: &str,
        change: impl FnOnce(sea_orm::UpdateMany<job::Entity>) -> sea_orm::UpdateMany<job::Entity>,
    ) -> AppResult<bool> {
        let update = job::Entity::update_many()
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(id))
            .filter(job::Column::LockedBy.eq(worker_id))
            .filter(job::Column::Status.eq(JobStatus::Running));
        let res = change(update).exec(&self.db).await?;
        let held = res.rows_affected == 1;
        if held {
            self.announce(id).await;
        }
        Ok(held)
    }

    async fn announce(&self, id: &str) {
        if let Err(e) = self.store.publish(&channel(id), "changed").await {
            tracing::debug!(error = %e, job = id, "job change not announced; watchers will poll");
        }
    }
}

/// A stream fed by a task, ending when the task returns.
fn async_stream<F, Fut>(f: F) -> BoxStream<'static, JobView>
where
    F: FnOnce(tokio::sync::mpsc::Sender<JobView>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(f(tx));
    tokio_stream::wrappers::ReceiverStream::new(rx).boxed()
}

/// What a running handler can do with its job.
pub struct JobContext {
    pub id: String,
    pub owner_id: Option<String>,
    /// 1 for the first attempt.
    pub attempt: i32,
    queue: JobQueue,
    worker_id: String,
}

impl JobContext {
    /// Record progress (any JSON the UI understands) and a line for people.
    pub async fn progress(&self, progress: Value, message: Option<&str>) -> AppResult<()> {
        let message = message.map(str::to_string);
        self.queue
            .update_held(&self.id, &self.worker_id, |u| {
                u.col_expr(job::Column::Progress, Expr::value(progress))
                    .col_expr(job::Column::Message, Expr::value(message))
            })
            .await?;
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub concurrency: usize,
    pub poll_interval: Duration,
    pub lease: Duration,
    /// How long running jobs get to finish on shutdown before they are
    /// handed back to the queue.
    pub shutdown_grace: Duration,
}

/// Runs the jobs of the kinds it has handlers for.
pub struct Worker {
    queue: JobQueue,
    handlers: HashMap<String, Arc<dyn JobHandler>>,
    id: String,
    config: WorkerConfig,
}

fn backoff(attempt: i32) -> Duration {
    let secs = 5u64.saturating_mul(1 << attempt.clamp(0, 7) as u32);
    Duration::from_secs(Ord::min(secs, 600))
}

impl Worker {
    pub fn new(queue: JobQueue, config: WorkerConfig) -> Self {
        let id = format!("{}-{}", hostname(), &uuid::Uuid::new_v4().to_string()[..8]);
        Self { queue, handlers: HashMap::new(), id, config }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn register(mut self, kind: impl Into<String>, handler: impl JobHandler) -> Self {
        self.handlers.insert(kind.into(), Arc::new(handler));
        self
    }

    /// Run until `shutdown` is cancelled, then let running jobs finish within
    /// the grace period and hand the rest back.
    pub fn spawn(self, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.run(shutdown))
    }

    async fn run(self, shutdown: CancellationToken) {
        let this = Arc::new(self);
        if this.handlers.is_empty() || this.config.concurrency == 0 {
            shutdown.cancelled().await;
            return;
        }
        let kinds: Vec<String> = this.handlers.keys().cloned().collect();
        let mut running: JoinSet<()> = JoinSet::new();
        let mut claimed_ids: HashMap<tokio::task::Id, String> = HashMap::new();
        loop {
            while let Some(done) = running.try_join_next_with_id() {
                let id = match done {
                    Ok((id, _)) => id,
                    Err(e) => e.id(),
                };
                claimed_ids.remove(&id);
            }
            let mut claimed_any = false;
            if running.len() < this.config.concurrency && !shutdown.is_cancelled() {
                match this.queue.claim(&this.id, &kinds, this.config.lease).await {
                    Ok(Some(job)) => {
                        claimed_any = true;
                        let job_id = job.id.clone();
                        let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
                        let handle = running.spawn(Arc::clone(&this).execute(job).instrument(span));
                        claimed_ids.insert(handle.id(), job_id);
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "claiming a job failed"),
                }
            }
            if claimed_any && running.len() < this.config.concurrency {
                continue;
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = this.queue.wake.notified() => {}
                _ = tokio::time::sleep(this.config.poll_interval) => {}
                Some(done) = running.join_next_with_id(), if !running.is_empty() => {
                    let id = match done { Ok((id, _)) => id, Err(e) => e.id() };
                    claimed_ids.remove(&id);
                }
            }
        }
        // Shutdown: let running jobs finish, then hand back what is left.
        let grace = tokio::time::sleep(this.config.shutdown_grace);
        tokio::pin!(grace);
        while !running.is_empty() {
            tokio::select! {
                _ = &mut grace => break,
                Some(done) = running.join_next_with_id() => {
                    let id = match done { Ok((id, _)) => id, Err(e) => e.id() };
                    claimed_ids.remove(&id);
                }
            }
        }
        running.abort_all();
        for job_id in claimed_ids.into_values() {
            let released = this
                .queue
                .update_held(&job_id, &this.id, |u| {
                    u.col_expr(job::Column::Status, Expr::value(JobStatus::Queued))
                        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
                        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                        .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).sub(1))
                })
                .await;
            tracing::info!(job = %job_id, released = ?released, "job handed back at shutdown");
        }
    }

    async fn execute(self: Arc<Self>, job: job::Model) {
        let queue = &self.queue;
        if job.attempts > job.max_attempts {
            let msg = format!("gave up after {} attempts", job.max_attempts);
            let _ = self.finish(&job.id, JobStatus::Failed, None, Some(msg)).await;
            return;
        }
        let Some(handler) = self.handlers.get(&job.kind).cloned() else { return };
        let ctx = JobContext {
            id: job.id.clone(),
            owner_id: job.owner_id.clone(),
            attempt: job.attempts,
            queue: queue.clone(),
            worker_id: self.id.clone(),
        };
        let lease = self.config.lease;
        let lost = CancellationToken::new();
        // Aborted when this attempt ends for any reason, including this task
        // being aborted at shutdown: a dead attempt must stop renewing its lease.
        let _heartbeat = AbortOnDrop({
            let queue = queue.clone();
            let (id, worker) = (job.id.clone(), self.id.clone());
            let lost = lost.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(lease / 3).await;
                    let until = Utc::now() + chrono::Duration::from_std(lease).unwrap_or_default();
                    match queue
                        .update_held(&id, &worker, |u| u.col_expr(job::Column::LockedUntil, Expr::value(until)))
                        .await
                    {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(job = %id, "lease lost; stopping this attempt");
                            lost.cancel();
                            return;
                        }
                        Err(e) => tracing::warn!(job = %id, error = %e, "heartbeat failed"),
                    }
                }
            })
        });
        let outcome = tokio::select! {
            r = handler.run(&ctx, job.payload.clone()) => Some(r),
            _ = lost.cancelled() => None,
        };
        drop(_heartbeat);
        let result = match outcome {
            None => return,
            Some(Ok(value)) => self.finish(&job.id, JobStatus::Succeeded, Some(value), None).await,
            Some(Err(JobError::Fatal(msg))) => self.finish(&job.id, JobStatus::Failed, None, Some(msg)).await,
            Some(Err(JobError::Retry { message, after })) => {
                if job.attempts >= job.max_attempts {
                    self.finish(&job.id, JobStatus::Failed, None, Some(message)).await
                } else {
                    let at = Utc::now()
                        + chrono::Duration::from_std(after.unwrap_or(backoff(job.attempts))).unwrap_or_default();
                    self.requeue(&job.id, at, message, false).await
                }
            }
            Some(Err(JobError::Pause { until, message })) => self.requeue(&job.id, until, message, true).await,
        };
        if let Err(e) = result {
            tracing::error!(job = %job.id, error = %e, "recording the job's outcome failed");
        }
    }

    async fn finish(
        &self,
        id: &str,
        status: JobStatus,
        result: Option<Value>,
        error: Option<String>,
    ) -> AppResult<bool> {
        self.queue
            .update_held(id, &self.id, |u| {
                u.col_expr(job::Column::Status, Expr::value(status))
                    .col_expr(job::Column::Result, Expr::value(result))
                    .col_expr(job::Column::Error, Expr::value(error))
                    .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
                    .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                    .col_expr(job::Column::FinishedAt, Expr::value(Some(Utc::now())))
            })
            .await
    }

    async fn requeue(&self, id: &str, at: DateTime<Utc>, message: String, keep_attempt: bool) -> AppResult<bool> {
        self.queue
            .update_held(id, &self.id, |u| {
                let u = u
                    .col_expr(job::Column::Status, Expr::value(JobStatus::Queued))
                    .col_expr(job::Column::RunAt, Expr::value(at))
                    .col_expr(job::Column::Message, Expr::value(Some(message)))
                    .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
                    .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None));
                if keep_attempt {
                    u.col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).sub(1))
                } else {
                    u
                }
            })
            .await
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "proofolio".into())
}
