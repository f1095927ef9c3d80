//! The résumé editor on `/resumes/{id}/edit`: the basics, summary, work,
//! projects and skills edited in place with a live preview beside them (on
//! a phone, below). Bullets keep their receipts when their text changes; a
//! bullet written by hand shows "no receipt" until one is attached from
//! the owner's profile. Education, awards, certificates, volunteering,
//! publications, languages, interests and references are edited as plain
//! fields. Items and bullets move with buttons (reachable by
//! keyboard; focus follows the moved line). Changes save themselves a
//! moment after typing stops, naming the version they started from: a
//! change made elsewhere in the meantime is a conflict the owner resolves
//! (keep mine / take theirs), never a silent overwrite. Anything else in
//! the document (unknown fields too) is kept as it is.

use super::texts::{texts, ResumeText};
use crate::platform::errors::ErrorCode;
use crate::platform::i18n::use_i18n;
use crate::resume::types::Receipt;
use leptos::prelude::*;
use serde_json::{json, Value};

/// The sections edited as lists of items with bullets.
const LIST_SECTIONS: [&str; 2] = ["work", "projects"];

#[component]
pub fn EditorPage() -> impl IntoView {
    use leptos_router::hooks::use_params_map;
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let id = use_params_map().with_untracked(|p| p.get("id")).unwrap_or_default();
    let data = Resource::new(move || id.clone(), crate::resume::editor_data);
    let me = crate::account::use_me();
    view! {
        <leptos_meta::Title text=move || t().edit_title />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = me.0.await.ok().flatten().is_some();
                match data.await {
                    Ok(Some(d)) => {
                        let r = d.resume;
                        let back = format!("/resumes/{}", r.id);
                        match r.document.clone().filter(|_| r.job_id.is_none()) {
                            Some(document) => view! {
                                <section class="container editor-page" data-testid="editor-page">
                                    <p class="no-print"><a href=back>{move || t().back_to_resume}</a></p>
                                    <Editor id=r.id.clone() version=r.version document choices=d.choices />
                                </section>
                            }
                            .into_any(),
                            None => view! {
                                <section class="container"><p class="notice">{move || t().being_written} " " <a href=back>{move || t().back_to_resume}</a></p></section>
                            }
                            .into_any(),
                        }
                    }
                    _ if !signed_in => view! { <crate::account::pages::SignInFirst /> }.into_any(),
                    _ => view! { <section class="container"><p class="notice error">{move || t().not_found}</p></section> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Where saving stands, as the status line says it.
#[derive(Debug, Clone, PartialEq)]
enum SaveState {
    /// Saved as version n.
    Saved(i32),
    /// Changed; saving a moment after typing stops.
    Pending,
    Saving,
    /// The server could not be reached; retrying.
    Offline,
    /// Changed elsewhere; the current version there.
    Conflict(i32),
    Failed(ErrorCode, Option<String>),
}

/// The editor's state, copied into every handler.
#[derive(Clone, Copy)]
struct Ctx {
    doc: RwSignal<Value>,
    version: RwSignal<i32>,
    state: RwSignal<SaveState>,
    /// Bumped when items or bullets are added, removed or moved: the form
    /// is drawn again (typing alone never redraws it, so focus stays).
    shape: RwSignal<u64>,
    /// Bumped on every change: a save waits until it stops moving.
    edits: StoredValue<u64>,
    saving: StoredValue<bool>,
    id: StoredValue<String>,
}

#[derive(Clone, Copy, Debug)]
enum Key {
    F(&'static str),
    I(usize),
}

fn at_mut<'a>(mut v: &'a mut Value, path: &[Key]) -> &'a mut Value {
    for k in path {
        v = match k {
            Key::F(f) => {
                if !v.is_object() {
                    *v = json!({});
                }
                v.as_object_mut().expect("an object").entry(*f).or_insert(Value::Null)
            }
            Key::I(i) => {
                if !v.is_array() {
                    *v = json!([]);
                }
                let a = v.as_array_mut().expect("an array");
                while a.len() <= *i {
                    a.push(Value::Null);
                }
                &mut a[*i]
            }
        };
    }
    v
}

fn text_at(v: &Value, path: &[Key]) -> String {
    let mut cur = v;
    for k in path {
        cur = match k {
            Key::F(f) => &cur[*f],
            Key::I(i) => &cur[*i],
        };
    }
    cur.as_str().unwrap_or_default().to_string()
}

/// A list at `path` as a mutable vector (made one if it is not).
fn list_mut<'a>(v: &'a mut Value, path: &[Key]) -> &'a mut Vec<Value> {
    let slot = at_mut(v, path);
    if !slot.is_array() {
        *slot = json!([]);
    }
    slot.as_array_mut().expect("an array")
}

/// Highlights and their receipts have the same length.
fn align_evidence(item: &mut Value) {
    let n = item["highlights"].as_array().map_or(0, Vec::len);
    let ev = list_mut(item, &[Key::F("x-highlight-evidence")]);
    ev.resize(n.max(ev.len()), json!([]));
    ev.truncate(n);
}

impl Ctx {
    /// A change to the text: save a moment after typing stops.
    fn changed(self) {
        self.edits.update_value(|e| *e += 1);
        self.state.set(SaveState::Pending);
        let at = self.edits.get_value();
        set_timeout(
            move || {
                if self.edits.get_value() == at {
                    self.save();
                }
            },
            std::time::Duration::from_millis(1200),
        );
    }

    /// A change to the structure: draw the form again, then save.
    fn reshaped(self, focus: Option<String>) {
        self.shape.update(|s| *s += 1);
        self.changed();
        if let Some(id) = focus {
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&id) {
                    use leptos::wasm_bindgen::JsCast;
                    if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            });
        }
    }

    fn edit(self, path: Vec<Key>, text: String) {
        self.doc.update(|d| match path.split_last() {
            // An emptied field is left out (JSON Resume's dates, emails and
            // addresses may be missing but not blank).
            Some((Key::F(field), parent)) if text.is_empty() => {
                if let Some(o) = at_mut(d, parent).as_object_mut() {
                    o.remove(*field);
                }
            }
            _ => *at_mut(d, &path) = Value::String(text),
        });
        self.changed();
    }

    fn save(self) {
        if self.saving.get_value() {
            return; // the save under way saves again when it sees newer edits
        }
        self.saving.set_value(true);
        let at = self.edits.get_value();
        self.state.set(SaveState::Saving);
        let (id, version, body) =
            (self.id.get_value(), self.version.get_untracked(), self.doc.with_untracked(|d| d.to_string()));
        leptos::task::spawn_local(async move {
            let answer = crate::resume::save_document(id, version, body).await;
            self.saving.set_value(false);
            match answer {
                Ok(v) => {
                    self.version.set(v);
                    if self.edits.get_value() != at {
                        self.save();
                    } else {
                        self.state.set(SaveState::Saved(v));
                    }
                }
                Err(e) if e.code == ErrorCode::VersionConflict => {
                    let theirs = e.value.and_then(|v| v.parse().ok()).unwrap_or_default();
                    self.state.set(SaveState::Conflict(theirs));
                }
                Err(e) if matches!(e.code, ErrorCode::Unavailable | ErrorCode::RateLimited) => {
                    self.state.set(SaveState::Offline);
                    set_timeout(move || self.save(), std::time::Duration::from_secs(5));
                }
                Err(e) => self.state.set(SaveState::Failed(e.code, e.suggestion)),
            }
        });
    }
}

#[island]
pub fn Editor(id: String, version: i32, document: Value, choices: Vec<Receipt>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let c = Ctx {
        doc: RwSignal::new(document),
        version: RwSignal::new(version),
        state: RwSignal::new(SaveState::Saved(version)),
        shape: RwSignal::new(0),
        edits: StoredValue::new(0),
        saving: StoredValue::new(false),
        id: StoredValue::new(id.clone()),
    };
    let choices = StoredValue::new(choices);
    // Rendered by the server, gone once the island runs: without JavaScript
    // nothing here can save.
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    let counted = move || {
        c.doc.with(|d| {
            let (mut with, mut all) = (0, 0);
            for s in LIST_SECTIONS {
                for item in d[s].as_array().into_iter().flatten() {
                    let n = item["highlights"].as_array().map_or(0, Vec::len);
                    all += n;
                    with += (0..n)
                        .filter(|j| item["x-highlight-evidence"][*j].as_array().is_some_and(|e| !e.is_empty()))
                        .count();
                }
            }
            (with, all)
        })
    };
    let form = move || {
        c.shape.track();
        view! {
            <fieldset class="editor-section" data-testid="edit-basics">
                <legend>{move || t().basics}</legend>
                <Field c label=t().name path=vec![Key::F("basics"), Key::F("name")] />
                <Field c label=t().label path=vec![Key::F("basics"), Key::F("label")] />
                <Field c label=t().email path=vec![Key::F("basics"), Key::F("email")] />
                <Field c label=t().summary path=vec![Key::F("basics"), Key::F("summary")] multiline=true />
            </fieldset>
            {LIST_SECTIONS.into_iter().map(|s| view! { <ListSection c s choices /> }).collect_view()}
            <Skills c />
            {super::texts::MORE_SECTIONS.into_iter().map(|(key, heading, fields)| view! { <MoreSection c key heading fields /> }).collect_view()}
        }
    };
    let status = move || {
        let t = t();
        match c.state.get() {
            SaveState::Saved(v) => format!("{} · v{v}", t.saved),
            SaveState::Pending => t.pending.to_string(),
            SaveState::Saving => t.saving.to_string(),
            SaveState::Offline => t.offline.to_string(),
            SaveState::Conflict(_) => t.conflict.to_string(),
            SaveState::Failed(code, detail) => {
                format!("{} {}", crate::platform::i18n::error_text(i18n.lang(), code), detail.unwrap_or_default())
            }
        }
    };
    view! {
        {move || (!running.get()).then(|| view! { <p class="notice" data-testid="needs-js">{move || t().editor_needs_js}</p> })}
        <div class="editor-bar" role="status" aria-live="polite">
            <span data-testid="save-state" data-state=move || match c.state.get() {
                SaveState::Saved(_) => "saved",
                SaveState::Pending => "pending",
                SaveState::Saving => "saving",
                SaveState::Offline => "offline",
                SaveState::Conflict(_) => "conflict",
                SaveState::Failed(..) => "failed",
            }>{status}</span>
            <span class="meta" data-testid="receipt-share">{move || {
                let (with, all) = counted();
                t().receipt_share(with, all)
            }}</span>
        </div>
        {move || match c.state.get() {
            SaveState::Conflict(theirs) => Some(view! {
                <div class="notice error" role="alert" data-testid="conflict">
                    <p>{move || t().conflict_body}</p>
                    <button class="button" type="button" data-testid="keep-mine" on:click=move |_| {
                        c.version.set(theirs);
                        c.save();
                    }>{move || t().keep_mine}</button>
                    " "
                    <button class="button secondary" type="button" data-testid="take-theirs" on:click=move |_| {
                        let _ = window().location().reload();
                    }>{move || t().take_theirs}</button>
                </div>
            }),
            _ => None,
        }}
        <div class="editor-grid">
            <form class="editor-form" on:submit=|ev| ev.prevent_default()>{form}</form>
            <aside class="editor-preview" aria-label=move || t().preview>
                {move || c.doc.with(|d| view! { <super::pages::Document doc=d.clone() id=String::new() editable=false done=None /> })}
            </aside>
        </div>
    }
}

#[component]
fn Field(
    c: Ctx,
    label: &'static str,
    path: Vec<Key>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] testid: Option<String>,
) -> impl IntoView {
    let value = c.doc.with_untracked(|d| text_at(d, &path));
    let id = format!(
        "f-{}",
        path.iter()
            .map(|k| match k {
                Key::F(f) => f.to_string(),
                Key::I(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join("-")
    );
    let (p1, p2) = (path.clone(), path);
    let input = if multiline {
        // The text as content for the server's HTML, as the property for
        // the browser's redraws (a typed-in field no longer follows either).
        view! { <textarea id=id.clone() rows="3" data-testid=testid.clone() prop:value=value.clone() on:input=move |ev| c.edit(p1.clone(), event_target_value(&ev))>{value.clone()}</textarea> }.into_any()
    } else {
        view! { <input id=id.clone() data-testid=testid.clone() value=value.clone() prop:value=value on:input=move |ev| c.edit(p2.clone(), event_target_value(&ev)) /> }.into_any()
    };
    view! { <div class="field"><label for=id>{label}</label>{input}</div> }
}

#[component]
fn ListSection(c: Ctx, s: &'static str, choices: StoredValue<Vec<Receipt>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let items = c.doc.with_untracked(|d| d[s].as_array().cloned().unwrap_or_default());
    let n = items.len();
    let title = move || if s == "work" { t().work } else { t().projects };
    view! {
        <fieldset class="editor-section" data-testid=format!("edit-{s}")>
            <legend>{title}</legend>
            {items.into_iter().enumerate().map(|(i, item)| {
                let bullets = item["highlights"].as_array().cloned().unwrap_or_default();
                let m = bullets.len();
                let base = vec![Key::F(s), Key::I(i)];
                view! {
                    <div class="editor-item" data-testid="edit-item">
                        <Field c label=t().item_name path=[base.clone(), vec![Key::F("name")]].concat() />
                        {(s == "work").then(|| view! { <Field c label=t().item_position path=[base.clone(), vec![Key::F("position")]].concat() /> })}
                        <Field c label=t().item_description path=[base.clone(), vec![Key::F(if s == "work" { "summary" } else { "description" })]].concat() multiline=true />
                        <ol class="editor-bullets">
                            {bullets.iter().enumerate().map(|(j, _)| view! { <Bullet c s i j m choices /> }).collect_view()}
                        </ol>
                        <div class="editor-actions">
                            <button type="button" class="link-button" data-testid="add-bullet" on:click=move |_| {
                                c.doc.update(|d| {
                                    let item = at_mut(d, &[Key::F(s), Key::I(i)]);
                                    list_mut(item, &[Key::F("highlights")]).push(json!(""));
                                    align_evidence(item);
                                });
                                c.reshaped(Some(format!("f-{s}-{i}-highlights-{m}")));
                            }>{move || t().add_bullet}</button>
                            <button type="button" class="link-button" disabled=i == 0 id=format!("item-up-{s}-{i}") on:click=move |_| {
                                c.doc.update(|d| list_mut(d, &[Key::F(s)]).swap(i, i - 1));
                                c.reshaped(Some(format!("item-up-{s}-{}", i - 1)));
                            }>{move || t().move_up}</button>
                            <button type="button" class="link-button" disabled=i + 1 == n id=format!("item-down-{s}-{i}") on:click=move |_| {
                                c.doc.update(|d| list_mut(d, &[Key::F(s)]).swap(i, i + 1));
                                c.reshaped(Some(format!("item-down-{s}-{}", i + 1)));
                            }>{move || t().move_down}</button>
                            <button type="button" class="link-button danger" on:click=move |_| {
                                c.doc.update(|d| { list_mut(d, &[Key::F(s)]).remove(i); });
                                c.reshaped(None);
                            }>{move || t().remove_item}</button>
                        </div>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="button secondary" data-testid=format!("add-{s}") on:click=move |_| {
                c.doc.update(|d| list_mut(d, &[Key::F(s)]).push(json!({ "name": "", "highlights": [], "x-highlight-evidence": [] })));
                c.reshaped(Some(format!("f-{s}-{n}-name")));
            }>{move || t().add_item}</button>
        </fieldset>
    }
}

#[component]
fn Bullet(c: Ctx, s: &'static str, i: usize, j: usize, m: usize, choices: StoredValue<Vec<Receipt>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let receipts: Vec<Receipt> = c.doc.with_untracked(|d| {
        d[s][i]["x-highlight-evidence"][j]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| serde_json::from_value(r.clone()).ok())
            .collect()
    });
    let none = receipts.is_empty();
    let moved = move |d: &mut Value, to: usize| {
        let item = at_mut(d, &[Key::F(s), Key::I(i)]);
        align_evidence(item);
        list_mut(item, &[Key::F("highlights")]).swap(j, to);
        list_mut(item, &[Key::F("x-highlight-evidence")]).swap(j, to);
    };
    view! {
        <li class="editor-bullet" class:no-receipt=none data-testid="edit-bullet">
            <Field c label=t().bullet path=vec![Key::F(s), Key::I(i), Key::F("highlights"), Key::I(j)] multiline=true testid=format!("bullet-{s}-{i}-{j}") />
            <div class="bullet-receipts">
                {if none {
                    view! { <span class="badge no-receipt" data-testid="no-receipt">{move || t().no_receipt}</span> }.into_any()
                } else {
                    receipts.into_iter().enumerate().map(|(k, r)| view! {
                        <span class="receipt-chip" data-testid="bullet-receipt">{r.label.clone()}
                            <button type="button" class="link-button" aria-label=move || format!("{} {}", t().detach, r.label) on:click=move |_| {
                                c.doc.update(|d| { list_mut(d, &[Key::F(s), Key::I(i), Key::F("x-highlight-evidence"), Key::I(j)]).remove(k); });
                                c.reshaped(None);
                            }>"×"</button>
                        </span>
                    }).collect_view().into_any()
                }}
                <select aria-label=move || t().attach data-testid="attach" on:change=move |ev| {
                    let pick: Option<usize> = event_target_value(&ev).parse().ok();
                    if let Some(r) = pick.and_then(|p| choices.with_value(|c| c.get(p).cloned())) {
                        c.doc.update(|d| {
                            let item = at_mut(d, &[Key::F(s), Key::I(i)]);
                            align_evidence(item);
                            let ev = list_mut(item, &[Key::F("x-highlight-evidence"), Key::I(j)]);
                            let r = serde_json::to_value(&r).unwrap_or_default();
                            if !ev.contains(&r) {
                                ev.push(r);
                            }
                        });
                        c.reshaped(None);
                    }
                }>
                    <option value="">{move || t().attach}</option>
                    {choices.with_value(|list| list.iter().enumerate().map(|(k, r)| view! { <option value=k.to_string()>{r.label.clone()}</option> }).collect_view())}
                </select>
            </div>
            <div class="editor-actions">
                <button type="button" class="link-button" disabled=j == 0 id=format!("up-{s}-{i}-{j}") data-testid="bullet-up" on:click=move |_| {
                    c.doc.update(|d| moved(d, j - 1));
                    c.reshaped(Some(format!("up-{s}-{i}-{}", j - 1)));
                }>{move || t().move_up}</button>
                <button type="button" class="link-button" disabled=j + 1 == m id=format!("down-{s}-{i}-{j}") data-testid="bullet-down" on:click=move |_| {
                    c.doc.update(|d| moved(d, j + 1));
                    c.reshaped(Some(format!("down-{s}-{i}-{}", j + 1)));
                }>{move || t().move_down}</button>
                <button type="button" class="link-button danger" on:click=move |_| {
                    c.doc.update(|d| {
                        let item = at_mut(d, &[Key::F(s), Key::I(i)]);
                        align_evidence(item);
                        list_mut(item, &[Key::F("highlights")]).remove(j);
                        list_mut(item, &[Key::F("x-highlight-evidence")]).remove(j);
                    });
                    c.reshaped(None);
                }>{move || t().remove_bullet}</button>
            </div>
        </li>
    }
}

#[component]
fn Skills(c: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let groups = c.doc.with_untracked(|d| d["skills"].as_array().cloned().unwrap_or_default());
    view! {
        <fieldset class="editor-section" data-testid="edit-skills">
            <legend>{move || t().skills}</legend>
            {groups.into_iter().enumerate().map(|(i, g)| {
                let keywords = g["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ");
                view! {
                    <div class="editor-item">
                        <Field c label=t().skill_group path=vec![Key::F("skills"), Key::I(i), Key::F("name")] />
                        <div class="field">
                            <label for=format!("kw-{i}")>{move || t().skill_keywords}</label>
                            <input id=format!("kw-{i}") value=keywords.clone() prop:value=keywords on:input=move |ev| {
                                let list: Vec<Value> = event_target_value(&ev).split(',').map(str::trim).filter(|k| !k.is_empty()).map(|k| json!(k)).collect();
                                c.doc.update(|d| *at_mut(d, &[Key::F("skills"), Key::I(i), Key::F("keywords")]) = Value::Array(list));
                                c.changed();
                            } />
                        </div>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A section of plain fields (education, awards, languages, …): its items,
/// each field a text box; items added, removed and moved like the others.
#[component]
fn MoreSection(
    c: Ctx,
    key: &'static str,
    heading: fn(&ResumeText) -> &'static str,
    fields: super::texts::FieldList,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let n = c.doc.with_untracked(|d| d[key].as_array().map_or(0, Vec::len));
    view! {
        <fieldset class="editor-section" data-testid=format!("edit-{key}")>
            <legend>{move || heading(t())}</legend>
            {(0..n).map(|i| view! {
                <div class="editor-item" data-testid="edit-item">
                    {fields.iter().map(|(field, label)| view! {
                        <Field c label=label(t()) path=vec![Key::F(key), Key::I(i), Key::F(field)] multiline=*field == "summary" || *field == "reference" />
                    }).collect_view()}
                    <div class="editor-actions">
                        <button type="button" class="link-button" disabled=i == 0 id=format!("item-up-{key}-{i}") on:click=move |_| {
                            c.doc.update(|d| list_mut(d, &[Key::F(key)]).swap(i, i - 1));
                            c.reshaped(Some(format!("item-up-{key}-{}", i - 1)));
                        }>{move || t().move_up}</button>
                        <button type="button" class="link-button" disabled=i + 1 == n id=format!("item-down-{key}-{i}") on:click=move |_| {
                            c.doc.update(|d| list_mut(d, &[Key::F(key)]).swap(i, i + 1));
                            c.reshaped(Some(format!("item-down-{key}-{}", i + 1)));
                        }>{move || t().move_down}</button>
                        <button type="button" class="link-button danger" on:click=move |_| {
                            c.doc.update(|d| { list_mut(d, &[Key::F(key)]).remove(i); });
                            c.reshaped(None);
                        }>{move || t().remove_item}</button>
                    </div>
                </div>
            }).collect_view()}
            <button type="button" class="button secondary" data-testid=format!("add-{key}") on:click=move |_| {
                c.doc.update(|d| list_mut(d, &[Key::F(key)]).push(json!({})));
                c.reshaped(Some(format!("f-{key}-{n}-{}", fields[0].0)));
            }>{move || t().add_item}</button>
        </fieldset>
    }
}

impl ResumeText {
    /// "18 of 21 lines have receipts".
    pub fn receipt_share(&self, with: usize, all: usize) -> String {
        self.receipt_share_fmt.replace("{with}", &with.to_string()).replace("{all}", &all.to_string())
    }
}
