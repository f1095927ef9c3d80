//! Aggregates, the same code on SQLite and PostgreSQL. A view (`top`,
//! `trends`, a category's demand for the fit) is counted in one streaming
//! pass over the postings its filters select in SQL, each row with its
//! technologies as one short text: technology counts, pairs, breakdowns
//! and months, all exact, never all postings in memory (what is held grows
//! with the technologies, pairs and months seen). Ties are broken in Rust
//! by id, so both databases give the very same lists whatever their
//! collation.

use super::sql::{backend, stmt};
use crate::market::types::*;
use crate::platform::ssr::error::{AppError, AppResult};
use futures::StreamExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, StreamTrait, Value};
use std::collections::{BTreeMap, HashMap};
use taxonomy::Taxonomy;

const TOP: usize = 20;
const PAIRS: usize = 10;
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
    // COUNT is BIGINT on PostgreSQL, INTEGER on SQLite.
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

/// What one pass over a view's postings counts: every count `top` and
/// `trends` show, exact. The postings are streamed (never all in memory),
/// each with its technologies as the one text its row keeps (`rust! go?
/// kafka`, see [`super::ingest::technology_list`]); what is held grows with
/// the technologies, pairs and months seen, not with the postings.
#[derive(Default)]
struct Tally {
    total: i64,
    /// Technology id → its index in `tech_ids` and `counts`.
    index: HashMap<String, u32>,
    tech_ids: Vec<String>,
    /// Per technology: postings, required, preferred.
    counts: Vec<[i64; 3]>,
    /// Postings per pair of technologies: `pairs[b][a]` for the indexes
    /// `a < b` (a triangle, grown a row a technology: a few hundred
    /// technologies, no hashing a pair).
    pairs: Vec<Vec<i64>>,
    /// Postings by region, level, industry, company type and source.
    dims: [HashMap<String, i64>; 5],
    /// Per month: its postings, and its postings per technology.
    months: BTreeMap<String, (i64, HashMap<u32, i64>)>,
}

impl Tally {
    async fn of(db: &DatabaseConnection, f: &Filter) -> AppResult<Tally> {
        let (cond, values) = conditions(db, f).await?;
        let mut rows = db
            .stream_raw(stmt(
                backend(db),
                &format!(
                    "SELECT COALESCE(p.region, '') AS region, p.level AS level, COALESCE(p.industry, '') AS industry, \
                     COALESCE(p.company_type, '') AS company_type, p.source AS source, p.posted_month AS month, \
                     p.technologies AS techs FROM postings p WHERE {cond}"
                ),
                values,
            ))
            .await?;
        let mut tally = Tally::default();
        let mut seen: Vec<(u32, u8)> = Vec::new();
        while let Some(r) = rows.next().await {
            let r = r?;
            tally.total += 1;
            for (i, col) in ["region", "level", "industry", "company_type", "source"].iter().enumerate() {
                *tally.dims[i].entry(r.try_get::<String>("", col)?).or_default() += 1;
            }
            seen.clear();
            let techs: String = r.try_get("", "techs")?;
            for item in techs.split(' ').filter(|s| !s.is_empty()) {
                let (id, req) = match item.as_bytes()[item.len() - 1] {
                    b'!' => (&item[..item.len() - 1], 1),
                    b'?' => (&item[..item.len() - 1], 2),
                    _ => (item, 0),
                };
                seen.push((tally.intern(id), req));
            }
            seen.sort_unstable();
            seen.dedup_by_key(|(i, _)| *i);
            let month = tally.months.entry(r.try_get::<String>("", "month")?).or_default();
            month.0 += 1;
            for &(i, req) in &seen {
                *month.1.entry(i).or_default() += 1;
                let c = &mut tally.counts[i as usize];
                c[0] += 1;
                if req > 0 {
                    c[req as usize] += 1;
                }
            }
            for (k, &(b, _)) in seen.iter().enumerate() {
                let row = &mut tally.pairs[b as usize];
                for &(a, _) in &seen[..k] {
                    row[a as usize] += 1;
                }
            }
        }
        Ok(tally)
    }

    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.tech_ids.len() as u32;
        self.index.insert(id.to_string(), i);
        self.tech_ids.push(id.to_string());
        self.counts.push([0; 3]);
        self.pairs.push(vec![0; i as usize]);
        i
    }

    /// Every technology seen, most asked first, then by id.
    fn technologies(&self, t: &Taxonomy) -> Vec<(u32, TechCount)> {
        let mut out: Vec<(u32, TechCount)> = self
            .counts
            .iter()
            .enumerate()
            .map(|(i, &[n, req, pref])| {
                let id = &self.tech_ids[i];
                let c = TechCount {
                    name: name(t, id),
                    tech_id: id.clone(),
                    postings: n,
                    required: req,
                    preferred: pref,
                    mentioned: n - req - pref,
                    share: if self.total > 0 { n as f64 / self.total as f64 } else { 0.0 },
                };
                (i as u32, c)
            })
            .collect();
        out.sort_by(|(_, a), (_, b)| b.postings.cmp(&a.postings).then_with(|| a.tech_id.cmp(&b.tech_id)));
        out
    }

    /// The pairs most often asked together, only those seen at least
    /// twice; ties by the ids.
    fn pairs(&self, t: &Taxonomy) -> Vec<TechPair> {
        let mut pairs: Vec<(i64, &str, &str)> = Vec::new();
        for (b, row) in self.pairs.iter().enumerate() {
            for (a, &n) in row.iter().enumerate().filter(|(_, &n)| n >= 2) {
                let (a, b) = (self.tech_ids[a].as_str(), self.tech_ids[b].as_str());
                pairs.push(if a < b { (n, a, b) } else { (n, b, a) });
            }
        }
        pairs.sort_unstable_by(|x, y| y.0.cmp(&x.0).then_with(|| (x.1, x.2).cmp(&(y.1, y.2))));
        pairs
            .into_iter()
            .take(PAIRS)
            .map(|(n, a, b)| TechPair {
                a_name: name(t, a),
                b_name: name(t, b),
                a: a.to_string(),
                b: b.to_string(),
                postings: n,
            })
            .collect()
    }
}

pub async fn top(db: &DatabaseConnection, t: &Taxonomy, f: &Filter) -> AppResult<MarketTop> {
    let mut tally = Tally::of(db, f).await?;
    let mut top: Vec<TechCount> = tally.technologies(t).into_iter().map(|(_, c)| c).collect();
    top.truncate(TOP);
    let pairs = tally.pairs(t);
    let first_month = tally.months.keys().next().cloned();
    let last_month = tally.months.keys().next_back().cloned();
    let [region, level, industry, company_type, source] = std::mem::take(&mut tally.dims);
    let (by_region, by_level, by_industry, by_company_type) =
        (sorted(region), sorted(level), sorted(industry), sorted(company_type));
    let sources = sorted(source).into_iter().map(|b| SourceCount { source: b.key, postings: b.postings }).collect();
    Ok(MarketTop {
        query: f.query(),
        total_postings: tally.total,
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

/// Counts by key as buckets, the most postings first, then by key.
fn sorted(counts: HashMap<String, i64>) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = counts.into_iter().map(|(key, postings)| Bucket { key, postings }).collect();
    out.sort_by(|x, y| y.postings.cmp(&x.postings).then_with(|| x.key.cmp(&y.key)));
    out
}

/// The five most asked technologies of a view, month by month.
pub async fn trends(db: &DatabaseConnection, t: &Taxonomy, f: &Filter) -> AppResult<Trends> {
    let tally = Tally::of(db, f).await?;
    let months: Vec<Bucket> =
        tally.months.iter().map(|(key, (n, _))| Bucket { key: key.clone(), postings: *n }).collect();
    let series = tally
        .technologies(t)
        .into_iter()
        .take(TREND_SERIES)
        .map(|(i, c)| TrendSeries {
            points: tally
                .months
                .iter()
                .map(|(month, (total, techs))| {
                    let n = techs.get(&i).copied().unwrap_or(0);
                    TrendPoint {
                        month: month.clone(),
                        postings: n,
                        share: if *total > 0 { n as f64 / *total as f64 } else { 0.0 },
                    }
                })
                .collect(),
            tech_id: c.tech_id,
            name: c.name,
        })
        .collect();
    Ok(Trends { category: f.category.clone(), months, series, credit: CREDIT.into() })
}

/// Every technology a view's postings ask for, with counts (for the fit).
pub async fn demand(db: &DatabaseConnection, t: &Taxonomy, f: &Filter) -> AppResult<(i64, Vec<TechCount>)> {
    let tally = Tally::of(db, f).await?;
    Ok((tally.total, tally.technologies(t).into_iter().map(|(_, c)| c).collect()))
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
