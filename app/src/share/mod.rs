//! Sharing: a stable link per résumé (`/r/{slug}`) with its visibility,
//! view counts, and likes.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;
pub mod types;

use crate::platform::errors::FnError;
#[cfg(feature = "ssr")]
use crate::platform::ssr::sfn;
use leptos::prelude::*;
use types::{ShareView, Shared};

/// The résumé at `slug` for whoever asks (a view is counted). An old slug
/// answers 301 to the new one; anything not shared with the reader, 404.
#[server(prefix = "/sfn", endpoint = "shared")]
pub async fn shared_resume(slug: String) -> Result<Option<Shared>, FnError> {
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
    let user = sfn::caller(&state).await?;
    let client = sfn::client(&state);
    let reader = ssr::service::Reader {
        user_id: user.as_ref().map(|u| u.user_id.as_str()),
        address: client.ip.as_deref().unwrap_or_default(),
        user_agent: client.user_agent.as_deref().unwrap_or_default(),
    };
    let res = use_context::<leptos_axum::ResponseOptions>();
    match ssr::service::read(&state, &slug, &reader).await {
        Ok(Shared::Moved(to)) => {
            if let Some(res) = res {
                res.set_status(http::StatusCode::MOVED_PERMANENTLY);
                if let Ok(v) = http::HeaderValue::from_str(&format!("/r/{to}")) {
                    res.insert_header(http::header::LOCATION, v);
                }
            }
            Ok(Some(Shared::Moved(to)))
        }
        Ok(Shared::Found(found)) => {
            // A page any signed-out reader may be handed as it is: read
            // anonymously, with no live view count on it, for a request the
            // page cache asked for (only then is the mark taken off again).
            let asked = use_context::<http::request::Parts>()
                .is_some_and(|p| p.extensions.get::<ssr::page_cache::Keepable>().is_some());
            if let Some(res) = res.filter(|_| asked && user.is_none() && found.views.is_none()) {
                if let Ok(v) = http::HeaderValue::from_str(&found.resume_id) {
                    res.insert_header(http::HeaderName::from_static(ssr::page_cache::CACHEABLE), v);
                }
            }
            Ok(Some(Shared::Found(found)))
        }
        Err(AppError::NotFound) => {
            if let Some(res) = res {
                res.set_status(http::StatusCode::NOT_FOUND);
            }
            Ok(None)
        }
        Err(e) => Err(sfn::internal(e)),
    }
}

/// How my résumé `id` is shared (`Ok(None)`: not mine, or signed out).
#[server(prefix = "/sfn", endpoint = "share/view")]
pub async fn share_of(id: String) -> Result<Option<ShareView>, FnError> {
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    match ssr::service::view(&state, &user.user_id, &id).await {
        Ok(v) => Ok(Some(v)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(sfn::internal(e)),
    }
}

/// Share my résumé `id` (a form: visibility, slug, show counts).
#[server(prefix = "/sfn", endpoint = "share/set")]
pub async fn set_sharing(
    id: String,
    visibility: String,
    slug: Option<String>,
    show_counts: Option<String>,
) -> Result<(), FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let Some(visibility) = types::Visibility::parse(&visibility) else {
        return Err(sfn::refuse(FnError::new(ErrorCode::Invalid)));
    };
    let req = types::ShareSettings { visibility, slug, show_counts: Some(show_counts.as_deref() == Some("on")) };
    match ssr::service::set(&state, &user.user_id, &id, &req).await {
        Ok(_) => {
            sfn::redirect(&format!("/resumes/{id}#share"));
            Ok(())
        }
        Err(AppError::Validation { fields }) => {
            let why = fields.get("slug").cloned();
            let code = if why.as_deref() == Some("taken") { ErrorCode::SlugTaken } else { ErrorCode::SlugInvalid };
            Err(sfn::refuse(FnError::new(code).with_value(req.slug.unwrap_or_default()).with_suggestion(why)))
        }
        Err(e) => Err(sfn::internal(e)),
    }
}

/// Like (or unlike) the résumé `id` shown at `/r/{slug}`.
#[server(prefix = "/sfn", endpoint = "share/like")]
pub async fn toggle_like(id: String, slug: String, like: bool) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    ssr::service::like(&state, &user.user_id, &id, like).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/r/{slug}"));
    Ok(())
}

/// The comments on résumé `id` (empty when the reader cannot read it).
#[server(prefix = "/sfn", endpoint = "comments")]
pub async fn comments_of(id: String) -> Result<Vec<types::CommentView>, FnError> {
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
    let user = sfn::caller(&state).await?;
    match ssr::comments::list(&state, user.as_ref().map(|u| u.user_id.as_str()), &id).await {
        Ok(c) => Ok(c),
        Err(AppError::NotFound) => Ok(vec![]),
        Err(e) => Err(sfn::internal(e)),
    }
}

/// Comment on (or reply on) résumé `id`, shown at `/r/{slug}`.
#[server(prefix = "/sfn", endpoint = "comments/post")]
pub async fn post_comment(
    id: String,
    slug: String,
    body: String,
    parent_id: Option<String>,
    anchor: Option<String>,
) -> Result<(), FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let req = types::NewComment { body: body.clone(), parent_id, anchor };
    match ssr::comments::create(&state, &user.user_id, &id, &req).await {
        Ok(_) => {
            sfn::redirect(&format!("/r/{slug}#comments"));
            Ok(())
        }
        Err(AppError::Validation { fields }) => Err(sfn::refuse(
            FnError::new(ErrorCode::Invalid).with_value(body).with_suggestion(fields.into_values().next()),
        )),
        Err(e) => Err(sfn::internal(e)),
    }
}

/// Delete comment `id` (mine, or on my résumé).
#[server(prefix = "/sfn", endpoint = "comments/delete")]
pub async fn delete_comment(id: String, slug: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    ssr::comments::delete(&state, &user.user_id, &id).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/r/{slug}#comments"));
    Ok(())
}

/// Change my comment `id`.
#[server(prefix = "/sfn", endpoint = "comments/edit")]
pub async fn edit_comment(id: String, slug: String, body: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    ssr::comments::edit(&state, &user.user_id, &id, &body).await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/r/{slug}#comments"));
    Ok(())
}

/// Report comment `id` as abusive.
#[server(prefix = "/sfn", endpoint = "comments/report")]
pub async fn report_comment(id: String, slug: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    ssr::comments::report(&state, &user.user_id, &id, "").await.map_err(sfn::internal)?;
    sfn::redirect(&format!("/r/{slug}#comments"));
    Ok(())
}
