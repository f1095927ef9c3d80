//! PDF export: Typst used as a library, with the template in
//! `app/data/typst/resume.typ` and Pretendard (OFL-1.1, every Hangul
//! syllable, a real Bold) built into the binary, so the PDF comes out the
//! same on a machine with no fonts installed. Selectable, tagged text;
//! receipts are links; title, author and language are in the metadata.
//!
//! The engine (font book, parsed template) is made once. Compiling is CPU
//! work: it runs off the async runtime, at most [`MAX_AT_ONCE`] at a time,
//! and Typst's memo caches are evicted after each export (layout and PDF
//! writing both memoize) so memory does not grow with the number of
//! exports: `bench/pdf-export` shows it flat over 1000 exports.

use crate::platform::ssr::error::{AppError, AppResult};
use serde_json::Value;
use std::sync::LazyLock;
use tokio::sync::Semaphore;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};

const TEMPLATE: &str = include_str!("../../../data/typst/resume.typ");
pub(crate) const REGULAR: &[u8] = include_bytes!("../../../data/fonts/Pretendard-Regular.otf");
pub(crate) const BOLD: &[u8] = include_bytes!("../../../data/fonts/Pretendard-Bold.otf");

/// PDFs compiled at once; more wait their turn.
pub const MAX_AT_ONCE: usize = 2;

/// After each export, Typst's memoized results not used by the last
/// `EVICT_MAX_AGE` exports are dropped. Not 0 (what `typst-as-lib` does
/// after its compile step unless told otherwise): with two exports at once,
/// the one that finishes would wipe the cache the other is still using
/// (correct, but it lays out again from scratch), and the fonts converted
/// for the PDF (a 1.5 MB face each) would be converted again every time.
/// Entries every export uses stay; one résumé's entries go two exports
/// later, so memory is bounded by a few exports' worth.
const EVICT_MAX_AGE: usize = 2;

/// The template and fonts, parsed once. Eviction is ours (see
/// [`Evict`]), after the PDF is written, not the engine's after layout.
static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder().main_file(TEMPLATE).fonts([REGULAR, BOLD]).comemo_evict_max_age(None).build()
});
static PERMITS: Semaphore = Semaphore::const_new(MAX_AT_ONCE);

/// Evicts Typst's memo caches when dropped: after the export, whether it
/// succeeded, failed or panicked.
pub(crate) struct Evict;

impl Drop for Evict {
    fn drop(&mut self) {
        typst::comemo::evict(EVICT_MAX_AGE);
    }
}

/// The looks a résumé can have (the same names as the HTML view's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Classic,
    Compact,
    Modern,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Classic, Theme::Compact, Theme::Modern];

    pub fn code(self) -> &'static str {
        match self {
            Theme::Classic => "classic",
            Theme::Compact => "compact",
            Theme::Modern => "modern",
        }
    }

    pub fn parse(code: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Compile `document` (JSON Resume) to PDF bytes, blocking: call through
/// [`render`] from async code.
pub fn render_blocking(document: &Value, theme: Theme) -> AppResult<Vec<u8>> {
    let _evict = Evict;
    let mut inputs = Dict::new();
    let data = serde_json::to_string(document).map_err(|e| AppError::Internal(e.into()))?;
    inputs.insert("data".into(), data.into_value());
    inputs.insert("theme".into(), theme.code().into_value());
    let compiled: typst_layout::PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the résumé template failed: {e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the PDF failed: {e:?}")))
}

/// Compile off the async runtime, at most [`MAX_AT_ONCE`] at a time. The
/// permit travels with the blocking task: a request given up half-way
/// (the client left) does not free a slot while its compile still runs.
pub async fn render(document: Value, theme: Theme) -> AppResult<Vec<u8>> {
    typeset(move || render_blocking(&document, theme)).await
}

/// Run Typst work `f` off the async runtime under the same limit as the
/// PDF exports (every Typst compile in the process shares it).
pub(crate) async fn typeset<T: Send + 'static>(f: impl FnOnce() -> AppResult<T> + Send + 'static) -> AppResult<T> {
    let permit = PERMITS.acquire().await.map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("the typesetting task stopped: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_korean_resume_becomes_a_pdf_in_every_theme() {
        let doc = json!({
            "basics": { "name": "김옥토", "label": "백엔드 엔지니어", "summary": "대중교통 도착 정보 API를 Rust로 만들었습니다.",
                        "profiles": [{ "network": "GitHub", "url": "https://github.com/octocat" }] },
            "projects": [{ "name": "transit-api", "url": "https://github.com/octocat/transit-api",
                           "highlights": ["초당 3,000건의 요청을 처리합니다"],
                           "x-highlight-evidence": [[{ "label": "octocat/transit-api", "url": "https://github.com/octocat/transit-api" }]] }],
            "skills": [{ "name": "언어", "keywords": ["Rust"], "x-evidence": [{ "label": "octocat/transit-api", "url": "https://github.com/octocat/transit-api" }] }],
            "meta": { "x-proofolio": { "language": "ko" } }
        });
        for theme in Theme::ALL {
            let pdf = render_blocking(&doc, theme).unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{theme:?}");
            assert!(pdf.len() > 5_000, "{theme:?}: {} bytes", pdf.len());
        }
    }

    /// Each export evicts Typst's caches while another may be compiling:
    /// that must not change what the other one writes.
    #[test]
    fn exports_at_the_same_time_write_what_they_write_alone() {
        let doc = |name: &str| {
            json!({ "basics": { "name": name, "summary": format!("{name}의 소개입니다. Rust로 만든 API를 운영합니다.") },
                    "work": [{ "name": "transit-api", "position": "백엔드", "highlights": ["지연 시간을 40% 줄였습니다"] }] })
        };
        let docs = [doc("김옥토"), doc("Mona Lisa")];
        let alone: Vec<Vec<u8>> = docs.iter().map(|d| render_blocking(d, Theme::Modern).unwrap()).collect();
        let together: Vec<Vec<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = docs
                .iter()
                .map(|d| s.spawn(move || (0..2).map(|_| render_blocking(d, Theme::Modern).unwrap()).collect()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (i, runs) in together.iter().enumerate() {
            for pdf in runs {
                assert!(pdf == &alone[i], "document {i} came out different when exported alongside another");
            }
        }
        assert_ne!(alone[0], alone[1]);
    }
}
