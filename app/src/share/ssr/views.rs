//! View counting without a database write per view. A view counts once per
//! viewer per résumé per hour (`SET NX EX 3600` in the store); the viewer is
//! the signed-in user, else a keyed hash of address and user agent (no
//! address is kept). Counters live in the store per résumé and day, with a
//! second once-a-day key per viewer for distinct viewers; a background task
//! moves them into `resume_view_days` in batches (`take_counter`, then an
//! upsert that adds; a failed write puts the numbers back). Readers of the
//! counts add what is still in the store, so they are exact at once.
//!
//! If the store is down the page still renders: the view is not counted,
//! the log and `proofolio_views_uncounted_total` say so, and nothing
//! already counted is lost.

use crate::platform::ssr::error::AppResult;
use crate::platform::ssr::state::AppState;
use crate::share::ssr::entities::resume_view_day;
use chrono::{Duration as Days, Utc};
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, DatabaseConnection, EntityTrait};
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex, RwLock};
use std::time::Duration;

/// Counters this instance touched and has not flushed yet: (résumé, day).
#[derive(Default)]
pub struct Pending(Mutex<HashSet<(String, String)>>);

/// Viewers this instance counted a view of (résumé, viewer), until their
/// window ends: a reader reloading the page is known here, without asking
/// the store. Only a view the store just counted goes in (then the store
/// holds its key at least as long), so this never counts less than the
/// store alone would.
#[derive(Default)]
pub struct Recent(RwLock<HashMap<String, HashMap<String, std::time::Instant>>>);

/// Viewers remembered at most; past it the ones whose window is over go,
/// and if that is not enough, all.
const RECENT_MAX: usize = 100_000;

impl Recent {
    /// Read on every view of a kept page: a shared lock and no allocation.
    fn seen(&self, resume_id: &str, viewer: &str) -> bool {
        let map = self.0.read().expect("recent viewers");
        map.get(resume_id).and_then(|v| v.get(viewer)).is_some_and(|until| *until > std::time::Instant::now())
    }

    /// The store's key was set at `set` (or just after) for `window`.
    fn remember(&self, resume_id: &str, viewer: &str, set: std::time::Instant, window: Duration) {
        let now = std::time::Instant::now();
        let mut map = self.0.write().expect("recent viewers");
        if map.values().map(HashMap::len).sum::<usize>() >= RECENT_MAX {
            for viewers in map.values_mut() {
                viewers.retain(|_, until| *until > now);
            }
            map.retain(|_, viewers| !viewers.is_empty());
            if map.values().map(HashMap::len).sum::<usize>() >= RECENT_MAX {
                map.clear();
            }
        }
        map.entry(resume_id.to_string()).or_default().insert(viewer.to_string(), set + window);
    }
}

/// How often the counters are moved into the database.
pub const FLUSH_EVERY: Duration = Duration::from_secs(15);

/// User agents that fetch pages for link previews, search and monitoring:
/// not readers.
const BOTS: [&str; 16] = [
    "bot",
    "crawler",
    "spider",
    "slurp",
    "facebookexternalhit",
    "kakaotalk-scrap",
    "kakaostory",
    "slack",
    "discord",
    "whatsapp",
    "telegram",
    "embedly",
    "curl/",
    "wget/",
    "python-requests",
    "preview",
];

/// One pass over the user agent, whatever its case.
static BOT_MATCHER: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(BOTS).expect("bot patterns")
});

pub fn is_bot(user_agent: &str) -> bool {
    user_agent.is_empty() || BOT_MATCHER.is_match(user_agent)
}

fn views_key(resume_id: &str, day: &str) -> String {
    format!("share:views:{resume_id}:{day}")
}

fn uniques_key(resume_id: &str, day: &str) -> String {
    format!("share:uniques:{resume_id}:{day}")
}

pub fn today() -> String {
    Utc::now().format("%Y-%m-%d").to_string()
}

/// The viewer's key: the user, or a keyed hash of where they come from.
pub fn viewer_key(state: &AppState, user_id: Option<&str>, address: &str, user_agent: &str) -> String {
    match user_id {
        Some(u) => format!("u:{u}"),
        None => {
            // Keyed with the instance's cookie key: not reversible to an
            // address without it, and the same across instances sharing it.
            use crate::account::ssr::crypto::hex;
            let mut h = ring::digest::Context::new(&ring::digest::SHA256);
            h.update(hex(state.auth.cookie_key.signing()).as_bytes());
            h.update(b"|view|");
            h.update(address.as_bytes());
            h.update(b"|");
            h.update(user_agent.as_bytes());
            let digest = h.finish();
            format!("a:{}", hex(&digest.as_ref()[..16]))
        }
    }
}

/// Count a view of `resume_id` by `viewer` (once an hour: the window is
/// `sharing.view_window_secs`, which tests shorten to watch it pass). Never
/// fails the page: a store fault is logged and counted as uncounted.
pub async fn count(state: &AppState, resume_id: &str, viewer: &str) {
    if state.recent_viewers.seen(resume_id, viewer) {
        return;
    }
    let day = today();
    let store = &state.store;
    let window = Duration::from_secs(state.settings.sharing.view_window_secs.max(1));
    let asked = std::time::Instant::now();
    let result: Result<(), crate::platform::ssr::store::StoreError> = async {
        let first_this_hour = store.set_nx_ex(&format!("share:seen:{resume_id}:{viewer}"), "1", window).await?;
        if !first_this_hour {
            return Ok(());
        }
        state.recent_viewers.remember(resume_id, viewer, asked, window);
        store.incr_by(&views_key(resume_id, &day), 1).await?;
        let first_today = store
            .set_nx_ex(&format!("share:seen-day:{resume_id}:{day}:{viewer}"), "1", Duration::from_secs(26 * 3600))
            .await?;
        if first_today {
            store.incr_by(&uniques_key(resume_id, &day), 1).await?;
        }
        state.pending_views.0.lock().expect("pending views").insert((resume_id.to_string(), day));
        Ok(())
    }
    .await;
    if let Err(e) = result {
        state.metrics.views_uncounted.inc();
        tracing::warn!(error = %e, "a résumé view was not counted: the store is unavailable");
    }
}

/// Move the counters this instance touched into the database.
pub async fn flush(state: &AppState) -> AppResult<usize> {
    let batch: Vec<(String, String)> = state.pending_views.0.lock().expect("pending views").drain().collect();
    let mut moved = 0;
    for (resume_id, day) in batch {
        let (vk, uk) = (views_key(&resume_id, &day), uniques_key(&resume_id, &day));
        let views = match state.store.take_counter(&vk).await {
            Ok(n) => n,
            Err(e) => {
                state.pending_views.0.lock().expect("pending views").insert((resume_id, day));
                tracing::warn!(error = %e, "view counters not flushed; kept for the next round");
                continue;
            }
        };
        let uniques = state.store.take_counter(&uk).await.unwrap_or(0);
        if views == 0 && uniques == 0 {
            continue;
        }
        if let Err(e) = add(&state.db, &resume_id, &day, views, uniques).await {
            // A résumé deleted meanwhile takes its counts with it.
            let gone = crate::resume::ssr::entities::resume::Entity::find_by_id(resume_id.clone())
                .one(&state.db)
                .await
                .is_ok_and(|r| r.is_none());
            if gone {
                continue;
            }
            // Put them back: nothing counted is lost.
            let _ = state.store.incr_by(&vk, views).await;
            let _ = state.store.incr_by(&uk, uniques).await;
            state.pending_views.0.lock().expect("pending views").insert((resume_id, day));
            tracing::warn!(error = %e, "view counts not written; kept for the next round");
            continue;
        }
        moved += 1;
        crate::gallery::ssr::listing::refresh_after(&state.db, &resume_id).await;
    }
    Ok(moved)
}

async fn add(db: &DatabaseConnection, resume_id: &str, day: &str, views: i64, uniques: i64) -> AppResult<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    resume_view_day::Entity::insert(resume_view_day::ActiveModel {
        resume_id: Set(resume_id.to_string()),
        day: Set(day.to_string()),
        views: Set(views),
        uniques: Set(uniques),
    })
    .on_conflict(
        OnConflict::columns([resume_view_day::Column::ResumeId, resume_view_day::Column::Day])
            .value(
                resume_view_day::Column::Views,
                Expr::col((resume_view_day::Entity, resume_view_day::Column::Views)).add(views),
            )
            .value(
                resume_view_day::Column::Uniques,
                Expr::col((resume_view_day::Entity, resume_view_day::Column::Uniques)).add(uniques),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The last `days` days of views (oldest first, empty days included): the
/// database's rows plus what is still in the store.
pub async fn recent(state: &AppState, resume_id: &str, days: i64) -> AppResult<Vec<crate::share::types::DayCount>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let today = Utc::now().date_naive();
    let from = (today - Days::days(days - 1)).format("%Y-%m-%d").to_string();
    let rows = resume_view_day::Entity::find()
        .filter(resume_view_day::Column::ResumeId.eq(resume_id))
        .filter(resume_view_day::Column::Day.gte(from))
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(days as usize);
    for k in (0..days).rev() {
        let day = (today - Days::days(k)).format("%Y-%m-%d").to_string();
        let row = rows.iter().find(|r| r.day == day);
        let (mut views, mut uniques) = row.map_or((0, 0), |r| (r.views, r.uniques));
        if k <= 1 {
            views += pending(state, &views_key(resume_id, &day)).await;
            uniques += pending(state, &uniques_key(resume_id, &day)).await;
        }
        out.push(crate::share::types::DayCount { day, views, uniques });
    }
    Ok(out)
}

/// All-time views and distinct viewers (per day, summed).
pub async fn totals(state: &AppState, resume_id: &str) -> AppResult<(i64, i64)> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let rows =
        resume_view_day::Entity::find().filter(resume_view_day::Column::ResumeId.eq(resume_id)).all(&state.db).await?;
    let (mut views, mut uniques) = rows.iter().fold((0, 0), |(v, u), r| (v + r.views, u + r.uniques));
    let today = Utc::now().date_naive();
    for k in 0..2 {
        let day = (today - Days::days(k)).format("%Y-%m-%d").to_string();
        views += pending(state, &views_key(resume_id, &day)).await;
        uniques += pending(state, &uniques_key(resume_id, &day)).await;
    }
    Ok((views, uniques))
}

async fn pending(state: &AppState, key: &str) -> i64 {
    state.store.get(key).await.ok().flatten().and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Flush every [`FLUSH_EVERY`] until `stop`, and once more then.
pub async fn flush_loop(state: AppState, stop: tokio_util::sync::CancellationToken) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(FLUSH_EVERY) => {}
            _ = stop.cancelled() => {
                let _ = flush(&state).await;
                return;
            }
        }
        if let Err(e) = flush(&state).await {
            tracing::warn!(error = %e, "flushing view counts failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_bot;

    #[test]
    fn link_preview_fetchers_and_bots_are_not_readers() {
        for ua in [
            "facebookexternalhit/1.1",
            "Mozilla/5.0 (compatible; Googlebot/2.1)",
            "kakaotalk-scrap/1.0",
            "Slackbot-LinkExpanding 1.0",
            "Mozilla/5.0 (compatible; Discordbot/2.0)",
            "curl/8.5.0",
            "",
        ] {
            assert!(is_bot(ua), "{ua}");
        }
        assert!(!is_bot(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36"
        ));
        assert!(!is_bot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) KAKAOTALK 10.4.5"));
    }
}
