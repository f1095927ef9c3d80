//! Comments on shared résumés: threads with one level of replies, anchored
//! to a section or a line if the writer chose one. An anchor keeps the
//! line's text, so after edits it finds the line again where it moved (or
//! falls back to its section). Only readers of the résumé see or write its
//! comments; authors edit and delete their own; the résumé's owner deletes
//! any on it; anyone may report one (once). Bodies are plain text (stored
//! as written, escaped wherever shown); a per-user rate limit stops floods.

use super::entities::{comment_report, resume_comment};
use super::service::readable;
use crate::account::ssr::entities::user;
use crate::notify::ssr::service as notify;
use crate::platform::ssr::error::{is_unique_violation, AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::share::types::{CommentView, NewComment};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// The longest comment, in characters.
pub const MAX_CHARS: usize = 2000;
/// Comments (and replies) one user may post per window.
pub const PER_WINDOW: u32 = 10;
pub const WINDOW: Duration = Duration::from_secs(60);

/// Whether `anchor` names a place in a résumé (`summary`, `skills`,
/// `projects.0`, `work.1.highlights.2`), without reading the document.
pub fn anchor_ok(anchor: &str) -> bool {
    let parts: Vec<&str> = anchor.split('.').collect();
    let section = crate::resume::types::HIDEABLE.contains(&parts[0]);
    let index = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    section
        && match parts.as_slice() {
            [_] => true,
            [_, i] => index(i),
            [_, i, "highlights", j] => index(i) && index(j),
            _ => false,
        }
}

/// The text at `anchor` in `doc`, if it is a line.
fn line_at(doc: &Value, anchor: &str) -> Option<String> {
    let p: Vec<&str> = anchor.split('.').collect();
    let v = match p.as_slice() {
        ["summary"] => &doc["basics"]["summary"],
        [s, i, "highlights", j] => &doc[*s][i.parse::<usize>().ok()?]["highlights"][j.parse::<usize>().ok()?],
        _ => return None,
    };
    v.as_str().map(str::to_string)
}

/// Where a stored anchor points in the document as it is now.
fn resolve(doc: &Value, anchor: &str, text: Option<&str>) -> (String, Option<String>) {
    let section = anchor.split('.').next().unwrap_or(anchor).to_string();
    let Some(text) = text else { return (anchor.to_string(), None) };
    if line_at(doc, anchor).as_deref() == Some(text) {
        return (anchor.to_string(), Some(text.to_string()));
    }
    // The line moved: find it by its text in its section.
    if let Some(items) = doc[section.as_str()].as_array() {
        for (i, item) in items.iter().enumerate() {
            for (j, h) in item["highlights"].as_array().into_iter().flatten().enumerate() {
                if h.as_str() == Some(text) {
                    return (format!("{section}.{i}.highlights.{j}"), Some(text.to_string()));
                }
            }
        }
    }
    (section, None)
}

fn clean_body(body: &str) -> AppResult<String> {
    let body: String = body.replace("\r\n", "\n").chars().filter(|c| !c.is_control() || *c == '\n').collect();
    let body = body.trim().to_string();
    if body.is_empty() {
        return Err(AppError::validation("body", "write something first"));
    }
    if body.chars().count() > MAX_CHARS {
        return Err(AppError::validation("body", format!("at most {MAX_CHARS} characters")));
    }
    Ok(body)
}

/// The comments on `resume_id` for `reader`, oldest thread first.
pub async fn list(state: &AppState, reader: Option<&str>, resume_id: &str) -> AppResult<Vec<CommentView>> {
    let row = readable(state, reader, resume_id).await?;
    let doc = row.document.clone().unwrap_or_default();
    let rows = resume_comment::Entity::find()
        .filter(resume_comment::Column::ResumeId.eq(resume_id))
        .order_by_asc(resume_comment::Column::CreatedAt)
        .order_by_asc(resume_comment::Column::Id)
        .all(&state.db)
        .await?;
    let mut ids: Vec<String> = rows.iter().map(|c| c.user_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let names: HashMap<String, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.nickname.unwrap_or_else(|| "member".into())))
        .collect();
    let owner = reader == Some(row.user_id.as_str());
    let view = |c: &resume_comment::Model| {
        let (anchor, anchor_text) = match &c.anchor {
            Some(a) => {
                let (a, t) = resolve(&doc, a, c.anchor_text.as_deref());
                (Some(a), t)
            }
            None => (None, None),
        };
        let mine = reader == Some(c.user_id.as_str());
        CommentView {
            id: c.id.clone(),
            author: names.get(&c.user_id).cloned().unwrap_or_else(|| "member".into()),
            body: c.body.clone(),
            anchor,
            anchor_text,
            created_at: c.created_at.to_rfc3339(),
            edited: c.updated_at > c.created_at,
            mine,
            can_delete: mine || owner,
            replies: Vec::new(),
        }
    };
    let mut threads: Vec<CommentView> = rows.iter().filter(|c| c.parent_id.is_none()).map(view).collect();
    for reply in rows.iter().filter(|c| c.parent_id.is_some()) {
        if let Some(t) = threads.iter_mut().find(|t| Some(&t.id) == reply.parent_id.as_ref()) {
            t.replies.push(view(reply));
        }
    }
    Ok(threads)
}

/// Post a comment (or a reply) on `resume_id` as `user_id`.
pub async fn create(state: &AppState, user_id: &str, resume_id: &str, req: &NewComment) -> AppResult<String> {
    let row = readable(state, Some(user_id), resume_id).await?;
    let body = clean_body(&req.body)?;
    let decision = state.limits.check(&format!("comments:{user_id}"), PER_WINDOW, WINDOW).await;
    if !decision.allowed {
        return Err(AppError::RateLimited { retry_after_secs: decision.reset_after.as_secs().max(1) });
    }
    let parent = match req.parent_id.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            let parent = resume_comment::Entity::find_by_id(p.to_string()).one(&state.db).await?;
            match parent {
                Some(c) if c.resume_id == resume_id && c.parent_id.is_none() => Some(c.id),
                Some(c) if c.resume_id == resume_id => c.parent_id, // a reply to a reply joins its thread
                _ => return Err(AppError::validation("parent_id", "no such comment on this résumé")),
            }
        }
        None => None,
    };
    let anchor = match req.anchor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) if anchor_ok(a) => Some(a.to_string()),
        Some(_) => return Err(AppError::validation("anchor", "a section or a line of this résumé")),
        None => None,
    };
    let anchor_text = anchor.as_deref().and_then(|a| line_at(row.document.as_ref()?, a));
    let id = uuid::Uuid::new_v4().to_string();
    let now = Utc::now();
    resume_comment::Entity::insert(resume_comment::ActiveModel {
        id: Set(id.clone()),
        resume_id: Set(resume_id.to_string()),
        user_id: Set(user_id.to_string()),
        parent_id: Set(parent.clone()),
        anchor: Set(anchor),
        anchor_text: Set(anchor_text),
        body: Set(body),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&state.db)
    .await?;
    let event = notify::Event::Commented { resume: &row, by: user_id, comment: &id, parent: parent.as_deref() };
    notify::raise(state, event).await;
    crate::gallery::ssr::listing::refresh_after(&state.db, resume_id).await;
    Ok(id)
}

/// A comment `user_id` may see (on a résumé they can read).
async fn visible(state: &AppState, user_id: &str, id: &str) -> AppResult<(resume_comment::Model, String)> {
    let c = resume_comment::Entity::find_by_id(id.to_string()).one(&state.db).await?.ok_or(AppError::NotFound)?;
    let row = readable(state, Some(user_id), &c.resume_id).await?;
    Ok((c, row.user_id))
}

/// Change the text of one's own comment.
pub async fn edit(state: &AppState, user_id: &str, id: &str, body: &str) -> AppResult<String> {
    let (c, _) = visible(state, user_id, id).await?;
    if c.user_id != user_id {
        return Err(AppError::Forbidden);
    }
    let body = clean_body(body)?;
    resume_comment::Entity::update(resume_comment::ActiveModel {
        id: Set(c.id.clone()),
        body: Set(body),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&state.db)
    .await?;
    Ok(c.resume_id)
}

/// Delete a comment (its replies go with it): the author's own, or any on
/// the deleter's résumé.
pub async fn delete(state: &AppState, user_id: &str, id: &str) -> AppResult<String> {
    let (c, owner) = visible(state, user_id, id).await?;
    if c.user_id != user_id && owner != user_id {
        return Err(AppError::Forbidden);
    }
    resume_comment::Entity::delete_many().filter(resume_comment::Column::ParentId.eq(&c.id)).exec(&state.db).await?;
    resume_comment::Entity::delete_by_id(c.id.clone()).exec(&state.db).await?;
    crate::gallery::ssr::listing::refresh_after(&state.db, &c.resume_id).await;
    Ok(c.resume_id)
}

/// Report a comment (once per user; again is the same report).
pub async fn report(state: &AppState, user_id: &str, id: &str, reason: &str) -> AppResult<()> {
    let (c, _) = visible(state, user_id, id).await?;
    let reason: String = reason.trim().chars().take(500).collect();
    let inserted = comment_report::Entity::insert(comment_report::ActiveModel {
        comment_id: Set(c.id),
        user_id: Set(user_id.to_string()),
        reason: Set(reason),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&state.db)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anchors_are_places_in_a_resume() {
        for ok in ["summary", "skills", "projects.0", "work.12.highlights.3", "education.1"] {
            assert!(anchor_ok(ok), "{ok}");
        }
        for bad in
            ["", "basics", "projects.x", "projects.0.name", "../x", "work.1.highlights", "work.99999.highlights.1"]
        {
            assert!(!anchor_ok(bad), "{bad}");
        }
    }

    #[test]
    fn an_anchor_follows_its_line_and_falls_back_to_its_section() {
        let doc = json!({ "projects": [{ "highlights": ["new first", "Built the API"] }] });
        assert_eq!(
            resolve(&doc, "projects.0.highlights.0", Some("Built the API")),
            ("projects.0.highlights.1".to_string(), Some("Built the API".to_string()))
        );
        assert_eq!(resolve(&doc, "projects.0.highlights.0", Some("gone")), ("projects".to_string(), None));
        assert_eq!(resolve(&doc, "skills", None), ("skills".to_string(), None));
    }
}
