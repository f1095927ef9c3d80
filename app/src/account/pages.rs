//! Sign-in, first-sign-in nickname, and account settings. Every change is a
//! plain form post that the server answers with a redirect, so these pages
//! work the same with and without JavaScript.

use crate::account::types::{link_url, MeView, DEMO_SIGN_IN_URL, LOGOUT_ALL_URL};
use crate::account::{
    my_sessions, nickname_suggestion, sign_in_options, use_me, DeleteAccount, EndSession, SetNickname, UnlinkIdentity,
};
use crate::platform::errors::{ErrorCode, FnError};
use crate::platform::i18n::use_i18n;
use crate::platform::ui::{encode_component, failure, ErrorNote};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

fn query(name: &'static str) -> impl Fn() -> Option<String> + Copy + Send + Sync {
    let q = use_query_map();
    // Read once per render: every change to these pages is a full page load.
    move || q.with_untracked(|q| q.get(name)).filter(|v| !v.is_empty())
}

/// `return_to` from the query, if it is a same-site path.
fn return_to() -> impl Fn() -> String + Copy + Send + Sync {
    let q = query("return_to");
    move || q().and_then(|p| crate::platform::web::safe_return_path(&p)).unwrap_or_else(|| "/".into())
}

/// Shown where a page needs a signed-in user.
#[component]
pub(crate) fn SignInFirst() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let href = move || format!("/signin?return_to={}", encode_component(&location.pathname.get()));
    view! {
        <section class="container narrow">
            <p>{i18n.t(|t| t.need_sign_in)}</p>
            <p><a class="button" href=href>{i18n.t(|t| t.nav_sign_in)}</a></p>
        </section>
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let options = Resource::new(|| (), |_| sign_in_options());
    let back = return_to();
    let me = use_me();
    view! {
        <Title text=i18n.t(|t| t.sign_in_title) />
        <section class="container narrow">
            <h1>{i18n.t(|t| t.sign_in_title)}</h1>
            // A sign-in that failed at the provider comes back here with its code.
            {query("error")().and_then(|c| ErrorCode::parse(&c)).map(|code| view! {
                <div data-testid="sign-in-failed">
                    <h2>{i18n.t(|t| t.sign_in_failed)}</h2>
                    <ErrorNote error=FnError::new(code) />
                </div>
            })}
            <p class="lead">{i18n.t(|t| t.sign_in_lead)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let signed_in = me.0.await.ok().flatten();
                    let options = options.await.unwrap_or_default();
                    let t = i18n.lang().texts();
                    let already = signed_in.map(|m| view! {
                        <p class="notice">{t.signed_in_as} " " <strong>{m.nickname.unwrap_or_default()}</strong></p>
                    });
                    let real: Vec<_> = options.iter().filter(|o| !o.demo).cloned().collect();
                    let demo = options.iter().any(|o| o.demo);
                    view! {
                        {already}
                        <ul class="provider-list">
                            {real.into_iter().map(|p| {
                                let href = format!("{}?return_to={}", p.login_url, encode_component(&back()));
                                view! {
                                    <li><a class="button provider" href=href rel="external" data-provider=p.id.clone()>{t.sign_in_with} " " {p.display_name.clone()}</a></li>
                                }
                            }).collect_view()}
                        </ul>
                        {(options.is_empty()).then(|| view! { <p>{t.no_providers}</p> })}
                        {demo.then(|| view! {
                            <form class="card demo-signin" method="post" action=DEMO_SIGN_IN_URL>
                                <h2>{t.demo_signin_title}</h2>
                                <p>{t.demo_body}</p>
                                <input type="hidden" name="return_to" value=back() />
                                <button class="button secondary" type="submit">{t.demo_button}</button>
                            </form>
                        })}
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NicknameForm(#[prop(into)] from: String, initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let back = return_to();
    let action = ServerAction::<SetNickname>::new();
    let error = failure(action);
    let value = error.as_ref().and_then(|e| e.value.clone()).unwrap_or(initial);
    view! {
        <ActionForm action attr:class="card nickname-form">
            {error.map(|error| view! { <ErrorNote error /> })}
            <label for="nickname">{i18n.t(|t| t.nickname_label)}</label>
            <input
                id="nickname"
                name="nickname"
                value=value
                required
                minlength="2"
                maxlength="20"
                autocomplete="nickname"
                aria-describedby="nickname-rules"
            />
            <p id="nickname-rules" class="hint">{i18n.t(|t| t.nickname_rules)}</p>
            <input type="hidden" name="return_to" value=back() />
            <input type="hidden" name="from" value=from />
            <button class="button" type="submit">{i18n.t(|t| t.save)}</button>
        </ActionForm>
    }
}

#[component]
pub fn Welcome() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let suggestion = Resource::new(|| (), |_| nickname_suggestion());
    view! {
        <Title text=i18n.t(|t| t.welcome_title) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.0.await.ok().flatten() {
                    None => view! { <SignInFirst /> }.into_any(),
                    Some(m) => {
                        let initial = match m.nickname {
                            Some(n) => n,
                            None => suggestion.await.unwrap_or_default(),
                        };
                        view! {
                            <section class="container narrow">
                                <h1>{i18n.t(|t| t.welcome_title)}</h1>
                                <p class="lead">{i18n.t(|t| t.welcome_lead)}</p>
                                <NicknameForm from="welcome" initial />
                            </section>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn provider_name(id: &str) -> String {
    match id {
        "github" => "GitHub".into(),
        "google" => "Google".into(),
        "kakao" => "Kakao".into(),
        "demo" => "Demo".into(),
        other => other.to_string(),
    }
}

#[component]
pub fn AccountSettings() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let sessions = Resource::new(|| (), |_| my_sessions());
    let options = Resource::new(|| (), |_| sign_in_options());
    view! {
        <Title text=i18n.t(|t| t.settings_title) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Some(m) = me.0.await.ok().flatten() else {
                    return view! { <SignInFirst /> }.into_any();
                };
                let sessions = sessions.await.unwrap_or_default();
                let options = options.await.unwrap_or_default();
                view! { <SettingsBody me=m sessions options /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn SettingsBody(
    me: MeView,
    sessions: Vec<crate::account::types::SessionView>,
    options: Vec<crate::account::types::ProviderView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.lang().texts();
    let only_one = me.identities.len() <= 1;
    let linkable: Vec<_> = options.into_iter().filter(|o| !o.demo).collect();
    let nickname = me.nickname.clone().unwrap_or_default();
    let unlink = ServerAction::<UnlinkIdentity>::new();
    let end = ServerAction::<EndSession>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let (unlink_error, end_error, delete_error) = (failure(unlink), failure(end), failure(delete));
    view! {
        <section class="container narrow settings">
            <h1>{move || t().settings_title}</h1>

            <h2>{move || t().profile_title}</h2>
            <NicknameForm from="settings" initial=nickname />

            <h2>{move || t().linked_title}</h2>
            {unlink_error.map(|error| view! { <ErrorNote error /> })}
            <ul class="list identities">
                {me.identities.into_iter().map(|i| {
                    let label = format!("{} {}", provider_name(&i.provider), i.login.clone().or(i.email.clone()).unwrap_or_default());
                    view! {
                        <li data-testid="identity" data-provider=i.provider.clone()>
                            <span>{label}</span>
                            <ActionForm action=unlink>
                                <input type="hidden" name="id" value=i.id.clone() />
                                <button class="link-button" type="submit" disabled=only_one>{move || t().unlink}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(!linkable.is_empty()).then(|| view! {
                <p class="link-others">
                    {move || t().link_another} " "
                    {linkable.into_iter().map(|p| {
                        // Linking is a POST (origin-checked), never a link another site could follow.
                        let action = link_url(&p.id);
                        view! {
                            <form class="inline" method="post" action=action>
                                <input type="hidden" name="return_to" value="/settings/account" />
                                <button class="chip" type="submit">{p.display_name}</button>
                            </form>
                            " "
                        }
                    }).collect_view()}
                </p>
            })}

            <h2>{move || t().sessions_title}</h2>
            {end_error.map(|error| view! { <ErrorNote error /> })}
            <ul class="list sessions">
                {sessions.into_iter().map(|s| {
                    let current = s.current;
                    let device = s.device.clone();
                    let when = s.last_used_at.chars().take(16).collect::<String>().replace('T', " ");
                    view! {
                        <li data-testid="session" data-current=current.to_string()>
                            <span class="device">{device}</span>
                            <span class="meta">{provider_name(&s.provider)} " · " {s.ip.clone().unwrap_or_default()} " · " {move || t().last_used} " " {when.clone()} " UTC"</span>
                            {if current {
                                view! { <strong class="badge">{move || t().this_device}</strong> }.into_any()
                            } else {
                                view! {
                                    <ActionForm action=end>
                                        <input type="hidden" name="id" value=s.id.clone() />
                                        <button class="link-button" type="submit">{move || t().end_session}</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form method="post" action=LOGOUT_ALL_URL>
                <button class="button secondary" type="submit">{move || t().sign_out_everywhere}</button>
            </form>

            <h2>{move || t().danger_title}</h2>
            <ActionForm action=delete attr:class="card danger">
                {delete_error.map(|error| view! { <ErrorNote error /> })}
                <p>{move || t().danger_body}</p>
                <label for="confirm">{move || t().delete_confirm_label}</label>
                <input id="confirm" name="confirm" autocomplete="off" required />
                <button class="button danger" type="submit">{move || t().delete_button}</button>
            </ActionForm>
        </section>
    }
}
