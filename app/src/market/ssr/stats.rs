//! Aggregates, computed in the database: `GROUP BY`s over
//! `posting_technologies ⨝ postings` with the view's filters, the same SQL
//! on SQLite and PostgreSQL. Ties are broken in Rust by id, so both
//! databases give the very same lists whatever their collation.

use super::sql::{backend, stmt};
use crate::market::types::*;
use crate::platform::ssr::error::{AppError, AppResult};
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Value};
use std::collections::HashMap;
use taxonomy::Taxonomy;

const TOP: usize = 20;
const PAIRS: usize = 10;
/// The most asked technologies whose pairs are counted first.
const PAIR_CANDIDATES: usize = 20;
const TREND_SERIES: usize = 5;

/// A checked [`MarketQuery`]: unknown codes are a 422 naming the field.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub category: Option<String>,
    pub period: Option<u32>,
    pub region: Option<String>,
    pub level: Option<String>,
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Filter {
    pub fn parse(q: &MarketQuery) -> AppResult<Self> {
        let blank = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let category = blank(&q.category);
        if let Some(c) = &category {
            if !CATEGORIES.contains(&c.as_str()) {
                return Err(AppError::validation(
                    "category",
                    format!("unknown category; one of {}", CATEGORIES.join(", ")),
                ));
            }
        }
        let level = blank(&q.experience);
        if let Some(l) = &level {
            if !LEVELS.contains(&l.as_str()) {
                return Err(AppError::validation("experience", format!("unknown level; one of {}", LEVELS.join(", "))));
            }
        }
        let region = blank(&q.region);
        if region.as_deref().is_some_and(|r| !is_code(r)) {
            return Err(AppError::validation("region", "a region code such as seoul, gyeonggi, beijing, shanghai"));
        }
        if let Some(p) = q.period {
            if !(1..=120).contains(&p) {
                return Err(AppError::validation("period", "months, 1 to 120"));
            }
        }
        Ok(Filter { category, period: q.period.filter(|&p| p > 0), region, level })
    }

    pub fn query(&self) -> MarketQuery {
        MarketQuery {
            category: self.category.clone(),
            period: self.period,
            region: self.region.clone(),
            experience: self.level.clone(),
        }
    }
}

/// `p.…` conditions and their values for a filter; the period counts back
/// from the newest month in the data (a corpus that ends in the past still
/// shows its last year).
async fn conditions(db: &impl ConnectionTrait, f: &Filter) -> AppResult<(String, Vec<Value>)> {
    let mut sql = vec![NO_CONDITIONS.to_string()];
    let mut values: Vec<Value> = Vec::new();
    if let Some(c) = &f.category {
        sql.push("p.category = ?".into());
        values.push(c.clone().into());
    }
    if let Some(r) = &f.region {
        sql.push("p.region = ?".into());
        values.push(r.clone().into());
    }
    if let Some(l) = &f.level {
        sql.push("p.level = ?".into());
        values.push(l.clone().into());
    }
    if let Some(months) = f.period {
        if let Some(last) = scalar_str(db, "SELECT MAX(posted_month) AS v FROM postings", vec![]).await? {
            sql.push("p.posted_month >= ?".into());
            values.push(month_back(&last, months.saturating_sub(1)).into());
        }
    }
    Ok((sql.join(" AND "), values))
}

/// The join of `posting_technologies {alias}` to its postings `p`, which
/// the conditions need; none without conditions: every technology row
/// belongs to a posting (a foreign key, deleted with it), so the join
/// would only cost a lookup per row.
fn postings_of(cond: &str, alias: &str) -> String {
    if cond == NO_CONDITIONS {
        String::new()
    } else {
        format!(" JOIN postings p ON p.id = {alias}.posting_id")
    }
}

const NO_CONDITIONS: &str = "1 = 1";

/// `YYYY-MM` minus `n` months.
pub fn month_back(month: &str, n: u32) -> String {
    let (y, m) = month.split_once('-').unwrap_or(("1970", "01"));
    let (y, m): (i64, i64) = (y.parse().unwrap_or(1970), m.parse().unwrap_or(1));
    let total = y * 12 + (m - 1) - n as i64;
    format!("{:04}-{:02}", total.div_euclid(12), total.rem_euclid(12) + 1)
}

async fn scalar_str(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> AppResult<Option<String>> {
    let row = db.query_one_raw(stmt(backend(db), sql, values)).await?;
    Ok(row.map(|r| r.try_get::<Option<String>>("", "v")).transpose()?.flatten())
}

fn int(r: &QueryResult, col: &str) -> AppResult<i64> {
    // SUM() is NUMERIC on PostgreSQL for some inputs; COUNT is BIGINT.
    Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or(0))
}

fn name(t: &Taxonomy, id: &str) -> String {
    t.get(id).map(|t| t.name.clone()).unwrap_or_else(|| id.to_string())
}

pub async fn categories(db: &DatabaseConnection) -> AppResult<Categories> {
    let rows = db
        .query_all_raw(stmt(backend(db), "SELECT category AS k, COUNT(*) AS n FROM postings GROUP BY category", vec![]))
        .await?;
    let mut counts = std::collections::HashMap::new();
    for r in rows {
        counts.insert(r.try_get::<String>("", "k")?, int(&r, "n")?);
    }
    let categories: Vec<CategoryCount> = CATEGORIES
        .iter()
        .map(|c| CategoryCount { code: c.to_string(), postings: counts.get(*c).copied().unwrap_or(0) })
        .collect();
    Ok(Categories { total_postings: categories.iter().map(|c| c.postings).sum(), categories })
}

async fn count_postings(db: &impl ConnectionTrait, cond: &str, values: Vec<Value>) -> AppResult<i64> {
    let row = db
        .query_one_raw(stmt(backend(db), &format!("SELECT COUNT(*) AS n FROM postings p WHERE {cond}"), values))
        .await?;
    Ok(row.map(|r| int(&r, "n")).transpose()?.unwrap_or(0))
}

/// Every technology of the view with its counts, most asked first.
async fn technology_counts(
    db: &impl ConnectionTrait,
    t: &Taxonomy,
    cond: &str,
    values: Vec<Value>,
    total: i64,
) -> AppResult<Vec<TechCount>> {
    let rows = db
        .query_all_raw(stmt(
            backend(db),
            &format!(
                "SELECT t.tech_id AS id, COUNT(*) AS n, \
                 SUM(CASE WHEN t.requirement = 'required' THEN 1 ELSE 0 END) AS req, \
                 SUM(CASE WHEN t.requirement = 'preferred' THEN 1 ELSE 0 END) AS pref \
                 FROM posting_technologies t{join} \
                 WHERE {cond} GROUP BY t.tech_id",
                join = postings_of(cond, "t"),
            ),
            values,
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get("", "id")?;
        let (n, req, pref) = (int(&r, "n")?, int(&r, "req")?, int(&r, "pref")?);
        out.push(TechCount {
            name: name(t, &id),
            tech_id: id,
            postings: n,
            required: req,
            preferred: pref,
            mentioned: n - req - pref,
            share: if total > 0 { n as f64 / total as f64 } else { 0.0 },
        });
    }
    out.sort_by(|a, b| b.postings.cmp(&a.postings).then_with(|| a.tech_id.cmp(&b.tech_id)));
    Ok(out)
}

pub async fn top(db: &DatabaseConnection, t: &Taxonomy, f: &Filter) -> AppResult<MarketTop> {
    let b = backend(db);
    let (cond, values) = conditions(db, f).await?;
    let total = count_postings(db, &cond, values.clone()).await?;
    let mut top = technology_counts(db, t, &cond, values.clone(), total).await?;
    let pairs = pairs(db, t, &cond, &values, &top).await?;
    top.truncate(TOP);

    // The postings by region, level, industry, company type and source,
    // and their first and last month: one pass over the postings, counted
    // up here.
    let rows = db
        .query_all_raw(stmt(
            b,
            &format!(
                "SELECT COALESCE(p.region, '') AS region, p.level AS level, COALESCE(p.industry, '') AS industry, \
                 COALESCE(p.company_type, '') AS company_type, p.source AS source, \
                 MIN(p.posted_month) AS lo, MAX(p.posted_month) AS hi, COUNT(*) AS n \
                 FROM postings p WHERE {cond} \
                 GROUP BY COALESCE(p.region, ''), p.level, COALESCE(p.industry, ''), COALESCE(p.company_type, ''), \
                 p.source"
            ),
            values,
        ))
        .await?;
    let mut counts: [HashMap<String, i64>; 5] = Default::default();
    let (mut first_month, mut last_month): (Option<String>, Option<String>) = (None, None);
    for r in rows {
        let n = int(&r, "n")?;
        for (i, col) in ["region", "level", "industry", "company_type", "source"].iter().enumerate() {
            *counts[i].entry(r.try_get::<String>("", col)?).or_default() += n;
        }
        let (lo, hi): (String, String) = (r.try_get("", "lo")?, r.try_get("", "hi")?);
        if first_month.as_ref().is_none_or(|m| lo < *m) {
            first_month = Some(lo);
        }
        if last_month.as_ref().is_none_or(|m| hi > *m) {
            last_month = Some(hi);
        }
    }
    let [region, level, industry, company_type, source] = counts;
    let (by_region, by_level, by_industry, by_company_type) =
        (sorted(region), sorted(level), sorted(industry), sorted(company_type));
    let sources = sorted(source).into_iter().map(|b| SourceCount { source: b.key, postings: b.postings }).collect();

    Ok(MarketTop {
        query: f.query(),
        total_postings: total,
        first_month,
        last_month,
        top,
        pairs,
        by_region,
        by_level,
        by_industry,
        by_company_type,
        sources,
        credit: CREDIT.into(),
    })
}

/// The technologies most often asked for together (a self-join on the
/// posting), only pairs seen at least twice; ties broken by id here.
///
/// Counting every pair of a large market is the costliest aggregate, and
/// only the first few are shown: a pair is in at most as many postings as
/// either of its technologies, so the pairs are first counted among the
/// most asked technologies only (all of those in at least `floor`
/// postings). When the last pair shown is in at least `floor` postings,
/// no pair with another technology (in fewer than `floor`) can reach the
/// list, and it is exact; otherwise it is counted again with the floor
/// lowered to that pair's count, which is then enough.
async fn pairs(
    db: &impl ConnectionTrait,
    t: &Taxonomy,
    cond: &str,
    values: &[Value],
    techs: &[TechCount],
) -> AppResult<Vec<TechPair>> {
    // Sorted most asked first: the floor starts at the count of the
    // twentieth.
    let mut floor = techs.get(PAIR_CANDIDATES - 1).map_or(0, |c| c.postings);
    loop {
        let among: Vec<&str> = if floor > 2 {
            techs.iter().filter(|c| c.postings >= floor).map(|c| c.tech_id.as_str()).collect()
        } else {
            vec![]
        };
        let pairs = pair_counts(db, t, cond, values, &among).await?;
        match pairs.get(PAIRS - 1).map(|p| p.postings) {
            _ if among.is_empty() => return Ok(pairs),
            Some(last) if last >= floor => return Ok(pairs),
            Some(last) => floor = last,
            None => floor = 0,
        }
    }
}

/// The first pairs, among the technologies `among` (all when empty).
async fn pair_counts(
    db: &impl ConnectionTrait,
    t: &Taxonomy,
    cond: &str,
    values: &[Value],
    among: &[&str],
) -> AppResult<Vec<TechPair>> {
    let mut values = values.to_vec();
    let mut only = String::new();
    if !among.is_empty() {
        let marks = vec!["?"; among.len()].join(", ");
        only = format!(" AND a.tech_id IN ({marks}) AND c.tech_id IN ({marks})");
        for _ in 0..2 {
            values.extend(among.iter().map(|id| Value::from(id.to_string())));
        }
    }
    // A generous limit, then ties broken by id here.
    let rows = db
        .query_all_raw(stmt(
            backend(db),
            &format!(
                "SELECT a.tech_id AS a, c.tech_id AS b, COUNT(*) AS n \
                 FROM posting_technologies a \
                 JOIN posting_technologies c ON c.posting_id = a.posting_id AND a.tech_id < c.tech_id \
                 {join} \
                 WHERE {cond}{only} GROUP BY a.tech_id, c.tech_id HAVING COUNT(*) >= 2 \
                 ORDER BY n DESC LIMIT 200",
                join = postings_of(cond, "a"),
            ),
            values,
        ))
        .await?;
    let mut pairs = Vec::new();
    for r in rows {
        let (mut a, mut c): (String, String) = (r.try_get("", "a")?, r.try_get("", "b")?);
        if c < a {
            std::mem::swap(&mut a, &mut c);
        }
        pairs.push(TechPair { a_name: name(t, &a), b_name: name(t, &c), a, b: c, postings: int(&r, "n")? });
    }
    pairs.sort_by(|x, y| y.postings.cmp(&x.postings).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
    pairs.truncate(PAIRS);
    Ok(pairs)
}

/// Counts by key as buckets, the most postings first, then by key.
fn sorted(counts: HashMap<String, i64>) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = counts.into_iter().map(|(key, postings)| Bucket { key, postings }).collect();
    out.sort_by(|x, y| y.postings.cmp(&x.postings).then_with(|| x.key.cmp(&y.key)));
    out
}

/// The five most asked technologies of a category, month by month.
pub async fn trends(db: &DatabaseConnection, t: &Taxonomy, f: &Filter) -> AppResult<Trends> {
    let b = backend(db);
    let (cond, values) = conditions(db, f).await?;
    let total = count_postings(db, &cond, values.clone()).await?;
    let top: Vec<TechCount> =
        technology_counts(db, t, &cond, values.clone(), total).await?.into_iter().take(TREND_SERIES).collect();
    let rows = db
        .query_all_raw(stmt(
            b,
            &format!(
                "SELECT p.posted_month AS k, COUNT(*) AS n FROM postings p WHERE {cond} \
                 GROUP BY p.posted_month ORDER BY p.posted_month"
            ),
            values.clone(),
        ))
        .await?;
    let mut months = Vec::new();
    for r in rows {
        months.push(Bucket { key: r.try_get("", "k")?, postings: int(&r, "n")? });
    }
    let mut series: Vec<TrendSeries> = top
        .iter()
        .map(|c| TrendSeries {
            tech_id: c.tech_id.clone(),
            name: c.name.clone(),
            points: months.iter().map(|m| TrendPoint { month: m.key.clone(), postings: 0, share: 0.0 }).collect(),
        })
        .collect();
    if !top.is_empty() {
        let marks = vec!["?"; top.len()].join(", ");
        let mut v = values;
        v.extend(top.iter().map(|c| Value::from(c.tech_id.clone())));
        let rows = db
            .query_all_raw(stmt(
                b,
                &format!(
                    "SELECT p.posted_month AS k, t.tech_id AS id, COUNT(*) AS n \
                     FROM posting_technologies t JOIN postings p ON p.id = t.posting_id \
                     WHERE {cond} AND t.tech_id IN ({marks}) GROUP BY p.posted_month, t.tech_id"
                ),
                v,
            ))
            .await?;
        for r in rows {
            let (month, id): (String, String) = (r.try_get("", "k")?, r.try_get("", "id")?);
            let n = int(&r, "n")?;
            let (Some(s), Some(mi)) =
                (series.iter_mut().find(|s| s.tech_id == id), months.iter().position(|m| m.key == month))
            else {
                continue;
            };
            s.points[mi].postings = n;
            s.points[mi].share = if months[mi].postings > 0 { n as f64 / months[mi].postings as f64 } else { 0.0 };
        }
    }
    Ok(Trends { category: f.category.clone(), months, series, credit: CREDIT.into() })
}

/// Every technology a category's postings ask for, with counts (for the fit).
pub async fn demand(db: &DatabaseConnection, t: &Taxonomy, f: &Filter) -> AppResult<(i64, Vec<TechCount>)> {
    let (cond, values) = conditions(db, f).await?;
    let total = count_postings(db, &cond, values.clone()).await?;
    Ok((total, technology_counts(db, t, &cond, values, total).await?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_count_back_across_years() {
        assert_eq!(super::month_back("2026-03", 0), "2026-03");
        assert_eq!(super::month_back("2026-03", 11), "2025-04");
        assert_eq!(super::month_back("2026-01", 1), "2025-12");
    }
}
