//! Words of the "My skills" and preview pages, in Korean and English.

use crate::platform::i18n::Lang;

pub struct SkillsText {
    pub title: &'static str,
    pub lead: &'static str,
    pub import: &'static str,
    pub refresh: &'static str,
    pub importing: &'static str,
    pub not_linked: &'static str,
    pub link_github: &'static str,
    pub sample_badge: &'static str,
    pub sample_note: &'static str,
    pub empty: &'static str,
    pub stage_repositories: &'static str,
    pub stage_forks: &'static str,
    pub stage_files: &'static str,
    pub stage_analysing: &'static str,
    pub stage_saving: &'static str,
    pub stage_queued: &'static str,
    pub repositories_read: &'static str,
    pub languages: &'static str,
    pub manifests: &'static str,
    pub pull_requests: &'static str,
    pub requests: &'static str,
    pub paused_until: &'static str,
    pub check_again: &'static str,
    pub status_generating: &'static str,
    pub status_ready: &'static str,
    pub status_failed: &'static str,
    pub writer_llm: &'static str,
    pub writer_deterministic: &'static str,
    pub failed: &'static str,
    pub skills_title: &'static str,
    pub repos_title: &'static str,
    pub contributions_title: &'static str,
    pub hidden_title: &'static str,
    pub hide: &'static str,
    pub show: &'static str,
    pub evidence: &'static str,
    pub in_repos: &'static str,
    pub kind_language: &'static str,
    pub kind_technology: &'static str,
    pub active: &'static str,
    pub stars: &'static str,
    pub declared_in: &'static str,
    pub topic: &'static str,
    pub merged_pr: &'static str,
    pub fork: &'static str,
    pub archived: &'static str,
    pub empty_repo: &'static str,
    pub contributed: &'static str,
    pub fork_no_commits: &'static str,
    pub own_commits: &'static str,
    pub manifest_error: &'static str,
    pub imported: &'static str,
    pub github_requests: &'static str,
    pub contributions_year: &'static str,
    pub preview_title: &'static str,
    pub preview_lead: &'static str,
    pub preview_label: &'static str,
    pub preview_button: &'static str,
    pub preview_not_found: &'static str,
    pub preview_invalid: &'static str,
    pub preview_too_many: &'static str,
    pub preview_unavailable: &'static str,
    pub preview_repos: &'static str,
    pub preview_cta: &'static str,
    pub preview_topics: &'static str,
    pub public_repos: &'static str,
    pub followers: &'static str,
    pub nav_skills: &'static str,
    pub generate_title: &'static str,
    pub generate_lead: &'static str,
    pub resume_language: &'static str,
    pub target_role: &'static str,
    pub target_role_example: &'static str,
    pub generate: &'static str,
    pub my_resumes: &'static str,
}

pub static KO: SkillsText = SkillsText {
    title: "내 기술",
    lead: "GitHub에 남긴 작업에서 찾은 기술입니다. 모든 항목에 근거가 붙어 있습니다.",
    import: "GitHub에서 가져오기",
    refresh: "다시 가져오기",
    importing: "가져오는 중…",
    not_linked: "GitHub 계정을 연결하면 저장소에서 기술을 찾아 드립니다.",
    link_github: "계정 설정에서 GitHub 연결하기",
    sample_badge: "샘플",
    sample_note: "데모 계정의 샘플 GitHub 프로필입니다. 실제 사람의 데이터가 아닙니다.",
    empty: "아직 가져온 프로필이 없습니다.",
    stage_repositories: "저장소를 읽는 중",
    stage_forks: "포크에서 내 커밋을 확인하는 중",
    stage_files: "프로젝트 파일을 읽는 중",
    stage_analysing: "기술을 찾는 중",
    stage_saving: "저장하는 중",
    stage_queued: "대기 중",
    repositories_read: "저장소",
    languages: "언어",
    manifests: "의존성 파일",
    pull_requests: "병합된 PR",
    requests: "GitHub 요청",
    paused_until: "GitHub 요청 한도에 도달해 잠시 멈췄습니다. 다시 시작 시각:",
    check_again: "상태 새로 고침",
    status_generating: "작성 중",
    status_ready: "완성",
    status_failed: "실패",
    writer_llm: "LLM 작성",
    writer_deterministic: "규칙 기반 작성",
    failed: "가져오기에 실패했습니다:",
    skills_title: "기술",
    repos_title: "대표 저장소",
    contributions_title: "다른 프로젝트에 기여",
    hidden_title: "숨긴 항목",
    hide: "숨기기",
    show: "다시 보이기",
    evidence: "근거 보기",
    in_repos: "개 저장소",
    kind_language: "언어",
    kind_technology: "기술",
    active: "활동",
    stars: "스타",
    declared_in: "선언 위치",
    topic: "토픽",
    merged_pr: "병합된 PR",
    fork: "포크",
    archived: "보관됨",
    empty_repo: "빈 저장소",
    contributed: "기여한 저장소",
    fork_no_commits: "내 커밋이 없는 포크라 순위에서 제외",
    own_commits: "내 커밋",
    manifest_error: "읽을 수 없음",
    imported: "가져온 시각",
    github_requests: "GitHub 요청",
    contributions_year: "최근 1년 기여",
    preview_title: "GitHub 프로필 미리 보기",
    preview_lead: "로그인 없이 공개 GitHub 계정이 어떻게 보이는지 확인해 보세요.",
    preview_label: "GitHub 사용자 이름",
    preview_button: "미리 보기",
    preview_not_found: "그런 GitHub 사용자가 없습니다.",
    preview_invalid: "GitHub 사용자 이름은 영문, 숫자, 하이픈(-)으로 39자 이내입니다.",
    preview_too_many: "미리 보기를 너무 자주 요청했습니다. 잠시 후 다시 시도해 주세요.",
    preview_unavailable: "GitHub에 연결하지 못했습니다. 잠시 후 다시 시도해 주세요.",
    preview_repos: "대표 저장소",
    preview_cta: "로그인하고 근거가 붙은 전체 프로필 만들기",
    preview_topics: "토픽에서 찾은 기술",
    public_repos: "공개 저장소",
    followers: "팔로워",
    nav_skills: "내 기술",
    generate_title: "이력서 만들기",
    generate_lead: "이 프로필로 근거가 붙은 이력서를 씁니다.",
    resume_language: "이력서 언어",
    target_role: "목표 직무 (선택)",
    target_role_example: "백엔드 엔지니어",
    generate: "이력서 생성",
    my_resumes: "내 이력서",
};

pub static EN: SkillsText = SkillsText {
    title: "My skills",
    lead: "Skills found in your GitHub work. Every one carries its evidence.",
    import: "Import from GitHub",
    refresh: "Refresh",
    importing: "Importing…",
    not_linked: "Link your GitHub account and Proofolio finds your skills in your repositories.",
    link_github: "Link GitHub in account settings",
    sample_badge: "Sample",
    sample_note: "This is the demo account's sample GitHub profile, not a real person's data.",
    empty: "No profile imported yet.",
    stage_repositories: "Reading repositories",
    stage_forks: "Checking forks for your commits",
    stage_files: "Reading project files",
    stage_analysing: "Finding your skills",
    stage_saving: "Saving",
    stage_queued: "Waiting",
    repositories_read: "Repositories",
    languages: "Languages",
    manifests: "Manifests",
    pull_requests: "Merged PRs",
    requests: "GitHub requests",
    paused_until: "Paused by GitHub's rate limit. Resumes at",
    check_again: "Check status",
    status_generating: "writing",
    status_ready: "ready",
    status_failed: "failed",
    writer_llm: "written by an LLM",
    writer_deterministic: "rule-based",
    failed: "The import failed:",
    skills_title: "Skills",
    repos_title: "Top repositories",
    contributions_title: "Contributions to other projects",
    hidden_title: "Hidden",
    hide: "Hide",
    show: "Show again",
    evidence: "Evidence",
    in_repos: " repositories",
    kind_language: "Language",
    kind_technology: "Technology",
    active: "Active",
    stars: "stars",
    declared_in: "Declared in",
    topic: "Topic",
    merged_pr: "Merged PR",
    fork: "Fork",
    archived: "Archived",
    empty_repo: "Empty",
    contributed: "Contributed",
    fork_no_commits: "Fork without your commits, not ranked",
    own_commits: "your commits",
    manifest_error: "unreadable",
    imported: "Imported",
    github_requests: "GitHub requests",
    contributions_year: "Contributions in the last year",
    preview_title: "Preview a GitHub profile",
    preview_lead: "See what Proofolio makes of a public GitHub account, no sign-in needed.",
    preview_label: "GitHub username",
    preview_button: "Preview",
    preview_not_found: "There is no GitHub user by that name.",
    preview_invalid: "GitHub usernames are up to 39 letters, digits and hyphens.",
    preview_too_many: "Too many previews; please wait a moment.",
    preview_unavailable: "GitHub could not be reached. Please try again shortly.",
    preview_repos: "Top repositories",
    preview_cta: "Sign in for the full profile with evidence",
    preview_topics: "Technologies from topics",
    public_repos: "public repositories",
    followers: "followers",
    nav_skills: "My skills",
    generate_title: "Write a résumé",
    generate_lead: "An evidence-linked résumé from this profile.",
    resume_language: "Résumé language",
    target_role: "Target role (optional)",
    target_role_example: "backend engineer",
    generate: "Generate résumé",
    my_resumes: "My résumés",
};

pub fn texts(lang: Lang) -> &'static SkillsText {
    lang.pick(&KO, &EN)
}

/// `2026-11-01T10:00:00Z` → `2026-11` (month precision is what people read).
pub fn month(ts: &Option<String>) -> String {
    ts.as_deref().map(|t| t.chars().take(7).collect()).unwrap_or_default()
}

/// An RFC 3339 time as a wall-clock time for the reader: Korean readers get
/// KST, others UTC (the page cannot know the browser's zone when rendered).
pub fn clock(ts: &str, lang: Lang) -> String {
    let Some(time) = ts.get(11..16) else { return ts.to_string() };
    let (h, m) = (time[..2].parse::<u32>().unwrap_or(0), &time[3..5]);
    match lang {
        Lang::Ko => format!("{:02}:{m} (KST)", (h + 9) % 24),
        Lang::En => format!("{h:02}:{m} UTC"),
    }
}

impl SkillsText {
    pub fn status(&self, s: crate::resume::types::ResumeStatus) -> &'static str {
        use crate::resume::types::ResumeStatus::*;
        match s {
            Generating => self.status_generating,
            Ready => self.status_ready,
            Failed => self.status_failed,
        }
    }

    pub fn writer(&self, w: crate::resume::types::WriterKind) -> &'static str {
        use crate::resume::types::WriterKind::*;
        match w {
            Llm => self.writer_llm,
            Deterministic => self.writer_deterministic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_the_readers_zone() {
        assert_eq!(clock("2026-11-22T05:05:00+00:00", Lang::Ko), "14:05 (KST)");
        assert_eq!(clock("2026-11-22T20:30:00Z", Lang::Ko), "05:30 (KST)");
        assert_eq!(clock("2026-11-22T05:05:00Z", Lang::En), "05:05 UTC");
        assert_eq!(month(&Some("2026-11-01T10:00:00Z".into())), "2026-11");
    }
}
