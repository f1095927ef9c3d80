//! A résumé: written section by section before the reader's eyes (live
//! with JavaScript, "check status" without), every line with its receipts,
//! the model and token use, "Download JSON Resume", and "Regenerate" per
//! section. Printable: the page's chrome disappears on paper.

use super::texts::texts;
use crate::account::pages::SignInFirst;
use crate::platform::i18n::use_i18n;
use crate::platform::jobs::JobView;
use crate::platform::ui::{failure, ErrorNote};
use crate::resume::types::{ResumeStatus, ResumeView, WriterKind};
use crate::resume::{
    resume_of, DeleteResume, DuplicateResume, RegenerateSection, RenameResume, RestoreVersion, ResumePageData,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

#[component]
pub fn ResumePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map().with_untracked(|p| p.get("id")).unwrap_or_default();
    let data = Resource::new(move || id.clone(), resume_of);
    let me = crate::account::use_me();
    view! {
        <Title text=move || texts(i18n.lang()).title />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = me.0.await.ok().flatten().is_some();
                match data.await {
                    Ok(Some(d)) => view! { <ResumeBody data=d /> }.into_any(),
                    _ if !signed_in => view! { <SignInFirst /> }.into_any(),
                    _ => view! { <section class="container"><p class="notice error">{move || texts(i18n.lang()).not_found}</p></section> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResumeBody(data: ResumePageData) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let r: ResumeView = data.resume.clone();
    let writing = r.job_id.is_some();
    let live = data.job.clone().filter(|_| writing);
    let id = r.id.clone();
    let export = crate::resume::types::export_url(&r.id);
    let id_edit = r.id.clone();
    let markdown = crate::resume::types::markdown_url(&r.id);
    let pdf = crate::resume::types::pdf_export_url(&r.id);
    let deterministic = r.writer == WriterKind::Deterministic;
    let imported = r.writer == WriterKind::Imported;
    let usage = (r.writer == WriterKind::Llm)
        .then(|| (r.model.clone().unwrap_or_default(), r.prompt_tokens, r.completion_tokens, r.llm_calls, r.cost_usd));
    let ready = r.status == ResumeStatus::Ready && !writing;
    let sample = r.document.as_ref().is_some_and(|d| d["meta"]["x-proofolio"]["source"] == "sample");
    let theme = r.document.as_ref().map_or("classic", crate::resume::types::theme_of);
    view! {
        <section class="container resume-page" data-testid="resume" data-status=r.status.code()>
            <div class="resume-actions no-print">
                <a href="/skills">{move || t().back}</a>
                {ready.then(|| view! {
                    <a class="button" href=format!("/resumes/{}/edit", id_edit) data-testid="edit">{move || t().edit_link}</a>
                    " "
                    <a class="button secondary" href=export.clone() download data-testid="download-json">{move || t().download}</a>
                    " "
                    <a class="button secondary" href=markdown.clone() download data-testid="download-md">{move || t().download_md}</a>
                    " "
                    // A GET form: the theme travels in the address, no JavaScript needed.
                    <form class="inline pdf-form" method="get" action=pdf.clone()>
                        <label for="pdf-theme" class="visually-hidden">{move || t().pdf_theme}</label>
                        <select id="pdf-theme" name="theme" data-testid="pdf-theme">
                            <option value="classic" selected=theme == "classic">{move || t().theme_classic}</option>
                            <option value="compact" selected=theme == "compact">{move || t().theme_compact}</option>
                            <option value="modern" selected=theme == "modern">{move || t().theme_modern}</option>
                        </select>
                        " "
                        <button class="button secondary" type="submit" data-testid="download-pdf">{move || t().download_pdf}</button>
                    </form>
                })}
            </div>
            {deterministic.then(|| view! { <p class="notice no-print" data-testid="deterministic-label">{move || t().deterministic}</p> })}
            {imported.then(|| view! { <p class="notice no-print" data-testid="imported-label">{move || t().imported}</p> })}
            {sample.then(|| view! { <p class="notice no-print">{move || t().sample}</p> })}
            {usage.map(|(model, p, c, calls, cost)| view! {
                <p class="meta no-print" data-testid="usage">
                    {move || t().model} " " {model.clone()} " · " {move || t().tokens} " " {p} " + " {c}
                    " · " {calls} {move || t().calls} " · " {move || t().cost} " $" {format!("{cost:.4}")}
                </p>
            })}
            {writing.then(|| view! {
                <p class="notice" aria-live="polite" data-testid="writing">
                    <span class="spinner" aria-hidden="true"></span> " " {move || t().writing}
                    " " <a href=format!("/resumes/{id}") class="link-button">{move || t().check_again}</a>
                </p>
            })}
            {failure(ServerAction::<RegenerateSection>::new())
                .or_else(|| failure(ServerAction::<RestoreVersion>::new()))
                .or_else(|| failure(ServerAction::<RenameResume>::new()))
                .or_else(|| failure(ServerAction::<DuplicateResume>::new()))
                .or_else(|| failure(ServerAction::<DeleteResume>::new()))
                .map(|error| view! { <ErrorNote error /> })}
            {r.error.clone().filter(|_| !writing).map(|e| view! {
                <p class="notice error" role="alert" data-testid="resume-error">{move || t().failed} " " {e.clone()}</p>
            })}
            {match live {
                Some(job) => view! { <ResumeLive job id=r.id.clone() stored=r.document.clone() /> }.into_any(),
                None => r.document.clone().map(|d| view! { <Document doc=d id=r.id.clone() editable=ready done=None /> }).into_any(),
            }}
            {ready.then(|| view! { <crate::share::pages::ShareCard id=r.id.clone() /> })}
            {ready.then(|| view! { <Manage resume=r.clone() versions=data.versions.clone() /> })}
        </section>
    }
}

/// The résumé while it is being written: an island that follows the job's
/// server-sent events and shows each section as it is finished (the stored
/// document until then); the page reloads itself when the job is done.
#[island]
fn ResumeLive(job: JobView, id: String, stored: Option<Value>) -> impl IntoView {
    let job = RwSignal::new(job);
    #[cfg(feature = "hydrate")]
    crate::platform::jobs::follow_job(
        crate::platform::jobs::events_url(&job.with_untracked(|j| j.id.clone())),
        move |v| job.set(v),
    );
    let doc = move || {
        let live = job.with(|j| j.progress.as_ref().map(|p| p["document"].clone()));
        live.filter(|d| d.is_object()).or_else(|| stored.clone())
    };
    let done = move || {
        job.with(|j| {
            j.progress
                .as_ref()
                .and_then(|p| p["done"].as_array().cloned())
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect::<Vec<_>>())
        })
    };
    move || doc().map(|d| view! { <Document doc=d id=id.clone() editable=false done=done() /> })
}

fn receipts_of(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter().filter_map(|r| Some((r["label"].as_str()?.to_string(), safe_url(r["url"].as_str()?)?))).collect()
        })
        .unwrap_or_default()
}

#[component]
fn Receipts(list: Vec<(String, String)>) -> impl IntoView {
    view! {
        <span class="receipts-inline">
            {list.into_iter().map(|(label, url)| {
                let title = label.clone();
                view! { <a class="receipt-chip" href=url rel="noopener noreferrer" data-testid="receipt" title=title>{label}</a> }
            }).collect_view()}
        </span>
    }
}

const REGENERATE: &str = <RegenerateSection as ServerFn>::PATH;

#[component]
fn RegenerateButton(id: String, section: &'static str, editable: bool) -> impl IntoView {
    let i18n = use_i18n();
    editable.then(|| view! {
        // A plain form (also inside the live island, where it never shows):
        // the page reads the server function's answer back after the redirect.
        <form method="post" action=REGENERATE class="inline no-print">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="section" value=section />
            <button class="link-button" type="submit" data-testid=format!("regenerate-{section}")>{move || texts(i18n.lang()).regenerate}</button>
        </form>
    })
}

#[component]
pub(crate) fn Document(doc: Value, id: String, editable: bool, done: Option<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let shown =
        |s: &str| done.as_ref().is_none_or(|d| d.iter().any(|x| x == s)) && !crate::resume::types::is_hidden(&doc, s);
    let theme = format!("resume theme-{}", crate::resume::types::theme_of(&doc));
    let b = doc["basics"].clone();
    let summary = b["summary"].as_str().map(str::to_string).filter(|_| shown("summary"));
    let skills = doc["skills"].as_array().cloned().filter(|_| shown("skills"));
    let projects = doc["projects"].as_array().cloned().filter(|_| shown("projects"));
    let work = doc["work"].as_array().cloned().filter(|_| shown("work"));
    let (id1, id2, id3, id4) = (id.clone(), id.clone(), id.clone(), id);
    view! {
        <article class=theme data-testid="resume-document">
            <header class="resume-head">
                <h1>{b["name"].as_str().unwrap_or_default().to_string()}</h1>
                {b["label"].as_str().map(|l| view! { <p class="label">{l.to_string()}</p> })}
                <p class="meta">
                    {b["location"]["city"].as_str().map(|c| format!("{c} · "))}
                    {b["email"].as_str().map(|e| format!("{e} · "))}
                    {b["phone"].as_str().map(|p| format!("{p} · "))}
                    {b["url"].as_str().and_then(safe_url).map(|u| view! { <a href=u.clone() rel="noopener noreferrer">{u.trim_start_matches("https://").to_string()}</a> " · " })}
                    {b["profiles"][0]["url"].as_str().and_then(safe_url).map(|u| view! { <a href=u.clone()>{u.trim_start_matches("https://").to_string()}</a> })}
                </p>
            </header>
            {summary.map(|s| view! {
                <section class="resume-section" data-testid="section-summary">
                    <h2>{move || t().summary} <RegenerateButton id=id1.clone() section="summary" editable /></h2>
                    <p>{s}</p>
                </section>
            })}
            {skills.map(|groups| view! {
                <section class="resume-section" data-testid="section-skills">
                    <h2>{move || t().skills} <RegenerateButton id=id2.clone() section="skills" editable /></h2>
                    <ul class="resume-skills">
                        {groups.into_iter().map(|g| {
                            let keywords: Vec<String> = g["keywords"].as_array().map(|k| k.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default();
                            view! {
                                <li>
                                    <strong>{g["name"].as_str().unwrap_or_default().to_string()}</strong> ": " {keywords.join(", ")}
                                    " " <Receipts list=receipts_of(&g["x-evidence"]) />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {projects.map(|items| view! {
                <section class="resume-section" data-testid="section-projects">
                    <h2>{move || t().projects} <RegenerateButton id=id3.clone() section="projects" editable /></h2>
                    {items.into_iter().map(|p| view! { <Item item=p /> }).collect_view()}
                </section>
            })}
            {work.filter(|w| !w.is_empty()).map(|items| view! {
                <section class="resume-section" data-testid="section-work">
                    <h2>{move || t().work} <RegenerateButton id=id4.clone() section="work" editable /></h2>
                    {items.into_iter().map(|w| view! { <Item item=w /> }).collect_view()}
                </section>
            })}
            {super::texts::MORE_SECTIONS.into_iter().filter(|(key, ..)| done.is_none() && shown(key)).filter_map(|(key, heading, _)| {
                let items = doc[key].as_array().cloned().filter(|l| !l.is_empty())?;
                Some(view! {
                    <section class="resume-section" data-testid=format!("section-{key}")>
                        <h2>{move || heading(t())}</h2>
                        {items.into_iter().map(|w| view! { <Item item=w /> }).collect_view()}
                    </section>
                })
            }).collect_view()}
        </article>
    }
}

#[component]
fn Item(item: Value) -> impl IntoView {
    let s = |k: &str| item[k].as_str().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let highlights: Vec<String> = item["highlights"]
        .as_array()
        .map(|h| h.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let evidence = item["x-highlight-evidence"].as_array().cloned().unwrap_or_default();
    let end = s("endDate").or(s("date")).or(s("releaseDate"));
    let dates = match (s("startDate"), end) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a,
        (None, Some(b)) => b,
        _ => String::new(),
    };
    let title =
        ["name", "institution", "organization", "title", "language"].into_iter().find_map(&s).unwrap_or_default();
    let extra: Vec<String> = ["position", "studyType", "area", "awarder", "issuer", "publisher", "fluency"]
        .into_iter()
        .filter_map(&s)
        .filter(|v| *v != title)
        .collect();
    let text = s("description").or(s("summary")).or(s("reference"));
    let keywords: Vec<String> =
        item["keywords"].as_array().into_iter().flatten().filter_map(|k| k.as_str().map(str::to_string)).collect();
    view! {
        <div class="resume-item" data-testid="resume-item">
            <h3>
                {match s("url").as_deref().and_then(safe_url) {
                    Some(u) => view! { <a href=u rel="noopener noreferrer">{title}</a> }.into_any(),
                    None => view! { <span>{title}</span> }.into_any(),
                }}
                {extra.into_iter().map(|p| view! { <span class="meta">" · " {p}</span> }).collect_view()}
                <span class="meta dates">{dates}</span>
            </h3>
            {text.map(|d| view! { <p class="resume-desc">{d}</p> })}
            {(!keywords.is_empty()).then(|| view! { <p class="meta">{keywords.join(", ")}</p> })}
            <ul class="highlights">
                {highlights.into_iter().enumerate().map(|(i, h)| view! {
                    <li data-testid="highlight">{h} " " <Receipts list=evidence.get(i).map(receipts_of).unwrap_or_default() /></li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// An address a page may link to: http(s) only. A document is the owner's
/// own text (imported, edited), so `javascript:` and friends stay text.
pub(crate) fn safe_url(url: &str) -> Option<String> {
    let u = url.trim();
    (u.starts_with("https://") || u.starts_with("http://")).then(|| u.to_string())
}

/// Rename, copy, delete, and the version history with restore: plain forms
/// posting to server functions (no JavaScript needed).
#[component]
fn Manage(resume: ResumeView, versions: Vec<crate::resume::types::VersionInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let id = resume.id.clone();
    let (rename, copy, delete, restore) = (
        ServerAction::<RenameResume>::new(),
        ServerAction::<DuplicateResume>::new(),
        ServerAction::<DeleteResume>::new(),
        ServerAction::<RestoreVersion>::new(),
    );
    let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
    view! {
        <section class="card manage no-print" data-testid="manage">
            <h2>{move || t().manage}</h2>
            <ActionForm action=rename attr:class="inline-form">
                <input type="hidden" name="id" value=id1 />
                <label for="resume-title">{move || t().rename_label}</label>
                <input id="resume-title" name="title" maxlength="100" value=resume.title.clone().unwrap_or_default() />
                <button class="button secondary" type="submit" data-testid="rename">{move || t().rename_button}</button>
            </ActionForm>
            <ActionForm action=copy attr:class="inline-form">
                <input type="hidden" name="id" value=id2 />
                <button class="button secondary" type="submit" data-testid="duplicate">{move || t().copy_button}</button>
            </ActionForm>
            <ActionForm action=delete attr:class="inline-form danger">
                <input type="hidden" name="id" value=id3 />
                <label><input type="checkbox" name="confirm" value="yes" required /> " " {move || t().delete_confirm}</label>
                <button class="button danger" type="submit" data-testid="delete">{move || t().delete_button}</button>
            </ActionForm>
            <h3>{move || t().history_title}</h3>
            <ol class="list versions" data-testid="versions">
                {versions.into_iter().map(|v| {
                    let when = v.updated_at.chars().take(16).collect::<String>().replace('T', " ");
                    let reason = v.reason.clone();
                    let id = id.clone();
                    view! {
                        <li data-testid="version" data-version=v.version data-current=v.current.to_string()>
                            <span>"v" {v.version} " · " {move || t().reason(&reason)} " · " {when} " UTC"</span>
                            {if v.current {
                                view! { <strong class="badge">{move || t().current_version}</strong> }.into_any()
                            } else {
                                let compare = format!("/resumes/{id}/versions/{}", v.version);
                                view! {
                                    <a class="link-button" href=compare data-testid="compare">{move || t().view_diff}</a>
                                    <ActionForm action=restore attr:class="inline">
                                        <input type="hidden" name="id" value=id />
                                        <input type="hidden" name="version" value=v.version />
                                        <button class="link-button" type="submit" data-testid="restore">{move || t().restore_button}</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// `/resumes/{id}/versions/{n}`: version `n` against the current document,
/// line by line (removed lines red, added green), with "restore".
#[component]
pub fn VersionDiffPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let params = use_params_map();
    let (id, n) = params.with_untracked(|p| (p.get("id").unwrap_or_default(), p.get("n").unwrap_or_default()));
    let version: i32 = n.parse().unwrap_or(0);
    let id2 = id.clone();
    let data = Resource::new(move || (id.clone(), version), |(id, v)| crate::resume::version_diff(id, v));
    let me = crate::account::use_me();
    let restore = ServerAction::<RestoreVersion>::new();
    view! {
        <Title text=move || t().diff_title />
        <Suspense fallback=|| ()>
            {move || {
                let id = id2.clone();
                Suspend::new(async move {
                    let signed_in = me.0.await.ok().flatten().is_some();
                    match data.await {
                        Ok(Some(d)) => {
                            let back = format!("/resumes/{id}");
                            let same = d.lines.iter().all(|l| l.op == "same");
                            let legend = t().diff_legend.replace("{old}", &d.version.to_string()).replace("{new}", &d.current.to_string());
                            view! {
                                <section class="container" data-testid="version-diff-page">
                                    <p><a href=back>{move || t().back_to_resume}</a></p>
                                    <h1>{move || t().diff_title} " · v" {d.version} " → v" {d.current}</h1>
                                    <p class="meta">{legend}</p>
                                    {same.then(|| view! { <p class="notice" data-testid="diff-same">{move || t().diff_same}</p> })}
                                    <div class="version-diff diff" data-testid="version-diff">
                                        {d.lines.into_iter().map(|l| match l.op.as_str() {
                                            "add" => view! { <ins data-testid="diff-add">{l.text}</ins> }.into_any(),
                                            "del" => view! { <del data-testid="diff-del">{l.text}</del> }.into_any(),
                                            _ => view! { <span class="same">{l.text}</span> }.into_any(),
                                        }).collect_view()}
                                    </div>
                                    {(d.version != d.current).then(|| view! {
                                        <ActionForm action=restore>
                                            <input type="hidden" name="id" value=id.clone() />
                                            <input type="hidden" name="version" value=d.version />
                                            <button class="button" type="submit" data-testid="restore">{move || t().restore_button}</button>
                                        </ActionForm>
                                    })}
                                </section>
                            }
                            .into_any()
                        }
                        _ if !signed_in => view! { <SignInFirst /> }.into_any(),
                        _ => view! { <section class="container"><p class="notice error">{move || t().not_found}</p></section> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
