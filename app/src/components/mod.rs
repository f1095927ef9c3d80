//! The page frame: header, footer, language switch.

use crate::i18n::{use_i18n, Lang};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"P"</span>
                    <span class="brand-name">"Proofolio"</span>
                    <span class="brand-tagline">{i18n.t(|t| t.tagline)}</span>
                </a>
                <nav class="site-nav" aria-label="Primary">
                    <a href="/#how">{i18n.t(|t| t.nav_how)}</a>
                    <LangSwitch />
                    <UserMenu />
                </nav>
            </div>
        </header>
    }
}

/// Who is signed in, or a way to sign in. Sign-out is a form: it works
/// without JavaScript and cannot be triggered by a link from elsewhere.
#[component]
pub fn UserMenu() -> impl IntoView {
    let i18n = use_i18n();
    let me = crate::account::use_me();
    let options = Resource::new(|| (), |_| crate::account::sign_in_options());
    let location = use_location();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let t = i18n.lang().texts();
                match me.0.await.ok().flatten() {
                    None => {
                        let here = location.pathname.get_untracked();
                        let target = if here.starts_with("/signin") { "/".to_string() } else { here };
                        let back = encode_component(&target);
                        let options = options.await.unwrap_or_default();
                        view! {
                            // A disclosure: opens without JavaScript too.
                            <details class="signin-menu">
                                <summary class="button small" data-testid="sign-in-link">{t.nav_sign_in}</summary>
                                <div class="menu" role="group" aria-label=t.nav_sign_in>
                                    {options
                                        .into_iter()
                                        .map(|p| {
                                            if p.demo {
                                                view! {
                                                    <form method="post" action=p.login_url.clone()>
                                                        <input type="hidden" name="return_to" value=target.clone() />
                                                        <button class="menu-item" type="submit">{t.demo_button}</button>
                                                    </form>
                                                }
                                                    .into_any()
                                            } else {
                                                let href = format!("{}?return_to={back}", p.login_url);
                                                view! {
                                                    <a class="menu-item" href=href rel="external" data-provider=p.id.clone()>
                                                        {t.sign_in_with} " " {p.display_name.clone()}
                                                    </a>
                                                }
                                                    .into_any()
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            </details>
                        }
                        .into_any()
                    }
                    Some(m) => {
                        let (label, href) = match m.nickname.clone() {
                            Some(n) => (n, "/settings/account".to_string()),
                            None => (t.choose_nickname_prompt.to_string(), "/welcome".to_string()),
                        };
                        view! {
                            <span class="user-menu">
                                {m.avatar_url.clone().map(|src| view! { <img class="avatar" src=src alt="" width="28" height="28" /> })}
                                <a href="/skills" data-testid="nav-skills">{crate::pages::skills_text::texts(i18n.lang()).nav_skills}</a>
                                <a href=href data-testid="user-nickname">{label}</a>
                                <form method="post" action="/api/v1/auth/logout" class="inline">
                                    <button class="link-button" type="submit" data-testid="sign-out">{t.sign_out}</button>
                                </form>
                            </span>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Links that work without JavaScript (the server sets the cookie and sends
/// the visitor back); once hydrated, a click switches the page in place.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    view! {
        <div class="lang-switch" role="group" aria-label=i18n.t(|t| t.lang_label)>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    let href = move || {
                        let path = location.pathname.get();
                        format!("/lang/{}?next={}", lang.code(), encode_component(&path))
                    };
                    view! {
                        <a
                            href=href
                            hreflang=lang.code()
                            lang=lang.code()
                            class="lang-option"
                            data-lang=lang.code()
                            aria-current=move || (i18n.lang() == lang).then_some("true")
                            on:click=move |ev| {
                                ev.prevent_default();
                                i18n.set(lang);
                            }
                        >
                            {lang.native_name()}
                        </a>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <div class="container footer-row">
                <p>{i18n.t(|t| t.footer_note)}</p>
                <nav aria-label="Footer">
                    <a href="/api/v1/docs" rel="external">{i18n.t(|t| t.footer_api)}</a>
                </nav>
            </div>
        </footer>
    }
}

/// Percent-encode a path for use as a query value.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Follow a background job's server-sent events at `url` (hydrated pages
/// only): each `progress` and the final `done` event hand the job to
/// `on_update`; `done` then reloads the page, which renders the result.
#[cfg(feature = "hydrate")]
pub fn follow_job(url: String, on_update: impl Fn(crate::api_types::JobView) + Clone + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast};
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        let Ok(source) = web_sys::EventSource::new(&url) else { return };
        let update = {
            let on_update = on_update.clone();
            move |e: web_sys::MessageEvent| {
                if let Some(view) = e.data().as_string().and_then(|t| serde_json::from_str(&t).ok()) {
                    on_update(view);
                }
            }
        };
        let on_progress = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(update.clone());
        let closing = source.clone();
        let on_done = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            update(e);
            closing.close();
            let _ = window().location().reload();
        });
        let _ = source.add_event_listener_with_callback("progress", on_progress.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("done", on_done.as_ref().unchecked_ref());
        // The page lives as long as the listeners; the reload ends both.
        on_progress.forget();
        on_done.forget();
    });
}
