//! A résumé's link and who may read it, reading it by link, and likes.
//!
//! Private résumés (the default) answer 404 to everyone but their owner —
//! by id, by slug, by the API — never 403, never a hint that they exist.
//! A slug is ASCII (`a–z`, `0–9`, `-`, 3–60 long, no reserved word), so a
//! look-alike or a path trick cannot be one; an old slug keeps working as a
//! redirect to the new one until another résumé claims it.

use super::entities::{resume_like, resume_share, resume_slug};
use super::views;
use crate::account::ssr::entities::user;
use crate::notify::ssr::service as notify;
use crate::platform::ssr::error::{is_unique_violation, AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::resume::ssr::entities::resume;
use crate::share::types::{LikeState, PublicResume, ShareSettings, ShareView, Shared, Visibility};
use chrono::Utc;
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Words a slug may not be (they are, or may become, paths of their own).
const RESERVED: [&str; 24] = [
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "edit",
    "explore",
    "help",
    "login",
    "logout",
    "market",
    "me",
    "new",
    "notifications",
    "pkg",
    "r",
    "resume",
    "resumes",
    "settings",
    "signin",
    "signout",
    "skills",
    "static",
    "www",
];

/// Why `slug` cannot be a slug, if it cannot.
pub fn slug_problem(slug: &str) -> Option<&'static str> {
    if !(3..=60).contains(&slug.len()) {
        return Some("3 to 60 characters");
    }
    if !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Some("only a–z, 0–9 and -");
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return Some("no - at either end or twice in a row");
    }
    if RESERVED.contains(&slug) {
        return Some("that word is reserved");
    }
    None
}

/// A readable default: the nickname's ASCII letters and digits, then a
/// short piece of the résumé's id (`octocat-3f9a1c`).
pub fn default_slug(nickname: Option<&str>, resume_id: &str) -> String {
    let mut base: String = nickname
        .unwrap_or_default()
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while base.contains("--") {
        base = base.replace("--", "-");
    }
    let base = base.trim_matches('-');
    let base: String = if base.len() < 2 { "resume".into() } else { base.chars().take(40).collect() };
    let suffix: String = resume_id.chars().filter(|c| c.is_ascii_hexdigit()).take(6).collect();
    format!("{}-{suffix}", base.trim_end_matches('-'))
}

async fn owned(state: &AppState, user_id: &str, resume_id: &str) -> AppResult<resume::Model> {
    state.writer.owned(user_id, resume_id).await?.ok_or(AppError::NotFound)
}

fn absolute(state: &AppState, slug: &str) -> String {
    format!("{}/r/{slug}", state.public_url)
}

/// The owner's view of how `resume_id` is shared.
pub async fn view(state: &AppState, user_id: &str, resume_id: &str) -> AppResult<ShareView> {
    owned(state, user_id, resume_id).await?;
    let share = resume_share::Entity::find_by_id(resume_id.to_string()).one(&state.db).await?;
    let visibility = share.as_ref().and_then(|s| Visibility::parse(&s.visibility)).unwrap_or_default();
    let (views, uniques) = views::totals(state, resume_id).await?;
    Ok(ShareView {
        resume_id: resume_id.to_string(),
        visibility,
        slug: share.as_ref().map(|s| s.slug.clone()),
        url: share.as_ref().filter(|_| visibility != Visibility::Private).map(|s| absolute(state, &s.slug)),
        show_counts: share.as_ref().is_some_and(|s| s.show_counts),
        views,
        uniques,
        likes: likes(state, resume_id).await?,
        last_30_days: views::recent(state, resume_id, 30).await?,
    })
}

/// Share `resume_id` (or make it private again), under a slug.
pub async fn set(state: &AppState, user_id: &str, resume_id: &str, req: &ShareSettings) -> AppResult<ShareView> {
    let row = owned(state, user_id, resume_id).await?;
    if row.document.is_none() {
        return Err(AppError::Conflict("this résumé is not written yet".into()));
    }
    let current = resume_share::Entity::find_by_id(resume_id.to_string()).one(&state.db).await?;
    let slug = match req.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            if let Some(why) = slug_problem(s) {
                return Err(AppError::validation("slug", why));
            }
            s.to_string()
        }
        None => match &current {
            Some(c) => c.slug.clone(),
            None => {
                let nick = user::Entity::find_by_id(user_id.to_string()).one(&state.db).await?.and_then(|u| u.nickname);
                default_slug(nick.as_deref(), resume_id)
            }
        },
    };
    // Someone else's old slug is theirs until they give it up.
    if let Some(old) = resume_slug::Entity::find_by_id(slug.clone()).one(&state.db).await? {
        if old.resume_id != resume_id {
            return Err(AppError::validation("slug", "taken"));
        }
    }
    let now = Utc::now();
    let txn = crate::platform::ssr::db::begin_write(&state.db).await?;
    // The slug this résumé leaves keeps working as a redirect.
    if let Some(c) = current.as_ref().filter(|c| c.slug != slug) {
        resume_slug::Entity::insert(resume_slug::ActiveModel {
            slug: Set(c.slug.clone()),
            resume_id: Set(resume_id.to_string()),
            created_at: Set(now),
        })
        .on_conflict(OnConflict::column(resume_slug::Column::Slug).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    }
    // Coming back to one of its own old slugs.
    resume_slug::Entity::delete_many()
        .filter(resume_slug::Column::Slug.eq(&slug))
        .filter(resume_slug::Column::ResumeId.eq(resume_id))
        .exec(&txn)
        .await?;
    let model = resume_share::ActiveModel {
        resume_id: Set(resume_id.to_string()),
        user_id: Set(user_id.to_string()),
        visibility: Set(req.visibility.code().to_string()),
        slug: Set(slug),
        show_counts: Set(req.show_counts.unwrap_or_else(|| current.as_ref().is_some_and(|c| c.show_counts))),
        created_at: Set(current.as_ref().map_or(now, |c| c.created_at)),
        updated_at: Set(now),
    };
    let written = resume_share::Entity::insert(model)
        .on_conflict(
            OnConflict::column(resume_share::Column::ResumeId)
                .update_columns([
                    resume_share::Column::Visibility,
                    resume_share::Column::Slug,
                    resume_share::Column::ShowCounts,
                    resume_share::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await;
    match written {
        Ok(_) => {
            // The gallery lists it, or no longer does, in the same transaction.
            crate::gallery::ssr::listing::published(&txn, resume_id, req.visibility == Visibility::Public).await?;
            txn.commit().await?
        }
        Err(e) if is_unique_violation(&e) => {
            let _ = txn.rollback().await;
            return Err(AppError::validation("slug", "taken"));
        }
        Err(e) => return Err(e.into()),
    }
    view(state, user_id, resume_id).await
}

async fn likes(state: &AppState, resume_id: &str) -> AppResult<i64> {
    Ok(resume_like::Entity::find().filter(resume_like::Column::ResumeId.eq(resume_id)).count(&state.db).await? as i64)
}

/// The share row of a résumé `reader` may read: shared, or their own.
pub(crate) async fn readable(state: &AppState, reader: Option<&str>, resume_id: &str) -> AppResult<resume::Model> {
    let row = resume::Entity::find_by_id(resume_id.to_string()).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if reader == Some(row.user_id.as_str()) {
        return Ok(row);
    }
    let share = resume_share::Entity::find_by_id(resume_id.to_string()).one(&state.db).await?;
    match share.and_then(|s| Visibility::parse(&s.visibility)) {
        Some(Visibility::Public | Visibility::Unlisted) if row.document.is_some() => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// Who reads, as the page or the API knows it.
pub struct Reader<'a> {
    pub user_id: Option<&'a str>,
    pub address: &'a str,
    pub user_agent: &'a str,
}

/// The résumé at `slug` for `reader` (counting the view), or where an old
/// slug moved to. Private, unknown or unwritten: not found.
pub async fn read(state: &AppState, slug: &str, reader: &Reader<'_>) -> AppResult<Shared> {
    if slug_problem(slug).is_some() {
        return Err(AppError::NotFound);
    }
    let share = match resume_share::Entity::find().filter(resume_share::Column::Slug.eq(slug)).one(&state.db).await? {
        Some(s) => s,
        None => {
            let old =
                resume_slug::Entity::find_by_id(slug.to_string()).one(&state.db).await?.ok_or(AppError::NotFound)?;
            let now =
                resume_share::Entity::find_by_id(old.resume_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
            // Moving is no hint either: a private résumé's old link is 404 too.
            readable(state, reader.user_id, &now.resume_id).await?;
            return Ok(Shared::Moved(now.slug));
        }
    };
    let row = readable(state, reader.user_id, &share.resume_id).await?;
    let mine = reader.user_id == Some(row.user_id.as_str());
    let Some(document) = row.document.as_ref() else { return Err(AppError::NotFound) };
    if !mine && !views::is_bot(reader.user_agent) {
        let key = views::viewer_key(state, reader.user_id, reader.address, reader.user_agent);
        views::count(state, &row.id, &key).await;
    }
    let liked = match reader.user_id {
        Some(u) => resume_like::Entity::find_by_id((row.id.clone(), u.to_string())).one(&state.db).await?.is_some(),
        None => false,
    };
    let views = if share.show_counts || mine { Some(views::totals(state, &row.id).await?.0) } else { None };
    Ok(Shared::Found(Box::new(PublicResume {
        resume_id: row.id.clone(),
        slug: share.slug.clone(),
        visibility: Visibility::parse(&share.visibility).unwrap_or_default(),
        document: crate::resume::types::visible(document),
        likes: likes(state, &row.id).await?,
        liked,
        views,
        mine,
        updated_at: row.updated_at.to_rfc3339(),
        url: absolute(state, &share.slug),
        image_url: super::images::preview_url(&state.public_url, &share.slug, &row.updated_at.to_rfc3339()),
    })))
}

/// Like (`on`) or unlike `resume_id` as `user_id`: idempotent; the count
/// is the rows under the (résumé, user) key, exact under any concurrency.
pub async fn like(state: &AppState, user_id: &str, resume_id: &str, on: bool) -> AppResult<LikeState> {
    let row = readable(state, Some(user_id), resume_id).await?;
    if on {
        let inserted = resume_like::Entity::insert(resume_like::ActiveModel {
            resume_id: Set(resume_id.to_string()),
            user_id: Set(user_id.to_string()),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([resume_like::Column::ResumeId, resume_like::Column::UserId]).do_nothing().to_owned(),
        )
        .exec_without_returning(&state.db)
        .await;
        match inserted {
            // A new like (not a repeated one) tells the owner.
            Ok(1) => notify::raise(state, notify::Event::Liked { resume: &row, by: user_id }).await,
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    } else {
        resume_like::Entity::delete_many()
            .filter(resume_like::Column::ResumeId.eq(resume_id))
            .filter(resume_like::Column::UserId.eq(user_id))
            .exec(&state.db)
            .await?;
    }
    crate::gallery::ssr::listing::refresh_after(&state.db, resume_id).await;
    Ok(LikeState { likes: likes(state, resume_id).await?, liked: on })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_ascii_words() {
        for bad in
            ["ab", "-abc", "abc-", "a--b", "Abc", "admin", "../etc", "a/b", "résumé", "аbc", "a b", "a%2fb", "a.b"]
        {
            assert!(slug_problem(bad).is_some(), "{bad}");
        }
        for good in ["octocat", "kim-okto-3f9a1c", "a1b"] {
            assert!(slug_problem(good).is_none(), "{good}");
        }
        assert!(slug_problem(&"a".repeat(61)).is_some());
    }

    #[test]
    fn a_default_slug_reads_like_its_owner() {
        assert_eq!(default_slug(Some("Octo Cat"), "3f9a1c2d-0000"), "octo-cat-3f9a1c");
        assert_eq!(default_slug(Some("김옥토"), "3f9a1c2d-0000"), "resume-3f9a1c");
        assert_eq!(default_slug(None, "3f9a1c2d"), "resume-3f9a1c");
        assert!(slug_problem(&default_slug(Some("--x--"), "abcdef12")).is_none());
    }
}
