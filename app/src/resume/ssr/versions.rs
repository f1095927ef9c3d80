//! A résumé as a document its owner edits: saves that name the version they
//! started from (a stale one is refused, never silently overwritten), the
//! history of versions, restore, rename, copy and delete.
//!
//! History is bounded: a run of saves within [`COALESCE`] of each other is
//! one version (the latest text of the run), every generation, rewrite,
//! restore, import or copy is a version of its own, and only the newest
//! [`KEEP_VERSIONS`] are kept per résumé.

use super::document;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::resume::ssr::entities::{resume, resume_version};
use crate::resume::types::{ResumeStatus, VersionDiff, VersionInfo};
use chrono::{Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::Value;

/// Versions kept per résumé.
pub const KEEP_VERSIONS: usize = 50;
/// Saves closer together than this are one version.
pub const COALESCE: Duration = Duration::minutes(5);
/// The longest title.
pub const TITLE_MAX: usize = 100;

/// Why a version exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Generation,
    Rewrite,
    Save,
    Restore,
    Import,
    Copy,
    /// Aimed at a posting or a job category (reordered, maybe re-summarised).
    Tailor,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Generation => "generation",
            Reason::Rewrite => "rewrite",
            Reason::Save => "save",
            Reason::Restore => "restore",
            Reason::Import => "import",
            Reason::Copy => "copy",
            Reason::Tailor => "tailor",
        }
    }
}

/// Inside the transaction that made `document` version `version` of the
/// résumé: keep it in the history (a save right after a save replaces it),
/// and drop the oldest beyond [`KEEP_VERSIONS`].
pub async fn record<C: ConnectionTrait>(
    txn: &C,
    resume_id: &str,
    version: i32,
    document: &Value,
    reason: Reason,
) -> AppResult<()> {
    let now = Utc::now();
    let latest = resume_version::Entity::find()
        .filter(resume_version::Column::ResumeId.eq(resume_id))
        .order_by_desc(resume_version::Column::Version)
        .one(txn)
        .await?;
    let coalesce = latest
        .as_ref()
        .filter(|l| reason == Reason::Save && l.reason == Reason::Save.code() && now - l.updated_at < COALESCE);
    match coalesce {
        Some(l) => {
            resume_version::Entity::update_many()
                .col_expr(resume_version::Column::Version, Expr::value(version))
                .col_expr(resume_version::Column::Document, Expr::value(document.clone()))
                .col_expr(resume_version::Column::UpdatedAt, Expr::value(now))
                .filter(resume_version::Column::ResumeId.eq(resume_id))
                .filter(resume_version::Column::Version.eq(l.version))
                .exec(txn)
                .await?;
        }
        None => {
            resume_version::Entity::insert(resume_version::ActiveModel {
                resume_id: Set(resume_id.into()),
                version: Set(version),
                document: Set(document.clone()),
                reason: Set(reason.code().into()),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(txn)
            .await?;
        }
    }
    let old: Vec<i32> = resume_version::Entity::find()
        .select_only()
        .column(resume_version::Column::Version)
        .filter(resume_version::Column::ResumeId.eq(resume_id))
        .order_by_desc(resume_version::Column::Version)
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .skip(KEEP_VERSIONS)
        .collect();
    if !old.is_empty() {
        resume_version::Entity::delete_many()
            .filter(resume_version::Column::ResumeId.eq(resume_id))
            .filter(resume_version::Column::Version.is_in(old))
            .exec(txn)
            .await?;
    }
    // A listed résumé's card and skills follow its document.
    crate::gallery::ssr::listing::document_changed(txn, resume_id, document).await
}

/// The owner's résumé `id`, or not found (for anyone else too).
async fn owned<C: ConnectionTrait>(db: &C, user_id: &str, id: &str) -> AppResult<resume::Model> {
    resume::Entity::find_by_id(id.to_string())
        .filter(resume::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A document as the owner sends it: JSON Resume (valid against the
/// official schema), a JSON object; what it says is kept as given (unknown
/// fields too) and escaped wherever it is shown.
pub fn check_document(doc: &Value) -> AppResult<()> {
    if !doc.is_object() {
        return Err(AppError::validation("document", "must be a JSON Resume object"));
    }
    document::validate(doc).map_err(|errors| {
        let mut fields = std::collections::BTreeMap::new();
        for (i, e) in errors.into_iter().take(20).enumerate() {
            fields.insert(format!("document.{i}"), e);
        }
        AppError::Validation { fields }
    })
}

/// Replace the document of the owner's résumé `id`, if it is still at
/// version `expected`: returns the new version. Refused while the résumé is
/// being written (409), when `expected` is stale (412 with the current
/// version), and for anyone but the owner (404).
pub async fn save(
    db: &DatabaseConnection,
    user_id: &str,
    id: &str,
    expected: i32,
    doc: &Value,
    reason: Reason,
) -> AppResult<i32> {
    check_document(doc)?;
    let txn = crate::platform::ssr::db::begin_write(db).await?;
    let updated = resume::Entity::update_many()
        .col_expr(resume::Column::Document, Expr::value(Some(doc.clone())))
        .col_expr(resume::Column::Version, sea_orm::sea_query::ExprTrait::add(Expr::col(resume::Column::Version), 1))
        .col_expr(resume::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(resume::Column::Id.eq(id))
        .filter(resume::Column::UserId.eq(user_id))
        .filter(resume::Column::Version.eq(expected))
        .filter(resume::Column::Status.eq(ResumeStatus::Ready))
        .filter(resume::Column::JobId.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        let row = owned(&txn, user_id, id).await;
        txn.rollback().await?;
        let row = row?;
        return Err(if row.job_id.is_some() || row.status != ResumeStatus::Ready {
            AppError::Conflict("this résumé is being written; try again when it is done".into())
        } else {
            AppError::Stale { current: row.version }
        });
    }
    record(&txn, id, expected + 1, doc, reason).await?;
    txn.commit().await?;
    Ok(expected + 1)
}

/// The kept versions of the owner's résumé, newest first.
pub async fn list(db: &DatabaseConnection, user_id: &str, id: &str) -> AppResult<Vec<VersionInfo>> {
    let current = owned(db, user_id, id).await?;
    let rows = resume_version::Entity::find()
        .filter(resume_version::Column::ResumeId.eq(id))
        .order_by_desc(resume_version::Column::Version)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|v| VersionInfo {
            current: v.version == current.version,
            version: v.version,
            reason: v.reason,
            created_at: v.created_at.to_rfc3339(),
            updated_at: v.updated_at.to_rfc3339(),
        })
        .collect())
}

/// Version `n` of the owner's résumé.
pub async fn get(db: &DatabaseConnection, user_id: &str, id: &str, n: i32) -> AppResult<Value> {
    owned(db, user_id, id).await?;
    resume_version::Entity::find_by_id((id.to_string(), n)).one(db).await?.map(|v| v.document).ok_or(AppError::NotFound)
}

/// Version `n` against the current document, line by line over both as
/// Markdown (what a reader sees, receipts included).
pub async fn diff(db: &DatabaseConnection, user_id: &str, id: &str, n: i32) -> AppResult<VersionDiff> {
    let old = get(db, user_id, id, n).await?;
    let row = owned(db, user_id, id).await?;
    let current = row.document.unwrap_or_default();
    Ok(VersionDiff {
        version: n,
        current: row.version,
        lines: super::diff::lines_diff(&super::markdown::render(&old), &super::markdown::render(&current)),
    })
}

/// Make version `n` the current document again (itself a new version).
/// `expected`, when given, must be the current version.
pub async fn restore(
    db: &DatabaseConnection,
    user_id: &str,
    id: &str,
    n: i32,
    expected: Option<i32>,
) -> AppResult<i32> {
    let doc = get(db, user_id, id, n).await?;
    let expected = match expected {
        Some(v) => v,
        None => owned(db, user_id, id).await?.version,
    };
    save(db, user_id, id, expected, &doc, Reason::Restore).await
}

/// Name the owner's résumé (blank: back to no name).
pub async fn rename(db: &DatabaseConnection, user_id: &str, id: &str, title: &str) -> AppResult<()> {
    let title: String = title.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string();
    if title.chars().count() > TITLE_MAX {
        return Err(AppError::validation("title", "at most 100 characters"));
    }
    let res = resume::Entity::update_many()
        .col_expr(resume::Column::Title, Expr::value((!title.is_empty()).then_some(title)))
        .col_expr(resume::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(resume::Column::Id.eq(id))
        .filter(resume::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A copy of the owner's written résumé ("a copy for this job"): the
/// document and its receipts, a history of its own; returns the copy's id.
pub async fn duplicate(db: &DatabaseConnection, user_id: &str, id: &str) -> AppResult<String> {
    let src = owned(db, user_id, id).await?;
    let Some(doc) = src.document.clone().filter(|_| src.status == ResumeStatus::Ready) else {
        return Err(AppError::Conflict("only a written résumé can be copied".into()));
    };
    let copy_suffix = if src.language == crate::resume::types::Lang::Ko { "(사본)" } else { "(copy)" };
    let base = src.title.clone().or(src.target_role.clone()).unwrap_or_default();
    let title: String = format!("{base} {copy_suffix}").trim().chars().take(TITLE_MAX).collect();
    copy_of(db, user_id, src, &doc, title, Reason::Copy).await
}

/// A copy of the owner's written résumé `id` with another document (a
/// tailored one) and title; returns the copy's id.
pub async fn duplicate_as(
    db: &DatabaseConnection,
    user_id: &str,
    id: &str,
    doc: &Value,
    title: &str,
    reason: Reason,
) -> AppResult<String> {
    check_document(doc)?;
    let src = owned(db, user_id, id).await?;
    if src.document.is_none() || src.status != ResumeStatus::Ready {
        return Err(AppError::Conflict("only a written résumé can be copied".into()));
    }
    copy_of(db, user_id, src, doc, title.chars().take(TITLE_MAX).collect(), reason).await
}

async fn copy_of(
    db: &DatabaseConnection,
    user_id: &str,
    src: resume::Model,
    doc: &Value,
    title: String,
    reason: Reason,
) -> AppResult<String> {
    // The copy cost nothing: usage stays with the original.
    let row = Settled {
        language: src.language,
        target_role: src.target_role,
        writer: src.writer,
        model: src.model,
        profile_version: src.profile_version,
        title: Some(title),
    };
    insert_settled(db, user_id, row, doc, reason).await
}

/// What a résumé that arrives already written (a copy, an import) is made of.
struct Settled {
    language: crate::resume::types::Lang,
    target_role: Option<String>,
    writer: crate::resume::types::WriterKind,
    model: Option<String>,
    profile_version: i32,
    title: Option<String>,
}

/// A new, already written résumé of the owner's, its document version 1
/// in the history for `reason`; returns its id.
async fn insert_settled(
    db: &DatabaseConnection,
    user_id: &str,
    row: Settled,
    doc: &Value,
    reason: Reason,
) -> AppResult<String> {
    let new_id = uuid::Uuid::new_v4().to_string();
    let now = Utc::now();
    let txn = db.begin().await?;
    resume::Entity::insert(resume::ActiveModel {
        id: Set(new_id.clone()),
        user_id: Set(user_id.into()),
        language: Set(row.language),
        target_role: Set(row.target_role),
        status: Set(ResumeStatus::Ready),
        writer: Set(row.writer),
        model: Set(row.model),
        document: Set(Some(doc.clone())),
        prompt_tokens: Set(0),
        completion_tokens: Set(0),
        llm_calls: Set(0),
        cost_usd: Set(0.0),
        error: Set(None),
        job_id: Set(None),
        profile_version: Set(row.profile_version),
        version: Set(1),
        title: Set(row.title),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    record(&txn, &new_id, 1, doc, reason).await?;
    txn.commit().await?;
    Ok(new_id)
}

/// Delete the owner's résumé and its history. A résumé being written is
/// not deleted under its job (409).
pub async fn delete(db: &DatabaseConnection, user_id: &str, id: &str) -> AppResult<()> {
    let row = owned(db, user_id, id).await?;
    if row.job_id.is_some() {
        return Err(AppError::Conflict("this résumé is being written; delete it when it is done".into()));
    }
    let txn = db.begin().await?;
    resume_version::Entity::delete_many().filter(resume_version::Column::ResumeId.eq(id)).exec(&txn).await?;
    let res = resume::Entity::delete_many()
        .filter(resume::Column::Id.eq(id))
        .filter(resume::Column::UserId.eq(user_id))
        .filter(resume::Column::JobId.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::Conflict("this résumé is being written; delete it when it is done".into()));
    }
    txn.commit().await?;
    Ok(())
}

/// A résumé from a JSON Resume document the owner brings (validated like a
/// save; unknown fields kept as they are). Its lines have no receipts until
/// the owner attaches them. Returns the new résumé's id.
pub async fn import(db: &DatabaseConnection, user_id: &str, doc: &Value) -> AppResult<String> {
    check_document(doc)?;
    let text = doc.to_string();
    // The document's own language if it says, else Korean when it is written in Hangul.
    let language = doc["meta"]["x-proofolio"]["language"]
        .as_str()
        .and_then(crate::resume::types::Lang::from_code)
        .unwrap_or(if text.chars().any(|c| ('가'..='힣').contains(&c)) {
            crate::resume::types::Lang::Ko
        } else {
            crate::resume::types::Lang::En
        });
    let title: Option<String> = doc["basics"]["label"]
        .as_str()
        .map(|l| l.chars().filter(|c| !c.is_control()).take(TITLE_MAX).collect::<String>().trim().to_string())
        .filter(|l| !l.is_empty());
    let row = Settled {
        language,
        target_role: None,
        writer: crate::resume::types::WriterKind::Imported,
        model: None,
        profile_version: 0,
        title,
    };
    insert_settled(db, user_id, row, doc, Reason::Import).await
}
