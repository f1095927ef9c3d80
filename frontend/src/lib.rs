//! The browser half: hydrate the page's islands (the `#[island]` components;
//! everything else is server-rendered HTML) and nothing else.

#![recursion_limit = "512"]

// Linking the app crate brings its islands' exported hydrate functions.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use wasm_bindgen::JsCast;
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Leptos' loader hydrates the islands right after this returns, one
    // microtask after another; a task queued now runs once all are done.
    // A marker for people and browser tests: the page is interactive now.
    let mark = wasm_bindgen::closure::Closure::once_into_js(|| {
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback(mark.unchecked_ref());
    }
}
