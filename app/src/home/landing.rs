use crate::github::pages::PreviewForm;
use crate::platform::i18n::use_i18n;
use crate::profile::texts::texts;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text="" />
        <Meta name="description" content=i18n.t(|t| t.hero_lead) />
        <section class="hero">
            <div class="container">
                <p class="kicker">{i18n.t(|t| t.hero_kicker)}</p>
                <h1>{i18n.t(|t| t.hero_title)}</h1>
                <p class="lead">{i18n.t(|t| t.hero_lead)}</p>
                <p>
                    <a class="button" href="#how">{i18n.t(|t| t.hero_cta)}</a>
                </p>
            </div>
        </section>
        <section id="how" class="container how" aria-labelledby="how-title">
            <h2 id="how-title">{i18n.t(|t| t.how_title)}</h2>
            <ol class="steps">
                <li>
                    <h3>{i18n.t(|t| t.step1_title)}</h3>
                    <p>{i18n.t(|t| t.step1_body)}</p>
                </li>
                <li>
                    <h3>{i18n.t(|t| t.step2_title)}</h3>
                    <p>{i18n.t(|t| t.step2_body)}</p>
                </li>
                <li>
                    <h3>{i18n.t(|t| t.step3_title)}</h3>
                    <p>{i18n.t(|t| t.step3_body)}</p>
                </li>
                <li>
                    <h3>{i18n.t(|t| t.step4_title)}</h3>
                    <p>{i18n.t(|t| t.step4_body)}</p>
                </li>
            </ol>
        </section>
        <section class="container preview-cta" aria-labelledby="preview-title">
            <h2 id="preview-title">{move || texts(i18n.lang()).preview_title}</h2>
            <p>{move || texts(i18n.lang()).preview_lead}</p>
            <PreviewForm />
        </section>
        <ReceiptDemo />
    }
}

/// A sample bullet whose receipts open in place. Without JavaScript the
/// `<details>` element still opens; hydrated (an island), the button label
/// follows.
#[island]
fn ReceiptDemo() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <section class="container demo" aria-labelledby="demo-title">
            <h2 id="demo-title">{i18n.t(|t| t.demo_title)}</h2>
            <p>{i18n.t(|t| t.demo_lead)}</p>
            <article class="demo-card">
                <span class="badge">{i18n.t(|t| t.demo_example)}</span>
                <p class="demo-bullet">{i18n.t(|t| t.demo_bullet)}</p>
                <details
                    class="receipts"
                    prop:open=move || open.get()
                    on:toggle=move |ev| {
                        // `<details>` carries the `open` attribute while it is open.
                        let now_open = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
                        open.set(now_open);
                    }
                >
                    <summary class="receipts-toggle" data-testid="receipts-toggle">
                        {move || if open.get() { i18n.t(|t| t.demo_hide)() } else { i18n.t(|t| t.demo_show)() }}
                    </summary>
                    <ul class="receipt-list">
                        <li>{i18n.t(|t| t.demo_receipt_repo)}</li>
                        <li>{i18n.t(|t| t.demo_receipt_pr)}</li>
                        <li>{i18n.t(|t| t.demo_receipt_deps)}</li>
                    </ul>
                </details>
            </article>
        </section>
    }
}
