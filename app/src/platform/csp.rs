//! The Content-Security-Policy of every HTML response.
//!
//! Scripts run only from our origin and, inline, only with the response's
//! nonce (Leptos's hydration and streaming scripts carry it); WebAssembly
//! may be compiled (`'wasm-unsafe-eval'`, which allows no JavaScript
//! `eval`). Nothing may frame the pages, plugins are off, `<base>` cannot
//! be injected. Styles may be inline (style attributes are not a script
//! vector); images may come from https (avatars).

const COMMON: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// For HTML that is not a Leptos page (API docs, error pages from layers):
/// no inline scripts at all.
pub const STATIC_PAGES: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: https:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'";

/// For a page rendered with `nonce`; `images` are extra image origins.
pub fn for_page(nonce: &str, images: &[String]) -> String {
    let mut img = String::from("img-src 'self' data: https:");
    for origin in images {
        img.push(' ');
        img.push_str(origin);
    }
    format!("{COMMON}; {img}; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'")
}

/// The origins of those URLs that are plain `http://` (https ones are
/// allowed already), without anything a policy could misread.
pub fn plain_http_origins<'a>(urls: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = urls
        .into_iter()
        .filter_map(|u| {
            let rest = u.strip_prefix("http://")?;
            let host = rest.split('/').next()?;
            let ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
            ok.then(|| format!("http://{host}"))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn scripts_need_the_nonce_and_nothing_allows_inline_script() {
        let p =
            super::for_page("abc123", &super::plain_http_origins(["http://127.0.0.1:3192/x", "https://github.com"]));
        assert!(p.contains("img-src 'self' data: https: http://127.0.0.1:3192;"), "{p}");
        assert!(super::plain_http_origins(["http://evil; script-src *"]).is_empty());
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        for policy in [p.as_str(), super::STATIC_PAGES] {
            let scripts = policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
            assert!(!scripts.contains("unsafe-inline") && !scripts.contains("'unsafe-eval'"), "{scripts}");
            assert!(policy.contains("frame-ancestors 'none'"));
        }
    }
}
