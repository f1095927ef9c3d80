//! The anonymous preview: type a public GitHub username, see its languages,
//! technologies and best repositories. A GET form, so it works without
//! JavaScript and the result has a shareable address (`/preview?login=…`).

use crate::github::{preview_of, PreviewAnswer};
use crate::platform::i18n::use_i18n;
use crate::profile::texts::{month, texts};
use crate::profile::types::Preview;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The username form, shared by the landing page and the preview page.
#[component]
pub fn PreviewForm(#[prop(optional)] value: String) -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    view! {
        <form class="preview-form" method="get" action="/preview" role="search">
            <label for="preview-login">{move || st().preview_label}</label>
            <div class="row">
                <input id="preview-login" name="login" value=value required maxlength="39" autocomplete="off"
                    autocapitalize="off" spellcheck="false" placeholder="octocat" />
                <button class="button" type="submit" data-testid="preview-button">{move || st().preview_button}</button>
            </div>
        </form>
    }
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    let login =
        use_query_map().with_untracked(|q| q.get("login")).map(|l| l.trim().to_string()).filter(|l| !l.is_empty());
    let wanted = login.clone();
    let answer = Resource::new(
        move || wanted.clone(),
        |l| async move {
            match l {
                Some(l) => Some(preview_of(l).await),
                None => None,
            }
        },
    );
    view! {
        <Title text=move || st().preview_title />
        <section class="container preview-page">
            <h1>{move || st().preview_title}</h1>
            <p class="lead">{move || st().preview_lead}</p>
            <PreviewForm value=login.clone().unwrap_or_default() />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match answer.await {
                        None => ().into_any(),
                        Some(Ok(PreviewAnswer::Found(p))) => view! { <PreviewBody p=*p /> }.into_any(),
                        Some(Ok(PreviewAnswer::NotFound)) => note(move || st().preview_not_found),
                        Some(Ok(PreviewAnswer::Invalid)) => note(move || st().preview_invalid),
                        Some(Ok(PreviewAnswer::TooMany(_))) => note(move || st().preview_too_many),
                        Some(Ok(PreviewAnswer::Unavailable)) | Some(Err(_)) => note(move || st().preview_unavailable),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn note(text: impl Fn() -> &'static str + Send + Sync + 'static) -> AnyView {
    view! { <p class="notice error" role="alert" data-testid="preview-error">{text}</p> }.into_any()
}

#[component]
fn PreviewBody(p: Preview) -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    let a = p.account.clone();
    view! {
        <article class="card preview" data-testid="preview">
            <header class="preview-head">
                {a.avatar_url.clone().map(|src| view! { <img class="avatar" src=src alt="" width="56" height="56" /> })}
                <div>
                    <h2><a href=a.url.clone() rel="noopener noreferrer">{a.name.clone().unwrap_or_else(|| a.login.clone())}</a></h2>
                    <p class="meta">"@" {a.login.clone()} " · " {p.public_repos} " " {move || st().public_repos}
                        " · " {a.followers} " " {move || st().followers}</p>
                    {a.bio.clone().map(|b| view! { <p>{b}</p> })}
                </div>
            </header>
            <h3>{move || st().languages}</h3>
            <ul class="chips" data-testid="preview-languages">
                {p.languages.iter().map(|l| view! { <li class="chip">{l.name.clone()} " " <span class="meta">{l.repositories}</span></li> }).collect_view()}
            </ul>
            {(!p.technologies.is_empty()).then(|| view! {
                <h3>{move || st().preview_topics}</h3>
                <ul class="chips">
                    {p.technologies.iter().map(|t| view! { <li class="chip">{t.name.clone()}</li> }).collect_view()}
                </ul>
            })}
            <h3>{move || st().preview_repos}</h3>
            <ol class="repo-list">
                {p.repositories.iter().map(|r| view! {
                    <li class="repo" data-testid="preview-repo">
                        <div class="repo-head">
                            <a class="repo-name" href=r.url.clone() rel="noopener noreferrer">{r.name_with_owner.clone()}</a>
                            <span class="meta">"★ " {r.stars}</span>
                        </div>
                        {r.description.clone().map(|d| view! { <p class="repo-desc">{d}</p> })}
                        <p class="meta">{r.language.clone().unwrap_or_default()} " · " {month(&r.pushed_at)}</p>
                    </li>
                }).collect_view()}
            </ol>
            <p><a class="button" href="/signin?return_to=%2Fskills">{move || st().preview_cta}</a></p>
        </article>
    }
}
