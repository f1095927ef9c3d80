//! Aiming a résumé at what is asked: "tailor a copy" for a posting, and
//! "lead with these" for a job category's demand.
//!
//! The deterministic part reorders and never writes: skills, their
//! keywords, work and project entries and the lines inside them move up by
//! how much of what is asked they name (required 3, preferred 2, mentioned
//! 1, each technology once per place), ties keep their order, and every
//! line keeps its receipts (the `x-highlight-evidence` list moves with its
//! line). Nothing is added or removed, so nothing unproven appears.
//!
//! With a language model, the copy's summary is also rewritten toward the
//! posting from the résumé's own text, and kept only if it passes the
//! generation's check (no number, repository or URL the résumé does not
//! hold) and names no technology the résumé does not already name.

use super::{fit, stats};
use crate::github::ssr::analyze::Dictionaries;
use crate::market::types::{MarketQuery, Tailored};
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::llm::Message;
use crate::platform::ssr::state::AppState;
use crate::resume::ssr::check::{self, Allowed};
use crate::resume::ssr::versions::{self, Reason};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use taxonomy::posting::Requirement;

/// What is asked: technology id → weight.
#[derive(Debug, Clone, Default)]
pub struct Wanted(HashMap<String, u32>);

impl Wanted {
    pub fn from_asked(asked: &[(String, Requirement)]) -> Self {
        let mut w = HashMap::new();
        for (id, r) in asked {
            let weight = match r {
                Requirement::Required => 3,
                Requirement::Preferred => 2,
                Requirement::Mentioned => 1,
            };
            let e = w.entry(id.clone()).or_insert(0);
            *e = (*e).max(weight);
        }
        Self(w)
    }

    /// A ranked list (first = most wanted): weights from `n` down to 1.
    pub fn ranked(ids: &[String]) -> Self {
        let n = ids.len() as u32;
        Self(ids.iter().enumerate().map(|(i, id)| (id.clone(), n - i as u32)).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The asked technologies `text` names, each once.
    fn found(&self, dict: &Dictionaries, text: &str) -> HashSet<String> {
        let mut ids: HashSet<String> = dict
            .taxonomy
            .find_in_text(text)
            .into_iter()
            .map(|t| t.id.clone())
            .filter(|id| self.0.contains_key(id))
            .collect();
        // A skill's name alone ("Node.js", "k8s") resolves even where a
        // free-text rule would want more context.
        if let Some(t) = dict.taxonomy.resolve(text.trim()) {
            if self.0.contains_key(&t.id) {
                ids.insert(t.id.clone());
            }
        }
        ids
    }

    fn score(&self, dict: &Dictionaries, text: &str) -> u32 {
        self.found(dict, text).iter().map(|id| self.0[id]).sum()
    }
}

/// What tailoring did, for the page and the API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moves {
    /// The asked technologies the résumé names somewhere.
    pub matched: Vec<String>,
    /// Places whose order changed (`skills`, `projects`, `work.0.highlights` …).
    pub reordered: Vec<String>,
}

fn strings(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(strings).collect::<Vec<_>>().join("\n"),
        Value::Object(o) => o.values().map(strings).collect::<Vec<_>>().join("\n"),
        _ => String::new(),
    }
}

/// The order that puts higher scores first, ties in their old order.
fn order(scores: &[u32]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|a, b| scores[*b].cmp(&scores[*a]).then(a.cmp(b)));
    idx
}

fn changed(idx: &[usize]) -> bool {
    idx.iter().enumerate().any(|(i, j)| i != *j)
}

fn permute(list: &mut Vec<Value>, idx: &[usize]) {
    let old = std::mem::take(list);
    *list = idx.iter().map(|i| old[*i].clone()).collect();
}

/// Reorder `doc` toward `wanted` in place; what moved.
pub fn reorder(dict: &Dictionaries, doc: &mut Value, wanted: &Wanted) -> Moves {
    let mut moves = Moves::default();
    if wanted.is_empty() {
        return moves;
    }
    let mut matched: HashSet<String> = HashSet::new();
    // `get_mut`, never `doc[..]` on a mutable value: indexing a missing
    // key would insert a null, which is not JSON Resume.
    if let Some(skills) = doc.get_mut("skills").and_then(Value::as_array_mut) {
        for (i, s) in skills.iter_mut().enumerate() {
            if let Some(kw) = s.get_mut("keywords").and_then(Value::as_array_mut) {
                let scores: Vec<u32> = kw.iter().map(|k| wanted.score(dict, k.as_str().unwrap_or_default())).collect();
                let idx = order(&scores);
                permute(kw, &idx);
                if changed(&idx) {
                    moves.reordered.push(format!("skills.{i}.keywords"));
                }
            }
        }
        let scores: Vec<u32> = skills
            .iter()
            .map(|s| {
                let found = wanted.found(dict, &strings(&s["name"]));
                let mut all = found.clone();
                for k in s["keywords"].as_array().into_iter().flatten() {
                    all.extend(wanted.found(dict, k.as_str().unwrap_or_default()));
                }
                matched.extend(all.iter().cloned());
                all.iter().map(|id| wanted.0[id]).sum()
            })
            .collect();
        let idx = order(&scores);
        permute(skills, &idx);
        if changed(&idx) {
            moves.reordered.push("skills".into());
        }
    }
    for section in ["work", "projects"] {
        let Some(items) = doc.get_mut(section).and_then(Value::as_array_mut) else { continue };
        let mut item_scores = Vec::with_capacity(items.len());
        let mut lines_moved = false;
        for item in items.iter_mut() {
            let line_scores: Vec<u32> = item["highlights"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|h| wanted.score(dict, h.as_str().unwrap_or_default()))
                .collect();
            let idx = order(&line_scores);
            lines_moved |= changed(&idx);
            if let Some(h) = item.get_mut("highlights").and_then(Value::as_array_mut) {
                permute(h, &idx);
            }
            // Each line's receipts go where the line goes.
            if let Some(ev) =
                item.get_mut("x-highlight-evidence").and_then(Value::as_array_mut).filter(|e| e.len() == idx.len())
            {
                permute(ev, &idx);
            }
            let whole = ["name", "position", "description", "summary", "keywords", "highlights"]
                .iter()
                .map(|k| strings(&item[*k]))
                .collect::<Vec<_>>()
                .join("\n");
            let found = wanted.found(dict, &whole);
            item_scores.push(found.iter().map(|id| wanted.0[id]).sum());
            matched.extend(found);
        }
        let idx = order(&item_scores);
        permute(items, &idx);
        if changed(&idx) {
            moves.reordered.push(section.to_string());
        }
        if lines_moved {
            moves.reordered.push(format!("{section}.highlights"));
        }
    }
    let mut matched: Vec<String> = matched.into_iter().collect();
    matched.sort_by(|a, b| wanted.0[b].cmp(&wanted.0[a]).then(a.cmp(b)));
    moves.matched =
        matched.into_iter().map(|id| dict.taxonomy.get(&id).map_or(id.clone(), |t| t.name.clone())).collect();
    moves
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// A copy of the owner's résumé `id`, tailored toward `asked` (a posting's
/// technologies) in `category`.
pub async fn tailor_copy(
    state: &AppState,
    user_id: &str,
    id: &str,
    asked: &[(String, Requirement)],
    category: &str,
) -> AppResult<Tailored> {
    if asked.is_empty() {
        return Err(AppError::validation("text", "the posting names no technology to tailor toward"));
    }
    let src = state.writer.owned(user_id, id).await?.ok_or(AppError::NotFound)?;
    let mut doc =
        src.document.clone().ok_or_else(|| AppError::Conflict("only a written résumé can be tailored".into()))?;
    let wanted = Wanted::from_asked(asked);
    let moves = reorder(&state.dict, &mut doc, &wanted);
    let ko = src.language == crate::resume::types::Lang::Ko;
    let has_summary = doc["basics"]["summary"].as_str().is_some_and(|s| !s.trim().is_empty());
    let (writer, note) = match state.writer.llm.as_ref().filter(|_| has_summary) {
        Some(llm) => match quota(state, user_id, id).await {
            Err(why) => ("rules", Some(why)),
            Ok(ledger) => match summary_with_llm(state, llm, &doc, asked, category, ko).await {
                Ok(s) => {
                    doc["basics"]["summary"] = json!(s);
                    ("llm", None)
                }
                Err((why, transport)) => {
                    if transport {
                        state.writer.refund(user_id, &ledger, true).await;
                    }
                    tracing::info!(%why, "a tailored summary was not used");
                    ("rules", Some(why))
                }
            },
        },
        None => ("rules", None),
    };
    let cat = crate::market::texts::category_name(
        if ko { crate::platform::i18n::Lang::Ko } else { crate::platform::i18n::Lang::En },
        category,
    );
    let base = src.title.clone().or(src.target_role.clone()).unwrap_or_default();
    let suffix = if ko { format!("({cat} 맞춤)") } else { format!("(tailored: {cat})") };
    let title: String = format!("{base} {suffix}").trim().chars().take(versions::TITLE_MAX).collect();
    let new_id = versions::duplicate_as(&state.db, user_id, id, &doc, &title, Reason::Tailor).await?;
    Ok(Tailored {
        id: new_id,
        version: 1,
        matched: moves.matched,
        reordered: moves.reordered,
        writer: writer.into(),
        note,
    })
}

/// A copy of the owner's résumé `id` tailored to a posting's text.
pub async fn tailor_to_text(state: &AppState, user_id: &str, id: &str, text: &str) -> AppResult<Tailored> {
    let text = fit::check_text(text)?;
    let x = fit::extract(&state.dict, text);
    let asked: Vec<_> = x.technologies.iter().map(|m| (m.tech_id.clone(), m.requirement)).collect();
    tailor_copy(state, user_id, id, &asked, x.category.code()).await
}

/// Put `category`'s in-demand skills that the owner's code proves first
/// in their résumé `id`.
pub async fn lead_with_category(state: &AppState, user_id: &str, id: &str, category: &str) -> AppResult<Tailored> {
    let f = stats::Filter::parse(&MarketQuery { category: Some(category.to_string()), ..Default::default() })?;
    if f.category.is_none() {
        return Err(AppError::validation("category", "choose a job category"));
    }
    state.writer.owned(user_id, id).await?.ok_or(AppError::NotFound)?;
    let fit = super::routes::fit_view(state, user_id, &f).await?;
    if !fit.has_profile {
        return Err(AppError::validation("category", "import your GitHub work first: there is nothing proven yet"));
    }
    let lead: Vec<String> = fit.proven_in_demand.iter().map(|i| i.tech_id.clone()).collect();
    let (version, moves) = lead_with(state, user_id, id, &lead).await?;
    Ok(Tailored {
        id: id.to_string(),
        version,
        matched: moves.matched,
        reordered: moves.reordered,
        writer: "rules".into(),
        note: None,
    })
}

/// Reorder the owner's résumé `id` in place so `lead` (technology ids, most
/// wanted first) come first: a new version (reason `tailor`). Returns the
/// new version and what moved.
pub async fn lead_with(state: &AppState, user_id: &str, id: &str, lead: &[String]) -> AppResult<(i32, Moves)> {
    if lead.is_empty() {
        return Err(AppError::validation("category", "none of your proven skills is in demand there yet"));
    }
    let row = state.writer.owned(user_id, id).await?.ok_or(AppError::NotFound)?;
    let mut doc =
        row.document.clone().ok_or_else(|| AppError::Conflict("only a written résumé can be reordered".into()))?;
    let moves = reorder(&state.dict, &mut doc, &Wanted::ranked(lead));
    let version = versions::save(&state.db, user_id, id, row.version, &doc, Reason::Tailor).await?;
    Ok((version, moves))
}

/// One unit of the daily quota for a rewritten summary (the ledger id), or
/// why not.
async fn quota(state: &AppState, user_id: &str, resume_id: &str) -> Result<String, String> {
    let ledger = uuid::Uuid::new_v4().to_string();
    let txn = crate::platform::ssr::db::begin_write(&state.db).await.map_err(|e| e.to_string())?;
    match state.writer.take_quota(&txn, user_id, resume_id, &ledger, TAILOR_KIND).await {
        Ok(()) => {
            txn.commit().await.map_err(|e| e.to_string())?;
            Ok(ledger)
        }
        Err(_) => {
            let _ = txn.rollback().await;
            Err("the daily quota is used up: reordered only".into())
        }
    }
}

/// Ledger kind of a tailored summary (one unit of the daily quota).
pub const TAILOR_KIND: &str = "tailor_summary";

/// A summary rewritten toward the posting, or why not (and whether the
/// model could not be reached: the quota unit is then given back).
async fn summary_with_llm(
    state: &AppState,
    llm: &crate::platform::ssr::llm::LlmClient,
    doc: &Value,
    asked: &[(String, Requirement)],
    category: &str,
    ko: bool,
) -> Result<String, (String, bool)> {
    let summary = doc["basics"]["summary"].as_str().unwrap_or_default();
    let names: Vec<String> =
        asked.iter().filter_map(|(id, _)| state.dict.taxonomy.get(id).map(|t| t.name.clone())).collect();
    let facts = strings(doc);
    let instruction = if ko {
        "당신은 이력서 편집자입니다. 주어진 이력서의 요약(SUMMARY)을 채용 공고가 요구하는 기술(ASKED)에 맞춰 2~3문장으로 다시 쓰세요. \
         이력서(RESUME)에 있는 사실만 쓰고, 이력서에 없는 기술·숫자·저장소·URL은 절대 쓰지 마세요. \
         JSON {\"summary\": \"...\"} 하나로만 답하세요."
    } else {
        "You edit résumés. Rewrite the résumé's SUMMARY in 2–3 sentences toward what the posting asks (ASKED). \
         Use only facts the RESUME states; never name a technology, number, repository or URL the résumé does not hold. \
         Answer with one JSON object {\"summary\": \"...\"} only."
    };
    let messages = [
        Message::system(instruction.to_string()),
        Message::user(format!(
            "CATEGORY: {category}\nASKED: {}\n\nSUMMARY:\n{summary}\n\nRESUME:\n{}",
            names.join(", "),
            facts.chars().take(12_000).collect::<String>()
        )),
    ];
    let schema = json!({ "type": "object", "properties": { "summary": { "type": "string" } }, "required": ["summary"], "additionalProperties": false });
    let answer = llm
        .complete(&messages, Some(&schema), 500, &mut |_| {})
        .await
        .map_err(|e| (format!("the model failed: {e}"), e.is_transport()))?;
    let dropped = |why: String| (why, false);
    let text = serde_json::from_str::<Value>(check::json_part(&answer.text))
        .ok()
        .and_then(|v| v["summary"].as_str().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")))
        .filter(|s| !s.is_empty() && s.chars().count() <= 1500)
        .ok_or_else(|| dropped("the model's answer was not a summary".into()))?;
    if ko && !has_hangul(&text) {
        return Err(dropped("the model answered in another language".into()));
    }
    let allowed = Allowed::from_data(&facts, &BTreeMap::new(), &[]);
    if let Some(why) = allowed.violation(&text) {
        return Err(dropped(format!("the model's summary {why}")));
    }
    let known: HashSet<String> = state.dict.taxonomy.find_in_text(&facts).into_iter().map(|t| t.id.clone()).collect();
    if let Some(t) = state.dict.taxonomy.find_in_text(&text).into_iter().find(|t| !known.contains(&t.id)) {
        return Err(dropped(format!("the model's summary names {} which the résumé does not", t.name)));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Dictionaries {
        Dictionaries::builtin()
    }

    fn doc() -> Value {
        json!({
            "basics": { "name": "김옥토", "summary": "웹 서비스를 만듭니다." },
            "skills": [
                { "name": "Frontend", "keywords": ["CSS", "React"] },
                { "name": "Backend", "keywords": ["Django", "Rust", "Kubernetes"] }
            ],
            "projects": [
                { "name": "blog", "highlights": ["React로 블로그를 만들었습니다"], "x-highlight-evidence": [[{ "label": "o/blog" }]] },
                { "name": "transit-api",
                  "highlights": ["CSS 정리", "Rust와 axum으로 도착 정보 API를 만들었습니다", "쿠버네티스에 배포했습니다"],
                  "x-highlight-evidence": [[{ "label": "a" }], [{ "label": "b" }], [{ "label": "c" }]] }
            ]
        })
    }

    #[test]
    fn what_is_asked_moves_up_with_its_receipts_and_nothing_is_added() {
        let d = dict();
        let mut doc = doc();
        let before = doc.clone();
        let asked =
            vec![("rust".to_string(), Requirement::Required), ("kubernetes".to_string(), Requirement::Preferred)];
        let m = reorder(&d, &mut doc, &Wanted::from_asked(&asked));
        assert_eq!(doc["skills"][0]["name"], "Backend");
        assert_eq!(doc["skills"][0]["keywords"], json!(["Rust", "Kubernetes", "Django"]));
        assert_eq!(doc["projects"][0]["name"], "transit-api");
        let p = &doc["projects"][0];
        assert_eq!(p["highlights"][0], "Rust와 axum으로 도착 정보 API를 만들었습니다");
        assert_eq!(p["highlights"][1], "쿠버네티스에 배포했습니다");
        assert_eq!(p["x-highlight-evidence"][0][0]["label"], "b");
        assert_eq!(p["x-highlight-evidence"][1][0]["label"], "c");
        assert_eq!(p["x-highlight-evidence"][2][0]["label"], "a");
        assert_eq!(m.matched, vec!["Rust".to_string(), "Kubernetes".to_string()]);
        assert!(m.reordered.contains(&"skills".to_string()) && m.reordered.contains(&"projects".to_string()), "{m:?}");
        // Same lines, same count: only the order changed.
        assert_eq!(strings(&doc).len(), strings(&before).len());
        assert_eq!(doc["basics"], before["basics"]);
    }

    #[test]
    fn nothing_asked_or_nothing_matched_changes_nothing() {
        let d = dict();
        let mut doc = doc();
        assert_eq!(reorder(&d, &mut doc, &Wanted::default()), Moves::default());
        let m = reorder(&d, &mut doc, &Wanted::from_asked(&[("haskell".into(), Requirement::Required)]));
        assert!(m.reordered.is_empty() && m.matched.is_empty());
        assert_eq!(doc, self::doc());
    }
}

pub mod routes {
    //! `POST /api/v1/resumes/{id}/tailor` and `/lead-with`.

    use crate::account::ssr::extract::AuthUser;
    use crate::market::types::{LeadRequest, TailorRequest, Tailored};
    use crate::platform::api::ErrorBody;
    use crate::platform::ssr::error::{AppError, AppResult};
    use crate::platform::ssr::state::AppState;
    use axum::{
        extract::{rejection::JsonRejection, Path, State},
        http::StatusCode,
        Json,
    };
    use utoipa_axum::{router::OpenApiRouter, routes};

    pub fn router() -> OpenApiRouter<AppState> {
        OpenApiRouter::new().routes(routes!(tailor)).routes(routes!(lead_with))
    }

    /// A copy of my résumé aimed at a posting: what the posting asks moves
    /// up (skills, their keywords, entries, the lines inside them), every
    /// line keeps its receipts, nothing is added; with a language model the
    /// summary is rewritten toward it too (checked; one unit of the daily
    /// quota). The original is untouched.
    #[utoipa::path(post, path = "/resumes/{id}/tailor", tag = "market",
        params(("id" = String, Path, description = "Résumé id")),
        request_body = TailorRequest,
        responses(
            (status = 201, description = "The tailored copy", body = Tailored),
            (status = 401, description = "Not signed in", body = ErrorBody),
            (status = 404, description = "No such résumé of yours", body = ErrorBody),
            (status = 409, description = "The résumé is not written yet", body = ErrorBody),
            (status = 422, description = "Empty or too long, or the posting names no technology", body = ErrorBody),
        ),
        security(("bearer" = [])))]
    pub async fn tailor(
        State(state): State<AppState>,
        user: AuthUser,
        Path(id): Path<String>,
        body: Result<Json<TailorRequest>, JsonRejection>,
    ) -> AppResult<(StatusCode, Json<Tailored>)> {
        let Json(req) = body.map_err(|e| AppError::validation("text", e.body_text()))?;
        let t = super::tailor_to_text(&state, &user.user_id, &id, &req.text).await?;
        Ok((StatusCode::CREATED, Json(t)))
    }

    /// Put the category's in-demand skills that my code proves first in my
    /// résumé (a new version, reason `tailor`).
    #[utoipa::path(post, path = "/resumes/{id}/lead-with", tag = "market",
        params(("id" = String, Path, description = "Résumé id")),
        request_body = LeadRequest,
        responses(
            (status = 200, description = "Reordered", body = Tailored),
            (status = 401, description = "Not signed in", body = ErrorBody),
            (status = 404, description = "No such résumé of yours", body = ErrorBody),
            (status = 412, description = "The résumé changed meanwhile; try again", body = ErrorBody),
            (status = 422, description = "Unknown category, no profile, or nothing proven in demand", body = ErrorBody),
        ),
        security(("bearer" = [])))]
    pub async fn lead_with(
        State(state): State<AppState>,
        user: AuthUser,
        Path(id): Path<String>,
        body: Result<Json<LeadRequest>, JsonRejection>,
    ) -> AppResult<Json<Tailored>> {
        let Json(req) = body.map_err(|e| AppError::validation("category", e.body_text()))?;
        Ok(Json(super::lead_with_category(&state, &user.user_id, &id, &req.category).await?))
    }
}
