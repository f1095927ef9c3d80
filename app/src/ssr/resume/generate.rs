//! Starting, running and reading generations. One generation (or section
//! rewrite) per user at a time across instances (a store lock with a TTL
//! and an owner token); a daily quota per user through the store's rate
//! limiter, handed back when the LLM is what failed; token use and an
//! estimated cost recorded per résumé. Nothing half-valid is stored: the
//! document is written once, complete and checked.

use super::{
    check::{self, Allowed},
    context::{self, Context, PROMPT_BUDGET},
    document::{self, Meta},
    prompt, writer,
};
use crate::profile::types::SkillProfile;
use crate::resume::types::{Draft, GenerationProgress, NewResume, ResumeView, SECTIONS};
use crate::ssr::{
    config::LlmSettings,
    entities::resume,
    error::{AppError, AppResult},
    github::profiles,
    jobs::{JobContext, JobError, JobHandler, JobQueue, NewJob},
    llm::{LlmClient, LlmError, Message, Usage},
    store::{Lock, SharedStore},
};
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use std::time::Duration;

pub const GENERATE_KIND: &str = "resume_generate";
pub const SECTION_KIND: &str = "resume_section";
const LOCK_TTL: Duration = Duration::from_secs(15 * 60);
const QUOTA_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// Quota units one user can get back per day for generations the LLM's
/// transport failed (timeouts, 429, 5xx). Bounded so that a user who can
/// make the endpoint fail cannot turn it into unlimited paid calls.
pub const MAX_REFUNDS_PER_DAY: u32 = 3;

fn lock_name(user_id: &str) -> String {
    format!("resume-writer:{user_id}")
}

fn quota_key(user_id: &str) -> String {
    format!("quota:resume:{user_id}")
}

fn refunds_key(user_id: &str) -> String {
    format!("quota-refunds:resume:{user_id}")
}

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
    pub store: SharedStore,
    pub jobs: JobQueue,
    pub settings: LlmSettings,
    pub llm: Option<LlmClient>,
}

impl Writer {
    pub fn new(db: DatabaseConnection, store: SharedStore, jobs: JobQueue, settings: LlmSettings) -> Self {
        // Its own client: answers stream for minutes, so no overall timeout
        // (the LLM client watches for silence instead).
        let http = reqwest::Client::builder()
            .user_agent(concat!("proofolio/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
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
        Self { db, store, jobs, settings, llm }
    }

    fn writer_name(&self) -> &'static str {
        if self.llm.is_some() {
            "llm"
        } else {
            "deterministic"
        }
    }

    /// Take a unit of today's quota and the user's writer lock.
    async fn admit(&self, user_id: &str) -> Result<Option<Lock>, StartError> {
        match self.store.rate_limit(&quota_key(user_id), self.settings.daily_limit, QUOTA_WINDOW).await {
            Ok(d) if !d.allowed => return Err(StartError::Quota { retry_after_secs: d.reset_after.as_secs().max(1) }),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "quota store unavailable; allowing the generation"),
        }
        match self.store.try_lock(&lock_name(user_id), LOCK_TTL).await {
            Ok(Some(lock)) => Ok(Some(lock)),
            Ok(None) => {
                self.refund(user_id).await;
                let busy = resume::Entity::find()
                    .filter(resume::Column::UserId.eq(user_id))
                    .order_by_desc(resume::Column::UpdatedAt)
                    .one(&self.db)
                    .await
                    .ok()
                    .flatten()
                    .map(|r| r.id);
                Err(StartError::Busy(busy))
            }
            Err(e) => {
                tracing::warn!(error = %e, "writer lock unavailable; relying on the job queue");
                Ok(None)
            }
        }
    }

    /// Give back the unit taken by `admit` when the generation never
    /// started (another one was running).
    async fn refund(&self, user_id: &str) {
        if let Err(e) = self.store.incr_by(&quota_key(user_id), -1).await {
            tracing::warn!(error = %e, "quota not refunded");
        }
    }

    /// Give back a unit after the LLM's transport failed, at most
    /// [`MAX_REFUNDS_PER_DAY`] times a day per user.
    async fn refund_transport_failure(&self, user_id: &str) {
        match self.store.rate_limit(&refunds_key(user_id), MAX_REFUNDS_PER_DAY, QUOTA_WINDOW).await {
            Ok(d) if d.allowed => self.refund(user_id).await,
            Ok(_) => tracing::info!("daily refund cap reached; the failed generation counts against the quota"),
            Err(e) => tracing::warn!(error = %e, "refund cap unavailable; quota not refunded"),
        }
    }

    /// Queue a whole résumé.
    pub async fn start(&self, user_id: &str, req: &NewResume) -> Result<String, StartError> {
        let language = match req.language.trim() {
            "ko" | "en" => req.language.trim().to_string(),
            _ => return Err(StartError::Failed(AppError::validation("language", "must be `ko` or `en`"))),
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
        let lock = self.admit(user_id).await?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = Utc::now();
        resume::Entity::insert(resume::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user_id.into()),
            language: Set(language),
            target_role: Set(role),
            status: Set("generating".into()),
            writer: Set(self.writer_name().into()),
            model: Set(self.llm.as_ref().map(|l| l.model.clone())),
            document: Set(None),
            prompt_tokens: Set(0),
            completion_tokens: Set(0),
            llm_calls: Set(0),
            cost_usd: Set(0.0),
            error: Set(None),
            job_id: Set(None),
            profile_version: Set(profile.version),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&self.db)
        .await
        .map_err(AppError::from)?;
        self.enqueue(GENERATE_KIND, user_id, &id, None, lock).await?;
        Ok(id)
    }

    /// Queue a rewrite of one section of a finished résumé.
    pub async fn regenerate(&self, user_id: &str, resume_id: &str, section: &str) -> Result<(), StartError> {
        if !SECTIONS.contains(&section) {
            return Err(StartError::Failed(AppError::validation("section", "one of summary, skills, projects, work")));
        }
        let row = self.owned(user_id, resume_id).await?.ok_or(StartError::Failed(AppError::NotFound))?;
        if row.status != "ready" {
            return Err(StartError::Busy(Some(row.id)));
        }
        let lock = self.admit(user_id).await?;
        self.enqueue(SECTION_KIND, user_id, resume_id, Some(section), lock).await
    }

    async fn enqueue(
        &self,
        kind: &str,
        user_id: &str,
        resume_id: &str,
        section: Option<&str>,
        lock: Option<Lock>,
    ) -> Result<(), StartError> {
        let payload = json!({
            "user_id": user_id, "resume_id": resume_id, "section": section,
            "lock": lock.as_ref().map(|l| json!({ "name": l.name, "token": l.token })),
        });
        let mut job = NewJob::new(kind, payload).owned_by(user_id);
        job.max_attempts = 1;
        let job_id = self.jobs.enqueue(job).await?;
        resume::Entity::update_many()
            .col_expr(resume::Column::JobId, sea_orm::sea_query::Expr::value(Some(job_id)))
            .col_expr(resume::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(resume::Column::Id.eq(resume_id))
            .exec(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(())
    }

    pub async fn owned(&self, user_id: &str, id: &str) -> AppResult<Option<resume::Model>> {
        Ok(resume::Entity::find_by_id(id.to_string()).one(&self.db).await?.filter(|r| r.user_id == user_id))
    }

    /// The résumé as its owner sees it; None for anyone else.
    pub async fn view(&self, user_id: &str, id: &str) -> AppResult<Option<ResumeView>> {
        let Some(r) = self.owned(user_id, id).await? else { return Ok(None) };
        let active = match &r.job_id {
            Some(j) => self.jobs.get(j).await?.filter(|j| !j.status.is_finished()).map(|j| j.id),
            None => None,
        };
        Ok(Some(to_view(r, active)))
    }

    pub async fn list(&self, user_id: &str) -> AppResult<Vec<ResumeView>> {
        Ok(resume::Entity::find()
            .filter(resume::Column::UserId.eq(user_id))
            .order_by_desc(resume::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| to_view(r, None))
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

#[async_trait]
impl JobHandler for ResumeHandler {
    async fn run(&self, job: &JobContext, payload: Value) -> Result<Value, JobError> {
        let w = &self.0;
        let user_id = payload["user_id"].as_str().unwrap_or_default().to_string();
        let resume_id = payload["resume_id"].as_str().unwrap_or_default().to_string();
        let section = payload["section"].as_str().map(str::to_string);
        let lock: Option<Lock> = payload["lock"].as_object().map(|l| Lock {
            name: l["name"].as_str().unwrap_or_default().into(),
            token: l["token"].as_str().unwrap_or_default().into(),
        });
        let outcome = self.write(job, &user_id, &resume_id, section.as_deref()).await;
        if let Some(lock) = lock {
            if let Err(e) = w.store.release_lock(&lock).await {
                tracing::warn!(error = %e, "writer lock not released; it expires by itself");
            }
        }
        match outcome {
            Ok(v) => Ok(v),
            Err((message, transport_failure)) => {
                if transport_failure {
                    w.refund_transport_failure(&user_id).await;
                }
                let status = if section.is_some() { "ready" } else { "failed" };
                let _ = resume::Entity::update_many()
                    .col_expr(resume::Column::Status, sea_orm::sea_query::Expr::value(status))
                    .col_expr(resume::Column::Error, sea_orm::sea_query::Expr::value(Some(message.clone())))
                    .col_expr(resume::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
                    .filter(resume::Column::Id.eq(resume_id.as_str()))
                    .exec(&w.db)
                    .await;
                Err(JobError::Fatal(message))
            }
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
        let instructions_tokens = 900 + current.as_ref().map(|d| context::estimate_tokens(&d.to_string())).unwrap_or(0);
        let ctx = context::build(&profile, PROMPT_BUDGET.saturating_sub(instructions_tokens));
        let mut extra_urls = vec![profile.account.url.clone()];
        extra_urls.extend(profile.account.website.clone());
        let allowed = Allowed::from_data(&ctx.data, &ctx.refs, &extra_urls);
        let mut run = Run { w, row, profile, ctx, allowed, usage: Usage::default(), calls: 0 };
        let ko = run.row.language == "ko";
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
                let value = document::section(s, &draft, &run.ctx.refs, &run.profile, &run.row.language);
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
        resume::Entity::update(resume::ActiveModel {
            id: Set(r.id.clone()),
            status: Set("ready".into()),
            document: Set(Some(doc)),
            prompt_tokens: Set(r.prompt_tokens + run.usage.prompt_tokens as i32),
            completion_tokens: Set(r.completion_tokens + run.usage.completion_tokens as i32),
            llm_calls: Set(r.llm_calls + run.calls),
            cost_usd: Set(r.cost_usd + cost),
            error: Set(None),
            updated_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(&w.db)
        .await
        .map_err(|e| internal(e.into()))?;
        tracing::info!(
            resume = %r.id, writer = %r.writer, calls = run.calls, prompt_tokens = run.usage.prompt_tokens,
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
            writer: &self.row.writer,
            model: self.row.model.as_deref(),
            language: &self.row.language,
            target_role: self.row.target_role.as_deref(),
            profile_version: self.row.profile_version,
        }
    }

    async fn report(&self, job: &JobContext, draft: &Draft, done: &[&str], timing: Option<Value>) {
        let document = match &self.row.document {
            // A section rewrite shows the résumé with the new section in place.
            Some(doc) if done.len() == 1 && self.row.status == "ready" => {
                let mut doc = doc.clone();
                let s = done[0];
                let value = document::section(s, draft, &self.ctx.refs, &self.profile, &self.row.language);
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
        let ko = self.row.language == "ko";
        let mut messages = prompt::messages(&self.ctx, ko, self.row.target_role.as_deref(), sections, current);
        let schema = self.w.settings.structured_output.then(|| prompt::schema(sections));
        let mut last_error = String::new();
        for attempt in 0..2 {
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
            let (msgs, schema_ref) = (&messages, schema.as_ref());
            // The callback (and the sender in it) ends with the call, which
            // ends the display loop below.
            let call = async move {
                let mut on_text = on_text;
                let answer = llm.complete(msgs, schema_ref, max_tokens, &mut on_text).await;
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
            let answer = answer.map_err(|e| (llm_message(&e), e.is_transport()))?;
            self.calls += 1;
            let prompt_estimate = prompt::prompt_tokens(&messages) as u32;
            let usage = answer.usage.unwrap_or(Usage {
                prompt_tokens: prompt_estimate,
                completion_tokens: context::estimate_tokens(&answer.text) as u32,
            });
            self.usage.prompt_tokens += usage.prompt_tokens;
            self.usage.completion_tokens += usage.completion_tokens;
            let outcome = check::parse_draft(&answer.text).and_then(|d| {
                let missing: Vec<&str> = sections
                    .iter()
                    .copied()
                    .filter(|s| !check::json_part(&answer.text).contains(&format!("\"{s}\"")))
                    .collect();
                if missing.is_empty() {
                    Ok(d)
                } else {
                    Err(format!("the answer lacks {}", missing.join(", ")))
                }
            });
            match outcome {
                Ok(draft) => {
                    let (checked, dropped) = check::verify(draft, &self.ctx.refs, &self.allowed);
                    if !dropped.is_empty() {
                        tracing::info!(?dropped, "removed unverifiable lines from the answer");
                    }
                    let usable = if sections.len() == 1 { Ok(()) } else { check::usable(&checked) };
                    match usable {
                        Ok(()) => {
                            self.report(job, &checked, sections, None).await;
                            return Ok(checked);
                        }
                        Err(e) => last_error = e,
                    }
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
}
