//! The one server-side error type. Every REST handler and service returns
//! it; `IntoResponse` turns it into `{"error":{"code","message","fields"}}`
//! with the right status. Details of 5xx errors go to the log (with the
//! request id from the tracing span), never to the client.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::collections::BTreeMap;

use super::store::StoreError;
use crate::platform::api::{ErrorBody, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Validation { fields: BTreeMap<String, String> },
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// A write named a version that is no longer the current one.
    #[error("this was changed elsewhere (now version {current}); load it again or choose which to keep")]
    Stale { current: i32 },
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error("the request body is larger than the {} KB this endpoint accepts", limit_bytes / 1024)]
    TooLarge { limit_bytes: usize },
    /// An internet service (GitHub, the LLM) failed; the message is for users.
    #[error("{service} is unavailable: {message}")]
    Upstream { service: &'static str, message: String },
    /// A part of our own (the store) is down; callers degrade where they can.
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut fields = BTreeMap::new();
        fields.insert(field.into(), message.into());
        AppError::Validation { fields }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Upstream { .. } => StatusCode::BAD_GATEWAY,
            AppError::Unavailable(_) | AppError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(e) if is_unique_violation(e) => StatusCode::CONFLICT,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation { .. } => "validation_failed",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Stale { .. } => "version_conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::TooLarge { .. } => "payload_too_large",
            AppError::Upstream { .. } => "upstream_unavailable",
            AppError::Unavailable(_) | AppError::Store(_) => "unavailable",
            AppError::Database(e) if is_unique_violation(e) => "conflict",
            AppError::Database(_) | AppError::Internal(_) => "internal",
        }
    }

    /// What the client may read. Internal details never leave the server.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Database(e) if is_unique_violation(e) => "that already exists".into(),
            AppError::Database(_) | AppError::Internal(_) => {
                "something went wrong on our side; it has been logged".into()
            }
            AppError::Store(_) => "a shared service is temporarily unavailable".into(),
            other => other.to_string(),
        }
    }

    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            AppError::Validation { fields } => fields.clone(),
            AppError::Stale { current } => BTreeMap::from([("current_version".to_string(), current.to_string())]),
            _ => BTreeMap::new(),
        };
        ErrorBody { error: ErrorDetail { code: self.code().into(), message: self.public_message(), fields } }
    }
}

/// Unique-constraint violations are the caller's conflict, not our fault.
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = ?self, code = self.code(), "request failed");
        }
        let mut response = (status, Json(self.body())).into_response();
        if let AppError::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
        if let AppError::Stale { current } = self {
            if let Ok(etag) = HeaderValue::from_str(&format!("\"{current}\"")) {
                response.headers_mut().insert(header::ETAG, etag);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_say_nothing_of_their_cause() {
        let err = AppError::Internal(anyhow::anyhow!("password=hunter2 at db.internal"));
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&err.body()).unwrap();
        assert!(!body.contains("hunter2"), "{body}");
        assert!(body.contains("\"code\":\"internal\""));
    }

    #[test]
    fn validation_errors_name_their_fields() {
        let err = AppError::validation("nickname", "must be 2 to 20 characters");
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(err.body().error.fields["nickname"], "must be 2 to 20 characters");
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let res = AppError::RateLimited { retry_after_secs: 42 }.into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "42");
    }
}
