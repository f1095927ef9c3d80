//! Notifications: raised by a like, a comment or a reply, read newest
//! first, marked read, muted per résumé, and followed live.
//!
//! The database is the truth. A notification is a row (its id increases);
//! once the row is committed, a message on the recipient's pub/sub channel
//! (`notify:{user}`) wakes the streams open for them on every instance,
//! and each stream reads what is new from the database. A store that is
//! down costs liveness, never a notification: streams re-read on a timer,
//! and a tab that reconnects names the last id it saw and is given
//! everything after it.
//!
//! Nobody is told of their own action, and a user who muted a résumé is
//! told nothing about it. A notification shows only what its recipient may
//! read now: one about a résumé that went private is left out (and does
//! not count as unread) for everyone but its owner.

use super::entities::{notification, notification_mute};
use crate::account::ssr::entities::user;
use crate::account::ssr::extract::AuthUser;
use crate::notify::types::{MarkRead, MuteState, NotificationKind, NotificationPage, NotificationView};
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::jobs::StreamSlots;
use crate::platform::ssr::state::AppState;
use crate::resume::ssr::entities::resume;
use crate::share::ssr::entities::{resume_comment, resume_share};
use crate::share::types::Visibility;
use chrono::Utc;
use futures::{stream::BoxStream, StreamExt};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict, Query},
    ActiveValue::Set,
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// A page of the list, unless the caller asks for another size.
pub const PAGE: u64 = 20;
/// The largest page.
pub const PAGE_MAX: u64 = 100;
/// Ids one mark-read request may name.
pub const MARK_MAX: usize = 500;
/// The first words of a comment shown with its notification.
const EXCERPT_CHARS: usize = 140;

/// This instance's live streams: bounded per user and in all (apart from
/// job progress streams: a badge in every open tab must not use up the
/// slots a page needs to follow an import), and ended at shutdown so a
/// deploy does not wait on open tabs (they reconnect elsewhere and are
/// given what they missed).
pub struct Hub {
    slots: Arc<StreamSlots>,
    closing: CancellationToken,
}

impl Hub {
    pub fn new(per_user: usize, total: usize) -> Self {
        Self { slots: Arc::new(StreamSlots::new(per_user, total)), closing: CancellationToken::new() }
    }

    /// End every open stream (the server is shutting down).
    pub fn close(&self) {
        self.closing.cancel();
    }

    /// Streams open on this instance now.
    pub fn open(&self) -> usize {
        self.slots.open()
    }
}

fn channel(user_id: &str) -> String {
    format!("notify:{user_id}")
}

/// What happened, as the like and comment code tells it.
pub enum Event<'a> {
    /// `by` newly liked `resume` (not a repeated like).
    Liked { resume: &'a resume::Model, by: &'a str },
    /// `by` wrote `comment` on `resume`, in reply to `parent` if set.
    Commented { resume: &'a resume::Model, by: &'a str, comment: &'a str, parent: Option<&'a str> },
}

/// Tell whoever `event` concerns. Never fails its caller: the like or the
/// comment has happened whether or not anyone could be told (a failure is
/// logged; a store that is down is counted in the metrics).
pub async fn raise(state: &AppState, event: Event<'_>) {
    let recipients = match store_rows(state, &event).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = ?e, "a notification was not stored");
            return;
        }
    };
    for (user_id, id) in recipients {
        if let Err(e) = state.store.publish(&channel(&user_id), &id.to_string()).await {
            state.metrics.notifications_unannounced.inc();
            tracing::warn!(error = %e, notification = id, "notification stored but not announced; open tabs pick it up on their next re-read");
        }
    }
}

/// Write one row per person to tell; who was told, with the row's id.
async fn store_rows(state: &AppState, event: &Event<'_>) -> AppResult<Vec<(String, i64)>> {
    let (resume, actor, comment) = match event {
        Event::Liked { resume, by } => (*resume, *by, None),
        Event::Commented { resume, by, comment, .. } => (*resume, *by, Some(*comment)),
    };
    let mut told: Vec<(String, NotificationKind)> = Vec::new();
    match event {
        Event::Liked { .. } => told.push((resume.user_id.clone(), NotificationKind::Like)),
        Event::Commented { parent, .. } => {
            if let Some(parent) = parent {
                let author = resume_comment::Entity::find_by_id(parent.to_string()).one(&state.db).await?;
                if let Some(c) = author {
                    told.push((c.user_id, NotificationKind::Reply));
                }
            }
            told.push((resume.user_id.clone(), NotificationKind::Comment));
        }
    }
    // Never one's own action; one notification per person (the first kind wins).
    let mut seen = HashSet::new();
    told.retain(|(u, _)| u != actor && seen.insert(u.clone()));
    if told.is_empty() {
        return Ok(vec![]);
    }
    let muted: HashSet<String> = notification_mute::Entity::find()
        .filter(notification_mute::Column::ResumeId.eq(&resume.id))
        .filter(notification_mute::Column::UserId.is_in(told.iter().map(|(u, _)| u.clone())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut out = Vec::new();
    for (recipient, kind) in told.into_iter().filter(|(u, _)| !muted.contains(u)) {
        let res = notification::Entity::insert(notification::ActiveModel {
            recipient_id: Set(recipient.clone()),
            kind: Set(kind),
            resume_id: Set(resume.id.clone()),
            actor_id: Set(actor.to_string()),
            comment_id: Set(comment.map(str::to_string)),
            created_at: Set(Utc::now()),
            read_at: Set(None),
            ..Default::default()
        })
        .exec(&state.db)
        .await?;
        out.push((recipient, res.last_insert_id));
    }
    Ok(out)
}

/// Rows about a résumé `reader` may read now: their own, or one shared
/// (unlisted or public) and written. The same rule as reading it by link.
fn readable_by(reader: &str) -> Expr {
    let (r, s, n) = (resume::Entity, resume_share::Entity, notification::Entity);
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(r)
            .left_join(s, Expr::col((s, resume_share::Column::ResumeId)).equals((r, resume::Column::Id)))
            .and_where(Expr::col((r, resume::Column::Id)).equals((n, notification::Column::ResumeId)))
            .cond_where(
                Condition::any().add(Expr::col((r, resume::Column::UserId)).eq(reader)).add(
                    Condition::all()
                        .add(
                            Expr::col((s, resume_share::Column::Visibility))
                                .is_in([Visibility::Unlisted.code(), Visibility::Public.code()]),
                        )
                        .add(Expr::col((r, resume::Column::Document)).is_not_null()),
                ),
            )
            .to_owned(),
    )
}

fn mine(user_id: &str) -> sea_orm::Select<notification::Entity> {
    notification::Entity::find().filter(notification::Column::RecipientId.eq(user_id)).filter(readable_by(user_id))
}

/// `user_id`'s notifications, newest first, older than `cursor` (an id).
pub async fn list(
    state: &AppState,
    user_id: &str,
    cursor: Option<&str>,
    limit: Option<u64>,
) -> AppResult<NotificationPage> {
    let limit = limit.unwrap_or(PAGE).clamp(1, PAGE_MAX);
    let mut q = mine(user_id);
    if let Some(c) = cursor.filter(|c| !c.is_empty()) {
        let c: i64 = c.parse().map_err(|_| AppError::validation("cursor", "not a cursor from this list"))?;
        q = q.filter(notification::Column::Id.lt(c));
    }
    let mut rows = q.order_by_desc(notification::Column::Id).limit(limit + 1).all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    Ok(NotificationPage {
        items: views(state, user_id, rows).await?,
        next_cursor,
        unread: unread(state, user_id).await?,
    })
}

/// How many of `user_id`'s notifications are unread.
pub async fn unread(state: &AppState, user_id: &str) -> AppResult<i64> {
    Ok(mine(user_id).filter(notification::Column::ReadAt.is_null()).count(&state.db).await? as i64)
}

/// Up to `limit` of `user_id`'s notifications after id `after`, oldest first.
async fn after(state: &AppState, user_id: &str, after: i64, limit: u64) -> AppResult<Vec<NotificationView>> {
    let rows = mine(user_id)
        .filter(notification::Column::Id.gt(after))
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    views(state, user_id, rows).await
}

/// The newest id `user_id` has (0 if none).
async fn latest(state: &AppState, user_id: &str) -> AppResult<i64> {
    let id: Option<i64> = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(notification::Column::RecipientId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .into_tuple()
        .one(&state.db)
        .await?;
    Ok(id.unwrap_or(0))
}

/// Rows as their recipient reads them: who, what, which résumé and where.
async fn views(state: &AppState, user_id: &str, rows: Vec<notification::Model>) -> AppResult<Vec<NotificationView>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let set = |f: fn(&notification::Model) -> Option<&String>| -> Vec<String> {
        let s: BTreeSet<String> = rows.iter().filter_map(f).cloned().collect();
        s.into_iter().collect()
    };
    let resume_ids = set(|r| Some(&r.resume_id));
    let resumes: HashMap<String, resume::Model> = resume::Entity::find()
        .filter(resume::Column::Id.is_in(resume_ids.clone()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let slugs: HashMap<String, String> = resume_share::Entity::find()
        .filter(resume_share::Column::ResumeId.is_in(resume_ids.clone()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.resume_id, s.slug))
        .collect();
    let names: HashMap<String, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(set(|r| Some(&r.actor_id))))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.nickname.unwrap_or_else(|| "member".into())))
        .collect();
    let comments: HashMap<String, resume_comment::Model> = resume_comment::Entity::find()
        .filter(resume_comment::Column::Id.is_in(set(|r| r.comment_id.as_ref())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let muted: HashSet<String> = notification_mute::Entity::find()
        .filter(notification_mute::Column::UserId.eq(user_id))
        .filter(notification_mute::Column::ResumeId.is_in(resume_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| m.resume_id)
        .collect();
    Ok(rows
        .into_iter()
        .map(|n| {
            let r = resumes.get(&n.resume_id);
            let comment = n.comment_id.as_ref().and_then(|c| comments.get(c));
            // The owner's own title for their own résumé; its name otherwise.
            let name =
                r.and_then(|r| r.document.as_ref()).and_then(|d| d["basics"]["name"].as_str()).map(str::to_string);
            let title = r
                .filter(|r| r.user_id == user_id)
                .and_then(|r| r.title.clone())
                .filter(|t| !t.trim().is_empty())
                .or(name)
                .unwrap_or_else(|| "Résumé".into());
            // Top-level comments carry an anchor on the page; a reply is shown in its thread.
            let at = comment.map(|c| format!("#c-{}", c.parent_id.as_deref().unwrap_or(&c.id))).unwrap_or_default();
            let link = match slugs.get(&n.resume_id) {
                Some(slug) => format!("/r/{slug}{at}"),
                None => format!("/resumes/{}", n.resume_id),
            };
            NotificationView {
                id: n.id,
                kind: n.kind,
                actor: names.get(&n.actor_id).cloned().unwrap_or_else(|| "member".into()),
                resume_id: n.resume_id.clone(),
                resume_title: title,
                link,
                comment_id: n.comment_id.clone(),
                excerpt: comment.map(|c| excerpt(&c.body)),
                created_at: n.created_at.to_rfc3339(),
                read: n.read_at.is_some(),
                muted: muted.contains(&n.resume_id),
            }
        })
        .collect())
}

fn excerpt(body: &str) -> String {
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let mut cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    cut.push('…');
    cut
}

/// Mark `user_id`'s notifications read (the ids named, and every one up to
/// `up_to`); the unread count after. Other tabs hear of it.
pub async fn mark_read(state: &AppState, user_id: &str, req: &MarkRead) -> AppResult<i64> {
    if req.ids.is_empty() && req.up_to.is_none() {
        return Err(AppError::validation("ids", "name the notifications, or up_to"));
    }
    if req.ids.len() > MARK_MAX {
        return Err(AppError::validation("ids", format!("at most {MARK_MAX} at once")));
    }
    let mut which = Condition::any();
    if !req.ids.is_empty() {
        which = which.add(notification::Column::Id.is_in(req.ids.iter().copied()));
    }
    if let Some(up_to) = req.up_to {
        which = which.add(notification::Column::Id.lte(up_to));
    }
    let changed = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::RecipientId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .filter(which)
        .exec(&state.db)
        .await?
        .rows_affected;
    if changed > 0 {
        if let Err(e) = state.store.publish(&channel(user_id), "read").await {
            state.metrics.notifications_unannounced.inc();
            tracing::debug!(error = %e, "mark-read not announced; other tabs catch up on their next re-read");
        }
    }
    unread(state, user_id).await
}

/// Mute (or unmute) a résumé `user_id` can read: it raises nothing more for them.
pub async fn set_mute(state: &AppState, user_id: &str, resume_id: &str, on: bool) -> AppResult<MuteState> {
    crate::share::ssr::service::readable(state, Some(user_id), resume_id).await?;
    if on {
        notification_mute::Entity::insert(notification_mute::ActiveModel {
            user_id: Set(user_id.to_string()),
            resume_id: Set(resume_id.to_string()),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([notification_mute::Column::UserId, notification_mute::Column::ResumeId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&state.db)
        .await?;
    } else {
        notification_mute::Entity::delete_by_id((user_id.to_string(), resume_id.to_string())).exec(&state.db).await?;
    }
    Ok(MuteState { muted: on })
}

/// What a live stream carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Live {
    /// The unread count now; `cursor` is the newest id the stream has
    /// passed (a reconnect after it misses nothing).
    Unread {
        unread: i64,
        cursor: i64,
    },
    Notification(NotificationView),
}

/// How long a row may commit after a row with a larger id was read (ids
/// are taken before commit on PostgreSQL, so two inserts for one user can
/// commit out of order). Each read looks back this far, skipping ids sent.
const LATE: Duration = Duration::from_secs(5);
/// Re-read this often while pub/sub wakes the stream (it can miss a
/// message when Redis reconnects), and this often while it cannot.
const POLL_LIVE: Duration = Duration::from_secs(15);
const POLL_DOWN: Duration = Duration::from_secs(3);
/// How often a stream checks that its session is still signed in, and
/// (when the store was down at the start) tries pub/sub again.
const RECHECK: Duration = Duration::from_secs(30);
/// Rows read at once.
const BATCH: u64 = 100;

/// `user`'s notifications live: the unread count now, then (after `after`,
/// if a reconnecting tab names the last id it saw) every notification as
/// it is raised, and the count again whenever it changes. Pub/sub only
/// wakes the stream; every item is read from the database. At most a few
/// streams per user (429 beyond); the stream ends when the client goes
/// away, its session ends, or the server shuts down.
pub async fn follow(state: &AppState, user: &AuthUser, after_id: Option<i64>) -> AppResult<BoxStream<'static, Live>> {
    let slot = state.notify.slots.acquire(&user.user_id).ok_or(AppError::RateLimited { retry_after_secs: 5 })?;
    let subscribe = {
        let (store, ch) = (state.store.clone(), channel(&user.user_id));
        move || {
            let (store, ch) = (store.clone(), ch.clone());
            async move {
                match store.subscribe(&ch).await {
                    Ok(s) => Some(s),
                    Err(e) => {
                        tracing::warn!(error = %e, "live notifications fall back to re-reading");
                        None
                    }
                }
            }
        }
    };
    // Subscribed before the first read: nothing raised in between is missed.
    let mut wakeups = subscribe().await;
    let first = unread(state, &user.user_id).await?;
    let start = match after_id {
        Some(a) => std::cmp::max(a, 0),
        None => latest(state, &user.user_id).await?,
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Live>(16);
    let (state, user) = (state.clone(), user.clone());
    tokio::spawn(async move {
        let _slot = slot;
        let uid = user.user_id.as_str();
        let mut cursor = start;
        let mut told = first;
        if tx.send(Live::Unread { unread: first, cursor }).await.is_err() {
            return;
        }
        let mut marks: VecDeque<(Instant, i64)> = VecDeque::new();
        let mut sent: BTreeSet<i64> = BTreeSet::new();
        let mut rechecked = Instant::now();
        let mut message = false;
        loop {
            // What is new, looking back over ids that may have committed late.
            let now = Instant::now();
            marks.push_back((now, cursor));
            while marks.front().is_some_and(|(t, _)| now.duration_since(*t) > LATE) {
                marks.pop_front();
            }
            let floor = marks.front().map_or(cursor, |m| m.1);
            sent = sent.split_off(&(floor + 1));
            let mut fresh = false;
            let mut more = false;
            match after(&state, uid, floor, BATCH).await {
                Ok(rows) => {
                    more = rows.len() as u64 == BATCH;
                    for v in rows {
                        if !sent.insert(v.id) {
                            continue;
                        }
                        fresh = true;
                        cursor = std::cmp::max(cursor, v.id);
                        if tx.send(Live::Notification(v)).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => tracing::debug!(error = ?e, "reading new notifications failed; trying again"),
            }
            if fresh || message {
                if let Ok(n) = unread(&state, uid).await {
                    if n != told {
                        told = n;
                        if tx.send(Live::Unread { unread: n, cursor }).await.is_err() {
                            return;
                        }
                    }
                }
            }
            if more && fresh {
                message = false;
                continue;
            }
            let poll = if wakeups.is_some() { POLL_LIVE } else { POLL_DOWN };
            message = tokio::select! {
                _ = tx.closed() => return,
                _ = state.notify.closing.cancelled() => return,
                m = async {
                    match wakeups.as_mut() {
                        Some(w) => w.next().await,
                        None => std::future::pending().await,
                    }
                } => match m {
                    Some(_) => true,
                    None => {
                        wakeups = None;
                        false
                    }
                },
                _ = tokio::time::sleep(poll) => false,
            };
            if rechecked.elapsed() >= RECHECK {
                rechecked = Instant::now();
                // Signed out (or everywhere): the stream ends; a database hiccup is not that.
                if let Ok(None) = crate::account::ssr::sessions::live(&state.db, uid, &user.session_id).await {
                    return;
                }
                if wakeups.is_none() {
                    wakeups = subscribe().await;
                }
            }
        }
    });
    Ok(tokio_stream::wrappers::ReceiverStream::new(rx).boxed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_the_first_words_on_one_line() {
        assert_eq!(excerpt("좋은 줄\n이에요"), "좋은 줄 이에요");
        let long = "가".repeat(200);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }
}
