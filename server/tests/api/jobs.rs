//! Background jobs on both databases: exactly-once execution across
//! instances, progress that a page can follow, take-over after a crash,
//! retries, pauses and hand-back at shutdown.

use crate::helpers::TestApp;
use app::platform::jobs::JobStatus;
use app::platform::ssr::jobs::{JobContext, JobError, JobHandler, JobQueue, NewJob, Worker, WorkerConfig};
use async_trait::async_trait;
use futures::StreamExt;
use serde_json::{json, Value};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio_util::sync::CancellationToken;

db_tests!(
    each_job_runs_exactly_once_across_three_instances,
    progress_streams_to_a_watcher_until_the_job_finishes,
    a_job_whose_instance_died_is_taken_over_after_its_lease,
    failing_jobs_are_retried_then_fail_with_their_message,
    a_paused_job_says_when_it_resumes_and_resumes_without_losing_an_attempt,
    shutdown_hands_a_running_job_back_to_the_queue,
    a_job_that_keeps_outliving_shutdowns_uses_up_its_attempts,
    an_attempt_that_lost_its_claim_cannot_write_its_results,
    a_panicking_handler_fails_its_job_and_cleans_up,
);

fn config(lease_ms: u64) -> WorkerConfig {
    WorkerConfig {
        concurrency: 2,
        poll_interval: Duration::from_millis(20),
        lease: Duration::from_millis(lease_ms),
        shutdown_grace: Duration::from_millis(200),
    }
}

async fn wait_until_finished(queue: &JobQueue, id: &str, within: Duration) -> app::platform::ssr::entities::job::Model {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let job = queue.get(id).await.unwrap().expect("job exists");
        if job.status.is_finished() {
            return job;
        }
        assert!(tokio::time::Instant::now() < deadline, "job {id} did not finish in {within:?}: {job:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Records which worker ran which job.
struct Recorder(Arc<Mutex<Vec<(String, String)>>>, String);

#[async_trait]
impl JobHandler for Recorder {
    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        tokio::time::sleep(Duration::from_millis(10)).await;
        self.0.lock().unwrap().push((ctx.id.clone(), self.1.clone()));
        Ok(json!({ "echo": payload }))
    }
}

async fn each_job_runs_exactly_once_across_three_instances(app: TestApp) {
    let queue = app.state.jobs.clone();
    let mut ids = Vec::new();
    for n in 0..30 {
        ids.push(queue.enqueue(NewJob::new("count", json!({ "n": n }))).await.unwrap());
    }
    let runs = Arc::new(Mutex::new(Vec::new()));
    let stop = CancellationToken::new();
    for w in 0..3 {
        Worker::new(queue.clone(), config(5_000))
            .register("count", Recorder(runs.clone(), format!("instance-{w}")))
            .spawn(stop.clone());
    }
    for id in &ids {
        let job = wait_until_finished(&queue, id, Duration::from_secs(30)).await;
        assert_eq!(job.status, app::platform::ssr::entities::job::JobStatus::Succeeded);
        assert_eq!(job.attempts, 1);
        assert!(job.result.unwrap()["echo"]["n"].is_number());
    }
    stop.cancel();
    let runs = runs.lock().unwrap().clone();
    let mut per_job: HashMap<String, usize> = HashMap::new();
    for (id, _) in &runs {
        *per_job.entry(id.clone()).or_default() += 1;
    }
    assert_eq!(per_job.len(), 30, "every job ran");
    assert!(per_job.values().all(|&n| n == 1), "no job ran twice: {per_job:?}");
}

/// Reports progress, then waits for the test to let it finish.
struct Stepper(Arc<tokio::sync::Notify>);

#[async_trait]
impl JobHandler for Stepper {
    async fn run(&self, ctx: &JobContext, _payload: Value) -> Result<Value, JobError> {
        ctx.progress(json!({ "repositories": 10, "total": 20 }), Some("reading repositories")).await.unwrap();
        self.0.notified().await;
        ctx.progress(json!({ "repositories": 20, "total": 20 }), Some("reading manifests")).await.unwrap();
        Ok(json!({ "skills": 7 }))
    }
}

async fn progress_streams_to_a_watcher_until_the_job_finishes(app: TestApp) {
    let queue = app.state.jobs.clone();
    let id = queue.enqueue(NewJob::new("step", json!({})).owned_by("user-1")).await.unwrap();
    let mut watch = queue.watch(&id, "user-1").await.unwrap();
    let first = watch.next().await.unwrap();
    assert_eq!(first.status, JobStatus::Queued);
    assert_eq!(queue.active_for("user-1", "step").await.unwrap().map(|j| j.id), Some(id.clone()));

    let release = Arc::new(tokio::sync::Notify::new());
    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(5_000)).register("step", Stepper(release.clone())).spawn(stop.clone());

    let mut seen = Vec::new();
    let mut released = false;
    while let Ok(Some(view)) = tokio::time::timeout(Duration::from_secs(10), watch.next()).await {
        if view.message.as_deref() == Some("reading repositories") && !released {
            released = true;
            release.notify_one();
        }
        seen.push(view);
    }
    stop.cancel();
    let messages: Vec<_> = seen.iter().filter_map(|v| v.message.clone()).collect();
    assert!(messages.contains(&"reading repositories".to_string()), "{seen:?}");
    let last = seen.last().expect("updates arrived");
    assert_eq!(last.status, JobStatus::Succeeded);
    assert_eq!(last.result, Some(json!({ "skills": 7 })));
    assert_eq!(last.progress, Some(json!({ "repositories": 20, "total": 20 })));
    assert!(last.finished_at.is_some());
    assert_eq!(queue.active_for("user-1", "step").await.unwrap(), None, "nothing active once finished");
}

/// Never returns: stands for an instance that died mid-job.
struct Hang;

#[async_trait]
impl JobHandler for Hang {
    async fn run(&self, _: &JobContext, _: Value) -> Result<Value, JobError> {
        std::future::pending().await
    }
}

struct Succeed;

#[async_trait]
impl JobHandler for Succeed {
    async fn run(&self, ctx: &JobContext, _: Value) -> Result<Value, JobError> {
        Ok(json!({ "attempt": ctx.attempt }))
    }
}

async fn a_job_whose_instance_died_is_taken_over_after_its_lease(app: TestApp) {
    let queue = app.state.jobs.clone();
    let id = queue.enqueue(NewJob::new("crashy", json!({}))).await.unwrap();
    let dying = Worker::new(queue.clone(), config(900)).register("crashy", Hang).spawn(CancellationToken::new());
    // Wait until the first instance holds it, then kill that instance.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while queue.get(&id).await.unwrap().unwrap().locked_by.is_none() {
        assert!(tokio::time::Instant::now() < deadline, "never claimed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    dying.abort();
    let _ = dying.await;

    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(900)).register("crashy", Succeed).spawn(stop.clone());
    let job = wait_until_finished(&queue, &id, Duration::from_secs(15)).await;
    stop.cancel();
    assert_eq!(job.status, app::platform::ssr::entities::job::JobStatus::Succeeded);
    assert_eq!(job.result, Some(json!({ "attempt": 2 })), "the second instance ran it as attempt 2");
}

struct AlwaysRetry;

#[async_trait]
impl JobHandler for AlwaysRetry {
    async fn run(&self, ctx: &JobContext, _: Value) -> Result<Value, JobError> {
        Err(JobError::Retry {
            message: format!("GitHub answered 502 (attempt {})", ctx.attempt),
            after: Some(Duration::from_millis(10)),
        })
    }
}

async fn failing_jobs_are_retried_then_fail_with_their_message(app: TestApp) {
    let queue = app.state.jobs.clone();
    let mut new = NewJob::new("flaky", json!({}));
    new.max_attempts = 3;
    let id = queue.enqueue(new).await.unwrap();
    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(5_000)).register("flaky", AlwaysRetry).spawn(stop.clone());
    let job = wait_until_finished(&queue, &id, Duration::from_secs(15)).await;
    stop.cancel();
    assert_eq!(job.status, app::platform::ssr::entities::job::JobStatus::Failed);
    assert_eq!(job.attempts, 3);
    assert_eq!(job.error.as_deref(), Some("GitHub answered 502 (attempt 3)"));
}

struct PauseOnce(std::sync::atomic::AtomicBool);

#[async_trait]
impl JobHandler for PauseOnce {
    async fn run(&self, ctx: &JobContext, _: Value) -> Result<Value, JobError> {
        if !self.0.swap(true, std::sync::atomic::Ordering::SeqCst) {
            let until = chrono::Utc::now() + chrono::Duration::milliseconds(700);
            return Err(JobError::Pause {
                until,
                message: format!("rate limited; resumes at {}", until.format("%H:%M:%S")),
            });
        }
        Ok(json!({ "attempt": ctx.attempt }))
    }
}

async fn a_paused_job_says_when_it_resumes_and_resumes_without_losing_an_attempt(app: TestApp) {
    let queue = app.state.jobs.clone();
    let mut new = NewJob::new("paused", json!({}));
    new.max_attempts = 1;
    let id = queue.enqueue(new).await.unwrap();
    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(5_000)).register("paused", PauseOnce(Default::default())).spawn(stop.clone());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let job = queue.get(&id).await.unwrap().unwrap();
        if job.message.as_deref().is_some_and(|m| m.starts_with("rate limited; resumes at")) {
            assert_eq!(
                job.status,
                app::platform::ssr::entities::job::JobStatus::Queued,
                "paused jobs wait in the queue"
            );
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never paused: {job:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let job = wait_until_finished(&queue, &id, Duration::from_secs(10)).await;
    stop.cancel();
    assert_eq!(
        job.status,
        app::platform::ssr::entities::job::JobStatus::Succeeded,
        "a pause does not use up the only attempt"
    );
    assert_eq!(job.result, Some(json!({ "attempt": 1 })), "the resumed run is still attempt 1");
}

async fn shutdown_hands_a_running_job_back_to_the_queue(app: TestApp) {
    let queue = app.state.jobs.clone();
    let id = queue.enqueue(NewJob::new("long", json!({}))).await.unwrap();
    let stop = CancellationToken::new();
    let worker = Worker::new(queue.clone(), config(30_000)).register("long", Hang).spawn(stop.clone());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while queue.get(&id).await.unwrap().unwrap().locked_by.is_none() {
        assert!(tokio::time::Instant::now() < deadline, "never claimed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), worker).await.expect("worker stops within its grace").unwrap();
    let job = queue.get(&id).await.unwrap().unwrap();
    assert_eq!(job.status, app::platform::ssr::entities::job::JobStatus::Queued);
    assert_eq!(job.locked_by, None);
    assert_eq!(job.attempts, 1, "the interrupted attempt counts");
    assert!(job.message.unwrap().contains("interrupted by a restart"));
    // The next instance picks it up.
    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(5_000)).register("long", Succeed).spawn(stop.clone());
    let job = wait_until_finished(&queue, &id, Duration::from_secs(10)).await;
    stop.cancel();
    assert_eq!(job.result, Some(json!({ "attempt": 2 })));
}

/// Hangs, and records that the worker gave up on its job.
struct HangAndRecordFailure(Arc<Mutex<Vec<String>>>);

#[async_trait]
impl JobHandler for HangAndRecordFailure {
    async fn run(&self, _: &JobContext, _: Value) -> Result<Value, JobError> {
        std::future::pending().await
    }
    async fn on_failed(&self, job: &app::platform::ssr::entities::job::Model, message: &str) {
        self.0.lock().unwrap().push(format!("{}: {message}", job.id));
    }
}

async fn claimed(queue: &JobQueue, id: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while queue.get(id).await.unwrap().unwrap().locked_by.is_none() {
        assert!(tokio::time::Instant::now() < deadline, "never claimed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_job_that_keeps_outliving_shutdowns_uses_up_its_attempts(app: TestApp) {
    let queue = app.state.jobs.clone();
    let mut new = NewJob::new("endless", json!({}));
    new.max_attempts = 2;
    let id = queue.enqueue(new).await.unwrap();
    let failures = Arc::new(Mutex::new(Vec::new()));
    for round in 1..=2 {
        let stop = CancellationToken::new();
        let worker = Worker::new(queue.clone(), config(30_000))
            .register("endless", HangAndRecordFailure(failures.clone()))
            .spawn(stop.clone());
        claimed(&queue, &id).await;
        stop.cancel();
        tokio::time::timeout(Duration::from_secs(10), worker).await.expect("stops").unwrap();
        assert_eq!(queue.get(&id).await.unwrap().unwrap().attempts, round);
    }
    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(30_000))
        .register("endless", HangAndRecordFailure(failures.clone()))
        .spawn(stop.clone());
    let job = wait_until_finished(&queue, &id, Duration::from_secs(10)).await;
    stop.cancel();
    assert_eq!(job.status, app::platform::ssr::entities::job::JobStatus::Failed);
    assert!(job.error.as_deref().unwrap().contains("interrupted 2 times"), "{job:?}");
    told_once(&failures).await;
}

/// Waits for the test, then tries to write its result under its claim.
struct Stale {
    go: Arc<tokio::sync::Notify>,
    held: Arc<Mutex<Option<bool>>>,
    db: sea_orm::DatabaseConnection,
}

#[async_trait]
impl JobHandler for Stale {
    async fn run(&self, ctx: &JobContext, _: Value) -> Result<Value, JobError> {
        use sea_orm::TransactionTrait;
        self.go.notified().await;
        let txn = self.db.begin().await.unwrap();
        let held = ctx.claim().hold(&txn).await.unwrap();
        txn.commit().await.unwrap();
        *self.held.lock().unwrap() = Some(held);
        Ok(json!({ "written_by": "the stale attempt" }))
    }
}

/// An attempt whose lease lapsed while another instance took the job over
/// finds its claim gone when it finally writes: neither its results nor its
/// outcome land.
async fn an_attempt_that_lost_its_claim_cannot_write_its_results(app: TestApp) {
    use app::platform::ssr::entities::job;
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
    let queue = app.state.jobs.clone();
    let id = queue.enqueue(NewJob::new("stale", json!({}))).await.unwrap();
    let go = Arc::new(tokio::sync::Notify::new());
    let held = Arc::new(Mutex::new(None));
    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(30_000))
        .register("stale", Stale { go: go.clone(), held: held.clone(), db: app.state.db.clone() })
        .spawn(stop.clone());
    claimed(&queue, &id).await;
    // Another instance takes the job over (as after a lapsed lease).
    job::Entity::update_many()
        .col_expr(job::Column::LockedBy, Expr::value("the-attempt-that-took-over"))
        .filter(job::Column::Id.eq(id.clone()))
        .exec(&app.state.db)
        .await
        .unwrap();
    go.notify_one();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while held.lock().unwrap().is_none() {
        assert!(tokio::time::Instant::now() < deadline, "the stale attempt never wrote");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.cancel();
    assert_eq!(*held.lock().unwrap(), Some(false), "the claim is gone");
    let row = queue.get(&id).await.unwrap().unwrap();
    assert_eq!(row.status, app::platform::ssr::entities::job::JobStatus::Running, "still the other attempt's");
    assert_eq!(row.locked_by.as_deref(), Some("the-attempt-that-took-over"));
    assert_eq!(row.result, None, "the stale attempt's result did not land");
}

struct Panics(Arc<Mutex<Vec<String>>>);

#[async_trait]
impl JobHandler for Panics {
    async fn run(&self, _: &JobContext, _: Value) -> Result<Value, JobError> {
        panic!("a bug in the handler");
    }
    async fn on_failed(&self, job: &app::platform::ssr::entities::job::Model, message: &str) {
        self.0.lock().unwrap().push(format!("{}: {message}", job.id));
    }
}

async fn a_panicking_handler_fails_its_job_and_cleans_up(app: TestApp) {
    let queue = app.state.jobs.clone();
    let mut new = NewJob::new("buggy", json!({}));
    new.max_attempts = 1;
    let id = queue.enqueue(new).await.unwrap();
    let failures = Arc::new(Mutex::new(Vec::new()));
    let stop = CancellationToken::new();
    Worker::new(queue.clone(), config(5_000)).register("buggy", Panics(failures.clone())).spawn(stop.clone());
    let job = wait_until_finished(&queue, &id, Duration::from_secs(10)).await;
    stop.cancel();
    assert_eq!(job.status, app::platform::ssr::entities::job::JobStatus::Failed);
    assert!(job.error.unwrap().contains("went wrong on our side"), "a plain message, not the panic's");
    assert_eq!(job.locked_by, None);
    told_once(&failures).await;
}

/// The handler hears of the failure once (right after the job is marked failed).
async fn told_once(failures: &Arc<Mutex<Vec<String>>>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while failures.lock().unwrap().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the handler was never told to clean up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(failures.lock().unwrap().len(), 1, "told once: {:?}", failures.lock().unwrap());
}
