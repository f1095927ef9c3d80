//! Background jobs (GitHub imports, résumé generations).
//!
//! Jobs live in the application's own database, in the `jobs` table, so they
//! survive restarts and share transactions and migrations with everything
//! else, on SQLite and PostgreSQL alike. A worker claims a job with one
//! conditional `UPDATE` (the row must still be claimable when the write
//! lands; on PostgreSQL the candidate is picked with `FOR UPDATE SKIP
//! LOCKED`, so workers never queue behind each other's rows), which gives
//! each job to exactly one worker across any number of instances. Each claim
//! carries a fresh token of its own; the claim is a lease kept alive by a
//! heartbeat and timed by the database's clock, so a job whose instance died
//! is taken over once its lease lapses. Everything an attempt writes — its
//! progress, its results ([`Claim::hold`] inside the handler's own
//! transaction), its outcome — is conditional on still holding that token,
//! so an attempt that lost its lease cannot overwrite the one that took over.
//! A failed heartbeat stops the attempt; a panic counts as a failed attempt;
//! a job the worker gives up on (attempts used up) is handed to its
//! handler's [`JobHandler::on_failed`] so nothing it owns stays stuck.
//!
//! Progress is written to the row and announced on the store's pub/sub so
//! open pages update live; the row stays the truth, and watchers poll it
//! when pub/sub is down.

use crate::platform::jobs::JobView;
use crate::platform::ssr::entities::job::{self, JobStatus};
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::store::SharedStore;
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

    /// The worker failed the job without the handler deciding so: its
    /// attempts were used up by crashes, lost leases, panics or shutdowns.
    /// Release whatever the job holds (a user's lock, a quota unit) and
    /// leave its objects in a state a person can act on.
    async fn on_failed(&self, _job: &job::Model, _message: &str) {}
}

/// One attempt's hold on its job: the job id and the token of this claim.
#[derive(Debug, Clone)]
pub struct Claim {
    pub job_id: String,
    pub token: String,
}

impl Claim {
    /// `update` narrowed to this job while this attempt still holds it.
    fn held(&self, update: sea_orm::UpdateMany<job::Entity>) -> sea_orm::UpdateMany<job::Entity> {
        update
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(self.job_id.as_str()))
            .filter(job::Column::LockedBy.eq(self.token.as_str()))
            .filter(job::Column::Status.eq(JobStatus::Running))
    }

    /// Inside a transaction that writes this attempt's results: confirm
    /// the claim is still ours and lock the job's row until the transaction
    /// ends, so no other attempt can take the job over half-way. Commit the
    /// results only when this returns `Ok(true)`.
    pub async fn hold<C: sea_orm::ConnectionTrait>(&self, txn: &C) -> Result<bool, sea_orm::DbErr> {
        Ok(self.held(job::Entity::update_many()).exec(txn).await?.rows_affected == 1)
    }
}

/// Now by the database's clock (every instance agrees on lease times). The
/// embedded SQLite database runs in this process, so its clock is ours.
pub async fn db_now(db: &DatabaseConnection) -> AppResult<DateTime<Utc>> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(Utc::now());
    }
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT statement_timestamp() AS now"))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the database did not tell the time")))?;
    Ok(row.try_get::<DateTime<Utc>>("", "now")?)
}

/// A job's payload as its handler's own type. A payload that does not fit
/// is a fatal error: retrying would not change it.
pub fn decode<P: serde::de::DeserializeOwned>(payload: &Value) -> Result<P, JobError> {
    serde_json::from_value(payload.clone()).map_err(|e| JobError::Fatal(format!("bad job payload: {e}")))
}

#[derive(Debug, Clone)]
pub struct NewJob {
    /// Set when the caller needs the id before the row exists (to refer to
    /// the job from its own rows in the same transaction).
    pub id: Option<String>,
    pub kind: String,
    pub payload: Value,
    pub owner_id: Option<String>,
    pub max_attempts: i32,
    pub run_at: Option<DateTime<Utc>>,
}

impl NewJob {
    /// A job of `kind` carrying `payload` (the handler's own payload type,
    /// read back with [`decode`]).
    pub fn new(kind: impl Into<String>, payload: impl serde::Serialize) -> Self {
        // Payloads are plain structs of strings and numbers: serialising
        // them cannot fail.
        let payload = serde_json::to_value(payload).unwrap_or(Value::Null);
        Self { id: None, kind: kind.into(), payload, owner_id: None, max_attempts: 3, run_at: None }
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
    streams: Arc<StreamSlots>,
}

/// Open event streams, bounded per user and per instance: each holds a
/// task and a share of the instance's pub/sub, so they cannot be unbounded.
pub struct StreamSlots {
    per_user: usize,
    total: usize,
    open: std::sync::Mutex<HashMap<String, usize>>,
}

/// One open stream; its slot frees when this is dropped (the stream ended
/// or its client went away).
pub struct StreamSlot {
    slots: Arc<StreamSlots>,
    user: String,
}

impl StreamSlots {
    pub fn new(per_user: usize, total: usize) -> Self {
        Self { per_user: per_user.max(1), total: total.max(1), open: Default::default() }
    }

    pub fn acquire(self: &Arc<Self>, user: &str) -> Option<StreamSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let total: usize = open.values().sum();
        let mine = open.get(user).copied().unwrap_or(0);
        if total >= self.total || mine >= self.per_user {
            return None;
        }
        open.insert(user.to_string(), mine + 1);
        Some(StreamSlot { slots: Arc::clone(self), user: user.to_string() })
    }

    /// Streams open on this instance now.
    pub fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).values().sum()
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

fn channel(id: &str) -> String {
    format!("job:{id}")
}

pub fn view(m: &job::Model) -> JobView {
    JobView {
        id: m.id.clone(),
        kind: m.kind.clone(),
        status: m.status,
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
        Self::with_stream_limits(db, store, StreamSlots::new(6, 1000))
    }

    pub fn with_stream_limits(db: DatabaseConnection, store: SharedStore, streams: StreamSlots) -> Self {
        Self { db, store, wake: Arc::new(Notify::new()), streams: Arc::new(streams) }
    }

    /// Event streams open on this instance.
    pub fn open_streams(&self) -> usize {
        self.streams.open()
    }

    pub async fn enqueue(&self, new: NewJob) -> AppResult<String> {
        let id = self.insert(&self.db, new).await?;
        self.wake();
        Ok(id)
    }

    /// Insert a job as part of the caller's transaction; call [`Self::wake`]
    /// once it has committed.
    pub async fn insert<C: sea_orm::ConnectionTrait>(&self, db: &C, new: NewJob) -> AppResult<String> {
        let now = Utc::now();
        let id = new.id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
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
            checkpoint: Set(None),
        })
        .exec_without_returning(db)
        .await?;
        Ok(id)
    }

    /// Tell this instance's worker that there is work.
    pub fn wake(&self) {
        self.wake.notify_waiters();
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

    /// The job's state now, then every change until it finishes, for
    /// `viewer` (whose open streams are limited). Pub/sub is only a wake-up;
    /// each item is read from the database, and a periodic re-read covers
    /// missed messages and a store that is down. The watcher ends as soon as
    /// the stream is dropped (the client went away), or when the job's row
    /// disappears.
    pub async fn watch(&self, id: &str, viewer: &str) -> AppResult<BoxStream<'static, JobView>> {
        let slot = self.streams.acquire(viewer).ok_or(AppError::RateLimited { retry_after_secs: 5 })?;
        let first = self.get(id).await?.ok_or(AppError::NotFound)?;
        let mut wakeups = if first.status.is_finished() {
            None
        } else {
            match self.store.subscribe(&channel(id)).await {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::warn!(error = %e, "job progress falls back to polling");
                    None
                }
            }
        };
        let queue = self.clone();
        let id = id.to_string();
        let poll = if wakeups.is_some() { Duration::from_secs(2) } else { Duration::from_millis(500) };
        Ok(async_stream(move |tx| async move {
            let _slot = slot;
            let mut last = first.updated_at;
            let mut finished = first.status.is_finished();
            if tx.send(view(&first)).await.is_err() {
                return;
            }
            while !finished {
                let woken = async {
                    match wakeups.as_mut() {
                        Some(w) => {
                            tokio::select! {
                                _ = w.next() => {}
                                _ = tokio::time::sleep(poll) => {}
                            }
                        }
                        None => tokio::time::sleep(poll).await,
                    }
                };
                tokio::select! {
                    _ = tx.closed() => return,
                    _ = woken => {}
                }
                let current = match queue.get(&id).await {
                    Ok(Some(c)) => c,
                    Ok(None) => return,
                    Err(_) => continue,
                };
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

    /// Claim one runnable job of the given kinds; the claim's token is new.
    async fn claim(&self, kinds: &[String], lease: Duration, tag: &str) -> AppResult<Option<(job::Model, Claim)>> {
        use sea_orm::{DbBackend, TransactionTrait};
        let now = db_now(&self.db).await?;
        // New for every claim; it starts with the worker's tag so an
        // operator can tell which instance holds a job.
        let token = format!("{tag}:{}", uuid::Uuid::new_v4());
        let claimable = || {
            Condition::any()
                .add(job::Column::Status.eq(JobStatus::Queued).and(job::Column::RunAt.lte(now)))
                .add(job::Column::Status.eq(JobStatus::Running).and(job::Column::LockedUntil.lt(now)))
        };
        let candidates = || {
            job::Entity::find()
                .select_only()
                .column(job::Column::Id)
                .filter(job::Column::Kind.is_in(kinds.iter().cloned()))
                .filter(claimable())
                .order_by_asc(job::Column::RunAt)
        };
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30));
        let take = |id: String| {
            job::Entity::update_many()
                .col_expr(job::Column::Status, Expr::value(JobStatus::Running))
                .col_expr(job::Column::LockedBy, Expr::value(token.clone()))
                .col_expr(job::Column::LockedUntil, Expr::value(until))
                .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
                .col_expr(job::Column::UpdatedAt, Expr::value(now))
                .filter(job::Column::Id.eq(id))
                .filter(claimable())
        };
        let claimed = if self.db.get_database_backend() == DbBackend::Postgres {
            // Rows another worker is claiming right now are skipped, not
            // waited for: contention costs nothing.
            let txn = self.db.begin().await?;
            let id = candidates()
                .limit(1)
                .lock_with_behavior(sea_orm::sea_query::LockType::Update, sea_orm::sea_query::LockBehavior::SkipLocked)
                .into_tuple::<String>()
                .one(&txn)
                .await?;
            let won = match &id {
                Some(id) => take(id.clone()).exec(&txn).await?.rows_affected == 1,
                None => false,
            };
            txn.commit().await?;
            id.filter(|_| won)
        } else {
            // SQLite serialises writers: the UPDATE re-checks the claim
            // condition, so of two racing workers the second finds nothing.
            let mut won = None;
            for id in candidates().limit(4).into_tuple::<String>().all(&self.db).await? {
                if take(id.clone()).exec(&self.db).await?.rows_affected == 1 {
                    won = Some(id);
                    break;
                }
            }
            won
        };
        let Some(id) = claimed else { return Ok(None) };
        Ok(self.get(&id).await?.map(|m| (m, Claim { job_id: id, token })))
    }

    /// Update a job we hold; false if the claim was lost to another attempt.
    async fn update_held(
        &self,
        claim: &Claim,
        change: impl FnOnce(sea_orm::UpdateMany<job::Entity>) -> sea_orm::UpdateMany<job::Entity>,
    ) -> AppResult<bool> {
        let res = change(claim.held(job::Entity::update_many())).exec(&self.db).await?;
        let held = res.rows_affected == 1;
        if held {
            self.announce(&claim.job_id).await;
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
    /// What the previous attempt saved with [`JobContext::checkpoint`].
    pub resume_from: Option<Value>,
    queue: JobQueue,
    claim: Claim,
}

impl JobContext {
    /// This attempt's claim, to [`Claim::hold`] inside result-writing transactions.
    pub fn claim(&self) -> &Claim {
        &self.claim
    }

    /// Save where this attempt got to; a later attempt of the same job
    /// (after a pause, a retry or a take-over) gets it as `resume_from`.
    /// Cleared when the job finishes.
    pub async fn checkpoint(&self, value: Value) -> AppResult<bool> {
        self.queue.update_held(&self.claim, |u| u.col_expr(job::Column::Checkpoint, Expr::value(Some(value)))).await
    }

    /// Record progress (any JSON the UI understands) and a line for people.
    pub async fn progress(&self, progress: Value, message: Option<&str>) -> AppResult<()> {
        let message = message.map(str::to_string);
        self.queue
            .update_held(&self.claim, |u| {
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

    /// The short tag that starts every claim token of this worker.
    pub fn tag(&self) -> &str {
        self.id.rsplit('-').next().unwrap_or(&self.id)
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
        let mut claimed_ids: HashMap<tokio::task::Id, Claim> = HashMap::new();
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
                match this.queue.claim(&kinds, this.config.lease, this.tag()).await {
                    Ok(Some((job, claim))) => {
                        claimed_any = true;
                        let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts, worker = %this.id);
                        let handle = running.spawn(Arc::clone(&this).execute(job, claim.clone()).instrument(span));
                        claimed_ids.insert(handle.id(), claim);
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
        // Stop what is left and wait until those tasks have really stopped
        // (an aborted task can still be mid-write) before handing their
        // jobs back. The interrupted attempt stays counted: a job that keeps
        // outliving the grace period uses up its attempts and then fails
        // cleanly instead of bouncing between instances for ever.
        running.abort_all();
        let stopped =
            tokio::time::timeout(Duration::from_secs(5), async { while running.join_next().await.is_some() {} }).await;
        if stopped.is_err() {
            tracing::warn!("some aborted jobs did not stop within 5 s; their leases will lapse instead");
            return;
        }
        for claim in claimed_ids.into_values() {
            let released = this
                .queue
                .update_held(&claim, |u| {
                    u.col_expr(job::Column::Status, Expr::value(JobStatus::Queued))
                        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
                        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                        .col_expr(job::Column::Message, Expr::value(Some("interrupted by a restart; it will resume")))
                })
                .await;
            tracing::info!(job = %claim.job_id, released = ?released, "job handed back at shutdown");
        }
    }

    async fn execute(self: Arc<Self>, job: job::Model, claim: Claim) {
        let queue = &self.queue;
        let Some(handler) = self.handlers.get(&job.kind).cloned() else { return };
        if job.attempts > job.max_attempts {
            let msg = if job.max_attempts == 1 {
                "It was interrupted (a restart or a crash) and could not be finished.".to_string()
            } else {
                format!(
                    "It was interrupted {} times (restarts or crashes) and could not be finished.",
                    job.max_attempts
                )
            };
            self.give_up(&handler, &job, &claim, msg).await;
            return;
        }
        let ctx = JobContext {
            id: job.id.clone(),
            owner_id: job.owner_id.clone(),
            attempt: job.attempts,
            resume_from: job.checkpoint.clone(),
            queue: queue.clone(),
            claim: claim.clone(),
        };
        let lease = self.config.lease;
        let lost = CancellationToken::new();
        // Aborted when this attempt ends for any reason, including this task
        // being aborted at shutdown: a dead attempt must stop renewing its lease.
        let _heartbeat = AbortOnDrop(tokio::spawn(heartbeat(queue.clone(), claim.clone(), lease, lost.clone())));
        let attempt = std::panic::AssertUnwindSafe(handler.run(&ctx, job.payload.clone()));
        let outcome = tokio::select! {
            r = futures::FutureExt::catch_unwind(attempt) => Some(r.unwrap_or_else(|_| {
                tracing::error!(job = %job.id, "the job's handler panicked");
                Err(JobError::Retry { message: "Something went wrong on our side; it has been logged.".into(), after: None })
            })),
            _ = lost.cancelled() => None,
        };
        drop(_heartbeat);
        let result = match outcome {
            None => return,
            Some(Ok(value)) => self.finish(&claim, JobStatus::Succeeded, Some(value), None).await,
            Some(Err(JobError::Fatal(msg))) => self.finish(&claim, JobStatus::Failed, None, Some(msg)).await,
            Some(Err(JobError::Retry { message, after })) => {
                if job.attempts >= job.max_attempts {
                    self.give_up(&handler, &job, &claim, message).await;
                    return;
                } else {
                    let at = Utc::now()
                        + chrono::Duration::from_std(after.unwrap_or(backoff(job.attempts))).unwrap_or_default();
                    self.requeue(&claim, at, message, false).await
                }
            }
            Some(Err(JobError::Pause { until, message })) => self.requeue(&claim, until, message, true).await,
        };
        if let Err(e) = result {
            tracing::error!(job = %job.id, error = %e, "recording the job's outcome failed");
        }
    }

    /// Fail the job on the worker's decision and let its handler clean up.
    async fn give_up(&self, handler: &Arc<dyn JobHandler>, job: &job::Model, claim: &Claim, message: String) {
        match self.finish(claim, JobStatus::Failed, None, Some(message.clone())).await {
            Ok(true) => handler.on_failed(job, &message).await,
            Ok(false) => {}
            Err(e) => tracing::error!(job = %job.id, error = %e, "failing the job failed"),
        }
    }

    async fn finish(
        &self,
        claim: &Claim,
        status: JobStatus,
        result: Option<Value>,
        error: Option<String>,
    ) -> AppResult<bool> {
        self.queue
            .update_held(claim, |u| {
                u.col_expr(job::Column::Status, Expr::value(status))
                    .col_expr(job::Column::Result, Expr::value(result))
                    .col_expr(job::Column::Error, Expr::value(error))
                    .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
                    .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                    .col_expr(job::Column::FinishedAt, Expr::value(Some(Utc::now())))
                    .col_expr(job::Column::Checkpoint, Expr::value(Option::<Value>::None))
            })
            .await
    }

    async fn requeue(&self, claim: &Claim, at: DateTime<Utc>, message: String, keep_attempt: bool) -> AppResult<bool> {
        self.queue
            .update_held(claim, |u| {
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

/// Renew an attempt's lease every third of it, by the database's clock.
/// When the lease is lost (another instance took over) or cannot be
/// renewed, `lost` is cancelled and the attempt stops rather than race.
async fn heartbeat(queue: JobQueue, claim: Claim, lease: Duration, lost: CancellationToken) {
    loop {
        tokio::time::sleep(lease / 3).await;
        let renewed = match db_now(&queue.db).await {
            Ok(now) => {
                let until = now + chrono::Duration::from_std(lease).unwrap_or_default();
                queue.update_held(&claim, |u| u.col_expr(job::Column::LockedUntil, Expr::value(until))).await
            }
            Err(e) => Err(e),
        };
        match renewed {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = %claim.job_id, "lease lost; stopping this attempt");
                lost.cancel();
                return;
            }
            Err(e) => {
                tracing::warn!(job = %claim.job_id, error = %e, "heartbeat failed; stopping this attempt");
                lost.cancel();
                return;
            }
        }
    }
}
