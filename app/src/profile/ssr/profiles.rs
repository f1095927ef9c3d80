//! Storing skill profiles and reading them back for the user: a new
//! versioned snapshot plus the normalised skill and repository rows, in
//! one transaction, so a failed import never leaves half a profile; the
//! user's hidden repositories and skills, kept apart from imports.

use crate::platform::jobs::JobView;
use crate::platform::ssr::entities::job;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::jobs::{self, JobQueue};
use crate::profile::ssr::entities::{profile_hidden, profile_repository, profile_skill, profile_snapshot};
use crate::profile::types::*;
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub const IMPORT_KIND: &str = "github_import";
/// Older snapshots beyond this many are removed.
const KEEP_SNAPSHOTS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiddenKind {
    Repository,
    Skill,
}

impl HiddenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HiddenKind::Repository => "repository",
            HiddenKind::Skill => "skill",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "repository" | "repositories" => Some(HiddenKind::Repository),
            "skill" | "skills" => Some(HiddenKind::Skill),
            _ => None,
        }
    }
}

fn time(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc))
}

/// Store `profile` as the user's newest version; returns that version.
pub async fn save(
    db: &DatabaseConnection,
    user_id: &str,
    mut profile: SkillProfile,
    duration_ms: u64,
    claim: Option<&crate::platform::ssr::jobs::Claim>,
) -> AppResult<SkillProfile> {
    let txn = crate::platform::ssr::db::begin_write(db).await?;
    // Written by an import job: only while that attempt still holds its
    // claim (an attempt that lost its lease must not overwrite the one that
    // took over), and the job's row stays locked until this commits.
    if let Some(claim) = claim {
        if !claim.hold(&txn).await? {
            txn.rollback().await?;
            return Err(AppError::Conflict("this import was taken over by another attempt".into()));
        }
    }
    let last: Option<i32> = profile_snapshot::Entity::find()
        .select_only()
        .column_as(profile_snapshot::Column::Version.max(), "v")
        .filter(profile_snapshot::Column::UserId.eq(user_id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    profile.version = last.unwrap_or(0) + 1;
    profile.stats.duration_ms = duration_ms;
    let snapshot_id = insert_snapshot(&txn, user_id, &profile).await?;
    replace_index(&txn, user_id, &snapshot_id, &profile).await?;
    prune_snapshots(&txn, user_id).await?;
    txn.commit().await?;
    Ok(profile)
}

/// The whole profile as one versioned snapshot; returns its id.
async fn insert_snapshot(txn: &DatabaseTransaction, user_id: &str, profile: &SkillProfile) -> AppResult<String> {
    let snapshot_id = uuid::Uuid::new_v4().to_string();
    let source = match profile.source {
        ProfileSource::Github => "github",
        ProfileSource::Sample => "sample",
    };
    profile_snapshot::Entity::insert(profile_snapshot::ActiveModel {
        id: Set(snapshot_id.clone()),
        user_id: Set(user_id.into()),
        version: Set(profile.version),
        source: Set(source.into()),
        data: Set(serde_json::to_value(profile).map_err(|e| AppError::Internal(e.into()))?),
        request_count: Set(profile.stats.github_requests as i32),
        duration_ms: Set(profile.stats.duration_ms as i64),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(snapshot_id)
}

/// The newest snapshot's skills and repositories as rows of their own (what
/// pages and queries filter and sort on), replacing the previous ones.
async fn replace_index(
    txn: &DatabaseTransaction,
    user_id: &str,
    snapshot_id: &str,
    profile: &SkillProfile,
) -> AppResult<()> {
    profile_skill::Entity::delete_many().filter(profile_skill::Column::UserId.eq(user_id)).exec(txn).await?;
    profile_repository::Entity::delete_many().filter(profile_repository::Column::UserId.eq(user_id)).exec(txn).await?;
    let skills: Vec<_> = profile
        .skills
        .iter()
        .map(|s| profile_skill::ActiveModel {
            user_id: Set(user_id.into()),
            skill_id: Set(s.id.clone()),
            snapshot_id: Set(snapshot_id.into()),
            name: Set(s.name.clone()),
            kind: Set(match s.kind {
                SkillKind::Language => "language".into(),
                SkillKind::Technology => "technology".into(),
            }),
            category: Set(s.category.clone()),
            score: Set(s.score),
            bytes: Set(i64::try_from(s.bytes).unwrap_or(i64::MAX)),
            repo_count: Set(s.repo_count as i32),
            first_used: Set(time(&s.first_used)),
            last_used: Set(time(&s.last_used)),
            evidence: Set(serde_json::to_value(&s.evidence).unwrap_or_default()),
        })
        .collect();
    for chunk in skills.chunks(200) {
        profile_skill::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    let repos: Vec<_> = profile
        .repositories
        .iter()
        .map(|r| profile_repository::ActiveModel {
            user_id: Set(user_id.into()),
            name_with_owner: Set(r.name_with_owner.clone()),
            snapshot_id: Set(snapshot_id.into()),
            data: Set(serde_json::to_value(r).unwrap_or_default()),
            owned: Set(r.owned),
            is_fork: Set(r.is_fork),
            score: Set(r.score),
            rank: Set(r.rank.map(|n| n as i32)),
            pushed_at: Set(time(&r.pushed_at)),
        })
        .collect();
    // Small chunks: each row has ten parameters and SQLite allows 32766.
    for chunk in repos.chunks(200) {
        profile_repository::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    Ok(())
}

/// Keep the newest few snapshots, and every one a résumé was written from
/// (a résumé stays reproducible from the data it cites).
async fn prune_snapshots(txn: &DatabaseTransaction, user_id: &str) -> AppResult<()> {
    use crate::resume::ssr::entities::resume;
    let cited: std::collections::HashSet<i32> = resume::Entity::find()
        .select_only()
        .column(resume::Column::ProfileVersion)
        .filter(resume::Column::UserId.eq(user_id))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    // (SQLite has no OFFSET without LIMIT, so skip the newest here.)
    let old: Vec<String> = profile_snapshot::Entity::find()
        .select_only()
        .column(profile_snapshot::Column::Id)
        .column(profile_snapshot::Column::Version)
        .filter(profile_snapshot::Column::UserId.eq(user_id))
        .order_by_desc(profile_snapshot::Column::Version)
        .into_tuple::<(String, i32)>()
        .all(txn)
        .await?
        .into_iter()
        .skip(KEEP_SNAPSHOTS)
        .filter(|(_, version)| !cited.contains(version))
        .map(|(id, _)| id)
        .collect();
    if !old.is_empty() {
        profile_snapshot::Entity::delete_many().filter(profile_snapshot::Column::Id.is_in(old)).exec(txn).await?;
    }
    Ok(())
}

/// The newest stored profile as imported (nothing hidden), if any.
pub async fn latest(db: &DatabaseConnection, user_id: &str) -> AppResult<Option<(SkillProfile, DateTime<Utc>)>> {
    let Some(row) = profile_snapshot::Entity::find()
        .filter(profile_snapshot::Column::UserId.eq(user_id))
        .order_by_desc(profile_snapshot::Column::Version)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let profile: SkillProfile = serde_json::from_value(row.data).map_err(|e| AppError::Internal(e.into()))?;
    Ok(Some((profile, row.created_at)))
}

/// Hidden repositories and skills per user: far more than any real profile
/// has, few enough that every page of theirs stays cheap.
pub const MAX_HIDDEN_ITEMS: u64 = 500;
pub const MAX_HIDDEN_KEY_BYTES: usize = 200;

pub async fn hidden(db: &DatabaseConnection, user_id: &str) -> AppResult<Vec<profile_hidden::Model>> {
    Ok(profile_hidden::Entity::find()
        .filter(profile_hidden::Column::UserId.eq(user_id))
        .order_by_asc(profile_hidden::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn set_hidden(
    db: &DatabaseConnection,
    user_id: &str,
    kind: HiddenKind,
    key: &str,
    hide: bool,
) -> AppResult<()> {
    let key = key.trim();
    if key.is_empty() || key.len() > MAX_HIDDEN_KEY_BYTES {
        return Err(AppError::validation("key", "must be 1–200 characters"));
    }
    if hide {
        let count = profile_hidden::Entity::find().filter(profile_hidden::Column::UserId.eq(user_id)).count(db).await?;
        if count >= MAX_HIDDEN_ITEMS {
            let already =
                profile_hidden::Entity::find_by_id((user_id.to_string(), kind.as_str().to_string(), key.to_string()))
                    .one(db)
                    .await?
                    .is_some();
            if !already {
                return Err(AppError::validation(
                    "key",
                    format!("at most {MAX_HIDDEN_ITEMS} items can be hidden; show some again first"),
                ));
            }
        }
        profile_hidden::Entity::insert(profile_hidden::ActiveModel {
            user_id: Set(user_id.into()),
            kind: Set(kind.as_str().into()),
            key: Set(key.into()),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([
                profile_hidden::Column::UserId,
                profile_hidden::Column::Kind,
                profile_hidden::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    } else {
        profile_hidden::Entity::delete_many()
            .filter(profile_hidden::Column::UserId.eq(user_id))
            .filter(profile_hidden::Column::Kind.eq(kind.as_str()))
            .filter(profile_hidden::Column::Key.eq(key))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// What "My skills" and `GET /api/v1/me/skills` show: the newest profile
/// from the normalised rows, with hidden items taken out (and listed),
/// and the state of any import.
pub async fn view(db: &DatabaseConnection, queue: &JobQueue, user_id: &str, can_import: bool) -> AppResult<SkillsView> {
    let hidden = hidden(db, user_id).await?;
    let hidden_set: std::collections::HashSet<(&str, &str)> =
        hidden.iter().map(|h| (h.kind.as_str(), h.key.as_str())).collect();
    let is_hidden = |kind: HiddenKind, key: &str| hidden_set.contains(&(kind.as_str(), key));
    let latest = latest(db, user_id).await?;
    let active_import = queue.active_for(user_id, IMPORT_KIND).await?.map(|m| jobs::view(&m));

    let mut hidden_skills = Vec::new();
    let profile = match &latest {
        None => None,
        Some((snapshot, _)) => {
            let mut profile = snapshot.clone();
            let skill_rows = profile_skill::Entity::find()
                .filter(profile_skill::Column::UserId.eq(user_id))
                .order_by_desc(profile_skill::Column::Score)
                .order_by_desc(profile_skill::Column::Bytes)
                .order_by_asc(profile_skill::Column::SkillId)
                .all(db)
                .await?;
            profile.skills = skill_rows
                .into_iter()
                .filter_map(|row| {
                    if is_hidden(HiddenKind::Skill, &row.skill_id) {
                        hidden_skills.push(HiddenSkill { id: row.skill_id, name: row.name });
                        return None;
                    }
                    let mut evidence: Vec<Evidence> = serde_json::from_value(row.evidence).unwrap_or_default();
                    evidence.retain(|e| !is_hidden(HiddenKind::Repository, &e.repository));
                    if evidence.is_empty() {
                        return None;
                    }
                    Some(Skill {
                        repo_count: evidence.len() as u32,
                        id: row.skill_id,
                        name: row.name,
                        kind: if row.kind == "language" { SkillKind::Language } else { SkillKind::Technology },
                        category: row.category,
                        score: row.score,
                        bytes: u64::try_from(row.bytes).unwrap_or(0),
                        first_used: row.first_used.map(|t| t.to_rfc3339()),
                        last_used: row.last_used.map(|t| t.to_rfc3339()),
                        evidence,
                    })
                })
                .collect();
            let repo_rows = profile_repository::Entity::find()
                .filter(profile_repository::Column::UserId.eq(user_id))
                .all(db)
                .await?;
            let mut repos: Vec<Repository> = repo_rows
                .into_iter()
                .filter(|r| !is_hidden(HiddenKind::Repository, &r.name_with_owner))
                .filter_map(|r| serde_json::from_value(r.data).ok())
                .collect();
            // Ranked first, by rank; then the rest by score.
            repos.sort_by(|a: &Repository, b: &Repository| match (a.rank, b.rank) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => b.score.total_cmp(&a.score).then(a.name_with_owner.cmp(&b.name_with_owner)),
            });
            profile.repositories = repos;
            profile.contributions.retain(|c| !is_hidden(HiddenKind::Repository, &c.repository));
            Some(profile)
        }
    };
    let hidden_repositories =
        hidden.iter().filter(|h| h.kind == HiddenKind::Repository.as_str()).map(|h| h.key.clone()).collect();
    for h in hidden.iter().filter(|h| h.kind == HiddenKind::Skill.as_str()) {
        if !hidden_skills.iter().any(|s| s.id == h.key) {
            hidden_skills.push(HiddenSkill { id: h.key.clone(), name: h.key.clone() });
        }
    }

    // A failure newer than the last good profile is worth telling.
    let last_done = job::Entity::find()
        .filter(job::Column::OwnerId.eq(user_id))
        .filter(job::Column::Kind.eq(IMPORT_KIND))
        .filter(job::Column::FinishedAt.is_not_null())
        .order_by_desc(job::Column::FinishedAt)
        .one(db)
        .await?;
    let last_failure = last_done
        .filter(|j| j.status == job::JobStatus::Failed)
        .filter(|j| latest.as_ref().is_none_or(|(_, at)| j.finished_at.is_some_and(|f| f > *at)))
        .and_then(|j| j.error);

    Ok(SkillsView { profile, hidden_repositories, hidden_skills, active_import, last_failure, can_import })
}

/// An import job of this user, for status pages; None if it is not theirs.
pub async fn import_job(queue: &JobQueue, user_id: &str, id: &str) -> AppResult<Option<JobView>> {
    Ok(queue
        .get(id)
        .await?
        .filter(|j| j.kind == IMPORT_KIND && j.owner_id.as_deref() == Some(user_id))
        .map(|j| jobs::view(&j)))
}

/// What the owner can attach to a line as its receipt: their repositories,
/// merged pull requests and skills from the newest profile (bounded).
pub async fn receipt_choices(db: &DatabaseConnection, user_id: &str) -> AppResult<Vec<crate::resume::types::Receipt>> {
    use crate::resume::types::Receipt;
    let Some((profile, _)) = latest(db, user_id).await? else { return Ok(vec![]) };
    let mut choices = Vec::new();
    for r in profile.repositories.iter().filter(|r| r.owned).take(40) {
        choices.push(Receipt { kind: "repository".into(), label: r.name_with_owner.clone(), url: r.url.clone() });
    }
    for c in &profile.contributions {
        for pr in c.pull_requests.iter().take(5) {
            choices.push(Receipt {
                kind: "pull_request".into(),
                label: format!("{}: {}", c.repository, pr.title),
                url: pr.url.clone(),
            });
        }
    }
    for s in profile.skills.iter().take(30) {
        if let Some(e) = s.evidence.first() {
            choices.push(Receipt { kind: "skill".into(), label: s.name.clone(), url: e.url.clone() });
        }
    }
    Ok(choices)
}
