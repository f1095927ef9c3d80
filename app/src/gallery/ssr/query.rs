//! Reading the gallery: public résumés only, filtered by skill and role,
//! ordered by `(key DESC, resume_id DESC)` and paged by keyset — a page
//! starts strictly after the last row of the page before, named by an
//! opaque cursor — never by OFFSET. So a résumé published between two pages
//! shifts nothing: no row that existed is shown twice or skipped.
//!
//! One SQL text for SQLite and PostgreSQL (placeholders numbered for the
//! latter); the listing joins the share row so that only what is public
//! right now is ever returned, whatever the listing says.

use super::listing::{role_code, skill_key, taxonomy};
use crate::gallery::types::{ExplorePage, ExploreQuery, GalleryCard, Sort, DEFAULT_LIMIT, MAX_LIMIT};
use crate::market::ssr::sql::stmt;
use crate::platform::ssr::error::{AppError, AppResult};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};

/// What a request asks for, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub sort: Sort,
    /// (filter key, canonical name)
    pub skill: Option<(String, String)>,
    /// A job category code.
    pub role: Option<&'static str>,
    pub after: Option<Cursor>,
    pub limit: u32,
}

/// Where a page ends: the last row's sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: String,
}

const CURSOR_VERSION: &str = "g1";

fn column(sort: Sort) -> &'static str {
    match sort {
        Sort::Trending => "trending",
        Sort::Views => "views",
        Sort::Likes => "likes",
        Sort::Newest => "published_ms",
    }
}

/// A check over a cursor's content: a cursor changed by hand (or cut
/// short, or mangled on its way) no longer matches it. Not a secret: a
/// cursor names a place in a public list and grants nothing.
fn check(payload: &str) -> String {
    crate::account::ssr::crypto::sha256_hex(&format!("gallery-cursor|{payload}"))[..12].to_string()
}

/// `base64url("g1.{sort}.{key}.{id}.{check}")`: the sort is in it, so a
/// cursor from another order is refused rather than misread.
pub fn encode_cursor(sort: Sort, c: &Cursor) -> String {
    let payload = format!("{CURSOR_VERSION}.{}.{}.{}", sort.code(), c.key, c.id);
    URL_SAFE_NO_PAD.encode(format!("{payload}.{}", check(&payload)))
}

fn is_id(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A cursor this server made for `sort`, or why not.
pub fn decode_cursor(sort: Sort, text: &str) -> Result<Cursor, &'static str> {
    let bad = "not a cursor of this list; start again from the first page";
    if text.len() > 200 {
        return Err(bad);
    }
    let raw = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad)?;
    let raw = String::from_utf8(raw).map_err(|_| bad)?;
    let Some((payload, sum)) = raw.rsplit_once('.') else { return Err(bad) };
    if sum != check(payload) {
        return Err(bad);
    }
    let parts: Vec<&str> = payload.split('.').collect();
    let [version, s, key, id] = parts.as_slice() else { return Err(bad) };
    if *version != CURSOR_VERSION || !is_id(id) {
        return Err(bad);
    }
    if *s != sort.code() {
        return Err("this cursor belongs to another sort order; start again from the first page");
    }
    let key = key.parse::<i64>().map_err(|_| bad)?;
    Ok(Cursor { key, id: id.to_string() })
}

impl Filter {
    /// Check a request: an unknown sort, role, a bad limit or a cursor this
    /// server did not make are 422 (with the field), never a 500.
    pub fn parse(q: &ExploreQuery) -> AppResult<Self> {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let sort = match text(&q.sort) {
            None => Sort::default(),
            Some(s) => Sort::parse(&s.to_lowercase())
                .ok_or_else(|| AppError::validation("sort", "one of trending, views, likes, newest"))?,
        };
        let skill = match text(&q.skill) {
            Some(s) if s.chars().count() > 100 => return Err(AppError::validation("skill", "at most 100 characters")),
            Some(s) => skill_key(taxonomy(), &s),
            None => None,
        };
        let role = match text(&q.role) {
            Some(r) => Some(
                role_code(taxonomy(), &r)
                    .ok_or_else(|| AppError::validation("role", "a role such as backend, frontend or mobile"))?,
            ),
            None => None,
        };
        let after = match text(&q.cursor) {
            Some(c) => Some(decode_cursor(sort, &c).map_err(|why| AppError::validation("cursor", why))?),
            None => None,
        };
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::validation("limit", format!("1 to {MAX_LIMIT}")));
        }
        Ok(Self { sort, skill, role, after, limit })
    }
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339()
}

/// One page of public résumés.
pub async fn explore(db: &DatabaseConnection, f: &Filter) -> AppResult<ExplorePage> {
    let key = column(f.sort);
    let mut sql = String::from(
        "SELECT g.resume_id, s.slug, g.name, g.headline, g.summary, g.role, g.skills, g.language, \
         g.views, g.likes, g.comments, g.published_ms, g.trending \
         FROM gallery_listings g \
         JOIN resume_shares s ON s.resume_id = g.resume_id",
    );
    let mut values: Vec<Value> = Vec::new();
    if let Some((skill, _)) = &f.skill {
        sql.push_str(" JOIN gallery_skills k ON k.resume_id = g.resume_id AND k.skill = ?");
        values.push(skill.clone().into());
    }
    sql.push_str(" WHERE s.visibility = 'public'");
    if let Some(role) = f.role {
        sql.push_str(" AND g.role = ?");
        values.push(role.into());
    }
    if let Some(c) = &f.after {
        sql.push_str(&format!(" AND (g.{key} < ? OR (g.{key} = ? AND g.resume_id < ?))"));
        values.extend([c.key.into(), c.key.into(), c.id.clone().into()]);
    }
    sql.push_str(&format!(" ORDER BY g.{key} DESC, g.resume_id DESC LIMIT ?"));
    values.push(i64::from(f.limit + 1).into());

    let rows = db.query_all_raw(stmt(db.get_database_backend(), &sql, values)).await?;
    let mut items = Vec::with_capacity(rows.len());
    let mut last: Option<Cursor> = None;
    for row in rows.iter().take(f.limit as usize) {
        let get_s = |c: &str| row.try_get::<String>("", c);
        let get_i = |c: &str| row.try_get::<i64>("", c);
        let (id, slug) = (get_s("resume_id")?, get_s("slug")?);
        let published_ms = get_i("published_ms")?;
        let sort_key = match f.sort {
            Sort::Trending => get_i("trending")?,
            Sort::Views => get_i("views")?,
            Sort::Likes => get_i("likes")?,
            Sort::Newest => published_ms,
        };
        last = Some(Cursor { key: sort_key, id: id.clone() });
        items.push(GalleryCard {
            path: format!("/r/{slug}"),
            resume_id: id,
            slug,
            name: get_s("name")?,
            headline: get_s("headline")?,
            summary: get_s("summary")?,
            role: row.try_get::<Option<String>>("", "role")?,
            skills: serde_json::from_str(&get_s("skills")?).unwrap_or_default(),
            language: get_s("language")?,
            views: get_i("views")?,
            likes: get_i("likes")?,
            comments: get_i("comments")?,
            published_at: rfc3339(published_ms),
        });
    }
    let more = rows.len() > f.limit as usize;
    Ok(ExplorePage {
        sort: f.sort,
        skill: f.skill.as_ref().map(|(_, name)| name.clone()),
        role: f.role.map(str::to_string),
        items,
        next_cursor: last.filter(|_| more).map(|c| encode_cursor(f.sort, &c)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_a_tampered_one_is_refused() {
        let c = Cursor { key: -42, id: "3f9a1c2d-0000-4000-8000-00000000abcd".into() };
        let text = encode_cursor(Sort::Likes, &c);
        assert_eq!(decode_cursor(Sort::Likes, &text), Ok(c.clone()));
        assert!(decode_cursor(Sort::Views, &text).is_err(), "another sort's cursor");
        // Any one character changed, anywhere, is refused.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..text.len() {
            for &b in alphabet.iter().step_by(7) {
                let mut t = text.clone().into_bytes();
                if t[i] == b {
                    continue;
                }
                t[i] = b;
                assert!(decode_cursor(Sort::Likes, &String::from_utf8(t).unwrap()).is_err(), "at {i}");
            }
        }
        // A well-formed cursor made by hand is refused too (its check is wrong).
        let forged = URL_SAFE_NO_PAD.encode("g1.likes.41.3f9a1c2d-0000-4000-8000-00000000abcd.000000000000");
        assert!(decode_cursor(Sort::Likes, &forged).is_err());
        for bad in [
            "",
            "%%%",
            "not base64!",
            &URL_SAFE_NO_PAD.encode("g1.likes.12.x' OR 1=1 --"),
            &URL_SAFE_NO_PAD.encode("g1.likes.1e9.3f9a1c2d-0000-4000-8000-00000000abcd"),
            &URL_SAFE_NO_PAD.encode("g2.likes.1.3f9a1c2d-0000-4000-8000-00000000abcd"),
            &URL_SAFE_NO_PAD.encode([0xff, 0xfe]),
            &"A".repeat(500),
        ] {
            assert!(decode_cursor(Sort::Likes, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_query_is_checked() {
        let q = |sort: &str, skill: &str, role: &str, limit: Option<u32>| ExploreQuery {
            sort: Some(sort.into()),
            skill: Some(skill.into()),
            role: Some(role.into()),
            cursor: None,
            limit,
        };
        let f = Filter::parse(&q("likes", "react.js", "백엔드", None)).unwrap();
        assert_eq!((f.sort, f.skill.unwrap().1.as_str(), f.role, f.limit), (Sort::Likes, "React", Some("backend"), 12));
        let f = Filter::parse(&q("", " ", "", Some(50))).unwrap();
        assert_eq!((f.sort, f.skill, f.role), (Sort::Trending, None, None));
        for (bad, field) in [
            (q("best", "", "", None), "sort"),
            (q("", "", "astronaut", None), "role"),
            (q("", "", "", Some(0)), "limit"),
            (q("", "", "", Some(51)), "limit"),
            (q("", &"x".repeat(101), "", None), "skill"),
            (ExploreQuery { cursor: Some("bad".into()), ..Default::default() }, "cursor"),
        ] {
            match Filter::parse(&bad) {
                Err(AppError::Validation { fields }) => assert!(fields.contains_key(field), "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }
}
