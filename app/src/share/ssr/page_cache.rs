//! Shared pages as readers who are not signed in get them: rendered once,
//! then served from this instance's memory for a moment.
//!
//! A page of a shared résumé is the same for every signed-out reader in
//! one language, so rendering it (four queries, the comments, Leptos) for
//! each of them is waste. The render marks a page it may hand on with the
//! résumé's id ([`CACHEABLE`]; only a found public or unlisted résumé read
//! anonymously whose page does not show a live view count); this layer
//! keeps such a page for `sharing.page_cache_ms` (1 s by default, 0 turns
//! it off) per slug and language, and serves it with:
//!
//! - a fresh script nonce per response, in the page and in its
//!   Content-Security-Policy alike (the nonce is never reused);
//! - the view counted as the render would have (bots and the dedupe
//!   window included);
//! - nothing stale after a change made through this instance: any request
//!   that may write (not GET, HEAD or OPTIONS) ends every kept page, so a
//!   like, a comment, an edit or making a résumé private shows on the next
//!   load. A change made through another instance (or by a background job)
//!   shows within the time a page is kept.
//!
//! When a kept page runs out, one request renders it anew while the others
//! still get the kept one, so a busy page is rendered about once per
//! period, not once per waiting reader.
//!
//! The layer stands at the front of the stack, just inside the request id:
//! a kept page needs none of what a render does (timeouts, panic catching,
//! body limits, the span, compressing a fresh body). What the layers
//! further in add to a page (security headers, the policy) was added to the
//! render it keeps; what is per request it does itself: the request id, the
//! metrics, and compression. A render marked keepable is not compressed on
//! its way out ([`compress`]); the kept page holds its pieces deflated
//! apart, and a reader who accepts gzip gets them joined around the fresh
//! nonce in one gzip member, so compressing costs nothing per request.

use crate::platform::ssr::http::REQUEST_ID;
use crate::platform::ssr::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Set by a render whose page any signed-out reader may get: the résumé's
/// id. Taken off before the response leaves.
pub const CACHEABLE: &str = "x-proofolio-page-cache";
/// On a request this layer would keep the answer to: the render marks its
/// page [`CACHEABLE`] only then (a marked page goes out uncompressed, for
/// this layer to compress).
#[derive(Clone, Copy)]
pub struct Keepable;

/// Pages kept at most (slugs × languages); past it the oldest half goes.
const MAX_PAGES: usize = 4096;
/// A page larger than this is served, not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// The pages this instance keeps, and the count of changes it has seen.
#[derive(Default)]
pub struct PageCache {
    /// Every request that may have changed something moves this on; a
    /// page rendered before is not served again.
    epoch: AtomicU64,
    pages: RwLock<HashMap<(String, &'static str), Arc<Page>>>,
    /// The request counter and timer of a kept page, looked up once.
    metrics: std::sync::OnceLock<(prometheus::IntCounter, prometheus::Histogram)>,
}

struct Page {
    resume_id: String,
    headers: HeaderMap,
    /// The Content-Security-Policy and the body, split where the render's
    /// nonce stood.
    csp: Option<Vec<String>>,
    body: Vec<Bytes>,
    /// The same pieces, each deflated on its own (see [`Gzipped`]).
    gzipped: Gzipped,
    rendered: Instant,
    epoch: u64,
    /// One request is rendering it anew.
    refreshing: AtomicBool,
}

impl PageCache {
    /// Forget every page (something may have changed).
    pub fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    fn get(&self, key: &(String, &'static str)) -> Option<Arc<Page>> {
        self.pages.read().expect("page cache").get(key).cloned()
    }

    fn put(&self, key: (String, &'static str), page: Page) {
        let mut pages = self.pages.write().expect("page cache");
        if pages.len() >= MAX_PAGES && !pages.contains_key(&key) {
            let mut ages: Vec<Instant> = pages.values().map(|p| p.rendered).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            pages.retain(|_, p| p.rendered > cut);
        }
        pages.insert(key, Arc::new(page));
    }

    /// A kept page went out: counted and timed as the metrics layer
    /// (further in, so skipped) would have.
    fn served(&self, state: &AppState, started: Instant) {
        let (count, time) = self.metrics.get_or_init(|| {
            let labels = ["GET", "/r/{slug}", "200"];
            (
                state.metrics.http_requests.with_label_values(&labels),
                state.metrics.http_duration.with_label_values(&labels),
            )
        });
        count.inc();
        time.observe(started.elapsed().as_secs_f64());
    }

    fn remove(&self, key: &(String, &'static str)) {
        self.pages.write().expect("page cache").remove(key);
    }

    /// Pages kept now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.pages.read().expect("page cache").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `/r/{slug}` exactly (not its images, no query): the slug.
fn shared_page(req: &Request) -> Option<String> {
    if req.uri().query().is_some() {
        return None;
    }
    let slug = req.uri().path().strip_prefix("/r/")?;
    (!slug.is_empty() && !slug.contains('/')).then(|| slug.to_string())
}

/// No sign-in of any kind: no bearer token, none of our session cookies.
fn signed_out(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::AUTHORIZATION) {
        return false;
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .all(|kv| !kv.trim().split('=').next().unwrap_or_default().contains("pf_"))
}

/// A nonce as Leptos makes them: 16 random bytes, base64url.
fn nonce() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}

/// The nonce a page's policy names (`'nonce-…'`).
fn nonce_of(csp: &str) -> Option<&str> {
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let len = csp[start..].find('\'')?;
    Some(&csp[start..start + len]).filter(|n| n.len() >= 16)
}

fn split_bytes(body: &Bytes, at: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i + at.len() <= body.len() {
        if &body[i..i + at.len()] == at {
            pieces.push(body.slice(from..i));
            i += at.len();
            from = i;
        } else {
            i += 1;
        }
    }
    pieces.push(body.slice(from..));
    pieces
}

impl Page {
    fn new(resume_id: String, headers: HeaderMap, csp: Option<Vec<String>>, body: Vec<Bytes>, epoch: u64) -> Self {
        let gzipped = Gzipped::new(&body);
        Page {
            resume_id,
            headers,
            csp,
            body,
            gzipped,
            rendered: Instant::now(),
            epoch,
            refreshing: AtomicBool::new(false),
        }
    }

    /// The page for one reader: a fresh nonce, gzip'd if they take it.
    fn response(&self, gzip: bool) -> Response {
        let fresh = nonce();
        let body = if gzip { self.gzipped.join(&self.body, fresh.as_bytes()) } else { self.plain(fresh.as_bytes()) };
        let mut res = Response::new(Body::from(body));
        *res.headers_mut() = self.headers.clone();
        if let Some(csp) = &self.csp {
            if let Ok(v) = HeaderValue::from_str(&csp.join(&fresh)) {
                res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
            }
        }
        if gzip {
            res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        res
    }

    fn plain(&self, nonce: &[u8]) -> Vec<u8> {
        let len: usize = self.body.iter().map(Bytes::len).sum();
        let mut body = Vec::with_capacity(len + self.body.len() * nonce.len());
        for (i, piece) in self.body.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce);
            }
            body.extend_from_slice(piece);
        }
        body
    }
}

/// A page's pieces deflated apart, so that a gzip member of the page with
/// any nonce is put together without compressing anything: each piece is
/// deflated and then fully flushed (the stream is byte-aligned and nothing
/// after refers back past it), so pieces and the nonce between them, as a
/// stored block, make one valid deflate stream. The CRC is of the text
/// itself and is computed per response (it cannot be kept: the nonce is in
/// the text).
struct Gzipped {
    pieces: Vec<Vec<u8>>,
}

impl Gzipped {
    fn new(pieces: &[Bytes]) -> Self {
        use flate2::{Compress, Compression, FlushCompress};
        let mut z = Compress::new(Compression::default(), false);
        let pieces = pieces
            .iter()
            .map(|piece| {
                let mut out = Vec::with_capacity(piece.len() / 3 + 64);
                let mut input: &[u8] = piece;
                loop {
                    out.reserve(4096);
                    let before = z.total_in();
                    // Output space runs out before the input does: go on
                    // until the flush completes (it leaves room to spare).
                    z.compress_vec(input, &mut out, FlushCompress::Full).expect("deflate into memory");
                    input = &input[(z.total_in() - before) as usize..];
                    if input.is_empty() && out.len() < out.capacity() {
                        break;
                    }
                }
                out
            })
            .collect();
        Gzipped { pieces }
    }

    /// One gzip member: the pieces with `nonce` between them.
    fn join(&self, plain: &[Bytes], nonce: &[u8]) -> Vec<u8> {
        let len: usize = self.pieces.iter().map(Vec::len).sum();
        let mut out = Vec::with_capacity(10 + len + self.pieces.len() * (5 + nonce.len()) + 5 + 8);
        // ID1 ID2, deflate, no flags, no time, no extra flags, OS unknown.
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
        let mut crc = flate2::Crc::new();
        let nonce_len = (nonce.len() as u16).to_le_bytes();
        let nonce_nlen = (!(nonce.len() as u16)).to_le_bytes();
        for (i, (deflated, text)) in self.pieces.iter().zip(plain).enumerate() {
            if i > 0 {
                // A stored block, not the last: BFINAL 0, BTYPE 00, padded.
                out.push(0);
                out.extend_from_slice(&nonce_len);
                out.extend_from_slice(&nonce_nlen);
                out.extend_from_slice(nonce);
                crc.update(nonce);
            }
            out.extend_from_slice(deflated);
            crc.update(text);
        }
        // The last block: stored, empty, BFINAL 1.
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&crc.amount().to_le_bytes());
        out
    }
}

/// Whether the reader takes gzip (`gzip` listed, and not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        },
    )
}

/// For the compression layer: a render this layer may keep goes out
/// uncompressed (the layer compresses it, per reader, from its pieces).
pub fn compress(_: http::StatusCode, _: http::Version, headers: &HeaderMap, _: &http::Extensions) -> bool {
    !headers.contains_key(CACHEABLE)
}

/// The layer (see the module): on every request, so that any write
/// through this instance ends the kept pages.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = &state.page_cache;
    if req.method() != Method::GET {
        let writes = req.method() != Method::HEAD && req.method() != Method::OPTIONS;
        let mut res = next.run(req).await;
        res.headers_mut().remove(CACHEABLE);
        if writes {
            cache.changed();
        }
        return res;
    }
    let keep_for = Duration::from_millis(state.settings.sharing.page_cache_ms);
    let slug = shared_page(&req).filter(|_| !keep_for.is_zero() && signed_out(req.headers()));
    let Some(slug) = slug else {
        let mut res = next.run(req).await;
        res.headers_mut().remove(CACHEABLE);
        return res;
    };
    let started = Instant::now();
    let key = (slug, crate::platform::i18n::lang_of_request(req.headers()).code());
    let gzip = accepts_gzip(req.headers());
    let request_id = req.headers().get(REQUEST_ID).cloned();
    let epoch = cache.epoch.load(Ordering::Acquire);
    if let Some(page) = cache.get(&key).filter(|p| p.epoch == epoch) {
        let age = page.rendered.elapsed();
        // Fresh; or run out while another request renders it anew (for a
        // little while: that request may have gone away).
        let serve = age < keep_for || (age < keep_for * 4 && page.refreshing.swap(true, Ordering::AcqRel));
        if serve {
            count_view(&state, &page.resume_id, req).await;
            let mut res = page.response(gzip);
            if let Some(id) = request_id {
                res.headers_mut().insert(REQUEST_ID, id);
            }
            cache.served(&state, started);
            return res;
        }
    }
    let mut req = req;
    req.extensions_mut().insert(Keepable);
    let res = next.run(req).await;
    let (mut parts, body) = res.into_parts();
    let marked = parts.headers.remove(CACHEABLE).and_then(|v| v.to_str().ok().map(str::to_string));
    let Some(resume_id) = marked.filter(|_| {
        parts.status == StatusCode::OK
            && !parts.headers.contains_key(header::SET_COOKIE)
            && !parts.headers.contains_key(header::CONTENT_ENCODING)
    }) else {
        cache.remove(&key);
        return Response::from_parts(parts, body);
    };
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            // Too large to keep, or the render failed half-way: the reader
            // gets what a render that fails gets.
            tracing::warn!(error = %e, "a shared page could not be read whole");
            cache.remove(&key);
            return Response::from_parts(parts, Body::empty());
        }
    };
    let csp = parts.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (csp, pieces) = match csp.as_deref().and_then(nonce_of) {
        Some(n) => (
            csp.as_deref().map(|c| c.split(n).map(str::to_string).collect::<Vec<_>>()),
            split_bytes(&bytes, n.as_bytes()),
        ),
        None => (None, vec![bytes.clone()]),
    };
    // Per request, not kept: the id (set again on every answer) and the
    // length (of the plain or the gzip'd body).
    let mut headers = parts.headers.clone();
    headers.remove(REQUEST_ID);
    headers.remove(header::CONTENT_LENGTH);
    let page = Page::new(resume_id, headers, csp, pieces, epoch);
    // This reader gets what the next ones will: the same bytes, the same
    // encoding (the render went out uncompressed: see [`compress`]).
    let mut res = page.response(gzip);
    if let Some(id) = request_id {
        res.headers_mut().insert(REQUEST_ID, id);
    }
    cache.put(key, page);
    res
}

/// The view a render would have counted (the render is skipped).
async fn count_view(state: &AppState, resume_id: &str, req: Request) {
    use super::views;
    let (parts, _) = req.into_parts();
    let client = crate::account::ssr::extract::client_info(&parts, state.settings.server.trusted_proxy_hops());
    let user_agent = client.user_agent.as_deref().unwrap_or_default();
    if views::is_bot(user_agent) {
        return;
    }
    let viewer = views::viewer_key(state, None, client.ip.as_deref().unwrap_or_default(), user_agent);
    views::count(state, resume_id, &viewer).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_page_itself_signed_out() {
        let req = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
        assert_eq!(shared_page(&req("/r/kim-backend")).as_deref(), Some("kim-backend"));
        assert_eq!(shared_page(&req("/r/kim-backend/preview.png")), None);
        assert_eq!(shared_page(&req("/r/kim-backend?x=1")), None);
        assert_eq!(shared_page(&req("/resumes/1")), None);
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("lang=ko; theme=dark"));
        assert!(signed_out(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("lang=ko; __Host-pf_access=abc"));
        assert!(!signed_out(&h));
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(!signed_out(&h));
    }

    #[test]
    fn a_kept_page_gets_a_new_nonce_everywhere_it_stood() {
        let csp = "default-src 'self'; script-src 'self' 'nonce-yNbLG-ok9HPPWdZ9DnQJLQ' 'wasm-unsafe-eval'";
        let n = nonce_of(csp).unwrap();
        assert_eq!(n, "yNbLG-ok9HPPWdZ9DnQJLQ");
        let body =
            Bytes::from(format!("<script nonce=\"{n}\">a</script><p>김옥토</p><script nonce=\"{n}\">b</script>"));
        let page = Page::new(
            "r".into(),
            HeaderMap::new(),
            Some(csp.split(n).map(str::to_string).collect()),
            split_bytes(&body, n.as_bytes()),
            0,
        );
        let res = page.response(false);
        let policy = res.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        let fresh = nonce_of(&policy).unwrap().to_string();
        assert_ne!(fresh, n);
        let html = futures::executor::block_on(axum::body::to_bytes(res.into_body(), 1 << 20)).unwrap();
        let html = String::from_utf8(html.to_vec()).unwrap();
        assert_eq!(html, body_with(&fresh));
        assert_ne!(nonce_of(&page.csp.as_ref().unwrap().join(&nonce())).unwrap(), fresh);

        fn body_with(n: &str) -> String {
            format!("<script nonce=\"{n}\">a</script><p>김옥토</p><script nonce=\"{n}\">b</script>")
        }
    }

    #[test]
    fn a_kept_page_is_one_valid_gzip_member_with_its_nonce() {
        use std::io::Read;
        let n = "yNbLG-ok9HPPWdZ9DnQJLQ";
        // Long and repetitive enough that deflate refers back within a
        // piece, with the nonce first, in the middle and last.
        let text = format!(
            "{n}<html lang=\"ko\">{}<script nonce=\"{n}\">hydrate()</script>{}{n}",
            "<li>김옥토 · Rust · PostgreSQL</li>".repeat(400),
            "<p>receipts</p>".repeat(300)
        );
        let page =
            Page::new("r".into(), HeaderMap::new(), None, split_bytes(&Bytes::from(text.clone()), n.as_bytes()), 0);
        assert_eq!(page.body.len(), 4);
        for _ in 0..2 {
            let fresh = nonce();
            let gz = page.gzipped.join(&page.body, fresh.as_bytes());
            assert!(gz.len() < text.len() / 10, "{} bytes gzip'd of {}", gz.len(), text.len());
            let mut out = String::new();
            flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut out).expect("a valid gzip member");
            assert_eq!(out, text.replace(n, &fresh));
        }
        let res = page.response(true);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(res.headers()[header::VARY], "accept-encoding");
    }

    #[test]
    fn gzip_only_when_the_reader_takes_it() {
        let h = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
            h
        };
        assert!(accepts_gzip(&h("gzip, deflate, br, zstd")));
        assert!(accepts_gzip(&h("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&h("*")));
        assert!(!accepts_gzip(&h("gzip;q=0, br")));
        assert!(!accepts_gzip(&h("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
