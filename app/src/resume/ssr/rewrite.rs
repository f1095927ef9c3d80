//! Rewriting one bullet: shorter, a stronger verb, more specific, or
//! translated (Korean ↔ English). With a language model the proposal is
//! written from the bullet and the facts behind its receipts only, then
//! checked as a generation is (no number, repository or URL that those
//! facts do not hold), and it costs one unit of the daily quota. Without
//! one, rules do what rules can do honestly (drop filler words, replace a
//! weak opening verb with one that claims no more, name the receipts'
//! repositories) and say so when there is nothing they can do.
//!
//! Nothing is changed here: the owner sees the proposal as a diff and
//! accepts it by saving (a version of its own, reason `rewrite`).

use super::check::{self, Allowed};
use super::context::{self, RefItem, PROMPT_BUDGET};
use super::diff;
use super::generate::Writer;
use crate::platform::ssr::error::AppError;
use crate::platform::ssr::llm::{LlmError, Message};
use crate::profile::ssr::profiles;
use crate::resume::types::{Receipt, RewriteMode, RewriteProposal, RewriteRequest};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The longest bullet taken.
pub const MAX_CHARS: usize = 1000;
/// Ledger kind of a rewrite (one unit of the daily quota).
pub const REWRITE_KIND: &str = "bullet_rewrite";

#[derive(Debug, thiserror::Error)]
pub enum RewriteError {
    /// Rules cannot do this honestly and no model is configured.
    #[error("{0}")]
    NeedsLlm(&'static str),
    /// The model's proposal named something the receipts do not show.
    #[error("the proposal was dropped: it {0}")]
    Unverified(String),
    #[error("daily quota used up")]
    Quota { retry_after_secs: u64 },
    #[error(transparent)]
    App(#[from] AppError),
}

impl RewriteError {
    /// As the API answers it.
    pub fn into_app(self) -> AppError {
        match self {
            RewriteError::NeedsLlm(why) => AppError::validation("mode", format!("needs_llm: {why}")),
            RewriteError::Unverified(why) => {
                AppError::validation("text", format!("unverified: the proposal was dropped because it {why}"))
            }
            RewriteError::Quota { retry_after_secs } => AppError::RateLimited { retry_after_secs },
            RewriteError::App(e) => e,
        }
    }
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replace `from` (any case, whole words) with `to` everywhere in `text`.
fn replace_words(text: &str, from: &str, to: &str) -> String {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return text.replace(from, to); // case folding moved bytes: exact matches only
    }
    let mut out = String::new();
    let mut rest = 0;
    let mut from_at = 0;
    while let Some(i) = lower[from_at..].find(from).map(|i| i + from_at) {
        let end = i + from.len();
        let before = text[..i].chars().next_back();
        let after = text[end..].chars().next();
        let bounded = !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        if bounded {
            out.push_str(&text[rest..i]);
            out.push_str(to);
            rest = end;
        }
        from_at = end;
    }
    out.push_str(&text[rest..]);
    out
}

fn capitalise_first(text: &str) -> String {
    let mut cs = text.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// Filler that says nothing, and the shorter words that say the same.
const SHORTER_EN: [(&str, &str); 17] = [
    ("in order to", "to"),
    ("so as to", "to"),
    ("for the purpose of", "for"),
    ("due to the fact that", "because"),
    ("is able to", "can"),
    ("are able to", "can"),
    ("a large number of", "many"),
    ("utilized", "used"),
    ("utilised", "used"),
    ("utilizing", "using"),
    ("utilising", "using"),
    ("successfully ", ""),
    ("effectively ", ""),
    ("very ", ""),
    ("really ", ""),
    ("basically ", ""),
    ("various ", ""),
];
const SHORTER_KO: [(&str, &str); 6] = [
    ("하였습니다", "했습니다"),
    ("되었습니다", "됐습니다"),
    ("성공적으로 ", ""),
    ("효과적으로 ", ""),
    ("다양한 ", ""),
    ("매우 ", ""),
];
/// Weak openings and a verb that claims no more than they do.
const STRONGER_EN: [(&str, &str); 10] = [
    ("was responsible for", "Owned"),
    ("was involved in", "Contributed to"),
    ("participated in", "Contributed to"),
    ("took part in", "Contributed to"),
    ("helped with", "Contributed to"),
    ("helped to", "Helped"),
    ("worked on", "Developed"),
    ("wrote code for", "Implemented"),
    ("made", "Built"),
    ("did", "Carried out"),
];
const STRONGER_KO: [(&str, &str); 3] = [("참여했습니다", "기여했습니다"), ("참여함", "기여함"), ("참여", "기여")];

/// What rules can honestly propose, or why they cannot.
pub fn by_rules(mode: RewriteMode, text: &str, receipts: &[Receipt]) -> Result<String, &'static str> {
    let ko = has_hangul(text);
    let proposal = match mode {
        RewriteMode::Translate => return Err("translating needs a language model"),
        RewriteMode::Shorter => {
            let mut t = text.to_string();
            let rules: &[(&str, &str)] = if ko { &SHORTER_KO } else { &SHORTER_EN };
            for (from, to) in rules {
                t = if ko { t.replace(from, to) } else { replace_words(&t, from.trim_end(), to.trim_end()) };
            }
            capitalise_first(&collapse(&t))
        }
        RewriteMode::Stronger if ko => {
            let mut t = text.to_string();
            for (from, to) in STRONGER_KO {
                if t.contains(from) {
                    t = t.replacen(from, to, 1);
                    break;
                }
            }
            t
        }
        RewriteMode::Stronger => {
            // Past a filler adverb ("Successfully worked on …").
            let mut trimmed = text.trim_start();
            for adverb in ["successfully ", "effectively ", "actively "] {
                if trimmed.len() > adverb.len()
                    && trimmed.is_char_boundary(adverb.len())
                    && trimmed[..adverb.len()].eq_ignore_ascii_case(adverb)
                {
                    trimmed = trimmed[adverb.len()..].trim_start();
                }
            }
            let lower = trimmed.to_lowercase();
            match STRONGER_EN.iter().find(|(from, _)| {
                lower.starts_with(from) && !lower[from.len()..].starts_with(|c: char| c.is_alphanumeric())
            }) {
                Some((from, to)) if lower.len() == trimmed.len() => {
                    format!("{to}{}", &trimmed[from.len()..])
                }
                _ => text.to_string(),
            }
        }
        RewriteMode::Specific => {
            let lower = text.to_lowercase();
            let named: Vec<&str> = receipts
                .iter()
                .filter(|r| r.kind != "skill")
                .map(|r| r.label.as_str())
                .filter(|l| {
                    let short = l.rsplit('/').next().unwrap_or(l).to_lowercase();
                    !lower.contains(&l.to_lowercase()) && !lower.contains(&short)
                })
                .collect();
            if named.is_empty() {
                text.to_string()
            } else {
                format!("{} ({})", text.trim_end().trim_end_matches('.'), named.join(", "))
            }
        }
    };
    if collapse(&proposal) == collapse(text) {
        return Err(match mode {
            RewriteMode::Shorter => "the rules found no filler to drop; a shorter wording needs a language model",
            RewriteMode::Stronger => "the rules found no weak opening verb to replace; this needs a language model",
            _ => "the receipts are named already; more detail needs a language model",
        });
    }
    Ok(proposal)
}

/// The facts behind `receipts`: the entries of the profile's data block
/// whose links they are (repositories with their description, languages
/// and technologies; pull requests with their titles; skills), and the
/// references the check accepts.
fn facts(data: &Value, refs: &BTreeMap<String, RefItem>, receipts: &[Receipt]) -> (Value, BTreeMap<String, RefItem>) {
    let urls: BTreeSet<&str> = receipts.iter().map(|r| r.url.trim_end_matches('/')).collect();
    let ids: BTreeSet<&str> =
        refs.iter().filter(|(_, r)| urls.contains(r.url.trim_end_matches('/'))).map(|(id, _)| id.as_str()).collect();
    let listed = |e: &Value| e["id"].as_str().is_some_and(|i| ids.contains(i));
    let keep =
        |list: &Value| -> Vec<Value> { list.as_array().into_iter().flatten().filter(|e| listed(e)).cloned().collect() };
    let contributions: Vec<Value> = data["open_source_contributions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let prs = keep(&c["pull_requests"]);
            let whole = listed(c);
            (whole || !prs.is_empty()).then(|| {
                let mut c = c.clone();
                c["pull_requests"] = Value::Array(prs);
                c
            })
        })
        .collect();
    let kept = refs.iter().filter(|(id, _)| ids.contains(id.as_str())).map(|(id, r)| (id.clone(), r.clone())).collect();
    let facts = json!({
        "receipts": receipts,
        "skills": keep(&data["skills"]),
        "repositories": keep(&data["repositories"]),
        "open_source_contributions": contributions,
    });
    (facts, kept)
}

fn instruction(mode: RewriteMode, ko_now: bool) -> String {
    let language = if ko_now { "Korean" } else { "English" };
    let task = match mode {
        RewriteMode::Shorter => {
            format!("Make it shorter (about two thirds of its length or less) without losing a fact. Write in {language}.")
        }
        RewriteMode::Stronger => format!(
            "Open it with a strong, precise action verb. Do not overstate the developer's role. Write in {language}."
        ),
        RewriteMode::Specific => format!(
            "Make it more specific using facts from RECEIPTS (the repository, its languages and technologies, pull request titles). Write in {language}."
        ),
        RewriteMode::Translate => {
            let to = if ko_now { "English" } else { "Korean" };
            format!("Translate it into natural {to} as a résumé line; keep technology and repository names as they are.")
        }
    };
    format!(
        "You edit one line of a developer's résumé. {task} Keep it one line. Use only facts stated in BULLET or \
         RECEIPTS: no number, name, URL, technology or result that is not there. Answer with JSON only: \
         {{\"text\": \"the new line\"}}."
    )
}

fn answer_schema() -> Value {
    json!({ "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"], "additionalProperties": false })
}

impl Writer {
    /// A proposed rewrite of one bullet of `user_id`'s résumé.
    pub async fn rewrite(
        &self,
        user_id: &str,
        resume_id: &str,
        req: &RewriteRequest,
    ) -> Result<RewriteProposal, RewriteError> {
        if !matches!(req.section.as_str(), "work" | "projects") {
            return Err(AppError::validation("section", "must be `work` or `projects`").into());
        }
        let row = self.owned(user_id, resume_id).await?.ok_or(AppError::NotFound)?;
        let doc = row.document.ok_or(AppError::NotFound)?;
        let item = &doc[req.section.as_str()][req.item];
        let saved = item["highlights"][req.bullet].as_str();
        let Some(saved) = saved else { return Err(AppError::validation("bullet", "no such bullet").into()) };
        let original = req.text.clone().unwrap_or_else(|| saved.to_string());
        if original.trim().is_empty() {
            return Err(AppError::validation("text", "write the line first").into());
        }
        if original.chars().count() > MAX_CHARS {
            return Err(AppError::validation("text", format!("at most {MAX_CHARS} characters")).into());
        }
        let receipts: Vec<Receipt> = item["x-highlight-evidence"][req.bullet]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| serde_json::from_value(r.clone()).ok())
            .collect();
        let (text, writer) = match &self.llm {
            None => (by_rules(req.mode, &original, &receipts).map_err(RewriteError::NeedsLlm)?, "rules"),
            Some(_) => (self.rewrite_with_llm(user_id, resume_id, req.mode, &original, &receipts).await?, "llm"),
        };
        Ok(RewriteProposal {
            diff: diff::words_diff(&original, &text),
            original,
            text,
            mode: req.mode,
            writer: writer.to_string(),
        })
    }

    async fn rewrite_with_llm(
        &self,
        user_id: &str,
        resume_id: &str,
        mode: RewriteMode,
        original: &str,
        receipts: &[Receipt],
    ) -> Result<String, RewriteError> {
        let llm = self.llm.as_ref().expect("called with a model");
        let (data, refs) = match profiles::latest(&self.db, user_id).await? {
            Some((profile, _)) => {
                let ctx = context::build(&profile, PROMPT_BUDGET);
                let data: Value = serde_json::from_str(&ctx.data).unwrap_or_default();
                facts(&data, &ctx.refs, receipts)
            }
            None => (json!({ "receipts": receipts }), BTreeMap::new()),
        };
        let facts_text = data.to_string();
        let ledger = uuid::Uuid::new_v4().to_string();
        let txn = crate::platform::ssr::db::begin_write(&self.db).await.map_err(AppError::from)?;
        match self.take_quota(&txn, user_id, resume_id, &ledger, REWRITE_KIND).await {
            Ok(()) => {}
            Err(super::generate::StartError::Quota { retry_after_secs }) => {
                return Err(RewriteError::Quota { retry_after_secs })
            }
            Err(super::generate::StartError::Failed(e)) => return Err(e.into()),
            Err(_) => return Err(AppError::Internal(anyhow::anyhow!("unexpected quota answer")).into()),
        }
        txn.commit().await.map_err(AppError::from)?;
        let messages = [
            Message::system(instruction(mode, has_hangul(original))),
            Message::user(format!("BULLET:\n{original}\n\nRECEIPTS:\n{facts_text}")),
        ];
        let answer = match llm.complete(&messages, Some(&answer_schema()), 400, &mut |_| {}).await {
            Ok(a) => a,
            Err(e) => {
                if e.is_transport() {
                    self.refund(user_id, &ledger, true).await;
                }
                return Err(llm_failed(e).into());
            }
        };
        let text = serde_json::from_str::<Value>(check::json_part(&answer.text))
            .ok()
            .and_then(|v| v["text"].as_str().map(collapse))
            .filter(|t| !t.is_empty() && t.chars().count() <= MAX_CHARS)
            .ok_or_else(|| RewriteError::Unverified("was not a line of text".into()))?;
        let receipt_urls: Vec<String> = receipts.iter().map(|r| r.url.clone()).collect();
        let allowed = Allowed::from_data(&format!("{original}\n{facts_text}"), &refs, &receipt_urls);
        if let Some(why) = allowed.violation(&text) {
            tracing::info!(%why, "a bullet rewrite was dropped by the check");
            return Err(RewriteError::Unverified(why));
        }
        Ok(text)
    }
}

fn llm_failed(e: LlmError) -> AppError {
    AppError::Upstream { service: "the language model", message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(label: &str) -> Receipt {
        Receipt { kind: "repository".into(), label: label.into(), url: format!("https://github.com/{label}") }
    }

    #[test]
    fn shorter_drops_filler_and_keeps_every_fact() {
        let got = by_rules(
            RewriteMode::Shorter,
            "Successfully utilized Redis in order to cut p99 latency by 40% across various services",
            &[],
        )
        .unwrap();
        assert_eq!(got, "Used Redis to cut p99 latency by 40% across services");
        let ko = by_rules(RewriteMode::Shorter, "다양한 API를 성공적으로 개발하였습니다", &[]).unwrap();
        assert_eq!(ko, "API를 개발했습니다");
    }

    #[test]
    fn a_weak_opening_becomes_a_verb_that_claims_no_more() {
        assert_eq!(
            by_rules(RewriteMode::Stronger, "Worked on the transit API", &[]).unwrap(),
            "Developed the transit API"
        );
        assert_eq!(
            by_rules(RewriteMode::Stronger, "was involved in the migration to Postgres", &[]).unwrap(),
            "Contributed to the migration to Postgres"
        );
        assert_eq!(
            by_rules(RewriteMode::Stronger, "결제 모듈 개발에 참여했습니다", &[]).unwrap(),
            "결제 모듈 개발에 기여했습니다"
        );
        // "Made" only as a word of its own, not "Makefile".
        assert!(by_rules(RewriteMode::Stronger, "Makefile targets for CI", &[]).is_err());
    }

    #[test]
    fn specific_names_the_receipts_it_rests_on() {
        let r = [receipt("octocat/transit-api"), receipt("octocat/hello")];
        assert_eq!(
            by_rules(RewriteMode::Specific, "Built the arrivals endpoint in hello.", &r).unwrap(),
            "Built the arrivals endpoint in hello (octocat/transit-api)"
        );
        assert!(by_rules(RewriteMode::Specific, "Wrote transit-api and hello", &r).is_err());
    }

    #[test]
    fn rules_say_when_only_a_model_could_do_it() {
        assert!(by_rules(RewriteMode::Translate, "Built it", &[]).unwrap_err().contains("language model"));
        assert!(by_rules(RewriteMode::Shorter, "Built the API", &[]).unwrap_err().contains("language model"));
    }

    #[test]
    fn facts_hold_only_what_the_receipts_point_at() {
        let data = json!({
            "skills": [{ "id": "S1", "name": "Rust" }],
            "repositories": [{ "id": "R1", "name": "o/a", "description": "A" }, { "id": "R2", "name": "o/b" }],
            "open_source_contributions": [{ "id": "C1", "repository": "x/y", "pull_requests": [{ "id": "P1", "title": "Fix" }, { "id": "P2", "title": "Other" }] }],
        });
        let refs = BTreeMap::from([
            ("S1".to_string(), RefItem { kind: "skill", label: "Rust".into(), url: "https://github.com/o/a".into() }),
            (
                "R1".to_string(),
                RefItem { kind: "repository", label: "o/a".into(), url: "https://github.com/o/a".into() },
            ),
            (
                "R2".to_string(),
                RefItem { kind: "repository", label: "o/b".into(), url: "https://github.com/o/b".into() },
            ),
            (
                "P1".to_string(),
                RefItem { kind: "pull_request", label: "Fix".into(), url: "https://github.com/x/y/pull/1".into() },
            ),
        ]);
        let receipts = [
            receipt("o/a"),
            Receipt { kind: "pull_request".into(), label: "Fix".into(), url: "https://github.com/x/y/pull/1/".into() },
        ];
        let (f, kept) = facts(&data, &refs, &receipts);
        assert_eq!(f["repositories"].as_array().unwrap().len(), 1);
        assert_eq!(f["repositories"][0]["id"], "R1");
        assert_eq!(f["open_source_contributions"][0]["pull_requests"], json!([{ "id": "P1", "title": "Fix" }]));
        assert!(kept.contains_key("P1") && !kept.contains_key("R2"));
    }
}
