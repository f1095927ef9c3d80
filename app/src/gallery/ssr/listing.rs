//! The gallery's listing: one row per public résumé with what its card
//! shows, what the filters match and what the sorts order by, kept in step
//! with the résumé rather than read out of its JSON at query time.
//!
//! When it changes:
//! - **published / unpublished** (`share::ssr::service::set`, in the same
//!   transaction): public writes the row (keeping the first publication
//!   time while it stays public), anything else deletes it, so a résumé made
//!   private is gone from the next page served;
//! - **saved** (a save, a restore, a generation or a rewrite: every new
//!   document goes through `resume::ssr::versions::record`, in the same
//!   transaction): the card and skills are written again if it is listed;
//! - **counted** (views flushed from the store, likes, unlikes, comments
//!   posted or deleted): [`refresh`] recounts and recomputes the score;
//! - **deleted** (the résumé or its account): the rows cascade.
//!
//! ## Trending
//!
//! A "hot" score in the manner of Reddit's, monotonic in time so that it
//! only changes when the counts do and keyset pagination can page over it:
//!
//! ```text
//! engagement = views + 3 × likes + 5 × comments
//! score      = log2(1 + engagement) + (published − 2025-01-01) / 3 days
//! ```
//!
//! Ordering by it is ordering by `engagement × 2^(age / 3 days)` turned
//! around: a résumé published three days later needs half the engagement
//! to rank the same, i.e. engagement decays with a half-life of three
//! days. It is stored as `round(score × 10⁶)`, an integer, so a cursor
//! compares exactly on both databases. Views count once they are flushed
//! from the store (every 15 s).

use super::entities::{gallery_listing, gallery_skill};
use crate::platform::ssr::error::AppResult;
use crate::resume::ssr::entities::resume;
use crate::share::ssr::entities::{resume_comment, resume_like, resume_view_day};
use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use serde_json::Value;
use std::sync::OnceLock;
use taxonomy::{JobCategory, Taxonomy};

/// Engagement halves in weight every this many seconds of age.
pub const HALF_LIFE_SECS: f64 = 3.0 * 86_400.0;
/// The score's time origin: 2025-01-01T00:00:00Z.
const EPOCH_SECS: i64 = 1_735_689_600;
const LIKE_WEIGHT: f64 = 3.0;
const COMMENT_WEIGHT: f64 = 5.0;

/// Skills kept per résumé for the filter, and shown on its card.
const MAX_SKILLS: usize = 60;
pub const CARD_SKILLS: usize = 6;

/// The trending score × 10⁶ (see the module documentation).
pub fn trending(views: i64, likes: i64, comments: i64, published_ms: i64) -> i64 {
    let engagement = views.max(0) as f64 + LIKE_WEIGHT * likes.max(0) as f64 + COMMENT_WEIGHT * comments.max(0) as f64;
    let age = (published_ms.div_euclid(1000) - EPOCH_SECS) as f64 / HALF_LIFE_SECS;
    (((1.0 + engagement).log2() + age) * 1e6).round() as i64
}

/// The technology dictionary, loaded once (it also normalises filters).
pub fn taxonomy() -> &'static Taxonomy {
    static DICT: OnceLock<Taxonomy> = OnceLock::new();
    DICT.get_or_init(Taxonomy::builtin)
}

/// A skill as the filter matches it: the dictionary's id when it knows the
/// name (`react.js`, `React`, `리액트` → `react`), else the name case-folded
/// with its spaces collapsed; with the name to show.
pub fn skill_key(tax: &Taxonomy, name: &str) -> Option<(String, String)> {
    let name = clean(name, 100);
    if name.is_empty() {
        return None;
    }
    Some(match tax.resolve(&name) {
        Some(t) => (t.id.clone(), t.name.clone()),
        None => (name.to_lowercase().chars().take(100).collect(), name),
    })
}

/// A job category code for a role as people write it: a code itself
/// (`backend`), or words naming one (`백엔드 개발자`, `Frontend engineer`,
/// `React`). `None` when it names no category.
pub fn role_code(tax: &Taxonomy, text: &str) -> Option<&'static str> {
    let text = clean(text, 200);
    if text.is_empty() {
        return None;
    }
    if let Some(c) = JobCategory::from_code(&text.to_lowercase()) {
        return Some(c.code());
    }
    let c = tax.extract_posting(&text, "").category;
    (c != JobCategory::Other).then_some(c.code())
}

/// One line of plain text: control characters out, spaces collapsed, at
/// most `max` characters.
fn clean(s: &str, max: usize) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(max).collect()
}

/// The first sentence of the summary: up to the first `.`, `!` or `?`
/// followed by a space (not the dot in `Node.js` or `3.5`), or `。`.
fn one_line(doc: &Value) -> String {
    let summary = doc["basics"]["summary"].as_str().unwrap_or_default();
    let mut chars = summary.char_indices().peekable();
    let mut end = summary.len();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if c == '。' || (matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace)) {
            end = i + c.len_utf8();
            break;
        }
    }
    clean(&summary[..end], 200)
}

/// What the listing holds of a document (its hidden sections left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub name: String,
    pub headline: String,
    pub summary: String,
    pub role: Option<&'static str>,
    /// (filter key, name to show), in the document's order, each once.
    pub skills: Vec<(String, String)>,
}

/// Read a card out of a résumé's document. Skills are the `skills`
/// section's keywords (a group without keywords counts by its name); the
/// role is the résumé's target role, else its label, as a job category,
/// its skills breaking the tie when the words say nothing.
pub fn card(tax: &Taxonomy, document: &Value, target_role: Option<&str>) -> Card {
    let doc = crate::resume::types::visible(document);
    let mut skills: Vec<(String, String)> = Vec::new();
    for group in doc["skills"].as_array().into_iter().flatten() {
        let keywords: Vec<&str> =
            group["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let names = if keywords.iter().any(|k| !k.trim().is_empty()) {
            keywords
        } else {
            group["name"].as_str().into_iter().collect()
        };
        for n in names {
            if let Some((key, name)) = skill_key(tax, n) {
                if skills.len() < MAX_SKILLS && !skills.iter().any(|(k, _)| *k == key) {
                    skills.push((key, name));
                }
            }
        }
    }
    let headline = clean(doc["basics"]["label"].as_str().unwrap_or_default(), 160);
    let title = target_role.map(|r| clean(r, 200)).filter(|r| !r.is_empty()).unwrap_or_else(|| headline.clone());
    let role = if title.is_empty() && skills.is_empty() {
        None
    } else {
        let listed: Vec<&str> = skills.iter().map(|(_, n)| n.as_str()).collect();
        Some(tax.extract_posting(&title, &listed.join(", ")).category.code())
    };
    Card {
        name: clean(doc["basics"]["name"].as_str().unwrap_or_default(), 120),
        headline,
        summary: one_line(&doc),
        role,
        skills,
    }
}

/// Views (flushed), likes and comments (replies included) of a résumé.
async fn counts<C: ConnectionTrait>(db: &C, resume_id: &str) -> AppResult<(i64, i64, i64)> {
    let views: Vec<i64> = resume_view_day::Entity::find()
        .select_only()
        .column(resume_view_day::Column::Views)
        .filter(resume_view_day::Column::ResumeId.eq(resume_id))
        .into_tuple()
        .all(db)
        .await?;
    let likes = resume_like::Entity::find().filter(resume_like::Column::ResumeId.eq(resume_id)).count(db).await?;
    let comments =
        resume_comment::Entity::find().filter(resume_comment::Column::ResumeId.eq(resume_id)).count(db).await?;
    Ok((views.iter().sum(), likes as i64, comments as i64))
}

/// Write the listing of `row` (with `document`) and its skills.
async fn write<C: ConnectionTrait>(db: &C, row: &resume::Model, document: &Value, published_ms: i64) -> AppResult<()> {
    let c = card(taxonomy(), document, row.target_role.as_deref());
    let (views, likes, comments) = counts(db, &row.id).await?;
    let shown: Vec<&str> = c.skills.iter().take(CARD_SKILLS).map(|(_, n)| n.as_str()).collect();
    let model = gallery_listing::ActiveModel {
        resume_id: Set(row.id.clone()),
        name: Set(c.name),
        headline: Set(c.headline),
        summary: Set(c.summary),
        role: Set(c.role.map(str::to_string)),
        skills: Set(serde_json::to_string(&shown).unwrap_or_else(|_| "[]".into())),
        language: Set(row.language.code().to_string()),
        views: Set(views),
        likes: Set(likes),
        comments: Set(comments),
        published_ms: Set(published_ms),
        trending: Set(trending(views, likes, comments, published_ms)),
        updated_at: Set(Utc::now()),
    };
    use gallery_listing::Column as L;
    gallery_listing::Entity::insert(model)
        .on_conflict(
            OnConflict::column(L::ResumeId)
                .update_columns([
                    L::Name,
                    L::Headline,
                    L::Summary,
                    L::Role,
                    L::Skills,
                    L::Language,
                    L::Views,
                    L::Likes,
                    L::Comments,
                    L::PublishedMs,
                    L::Trending,
                    L::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    gallery_skill::Entity::delete_many().filter(gallery_skill::Column::ResumeId.eq(&row.id)).exec(db).await?;
    if !c.skills.is_empty() {
        gallery_skill::Entity::insert_many(
            c.skills
                .into_iter()
                .map(|(skill, _)| gallery_skill::ActiveModel { resume_id: Set(row.id.clone()), skill: Set(skill) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

async fn remove<C: ConnectionTrait>(db: &C, resume_id: &str) -> AppResult<()> {
    gallery_skill::Entity::delete_many().filter(gallery_skill::Column::ResumeId.eq(resume_id)).exec(db).await?;
    gallery_listing::Entity::delete_by_id(resume_id.to_string()).exec(db).await?;
    Ok(())
}

/// The résumé's visibility was set (inside that transaction): list it when
/// public and written, else take it out.
pub async fn published<C: ConnectionTrait>(db: &C, resume_id: &str, public: bool) -> AppResult<()> {
    let row = resume::Entity::find_by_id(resume_id.to_string()).one(db).await?;
    let Some((row, document)) = row.filter(|_| public).and_then(|r| r.document.clone().map(|d| (r, d))) else {
        return remove(db, resume_id).await;
    };
    let listed = gallery_listing::Entity::find_by_id(resume_id.to_string()).one(db).await?;
    let published_ms = listed.map_or_else(|| Utc::now().timestamp_millis(), |l| l.published_ms);
    write(db, &row, &document, published_ms).await
}

/// The résumé's document changed (inside that transaction): its card and
/// skills follow, if it is listed.
pub async fn document_changed<C: ConnectionTrait>(db: &C, resume_id: &str, document: &Value) -> AppResult<()> {
    let Some(listed) = gallery_listing::Entity::find_by_id(resume_id.to_string()).one(db).await? else {
        return Ok(());
    };
    let Some(row) = resume::Entity::find_by_id(resume_id.to_string()).one(db).await? else { return Ok(()) };
    write(db, &row, document, listed.published_ms).await
}

/// Recount the views, likes and comments of a listed résumé and recompute
/// its score. The row is locked first (PostgreSQL; SQLite has one writer
/// at a time), so whichever refresh runs last counts everything committed
/// before it: concurrent changes cannot leave a stale count behind.
pub async fn refresh(db: &DatabaseConnection, resume_id: &str) -> AppResult<()> {
    // Not listed: nothing to lock (publishing later counts for itself).
    if gallery_listing::Entity::find_by_id(resume_id.to_string()).one(db).await?.is_none() {
        return Ok(());
    }
    let txn = crate::platform::ssr::db::begin_write(db).await?;
    let listed = gallery_listing::Entity::find_by_id(resume_id.to_string()).lock_exclusive().one(&txn).await?;
    if let Some(l) = listed {
        let (views, likes, comments) = counts(&txn, resume_id).await?;
        if (views, likes, comments) != (l.views, l.likes, l.comments) {
            use gallery_listing::Column as L;
            gallery_listing::Entity::update_many()
                .col_expr(L::Views, Expr::value(views))
                .col_expr(L::Likes, Expr::value(likes))
                .col_expr(L::Comments, Expr::value(comments))
                .col_expr(L::Trending, Expr::value(trending(views, likes, comments, l.published_ms)))
                .filter(L::ResumeId.eq(resume_id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// [`refresh`] after a change that has already been made (a like, a
/// comment, a flush): a failure is logged, not the caller's, and the next
/// change counts again.
pub async fn refresh_after(db: &DatabaseConnection, resume_id: &str) {
    if let Err(e) = refresh(db, resume_id).await {
        tracing::warn!(error = %e, resume = %resume_id, "the gallery's counts were not refreshed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn skills_are_found_by_any_of_their_names() {
        let tax = taxonomy();
        assert_eq!(skill_key(tax, "react.js").map(|k| k.0), skill_key(tax, "React").map(|k| k.0));
        assert_eq!(skill_key(tax, "k8s").unwrap().1, "Kubernetes");
        assert_eq!(skill_key(tax, "  Team   Leading ").unwrap(), ("team leading".into(), "Team Leading".into()));
        assert_eq!(skill_key(tax, " "), None);
    }

    #[test]
    fn roles_are_job_categories() {
        let tax = taxonomy();
        assert_eq!(role_code(tax, "backend"), Some("backend"));
        assert_eq!(role_code(tax, "백엔드 개발자"), Some("backend"));
        assert_eq!(role_code(tax, "Frontend Engineer"), Some("frontend"));
        assert_eq!(role_code(tax, "zzz"), None);
    }

    #[test]
    fn a_card_reads_the_visible_document() {
        let doc = json!({
            "basics": { "name": "김\u{0}개발", "label": "Backend Engineer", "summary": "I build APIs in Node.js 2.0! And more." },
            "skills": [
                { "name": "Frontend", "keywords": ["react.js", "TypeScript", "React"] },
                { "name": "Kubernetes" },
                { "name": "Soft", "keywords": ["Mentoring"] }
            ],
        });
        let c = card(taxonomy(), &doc, None);
        assert_eq!(
            (c.name.as_str(), c.summary.as_str(), c.role),
            ("김 개발", "I build APIs in Node.js 2.0!", Some("backend"))
        );
        let names: Vec<&str> = c.skills.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["React", "TypeScript", "Kubernetes", "Mentoring"]);
        // The target role wins over the label.
        assert_eq!(card(taxonomy(), &doc, Some("프론트엔드 개발자")).role, Some("frontend"));
        // A hidden section is not read.
        let mut hidden = doc.clone();
        hidden["meta"] = json!({ "x-proofolio": { "hidden": ["skills", "summary"] } });
        let c = card(taxonomy(), &hidden, None);
        assert!(c.skills.is_empty() && c.summary.is_empty(), "{c:?}");
    }

    #[test]
    fn trending_decays_with_a_half_life_and_grows_with_engagement() {
        let t0 = 1_763_856_000_000; // 2025-11-23
        let day = 86_400_000;
        assert!(trending(10, 0, 0, t0) > trending(9, 0, 0, t0));
        assert!(trending(0, 1, 0, t0) > trending(2, 0, 0, t0), "a like weighs more than a view");
        // Twice the engagement three days earlier ranks the same.
        let a = trending(15, 0, 0, t0);
        let b = trending(31, 0, 0, t0 - 3 * day);
        assert!((a - b).abs() <= 1, "{a} {b}");
        assert!(trending(0, 0, 0, t0 + day) > trending(0, 0, 0, t0), "newer ranks higher at equal engagement");
    }
}
