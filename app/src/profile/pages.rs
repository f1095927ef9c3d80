//! "My skills": import from GitHub and watch it happen, then the skills
//! with their evidence and the ranked repositories, each of which the user
//! can hide. Every change is a form post answered with a redirect; with
//! JavaScript, import progress streams in live (server-sent events).

use super::texts::{clock, month, texts};
use crate::account::pages::SignInFirst;
use crate::github::StartImport;
use crate::platform::i18n::use_i18n;
use crate::platform::jobs::{JobStatus, JobView};
use crate::platform::ui::{failure, ErrorNote};
use crate::profile::types::{
    human_bytes, Evidence, ImportProgress, ProfileSource, Repository, Skill, SkillKind, SkillsView,
};
use crate::profile::{my_skills, SetHidden};
use crate::resume::{ImportResume, StartResume};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MySkills() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| my_skills());
    let resumes = Resource::new(|| (), |_| crate::resume::my_resumes());
    view! {
        <Title text=move || texts(i18n.lang()).title />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let resumes = resumes.await.unwrap_or_default();
                match data.await {
                    Ok(Some(view)) => view! { <SkillsBody view resumes /> }.into_any(),
                    Ok(None) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <section class="container"><ErrorNote error /></section> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SkillsBody(view: SkillsView, resumes: Vec<crate::resume::types::ResumeView>) -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    let import = ServerAction::<StartImport>::new();
    let import_json = ServerAction::<ImportResume>::new();
    // Whichever of the page's forms came back with an error (one at a time).
    let error = failure(import)
        .or_else(|| failure(ServerAction::<SetHidden>::new()))
        .or_else(|| failure(ServerAction::<StartResume>::new()))
        .or_else(|| failure(ServerAction::<ImportResume>::new()));
    let running = view.active_import.is_some();
    let has_profile = view.profile.is_some();
    let sample = view.profile.as_ref().is_some_and(|p| p.source == ProfileSource::Sample);
    let profile = view.profile.clone();
    view! {
        <section class="container skills-page">
            <header class="page-head">
                <div>
                    <h1>{move || st().title} {sample.then(|| view! { " " <span class="badge sample" data-testid="sample-badge">{move || st().sample_badge}</span> })}</h1>
                    <p class="lead">{move || st().lead}</p>
                </div>
                {view.can_import.then(|| view! {
                    <ActionForm action=import attr:class="import-form">
                        <button class="button" type="submit" disabled=running data-testid="import-button">
                            {move || if running { st().importing } else if has_profile { st().refresh } else { st().import }}
                        </button>
                    </ActionForm>
                })}
            </header>
            {error.map(|error| view! { <ErrorNote error /> })}
            {(!view.can_import).then(|| view! {
                <p class="notice">{move || st().not_linked} " " <a href="/settings/account">{move || st().link_github}</a></p>
            })}
            {sample.then(|| view! { <p class="notice">{move || st().sample_note}</p> })}
            {view.active_import.clone().map(|job| view! { <ImportPanel job /> })}
            {has_profile.then(|| view! { <GenerateForm resumes /> })}
            {view.last_failure.clone().map(|e| view! {
                <p class="notice error" role="alert" data-testid="import-failed">{move || st().failed} " " {e.clone()}</p>
            })}
            {match profile {
                None => (!running).then(|| view! { <p class="empty">{move || st().empty}</p> }).into_any(),
                Some(p) => {
                    let date = p.imported_at.chars().take(16).collect::<String>().replace('T', " ");
                    let requests = p.stats.github_requests;
                    let total = p.account.contributions_last_year.total;
                    view! {
                        <p class="meta import-meta" data-testid="import-meta">
                            {move || st().imported} " " {date} " UTC · " {requests} " " {move || st().github_requests}
                            " · " {move || st().contributions_year} " " {total}
                        </p>
                        <h2>{move || st().skills_title}</h2>
                        <ol class="skill-list" data-testid="skills">
                            {p.skills.into_iter().map(|s| view! { <SkillItem skill=s /> }).collect_view()}
                        </ol>
                        <h2>{move || st().repos_title}</h2>
                        <ol class="repo-list" data-testid="repositories">
                            {p.repositories.into_iter().filter(|r| r.owned).map(|r| view! { <RepoItem repo=r /> }).collect_view()}
                        </ol>
                        {(!p.contributions.is_empty()).then(|| view! {
                            <h2>{move || st().contributions_title}</h2>
                            <ul class="list contributions">
                                {p.contributions.into_iter().map(|c| view! {
                                    <li data-testid="contribution">
                                        <a href=c.url.clone() rel="noopener noreferrer">{c.repository.clone()}</a>
                                        <span class="meta">
                                            {c.pull_requests.into_iter().map(|pr| view! {
                                                <a href=pr.url.clone() rel="noopener noreferrer">{pr.title.clone()}</a> " "
                                            }).collect_view()}
                                        </span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                    }.into_any()
                }
            }}
            {(!view.hidden_repositories.is_empty() || !view.hidden_skills.is_empty()).then(|| view! {
                <h2>{move || st().hidden_title}</h2>
                <ul class="list hidden-items" data-testid="hidden">
                    {view.hidden_repositories.iter().map(|r| view! {
                        <li><span>{r.clone()}</span><HideForm kind="repository" key=r.clone() show=true /></li>
                    }).collect_view()}
                    {view.hidden_skills.iter().map(|s| view! {
                        <li><span>{s.name.clone()}</span><HideForm kind="skill" key=s.id.clone() show=true /></li>
                    }).collect_view()}
                </ul>
            })}
            <details class="import-json" data-testid="import-json">
                <summary>{move || st().import_json_title}</summary>
                <p>{move || st().import_json_lead}</p>
                <ActionForm action=import_json>
                    <label for="json-resume" class="visually-hidden">{move || st().import_json_title}</label>
                    <textarea id="json-resume" name="json" rows="8" required spellcheck="false"></textarea>
                    <button class="button secondary" type="submit">{move || st().import_json_button}</button>
                </ActionForm>
                // A file goes as a plain multipart form (no JavaScript needed).
                <form method="post" action="/resumes/import-file" enctype="multipart/form-data" class="inline-form">
                    <label for="json-file">{move || st().import_file_label}</label>
                    <input id="json-file" name="file" type="file" accept=".json,application/json" required data-testid="import-file" />
                    <button class="button secondary" type="submit" data-testid="import-file-button">{move || st().import_file_button}</button>
                </form>
            </details>
        </section>
    }
}

#[component]
fn GenerateForm(resumes: Vec<crate::resume::types::ResumeView>) -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    let start = ServerAction::<StartResume>::new();
    view! {
        <section class="card generate" data-testid="generate">
            <h2>{move || st().generate_title}</h2>
            <p>{move || st().generate_lead}</p>
            <ActionForm action=start attr:class="generate-form">
                <div>
                    <label for="resume-language">{move || st().resume_language}</label>
                    <select id="resume-language" name="language">
                        {crate::platform::i18n::Lang::ALL.into_iter().map(|l| view! {
                            <option value=l.code() selected=l == i18n.lang()>{l.native_name()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="target-role">{move || st().target_role}</label>
                    <input id="target-role" name="target_role" maxlength="80" placeholder=move || st().target_role_example />
                </div>
                <button class="button" type="submit" data-testid="generate-button">{move || st().generate}</button>
            </ActionForm>
            {(!resumes.is_empty()).then(|| view! {
                <h3>{move || st().my_resumes}</h3>
                <ul class="list resumes" data-testid="resume-list">
                    {resumes.into_iter().map(|r| {
                        let when = r.created_at.chars().take(16).collect::<String>().replace('T', " ");
                        let label = format!("{} · {} · {}", when, r.language.native_name(), r.title.clone().or(r.target_role.clone()).unwrap_or_default());
                        let (status, writer) = (r.status, r.writer);
                        view! { <li><a href=format!("/resumes/{}", r.id)>{label}</a><span class="meta" data-status=status.code()>{move || st().status(status)} " · " {move || st().writer(writer)}</span></li> }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn HideForm(kind: &'static str, key: String, #[prop(optional)] show: bool) -> impl IntoView {
    let i18n = use_i18n();
    let label = key.clone();
    let action = ServerAction::<SetHidden>::new();
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="kind" value=kind />
            <input type="hidden" name="key" value=key />
            <input type="hidden" name="hide" value=if show { "false" } else { "true" } />
            <button class="link-button" type="submit" data-testid=if show { "show" } else { "hide" } aria-label=move || {
                let st = texts(i18n.lang());
                format!("{} {label}", if show { st.show } else { st.hide })
            }>
                {move || if show { texts(i18n.lang()).show } else { texts(i18n.lang()).hide }}
            </button>
        </ActionForm>
    }
}

#[component]
fn SkillItem(skill: Skill) -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    let is_language = skill.kind == SkillKind::Language;
    let width = format!("width: {:.0}%", skill.score.clamp(2.0, 100.0));
    let bytes = (is_language && skill.bytes > 0).then(|| human_bytes(skill.bytes));
    let span = format!("{}–{}", month(&skill.first_used), month(&skill.last_used));
    let n = skill.evidence.len();
    let count = skill.repo_count;
    view! {
        <li class="skill" data-testid="skill" data-skill=skill.id.clone()>
            <div class="skill-head">
                <strong class="skill-name">{skill.name.clone()}</strong>
                <span class="chip small">{move || if is_language { st().kind_language } else { st().kind_technology }}</span>
                <span class="score" title=format!("{:.0}", skill.score)><span class="bar" style=width></span></span>
                <HideForm kind="skill" key=skill.id.clone() />
            </div>
            <p class="meta">
                {bytes.map(|b| view! { <span data-testid="bytes">{b}</span> " · " })}
                {count} {move || st().in_repos} " · " {move || st().active} " " {span}
            </p>
            <details class="evidence">
                <summary data-testid="evidence-toggle">{move || st().evidence} " (" {n} ")"</summary>
                <ul class="evidence-list">
                    {skill.evidence.into_iter().map(|e| view! { <EvidenceItem e /> }).collect_view()}
                </ul>
            </details>
        </li>
    }
}

#[component]
fn EvidenceItem(e: Evidence) -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    view! {
        <li data-testid="evidence" data-repo=e.repository.clone()>
            <a class="receipt" href=e.url.clone() rel="noopener noreferrer">{e.repository.clone()}</a>
            <span class="meta">
                {e.bytes.map(|b| format!(" · {}", human_bytes(b)))}
                {(e.stars > 0).then(|| view! { " · ★ " {e.stars} })}
                {e.pushed_at.as_ref().map(|_| format!(" · {}", month(&e.pushed_at)))}
            </span>
            {e.manifests.into_iter().map(|m| view! {
                <span class="receipt-line">
                    {move || st().declared_in} " " <a href=m.url.clone() rel="noopener noreferrer">{m.path.clone()}</a> ": " {m.packages.join(", ")}
                </span>
            }).collect_view()}
            {(!e.topics.is_empty()).then(|| view! {
                <span class="receipt-line">{move || st().topic} ": " {e.topics.join(", ")}</span>
            })}
            {e.pull_requests.into_iter().map(|pr| view! {
                <span class="receipt-line">
                    {move || st().merged_pr} ": " <a href=pr.url.clone() rel="noopener noreferrer">{pr.title.clone()}</a>
                </span>
            }).collect_view()}
        </li>
    }
}

#[component]
fn RepoItem(repo: Repository) -> impl IntoView {
    let i18n = use_i18n();
    let st = move || texts(i18n.lang());
    let langs = repo.languages.iter().take(3).map(|l| l.name.clone()).collect::<Vec<_>>().join(", ");
    let unranked = repo.unranked_reason.is_some();
    view! {
        <li class="repo" class:unranked=unranked data-testid="repo" data-repo=repo.name_with_owner.clone()>
            <div class="repo-head">
                {repo.rank.map(|r| view! { <span class="rank">"#" {r}</span> })}
                <a class="repo-name" href=repo.url.clone() rel="noopener noreferrer">{repo.name_with_owner.clone()}</a>
                {repo.is_fork.then(|| view! { <span class="chip small">{move || st().fork}</span> })}
                {repo.is_archived.then(|| view! { <span class="chip small">{move || st().archived}</span> })}
                {repo.is_empty.then(|| view! { <span class="chip small">{move || st().empty_repo}</span> })}
                <span class="meta">"★ " {repo.stars}</span>
                <HideForm kind="repository" key=repo.name_with_owner.clone() />
            </div>
            {repo.description.clone().map(|d| view! { <p class="repo-desc">{d}</p> })}
            <p class="meta">
                {langs} {(!repo.technologies.is_empty()).then(|| format!(" · {}", repo.technologies.join(", ")))}
                " · " {month(&repo.pushed_at)}
                {repo.own_commits.filter(|n| *n > 0).map(|n| view! { " · " {n} " " {move || st().own_commits} })}
            </p>
            {(repo.is_fork && unranked && !repo.is_empty).then(|| view! { <p class="meta">{move || st().fork_no_commits}</p> })}
            {repo.manifests.iter().filter(|m| m.error.is_some()).map(|m| view! {
                <p class="meta manifest-error" data-testid="manifest-error">{m.path.clone()} ": " {move || st().manifest_error} " (" {m.error.clone()} ")"</p>
            }).collect_view()}
            {repo.readme_excerpt.clone().map(|r| view! { <p class="readme" data-testid="readme">{r}</p> })}
        </li>
    }
}

/// The running import: what it has read so far. Hydrated, it follows the
/// job's server-sent events and reloads the page when the import is done;
/// without JavaScript, "Check status" reloads it.
#[island]
fn ImportPanel(job: JobView) -> impl IntoView {
    let i18n = use_i18n();
    let job = RwSignal::new(job);
    #[cfg(feature = "hydrate")]
    crate::platform::jobs::follow_job(
        crate::platform::jobs::events_url(&job.with_untracked(|j| j.id.clone())),
        move |v| job.set(v),
    );
    let progress = move || {
        job.with(|j| {
            j.progress.clone().and_then(|p| serde_json::from_value::<ImportProgress>(p).ok()).unwrap_or_default()
        })
    };
    let stage = move || {
        let st = texts(i18n.lang());
        let p = progress();
        if let Some(until) = p.resumes_at.clone().filter(|_| job.with(|j| j.status == JobStatus::Queued)) {
            return format!("{} {}", st.paused_until, clock(&until, i18n.lang()));
        }
        match p.stage.as_str() {
            "repositories" => st.stage_repositories,
            "forks" => st.stage_forks,
            "files" => st.stage_files,
            "analysing" => st.stage_analysing,
            "saving" => st.stage_saving,
            _ => st.stage_queued,
        }
        .to_string()
    };
    let st = move || texts(i18n.lang());
    view! {
        <section class="card import-panel" aria-live="polite" data-testid="import-progress">
            <p class="stage" data-testid="import-stage"><span class="spinner" aria-hidden="true"></span> {stage}</p>
            <dl class="counters">
                <div><dt>{move || st().repositories_read}</dt><dd data-testid="count-repositories">{move || {
                    let p = progress();
                    if p.repositories_total > 0 { format!("{} / {}", p.repositories_read, p.repositories_total) } else { p.repositories_read.to_string() }
                }}</dd></div>
                <div><dt>{move || st().languages}</dt><dd>{move || progress().languages}</dd></div>
                <div><dt>{move || st().manifests}</dt><dd>{move || progress().manifests}</dd></div>
                <div><dt>{move || st().pull_requests}</dt><dd>{move || progress().pull_requests}</dd></div>
                <div><dt>{move || st().requests}</dt><dd>{move || progress().requests}</dd></div>
            </dl>
            <a href="/skills" class="link-button">{move || st().check_again}</a>
        </section>
    }
}
