//! `/notifications` (server-rendered; marking read and muting are plain
//! forms) and the header's unread badge, the one island here: it follows
//! the live stream and shows the server-rendered count without JavaScript.

use super::texts::texts;
use super::types::{NotificationKind, NotificationPage, NotificationView, PAGE_URL};
use super::{my_notifications, MarkRead, SetMute};
use crate::platform::i18n::use_i18n;
use crate::platform::ui::{failure, ErrorNote};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The header's link to the notifications page with my unread count,
/// updated live while the page is open.
#[island]
pub fn UnreadBadge(unread: i64) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let count = RwSignal::new(unread);
    #[cfg(feature = "hydrate")]
    follow_unread(move |n| count.set(n));
    view! {
        <a href=PAGE_URL class="notify-link" data-testid="notify-badge" data-unread=move || count.get().to_string()>
            {move || t().nav}
            <span class="notify-count" hidden=move || count.get() == 0 data-testid="notify-count">
                <span aria-hidden="true">{move || count.get()}</span>
                <span class="visually-hidden">{move || format!("{} {}", count.get(), t().unread_label)}</span>
            </span>
        </a>
    }
}

/// Follow my notifications' server-sent events (hydrated pages only):
/// every `unread` event hands the count to `on_count`. The browser
/// reconnects by itself and names the last id it saw.
#[cfg(feature = "hydrate")]
fn follow_unread(on_count: impl Fn(i64) + Clone + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast};
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        let Ok(source) = web_sys::EventSource::new(super::types::EVENTS_URL) else { return };
        let on_count = on_count.clone();
        let on_unread = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(u) = e.data().as_string().and_then(|t| serde_json::from_str::<super::types::Unread>(&t).ok()) {
                on_count(u.unread);
            }
        });
        let _ = source.add_event_listener_with_callback("unread", on_unread.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        on_unread.forget();
    });
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let cursor = use_query_map().with_untracked(|q| q.get("cursor"));
    let data = Resource::new(move || cursor.clone(), my_notifications);
    let read = ServerAction::<MarkRead>::new();
    let mute = ServerAction::<SetMute>::new();
    view! {
        <Title text=move || t().title />
        <section class="container notifications" data-testid="notifications">
            <h1>{move || t().title}</h1>
            <p class="lead">{move || t().lead}</p>
            {failure(read).or_else(|| failure(mute)).map(|error| view! { <ErrorNote error /> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(Some(page)) => view! { <List page read mute /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                        Ok(None) => view! {
                            <p class="notice" data-testid="notifications-signin">
                                <a href="/signin?return_to=%2Fnotifications">{move || t().sign_in}</a>
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn List(page: NotificationPage, read: ServerAction<MarkRead>, mute: ServerAction<SetMute>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let newest = page.items.first().map(|n| n.id);
    let paged = use_query_map().with_untracked(|q| q.get("cursor").is_some());
    view! {
        <p class="meta" data-testid="unread-total" data-unread=page.unread.to_string()>
            {page.unread} " " {move || t().unread}
        </p>
        {newest.filter(|_| page.unread > 0).map(|up_to| view! {
            <ActionForm action=read attr:class="inline">
                <input type="hidden" name="up_to" value=up_to.to_string() />
                <button class="button secondary small" type="submit" data-testid="mark-all-read">{move || t().mark_all_read}</button>
            </ActionForm>
        })}
        {if page.items.is_empty() {
            view! { <p class="meta" data-testid="no-notifications">{move || t().none}</p> }.into_any()
        } else {
            view! {
                <ul class="notification-list">
                    {page.items.into_iter().map(|n| view! { <Item n read mute /> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        <nav class="pager">
            {paged.then(|| view! { <a href=PAGE_URL>{move || t().newest}</a> })}
            {page.next_cursor.map(|c| view! {
                <a href=format!("{PAGE_URL}?cursor={c}") rel="next" data-testid="notifications-older">{move || t().older}</a>
            })}
        </nav>
    }
}

#[component]
fn Item(n: NotificationView, read: ServerAction<MarkRead>, mute: ServerAction<SetMute>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || texts(i18n.lang());
    let (kind, verb) = match n.kind {
        NotificationKind::Like => ("like", t().liked),
        NotificationKind::Comment => ("comment", t().commented),
        NotificationKind::Reply => ("reply", t().replied),
    };
    let when = n.created_at.chars().take(16).collect::<String>().replace('T', " ");
    view! {
        <li
            class="notification"
            class:unread=!n.read
            data-testid="notification"
            data-kind=kind
            data-read=n.read.to_string()
            id=format!("n-{}", n.id)
        >
            <p>
                <strong data-testid="notification-actor">{n.actor.clone()}</strong>
                {verb}
                {(!n.read).then(|| view! { " " <span class="badge">{move || t().unread}</span> })}
            </p>
            <p class="meta">
                {move || t().on} " · "
                <a href=n.link.clone() data-testid="notification-link">{n.resume_title.clone()}</a>
                " · " <time datetime=n.created_at.clone()>{when}</time>
                {n.muted.then(|| view! { " · " <span data-testid="notification-muted">{move || t().muted}</span> })}
            </p>
            {n.excerpt.clone().map(|e| view! { <blockquote class="excerpt" data-testid="notification-excerpt">{e}</blockquote> })}
            <div class="notification-actions">
                {(!n.read).then(|| view! {
                    <ActionForm action=read attr:class="inline">
                        <input type="hidden" name="id" value=n.id.to_string() />
                        <button class="link-button" type="submit" data-testid="mark-read">{move || t().mark_read}</button>
                    </ActionForm>
                })}
                <ActionForm action=mute attr:class="inline">
                    <input type="hidden" name="id" value=n.resume_id.clone() />
                    <input type="hidden" name="mute" value=(!n.muted).to_string() />
                    <button class="link-button" type="submit" data-testid="mute">
                        {move || if n.muted { t().unmute } else { t().mute }}
                    </button>
                </ActionForm>
            </div>
        </li>
    }
}
