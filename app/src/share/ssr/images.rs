//! Pictures of a shared link: the link-preview card chat apps show
//! (`/r/{slug}/preview.png`, 1200 × 630, drawn by the PDF export's Typst
//! engine with the same bundled fonts, so Korean comes out right on a
//! server without fonts) and the link's QR code (`/r/{slug}/qr.svg`).
//!
//! Both answer exactly like the page: a private, unknown or unwritten
//! résumé is 404, an old slug redirects. Fetching them never counts a view.
//! A card is drawn once per version of the résumé and kept in the store
//! for a day, so a link pasted in a busy chat costs one render across all
//! instances; with the store down it is drawn each time.

use super::entities::{resume_share, resume_slug};
use super::service::slug_problem;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::resume::ssr::entities::resume;
use crate::resume::ssr::pdf;
use crate::share::types::Visibility;
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use std::sync::LazyLock;
use std::time::Duration;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};

const CARD: &str = include_str!("../../../data/typst/card.typ");
/// Pixels per Typst point: the 600 × 315 pt page becomes 1200 × 630 px.
const SCALE: f64 = 2.0;
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// How long a drawn card is kept in the store.
const KEEP: Duration = Duration::from_secs(24 * 3600);

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder().main_file(CARD).fonts([pdf::REGULAR, pdf::BOLD]).comemo_evict_max_age(None).build()
});

pub fn browser_router() -> Router<AppState> {
    Router::new().route("/r/{slug}/preview.png", get(preview)).route("/r/{slug}/qr.svg", get(qr))
}

/// What a slug leads to for anyone (no reader: these pictures are the same
/// for everyone, and the owner's private résumé has none).
enum Target {
    Found(Box<resume::Model>, resume_share::Model),
    Moved(String),
}

async fn target(state: &AppState, slug: &str) -> AppResult<Target> {
    if slug_problem(slug).is_some() {
        return Err(AppError::NotFound);
    }
    let share = match resume_share::Entity::find().filter(resume_share::Column::Slug.eq(slug)).one(&state.db).await? {
        Some(s) => s,
        None => {
            let old =
                resume_slug::Entity::find_by_id(slug.to_string()).one(&state.db).await?.ok_or(AppError::NotFound)?;
            let now =
                resume_share::Entity::find_by_id(old.resume_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
            super::service::readable(state, None, &now.resume_id).await?;
            return Ok(Target::Moved(now.slug));
        }
    };
    let row = super::service::readable(state, None, &share.resume_id).await?;
    Ok(Target::Found(Box::new(row), share))
}

/// The absolute address of a shared résumé's preview card; the version in
/// the query makes chat apps fetch a new card after an edit.
pub fn preview_url(public_url: &str, slug: &str, updated_at: &str) -> String {
    format!("{public_url}/r/{slug}/preview.png?v={}", version_tag(updated_at))
}

fn version_tag(updated_at: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, updated_at.as_bytes());
    digest.as_ref().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// What the card shows, from the document as readers see it.
pub fn card_data(doc: &Value, link: &str) -> Value {
    let basics = &doc["basics"];
    let text = |v: &Value| v.as_str().map(str::trim).unwrap_or_default().to_string();
    let lang = if doc["meta"]["x-proofolio"]["language"].as_str() == Some("en") { "en" } else { "ko" };
    let summary = text(&basics["summary"]);
    let summary = summary.split_inclusive(['.', '!', '?', '。']).next().unwrap_or(&summary).trim().to_string();
    let mut skills: Vec<String> = Vec::new();
    for s in doc["skills"].as_array().into_iter().flatten() {
        let mut names = vec![text(&s["name"])];
        names.extend(s["keywords"].as_array().into_iter().flatten().map(text));
        for n in names.into_iter().filter(|n| !n.is_empty()) {
            if !skills.iter().any(|k| k.eq_ignore_ascii_case(&n)) && skills.len() < 8 {
                skills.push(n);
            }
        }
    }
    json!({
        "name": text(&basics["name"]),
        "label": text(&basics["label"]),
        "summary": summary,
        "skills": skills,
        "link": link,
        "tagline": if lang == "en" { "a résumé with receipts" } else { "증거가 있는 이력서" },
        "lang": lang,
    })
}

/// Draw the card: PNG bytes, blocking (call through [`pdf::typeset`]).
pub fn render_card_blocking(data: &Value) -> AppResult<Vec<u8>> {
    let _evict = pdf::Evict;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.to_string().into_value());
    let compiled: typst_layout::PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the card template failed: {e:?}")))?;
    let page = compiled.pages().first().ok_or_else(|| AppError::Internal(anyhow::anyhow!("the card has no page")))?;
    let pixmap =
        typst_render::render(page, &typst_render::RenderOptions { pixel_per_pt: SCALE.into(), render_bleed: false });
    pixmap.encode_png().map_err(|e| AppError::Internal(anyhow::anyhow!("encoding the card failed: {e}")))
}

async fn card(state: &AppState, row: &resume::Model, share: &resume_share::Model) -> AppResult<Vec<u8>> {
    let key = format!("share:card:{}:{}", row.id, version_tag(&row.updated_at.to_rfc3339()));
    match state.store.get(&key).await {
        Ok(Some(b64)) => {
            if let Ok(bytes) = STANDARD.decode(b64) {
                return Ok(bytes);
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "preview cards are drawn without the store's cache"),
    }
    let doc = crate::resume::types::visible(row.document.as_ref().ok_or(AppError::NotFound)?);
    let host = state.public_url.split_once("://").map_or(&*state.public_url, |(_, h)| h);
    let data = card_data(&doc, &format!("{host}/r/{}", share.slug));
    let png = pdf::typeset(move || render_card_blocking(&data)).await?;
    if let Err(e) = state.store.set_ex(&key, &STANDARD.encode(&png), KEEP).await {
        tracing::warn!(error = %e, "a drawn preview card was not cached");
    }
    Ok(png)
}

/// 301, as the page answers for an old slug.
fn moved(to: &str) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to.to_string())]).into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "not found").into_response()
}

fn failed(e: AppError) -> Response {
    match e {
        AppError::NotFound => not_found(),
        e => {
            tracing::error!(error = ?e, "a shared link's picture failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "could not draw this picture").into_response()
        }
    }
}

/// Headers both pictures share: cache briefly (a link made private again
/// must stop showing its card soon), never index an unlisted one.
fn picture(content_type: &'static str, etag: &str, unlisted: bool, body: Vec<u8>) -> Response {
    let mut res = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        body,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    if unlisted {
        res.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex"));
    }
    res
}

fn fresh(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
}

async fn preview(State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    let (row, share) = match target(&state, &slug).await {
        Ok(Target::Found(row, share)) => (row, share),
        Ok(Target::Moved(to)) => return moved(&format!("/r/{to}/preview.png")),
        Err(e) => return failed(e),
    };
    let etag = format!("\"card-{}-{}\"", version_tag(&row.updated_at.to_rfc3339()), version_tag(&share.slug));
    let unlisted = Visibility::parse(&share.visibility) != Some(Visibility::Public);
    if fresh(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    match card(&state, &row, &share).await {
        Ok(png) => picture("image/png", &etag, unlisted, png),
        Err(e) => failed(e),
    }
}

/// The link's QR code as SVG: dark modules on white, with the quiet zone
/// scanners need.
pub fn qr_svg(url: &str) -> AppResult<String> {
    use qrcode::{render::svg, EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the link does not fit a QR code: {e}")))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#111111"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

async fn qr(State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    let share = match target(&state, &slug).await {
        Ok(Target::Found(_, share)) => share,
        Ok(Target::Moved(to)) => return moved(&format!("/r/{to}/qr.svg")),
        Err(e) => return failed(e),
    };
    let url = format!("{}/r/{}", state.public_url, share.slug);
    let etag = format!("\"qr-{}\"", version_tag(&url));
    if fresh(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let unlisted = Visibility::parse(&share.visibility) != Some(Visibility::Public);
    match qr_svg(&url) {
        Ok(svg) => picture("image/svg+xml", &etag, unlisted, svg.into_bytes()),
        Err(e) => failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn korean() -> Value {
        json!({
            "basics": { "name": "김옥토 <script>alert(1)</script>", "label": "백엔드 엔지니어",
                        "summary": "대중교통 도착 정보 API를 Rust로 만들었습니다. 두 번째 문장은 빠집니다." },
            "skills": [{ "name": "Rust", "keywords": ["Tokio", "axum", "rust"] }, { "name": "쿠버네티스" }],
            "meta": { "x-proofolio": { "language": "ko" } }
        })
    }

    #[test]
    fn the_card_says_who_in_one_line_with_their_skills() {
        let d = card_data(&korean(), "proofolio.example/r/okto-3f9a1c");
        assert_eq!(d["summary"], "대중교통 도착 정보 API를 Rust로 만들었습니다.");
        assert_eq!(d["skills"], json!(["Rust", "Tokio", "axum", "쿠버네티스"]));
        assert_eq!(d["tagline"], "증거가 있는 이력서");
    }

    #[test]
    fn a_korean_card_is_a_1200_by_630_png() {
        let png = render_card_blocking(&card_data(&korean(), "proofolio.example/r/okto-3f9a1c")).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (WIDTH, HEIGHT));
        // Text was drawn: a blank card compresses to almost nothing.
        assert!(png.len() > 20_000, "{} bytes", png.len());
    }

    #[test]
    fn an_empty_document_still_draws() {
        assert!(render_card_blocking(&card_data(&json!({}), "x/r/abc")).is_ok());
    }

    #[test]
    fn the_qr_code_is_an_svg_of_dark_modules() {
        let svg = qr_svg("https://proofolio.example/r/okto-3f9a1c").unwrap();
        assert!(svg.contains("<svg") && svg.contains("#111111"), "{svg}");
    }
}
