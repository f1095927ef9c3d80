//! The market pages: `/market` (public: top technologies as an SVG chart
//! with its table, required vs preferred, pairs, regions, levels, by year),
//! `/market/match` (paste a posting) and `/market/me` (my fit). Filters are
//! GET forms, so every view has a shareable address and works without
//! JavaScript; everything is rendered on the server.

use super::texts::{category_name, company_type_name, industry_name, level_name, region_name, texts};
use super::types::*;
use super::{
    market_categories, market_trends, market_view, match_view, my_market_fit, LeadResume, MatchPosting, TailorResume,
};
use crate::account::pages::SignInFirst;
use crate::platform::i18n::{use_i18n, Lang};
use crate::platform::ui::{failure, ErrorNote};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn query_from_url() -> MarketQuery {
    use_query_map().with_untracked(|q| {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        MarketQuery {
            category: get("category"),
            period: get("period").and_then(|p| p.parse().ok()),
            region: get("region"),
            experience: get("experience"),
        }
    })
}

/// The data's source, period and credit: shown with every view.
#[component]
fn Credit(total: i64, first: Option<String>, last: Option<String>, sources: Vec<SourceCount>) -> impl IntoView {
    let i18n = use_i18n();
    let t = texts(i18n.lang());
    let sources = sources.iter().map(|s| format!("{} ({})", s.source, s.postings)).collect::<Vec<_>>().join(", ");
    let period = match (first, last) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => String::new(),
    };
    view! {
        <p class="meta market-credit" data-testid="market-credit">
            {t.data_from} ": " {total} " " {t.postings}
            {(!period.is_empty()).then(|| format!(" · {period}"))}
            {(!sources.is_empty()).then(|| format!(" · {sources}"))}
            <br />
            {CREDIT}
        </p>
    }
}

#[component]
fn Filters(
    query: MarketQuery,
    categories: Categories,
    action: &'static str,
    #[prop(optional)] full: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let t = texts(lang);
    let selected = query.category.clone().unwrap_or_default();
    let period = query.period.map(|p| p.to_string()).unwrap_or_default();
    let level = query.experience.clone().unwrap_or_default();
    view! {
        <form class="market-filters" method="get" action=action role="search" data-testid="market-filters">
            <label>
                <span>{t.category}</span>
                <select name="category" data-testid="category-select">
                    <option value="" selected=selected.is_empty()>{t.all_categories} " (" {categories.total_postings} ")"</option>
                    {categories.categories.iter().map(|c| {
                        let code = c.code.clone();
                        let is = code == selected;
                        view! { <option value=code.clone() selected=is>{category_name(lang, &code)} " (" {c.postings} ")"</option> }
                    }).collect_view()}
                </select>
            </label>
            {full.then(|| view! {
                <label>
                    <span>{t.period}</span>
                    <select name="period" data-testid="period-select">
                        <option value="" selected=period.is_empty()>{t.all_time}</option>
                        {["12", "24", "36", "60"].into_iter().map(|p| view! {
                            <option value=p selected=period == p>{p} " " {t.months}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{t.experience}</span>
                    <select name="experience" data-testid="level-select">
                        <option value="" selected=level.is_empty()>{t.any_level}</option>
                        {LEVELS.into_iter().map(|l| view! {
                            <option value=l selected=level == l>{level_name(lang, l)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {query.region.clone().map(|r| view! { <input type="hidden" name="region" value=r /> })}
            })}
            <button class="button" type="submit" data-testid="market-show">{t.show}</button>
        </form>
    }
}

/// Horizontal bars, one per technology, drawn on the server. The table
/// beside it holds the same numbers for screen readers and for copying.
#[component]
fn BarChart(top: Vec<TechCount>) -> impl IntoView {
    let i18n = use_i18n();
    let t = texts(i18n.lang());
    let max = top.iter().map(|c| c.postings).max().unwrap_or(1).max(1) as f64;
    let row = 26.0;
    let height = (top.len() as f64 * row).max(row);
    let (label_w, bar_w) = (150.0, 330.0);
    view! {
        <svg class="bar-chart" data-testid="market-chart" role="img" viewBox=format!("0 0 540 {height}")
            preserveAspectRatio="xMinYMin meet" aria-label=t.chart_label>
            <title>{t.chart_label}</title>
            {top.iter().enumerate().map(|(i, c)| {
                let y = i as f64 * row;
                let total_w = bar_w * c.postings as f64 / max;
                let req_w = bar_w * c.required as f64 / max;
                let pref_w = bar_w * c.preferred as f64 / max;
                view! {
                    <g class="bar">
                        <text x=label_w - 8.0 y=y + 17.0 text-anchor="end" class="bar-label">{c.name.clone()}</text>
                        <rect x=label_w y=y + 4.0 width=format!("{total_w:.1}") height="18" class="bar-mentioned" />
                        <rect x=label_w y=y + 4.0 width=format!("{:.1}", req_w + pref_w) height="18" class="bar-preferred" />
                        <rect x=label_w y=y + 4.0 width=format!("{req_w:.1}") height="18" class="bar-required" />
                        <text x=label_w + total_w + 6.0 y=y + 17.0 class="bar-value">{c.postings}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
        <p class="chart-legend" aria-hidden="true">
            <span class="key bar-required"></span> {t.required} " "
            <span class="key bar-preferred"></span> {t.preferred} " "
            <span class="key bar-mentioned"></span> {t.mentioned}
        </p>
    }
}

#[component]
fn TopTable(top: Vec<TechCount>) -> impl IntoView {
    let t = texts(use_i18n().lang());
    view! {
        <div class="table-scroll">
            <table class="market-table" data-testid="market-table">
                <caption>{t.top_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{t.technology}</th>
                        <th scope="col" class="num">{t.postings}</th>
                        <th scope="col" class="num">{t.share}</th>
                        <th scope="col" class="num">{t.required}</th>
                        <th scope="col" class="num">{t.preferred}</th>
                        <th scope="col" class="num">{t.mentioned}</th>
                    </tr>
                </thead>
                <tbody>
                    {top.into_iter().enumerate().map(|(i, c)| view! {
                        <tr data-tech=c.tech_id.clone()>
                            <td>{i + 1}</td>
                            <th scope="row">{c.name}</th>
                            <td class="num">{c.postings}</td>
                            <td class="num">{percent(c.share)}</td>
                            <td class="num">{c.required}</td>
                            <td class="num">{c.preferred}</td>
                            <td class="num">{c.mentioned}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn BucketTable(
    caption: &'static str,
    head: &'static str,
    rows: Vec<(String, i64)>,
    testid: &'static str,
) -> impl IntoView {
    let t = texts(use_i18n().lang());
    view! {
        <table class="market-table small" data-testid=testid>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">{head}</th><th scope="col" class="num">{t.postings}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(k, n)| view! { <tr><th scope="row">{k}</th><td class="num">{n}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

/// Years, each technology's postings per year, all postings per year.
type Yearly = (Vec<String>, Vec<(String, Vec<i64>)>, Vec<i64>);

/// Postings per year for the top five (months summed).
fn yearly(trends: &Trends) -> Yearly {
    let mut years: Vec<String> = trends.months.iter().map(|m| m.key.chars().take(4).collect()).collect();
    years.dedup();
    let idx = |month: &str| years.iter().position(|y| month.starts_with(y.as_str())).unwrap_or(0);
    let mut totals = vec![0; years.len()];
    for m in &trends.months {
        totals[idx(&m.key)] += m.postings;
    }
    let series = trends
        .series
        .iter()
        .map(|s| {
            let mut v = vec![0; years.len()];
            for p in &s.points {
                v[idx(&p.month)] += p.postings;
            }
            (s.name.clone(), v)
        })
        .collect();
    (years, series, totals)
}

/// The months a monthly chart shows: the most recent with postings.
pub const MONTHS_SHOWN: usize = 24;

/// Each top technology's share of the category's postings, month by month
/// over the last [`MONTHS_SHOWN`] months with data: lines drawn on the
/// server, with the same numbers as a table (open it to read or copy).
#[component]
fn MonthlyChart(trends: Trends) -> impl IntoView {
    let t = texts(use_i18n().lang());
    let months: Vec<_> = trends.months.iter().rev().take(MONTHS_SHOWN).rev().cloned().collect();
    if months.len() < 2 {
        return ().into_any();
    }
    let share = |s: &TrendSeries, month: &str| s.points.iter().find(|p| p.month == month).map_or(0.0, |p| p.share);
    let max = trends
        .series
        .iter()
        .flat_map(|s| months.iter().map(move |m| share(s, &m.key)))
        .fold(0.0_f64, f64::max)
        .max(0.01);
    let (w, h, left, bottom) = (540.0, 200.0, 36.0, 22.0);
    let step = (w - left - 8.0) / (months.len() - 1) as f64;
    let y = move |v: f64| 6.0 + (h - bottom - 6.0) * (1.0 - v / max);
    let series = trends.series.clone();
    view! {
        <figure class="monthly-chart" data-testid="market-monthly">
            <figcaption>{t.monthly_title}</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=t.monthly_title preserveAspectRatio="xMinYMin meet">
                <title>{t.monthly_title}</title>
                <text x="0" y="12" class="axis">{percent(max)}</text>
                <text x="0" y=format!("{:.0}", h - bottom) class="axis">"0%"</text>
                {months.iter().enumerate().filter(|(i, _)| i % 6 == 0 || *i == months.len() - 1).map(|(i, m)| view! {
                    <text x=format!("{:.1}", left + i as f64 * step) y=format!("{}", h - 6.0) class="axis" text-anchor="middle">{m.key.clone()}</text>
                }).collect_view()}
                {series.iter().enumerate().map(|(n, s)| {
                    let points: Vec<String> = months
                        .iter()
                        .enumerate()
                        .map(|(i, m)| format!("{:.1},{:.1}", left + i as f64 * step, y(share(s, &m.key))))
                        .collect();
                    view! { <polyline class=format!("line line-{n}") fill="none" points=points.join(" ")><title>{s.name.clone()}</title></polyline> }
                }).collect_view()}
            </svg>
            <p class="chart-legend" aria-hidden="true">
                {series.iter().enumerate().map(|(n, s)| view! { <span class=format!("key line-{n}")></span> {s.name.clone()} " " }).collect_view()}
            </p>
            <details>
                <summary>{t.monthly_table}</summary>
                <div class="table-scroll">
                    <table class="market-table" data-testid="market-monthly-table">
                        <thead>
                            <tr>
                                <th scope="col">{t.month}</th>
                                <th scope="col" class="num">{t.postings}</th>
                                {series.iter().map(|s| view! { <th scope="col" class="num">{s.name.clone()}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {months.iter().map(|m| view! {
                                <tr>
                                    <th scope="row">{m.key.clone()}</th>
                                    <td class="num">{m.postings}</td>
                                    {series.iter().map(|s| view! { <td class="num">{percent(share(s, &m.key))}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
    .into_any()
}

#[component]
fn TrendTable(trends: Trends) -> impl IntoView {
    let t = texts(use_i18n().lang());
    let (years, series, totals) = yearly(&trends);
    view! {
        <div class="table-scroll">
            <table class="market-table" data-testid="market-trends">
                <caption>{t.trend_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.year}</th>
                        <th scope="col" class="num">{t.postings}</th>
                        {series.iter().map(|(n, _)| view! { <th scope="col" class="num">{n.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {years.iter().enumerate().map(|(i, y)| {
                        let total = totals[i];
                        view! {
                            <tr>
                                <th scope="row">{y.clone()}</th>
                                <td class="num">{total}</td>
                                {series.iter().map(|(_, v)| {
                                    let share = if total > 0 { v[i] as f64 / total as f64 } else { 0.0 };
                                    view! { <td class="num">{v[i]} " (" {percent(share)} ")"</td> }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn MarketPage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let t = texts(lang);
    let query = query_from_url();
    let q = query.clone();
    let data = Resource::new(
        move || q.clone(),
        |q| async move {
            let trend_q = MarketQuery { category: q.category.clone(), ..Default::default() };
            let (cats, top, trends) = futures_join(market_categories(), market_view(q), market_trends(trend_q)).await;
            Ok::<_, crate::platform::errors::FnError>((cats?, top?, trends?))
        },
    );
    view! {
        <Title text=t.title />
        <section class="container market-page">
            <header class="page-head">
                <div>
                    <h1>{t.title}</h1>
                    <p class="lead">{t.lead}</p>
                </div>
                <p class="market-links">
                    <a href="/market/match" data-testid="match-link">{t.match_link}</a>
                    " · "
                    <a href="/market/me" data-testid="fit-link">{t.fit_link}</a>
                </p>
            </header>
            <Suspense fallback=|| ()>
                {move || {
                    let query = query.clone();
                    Suspend::new(async move {
                        match data.await {
                            Err(error) => view! { <ErrorNote error /> }.into_any(),
                            Ok((cats, top, trends)) => view! { <MarketBody query cats top trends lang /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Both futures at once, without pulling a join helper into the wasm build.
async fn futures_join<A, B, C>(
    a: impl std::future::Future<Output = A>,
    b: impl std::future::Future<Output = B>,
    c: impl std::future::Future<Output = C>,
) -> (A, B, C) {
    let a = a.await;
    let b = b.await;
    (a, b, c.await)
}

#[component]
fn MarketBody(query: MarketQuery, cats: Categories, top: MarketTop, trends: Trends, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let heading = category_name(lang, query.category.as_deref().unwrap_or(""));
    let empty = top.total_postings == 0;
    let regions: Vec<(String, i64)> = top
        .by_region
        .iter()
        .take(12)
        .map(|b| (if b.key.is_empty() { t.unknown.to_string() } else { region_name(lang, &b.key) }, b.postings))
        .collect();
    let levels: Vec<(String, i64)> =
        top.by_level.iter().map(|b| (level_name(lang, &b.key).to_string(), b.postings)).collect();
    let pairs: Vec<(String, i64)> =
        top.pairs.iter().map(|p| (format!("{} + {}", p.a_name, p.b_name), p.postings)).collect();
    // What postings state first; "not stated" last, however many.
    let stated_first = |buckets: &[Bucket], name: &dyn Fn(&str) -> &'static str| -> Vec<(String, i64)> {
        let mut v: Vec<&Bucket> = buckets.iter().collect();
        v.sort_by_key(|b| b.key.is_empty());
        v.into_iter().map(|b| (name(&b.key).to_string(), b.postings)).collect()
    };
    let industries = stated_first(&top.by_industry, &|k| industry_name(lang, k));
    let company_types = stated_first(&top.by_company_type, &|k| company_type_name(lang, k));
    view! {
        <Filters query=query.clone() categories=cats action="/market" full=true />
        <Credit total=top.total_postings first=top.first_month.clone() last=top.last_month.clone() sources=top.sources.clone() />
        {if empty {
            view! { <p class="empty" data-testid="market-empty">{t.no_data}</p> }.into_any()
        } else {
            view! {
                <h2 data-testid="market-heading">{heading} " · " {t.top_title}</h2>
                <div class="chart-with-table">
                    <figure class="chart">
                        <BarChart top=top.top.clone() />
                    </figure>
                    <TopTable top=top.top.clone() />
                </div>
                <div class="market-grid">
                    <BucketTable caption=t.pairs_title head=t.pair rows=pairs testid="market-pairs" />
                    <BucketTable caption=t.region_title head=t.region rows=regions testid="market-regions" />
                    <BucketTable caption=t.level_title head=t.level rows=levels testid="market-levels" />
                    <BucketTable caption=t.industry_title head=t.industry rows=industries testid="market-industries" />
                    <BucketTable caption=t.company_type_title head=t.company_type rows=company_types testid="market-company-types" />
                </div>
                <MonthlyChart trends=trends.clone() />
                <TrendTable trends />
            }.into_any()
        }}
    }
}

#[component]
fn Receipts(evidence: Vec<EvidenceLink>) -> impl IntoView {
    (!evidence.is_empty()).then(|| {
        view! {
            <span class="receipts">
                {evidence.into_iter().map(|e| view! {
                    " " <a href=e.url rel="external nofollow" class="receipt">{e.repository}</a>
                }).collect_view()}
            </span>
        }
    })
}

#[component]
pub fn MatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let t = texts(lang);
    let action = ServerAction::<MatchPosting>::new();
    let error = failure(action);
    let asked = use_query_map().with_untracked(|q| {
        q.get("t").map(|a| {
            (a, q.get("c").unwrap_or_default(), q.get("l").unwrap_or_default(), q.get("y").and_then(|y| y.parse().ok()))
        })
    });
    let asked_for_form = asked.clone();
    let result = Resource::new(
        move || asked.clone(),
        |a| async move {
            match a {
                Some((t, c, l, y)) => match_view(t, c, l, y).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=t.match_title />
        <section class="container narrow market-match">
            <h1>{t.match_title}</h1>
            <p class="lead">{t.match_lead}</p>
            {error.map(|error| view! { <ErrorNote error /> })}
            <ActionForm action attr:class="match-form">
                <label for="match-text">{t.match_label}</label>
                <textarea id="match-text" name="text" rows="10" required maxlength=MATCH_TEXT_MAX.to_string() data-testid="match-text"></textarea>
                <button class="button" type="submit" data-testid="match-button">{t.match_button}</button>
            </ActionForm>
            <Suspense fallback=|| ()>
                {move || {
                    let asked = asked_for_form.clone();
                    Suspend::new(async move {
                    match result.await {
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Ok(Some(r)) => {
                            let (code, category) = asked.clone().map(|(a, c, _, _)| (a, c)).unwrap_or_default();
                            let signed_in = r.signed_in && !r.technologies.is_empty();
                            view! { <MatchBody r lang /> {signed_in.then(|| view! { <TailorForm asked=code category /> })} }.into_any()
                        }
                    }
                })}}
            </Suspense>
        </section>
    }
}

#[component]
fn MatchBody(r: MatchResult, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let req = move |code: &str| match code {
        "required" => t.required,
        "preferred" => t.preferred,
        _ => t.mentioned,
    };
    let category = (!r.category.is_empty()).then(|| category_name(lang, &r.category));
    let level = (!r.level.is_empty()).then(|| level_name(lang, &r.level));
    view! {
        <section class="match-result" data-testid="match-result">
            <h2>{t.match_result}</h2>
            <p class="meta">
                {category} {level.map(|l| format!(" · {l}"))}
                {r.min_years.map(|y| format!(" · {y}{}", t.years_plus))}
            </p>
            {match &r.coverage {
                Some(c) => view! {
                    <p class="coverage" data-testid="coverage">
                        <strong>{t.coverage} ": " {c.score} "%"</strong>
                        " (" {c.covered} " / " {c.total} " " {t.covered_of} ")"
                    </p>
                    {(!c.missing.is_empty()).then(|| view! {
                        <p data-testid="missing">{t.missing} ": " {c.missing.join(", ")}</p>
                    })}
                }.into_any(),
                None if r.signed_in => view! { <p class="notice">{t.import_for_coverage}</p> }.into_any(),
                None => view! { <p class="notice">{t.sign_in_for_coverage} " " <a href="/signin?return_to=/market/match">{crate::platform::i18n::use_i18n().t(|x| x.nav_sign_in)}</a></p> }.into_any(),
            }}
            {if r.technologies.is_empty() {
                view! { <p class="empty">{t.nothing_found}</p> }.into_any()
            } else {
                view! {
                    <table class="market-table" data-testid="asked">
                        <caption>{t.asked}</caption>
                        <thead><tr><th scope="col">{t.technology}</th><th scope="col">{t.level}</th><th scope="col">{t.receipts}</th></tr></thead>
                        <tbody>
                            {r.technologies.clone().into_iter().map(|a| {
                                let status = match a.proven {
                                    Some(true) => Some(("proven", t.proven)),
                                    Some(false) => Some(("missing", t.not_proven)),
                                    None => None,
                                };
                                view! {
                                    <tr data-tech=a.tech_id.clone() data-requirement=a.requirement.clone()>
                                        <th scope="row">{a.name}</th>
                                        <td>{req(&a.requirement)}</td>
                                        <td>
                                            {status.map(|(class, label)| view! { <span class=format!("badge {class}")>{label}</span> })}
                                            <Receipts evidence=a.evidence />
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn MarketFitPage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let t = texts(lang);
    let query = query_from_url();
    let q = query.clone();
    let data = Resource::new(
        move || q.clone(),
        |q| async move {
            let cats = market_categories().await?;
            let fit = my_market_fit(q).await?;
            Ok::<_, crate::platform::errors::FnError>((cats, fit))
        },
    );
    view! {
        <Title text=t.fit_title />
        <Suspense fallback=|| ()>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <section class="container"><ErrorNote error /></section> }.into_any(),
                        Ok((_, None)) => view! { <SignInFirst /> }.into_any(),
                        Ok((cats, Some(fit))) => view! {
                            <section class="container market-page">
                                <h1>{t.fit_title}</h1>
                                <p class="lead">{t.fit_lead} " " <a href="/market/match" data-testid="fit-match">{t.match_a_posting}</a></p>
                                <Filters query categories=cats action="/market/me" />
                                <p class="meta market-credit">{t.data_from} ": " {fit.total_postings} " " {t.postings} <br /> {CREDIT}</p>
                                {if fit.has_profile {
                                    view! {
                                        <FitGroup title=t.lead_with note=t.lead_with_note items=fit.proven_in_demand.clone() testid="fit-lead" />
                                        {(!fit.proven_in_demand.is_empty() && !fit.category.is_empty()).then(|| view! { <LeadForm category=fit.category.clone() /> })}
                                        <FitGroup title=t.learn_next note=t.learn_next_note items=fit.to_learn.clone() testid="fit-learn" />
                                        <FitGroup title=t.rare note=t.rare_note items=fit.proven_rare.clone() testid="fit-rare" />
                                    }.into_any()
                                } else {
                                    view! { <p class="notice" data-testid="fit-no-profile">{t.no_profile} " " <a href="/skills">"→"</a></p> }.into_any()
                                }}
                            </section>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn FitGroup(title: &'static str, note: &'static str, items: Vec<FitItem>, testid: &'static str) -> impl IntoView {
    let t = texts(use_i18n().lang());
    view! {
        <section class="fit-group" data-testid=testid>
            <h2>{title}</h2>
            <p class="meta">{note}</p>
            {if items.is_empty() {
                view! { <p class="empty">{t.none}</p> }.into_any()
            } else {
                view! {
                    <ul class="fit-list">
                        {items.into_iter().map(|i| view! {
                            <li data-tech=i.tech_id.clone()>
                                <strong>{i.name}</strong>
                                " · " {i.postings} " " {t.postings} " (" {percent(i.share)} " " {t.asked_by} ")"
                                <Receipts evidence=i.evidence />
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The owner's written résumés, as options of a select.
fn resume_options(list: Vec<crate::resume::types::ResumeView>) -> Vec<(String, String)> {
    list.into_iter()
        .filter(|r| r.status == crate::resume::types::ResumeStatus::Ready && r.document.is_some() && r.job_id.is_none())
        .map(|r| {
            let name =
                r.title.clone().or(r.target_role.clone()).unwrap_or_else(|| r.created_at.chars().take(16).collect());
            (r.id, name)
        })
        .collect()
}

/// "Tailor a copy": pick one of my résumés; the copy opens.
#[component]
fn TailorForm(asked: String, category: String) -> impl IntoView {
    let t = texts(use_i18n().lang());
    let action = ServerAction::<TailorResume>::new();
    let mine = Resource::new(|| (), |_| crate::resume::my_resumes());
    let (asked, category) = (StoredValue::new(asked), StoredValue::new(category));
    view! {
        <section class="card tailor" data-testid="tailor">
            <h2>{t.tailor_title}</h2>
            <p class="meta">{t.tailor_note}</p>
            {failure(action).map(|error| view! { <ErrorNote error /> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let options = resume_options(mine.await.unwrap_or_default());
                    if options.is_empty() {
                        view! { <p class="empty">{t.tailor_none} " " <a href="/skills">"→"</a></p> }.into_any()
                    } else {
                        view! {
                            <ActionForm action attr:class="inline-form">
                                <input type="hidden" name="asked" value=asked.get_value() />
                                <input type="hidden" name="category" value=category.get_value() />
                                <label for="tailor-resume">{t.tailor_pick}</label>
                                <select id="tailor-resume" name="resume_id" data-testid="tailor-resume">
                                    {options.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                                <button class="button" type="submit" data-testid="tailor-button">{t.tailor_button}</button>
                            </ActionForm>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

/// "Put these first in my résumé" for the category's proven, in-demand skills.
#[component]
fn LeadForm(category: String) -> impl IntoView {
    let t = texts(use_i18n().lang());
    let action = ServerAction::<LeadResume>::new();
    let mine = Resource::new(|| (), |_| crate::resume::my_resumes());
    let category = StoredValue::new(category);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let options = resume_options(mine.await.unwrap_or_default());
                (!options.is_empty()).then(|| view! {
                    {failure(action).map(|error| view! { <ErrorNote error /> })}
                    <ActionForm action attr:class="inline-form lead-form">
                        <input type="hidden" name="category" value=category.get_value() />
                        <label for="lead-resume">{t.lead_pick}</label>
                        <select id="lead-resume" name="resume_id" data-testid="lead-resume">
                            {options.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                        <button class="button secondary" type="submit" data-testid="lead-button">{t.lead_button}</button>
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}
