//! `/r/{slug}`: a shared résumé as readers see it (server-rendered, no
//! JavaScript needed, printable, with link-preview tags), and the owner's
//! sharing card on the résumé page (visibility, link, counts).

use super::texts::texts;
use super::types::CommentView;
use super::types::{DayCount, PublicResume, ShareView, Shared, Visibility};
use super::{shared_resume, DeleteComment, EditComment, PostComment, ReportComment, SetSharing, ToggleLike};
use crate::platform::i18n::use_i18n;
use crate::platform::ui::{failure, ErrorNote};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn SharedPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let slug = use_params_map().with_untracked(|p| p.get("slug")).unwrap_or_default();
    let data = Resource::new(move || slug.clone(), shared_resume);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(Shared::Found(r))) => view! { <SharedBody r=*r /> }.into_any(),
                    // The server answered 301 with the new address.
                    Ok(Some(Shared::Moved(to))) => view! {
                        <section class="container"><p><a href=format!("/r/{to}")>{format!("/r/{to}")}</a></p></section>
                    }.into_any(),
                    _ => view! {
                        <Title text=move || t().not_found />
                        <Meta name="robots" content="noindex" />
                        <section class="container"><p class="notice error" data-testid="shared-missing">{move || t().not_found}</p></section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The first sentence of the summary, for link previews.
fn one_line(doc: &serde_json::Value) -> String {
    let summary = doc["basics"]["summary"].as_str().or(doc["basics"]["label"].as_str()).unwrap_or_default();
    let first = summary.split_inclusive(['.', '!', '?', '。']).next().unwrap_or(summary).trim();
    first.chars().take(200).collect()
}

#[component]
fn SharedBody(r: PublicResume) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let name = r.document["basics"]["name"].as_str().unwrap_or("Résumé").to_string();
    let label = r.document["basics"]["label"].as_str().map(str::to_string);
    let title = match &label {
        Some(l) => format!("{name} — {l}"),
        None => name.clone(),
    };
    let description = one_line(&r.document);
    let description = if description.is_empty() { t().made_with.to_string() } else { description };
    let unlisted = r.visibility != Visibility::Public;
    let like = ServerAction::<ToggleLike>::new();
    let me = crate::account::use_me();
    let (id, slug) = (r.resume_id.clone(), r.slug.clone());
    let signin = format!("/signin?return_to=%2Fr%2F{}", r.slug);
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Meta property="og:type" content="profile" />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=r.url.clone() />
        <Meta property="og:image" content=r.image_url.clone() />
        <Meta property="og:image:type" content="image/png" />
        <Meta property="og:image:width" content="1200" />
        <Meta property="og:image:height" content="630" />
        <Meta property="og:image:alt" content=title.clone() />
        <Meta name="twitter:card" content="summary_large_image" />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:description" content=description />
        <Meta name="twitter:image" content=r.image_url.clone() />
        {unlisted.then(|| view! { <Meta name="robots" content="noindex" /> })}
        <section class="container resume-page shared" data-testid="shared" data-slug=r.slug.clone()>
            {r.mine.then(|| view! {
                <p class="notice no-print" data-testid="shared-mine">{move || t().yours} " "
                    <a href=format!("/resumes/{}", r.resume_id)>{move || t().open_own}</a></p>
            })}
            <div class="shared-bar no-print">
                <span data-testid="like-count">{r.likes} " " {move || t().likes}</span>
                {r.views.map(|v| view! { <span data-testid="view-count">" · " {v} " " {move || t().views}</span> })}
                {failure(like).map(|error| view! { <ErrorNote error /> })}
                <Suspense fallback=|| ()>
                    {move || {
                        let (id, slug, signin) = (id.clone(), slug.clone(), signin.clone());
                        Suspend::new(async move {
                            if me.0.await.ok().flatten().is_some() {
                                view! {
                                    <ActionForm action=like attr:class="inline">
                                        <input type="hidden" name="id" value=id />
                                        <input type="hidden" name="slug" value=slug />
                                        <input type="hidden" name="like" value=(!r.liked).to_string() />
                                        <button class="button secondary small" type="submit" data-testid="like" aria-pressed=r.liked.to_string()>
                                            {move || if r.liked { t().unlike } else { t().like }}
                                        </button>
                                    </ActionForm>
                                }.into_any()
                            } else {
                                view! { <a class="button secondary small" href=signin data-testid="like-signin">{move || t().sign_in_to_like}</a> }.into_any()
                            }
                        })
                    }}
                </Suspense>
            </div>
            <crate::resume::pages::Document doc=r.document.clone() id=String::new() editable=false done=None />
            <p class="meta">{move || t().made_with}</p>
            <Comments id=r.resume_id.clone() slug=r.slug.clone() doc=r.document.clone() />
        </section>
    }
}

/// The owner's sharing card on the résumé page.
#[component]
pub fn ShareCard(id: String) -> impl IntoView {
    let data = Resource::new(move || id.clone(), super::share_of);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().flatten().map(|v| view! { <ShareForm v /> })
            })}
        </Suspense>
    }
}

#[component]
fn ShareForm(v: ShareView) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let set = ServerAction::<SetSharing>::new();
    let current = v.visibility;
    let chart = v.last_30_days.clone();
    let shared_slug = v.slug.clone().unwrap_or_default();
    view! {
        <section class="card share no-print" id="share" data-testid="share-card" data-visibility=current.code()>
            <h2>{move || t().share_title}</h2>
            {failure(set).map(|error| view! { <ErrorNote error /> })}
            <ActionForm action=set attr:class="share-form">
                <input type="hidden" name="id" value=v.resume_id.clone() />
                <fieldset>
                    <legend>{move || t().visibility}</legend>
                    {Visibility::ALL.into_iter().map(|vis| view! {
                        <label class="radio">
                            <input type="radio" name="visibility" value=vis.code() checked=vis == current data-testid=format!("visibility-{}", vis.code()) />
                            " " {move || match vis {
                                Visibility::Private => t().private,
                                Visibility::Unlisted => t().unlisted,
                                Visibility::Public => t().public,
                            }}
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="share-slug">{move || t().slug}</label>
                    <input id="share-slug" name="slug" value=v.slug.clone().unwrap_or_default() maxlength="60"
                        pattern="[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,59}" aria-describedby="slug-hint" data-testid="slug" />
                    <small id="slug-hint" class="meta">{move || t().slug_hint}</small>
                </div>
                <label><input type="checkbox" name="show_counts" value="on" checked=v.show_counts /> " " {move || t().show_counts}</label>
                <button class="button" type="submit" data-testid="share-save">{move || t().save}</button>
            </ActionForm>
            {match v.url.clone() {
                Some(url) => {
                    let slug = shared_slug.clone();
                    view! {
                        <div class="field">
                            <label for="share-url">{move || t().link_label}</label>
                            <input id="share-url" readonly value=url.clone() data-testid="share-url" title=move || t().copy_hint />
                            <CopyLink url=url.clone() label=t().copy.to_string() done=t().copied.to_string() />
                            <a href=url.clone() data-testid="share-open">{url.clone()}</a>
                        </div>
                        <figure class="share-qr">
                            <img src=format!("/r/{slug}/qr.svg") width="120" height="120" alt=move || t().qr_alt data-testid="share-qr" />
                            <figcaption class="meta">
                                <a href=format!("/r/{slug}/qr.svg") download=format!("proofolio-{slug}-qr.svg")>{move || t().qr_download}</a>
                                " · "
                                <a href=format!("/r/{slug}/preview.png") data-testid="share-preview">{move || t().preview_image}</a>
                            </figcaption>
                        </figure>
                    }.into_any()
                }
                None => view! { <p class="meta">{move || t().private_note}</p> }.into_any(),
            }}
            <p class="meta" data-testid="share-counts">
                {v.views} " " {move || t().views} " · " {v.uniques} " " {move || t().uniques} " · " {v.likes} " " {move || t().likes}
            </p>
            <ViewsChart days=chart />
        </section>
    }
}

/// "Copy link": a button that exists once the page runs JavaScript (the
/// link's text field beside it is the way without).
#[island]
fn CopyLink(url: String, label: String, done: String) -> impl IntoView {
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    let copied = RwSignal::new(false);
    let url = StoredValue::new(url);
    let copy = move |_| {
        #[cfg(not(feature = "hydrate"))]
        let _ = (url, copied);
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = url.with_value(|u| w.navigator().clipboard().write_text(u));
            copied.set(true);
        }
    };
    move || {
        let (label, done) = (label.clone(), done.clone());
        running.get().then(|| {
            view! {
                <button type="button" class="button secondary small" on:click=copy data-testid="share-copy">
                    {move || if copied.get() { done.clone() } else { label.clone() }}
                </button>
            }
        })
    }
}

/// Thirty bars drawn on the server, with the numbers as a table beside
/// them for screen readers.
#[component]
fn ViewsChart(days: Vec<DayCount>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let max = days.iter().map(|d| d.views).max().unwrap_or(0).max(1) as f64;
    let (w, h) = (300.0, 60.0);
    let bar = w / days.len().max(1) as f64;
    let total: i64 = days.iter().map(|d| d.views).sum();
    view! {
        <figure class="views-chart" data-testid="views-chart">
            <figcaption class="meta">{move || t().last_30} " · " {total}</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") width="100%" height="60" role="img" aria-hidden="true" preserveAspectRatio="none">
                {days.iter().enumerate().map(|(i, d)| {
                    let bh = (d.views as f64 / max * (h - 2.0)).max(if d.views > 0 { 2.0 } else { 0.0 });
                    view! {
                        <rect x=format!("{:.1}", i as f64 * bar + 1.0) y=format!("{:.1}", h - bh) width=format!("{:.1}", (bar - 2.0).max(1.0)) height=format!("{bh:.1}") class="bar">
                            <title>{format!("{}: {}", d.day, d.views)}</title>
                        </rect>
                    }
                }).collect_view()}
            </svg>
            <table class="visually-hidden">
                <tbody>
                    {days.into_iter().filter(|d| d.views > 0).map(|d| view! { <tr><th scope="row">{d.day}</th><td>{d.views}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

/// Text with its http(s) addresses as links (the rest stays text, escaped
/// like all text).
fn linkified(text: &str) -> impl IntoView {
    let mut out = Vec::new();
    let mut plain = String::new();
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end();
        if (word.starts_with("https://") || word.starts_with("http://")) && word.len() > 8 {
            if !plain.is_empty() {
                out.push(std::mem::take(&mut plain).into_any());
            }
            out.push(
                view! { <a href=word.to_string() rel="nofollow ugc noopener noreferrer">{word.to_string()}</a> }
                    .into_any(),
            );
            plain.push_str(&piece[word.len()..]);
        } else {
            plain.push_str(piece);
        }
    }
    if !plain.is_empty() {
        out.push(plain.into_any());
    }
    out
}

/// The places a comment can point at: the whole résumé, each section,
/// each line (with its first words).
fn anchors(doc: &serde_json::Value, t: &crate::resume::texts::ResumeText) -> Vec<(String, String)> {
    let mut out = vec![];
    if doc["basics"]["summary"].is_string() {
        out.push(("summary".to_string(), t.summary.to_string()));
    }
    for (key, name) in [("work", t.work), ("projects", t.projects)] {
        let Some(items) = doc[key].as_array() else { continue };
        out.push((key.to_string(), name.to_string()));
        for (i, item) in items.iter().enumerate() {
            let title = item["name"].as_str().unwrap_or_default();
            for (j, h) in item["highlights"].as_array().into_iter().flatten().enumerate() {
                let words: String = h.as_str().unwrap_or_default().chars().take(40).collect();
                out.push((format!("{key}.{i}.highlights.{j}"), format!("{name} · {title} · {words}")));
            }
        }
    }
    if doc["skills"].is_array() {
        out.push(("skills".to_string(), t.skills.to_string()));
    }
    out
}

#[component]
fn Comments(id: String, slug: String, doc: serde_json::Value) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let rt = move || crate::resume::texts::texts(i18n.lang());
    let post = ServerAction::<PostComment>::new();
    let del = ServerAction::<DeleteComment>::new();
    let edit = ServerAction::<EditComment>::new();
    let report = ServerAction::<ReportComment>::new();
    let id2 = id.clone();
    let data = Resource::new(move || id2.clone(), super::comments_of);
    let me = crate::account::use_me();
    let places = StoredValue::new(anchors(&doc, rt()));
    let (slug, id) = (StoredValue::new(slug), StoredValue::new(id));
    let label_of = move |anchor: &str| {
        places
            .with_value(|p| p.iter().find(|(a, _)| a == anchor).map(|(_, l)| l.clone()))
            .unwrap_or_else(|| anchor.to_string())
    };
    let comment = move |c: CommentView, reply_form: bool| {
        let cid = c.id.clone();
        let (cid1, cid2, cid3) = (cid.clone(), cid.clone(), cid.clone());
        view! {
            <li class="comment" data-testid="comment" id=format!("c-{}", c.id)>
                <p class="meta">
                    <strong data-testid="comment-author">{c.author.clone()}</strong>
                    " · " {c.created_at.chars().take(16).collect::<String>().replace('T', " ")}
                    {c.edited.then(|| view! { " · " {move || t().edited} })}
                    {c.anchor.clone().map(|a| view! { " · " <span class="badge" data-testid="comment-anchor" data-anchor=a.clone()>{label_of(&a)}</span> })}
                </p>
                <p class="comment-body" data-testid="comment-body">{linkified(&c.body)}</p>
                <div class="comment-actions">
                    {c.can_delete.then(|| { let v = view! {
                        <ActionForm action=del attr:class="inline">
                            <input type="hidden" name="id" value=cid1.clone() />
                            <input type="hidden" name="slug" value=slug.get_value() />
                            <button class="link-button danger" type="submit" data-testid="comment-delete">{move || t().delete}</button>
                        </ActionForm>
                        };
                        v.into_any()
                    })}
                    {c.mine.then(|| { let v = view! {
                        <details class="inline">
                            <summary class="link-button">{move || t().edit}</summary>
                            <ActionForm action=edit>
                                <input type="hidden" name="id" value=cid2.clone() />
                                <input type="hidden" name="slug" value=slug.get_value() />
                                <textarea name="body" rows="3" maxlength="2000" required>{c.body.clone()}</textarea>
                                <button class="button small" type="submit" data-testid="comment-save">{move || t().save}</button>
                            </ActionForm>
                        </details>
                        };
                        v.into_any()
                    })}
                    {(!c.mine).then(|| { let v = view! {
                        <ActionForm action=report attr:class="inline">
                            <input type="hidden" name="id" value=cid3.clone() />
                            <input type="hidden" name="slug" value=slug.get_value() />
                            <button class="link-button" type="submit" data-testid="comment-report">{move || t().report}</button>
                        </ActionForm>
                        };
                        v.into_any()
                    })}
                </div>
                {(!c.replies.is_empty()).then(|| { let v = view! {
                    <ul class="replies">
                        {c.replies.into_iter().map(|r| view! {
                            <li class="comment reply" data-testid="reply">
                                <p class="meta"><strong>{r.author.clone()}</strong> " · " {r.created_at.chars().take(16).collect::<String>().replace('T', " ")}</p>
                                <p class="comment-body">{linkified(&r.body)}</p>
                                {r.can_delete.then(|| view! {
                                    <ActionForm action=del attr:class="inline">
                                        <input type="hidden" name="id" value=r.id.clone() />
                                        <input type="hidden" name="slug" value=slug.get_value() />
                                        <button class="link-button danger" type="submit">{move || t().delete}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                    };
                    v.into_any()
                })}
                {reply_form.then(|| { let v = view! {
                    <details class="reply-form">
                        <summary class="link-button" data-testid="reply-open">{move || t().reply}</summary>
                        <ActionForm action=post>
                            <input type="hidden" name="id" value=id.get_value() />
                            <input type="hidden" name="slug" value=slug.get_value() />
                            <input type="hidden" name="parent_id" value=cid.clone() />
                            <label class="visually-hidden" for=format!("reply-{cid}")>{move || t().reply}</label>
                            <textarea id=format!("reply-{cid}") name="body" rows="2" maxlength="2000" required data-testid="reply-body"></textarea>
                            <button class="button small" type="submit" data-testid="reply-post">{move || t().reply}</button>
                        </ActionForm>
                    </details>
                    };
                    v.into_any()
                })}
            </li>
        }
        .into_any()
    };
    view! {
        <section class="comments no-print" id="comments" data-testid="comments">
            <h2>{move || t().comments}</h2>
            {failure(post).or_else(|| failure(del)).or_else(|| failure(edit)).or_else(|| failure(report)).map(|error| view! { <ErrorNote error /> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let signed_in = me.0.await.ok().flatten().is_some();
                    let threads = data.await.unwrap_or_default();
                    let list = if threads.is_empty() {
                        view! { <p class="meta" data-testid="no-comments">{move || t().no_comments}</p> }.into_any()
                    } else {
                        view! { <ul class="comment-list">{threads.into_iter().map(|c| comment(c, signed_in)).collect_view()}</ul> }.into_any()
                    };
                    let form = if signed_in {
                        view! {
                            <ActionForm action=post attr:class="comment-form">
                                <input type="hidden" name="id" value=id.get_value() />
                                <input type="hidden" name="slug" value=slug.get_value() />
                                <label for="comment-body">{move || t().comment_label}</label>
                                <textarea id="comment-body" name="body" rows="3" maxlength="2000" required data-testid="comment-input"></textarea>
                                <label for="comment-anchor">{move || t().anchor_label}</label>
                                <select id="comment-anchor" name="anchor" data-testid="comment-anchor-select">
                                    <option value="">{move || t().whole_resume}</option>
                                    {places.with_value(|p| p.iter().map(|(a, l)| view! { <option value=a.clone()>{l.clone()}</option> }).collect_view())}
                                </select>
                                <button class="button" type="submit" data-testid="comment-post">{move || t().post}</button>
                            </ActionForm>
                        }.into_any()
                    } else {
                        let back = format!("/signin?return_to=%2Fr%2F{}", slug.get_value());
                        view! { <p><a href=back data-testid="comment-signin">{move || t().sign_in_to_comment}</a></p> }.into_any()
                    };
                    view! { {list} {form} }.into_any()
                })}
            </Suspense>
        </section>
    }
}
