//! Starting, running and reading generations. Both guards live in the
//! database, so they hold across instances and while Redis is down:
//!
//! - one generation (or section rewrite) per user at a time: a résumé's
//!   `job_id` is set while work on it is in flight, and a partial unique
//!   index allows one such résumé per user;
//! - a daily quota per user: one `generations` row per paid call, counted
//!   over the last 24 hours unless refunded (transport failures, at most
//!   [`MAX_REFUNDS_PER_DAY`] a day; work lost to a crash, always).
//!
//! The in-flight marker and the stored document change in one statement,
//! so nobody ever sees a résumé as settled while its rewrite is in flight;
//! that statement is conditional on the job attempt still holding its claim.
//! Token use and an estimated cost are recorded per résumé. Nothing
//! half-valid is stored: the document is written once, complete and checked.

use super::{
    check::{self, Allowed},
    context::{self, Context, PROMPT_BUDGET},
    document::{self, Meta},
    prompt, versions, writer,
};
use crate::platform::ssr::config::LlmSettings;
use crate::platform::ssr::entities::job;
use crate::platform::ssr::error::{is_unique_violation, AppError, AppResult};
use crate::platform::ssr::jobs::{decode, Claim, JobContext, JobError, JobHandler, JobQueue, NewJob};
use crate::platform::ssr::llm::{LlmClient, LlmError, Message, Usage};
use crate::profile::ssr::profiles;
use crate::profile::types::SkillProfile;
use crate::resume::ssr::entities::{generation, resume};
use crate::resume::types::{
    Draft, GenerationProgress, Lang, NewResume, ResumeStatus, ResumeView, WriterKind, SECTIONS,
};
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::{json, Value};
use std::time::Duration;

pub const GENERATE_KIND: &str = "resume_generate";
pub const SECTION_KIND: &str = "resume_section";
const QUOTA_WINDOW_HOURS: i64 = 24;
/// Quota units one user can get back per day for generations the LLM's
/// transport failed (timeouts, 429, 5xx). Bounded so that a user who can
/// make the endpoint fail cannot turn it into unlimited paid calls.
pub const MAX_REFUNDS_PER_DAY: u32 = 3;

/// Why a generation could not start.
#[derive(Debug)]
pub enum StartError {
    /// Another generation of this user is running (its résumé id, if known).
    Busy(Option<String>),
    NoProfile,
    Quota {
        retry_after_secs: u64,
    },
    Failed(AppError),
}

impl From<AppError> for StartError {
    fn from(e: AppError) -> Self {
        StartError::Failed(e)
    }
}

/// What generation needs, cheap to clone.
#[derive(Clone)]
pub struct Writer {
    pub db: DatabaseConnection,
    pub jobs: JobQueue,
    pub settings: LlmSettings,
    pub llm: Option<LlmClient>,
}

impl Writer {
    pub fn new(db: DatabaseConnection, jobs: JobQueue, settings: LlmSettings) -> Result<Self, reqwest::Error> {
        let http = crate::platform::ssr::http::client(crate::platform::ssr::http::ClientKind::Streaming)?;
        let llm = settings.base_url.as_deref().map(|url| {
            LlmClient::new(
                http,
                url,
                settings.api_key.clone(),
                &settings.model,
                Duration::from_secs(settings.timeout_secs.max(1)),
                settings.max_retries,
            )
        });
        Ok(Self { db, jobs, settings, llm })
    }

    fn writer_kind(&self) -> WriterKind {
        if self.llm.is_some() {
            WriterKind::Llm
        } else {
            WriterKind::Deterministic
        }
    }

    /// Inside `txn`: take a unit of today's quota for `job_id`, or say
    /// when the next one frees up.
    pub(crate) async fn take_quota(
        &self,
        txn: &DatabaseTransaction,
        user_id: &str,
        resume_id: &str,
        job_id: &str,
        kind: &str,
    ) -> Result<(), StartError> {
        let now = Utc::now();
        let since = now - chrono::Duration::hours(QUOTA_WINDOW_HOURS);
        let counted = || {
            generation::Entity::find()
                .filter(generation::Column::UserId.eq(user_id))
                .filter(generation::Column::CreatedAt.gt(since))
                .filter(generation::Column::RefundedAt.is_null())
        };
        let used = counted().count(txn).await.map_err(AppError::from)?;
        if used >= u64::from(self.settings.daily_limit) {
            let oldest = counted()
                .order_by_asc(generation::Column::CreatedAt)
                .one(txn)
                .await
                .map_err(AppError::from)?
                .map(|g| g.created_at)
                .unwrap_or(now);
            let frees = oldest + chrono::Duration::hours(QUOTA_WINDOW_HOURS) - now;
            return Err(StartError::Quota { retry_after_secs: frees.num_seconds().max(1) as u64 });
        }
        generation::Entity::insert(generation::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            user_id: Set(user_id.into()),
            resume_id: Set(resume_id.into()),
            job_id: Set(job_id.into()),
            kind: Set(kind.into()),
            created_at: Set(now),
            refunded_at: Set(None),
        })
        .exec_without_returning(txn)
        .await
        .map_err(AppError::from)?;
        Ok(())
    }

    /// The user's résumé with work in flight, if any.
    async fn in_flight(&self, user_id: &str) -> Option<String> {
        resume::Entity::find()
            .filter(resume::Column::UserId.eq(user_id))
            .filter(resume::Column::JobId.is_not_null())
            .one(&self.db)
            .await
            .ok()
            .flatten()
            .map(|r| r.id)
    }

    /// A unique violation on the in-flight index means another generation
    /// of this user holds it.
    async fn busy_or(&self, user_id: &str, e: sea_orm::DbErr) -> StartError {
        if is_unique_violation(&e) {
            StartError::Busy(self.in_flight(user_id).await)
        } else {
            StartError::Failed(e.into())
        }
    }

    /// Give back the unit of `job_id`'s generation. `capped`: only while
    /// the user has had fewer than [`MAX_REFUNDS_PER_DAY`] refunds today
    /// (transport failures the user might provoke); uncapped for work we
    /// lost ourselves (a crash).
    pub(crate) async fn refund(&self, user_id: &str, job_id: &str, capped: bool) {
        let db = &self.db;
        let now = Utc::now();
        if capped {
            let since = now - chrono::Duration::hours(QUOTA_WINDOW_HOURS);
            let refunded = generation::Entity::find()
                .filter(generation::Column::UserId.eq(user_id))
                .filter(generation::Column::RefundedAt.gt(since))
                .count(db)
                .await;
            match refunded {
                Ok(n) if n >= u64::from(MAX_REFUNDS_PER_DAY) => {
                    tracing::info!("daily refund cap reached; the failed generation counts against the quota");
                    return;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "refund cap unreadable; quota not refunded");
                    return;
                }
            }
        }
        let res = generation::Entity::update_many()
            .col_expr(generation::Column::RefundedAt, Expr::value(Some(now)))
            .filter(generation::Column::JobId.eq(job_id))
            .filter(generation::Column::RefundedAt.is_null())
            .exec(db)
            .await;
        if let Err(e) = res {
            tracing::warn!(error = %e, "quota not refunded");
        }
    }

    /// Queue a whole résumé.
    pub async fn start(&self, user_id: &str, req: &NewResume) -> Result<String, StartError> {
        let Some(language) = Lang::from_code(req.language.trim()) else {
            return Err(StartError::Failed(AppError::validation("language", "must be `ko` or `en`")));
        };
        let role: Option<String> = req
            .target_role
            .as_deref()
            .map(|r| r.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string())
            .filter(|r| !r.is_empty());
        if role.as_ref().is_some_and(|r| r.chars().count() > 80) {
            return Err(StartError::Failed(AppError::validation("target_role", "at most 80 characters")));
        }
        let Some((profile, _)) = profiles::latest(&self.db, user_id).await? else { return Err(StartError::NoProfile) };
        let id = uuid::Uuid::new_v4().to_string();
        let job_id = uuid::Uuid::new_v4().to_string();
        let now = Utc::now();
        let txn = crate::platform::ssr::db::begin_write(&self.db).await.map_err(AppError::from)?;
        self.take_quota(&txn, user_id, &id, &job_id, GENERATE_KIND).await?;
        let inserted = resume::Entity::insert(resume::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user_id.into()),
            language: Set(language),
            target_role: Set(role),
            status: Set(ResumeStatus::Generating),
            writer: Set(self.writer_kind()),
            model: Set(self.llm.as_ref().map(|l| l.model.clone())),
            document: Set(None),
            prompt_tokens: Set(0),
            completion_tokens: Set(0),
            llm_calls: Set(0),
            cost_usd: Set(0.0),
            error: Set(None),
            job_id: Set(Some(job_id.clone())),
            profile_version: Set(profile.version),
            version: Set(0),
            title: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await;
        if let Err(e) = inserted {
            let _ = txn.rollback().await;
            return Err(self.busy_or(user_id, e).await);
        }
        self.jobs.insert(&txn, self.job(GENERATE_KIND, user_id, &id, None, job_id)).await?;
        txn.commit().await.map_err(AppError::from)?;
        self.jobs.wake();
        Ok(id)
    }

    /// Queue a rewrite of one section of a finished résumé.
    pub async fn regenerate(&self, user_id: &str, resume_id: &str, section: &str) -> Result<(), StartError> {
        if !SECTIONS.contains(&section) {
            return Err(StartError::Failed(AppError::validation("section", "one of summary, skills, projects, work")));
        }
        let row = self.owned(user_id, resume_id).await?.ok_or(StartError::Failed(AppError::NotFound))?;
        if row.status != ResumeStatus::Ready || row.job_id.is_some() {
            return Err(StartError::Busy(Some(row.id)));
        }
        let job_id = uuid::Uuid::new_v4().to_string();
        let txn = crate::platform::ssr::db::begin_write(&self.db).await.map_err(AppError::from)?;
        self.take_quota(&txn, user_id, resume_id, &job_id, SECTION_KIND).await?;
        // Marks the résumé in flight, if it is still settled and no other
        // résumé of this user is (the unique index).
        let marked = resume::Entity::update_many()
            .col_expr(resume::Column::JobId, Expr::value(Some(job_id.clone())))
            .col_expr(resume::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(resume::Column::Id.eq(resume_id))
            .filter(resume::Column::UserId.eq(user_id))
            .filter(resume::Column::Status.eq(ResumeStatus::Ready))
            .filter(resume::Column::JobId.is_null())
            .exec(&txn)
            .await;
        match marked {
            Ok(r) if r.rows_affected == 1 => {}
            Ok(_) => {
                let _ = txn.rollback().await;
                return Err(StartError::Busy(Some(resume_id.to_string())));
            }
            Err(e) => {
                let _ = txn.rollback().await;
                return Err(self.busy_or(user_id, e).await);
            }
        }
        self.jobs.insert(&txn, self.job(SECTION_KIND, user_id, resume_id, Some(section), job_id)).await?;
        txn.commit().await.map_err(AppError::from)?;
        self.jobs.wake();
        Ok(())
    }

    fn job(&self, kind: &str, user_id: &str, resume_id: &str, section: Option<&str>, job_id: String) -> NewJob {
        let payload = GenerationJob {
            user_id: user_id.to_string(),
            resume_id: resume_id.to_string(),
            section: section.map(str::to_string),
        };
        let mut job = NewJob::new(kind, payload).owned_by(user_id);
        job.id = Some(job_id);
        // A generation interrupted by a restart runs once more (its quota
        // unit is not taken again); a second interruption fails it cleanly.
        job.max_attempts = 2;
        job
    }

    /// The newest generation job of a résumé (finished or not).
    pub async fn last_job(&self, resume_id: &str) -> AppResult<Option<String>> {
        Ok(generation::Entity::find()
            .filter(generation::Column::ResumeId.eq(resume_id))
            .order_by_desc(generation::Column::CreatedAt)
            .one(&self.db)
            .await?
            .map(|g| g.job_id))
    }

    pub async fn owned(&self, user_id: &str, id: &str) -> AppResult<Option<resume::Model>> {
        Ok(resume::Entity::find_by_id(id.to_string()).one(&self.db).await?.filter(|r| r.user_id == user_id))
    }

    /// The résumé as its owner sees it; None for anyone else. One row,
    /// read once: its in-flight marker and its document always agree.
    pub async fn view(&self, user_id: &str, id: &str) -> AppResult<Option<ResumeView>> {
        Ok(self.owned(user_id, id).await?.map(|r| {
            let active = r.job_id.clone();
            to_view(r, active)
        }))
    }

    pub async fn list(&self, user_id: &str) -> AppResult<Vec<ResumeView>> {
        Ok(resume::Entity::find()
            .filter(resume::Column::UserId.eq(user_id))
            .order_by_desc(resume::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| {
                let active = r.job_id.clone();
                to_view(r, active)
            })
            .collect())
    }
}

fn to_view(r: resume::Model, job_id: Option<String>) -> ResumeView {
    ResumeView {
        id: r.id,
        status: r.status,
        language: r.language,
        target_role: r.target_role,
        writer: r.writer,
        model: r.model,
        prompt_tokens: r.prompt_tokens,
        completion_tokens: r.completion_tokens,
        llm_calls: r.llm_calls,
        cost_usd: r.cost_usd,
        error: r.error,
        document: r.document,
        job_id,
        version: r.version,
        title: r.title,
        created_at: r.created_at.to_rfc3339(),
        updated_at: r.updated_at.to_rfc3339(),
    }
}

/// The job handler for both kinds.
pub struct ResumeHandler(pub Writer);

struct Run<'a> {
    w: &'a Writer,
    row: resume::Model,
    profile: SkillProfile,
    ctx: Context,
    allowed: Allowed,
    usage: Usage,
    calls: i32,
}

/// Settle the résumé of `claim`'s job: `change` applies to the row only if
/// the résumé is still marked with this job and the attempt still holds its
/// claim; the in-flight marker is cleared in the same statement.
async fn settle(
    db: &DatabaseConnection,
    claim: Option<&Claim>,
    resume_id: &str,
    job_id: &str,
    change: impl FnOnce(sea_orm::UpdateMany<resume::Entity>) -> sea_orm::UpdateMany<resume::Entity>,
) -> AppResult<bool> {
    settle_with(db, claim, resume_id, job_id, None, change).await
}

/// [`settle`], and when the job wrote a new document, that document becomes
/// the next version (in the same transaction).
async fn settle_with(
    db: &DatabaseConnection,
    claim: Option<&Claim>,
    resume_id: &str,
    job_id: &str,
    new_document: Option<(&Value, versions::Reason)>,
    change: impl FnOnce(sea_orm::UpdateMany<resume::Entity>) -> sea_orm::UpdateMany<resume::Entity>,
) -> AppResult<bool> {
    let txn = db.begin().await?;
    if let Some(claim) = claim {
        if !claim.hold(&txn).await? {
            txn.rollback().await?;
            tracing::warn!(job = %job_id, "claim lost; leaving the résumé to the attempt that took over");
            return Ok(false);
        }
    }
    let mut update = resume::Entity::update_many()
        .col_expr(resume::Column::JobId, Expr::value(Option::<String>::None))
        .col_expr(resume::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(resume::Column::Id.eq(resume_id))
        .filter(resume::Column::JobId.eq(job_id));
    if new_document.is_some() {
        update = update.col_expr(
            resume::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(resume::Column::Version), 1),
        );
    }
    let res = change(update).exec(&txn).await?;
    if res.rows_affected == 1 {
        if let Some((doc, reason)) = new_document {
            let version: i32 = resume::Entity::find_by_id(resume_id.to_string())
                .select_only()
                .column(resume::Column::Version)
                .into_tuple()
                .one(&txn)
                .await?
                .unwrap_or(1);
            versions::record(&txn, resume_id, version, doc, reason).await?;
        }
    }
    txn.commit().await?;
    Ok(res.rows_affected == 1)
}

/// A résumé job's payload: a whole generation, or one section's rewrite.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct GenerationJob {
    pub user_id: String,
    pub resume_id: String,
    /// Set for a rewrite of that one section.
    pub section: Option<String>,
}

#[async_trait]
impl JobHandler for ResumeHandler {
    async fn run(&self, job: &JobContext, payload: Value) -> Result<Value, JobError> {
        let w = &self.0;
        let GenerationJob { user_id, resume_id, section } = decode(&payload)?;
        // A retried attempt whose work was already stored (or abandoned) has
        // nothing left to do.
        let current = w
            .owned(&user_id, &resume_id)
            .await
            .map_err(|e| JobError::Retry { message: e.public_message(), after: None })?;
        if current.as_ref().and_then(|r| r.job_id.as_deref()) != Some(job.id.as_str()) {
            return Ok(json!({ "resume_id": resume_id, "already_settled": true }));
        }
        let outcome = self.write(job, &user_id, &resume_id, section.as_deref()).await;
        match outcome {
            Ok(v) => Ok(v),
            Err((message, transport_failure)) => {
                if transport_failure {
                    w.refund(&user_id, &job.id, true).await;
                }
                let status = if section.is_some() { ResumeStatus::Ready } else { ResumeStatus::Failed };
                let settled = settle(&w.db, Some(job.claim()), &resume_id, &job.id, |u| {
                    u.col_expr(resume::Column::Status, Expr::value(status))
                        .col_expr(resume::Column::Error, Expr::value(Some(message.clone())))
                })
                .await;
                if let Err(e) = settled {
                    tracing::error!(error = ?e, "recording a failed generation failed");
                }
                Err(JobError::Fatal(message))
            }
        }
    }

    /// Interrupted (a crash, a restart, a lost lease) more often than it may
    /// be retried: the résumé says so in plain words, it is no longer in
    /// flight (the user can start again), and the quota unit comes back —
    /// the failure was ours.
    async fn on_failed(&self, job: &job::Model, message: &str) {
        let w = &self.0;
        let Ok(GenerationJob { user_id, resume_id, section }) = decode(&job.payload) else {
            tracing::error!(job = %job.id, "a résumé job with an unreadable payload gave up");
            return;
        };
        let (user_id, resume_id) = (user_id.as_str(), resume_id.as_str());
        let rewrite = section.is_some();
        let text = format!("{message} Nothing was changed and your quota was not charged; please try again.");
        let res = settle(&w.db, None, resume_id, &job.id, |u| {
            u.col_expr(
                resume::Column::Status,
                Expr::value(if rewrite { ResumeStatus::Ready } else { ResumeStatus::Failed }),
            )
            .col_expr(resume::Column::Error, Expr::value(Some(text)))
        })
        .await;
        match res {
            Ok(_) => w.refund(user_id, &job.id, false).await,
            Err(e) => tracing::error!(error = ?e, resume = resume_id, "an interrupted generation could not be settled"),
        }
    }
}

/// Plain words for an LLM failure.
fn llm_message(e: &LlmError) -> String {
    match e {
        LlmError::Timeout => {
            "The language model did not answer in time, even after retrying. Nothing was saved; please try again later."
                .into()
        }
        LlmError::RateLimited { .. } => {
            "The language model is too busy right now (rate limited), even after waiting. Please try again later."
                .into()
        }
        LlmError::Server(code) => {
            format!("The language model kept failing ({code}). Nothing was saved; please try again later.")
        }
        LlmError::Refused(why) => format!("The language model declined to write this résumé ({why})."),
        LlmError::Unreachable => "The language model could not be reached. Please try again later.".into(),
        LlmError::Rejected(code) => {
            format!("The language model rejected the request ({code}); check the LLM settings.")
        }
    }
}

impl ResumeHandler {
    /// Err((message for the user, whether the LLM's transport failed: only
    /// then is the quota unit given back — an answer that the checks
    /// reject, or a refusal, may have been provoked by the user's input)).
    async fn write(
        &self,
        job: &JobContext,
        user_id: &str,
        resume_id: &str,
        section: Option<&str>,
    ) -> Result<Value, (String, bool)> {
        let w = &self.0;
        let internal = |e: AppError| {
            tracing::error!(error = ?e, "résumé generation failed");
            ("Something went wrong on our side; it has been logged.".to_string(), false)
        };
        let row = w
            .owned(user_id, resume_id)
            .await
            .map_err(internal)?
            .ok_or(("This résumé no longer exists.".to_string(), false))?;
        let (profile, _) = profiles::latest(&w.db, user_id)
            .await
            .map_err(internal)?
            .ok_or(("No skill profile to write from.".to_string(), false))?;
        let sections: Vec<&str> = match section {
            Some(s) => vec![s],
            None => SECTIONS.to_vec(),
        };
        let current = section.and(row.document.clone());
        let instructions_tokens =
            prompt::instruction_tokens(row.language == Lang::Ko, &sections, row.target_role.as_deref())
                + current.as_ref().map(|d| context::count_tokens(&d.to_string()) + 32).unwrap_or(0);
        let ctx = context::build(&profile, PROMPT_BUDGET.saturating_sub(instructions_tokens));
        let mut extra_urls = vec![profile.account.url.clone()];
        extra_urls.extend(profile.account.website.clone());
        let allowed = Allowed::from_data(&ctx.data, &ctx.refs, &extra_urls);
        let mut run = Run { w, row, profile, ctx, allowed, usage: Usage::default(), calls: 0 };
        let ko = run.row.language == Lang::Ko;
        let draft = match &w.llm {
            None => {
                let full = writer::write(&run.profile, &run.ctx.refs, ko, run.row.target_role.as_deref());
                let (checked, _) = check::verify(full, &run.ctx.refs, &run.allowed);
                // Sections appear one by one, as with a model.
                for i in 1..=sections.len() {
                    run.report(job, &checked, &sections[..i], None).await;
                }
                checked
            }
            Some(llm) => run.with_llm(job, llm, &sections, current.as_ref()).await?,
        };
        let doc = match (section, current) {
            (Some(s), Some(mut doc)) => {
                let value = document::section(s, &draft, &run.ctx.refs, &run.profile, run.row.language);
                if s == "summary" {
                    doc["basics"]["summary"] = value;
                } else {
                    doc[s] = value;
                }
                doc["meta"]["lastModified"] = json!(Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string());
                doc
            }
            _ => document::document(&draft, &SECTIONS, &run.ctx.refs, &run.profile, &run.meta()),
        };
        if let Err(errors) = document::validate(&doc) {
            tracing::error!(?errors, "a generated document failed the JSON Resume schema");
            return Err(("The résumé did not pass the JSON Resume schema; nothing was saved.".into(), false));
        }
        let cost = (run.usage.prompt_tokens as f64 * w.settings.price_prompt_per_million
            + run.usage.completion_tokens as f64 * w.settings.price_completion_per_million)
            / 1_000_000.0;
        let r = &run.row;
        let (prompt_tokens, completion_tokens) = (run.usage.prompt_tokens as i32, run.usage.completion_tokens as i32);
        let reason = if section.is_some() { versions::Reason::Rewrite } else { versions::Reason::Generation };
        let stored = settle_with(&w.db, Some(job.claim()), &r.id, &job.id, Some((&doc, reason)), |u| {
            u.col_expr(resume::Column::Status, Expr::value(ResumeStatus::Ready))
                .col_expr(resume::Column::Document, Expr::value(Some(doc.clone())))
                .col_expr(resume::Column::PromptTokens, Expr::value(r.prompt_tokens + prompt_tokens))
                .col_expr(resume::Column::CompletionTokens, Expr::value(r.completion_tokens + completion_tokens))
                .col_expr(resume::Column::LlmCalls, Expr::value(r.llm_calls + run.calls))
                .col_expr(resume::Column::CostUsd, Expr::value(r.cost_usd + cost))
                .col_expr(resume::Column::Error, Expr::value(Option::<String>::None))
        })
        .await
        .map_err(internal)?;
        if !stored {
            return Err(("This generation was taken over by another attempt.".into(), false));
        }
        tracing::info!(
            resume = %r.id, writer = r.writer.code(), calls = run.calls, prompt_tokens = run.usage.prompt_tokens,
            completion_tokens = run.usage.completion_tokens, data_tokens = run.ctx.tokens, "résumé written"
        );
        Ok(
            json!({ "resume_id": r.id, "llm_calls": run.calls, "prompt_tokens": run.usage.prompt_tokens, "completion_tokens": run.usage.completion_tokens }),
        )
    }
}

impl Run<'_> {
    fn meta(&self) -> Meta<'_> {
        Meta {
            writer: self.row.writer,
            model: self.row.model.as_deref(),
            language: self.row.language,
            target_role: self.row.target_role.as_deref(),
            profile_version: self.row.profile_version,
        }
    }

    async fn report(&self, job: &JobContext, draft: &Draft, done: &[&str], timing: Option<Value>) {
        let document = match &self.row.document {
            // A section rewrite shows the résumé with the new section in place.
            Some(doc) if done.len() == 1 && self.row.status == ResumeStatus::Ready => {
                let mut doc = doc.clone();
                let s = done[0];
                let value = document::section(s, draft, &self.ctx.refs, &self.profile, self.row.language);
                if s == "summary" {
                    doc["basics"]["summary"] = value;
                } else {
                    doc[s] = value;
                }
                doc
            }
            _ => document::document(draft, done, &self.ctx.refs, &self.profile, &self.meta()),
        };
        let mut progress = serde_json::to_value(GenerationProgress {
            resume_id: self.row.id.clone(),
            done: done.iter().map(|s| s.to_string()).collect(),
            document,
        })
        .unwrap_or_default();
        if let Some(t) = timing {
            progress["timing"] = t;
        }
        if let Err(e) = job.progress(progress, Some("writing")).await {
            tracing::warn!(error = %e, "generation progress not recorded");
        }
    }

    /// One LLM call, and one more with the errors if the first answer is
    /// unusable. Sections are checked and shown as they complete.
    async fn with_llm(
        &mut self,
        job: &JobContext,
        llm: &LlmClient,
        sections: &[&str],
        current: Option<&Value>,
    ) -> Result<Draft, (String, bool)> {
        let ko = self.row.language == Lang::Ko;
        let mut messages = prompt::messages(&self.ctx, ko, self.row.target_role.as_deref(), sections, current);
        let schema = self.w.settings.structured_output.then(|| prompt::schema(sections));
        let mut last_error = String::new();
        for attempt in 0..2 {
            let answer = self
                .stream_answer(job, llm, &messages, schema.as_ref(), sections)
                .await
                .map_err(|e| (llm_message(&e), e.is_transport()))?;
            self.count_usage(&messages, &answer);
            match self.accept(&answer.text, sections) {
                Ok(checked) => {
                    self.report(job, &checked, sections, None).await;
                    return Ok(checked);
                }
                Err(e) => last_error = e,
            }
            tracing::warn!(attempt, error = %last_error, "unusable LLM answer");
            messages.push(Message::assistant(answer.text));
            messages.push(Message::user(format!(
                "Your answer could not be used: {last_error}. Answer again with one valid JSON object only, following every rule."
            )));
        }
        Err((
            format!(
                "The language model's answers could not be used ({last_error}). Nothing was saved; please try again."
            ),
            false,
        ))
    }

    /// One streamed call. Each time the answer so far completes another
    /// section, that much is checked and shown on the page.
    async fn stream_answer(
        &mut self,
        job: &JobContext,
        llm: &LlmClient,
        messages: &[Message],
        schema: Option<&Value>,
        sections: &[&str],
    ) -> Result<crate::platform::ssr::llm::Answer, LlmError> {
        let started = std::time::Instant::now();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, u128)>();
        let mut seen = 0usize;
        let mut first_token: Option<u128> = None;
        let on_text = move |text: &str| {
            let first = *first_token.get_or_insert_with(|| started.elapsed().as_millis());
            let members = check::complete_members(text);
            if members.len() > seen {
                seen = members.len();
                let _ = tx.send((text.to_string(), first));
            }
        };
        let max_tokens = self.w.settings.max_output_tokens;
        // The callback (and the sender in it) ends with the call, which
        // ends the display loop below.
        let call = async move {
            let mut on_text = on_text;
            let answer = llm.complete(messages, schema, max_tokens, &mut on_text).await;
            drop(on_text);
            answer
        };
        let shown = async {
            while let Some((text, first_ms)) = rx.recv().await {
                let members = check::complete_members(&text);
                let keys: Vec<String> = members.iter().map(|(k, _)| k.clone()).collect();
                let done: Vec<&str> = sections.iter().copied().filter(|s| keys.iter().any(|k| k == s)).collect();
                let partial: Draft =
                    serde_json::from_value(Value::Object(members.into_iter().collect())).unwrap_or_default();
                let (checked, _) = check::verify(partial, &self.ctx.refs, &self.allowed);
                let timing = json!({ "first_token_ms": first_ms, "section_ms": started.elapsed().as_millis() });
                self.report(job, &checked, &done, Some(timing)).await;
            }
        };
        let (answer, ()) = tokio::join!(call, shown);
        answer
    }

    /// Tokens as the endpoint reported them, else counted here.
    fn count_usage(&mut self, messages: &[Message], answer: &crate::platform::ssr::llm::Answer) {
        self.calls += 1;
        let usage = answer.usage.unwrap_or(Usage {
            prompt_tokens: prompt::prompt_tokens(messages) as u32,
            completion_tokens: context::count_tokens(&answer.text) as u32,
        });
        self.usage.prompt_tokens += usage.prompt_tokens;
        self.usage.completion_tokens += usage.completion_tokens;
    }

    /// The answer as a draft: every asked-for section present, every line
    /// checked against the profile (unverifiable lines dropped), and enough
    /// left to be a résumé. Otherwise why not, for the retry.
    fn accept(&self, text: &str, sections: &[&str]) -> Result<Draft, String> {
        let draft = check::parse_draft(text)?;
        let missing: Vec<&str> =
            sections.iter().copied().filter(|s| !check::json_part(text).contains(&format!("\"{s}\""))).collect();
        if !missing.is_empty() {
            return Err(format!("the answer lacks {}", missing.join(", ")));
        }
        let (checked, dropped) = check::verify(draft, &self.ctx.refs, &self.allowed);
        if !dropped.is_empty() {
            tracing::info!(?dropped, "removed unverifiable lines from the answer");
        }
        if sections.len() > 1 {
            check::usable(&checked)?;
        }
        Ok(checked)
    }
}
