//! Résumés: the draft the writer (an LLM or the deterministic writer)
//! produces, with evidence references into the skill profile, and what the
//! API and pages show. The stored document is JSON Resume
//! (jsonresume.org, schema 1.x) with receipts under `x-evidence` on each
//! item and generation details under `meta`, so it validates as is.

pub use crate::platform::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Where résumé `id` downloads as JSON Resume.
pub fn export_url(id: &str) -> String {
    format!("/api/v1/resumes/{id}/export.json")
}

/// Where a résumé stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum ResumeStatus {
    /// Being written for the first time (its job is `job_id`).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "generating"))]
    Generating,
    /// Written; it may have a section rewrite in flight (`job_id`).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ready"))]
    Ready,
    /// The first writing failed (`error` says why).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
}

impl ResumeStatus {
    /// The wire and database code (`generating`, `ready`, `failed`).
    pub fn code(self) -> &'static str {
        match self {
            ResumeStatus::Generating => "generating",
            ResumeStatus::Ready => "ready",
            ResumeStatus::Failed => "failed",
        }
    }
}

/// Who wrote a résumé.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum WriterKind {
    /// An OpenAI-compatible language model.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "llm"))]
    Llm,
    /// The rule-based writer: facts from the profile only, no LLM.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "deterministic"))]
    Deterministic,
    /// Brought in as a JSON Resume file: its lines have no receipts until
    /// the owner attaches them.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "imported"))]
    Imported,
}

/// The sections, in the order they are written and shown.
pub const SECTIONS: [&str; 4] = ["summary", "skills", "projects", "work"];

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Draft {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub skills: Vec<DraftSkillGroup>,
    #[serde(default)]
    pub projects: Vec<DraftProject>,
    #[serde(default)]
    pub work: Vec<DraftWork>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DraftSkillGroup {
    pub name: String,
    pub keywords: Vec<String>,
    /// Skill references (`S1` …).
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DraftProject {
    /// Repository reference (`R1` …).
    pub repository: String,
    pub name: String,
    pub description: String,
    pub highlights: Vec<DraftHighlight>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DraftHighlight {
    pub text: String,
    /// References to repositories (`R…`), pull requests (`P…`) or skills (`S…`).
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DraftWork {
    /// Repository reference of an open-source project contributed to (`C1` …).
    pub repository: String,
    pub summary: String,
    pub highlights: Vec<DraftHighlight>,
}

impl WriterKind {
    /// The wire and database code (`llm`, `deterministic`).
    pub fn code(self) -> &'static str {
        match self {
            WriterKind::Llm => "llm",
            WriterKind::Deterministic => "deterministic",
            WriterKind::Imported => "imported",
        }
    }
}

/// A receipt: what a line of the résumé rests on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// `repository`, `pull_request` or `skill`
    pub kind: String,
    pub label: String,
    pub url: String,
}

/// `GET /api/v1/resumes/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResumeView {
    pub id: String,
    pub status: ResumeStatus,
    pub language: Lang,
    pub target_role: Option<String>,
    pub writer: WriterKind,
    pub model: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub llm_calls: i32,
    /// Estimated cost in US dollars (0 for the deterministic writer).
    pub cost_usd: f64,
    pub error: Option<String>,
    /// The JSON Resume document, once complete.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub document: Option<serde_json::Value>,
    /// The job writing it now (a generation or a section rewrite), if any.
    pub job_id: Option<String>,
    /// The document's version: a save names it (`If-Match`), and gets 412
    /// with the current one if it changed in between.
    pub version: i32,
    /// The owner's name for it, if they gave one.
    pub title: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One kept version of a résumé (`GET /api/v1/resumes/{id}/versions`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionInfo {
    pub version: i32,
    /// `generation`, `rewrite`, `save`, `restore`, `import` or `copy`.
    pub reason: String,
    /// Whether this is the document as it is now.
    pub current: bool,
    pub created_at: String,
    /// For a run of saves: the last one.
    pub updated_at: String,
}

/// `PUT /api/v1/resumes/{id}`: the whole document, and the version it was
/// edited from (or `If-Match`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SaveResume {
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub document: serde_json::Value,
    #[serde(default)]
    pub version: Option<i32>,
    /// Why: `save` (the default; saves close together are one version) or
    /// `rewrite` (an accepted bullet rewrite: a version of its own).
    #[serde(default)]
    pub reason: Option<String>,
}

/// How to rewrite one bullet.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RewriteMode {
    Shorter,
    /// A stronger opening verb.
    Stronger,
    /// More specific, from the bullet's receipts.
    Specific,
    /// Korean ↔ English.
    Translate,
}

impl RewriteMode {
    pub const ALL: [RewriteMode; 4] =
        [RewriteMode::Shorter, RewriteMode::Stronger, RewriteMode::Specific, RewriteMode::Translate];

    pub fn code(self) -> &'static str {
        match self {
            RewriteMode::Shorter => "shorter",
            RewriteMode::Stronger => "stronger",
            RewriteMode::Specific => "specific",
            RewriteMode::Translate => "translate",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// `POST /api/v1/resumes/{id}/bullets/rewrite`: which bullet, how, and its
/// text as the editor has it now (default: as saved).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RewriteRequest {
    /// `work` or `projects`
    pub section: String,
    pub item: usize,
    pub bullet: usize,
    pub mode: RewriteMode,
    #[serde(default)]
    pub text: Option<String>,
}

/// One run of a diff: unchanged, added or removed text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiffPart {
    /// `same`, `add` or `del`
    pub op: String,
    pub text: String,
}

/// A proposed rewrite, checked against the bullet's receipts; nothing is
/// changed until the owner accepts it (by saving with reason `rewrite`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RewriteProposal {
    pub original: String,
    pub text: String,
    pub mode: RewriteMode,
    /// `llm` or `rules`
    pub writer: String,
    /// Word by word, from `original` to `text`.
    pub diff: Vec<DiffPart>,
}

/// A kept version against the current document, line by line (`GET
/// /api/v1/resumes/{id}/versions/{n}/diff`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionDiff {
    pub version: i32,
    pub current: i32,
    /// Lines of the résumé as text (its Markdown): `del` is only in
    /// `version`, `add` only in the current one.
    pub lines: Vec<DiffPart>,
}

/// `PATCH /api/v1/resumes/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RenameResume {
    /// At most 100 characters; blank removes the name.
    pub title: String,
}

/// Where résumé `id` downloads as a PDF (`?theme=` picks the look).
pub fn pdf_export_url(id: &str) -> String {
    format!("/api/v1/resumes/{id}/export.pdf")
}

/// Where résumé `id` downloads as Markdown.
pub fn markdown_url(id: &str) -> String {
    format!("/api/v1/resumes/{id}/export.md")
}

/// `POST /api/v1/resumes`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewResume {
    /// `ko` or `en`
    pub language: String,
    /// e.g. "backend engineer" (at most 80 characters)
    #[serde(default)]
    pub target_role: Option<String>,
}

/// A generation's progress, as its job's `progress` JSON: the sections
/// written so far, already checked against the profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GenerationProgress {
    pub resume_id: String,
    /// Names of the sections done, in order.
    pub done: Vec<String>,
    /// The JSON Resume document so far.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub document: serde_json::Value,
}

/// The looks a résumé can have, the same in the page, on paper and in the
/// PDF (`meta.x-proofolio.theme`).
pub const THEMES: [&str; 3] = ["classic", "compact", "modern"];

/// The sections an owner can hide (`meta.x-proofolio.hidden`): kept in the
/// document, left out of the page, the Markdown and the PDF.
pub const HIDEABLE: [&str; 12] = [
    "summary",
    "work",
    "projects",
    "skills",
    "education",
    "volunteer",
    "awards",
    "certificates",
    "publications",
    "languages",
    "interests",
    "references",
];

/// The document's theme (`classic` when unset or unknown).
pub fn theme_of(doc: &serde_json::Value) -> &'static str {
    let t = doc["meta"]["x-proofolio"]["theme"].as_str().unwrap_or_default();
    THEMES.into_iter().find(|x| *x == t).unwrap_or(THEMES[0])
}

/// Whether the owner hid `section`.
pub fn is_hidden(doc: &serde_json::Value, section: &str) -> bool {
    doc["meta"]["x-proofolio"]["hidden"].as_array().is_some_and(|h| h.iter().any(|s| s == section))
}

/// The document as readers get it: hidden sections left out.
pub fn visible(doc: &serde_json::Value) -> serde_json::Value {
    let mut out = doc.clone();
    for s in HIDEABLE.into_iter().filter(|s| is_hidden(doc, s)) {
        let target = if s == "summary" { out.get_mut("basics") } else { Some(&mut out) };
        if let Some(o) = target.and_then(|t| t.as_object_mut()) {
            o.remove(if s == "summary" { "summary" } else { s });
        }
    }
    out
}

/// A fingerprint of one part of a document (`meta` for the settings): a
/// form without JavaScript names the one it was drawn from, so the server
/// can tell whether that part changed elsewhere since (FNV-1a, 64 bits,
/// over the part as JSON).
pub fn section_fingerprint(doc: &serde_json::Value, key: &str) -> String {
    let text = doc.get(key).map(|v| v.to_string()).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
