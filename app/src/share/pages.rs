//! `/r/{slug}`: a shared résumé as readers see it (server-rendered, no
//! JavaScript needed, printable, with link-preview tags), and the owner's
//! sharing card on the résumé page (visibility, link, counts).

use super::texts::texts;
use super::types::{DayCount, PublicResume, ShareView, Shared, Visibility};
use super::{shared_resume, SetSharing, ToggleLike};
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
        <Meta name="twitter:card" content="summary" />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:description" content=description />
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
                Some(url) => view! {
                    <div class="field">
                        <label for="share-url">{move || t().link_label}</label>
                        <input id="share-url" readonly value=url.clone() data-testid="share-url" title=move || t().copy_hint />
                        <a href=url.clone() data-testid="share-open">{url.clone()}</a>
                    </div>
                }.into_any(),
                None => view! { <p class="meta">{move || t().private_note}</p> }.into_any(),
            }}
            <p class="meta" data-testid="share-counts">
                {v.views} " " {move || t().views} " · " {v.uniques} " " {move || t().uniques} " · " {v.likes} " " {move || t().likes}
            </p>
            <ViewsChart days=chart />
        </section>
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
