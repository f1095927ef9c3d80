//! The editor without JavaScript: every section of `/resumes/{id}/edit` is
//! a plain form posting here. Fields are named by their place in the
//! document (`work.0.highlights.1`); a blank slot at the end of a list adds
//! an item or a bullet when filled; `remove` boxes take items and bullets
//! away; `hidden` hides the section. A bullet keeps its receipts when its
//! text changes.
//!
//! The form names the version it was drawn from and a fingerprint of the
//! section as it was. If the résumé changed elsewhere but this section did
//! not, the section is applied over the newer version (a merge by section);
//! if this section changed too, nothing is saved and the answer shows the
//! submitted text so that nothing typed is lost.
//!
//! A JSON Resume file uploaded from "My skills" comes here too.

use super::versions;
use crate::account::ssr::extract::AuthUser;
use crate::platform::ssr::error::AppError;
use crate::platform::ssr::state::AppState;
use crate::resume::types::section_fingerprint;
use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    routing::post,
    Form, Router,
};
use serde_json::{json, Value};

/// Sections a form may post (`settings`: the theme).
const SECTIONS: [&str; 13] = [
    "settings",
    "basics",
    "work",
    "projects",
    "skills",
    "education",
    "volunteer",
    "awards",
    "certificates",
    "publications",
    "languages",
    "interests",
    "references",
];
/// The most fields one form may carry.
const MAX_FIELDS: usize = 2000;

pub fn browser_router() -> Router<AppState> {
    Router::new()
        .route("/resumes/{id}/sections/{section}", post(save_section))
        .route("/resumes/import-file", post(import_file))
}

/// The largest JSON Resume file taken (as the API's import).
pub const MAX_FILE_BYTES: usize = 512 * 1024;

/// A JSON Resume file uploaded from "My skills": validated like the API's
/// import; the new résumé opens, or a page says what is wrong, field by
/// field.
async fn import_file(State(state): State<AppState>, user: AuthUser, mut form: axum::extract::Multipart) -> Response {
    let back = "/skills";
    let mut bytes = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("file") => loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                            return page(
                                StatusCode::PAYLOAD_TOO_LARGE,
                                "Not imported",
                                "The file is larger than 512 KB.",
                                back,
                                &[],
                            );
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(_) => {
                        return page(
                            StatusCode::BAD_REQUEST,
                            "Not imported",
                            "The upload was cut off; try again.",
                            back,
                            &[],
                        )
                    }
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return page(
                    StatusCode::BAD_REQUEST,
                    "Not imported",
                    "The upload could not be read; try again.",
                    back,
                    &[],
                )
            }
        }
    }
    let doc: Value = match serde_json::from_slice(&bytes) {
        Ok(d) => d,
        Err(e) => {
            let why = format!("The file is not JSON (line {}, column {}).", e.line(), e.column());
            return page(StatusCode::UNPROCESSABLE_ENTITY, "Not imported", &why, back, &[]);
        }
    };
    match versions::import(&state.db, &user.user_id, &doc).await {
        Ok(id) => Redirect::to(&format!("/resumes/{id}")).into_response(),
        Err(AppError::Validation { fields }) => {
            let why = fields.into_iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; ");
            page(StatusCode::UNPROCESSABLE_ENTITY, "Not a valid JSON Resume", &why, back, &[])
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    At(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    path.split('.').map(|p| p.parse::<usize>().map_or(Step::Key(p), Step::At)).collect()
}

/// The slot at `path`, made on the way: a list grows by at most one (the
/// blank slot at its end), so an index far past the end is refused.
fn slot<'a>(mut v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    for s in path {
        v = match *s {
            Step::Key(k) => {
                if !v.is_object() {
                    *v = json!({});
                }
                v.as_object_mut()?.entry(k).or_insert(Value::Null)
            }
            Step::At(i) => {
                if !v.is_array() {
                    *v = json!([]);
                }
                let a = v.as_array_mut()?;
                if i > a.len() {
                    return None;
                }
                if i == a.len() {
                    a.push(Value::Null);
                }
                &mut a[i]
            }
        };
    }
    Some(v)
}

/// Apply one posted field to `doc` (only inside `section`).
fn apply(doc: &mut Value, section: &str, name: &str, value: &str) -> Result<(), String> {
    let path = steps(name);
    let inside = match path.first() {
        Some(Step::Key(k)) => *k == section,
        _ => false,
    };
    if !inside {
        return Err(format!("{name} is not part of {section}"));
    }
    let value = value.replace("\r\n", "\n");
    let trimmed = value.trim();
    // A blank slot left blank adds nothing.
    if trimmed.is_empty() && !exists(doc, &path) {
        return Ok(());
    }
    match path.as_slice() {
        [Step::Key("skills"), Step::At(_), Step::Key("keywords")] => {
            let list: Vec<Value> =
                value.split(',').map(str::trim).filter(|k| !k.is_empty()).map(|k| json!(k)).collect();
            *slot(doc, &path).ok_or("no such place")? = Value::Array(list);
        }
        [.., Step::Key("highlights"), Step::At(_)] => {
            *slot(doc, &path).ok_or("no such place")? = Value::String(trimmed.to_string());
        }
        [parent @ .., Step::Key(field)] if trimmed.is_empty() => {
            if let Some(o) = slot(doc, parent).and_then(|p| p.as_object_mut()) {
                o.remove(*field);
            }
        }
        _ => *slot(doc, &path).ok_or("no such place")? = Value::String(trimmed.to_string()),
    }
    Ok(())
}

fn exists(doc: &Value, path: &[Step]) -> bool {
    let mut v = doc;
    for s in path {
        v = match *s {
            Step::Key(k) => match v.get(k) {
                Some(x) => x,
                None => return false,
            },
            Step::At(i) => match v.get(i) {
                Some(x) => x,
                None => return false,
            },
        };
    }
    !v.is_null()
}

/// Highlights and their receipts the same length; empty bullets and items
/// that came to nothing are left out.
fn tidy(doc: &mut Value, section: &str) {
    let Some(items) = doc.get_mut(section).and_then(Value::as_array_mut) else { return };
    for item in items.iter_mut() {
        let Some(o) = item.as_object_mut() else { continue };
        let hs = o.get("highlights").and_then(Value::as_array).cloned();
        if let Some(hs) = hs {
            let ev = o.get("x-highlight-evidence").and_then(Value::as_array).cloned().unwrap_or_default();
            let (mut keep_h, mut keep_e) = (Vec::new(), Vec::new());
            for (j, h) in hs.into_iter().enumerate() {
                if h.as_str().is_some_and(|t| !t.trim().is_empty()) {
                    keep_h.push(h);
                    keep_e.push(ev.get(j).cloned().unwrap_or(json!([])));
                }
            }
            o.insert("highlights".into(), Value::Array(keep_h));
            o.insert("x-highlight-evidence".into(), Value::Array(keep_e));
        }
    }
    items.retain(|i| i.as_object().is_some_and(|o| o.values().any(|v| !v.is_null() && v != &json!([]))));
}

/// `remove` boxes: `work.2` (an item) or `work.2.highlights.1` (a bullet),
/// taken away from the last to the first so positions stay right.
fn remove(doc: &mut Value, section: &str, targets: &[&str]) {
    let mut bullets: Vec<(usize, usize)> = Vec::new();
    let mut items: Vec<usize> = Vec::new();
    for t in targets {
        match steps(t).as_slice() {
            [Step::Key(s), Step::At(i)] if *s == section => items.push(*i),
            [Step::Key(s), Step::At(i), Step::Key("highlights"), Step::At(j)] if *s == section => {
                bullets.push((*i, *j))
            }
            _ => {}
        }
    }
    bullets.sort_unstable_by(|a, b| b.cmp(a));
    for (i, j) in bullets {
        if let Some(item) = doc[section].get_mut(i) {
            for key in ["highlights", "x-highlight-evidence"] {
                if let Some(list) = item.get_mut(key).and_then(Value::as_array_mut) {
                    if j < list.len() {
                        list.remove(j);
                    }
                }
            }
        }
    }
    items.sort_unstable_by(|a, b| b.cmp(a));
    items.dedup();
    for i in items {
        if let Some(list) = doc[section].as_array_mut() {
            if i < list.len() {
                list.remove(i);
            }
        }
    }
}

/// `section` of `doc` as the form posted it.
pub fn apply_form(doc: &mut Value, section: &str, fields: &[(String, String)]) -> Result<(), String> {
    let mut removals = Vec::new();
    let mut hide = false;
    for (name, value) in fields {
        match name.as_str() {
            "version" | "base" => {}
            "remove" => removals.push(value.as_str()),
            "hidden" => hide = true,
            "theme" if section == "settings" => {
                if !crate::resume::types::THEMES.contains(&value.as_str()) {
                    return Err("theme: one of classic, compact, modern".into());
                }
                doc["meta"]["x-proofolio"]["theme"] = json!(value);
            }
            _ => apply(doc, if section == "settings" { "meta" } else { section }, name, value)?,
        }
    }
    if section != "settings" {
        remove(doc, section, &removals);
        if section != "basics" {
            tidy(doc, section);
        }
        let key = if section == "basics" { "summary" } else { section };
        let hidden = doc["meta"]["x-proofolio"]["hidden"].as_array().cloned().unwrap_or_default();
        let mut hidden: Vec<Value> = hidden.into_iter().filter(|s| s != key).collect();
        if hide {
            hidden.push(json!(key));
        }
        doc["meta"]["x-proofolio"]["hidden"] = Value::Array(hidden);
    }
    Ok(())
}

fn page(status: StatusCode, title: &str, message: &str, back: &str, fields: &[(String, String)]) -> Response {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let typed: String = fields
        .iter()
        .filter(|(n, v)| !matches!(n.as_str(), "version" | "base") && !v.trim().is_empty())
        .map(|(n, v)| format!("<dt>{}</dt><dd><pre>{}</pre></dd>", esc(n), esc(v)))
        .collect();
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{t}</title><link rel=\"stylesheet\" href=\"/pkg/proofolio.css\"></head><body><main class=\"container\">\
         <h1>{t}</h1><p class=\"notice error\" role=\"alert\" data-testid=\"form-error\">{m}</p>\
         <p><a href=\"{b}\">← {b}</a></p><h2>What you sent (copy it before you go back)</h2><dl data-testid=\"typed\">{typed}</dl>\
         </main></body></html>",
        t = esc(title),
        m = esc(message),
        b = esc(back),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

async fn save_section(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, section)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let back = format!("/resumes/{id}/edit");
    if !SECTIONS.contains(&section.as_str()) {
        return AppError::NotFound.into_response();
    }
    if fields.len() > MAX_FIELDS {
        return page(StatusCode::PAYLOAD_TOO_LARGE, "Too many fields", "This form is too large.", &back, &[]);
    }
    let field = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let Some(version) = field("version").and_then(|v| v.parse::<i32>().ok()) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not saved",
            "The form did not say which version it edited.",
            &back,
            &fields,
        );
    };
    let row = match state.writer.view(&user.user_id, &id).await {
        Ok(Some(r)) => r,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(e) => return e.into_response(),
    };
    let Some(mut doc) = row.document.filter(|_| row.job_id.is_none()) else {
        return page(
            StatusCode::CONFLICT,
            "Not saved",
            "This résumé is being written; try again when it is done.",
            &back,
            &fields,
        );
    };
    let key = if section == "settings" { "meta" } else { section.as_str() };
    if version != row.version && field("base") != Some(section_fingerprint(&doc, key).as_str()) {
        return page(
            StatusCode::CONFLICT,
            "Changed elsewhere",
            "This section was changed in another tab or on another device after you opened it. Nothing was saved; \
             your text is below. Go back to see the newer version and apply your changes again.",
            &back,
            &fields,
        );
    }
    if let Err(why) = apply_form(&mut doc, &section, &fields) {
        return page(StatusCode::UNPROCESSABLE_ENTITY, "Not saved", &why, &back, &fields);
    }
    match versions::save(&state.db, &user.user_id, &id, row.version, &doc, versions::Reason::Save).await {
        Ok(_) => Redirect::to(&format!("{back}#edit-{section}")).into_response(),
        Err(AppError::Validation { fields: errors }) => {
            let why = errors.into_iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; ");
            page(StatusCode::UNPROCESSABLE_ENTITY, "Not saved", &why, &back, &fields)
        }
        Err(AppError::Stale { .. }) => page(
            StatusCode::CONFLICT,
            "Changed elsewhere",
            "The résumé changed while this was being saved. Nothing was saved; your text is below.",
            &back,
            &fields,
        ),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    fn doc() -> Value {
        json!({
            "basics": { "name": "김옥토", "summary": "old" },
            "projects": [{ "name": "transit-api", "highlights": ["one", "two"],
                           "x-highlight-evidence": [[{ "kind": "repository", "label": "o/t", "url": "https://github.com/o/t" }], []] }],
            "meta": { "x-proofolio": { "language": "ko" } }
        })
    }

    #[test]
    fn an_edited_bullet_keeps_its_receipt_and_blank_slots_add_lines() {
        let mut d = doc();
        let form = f(&[
            ("projects.0.name", "transit-api"),
            ("projects.0.highlights.0", "첫 줄을 고쳤습니다"),
            ("projects.0.highlights.1", "two"),
            ("projects.0.highlights.2", "a new line"),
            ("projects.1.name", ""),
            ("projects.1.highlights.0", ""),
        ]);
        apply_form(&mut d, "projects", &form).unwrap();
        assert_eq!(d["projects"][0]["highlights"], json!(["첫 줄을 고쳤습니다", "two", "a new line"]));
        assert_eq!(d["projects"][0]["x-highlight-evidence"][0][0]["label"], "o/t");
        assert_eq!(d["projects"][0]["x-highlight-evidence"][2], json!([]));
        assert_eq!(d["projects"].as_array().unwrap().len(), 1, "a blank item adds nothing");
    }

    #[test]
    fn remove_boxes_take_bullets_and_items_away_with_their_receipts() {
        let mut d = doc();
        apply_form(&mut d, "projects", &f(&[("remove", "projects.0.highlights.0")])).unwrap();
        assert_eq!(d["projects"][0]["highlights"], json!(["two"]));
        assert_eq!(d["projects"][0]["x-highlight-evidence"], json!([[]]));
        apply_form(&mut d, "projects", &f(&[("remove", "projects.0"), ("hidden", "on")])).unwrap();
        assert_eq!(d["projects"], json!([]));
        assert_eq!(d["meta"]["x-proofolio"]["hidden"], json!(["projects"]));
    }

    #[test]
    fn a_form_cannot_reach_outside_its_section_or_far_past_a_list() {
        let mut d = doc();
        assert!(apply_form(&mut d, "projects", &f(&[("basics.name", "x")])).is_err());
        assert!(apply_form(&mut d, "projects", &f(&[("projects.7.name", "x")])).is_err());
        assert!(apply_form(&mut d, "settings", &f(&[("theme", "neon")])).is_err());
        apply_form(&mut d, "basics", &f(&[("basics.summary", ""), ("basics.name", "<script>")])).unwrap();
        assert!(d["basics"].get("summary").is_none(), "an emptied field is left out");
        assert_eq!(d["basics"]["name"], "<script>", "stored as text; pages escape it");
    }
}
