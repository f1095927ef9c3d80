//! Proofolio's application crate: the Leptos components, routes and server
//! functions shared by the server (feature `ssr`) and the browser (feature
//! `hydrate`), the wire types, and — under `ssr` only — the services,
//! entities and state they use on the server.

#![recursion_limit = "256"]

pub mod account;
pub mod gallery;
pub mod github;
pub mod home;
pub mod market;
pub mod notify;
pub mod platform;
pub mod profile;
pub mod resume;
pub mod share;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

use crate::account::pages::{AccountSettings, SignIn, Welcome};
use crate::github::pages::PreviewPage;
use crate::home::landing::Landing;
use crate::home::not_found::NotFound;
use crate::platform::i18n::{initial_lang, I18n};
use crate::platform::ui::{Footer, Header};
use crate::profile::pages::MySkills;
use crate::resume::pages::ResumePage;

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    // A fresh nonce per response: Leptos puts it on its hydration and
    // streaming scripts, and the policy allows exactly those.
    #[cfg(feature = "ssr")]
    {
        leptos::nonce::provide_nonce();
        if let (Some(nonce), Some(response)) =
            (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
        {
            // Avatars come from GitHub (https); a GitHub stand-in on plain
            // http (local runs, tests) is allowed by its own origin.
            let images: Vec<String> = use_context::<platform::ssr::state::AppState>()
                .map(|s| {
                    platform::csp::plain_http_origins([
                        s.settings.github.web_url.as_str(),
                        s.settings.github.api_url.as_str(),
                    ])
                })
                .unwrap_or_default();
            if let Ok(value) = http::HeaderValue::from_str(&platform::csp::for_page(&nonce, &images)) {
                response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
            }
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n(initial_lang());
    provide_context(i18n);
    provide_context(account::Me(Resource::new(|| (), |_| account::current_user())));

    view! {
        <Stylesheet id="leptos" href="/pkg/proofolio.css" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Proofolio".to_string() } else { format!("{title} · Proofolio") }
        } />
        <Router>
            <a class="skip-link" href="#main">{i18n.t(|t| t.skip_to_content)}</a>
            <Header />
            <main id="main" class="main">
                <Routes fallback=NotFound>
                    // Async: the whole page (data included) is in the first
                    // response, so it works without JavaScript and chat apps'
                    // link previews see real content.
                    <Route path=StaticSegment("") view=Landing ssr=SsrMode::Async />
                    <Route path=StaticSegment("signin") view=SignIn ssr=SsrMode::Async />
                    <Route path=StaticSegment("welcome") view=Welcome ssr=SsrMode::Async />
                    <Route path=StaticSegment("skills") view=MySkills ssr=SsrMode::Async />
                    <Route path=StaticSegment("preview") view=PreviewPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("resumes"), ParamSegment("id")) view=ResumePage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("r"), ParamSegment("slug")) view=crate::share::pages::SharedPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("explore") view=crate::gallery::pages::GalleryPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("resumes"), ParamSegment("id"), StaticSegment("edit"))
                        view=crate::resume::editor::EditorPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("resumes"), ParamSegment("id"), StaticSegment("versions"), ParamSegment("n"))
                        view=crate::resume::pages::VersionDiffPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("account"))
                        view=AccountSettings
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("market") view=crate::market::pages::MarketPage ssr=SsrMode::Async />
                    <Route
                        path=StaticSegment("notifications")
                        view=crate::notify::pages::NotificationsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("market"), StaticSegment("match"))
                        view=crate::market::pages::MatchPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("market"), StaticSegment("me"))
                        view=crate::market::pages::MarketFitPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}
