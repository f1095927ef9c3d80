//! Measuring the extraction against labelled postings.
//!
//! The set lives in `data/labelled/*.txt` (compiled in, see
//! [`builtin_set`]), one posting per block:
//!
//! ```text
//! ### ko-001
//! split: test
//! lang: ko
//! title: 백엔드 개발자 (Java/Spring)
//! category: backend
//! experience: 3 mid
//! required: java, spring-boot, mysql
//! preferred: kafka
//! mentioned: aws
//! source: (for adapted postings: where the text came from)
//! ---
//! the posting's text, up to the next `### ` line
//! ```
//!
//! `experience` is the minimum years (or `-`) and a [`Level`] code. The
//! same fields as JSON Lines (`id, split, lang, title, body, category,
//! min_years, level, required, preferred, mentioned`) load with
//! [`parse_jsonl`], for sets kept elsewhere (a held-out set).

use crate::posting::{JobCategory, Level, Requirement};
use crate::Taxonomy;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const SETS: [&str; 3] = [
    include_str!("../data/labelled/ko.txt"),
    include_str!("../data/labelled/en.txt"),
    include_str!("../data/labelled/zh.txt"),
];

#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    pub id: String,
    #[serde(default = "dev")]
    pub split: String,
    pub lang: String,
    #[serde(default)]
    pub title: String,
    pub body: String,
    pub category: String,
    #[serde(default)]
    pub min_years: Option<u8>,
    pub level: String,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub preferred: Vec<String>,
    #[serde(default)]
    pub mentioned: Vec<String>,
}

fn dev() -> String {
    "dev".into()
}

impl Labelled {
    /// Every technology, with how strongly the posting asks for it.
    pub fn gold(&self) -> BTreeMap<&str, Requirement> {
        let mut g = BTreeMap::new();
        for (list, r) in [
            (&self.mentioned, Requirement::Mentioned),
            (&self.preferred, Requirement::Preferred),
            (&self.required, Requirement::Required),
        ] {
            for id in list {
                g.insert(id.as_str(), r);
            }
        }
        g
    }
}

/// The labelled set shipped with the crate.
pub fn builtin_set() -> Vec<Labelled> {
    SETS.iter().flat_map(|s| parse_blocks(s).expect("the shipped labelled set parses")).collect()
}

/// Parses the block format described in the module documentation.
pub fn parse_blocks(text: &str) -> Result<Vec<Labelled>, String> {
    // A block opens with `### <id>`, the id being ASCII with a dash and a
    // number ("ko-001"); bodies may hold markdown headings ("### 岗位要求").
    let is_head = |l: &str| {
        l.strip_prefix("### ").is_some_and(|id| {
            id.is_ascii() && id.contains('-') && !id.contains(' ') && id.ends_with(|c: char| c.is_ascii_digit())
        })
    };
    let mut blocks: Vec<String> = Vec::new();
    for line in text.lines() {
        if is_head(line) {
            blocks.push(line.trim_start_matches("### ").to_string());
        } else if let Some(b) = blocks.last_mut() {
            b.push('\n');
            b.push_str(line);
        }
    }
    let mut out = Vec::new();
    for block in &blocks {
        let (head, body) = block.split_once("\n---\n").ok_or_else(|| format!("no --- in block {:.40}", block))?;
        let mut lines = head.lines();
        let id = lines.next().unwrap_or_default().trim().to_string();
        let mut l = Labelled {
            id: id.clone(),
            split: dev(),
            lang: String::new(),
            title: String::new(),
            body: body.trim_end().to_string(),
            category: String::new(),
            min_years: None,
            level: "unspecified".into(),
            required: vec![],
            preferred: vec![],
            mentioned: vec![],
        };
        let list = |v: &str| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>();
        for line in lines {
            let Some((k, v)) = line.split_once(':') else { continue };
            let v = v.trim();
            match k.trim() {
                "split" => l.split = v.into(),
                "lang" => l.lang = v.into(),
                "title" => l.title = v.into(),
                "category" => l.category = v.into(),
                "experience" => {
                    let mut it = v.split_whitespace();
                    l.min_years = it.next().and_then(|y| y.parse().ok());
                    l.level = it.next().unwrap_or("unspecified").into();
                }
                "required" => l.required = list(v),
                "preferred" => l.preferred = list(v),
                "mentioned" => l.mentioned = list(v),
                "source" | "note" => {}
                other => return Err(format!("{id}: unknown field {other}")),
            }
        }
        if JobCategory::from_code(&l.category).is_none() {
            return Err(format!("{id}: unknown category {}", l.category));
        }
        if Level::from_code(&l.level).is_none() {
            return Err(format!("{id}: unknown level {}", l.level));
        }
        out.push(l);
    }
    Ok(out)
}

pub fn parse_jsonl(text: &str) -> Result<Vec<Labelled>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The measurements over a set of postings.
#[derive(Debug, Default)]
pub struct Report {
    pub postings: usize,
    pub tech: Counts,
    pub by_lang: BTreeMap<String, Counts>,
    /// Technology id → posting ids where it was found but not labelled.
    pub false_positives: BTreeMap<String, Vec<String>>,
    pub false_negatives: BTreeMap<String, Vec<String>>,
    /// Over found technologies the posting labels required or preferred.
    pub requirement_right: usize,
    pub requirement_total: usize,
    pub category_right: usize,
    pub category_confusions: Vec<(String, String, String)>,
    pub years_right: usize,
    pub level_right: usize,
    pub experience_misses: Vec<(String, String, String)>,
    /// (posting, technology, labelled, found) where the requirement differs.
    pub requirement_misses: Vec<(String, String, Requirement, Requirement)>,
    pub micros_total: u128,
}

impl Report {
    pub fn requirement_accuracy(&self) -> f64 {
        ratio(self.requirement_right, self.requirement_total)
    }
    pub fn category_accuracy(&self) -> f64 {
        ratio(self.category_right, self.postings)
    }
    pub fn years_accuracy(&self) -> f64 {
        ratio(self.years_right, self.postings)
    }
    pub fn level_accuracy(&self) -> f64 {
        ratio(self.level_right, self.postings)
    }
}

/// Runs the extraction over every posting and compares with its labels.
pub fn evaluate(tax: &Taxonomy, set: &[Labelled]) -> Report {
    let mut r = Report::default();
    for p in set {
        let t0 = std::time::Instant::now();
        let x = tax.extract_posting(&p.title, &p.body);
        r.micros_total += t0.elapsed().as_micros();
        r.postings += 1;
        let gold = p.gold();
        let found: BTreeSet<&str> = x.technologies.iter().map(|m| m.tech_id.as_str()).collect();
        let lang = r.by_lang.entry(p.lang.clone()).or_default();
        for id in &found {
            if let Some(g) = gold.get(id) {
                r.tech.tp += 1;
                lang.tp += 1;
                if *g != Requirement::Mentioned {
                    r.requirement_total += 1;
                    match x.get(id) {
                        Some(m) if m.requirement == *g => r.requirement_right += 1,
                        Some(m) => r.requirement_misses.push((p.id.clone(), id.to_string(), *g, m.requirement)),
                        None => {}
                    }
                }
            } else {
                r.tech.fp += 1;
                lang.fp += 1;
                r.false_positives.entry(id.to_string()).or_default().push(p.id.clone());
            }
        }
        for id in gold.keys() {
            if !found.contains(id) {
                r.tech.fn_ += 1;
                lang.fn_ += 1;
                r.false_negatives.entry(id.to_string()).or_default().push(p.id.clone());
            }
        }
        if x.category.code() == p.category {
            r.category_right += 1;
        } else {
            r.category_confusions.push((p.id.clone(), p.category.clone(), x.category.code().into()));
        }
        let years_ok = x.experience.min_years == p.min_years;
        let level_ok = x.experience.level.code() == p.level;
        r.years_right += years_ok as usize;
        r.level_right += level_ok as usize;
        if !(years_ok && level_ok) {
            r.experience_misses.push((
                p.id.clone(),
                format!("{:?} {}", p.min_years, p.level),
                format!("{:?} {}", x.experience.min_years, x.experience.level.code()),
            ));
        }
    }
    r
}

/// A plain-text report: totals, per language, the worst misses.
pub fn render(name: &str, r: &Report, detail: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "== {name}: {} postings", r.postings);
    let _ = writeln!(
        s,
        "technologies  precision {:.3}  recall {:.3}  F1 {:.3}   (tp {} fp {} fn {})",
        r.tech.precision(),
        r.tech.recall(),
        r.tech.f1(),
        r.tech.tp,
        r.tech.fp,
        r.tech.fn_
    );
    for (lang, c) in &r.by_lang {
        let _ =
            writeln!(s, "  {lang:<5}       precision {:.3}  recall {:.3}  F1 {:.3}", c.precision(), c.recall(), c.f1());
    }
    let _ = writeln!(
        s,
        "required/preferred accuracy {:.3} ({} of {})",
        r.requirement_accuracy(),
        r.requirement_right,
        r.requirement_total
    );
    let _ = writeln!(
        s,
        "category accuracy           {:.3} ({} of {})",
        r.category_accuracy(),
        r.category_right,
        r.postings
    );
    let _ =
        writeln!(s, "experience accuracy         min years {:.3}, level {:.3}", r.years_accuracy(), r.level_accuracy());
    let _ = writeln!(
        s,
        "extraction time             {:.0} µs per posting (this build)",
        r.micros_total as f64 / r.postings.max(1) as f64
    );
    let worst = |m: &BTreeMap<String, Vec<String>>| {
        let mut v: Vec<_> = m.iter().collect();
        v.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        v.into_iter()
            .take(if detail { 40 } else { 10 })
            .map(|(k, ids)| format!("{k} ×{} ({})", ids.len(), ids.join(" ")))
            .collect::<Vec<_>>()
    };
    let _ = writeln!(s, "worst false positives: {}", worst(&r.false_positives).join("; "));
    let _ = writeln!(s, "worst false negatives: {}", worst(&r.false_negatives).join("; "));
    if detail {
        for (id, gold, got) in &r.category_confusions {
            let _ = writeln!(s, "  category {id}: labelled {gold}, got {got}");
        }
        for (id, tech, gold, got) in &r.requirement_misses {
            let _ = writeln!(s, "  requirement {id} {tech}: labelled {gold:?}, got {got:?}");
        }
        for (id, gold, got) in &r.experience_misses {
            let _ = writeln!(s, "  experience {id}: labelled {gold}, got {got}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_labelled_set_is_complete_and_uses_known_ids() {
        let set = builtin_set();
        let tax = Taxonomy::builtin();
        assert!(set.len() >= 150, "{} postings", set.len());
        let ids: BTreeSet<_> = set.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), set.len(), "ids are unique");
        for lang in ["ko", "en", "zh"] {
            assert!(set.iter().filter(|p| p.lang == lang).count() >= 45, "{lang}");
        }
        assert!(set.iter().filter(|p| p.split == "test").count() >= 50);
        for p in &set {
            for id in p.gold().keys() {
                assert!(tax.get(id).is_some(), "{}: {id} is not in the dictionary", p.id);
            }
        }
    }

    /// The regression gate: the shipped extraction must keep its measured
    /// quality on the labelled set (dev and test together).
    #[test]
    fn extraction_quality_meets_the_target() {
        let tax = Taxonomy::builtin();
        let set = builtin_set();
        let r = evaluate(&tax, &set);
        let report = render("all", &r, true);
        assert!(r.tech.precision() >= 0.95, "{report}");
        assert!(r.tech.recall() >= 0.90, "{report}");
        assert!(r.category_accuracy() >= 0.85, "{report}");
        assert!(r.requirement_accuracy() >= 0.80, "{report}");
        // and the held-out part alone, which the rules were not tuned on
        let test: Vec<_> = set.into_iter().filter(|p| p.split == "test").collect();
        let t = evaluate(&tax, &test);
        let report = render("test", &t, true);
        assert!(t.tech.precision() >= 0.95 && t.tech.recall() >= 0.90, "{report}");
    }
}
