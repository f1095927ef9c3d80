//! The gallery's words, in every language.

use super::types::Sort;
use crate::platform::i18n::Lang;

pub struct GalleryText {
    pub nav: &'static str,
    pub title: &'static str,
    pub lead: &'static str,
    pub sort_label: &'static str,
    pub trending: &'static str,
    pub views: &'static str,
    pub likes: &'static str,
    pub newest: &'static str,
    pub filters: &'static str,
    pub skill: &'static str,
    pub skill_placeholder: &'static str,
    pub role: &'static str,
    pub any_role: &'static str,
    pub show: &'static str,
    pub clear: &'static str,
    pub filtered_by: &'static str,
    pub empty: &'static str,
    pub empty_filtered: &'static str,
    pub next: &'static str,
    pub first: &'static str,
    pub bad_cursor: &'static str,
    pub bad_query: &'static str,
    pub unnamed: &'static str,
    pub views_n: &'static str,
    pub likes_n: &'static str,
    pub comments_n: &'static str,
    pub skills_label: &'static str,
    pub share_hint: &'static str,
}

static KO: GalleryText = GalleryText {
    nav: "갤러리",
    title: "이력서 갤러리",
    lead: "전체 공개로 공유된 이력서입니다. 모든 줄에 근거가 있습니다. 기술과 직군으로 찾아보세요.",
    sort_label: "정렬",
    trending: "인기",
    views: "조회 많은 순",
    likes: "좋아요 많은 순",
    newest: "최신",
    filters: "찾기",
    skill: "기술",
    skill_placeholder: "예: React, 쿠버네티스, Rust",
    role: "직군",
    any_role: "전체 직군",
    show: "보기",
    clear: "조건 지우기",
    filtered_by: "조건",
    empty: "아직 전체 공개된 이력서가 없습니다.",
    empty_filtered: "이 조건에 맞는 공개 이력서가 없습니다.",
    next: "다음 페이지",
    first: "처음으로",
    bad_cursor: "이 페이지 주소가 올바르지 않습니다. 처음부터 다시 보세요.",
    bad_query: "찾기 조건이 올바르지 않습니다.",
    unnamed: "이름 없는 이력서",
    views_n: "조회",
    likes_n: "좋아요",
    comments_n: "의견",
    skills_label: "주요 기술",
    share_hint: "내 이력서를 여기에 올리려면 이력서 화면의 '공유'에서 '전체 공개'를 고르세요.",
};

static EN: GalleryText = GalleryText {
    nav: "Gallery",
    title: "Résumé gallery",
    lead: "Résumés shared publicly, every line with its receipts. Find them by skill and by role.",
    sort_label: "Sort",
    trending: "Trending",
    views: "Most viewed",
    likes: "Most liked",
    newest: "Newest",
    filters: "Find",
    skill: "Skill",
    skill_placeholder: "e.g. React, Kubernetes, Rust",
    role: "Role",
    any_role: "Any role",
    show: "Show",
    clear: "Clear filters",
    filtered_by: "Filtered by",
    empty: "No résumé has been shared publicly yet.",
    empty_filtered: "No public résumé matches these filters.",
    next: "Next page",
    first: "First page",
    bad_cursor: "This page's address is not valid. Start again from the first page.",
    bad_query: "These filters are not valid.",
    unnamed: "Unnamed résumé",
    views_n: "views",
    likes_n: "likes",
    comments_n: "comments",
    skills_label: "Top skills",
    share_hint: "To list your résumé here, choose 'Public' under 'Sharing' on your résumé's page.",
};

pub fn texts(lang: Lang) -> &'static GalleryText {
    lang.pick(&KO, &EN)
}

/// A sort's tab label.
pub fn sort_name(lang: Lang, sort: Sort) -> &'static str {
    let t = texts(lang);
    match sort {
        Sort::Trending => t.trending,
        Sort::Views => t.views,
        Sort::Likes => t.likes,
        Sort::Newest => t.newest,
    }
}
