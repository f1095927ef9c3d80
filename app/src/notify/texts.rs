//! Notifications' words, in every language.

use crate::platform::i18n::Lang;

pub struct NotifyText {
    /// The header link's label.
    pub nav: &'static str,
    /// `{n}` unread, for screen readers.
    pub unread_label: &'static str,
    pub title: &'static str,
    pub lead: &'static str,
    pub none: &'static str,
    pub sign_in: &'static str,
    /// "{actor}" + this: someone liked my résumé.
    pub liked: &'static str,
    pub commented: &'static str,
    pub replied: &'static str,
    pub on: &'static str,
    pub unread: &'static str,
    pub mark_read: &'static str,
    pub mark_all_read: &'static str,
    pub mute: &'static str,
    pub unmute: &'static str,
    pub muted: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
}

static KO: NotifyText = NotifyText {
    nav: "알림",
    unread_label: "읽지 않은 알림",
    title: "알림",
    lead: "내 이력서에 달린 좋아요와 의견, 내 의견에 달린 답글입니다.",
    none: "아직 알림이 없습니다.",
    sign_in: "로그인하면 알림을 볼 수 있습니다.",
    liked: "님이 이력서를 좋아합니다",
    commented: "님이 이력서에 의견을 남겼습니다",
    replied: "님이 내 의견에 답글을 달았습니다",
    on: "이력서",
    unread: "새 알림",
    mark_read: "읽음",
    mark_all_read: "모두 읽음으로 표시",
    mute: "이 이력서 알림 끄기",
    unmute: "이 이력서 알림 켜기",
    muted: "알림 꺼짐",
    older: "이전 알림",
    newest: "최신 알림으로",
};

static EN: NotifyText = NotifyText {
    nav: "Notifications",
    unread_label: "unread notifications",
    title: "Notifications",
    lead: "Likes and comments on your résumés, and replies to your comments.",
    none: "No notifications yet.",
    sign_in: "Sign in to see your notifications.",
    liked: " liked your résumé",
    commented: " commented on your résumé",
    replied: " replied to your comment",
    on: "Résumé",
    unread: "new",
    mark_read: "Mark read",
    mark_all_read: "Mark all as read",
    mute: "Mute this résumé",
    unmute: "Unmute this résumé",
    muted: "muted",
    older: "Older",
    newest: "Back to the newest",
};

pub fn texts(lang: Lang) -> &'static NotifyText {
    lang.pick(&KO, &EN)
}
