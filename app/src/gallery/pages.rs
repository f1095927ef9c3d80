//! `/explore`: the gallery page, rendered on the server. The sort tabs, the
//! skill chips and "next page" are plain links and the filters a GET form,
//! so every view has its own address (shareable, bookmarkable) and works
//! without JavaScript. Every text on a card is the owner's and is escaped.

use super::explore_cards;
use super::texts::{sort_name, texts};
use super::types::{ExplorePage, ExploreQuery, GalleryCard, Sort};
use crate::market::texts::category_name;
use crate::market::types::CATEGORIES;
use crate::platform::errors::ErrorCode;
use crate::platform::i18n::{use_i18n, Lang};
use crate::platform::ui::{encode_component, ErrorNote};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

fn query_from_url() -> ExploreQuery {
    use_query_map().with_untracked(|q| {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        ExploreQuery {
            sort: get("sort"),
            skill: get("skill"),
            role: get("role"),
            cursor: get("cursor"),
            limit: get("limit").and_then(|l| l.parse().ok()),
        }
    })
}

/// What the controls show: the filters as the server understood them, or
/// as typed when it could not.
#[derive(Clone, Default)]
struct Shown {
    sort: Sort,
    skill: Option<String>,
    role: Option<String>,
    /// A page size asked for in the address, kept in every link.
    limit: Option<u32>,
    paged: bool,
}

impl Shown {
    /// The address of this view with another sort, skill or role, or of
    /// the page after `cursor`.
    fn href(&self, sort: Sort, skill: Option<&str>, role: Option<&str>, cursor: Option<&str>) -> String {
        let mut href = format!("/explore?sort={}", sort.code());
        let limit = self.limit.map(|l| l.to_string());
        for (name, value) in [("skill", skill), ("role", role), ("limit", limit.as_deref()), ("cursor", cursor)] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                href.push_str(&format!("&{name}={}", encode_component(v)));
            }
        }
        href
    }
}

#[component]
pub fn GalleryPage() -> impl IntoView {
    let lang = use_i18n().lang();
    let t = texts(lang);
    let query = query_from_url();
    let q = query.clone();
    let data = Resource::new(move || q.clone(), explore_cards);
    view! {
        <Title text=t.title />
        <Meta name="description" content=t.lead />
        <section class="container explore-page" data-testid="explore">
            <header class="page-head">
                <div>
                    <h1>{t.title}</h1>
                    <p class="lead">{t.lead}</p>
                </div>
            </header>
            <Suspense fallback=|| ()>
                {move || {
                    let query = query.clone();
                    Suspend::new(async move {
                        let typed = Shown {
                            sort: query.sort.as_deref().and_then(Sort::parse).unwrap_or_default(),
                            skill: query.skill.clone(),
                            role: query.role.clone(),
                            limit: query.limit,
                            paged: query.cursor.is_some(),
                        };
                        match data.await {
                            Ok(page) => {
                                let shown = Shown {
                                    sort: page.sort,
                                    skill: page.skill.clone().or(typed.skill),
                                    role: page.role.clone(),
                                    limit: typed.limit,
                                    paged: typed.paged,
                                };
                                view! { <Controls shown=shown.clone() lang /> <Cards page shown lang /> }.into_any()
                            }
                            Err(error) => {
                                let first = Shown::default().href(typed.sort, None, None, None);
                                let note = match (error.code, error.value.as_deref()) {
                                    (ErrorCode::Invalid, Some("cursor")) => Some(t.bad_cursor),
                                    (ErrorCode::Invalid, _) => Some(t.bad_query),
                                    _ => None,
                                };
                                view! {
                                    <Controls shown=typed lang />
                                    {match note {
                                        Some(note) => view! { <p class="notice error" role="alert" data-testid="explore-error">{note}</p> }.into_any(),
                                        None => view! { <ErrorNote error /> }.into_any(),
                                    }}
                                    <p><a href=first data-testid="first-page">{t.first}</a></p>
                                }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Sort tabs (links) and the filters (a GET form).
#[component]
fn Controls(shown: Shown, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let Shown { sort, skill, role, limit, .. } = shown.clone();
    let filtered = skill.is_some() || role.is_some();
    let selected_role = role.clone().unwrap_or_default();
    view! {
        <nav class="sort-tabs" aria-label=t.sort_label data-testid="sort-tabs">
            {Sort::ALL.into_iter().map(|s| view! {
                <a href=shown.href(s, skill.as_deref(), role.as_deref(), None)
                    aria-current=(s == sort).then_some("page") data-testid=format!("sort-{}", s.code())>
                    {sort_name(lang, s)}
                </a>
            }).collect_view()}
        </nav>
        <form class="explore-filters" method="get" action="/explore" role="search" aria-label=t.filters data-testid="explore-filters">
            <input type="hidden" name="sort" value=sort.code() />
            {limit.map(|l| view! { <input type="hidden" name="limit" value=l.to_string() /> })}
            <label>
                <span>{t.skill}</span>
                <input type="search" name="skill" value=skill.clone().unwrap_or_default() maxlength="100"
                    placeholder=t.skill_placeholder autocomplete="off" data-testid="skill-input" />
            </label>
            <label>
                <span>{t.role}</span>
                <select name="role" data-testid="role-select">
                    <option value="" selected=selected_role.is_empty()>{t.any_role}</option>
                    {CATEGORIES.into_iter().map(|c| view! {
                        <option value=c selected=selected_role == c>{category_name(lang, c)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button class="button" type="submit" data-testid="explore-show">{t.show}</button>
            {filtered.then(|| view! {
                <a class="explore-clear" href=shown.href(sort, None, None, None) data-testid="explore-clear">{t.clear}</a>
            })}
        </form>
    }
}

#[component]
fn Cards(page: ExplorePage, shown: Shown, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let (sort, skill, role) = (shown.sort, shown.skill.as_deref(), shown.role.as_deref());
    let filtered = skill.is_some() || role.is_some();
    let next = page.next_cursor.as_deref().map(|c| shown.href(sort, skill, role, Some(c)));
    let first = shown.paged.then(|| shown.href(sort, skill, role, None));
    let empty = page.items.is_empty();
    view! {
        {if empty {
            view! {
                <div class="empty" data-testid="explore-empty">
                    <p>{if filtered { t.empty_filtered } else { t.empty }}</p>
                    <p class="meta">{t.share_hint}</p>
                </div>
            }.into_any()
        } else {
            view! {
                <ul class="gallery-grid" data-testid="gallery" data-sort=sort.code()>
                    {page.items.into_iter().map(|c| view! { <Card c shown=shown.clone() lang /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <nav class="pager" aria-label=t.next>
            {first.map(|href| view! { <a href=href data-testid="first-page">{t.first}</a> })}
            {next.map(|href| view! { <a class="button secondary" rel="next" href=href data-testid="next-page">{t.next}</a> })}
        </nav>
    }
}

#[component]
fn Card(c: GalleryCard, shown: Shown, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let name = if c.name.is_empty() { t.unnamed.to_string() } else { c.name.clone() };
    let role_name = c.role.as_deref().filter(|r| *r != "other").map(|r| category_name(lang, r));
    view! {
        <li class="gallery-card" data-testid="gallery-card" data-slug=c.slug.clone() lang=c.language.clone()>
            <h2 class="gallery-name"><a href=c.path.clone() data-testid="gallery-link">{name}</a></h2>
            {(!c.headline.is_empty() || role_name.is_some()).then(|| view! {
                <p class="gallery-headline">
                    {c.headline.clone()}
                    {role_name.map(|r| view! { " " <span class="badge role" data-testid="gallery-role">{r}</span> })}
                </p>
            })}
            {(!c.summary.is_empty()).then(|| view! { <p class="gallery-summary" data-testid="gallery-summary">{c.summary.clone()}</p> })}
            {(!c.skills.is_empty()).then(|| view! {
                <ul class="chips gallery-skills" aria-label=t.skills_label>
                    {c.skills.iter().map(|s| view! {
                        <li>
                            <a class="chip small" href=shown.href(shown.sort, Some(s), shown.role.as_deref(), None) data-testid="gallery-skill">{s.clone()}</a>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <p class="meta gallery-counts" data-testid="gallery-counts">
                <span data-testid="gallery-views">{c.views}</span> " " {t.views_n} " · "
                <span data-testid="gallery-likes">{c.likes}</span> " " {t.likes_n} " · "
                <span data-testid="gallery-comments">{c.comments}</span> " " {t.comments_n}
            </p>
        </li>
    }
}
