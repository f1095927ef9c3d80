//! From a checked draft to the stored document: JSON Resume, with each
//! item's receipts under `x-evidence` (and per-highlight receipts under
//! `x-highlight-evidence`) and the generation's details under
//! `meta.x-proofolio`. Validated against the official schema (vendored from
//! npm `@jsonresume/schema` 1.3.1, MIT, `app/data/jsonresume/`).

use super::context::RefItem;
use crate::profile::types::SkillProfile;
use crate::resume::types::{Draft, DraftHighlight, Lang, Receipt, WriterKind};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::LazyLock;

const SCHEMA: &str = include_str!("../../../data/jsonresume/schema.json");
pub const SCHEMA_URL: &str = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json";

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the vendored JSON Resume schema parses");
    jsonschema::validator_for(&schema).expect("the vendored JSON Resume schema compiles")
});

/// Errors against the official JSON Resume schema, and the places that
/// hold a NUL character (see [`nul_characters`]), if any.
pub fn validate(doc: &Value) -> Result<(), Vec<String>> {
    let mut errors: Vec<String> =
        VALIDATOR.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    errors.extend(nul_characters(doc));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// At most this many NUL characters are reported.
const NUL_REPORTED: usize = 20;

/// Where `doc` has U+0000 in a string or a key, as errors naming the JSON
/// pointer. The schema allows it, but PostgreSQL's JSON cannot hold it (its
/// `jsonb` refuses `\u0000`, and documents pass through it): such a
/// document would be taken on SQLite and fail to store, as a 500, on
/// PostgreSQL. Refused on both, by field, it is the same on both. Walks
/// with a stack of its own: no depth of nesting can overflow the thread's.
fn nul_characters(doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let mut stack = vec![(doc, String::new())];
    while let Some((value, path)) = stack.pop() {
        if errors.len() == NUL_REPORTED {
            break;
        }
        match value {
            Value::String(s) if s.contains('\0') => {
                errors.push(format!("a NUL character (U+0000) cannot be stored at {path}"));
            }
            Value::Array(items) => {
                stack.extend(items.iter().enumerate().rev().map(|(i, v)| (v, format!("{path}/{i}"))));
            }
            Value::Object(fields) => {
                for (key, v) in fields.iter().rev() {
                    let escaped = key.replace('~', "~0").replace('/', "~1").replace('\0', "\\u0000");
                    let here = format!("{path}/{escaped}");
                    if key.contains('\0') {
                        errors.push(format!("a NUL character (U+0000) cannot be stored in the name at {here}"));
                    }
                    stack.push((v, here));
                }
            }
            _ => {}
        }
    }
    errors.truncate(NUL_REPORTED);
    errors
}

fn receipt(refs: &BTreeMap<String, RefItem>, id: &str) -> Option<Receipt> {
    refs.get(id).map(|r| Receipt {
        kind: match r.kind {
            "contribution" => "repository".into(),
            k => k.into(),
        },
        label: r.label.clone(),
        url: r.url.clone(),
    })
}

fn receipts(refs: &BTreeMap<String, RefItem>, ids: &[String]) -> Value {
    let mut seen = Vec::<Receipt>::new();
    for r in ids.iter().filter_map(|id| receipt(refs, id)) {
        if !seen.contains(&r) {
            seen.push(r);
        }
    }
    serde_json::to_value(seen).unwrap_or_default()
}

fn highlights(refs: &BTreeMap<String, RefItem>, hs: &[DraftHighlight]) -> (Value, Value) {
    (
        Value::Array(hs.iter().map(|h| Value::String(h.text.clone())).collect()),
        Value::Array(hs.iter().map(|h| receipts(refs, &h.evidence)).collect()),
    )
}

/// One section of the document (`summary` lives in `basics`).
/// `language` is the résumé's, for the few words written here.
pub fn section(
    section: &str,
    draft: &Draft,
    refs: &BTreeMap<String, RefItem>,
    profile: &SkillProfile,
    language: Lang,
) -> Value {
    match section {
        "summary" => Value::String(draft.summary.clone()),
        "skills" => Value::Array(
            draft
                .skills
                .iter()
                .map(|g| json!({ "name": g.name, "keywords": g.keywords, "x-evidence": receipts(refs, &g.evidence) }))
                .collect(),
        ),
        "projects" => Value::Array(
            draft
                .projects
                .iter()
                .map(|p| {
                    let repo = refs.get(&p.repository);
                    let facts = repo.and_then(|r| profile.repositories.iter().find(|x| x.name_with_owner == r.label));
                    let (hl, hl_ev) = highlights(refs, &p.highlights);
                    let mut item = Map::new();
                    item.insert("name".into(), json!(p.name));
                    if !p.description.is_empty() {
                        item.insert("description".into(), json!(p.description));
                    }
                    item.insert("highlights".into(), hl);
                    if let Some(r) = repo {
                        item.insert("url".into(), json!(r.url));
                    }
                    if let Some(f) = facts {
                        if !f.technologies.is_empty() {
                            item.insert("keywords".into(), json!(f.technologies));
                        }
                        if let Some(d) = f.created_at.as_deref().and_then(|d| d.get(..7)) {
                            item.insert("startDate".into(), json!(d));
                        }
                    }
                    item.insert("x-evidence".into(), receipts(refs, std::slice::from_ref(&p.repository)));
                    item.insert("x-highlight-evidence".into(), hl_ev);
                    Value::Object(item)
                })
                .collect(),
        ),
        "work" => Value::Array(
            draft
                .work
                .iter()
                .filter_map(|w| {
                    let repo = refs.get(&w.repository)?;
                    let contribution = profile.contributions.iter().find(|c| c.repository == repo.label);
                    let dates: Vec<&str> = contribution
                        .map(|c| c.pull_requests.iter().filter_map(|p| p.merged_at.as_deref()?.get(..7)).collect())
                        .unwrap_or_default();
                    let (hl, hl_ev) = highlights(refs, &w.highlights);
                    let mut item = Map::new();
                    item.insert("name".into(), json!(repo.label));
                    let position =
                        if language == Lang::Ko { "오픈소스 기여자" } else { "Open-source contributor" };
                    item.insert("position".into(), json!(position));
                    item.insert("url".into(), json!(repo.url));
                    if !w.summary.is_empty() {
                        item.insert("summary".into(), json!(w.summary));
                    }
                    if let Some(first) = dates.iter().min() {
                        item.insert("startDate".into(), json!(first));
                    }
                    if let Some(last) = dates.iter().max() {
                        item.insert("endDate".into(), json!(last));
                    }
                    item.insert("highlights".into(), hl);
                    item.insert("x-evidence".into(), receipts(refs, std::slice::from_ref(&w.repository)));
                    item.insert("x-highlight-evidence".into(), hl_ev);
                    Some(Value::Object(item))
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

pub struct Meta<'a> {
    pub writer: WriterKind,
    pub model: Option<&'a str>,
    pub language: Lang,
    pub target_role: Option<&'a str>,
    pub profile_version: i32,
}

/// The document with the sections in `done` filled in.
pub fn document(
    draft: &Draft,
    done: &[&str],
    refs: &BTreeMap<String, RefItem>,
    profile: &SkillProfile,
    meta: &Meta<'_>,
) -> Value {
    let a = &profile.account;
    let mut basics = Map::new();
    basics.insert("name".into(), json!(a.name.clone().unwrap_or_else(|| a.login.clone())));
    if let Some(role) = meta.target_role {
        basics.insert("label".into(), json!(role));
    }
    basics.insert("url".into(), json!(a.website.clone().unwrap_or_else(|| a.url.clone())));
    if done.contains(&"summary") {
        basics.insert("summary".into(), json!(draft.summary));
    }
    if let Some(city) = &a.location {
        basics.insert("location".into(), json!({ "city": city }));
    }
    basics.insert("profiles".into(), json!([{ "network": "GitHub", "username": a.login, "url": a.url }]));
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(SCHEMA_URL));
    doc.insert("basics".into(), Value::Object(basics));
    for s in ["skills", "projects", "work"] {
        if done.contains(&s) {
            doc.insert(s.into(), section(s, draft, refs, profile, meta.language));
        }
    }
    doc.insert(
        "meta".into(),
        json!({
            "version": "v1.0.0",
            "lastModified": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
            "x-proofolio": {
                "writer": meta.writer.code(),
                "model": meta.model,
                "language": meta.language.code(),
                "profileVersion": meta.profile_version,
                "source": profile.source,
            }
        }),
    );
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_character_is_refused_where_it_is_in_a_value_or_a_name() {
        let ok = json!({ "basics": { "name": "김옥토", "x-note": "탭\t과 줄바꿈\n은 됩니다" } });
        assert_eq!(validate(&ok), Ok(()));
        let bad = json!({ "basics": { "name": "김\u{0}옥토", "profiles": [{ "url": "https://x.test" }, { "x-a/b\u{0}": 1 }] } });
        assert_eq!(
            validate(&bad),
            Err(vec![
                "a NUL character (U+0000) cannot be stored at /basics/name".to_string(),
                "a NUL character (U+0000) cannot be stored in the name at /basics/profiles/1/x-a~1b\\u0000".to_string(),
            ])
        );
    }
}
