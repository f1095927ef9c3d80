//! The résumé pages' words, in every language.

use crate::platform::i18n::Lang;

pub struct ResumeText {
    pub title: &'static str,
    pub writing: &'static str,
    pub failed: &'static str,
    pub download: &'static str,
    pub download_md: &'static str,
    pub download_pdf: &'static str,
    pub regenerate: &'static str,
    pub deterministic: &'static str,
    pub imported: &'static str,
    pub model: &'static str,
    pub tokens: &'static str,
    pub cost: &'static str,
    pub calls: &'static str,
    pub not_found: &'static str,
    pub summary: &'static str,
    pub skills: &'static str,
    pub projects: &'static str,
    pub work: &'static str,
    pub check_again: &'static str,
    pub back: &'static str,
    pub sample: &'static str,
}

static KO: ResumeText = ResumeText {
    title: "이력서",
    writing: "작성하는 중… 완성된 섹션부터 나타납니다.",
    failed: "작성하지 못했습니다:",
    download: "JSON Resume 내려받기",
    download_md: "Markdown 내려받기",
    download_pdf: "PDF 내려받기",
    regenerate: "이 섹션 다시 쓰기",
    deterministic: "LLM 없이 프로필 사실만으로 자동 작성한 이력서입니다.",
    imported: "JSON Resume 파일에서 가져온 이력서입니다. 줄마다 근거는 아직 없습니다.",
    model: "모델",
    tokens: "토큰",
    cost: "예상 비용",
    calls: "회 호출",
    not_found: "이력서를 찾을 수 없습니다.",
    summary: "소개",
    skills: "기술",
    projects: "프로젝트",
    work: "오픈소스 기여",
    check_again: "상태 새로 고침",
    back: "내 기술로 돌아가기",
    sample: "샘플 프로필로 만든 이력서입니다.",
};

static EN: ResumeText = ResumeText {
    title: "Résumé",
    writing: "Writing… sections appear as they are finished.",
    failed: "It could not be written:",
    download: "Download JSON Resume",
    download_md: "Download Markdown",
    download_pdf: "Download PDF",
    regenerate: "Regenerate this section",
    deterministic: "Written without an LLM, from the facts of your profile only.",
    imported: "Imported from a JSON Resume file; its lines have no receipts yet.",
    model: "Model",
    tokens: "Tokens",
    cost: "Estimated cost",
    calls: " call(s)",
    not_found: "No such résumé.",
    summary: "Summary",
    skills: "Skills",
    projects: "Projects",
    work: "Open-source contributions",
    check_again: "Check status",
    back: "Back to My skills",
    sample: "Written from the sample profile.",
};

pub fn texts(lang: Lang) -> &'static ResumeText {
    lang.pick(&KO, &EN)
}
