use crate::platform::i18n::use_i18n;
use leptos::prelude::*;
use leptos_meta::Title;

/// Rendered for any unknown path, with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=i18n.t(|t| t.not_found_title) />
        <section class="container not-found">
            <p class="status-code" aria-hidden="true">"404"</p>
            <h1>{i18n.t(|t| t.not_found_title)}</h1>
            <p>{i18n.t(|t| t.not_found_body)}</p>
            <p>
                <a class="button" href="/">{i18n.t(|t| t.not_found_home)}</a>
            </p>
        </section>
    }
}
