//! What went wrong, as pages and the browser see it: one stable code per
//! case, translated by the page (`Texts::error`), never a sentence from the
//! server. Server functions fail with [`FnError`]; without JavaScript Leptos
//! carries it back to the page in the redirect's query (`__err`), where the
//! form's `ServerAction` reads it, so the message is the same with or
//! without JavaScript. Redirect-based flows that are not server functions
//! (the sign-in callback) put the code alone in `?error=`.

use serde::{Deserialize, Serialize};

/// Stable codes; the JSON API's `error.code` uses the same words where the
/// two overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request needs a signed-in user.
    NotSignedIn,
    NotFound,
    /// The input does not fit (see the form's field).
    Invalid,
    /// Too many requests; try again shortly.
    RateLimited,
    /// A part the server depends on is down; try again later.
    Unavailable,
    /// Our fault; logged on the server.
    Internal,
    // Account
    NicknameTaken,
    NicknameLength,
    NicknameCharacters,
    LastIdentity,
    ConfirmMismatch,
    // Sign-in (the provider round trip)
    SignInExpired,
    SignInCancelled,
    SignInUnverified,
    SignInRejected,
    SignInProvider,
    SignInAgainToLink,
    IdentityInUse,
    // GitHub import and résumés
    NotLinked,
    Busy,
    NoProfile,
    Quota,
    /// Changed elsewhere since this page loaded it.
    VersionConflict,
    /// Pasted or uploaded text that is not a valid JSON Resume document.
    NotJsonResume,
    /// This rewrite needs a language model and none is configured (or the
    /// rules found nothing they can change honestly).
    NeedsLlm,
    /// The proposed rewrite named something its receipts do not show.
    Unverified,
    /// Another résumé has (or had) that link.
    SlugTaken,
    /// A link must be 3–60 of a–z, 0–9 and -, and not a reserved word.
    SlugInvalid,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 28] = [
        ErrorCode::NotSignedIn,
        ErrorCode::NotFound,
        ErrorCode::Invalid,
        ErrorCode::RateLimited,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
        ErrorCode::NicknameTaken,
        ErrorCode::NicknameLength,
        ErrorCode::NicknameCharacters,
        ErrorCode::LastIdentity,
        ErrorCode::ConfirmMismatch,
        ErrorCode::SignInExpired,
        ErrorCode::SignInCancelled,
        ErrorCode::SignInUnverified,
        ErrorCode::SignInRejected,
        ErrorCode::SignInProvider,
        ErrorCode::SignInAgainToLink,
        ErrorCode::IdentityInUse,
        ErrorCode::NotLinked,
        ErrorCode::Busy,
        ErrorCode::NoProfile,
        ErrorCode::Quota,
        ErrorCode::VersionConflict,
        ErrorCode::NotJsonResume,
        ErrorCode::NeedsLlm,
        ErrorCode::Unverified,
        ErrorCode::SlugTaken,
        ErrorCode::SlugInvalid,
    ];

    /// The code as it appears in URLs and JSON (`nickname_taken`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotSignedIn => "not_signed_in",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Invalid => "invalid",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::NicknameTaken => "nickname_taken",
            ErrorCode::NicknameLength => "nickname_length",
            ErrorCode::NicknameCharacters => "nickname_characters",
            ErrorCode::LastIdentity => "last_identity",
            ErrorCode::ConfirmMismatch => "confirm_mismatch",
            ErrorCode::SignInExpired => "sign_in_expired",
            ErrorCode::SignInCancelled => "sign_in_cancelled",
            ErrorCode::SignInUnverified => "sign_in_unverified",
            ErrorCode::SignInRejected => "sign_in_rejected",
            ErrorCode::SignInProvider => "sign_in_provider",
            ErrorCode::SignInAgainToLink => "sign_in_again_to_link",
            ErrorCode::IdentityInUse => "identity_in_use",
            ErrorCode::NotLinked => "not_linked",
            ErrorCode::Busy => "busy",
            ErrorCode::NoProfile => "no_profile",
            ErrorCode::Quota => "quota",
            ErrorCode::VersionConflict => "version_conflict",
            ErrorCode::NotJsonResume => "not_json_resume",
            ErrorCode::NeedsLlm => "needs_llm",
            ErrorCode::Unverified => "unverified",
            ErrorCode::SlugTaken => "slug_taken",
            ErrorCode::SlugInvalid => "slug_invalid",
        }
    }

    /// Parse a code from a URL; unknown words are `None` (never shown).
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

/// A server function's error: the code, and what the form needs to show it
/// next to the field (the value the user typed, a suggestion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FnError {
    pub code: ErrorCode,
    /// The value the user sent, to put back in the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A value that would work (e.g. a free nickname).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl FnError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, value: None, suggestion: None }
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn with_suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion.filter(|s| !s.is_empty());
        self
    }
}

impl std::fmt::Display for FnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code.as_str())
    }
}

impl std::error::Error for FnError {}

impl From<ErrorCode> for FnError {
    fn from(code: ErrorCode) -> Self {
        FnError::new(code)
    }
}

impl leptos::server_fn::error::FromServerFnError for FnError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    /// Transport failures: a request that never arrived or could not be
    /// read is `unavailable` / `invalid`, anything else ours.
    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        FnError::new(match value {
            E::Request(_) | E::Response(_) => ErrorCode::Unavailable,
            E::Args(_) | E::Deserialization(_) | E::MissingArg(_) => ErrorCode::Invalid,
            _ => ErrorCode::Internal,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::server_fn::error::FromServerFnError;

    #[test]
    fn every_code_round_trips_through_urls_and_json() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        assert_eq!(ErrorCode::parse("<script>"), None);
        let e = FnError::new(ErrorCode::NicknameTaken).with_value("김옥토").with_suggestion(Some("김옥토2".into()));
        assert_eq!(FnError::de(e.ser()), e);
    }
}
