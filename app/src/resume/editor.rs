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
//! (keep mine / take theirs / merge by section), never a silent overwrite.
//! A bullet can be rewritten (shorter, stronger verb, more specific,
//! translated): the proposal shows as a diff to accept or reject. Any
//! section can be hidden, and the look (theme) chosen; on a phone, form and
//! preview are two tabs. Anything else in the document (unknown fields
//! too) is kept as it is.

use super::texts::{texts, ResumeText};
use crate::platform::errors::ErrorCode;
use crate::platform::i18n::use_i18n;
use crate::resume::types::{is_hidden, Receipt, RewriteMode, RewriteProposal, THEMES};
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
    /// The pending save carries an accepted rewrite (a version of its own).
    rewrite: StoredValue<bool>,
    id: StoredValue<String>,
    /// The island runs (JavaScript): the plain-form parts step aside.
    running: RwSignal<bool>,
    /// What is being dragged: a section's item, or one of its bullets.
    drag: StoredValue<Option<Dragged>>,
    /// When the last save landed (ms since the epoch, the browser's clock).
    saved_at: RwSignal<Option<f64>>,
}

/// The browser's clock in milliseconds (0 on the server, which never asks).
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    return leptos::web_sys::js_sys::Date::now();
    #[allow(unreachable_code)]
    0.0
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Dragged {
    section: &'static str,
    item: usize,
    bullet: Option<usize>,
}

/// Where a drag ended: the `data-drop-…` mark of the element under the
/// pointer (or one of its ancestors).
#[allow(unused_variables)]
fn drop_mark(ev: &leptos::ev::PointerEvent, attr: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let el = ev.target()?.dyn_into::<leptos::web_sys::Element>().ok()?;
        return el.closest(&format!("[{attr}]")).ok()??.get_attribute(attr);
    }
    #[allow(unreachable_code)]
    None
}

impl Ctx {
    /// The pointer let go over the editor: move what was dragged there.
    fn dropped(self, ev: &leptos::ev::PointerEvent) {
        let Some(d) = self.drag.get_value() else { return };
        self.drag.set_value(None);
        let parse = |m: String| m.split(':').map(str::to_string).collect::<Vec<_>>();
        match d.bullet {
            Some(from) => {
                let Some(m) = drop_mark(ev, "data-drop-bullet").map(parse) else { return };
                let to = match m.as_slice() {
                    [s, i, j] if s == d.section && i.parse() == Ok(d.item) => j.parse::<usize>().ok(),
                    _ => None,
                };
                let Some(to) = to.filter(|to| *to != from) else { return };
                let (s, i) = (d.section, d.item);
                self.doc.update(|doc| {
                    let item = at_mut(doc, &[Key::F(s), Key::I(i)]);
                    align_evidence(item);
                    move_within(list_mut(item, &[Key::F("highlights")]), from, to);
                    move_within(list_mut(item, &[Key::F("x-highlight-evidence")]), from, to);
                });
                self.reshaped(Some(format!("f-{s}-{i}-highlights-{to}")));
            }
            None => {
                let Some(m) = drop_mark(ev, "data-drop-item").map(parse) else { return };
                let to = match m.as_slice() {
                    [s, i] if s == d.section => i.parse::<usize>().ok(),
                    _ => None,
                };
                let Some(to) = to.filter(|to| *to != d.item) else { return };
                let s = d.section;
                self.doc.update(|doc| move_within(list_mut(doc, &[Key::F(s)]), d.item, to));
                self.reshaped(Some(format!("f-{s}-{to}-name")));
            }
        }
    }
}

/// `list[from]` moved to `to` (the others shift).
fn move_within(list: &mut Vec<Value>, from: usize, to: usize) {
    if from < list.len() && to < list.len() && from != to {
        let v = list.remove(from);
        list.insert(to, v);
    }
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
        let rewrite = self.rewrite.get_value();
        leptos::task::spawn_local(async move {
            let answer = crate::resume::save_document(id, version, body, rewrite).await;
            self.saving.set_value(false);
            match answer {
                Ok(v) => {
                    if rewrite {
                        self.rewrite.set_value(false);
                    }
                    self.version.set(v);
                    if self.edits.get_value() != at {
                        self.save();
                    } else {
                        self.saved_at.set(Some(now_ms()));
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
    // Rendered by the server, gone once the island runs: without JavaScript
    // each section is a plain form with its own save button.
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    let c = Ctx {
        running,
        drag: StoredValue::new(None),
        saved_at: RwSignal::new(None),
        doc: RwSignal::new(document),
        version: RwSignal::new(version),
        state: RwSignal::new(SaveState::Saved(version)),
        shape: RwSignal::new(0),
        edits: StoredValue::new(0),
        saving: StoredValue::new(false),
        rewrite: StoredValue::new(false),
        id: StoredValue::new(id.clone()),
    };
    let tab = RwSignal::new("edit");
    // The saved document and its version, fetched to merge by section.
    let saved_doc: RwSignal<Option<(i32, Value)>> = RwSignal::new(None);
    let choices = StoredValue::new(choices);
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
            <SectionForm c section="settings">
            <fieldset class="editor-section" data-testid="edit-settings">
                <legend>{move || t().settings_section}</legend>
                <div class="field">
                    <label for="f-theme">{move || t().theme_label}</label>
                    <select id="f-theme" name="theme" data-testid="theme" on:change=move |ev| {
                        let theme = event_target_value(&ev);
                        c.doc.update(|d| *at_mut(d, &[Key::F("meta"), Key::F("x-proofolio"), Key::F("theme")]) = json!(theme));
                        c.changed();
                    }>
                        {THEMES.into_iter().map(|th| {
                            let chosen = c.doc.with_untracked(|d| crate::resume::types::theme_of(d) == th);
                            view! { <option value=th selected=chosen>{move || theme_name(t(), th)}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </fieldset>
            </SectionForm>
            <SectionForm c section="basics">
            <fieldset class="editor-section" data-testid="edit-basics">
                <legend>{move || t().basics}</legend>
                <Field c label=t().name path=vec![Key::F("basics"), Key::F("name")] />
                <Field c label=t().label path=vec![Key::F("basics"), Key::F("label")] />
                <Field c label=t().email path=vec![Key::F("basics"), Key::F("email")] />
                <Field c label=t().phone path=vec![Key::F("basics"), Key::F("phone")] />
                <Field c label=t().website path=vec![Key::F("basics"), Key::F("url")] />
                <Field c label=t().city path=vec![Key::F("basics"), Key::F("location"), Key::F("city")] />
                <Field c label=t().summary path=vec![Key::F("basics"), Key::F("summary")] multiline=true />
                <HideToggle c section="summary" />
            </fieldset>
            </SectionForm>
            {LIST_SECTIONS.into_iter().map(|s| view! { <ListSection c s choices /> }).collect_view()}
            <Skills c />
            {super::texts::MORE_SECTIONS.into_iter().map(|(key, heading, fields)| view! { <MoreSection c key heading fields /> }).collect_view()}
        }
    };
    // A clock for "saved · 3 s ago", ticking while the page is open.
    let clock = RwSignal::new(0.0);
    Effect::new(move |_| {
        clock.set(now_ms());
        let _ = set_interval_with_handle(move || clock.set(now_ms()), std::time::Duration::from_secs(5));
    });
    let status = move || {
        let t = t();
        match c.state.get() {
            SaveState::Saved(v) => match c.saved_at.get() {
                Some(at) => format!("{} · v{v} · {}", t.saved, t.ago(((clock.get() - at) / 1000.0).max(0.0) as u64)),
                None => format!("{} · v{v}", t.saved),
            },
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
                    " "
                    <button class="button secondary" type="button" data-testid="merge" on:click=move |_| {
                        let id = c.id.get_value();
                        leptos::task::spawn_local(async move {
                            match crate::resume::current_document(id).await {
                                Ok(found) => saved_doc.set(Some(found)),
                                Err(e) => c.state.set(SaveState::Failed(e.code, e.suggestion)),
                            }
                        });
                    }>{move || t().merge}</button>
                    {move || saved_doc.get().map(|(v, their_doc)| view! { <Merge c theirs=their_doc version=v done=saved_doc /> })}
                </div>
            }),
            _ => None,
        }}
        <div class="editor-tabs" class:running=running role="tablist">
            <button type="button" role="tab" class="button secondary small" data-testid="tab-edit" aria-selected=move || (tab.get() == "edit").to_string() on:click=move |_| tab.set("edit")>{move || t().tab_edit}</button>
            <button type="button" role="tab" class="button secondary small" data-testid="tab-preview" aria-selected=move || (tab.get() == "preview").to_string() on:click=move |_| tab.set("preview")>{move || t().tab_preview}</button>
        </div>
        <div class="editor-grid" data-tab=move || tab.get()
            on:pointerup=move |ev| c.dropped(&ev) on:pointercancel=move |_| c.drag.set_value(None)>
            <div class="editor-form">{form}</div>
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
    let name = path
        .iter()
        .map(|k| match k {
            Key::F(f) => f.to_string(),
            Key::I(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".");
    let (p1, p2) = (path.clone(), path);
    let input = if multiline {
        // The text as content for the server's HTML, as the property for
        // the browser's redraws (a typed-in field no longer follows either).
        view! { <textarea id=id.clone() name=name.clone() rows="3" data-testid=testid.clone() prop:value=value.clone() on:input=move |ev| c.edit(p1.clone(), event_target_value(&ev))>{value.clone()}</textarea> }.into_any()
    } else {
        view! { <input id=id.clone() name=name data-testid=testid.clone() value=value.clone() prop:value=value on:input=move |ev| c.edit(p2.clone(), event_target_value(&ev)) /> }.into_any()
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
        <SectionForm c section=s>
        <fieldset class="editor-section" class:hidden-section=move || c.doc.with(|d| is_hidden(d, s)) data-testid=format!("edit-{s}")>
            <legend>{title} <HideToggle c section=s /></legend>
            {items.into_iter().enumerate().map(|(i, item)| {
                let bullets = item["highlights"].as_array().cloned().unwrap_or_default();
                let m = bullets.len();
                let base = vec![Key::F(s), Key::I(i)];
                view! {
                    <div class="editor-item" data-testid="edit-item" data-drop-item=format!("{s}:{i}")>
                        <span class="drag-handle" class:running=c.running data-testid="drag-item" title=move || t().drag_to_move
                            on:pointerdown=move |ev| { ev.prevent_default(); c.drag.set_value(Some(Dragged { section: s, item: i, bullet: None })); }>"⠿"</span>
                        <Field c label=t().item_name path=[base.clone(), vec![Key::F("name")]].concat() />
                        {(s == "work").then(|| view! { <Field c label=t().item_position path=[base.clone(), vec![Key::F("position")]].concat() /> })}
                        <Field c label=t().item_description path=[base.clone(), vec![Key::F(if s == "work" { "summary" } else { "description" })]].concat() multiline=true />
                        <ol class="editor-bullets">
                            {bullets.iter().enumerate().map(|(j, _)| view! { <Bullet c s i j m choices /> }).collect_view()}
                            <li class="editor-bullet nojs-only" class:running=c.running>
                                <Field c label=t().new_bullet path=vec![Key::F(s), Key::I(i), Key::F("highlights"), Key::I(m)] multiline=true />
                            </li>
                        </ol>
                        <RemoveBox c what=format!("{s}.{i}") label=t().remove_item />
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
            // Without JavaScript: a blank item to fill in.
            <div class="editor-item nojs-only" class:running=c.running>
                <strong>{move || t().new_item}</strong>
                <Field c label=t().item_name path=vec![Key::F(s), Key::I(n), Key::F("name")] />
                <Field c label=t().bullet path=vec![Key::F(s), Key::I(n), Key::F("highlights"), Key::I(0)] multiline=true />
            </div>
        </fieldset>
        </SectionForm>
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
    let mode = RwSignal::new(RewriteMode::Shorter);
    let asking = RwSignal::new(false);
    let proposal: RwSignal<Option<Result<RewriteProposal, crate::platform::errors::FnError>>> = RwSignal::new(None);
    let field = format!("f-{s}-{i}-highlights-{j}");
    let moved = move |d: &mut Value, to: usize| {
        let item = at_mut(d, &[Key::F(s), Key::I(i)]);
        align_evidence(item);
        list_mut(item, &[Key::F("highlights")]).swap(j, to);
        list_mut(item, &[Key::F("x-highlight-evidence")]).swap(j, to);
    };
    view! {
        <li class="editor-bullet" class:no-receipt=none data-testid="edit-bullet" data-drop-bullet=format!("{s}:{i}:{j}")>
            <span class="drag-handle" class:running=c.running data-testid="drag-bullet" title=move || t().drag_to_move
                on:pointerdown=move |ev| { ev.prevent_default(); c.drag.set_value(Some(Dragged { section: s, item: i, bullet: Some(j) })); }>"⠿"</span>
            <Field c label=t().bullet path=vec![Key::F(s), Key::I(i), Key::F("highlights"), Key::I(j)] multiline=true testid=format!("bullet-{s}-{i}-{j}") />
            <RemoveBox c what=format!("{s}.{i}.highlights.{j}") label=t().remove_bullet />
            <div class="bullet-receipts">
                {if none {
                    view! { <span class="badge no-receipt" data-testid="no-receipt">{move || t().no_receipt}</span> }.into_any()
                } else {
                    receipts.into_iter().enumerate().map(|(k, r)| view! {
                        <span class="receipt-chip editable-chip" data-testid="bullet-receipt"><span class="chip-label">{r.label.clone()}</span>
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
            <div class="rewrite">
                <label class="visually-hidden" for=format!("rw-{s}-{i}-{j}")>{move || t().rewrite_how}</label>
                <select id=format!("rw-{s}-{i}-{j}") data-testid="rewrite-mode" on:change=move |ev| {
                    if let Some(m) = RewriteMode::parse(&event_target_value(&ev)) {
                        mode.set(m);
                    }
                }>
                    {RewriteMode::ALL.into_iter().map(|m| view! { <option value=m.code()>{move || mode_name(t(), m)}</option> }).collect_view()}
                </select>
                <button type="button" class="link-button" data-testid="rewrite" disabled=move || asking.get() on:click=move |_| {
                    asking.set(true);
                    proposal.set(None);
                    let text = c.doc.with_untracked(|d| text_at(d, &[Key::F(s), Key::I(i), Key::F("highlights"), Key::I(j)]));
                    let (id, how) = (c.id.get_value(), mode.get_untracked());
                    leptos::task::spawn_local(async move {
                        let answer = crate::resume::rewrite_bullet(id, s.to_string(), i, j, how, text).await;
                        proposal.set(Some(answer));
                        asking.set(false);
                    });
                }>{move || if asking.get() { t().rewriting } else { t().rewrite }}</button>
            </div>
            {move || proposal.get().map(|answer| match answer {
                Ok(p) => {
                    let unchanged = p.diff.iter().all(|d| d.op == "same");
                    let by_llm = p.writer == "llm";
                    let (text, focus) = (p.text.clone(), field.clone());
                    view! {
                        <div class="proposal" data-testid="proposal" data-writer=p.writer.clone() role="group" aria-label=move || t().rewrite>
                            <p class="diff" data-testid="proposal-diff">
                                {p.diff.into_iter().map(|d| match d.op.as_str() {
                                    "add" => view! { <ins>{d.text}</ins> }.into_any(),
                                    "del" => view! { <del>{d.text}</del> }.into_any(),
                                    _ => view! { <span>{d.text}</span> }.into_any(),
                                }).collect_view()}
                            </p>
                            <p class="meta">{move || if by_llm { t().by_llm } else { t().by_rules }}
                                {unchanged.then(|| view! { " · " {move || t().no_change} })}</p>
                            <button type="button" class="button small" data-testid="accept-rewrite" on:click=move |_| {
                                let text = text.clone();
                                c.doc.update(|d| *at_mut(d, &[Key::F(s), Key::I(i), Key::F("highlights"), Key::I(j)]) = Value::String(text));
                                c.rewrite.set_value(true);
                                c.reshaped(Some(focus.clone()));
                            }>{move || t().accept}</button>
                            " "
                            <button type="button" class="button secondary small" data-testid="reject-rewrite" on:click=move |_| proposal.set(None)>{move || t().reject}</button>
                        </div>
                    }.into_any()
                }
                Err(e) => view! {
                    <p class="notice error" role="alert" data-testid="rewrite-error" data-code=e.code.as_str()>
                        {crate::platform::i18n::error_text(i18n.lang(), e.code)} " " {e.suggestion.clone().unwrap_or_default()}
                    </p>
                }.into_any(),
            })}
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
    let n = groups.len();
    view! {
        <SectionForm c section="skills">
        <fieldset class="editor-section" class:hidden-section=move || c.doc.with(|d| is_hidden(d, "skills")) data-testid="edit-skills">
            <legend>{move || t().skills} <HideToggle c section="skills" /></legend>
            {groups.into_iter().enumerate().map(|(i, g)| {
                let keywords = g["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ");
                view! {
                    <div class="editor-item">
                        <Field c label=t().skill_group path=vec![Key::F("skills"), Key::I(i), Key::F("name")] />
                        <div class="field">
                            <label for=format!("kw-{i}")>{move || t().skill_keywords}</label>
                            <input id=format!("kw-{i}") name=format!("skills.{i}.keywords") value=keywords.clone() prop:value=keywords on:input=move |ev| {
                                let list: Vec<Value> = event_target_value(&ev).split(',').map(str::trim).filter(|k| !k.is_empty()).map(|k| json!(k)).collect();
                                c.doc.update(|d| *at_mut(d, &[Key::F("skills"), Key::I(i), Key::F("keywords")]) = Value::Array(list));
                                c.changed();
                            } />
                        </div>
                        <RemoveBox c what=format!("skills.{i}") label=t().remove_item />
                    </div>
                }
            }).collect_view()}
            <button type="button" class="button secondary" data-testid="add-skills" on:click=move |_| {
                c.doc.update(|d| list_mut(d, &[Key::F("skills")]).push(json!({ "name": "", "keywords": [] })));
                c.reshaped(Some(format!("f-skills-{n}-name")));
            }>{move || t().add_item}</button>
            <div class="editor-item nojs-only" class:running=c.running>
                <strong>{move || t().new_item}</strong>
                <Field c label=t().skill_group path=vec![Key::F("skills"), Key::I(n), Key::F("name")] />
                <div class="field">
                    <label for=format!("kw-{n}")>{move || t().skill_keywords}</label>
                    <input id=format!("kw-{n}") name=format!("skills.{n}.keywords") />
                </div>
            </div>
        </fieldset>
        </SectionForm>
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
        <SectionForm c section=key>
        <fieldset class="editor-section" class:hidden-section=move || c.doc.with(|d| is_hidden(d, key)) data-testid=format!("edit-{key}")>
            <legend>{move || heading(t())} <HideToggle c section=key /></legend>
            {(0..n).map(|i| view! {
                <div class="editor-item" data-testid="edit-item">
                    {fields.iter().map(|(field, label)| view! {
                        <Field c label=label(t()) path=vec![Key::F(key), Key::I(i), Key::F(field)] multiline=*field == "summary" || *field == "reference" />
                    }).collect_view()}
                    <RemoveBox c what=format!("{key}.{i}") label=t().remove_item />
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
            <div class="editor-item nojs-only" class:running=c.running>
                <strong>{move || t().new_item}</strong>
                {fields.iter().map(|(field, label)| view! {
                    <Field c label=label(t()) path=vec![Key::F(key), Key::I(n), Key::F(field)] />
                }).collect_view()}
            </div>
        </fieldset>
        </SectionForm>
    }
}

/// One section as a plain form: what saves it without JavaScript (with
/// JavaScript it saves itself and the button steps aside).
#[component]
fn SectionForm(c: Ctx, section: &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let key = if section == "settings" { "meta" } else { section };
    let base = c.doc.with_untracked(|d| crate::resume::types::section_fingerprint(d, key));
    let action = format!("/resumes/{}/sections/{section}", c.id.get_value());
    view! {
        <form method="post" action=action id=format!("edit-{section}") on:submit=|ev| ev.prevent_default()>
            <input type="hidden" name="version" value=c.version.get_untracked().to_string() />
            <input type="hidden" name="base" value=base />
            {children()}
            <p class="nojs-only" class:running=c.running>
                <button class="button small" type="submit" data-testid=format!("save-{section}")>{move || t().save_section}</button>
            </p>
        </form>
    }
}

/// Without JavaScript: a box that removes an item or a line on save.
#[component]
fn RemoveBox(c: Ctx, what: String, label: &'static str) -> impl IntoView {
    view! {
        <label class="nojs-only remove-box" class:running=c.running>
            <input type="checkbox" name="remove" value=what /> " " {label}
        </label>
    }
}

/// "Hide this section": the section stays in the document and leaves the
/// page, the Markdown and the PDF.
#[component]
fn HideToggle(c: Ctx, section: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let hidden = c.doc.with_untracked(|d| is_hidden(d, section));
    view! {
        <label class="hide-section">
            <input type="checkbox" name="hidden" data-testid=format!("hide-{section}") checked=hidden on:change=move |ev| {
                let hide = event_target_checked(&ev);
                c.doc.update(|d| {
                    let list = list_mut(d, &[Key::F("meta"), Key::F("x-proofolio"), Key::F("hidden")]);
                    list.retain(|s| s != section);
                    if hide {
                        list.push(json!(section));
                    }
                });
                c.changed();
            } />
            {move || if section == "summary" { t().hide_summary } else { t().hide_section }}
        </label>
    }
}

/// The parts of a résumé a merge chooses between, with their names.
fn merge_parts(t: &ResumeText) -> Vec<(&'static str, &'static str)> {
    let mut parts = vec![("basics", t.basics), ("work", t.work), ("projects", t.projects), ("skills", t.skills)];
    parts.extend(super::texts::MORE_SECTIONS.iter().map(|(key, heading, _)| (*key, heading(t))));
    parts.push(("meta", t.settings_section));
    parts
}

/// Merge by section: for every part that differs between this screen and
/// the saved version, keep mine or theirs; the result is saved over theirs.
#[component]
fn Merge(c: Ctx, theirs: Value, version: i32, done: RwSignal<Option<(i32, Value)>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let differing: Vec<(&'static str, &'static str)> =
        c.doc.with_untracked(|mine| merge_parts(t()).into_iter().filter(|(k, _)| mine[*k] != theirs[*k]).collect());
    let keep_mine = StoredValue::new(differing.iter().map(|(k, _)| *k).collect::<Vec<_>>());
    let theirs = StoredValue::new(theirs);
    view! {
        <div class="merge" data-testid="merge-panel">
            <p>{move || t().merge_body}</p>
            <ul class="merge-list">
                {differing.into_iter().map(|(key, name)| view! {
                    <li data-testid="merge-part" data-part=key>
                        <strong>{name}</strong>
                        <label><input type="radio" name=format!("merge-{key}") checked=true data-testid=format!("mine-{key}")
                            on:change=move |_| keep_mine.update_value(|k| if !k.contains(&key) { k.push(key) }) />
                            " " {move || t().mine}</label>
                        <label><input type="radio" name=format!("merge-{key}") data-testid=format!("theirs-{key}")
                            on:change=move |_| keep_mine.update_value(|k| k.retain(|x| *x != key)) />
                            " " {move || t().theirs}</label>
                    </li>
                }).collect_view()}
            </ul>
            <button class="button" type="button" data-testid="apply-merge" on:click=move |_| {
                let mut merged = theirs.get_value();
                c.doc.with_untracked(|mine| {
                    for key in keep_mine.get_value() {
                        merged[key] = mine[key].clone();
                    }
                });
                if let Some(o) = merged.as_object_mut() {
                    o.retain(|_, v| !v.is_null());
                }
                c.doc.set(merged);
                c.version.set(version);
                done.set(None);
                c.reshaped(None);
            }>{move || t().apply_merge}</button>
        </div>
    }
}

fn theme_name(t: &ResumeText, theme: &str) -> &'static str {
    match theme {
        "compact" => t.theme_compact,
        "modern" => t.theme_modern,
        _ => t.theme_classic,
    }
}

fn mode_name(t: &ResumeText, mode: RewriteMode) -> &'static str {
    match mode {
        RewriteMode::Shorter => t.mode_shorter,
        RewriteMode::Stronger => t.mode_stronger,
        RewriteMode::Specific => t.mode_specific,
        RewriteMode::Translate => t.mode_translate,
    }
}

impl ResumeText {
    /// "just now", "3 s ago", "2 min ago".
    pub fn ago(&self, secs: u64) -> String {
        match secs {
            0..=4 => self.just_now.to_string(),
            5..=59 => self.secs_ago.replace("{n}", &secs.to_string()),
            _ => self.mins_ago.replace("{n}", &(secs / 60).to_string()),
        }
    }

    /// "18 of 21 lines have receipts".
    pub fn receipt_share(&self, with: usize, all: usize) -> String {
        self.receipt_share_fmt.replace("{with}", &with.to_string()).replace("{all}", &all.to_string())
    }
}
