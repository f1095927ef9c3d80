//! The page frame: header, footer, language switch.

use crate::platform::i18n::{use_i18n, Lang};
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
                <nav class="site-nav" aria-label=i18n.t(|t| t.nav_primary)>
                    <a href="/#how">{i18n.t(|t| t.nav_how)}</a>
                    <a href="/explore" data-testid="nav-explore">{crate::gallery::texts::texts(i18n.lang()).nav}</a>
                    <a href="/market" data-testid="nav-market">{crate::market::texts::texts(i18n.lang()).nav}</a>
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
    let unread = Resource::new(|| (), |_| crate::notify::unread_count());
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
                        let unread = unread.await.ok().flatten().unwrap_or(0);
                        view! {
                            <span class="user-menu">
                                {m.avatar_url.clone().map(|src| view! { <img class="avatar" src=src alt="" width="28" height="28" /> })}
                                <a href="/skills" data-testid="nav-skills">{crate::profile::texts::texts(i18n.lang()).nav_skills}</a>
                                <crate::notify::pages::UnreadBadge unread />
                                <a href=href data-testid="user-nickname">{label}</a>
                                <form method="post" action=crate::account::types::LOGOUT_URL class="inline">
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

/// Links: the server sets the cookie and sends the visitor back to the same
/// page, rendered in the chosen language (the page is server-rendered, so
/// switching needs no JavaScript).
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
                <nav aria-label=i18n.t(|t| t.nav_footer)>
                    <a href=crate::platform::api::DOCS_URL rel="external">{i18n.t(|t| t.footer_api)}</a>
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

/// A form's error in the page's language, with the suggestion when there
/// is one.
#[component]
pub fn ErrorNote(error: crate::platform::errors::FnError) -> impl IntoView {
    let i18n = use_i18n();
    let code = error.code;
    view! {
        <p class="notice error" role="alert" data-testid="form-error" data-code=code.as_str()>
            {move || crate::platform::i18n::error_text(i18n.lang(), code)}
            {error.suggestion.map(|s| {
                // A free nickname is offered as one; anything else is the detail.
                let offer = matches!(code, crate::platform::errors::ErrorCode::NicknameTaken);
                view! {
                    " " {offer.then(|| i18n.t(|t| t.err_suggestion))} " " <strong data-testid="suggestion">{s}</strong>
                }
            })}
        </p>
    }
}

/// The error a form's server function answered with. Pages render on the
/// server: without JavaScript Leptos brings the error back in the redirect
/// to this page, and the action reads it from there.
pub fn failure<S>(action: ServerAction<S>) -> Option<crate::platform::errors::FnError>
where
    S: leptos::server_fn::ServerFn<Error = crate::platform::errors::FnError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    action.value().get_untracked().and_then(Result::err)
}
