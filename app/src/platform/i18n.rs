//! Korean and English. Korean first: it is the default when the visitor has
//! expressed no preference. The choice is remembered in the `lang` cookie;
//! the server renders `<html lang>` from it and the browser reads that back
//! on hydration, so both sides always agree.

use leptos::prelude::*;

pub const COOKIE: &str = "lang";

/// The languages Proofolio speaks; on the wire and in the database by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ko"))]
    Ko,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "en"))]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ko" | "ko-kr" => Some(Lang::Ko),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first of our languages in an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim();
                let primary = tag.split('-').next()?;
                let lang = Lang::from_code(primary)?;
                let q =
                    bits.find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                (q > 0.0).then_some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        ranked.first().map(|(_, l)| *l)
    }

    /// The cookie wins, then `Accept-Language`, then Korean.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(Lang::from_code)
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }

    /// The one way a visible string is chosen: every capability keeps its
    /// words in a table (a struct with one field per string, one static
    /// per language) and picks the reader's with this.
    pub fn pick<T: ?Sized>(self, ko: &'static T, en: &'static T) -> &'static T {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }

    /// The page frame's, the landing page's and the account pages' words.
    pub fn texts(self) -> &'static Texts {
        self.pick(&KO, &EN)
    }
}

/// The page's language. A page is rendered in one language (switching is
/// a round trip to the server), so this is a plain value, not a signal.
#[derive(Clone, Copy)]
pub struct I18n(pub Lang);

/// The page's language: from `App`'s context on the server; in an island
/// (which hydrates without its server parents' context) from `<html lang>`.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n(initial_lang()))
}

impl I18n {
    pub fn lang(&self) -> Lang {
        self.0
    }

    /// A lookup for views: `t(|t| t.hero_title)`.
    pub fn t(&self, f: fn(&'static Texts) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.0;
        move || f(lang.texts())
    }
}

/// The `Set-Cookie` value that remembers `lang` for a year.
pub fn cookie_value(lang: Lang) -> String {
    format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code())
}

/// The language a request asks for: the `lang` cookie (in any of the
/// request's cookie headers), else `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn lang_of_request(headers: &http::HeaderMap) -> Lang {
    let cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix("lang="));
    let accept = headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie, accept)
}

/// The language this render starts in: on the server from the request, in
/// the browser from what the server rendered into `<html lang>`.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        return use_context::<http::request::Parts>().map(|p| lang_of_request(&p.headers)).unwrap_or_default();
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        return web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|h| h.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default();
    }
    #[allow(unreachable_code)]
    Lang::default()
}

pub struct Texts {
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_how: &'static str,
    pub lang_label: &'static str,
    pub hero_kicker: &'static str,
    pub hero_title: &'static str,
    pub hero_lead: &'static str,
    pub hero_cta: &'static str,
    pub how_title: &'static str,
    pub step1_title: &'static str,
    pub step1_body: &'static str,
    pub step2_title: &'static str,
    pub step2_body: &'static str,
    pub step3_title: &'static str,
    pub step3_body: &'static str,
    pub step4_title: &'static str,
    pub step4_body: &'static str,
    pub demo_title: &'static str,
    pub demo_lead: &'static str,
    pub demo_example: &'static str,
    pub demo_bullet: &'static str,
    pub demo_show: &'static str,
    pub demo_hide: &'static str,
    pub demo_receipt_repo: &'static str,
    pub demo_receipt_pr: &'static str,
    pub demo_receipt_deps: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub not_found_home: &'static str,
    pub footer_note: &'static str,
    pub footer_api: &'static str,
    pub nav_primary: &'static str,
    pub nav_footer: &'static str,
    pub nav_sign_in: &'static str,
    pub sign_out: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_lead: &'static str,
    pub sign_in_with: &'static str,
    pub no_providers: &'static str,
    pub demo_signin_title: &'static str,
    pub demo_body: &'static str,
    pub demo_button: &'static str,
    pub signed_in_as: &'static str,
    pub welcome_title: &'static str,
    pub welcome_lead: &'static str,
    pub nickname_label: &'static str,
    pub nickname_rules: &'static str,
    pub save: &'static str,
    pub err_suggestion: &'static str,
    pub sign_in_failed: &'static str,
    pub settings_title: &'static str,
    pub profile_title: &'static str,
    pub linked_title: &'static str,
    pub link_another: &'static str,
    pub unlink: &'static str,
    pub sessions_title: &'static str,
    pub this_device: &'static str,
    pub last_used: &'static str,
    pub end_session: &'static str,
    pub sign_out_everywhere: &'static str,
    pub danger_title: &'static str,
    pub danger_body: &'static str,
    pub delete_confirm_label: &'static str,
    pub delete_button: &'static str,
    pub need_sign_in: &'static str,
    pub choose_nickname_prompt: &'static str,
}

pub static KO: Texts = Texts {
    tagline: "근거가 있는 이력서",
    skip_to_content: "본문으로 건너뛰기",
    nav_how: "사용 방법",
    lang_label: "언어",
    hero_kicker: "개발자를 위한 이력서",
    hero_title: "코드가 증명하는 이력서",
    hero_lead: "Proofolio는 GitHub에 남긴 실제 작업을 읽어 기술 프로필을 만들고, 모든 문장이 근거 저장소·PR·커밋으로 연결되는 이력서를 작성합니다. 브라우저에서 다듬고, 링크로 공유하고, 채용 공고와 비교해 보세요.",
    hero_cta: "어떻게 동작하나요?",
    how_title: "네 단계로 완성되는 이력서",
    step1_title: "로그인",
    step1_body: "GitHub, Google, 카카오 또는 회사의 OIDC 계정으로 로그인합니다.",
    step2_title: "GitHub 가져오기",
    step2_body: "저장소, 언어별 코드량, 의존성 매니페스트, 병합된 PR을 읽어 근거가 달린 기술 프로필을 만듭니다.",
    step3_title: "이력서 생성",
    step3_body: "LLM이 한국어 또는 영어로 이력서를 씁니다. 모든 항목에는 근거 링크가 붙습니다.",
    step4_title: "공유와 비교",
    step4_body: "링크로 공유하고 피드백을 받고, 채용 공고가 요구하는 기술과 내 코드를 비교합니다.",
    demo_title: "영수증이 붙은 한 줄",
    demo_lead: "이력서의 모든 주장은 실제 작업으로 이어집니다. 눌러서 근거를 확인해 보세요.",
    demo_example: "예시",
    demo_bullet: "Rust와 Axum으로 초당 2천 건을 처리하는 API 서버를 구축하고 운영",
    demo_show: "근거 보기",
    demo_hide: "근거 숨기기",
    demo_receipt_repo: "저장소: 커밋 312개, Rust 148 KB",
    demo_receipt_pr: "병합된 PR: 연결 풀 재사용으로 지연 시간 40% 단축",
    demo_receipt_deps: "Cargo.toml: axum, tokio, sqlx",
    not_found_title: "페이지를 찾을 수 없습니다",
    not_found_body: "주소가 바뀌었거나 없는 페이지입니다.",
    not_found_home: "처음으로 돌아가기",
    footer_note: "Proofolio — 코드로 증명하는 이력서.",
    footer_api: "API 문서",
    nav_primary: "주 메뉴",
    nav_footer: "바닥글 메뉴",
    nav_sign_in: "로그인",
    sign_out: "로그아웃",
    sign_in_title: "Proofolio에 로그인",
    sign_in_lead: "이미 쓰고 있는 계정으로 로그인하세요. 처음이라면 계정이 새로 만들어집니다.",
    sign_in_with: "로그인:",
    no_providers: "설정된 로그인 방법이 없습니다.",
    demo_signin_title: "데모 로그인",
    demo_body: "이 서버는 로컬 기본 설정으로 실행 중입니다. 실제 계정 없이 데모 계정으로 둘러볼 수 있습니다.",
    demo_button: "데모 계정으로 계속",
    signed_in_as: "로그인됨:",
    welcome_title: "닉네임을 정해 주세요",
    welcome_lead: "공개 이력서와 댓글에 표시됩니다. 나중에 바꿀 수 있습니다.",
    nickname_label: "닉네임",
    nickname_rules: "2–20자: 한글, 영문, 숫자, _ 와 -",
    save: "저장",
    err_suggestion: "이 닉네임은 어떠세요?",
    sign_in_failed: "로그인하지 못했습니다",
    settings_title: "계정 설정",
    profile_title: "프로필",
    linked_title: "연결된 로그인",
    link_another: "다른 계정 연결:",
    unlink: "연결 해제",
    sessions_title: "로그인된 기기",
    this_device: "이 기기",
    last_used: "마지막 사용",
    end_session: "로그아웃시키기",
    sign_out_everywhere: "모든 기기에서 로그아웃",
    danger_title: "계정 삭제",
    danger_body: "계정과 모든 데이터(이력서, 가져온 GitHub 데이터, 세션)가 영구히 삭제됩니다.",
    delete_confirm_label: "확인을 위해 닉네임을 입력하세요",
    delete_button: "계정 영구 삭제",
    need_sign_in: "이 페이지를 보려면 로그인하세요.",
    choose_nickname_prompt: "닉네임을 정해 주세요",
};

pub static EN: Texts = Texts {
    tagline: "A résumé with receipts",
    skip_to_content: "Skip to content",
    nav_how: "How it works",
    lang_label: "Language",
    hero_kicker: "Résumés for developers",
    hero_title: "A résumé your code can prove",
    hero_lead: "Proofolio reads the work you have actually done on GitHub, derives a skill profile, and writes a résumé in which every line links back to its evidence: the repository, the pull request, the commit. Edit it in the browser, share it by link, and compare it with what job postings ask for.",
    hero_cta: "How does it work?",
    how_title: "A résumé in four steps",
    step1_title: "Sign in",
    step1_body: "With GitHub, Google, Kakao or your company's OIDC provider.",
    step2_title: "Import from GitHub",
    step2_body: "Repositories, languages by bytes, dependency manifests and merged pull requests become a skill profile with evidence.",
    step3_title: "Generate",
    step3_body: "An LLM writes your résumé in Korean or English. Every item keeps a link to its evidence.",
    step4_title: "Share and compare",
    step4_body: "Share it by link, get feedback, and see how your code matches what employers are hiring for.",
    demo_title: "One line, with receipts",
    demo_lead: "Every claim in the résumé leads to real work. Press the button to see the evidence.",
    demo_example: "Example",
    demo_bullet: "Built and ran an API server in Rust and Axum serving 2,000 requests per second",
    demo_show: "Show receipts",
    demo_hide: "Hide receipts",
    demo_receipt_repo: "Repository: 312 commits, 148 KB of Rust",
    demo_receipt_pr: "Merged PR: connection pooling cut latency by 40%",
    demo_receipt_deps: "Cargo.toml: axum, tokio, sqlx",
    not_found_title: "Page not found",
    not_found_body: "The address may have changed, or the page never existed.",
    not_found_home: "Back to the start",
    footer_note: "Proofolio — a résumé your code can prove.",
    footer_api: "API docs",
    nav_primary: "Primary",
    nav_footer: "Footer",
    nav_sign_in: "Sign in",
    sign_out: "Sign out",
    sign_in_title: "Sign in to Proofolio",
    sign_in_lead: "Use an account you already have. The first sign-in creates your Proofolio account.",
    sign_in_with: "Continue with",
    no_providers: "No sign-in method is configured.",
    demo_signin_title: "Demo sign-in",
    demo_body: "This server runs on its local default. Try Proofolio with a demo account, no real account needed.",
    demo_button: "Continue with the demo account",
    signed_in_as: "Signed in as",
    welcome_title: "Choose your nickname",
    welcome_lead: "It appears on public résumés and comments. You can change it later.",
    nickname_label: "Nickname",
    nickname_rules: "2–20 characters: Hangul, Latin letters, digits, _ and -",
    save: "Save",
    err_suggestion: "How about",
    sign_in_failed: "Sign-in failed",
    settings_title: "Account settings",
    profile_title: "Profile",
    linked_title: "Linked sign-ins",
    link_another: "Link another account:",
    unlink: "Unlink",
    sessions_title: "Signed-in devices",
    this_device: "This device",
    last_used: "Last used",
    end_session: "Sign out",
    sign_out_everywhere: "Sign out everywhere",
    danger_title: "Delete account",
    danger_body: "Your account and all its data (résumés, imported GitHub data, sessions) are deleted for good.",
    delete_confirm_label: "Type your nickname to confirm",
    delete_button: "Delete my account",
    need_sign_in: "Sign in to see this page.",
    choose_nickname_prompt: "Choose a nickname",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_is_the_default() {
        assert_eq!(Lang::negotiate(None, None), Lang::Ko);
        assert_eq!(Lang::negotiate(None, Some("fr-FR,de;q=0.8")), Lang::Ko);
    }

    #[test]
    fn the_cookie_beats_the_browser() {
        assert_eq!(Lang::negotiate(Some("en"), Some("ko-KR,ko;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("xx"), Some("en-US,en;q=0.9")), Lang::En);
    }

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(Lang::from_accept_language("en;q=0.4, ko-KR;q=0.9"), Some(Lang::Ko));
        assert_eq!(Lang::from_accept_language("ko;q=0, en"), Some(Lang::En));
    }
}

/// Every error code's message, in every language: the one place pages
/// turn an [`ErrorCode`](crate::platform::errors::ErrorCode) into words.
pub fn error_text(lang: Lang, code: crate::platform::errors::ErrorCode) -> &'static str {
    use crate::platform::errors::ErrorCode::*;
    let (ko, en) = match code {
        NotSignedIn => ("이 페이지를 보려면 로그인하세요.", "Please sign in to see this page."),
        NotFound => ("찾을 수 없습니다.", "Not found."),
        Invalid => ("요청을 처리하지 못했습니다.", "That request could not be handled."),
        RateLimited => {
            ("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.", "Too many requests. Please try again shortly.")
        }
        Unavailable => (
            "지금은 처리할 수 없습니다. 잠시 후 다시 시도해 주세요.",
            "This cannot be done right now. Please try again shortly.",
        ),
        Internal => ("요청을 처리하지 못했습니다. 다시 시도해 주세요.", "That did not work. Please try again."),
        NicknameTaken => ("이미 사용 중인 닉네임입니다.", "That nickname is taken."),
        NicknameLength => ("닉네임은 2자 이상 20자 이하여야 합니다.", "A nickname has 2 to 20 characters."),
        NicknameCharacters => {
            ("한글, 영문, 숫자, _ 와 - 만 쓸 수 있습니다.", "Use Hangul, Latin letters, digits, _ and - only.")
        }
        LastIdentity => {
            ("마지막 로그인 방법은 연결을 해제할 수 없습니다.", "You cannot unlink your only way to sign in.")
        }
        ConfirmMismatch => ("확인을 위해 닉네임을 정확히 입력하세요.", "Type your nickname exactly to confirm."),
        SignInExpired => (
            "로그인이 만료되었거나 이미 사용되었거나 다른 곳에서 시작되었습니다.",
            "This sign-in expired, was already used, or was started elsewhere.",
        ),
        SignInCancelled => ("제공자에서 로그인이 취소되었습니다.", "The sign-in was cancelled at the provider."),
        SignInUnverified => ("로그인을 확인하지 못했습니다.", "The sign-in could not be verified."),
        SignInRejected => ("제공자가 로그인을 거부했습니다.", "The provider refused the sign-in."),
        SignInProvider => ("로그인 제공자에 연결하지 못했습니다.", "The sign-in provider could not be reached."),
        SignInAgainToLink => ("계정을 연결하려면 다시 로그인하세요.", "Sign in again before linking another account."),
        IdentityInUse => (
            "이 계정은 이미 다른 Proofolio 계정에 연결되어 있습니다.",
            "That account is already linked to another Proofolio account.",
        ),
        NotLinked => (
            "GitHub 계정을 연결하면 저장소에서 기술을 찾아 드립니다.",
            "Link your GitHub account and Proofolio finds your skills in your repositories.",
        ),
        Busy => (
            "이미 진행 중인 작업이 있습니다. 끝난 뒤 다시 시도해 주세요.",
            "Something is in progress already; try again when it is done.",
        ),
        NoProfile => ("먼저 GitHub에서 프로필을 가져오세요.", "Import your profile from GitHub first."),
        Quota => (
            "오늘 만들 수 있는 이력서 수를 모두 사용했습니다. 내일 다시 시도해 주세요.",
            "You have used today's résumé quota. Please try again tomorrow.",
        ),
        NotJsonResume => (
            "올바른 JSON Resume 문서가 아닙니다. 아래 위치를 확인하세요:",
            "That is not a valid JSON Resume document. Check here:",
        ),
        VersionConflict => (
            "다른 곳(다른 탭이나 기기)에서 먼저 바뀌었습니다. 다시 불러오거나 어느 쪽을 남길지 고르세요.",
            "This was changed elsewhere (another tab or device) first. Load it again or choose which to keep.",
        ),
        NeedsLlm => (
            "이 다듬기는 언어 모델이 있어야 합니다(규칙으로는 정직하게 바꿀 곳이 없습니다).",
            "This rewrite needs a language model (the rules found nothing they can change honestly).",
        ),
        Unverified => (
            "제안된 문장이 이 줄의 근거에 없는 내용을 담고 있어 버렸습니다. 아무것도 바뀌지 않았습니다.",
            "The proposal named something this line's receipts do not show, so it was dropped. Nothing changed.",
        ),
        SlugTaken => ("그 링크는 이미 다른 이력서가 쓰고 있습니다.", "Another résumé has that link."),
        SlugInvalid => (
            "링크는 영문 소문자, 숫자, -로 3~60자이고 예약어가 아니어야 합니다.",
            "A link is 3–60 of a–z, 0–9 and -, and not a reserved word.",
        ),
    };
    lang.pick(ko, en)
}

#[cfg(test)]
mod error_text_tests {
    use super::*;
    use crate::platform::errors::ErrorCode;

    #[test]
    fn every_code_has_distinct_words_in_each_language() {
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for code in ErrorCode::ALL {
                let text = error_text(lang, code);
                assert!(!text.is_empty());
                assert!(seen.insert(text), "{code:?} repeats another code's words in {lang:?}");
            }
        }
        assert_ne!(error_text(Lang::Ko, ErrorCode::Quota), error_text(Lang::En, ErrorCode::Quota));
    }
}
