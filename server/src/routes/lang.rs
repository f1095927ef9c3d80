//! The language switch for browsers without JavaScript: remember the choice
//! in a cookie and go back where the visitor was.

use app::platform::i18n::{cookie_value, Lang};
use app::platform::web::safe_return_path;
use axum::{
    extract::{Path, Query},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn switch(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let target = q.next.as_deref().and_then(safe_return_path).unwrap_or_else(|| "/".to_string());
    let Some(lang) = Lang::from_code(&code) else {
        return app::platform::ssr::error::AppError::NotFound.into_response();
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let (Ok(location), Ok(cookie)) = (HeaderValue::from_str(&target), HeaderValue::from_str(&cookie_value(lang))) {
        headers.insert(header::LOCATION, location);
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}
