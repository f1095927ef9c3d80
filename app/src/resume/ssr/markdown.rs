//! A résumé as Markdown: every section the document has, in JSON Resume's
//! order, with each line's receipts as links. Text from the document is
//! escaped so it reads as written (no accidental emphasis, links or HTML).

use serde_json::Value;
use std::fmt::Write;

/// Escape Markdown's active characters in free text (a link needs `[`, so
/// parentheses stay as written), and a leading block marker.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.starts_with(['#', '-', '+', '=']) {
        out.push('\\');
    }
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A link only for http(s) addresses; anything else is shown as text.
fn link(label: &str, url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        let url = url.replace(' ', "%20").replace('(', "%28").replace(')', "%29").replace('>', "%3E");
        format!("[{}](<{url}>)", escape(label))
    } else {
        escape(label)
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v[key].as_str().map(str::trim).filter(|t| !t.is_empty())
}

fn receipts(list: &Value) -> String {
    let links: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some(link(r["label"].as_str()?, r["url"].as_str()?)))
        .collect();
    if links.is_empty() {
        String::new()
    } else {
        format!(" — {}", links.join(", "))
    }
}

fn dates(item: &Value) -> Option<String> {
    match (s(item, "startDate"), s(item, "endDate").or(s(item, "date")).or(s(item, "releaseDate"))) {
        (Some(a), Some(b)) if a != b => Some(format!("{a} – {b}")),
        (Some(a), _) => Some(a.to_string()),
        (None, Some(b)) => Some(b.to_string()),
        _ => None,
    }
}

/// The section headings, in the document's language.
fn heading(section: &str, ko: bool) -> &'static str {
    match (section, ko) {
        ("summary", true) => "소개",
        ("summary", false) => "Summary",
        ("work", true) => "경력",
        ("work", false) => "Work",
        ("volunteer", true) => "봉사",
        ("volunteer", false) => "Volunteer",
        ("education", true) => "학력",
        ("education", false) => "Education",
        ("awards", true) => "수상",
        ("awards", false) => "Awards",
        ("certificates", true) => "자격증",
        ("certificates", false) => "Certificates",
        ("publications", true) => "출판",
        ("publications", false) => "Publications",
        ("skills", true) => "기술",
        ("skills", false) => "Skills",
        ("languages", true) => "언어",
        ("languages", false) => "Languages",
        ("interests", true) => "관심사",
        ("interests", false) => "Interests",
        ("references", true) => "추천",
        ("references", false) => "References",
        ("projects", true) => "프로젝트",
        ("projects", false) => "Projects",
        _ => "",
    }
}

/// Items of the list sections: title line, dates, text, highlights with
/// their receipts.
fn items(out: &mut String, section: &str, list: &[Value]) {
    for item in list {
        let title = ["name", "position", "institution", "organization", "title", "language", "reference"]
            .iter()
            .find_map(|k| s(item, k))
            .unwrap_or_default();
        let title = match s(item, "url").or(s(item, "website")) {
            Some(u) => link(title, u),
            None => escape(title),
        };
        let mut line = format!("### {title}");
        for k in ["position", "company", "studyType", "area", "awarder", "issuer", "publisher", "fluency", "level"] {
            if let Some(v) = s(item, k).filter(|v| !title.contains(&escape(v))) {
                let _ = write!(line, " · {}", escape(v));
            }
        }
        out.push_str(&line);
        out.push_str("\n\n");
        if let Some(d) = dates(item) {
            let _ = writeln!(out, "*{}*\n", escape(&d));
        }
        for k in ["description", "summary"] {
            if let Some(text) = s(item, k) {
                let _ = writeln!(
                    out,
                    "{}{}\n",
                    escape(text),
                    if k == "description" { receipts(&item["x-evidence"]) } else { String::new() }
                );
            }
        }
        let evidence = item["x-highlight-evidence"].as_array();
        let highlights: Vec<&str> =
            item["highlights"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for (i, h) in highlights.iter().enumerate() {
            let r = evidence.and_then(|e| e.get(i)).map(receipts).unwrap_or_default();
            let _ = writeln!(out, "- {}{r}", escape(h));
        }
        let keywords: Vec<&str> = item["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if !keywords.is_empty() && section != "skills" {
            let _ = writeln!(out, "- {}", escape(&keywords.join(", ")));
        }
        if !highlights.is_empty() || (!keywords.is_empty() && section != "skills") {
            out.push('\n');
        }
    }
}

/// The whole document as Markdown.
pub fn render(doc: &Value) -> String {
    let doc = &crate::resume::types::visible(doc);
    let ko = doc["meta"]["x-proofolio"]["language"].as_str() == Some("ko");
    let b = &doc["basics"];
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(s(b, "name").unwrap_or("Résumé")));
    if let Some(label) = s(b, "label") {
        let _ = writeln!(out, "**{}**\n", escape(label));
    }
    let mut contact: Vec<String> = Vec::new();
    if let Some(e) = s(b, "email") {
        contact.push(escape(e));
    }
    if let Some(p) = s(b, "phone") {
        contact.push(escape(p));
    }
    if let Some(u) = s(b, "url") {
        contact.push(link(u, u));
    }
    if let Some(city) = s(&b["location"], "city") {
        contact.push(escape(city));
    }
    for p in b["profiles"].as_array().into_iter().flatten() {
        if let Some(u) = s(p, "url") {
            contact.push(link(s(p, "network").unwrap_or(u), u));
        }
    }
    if !contact.is_empty() {
        let _ = writeln!(out, "{}\n", contact.join(" · "));
    }
    if let Some(summary) = s(b, "summary") {
        let _ = writeln!(out, "## {}\n\n{}\n", heading("summary", ko), escape(summary));
    }
    for section in [
        "work",
        "projects",
        "skills",
        "education",
        "volunteer",
        "awards",
        "certificates",
        "publications",
        "languages",
        "interests",
        "references",
    ] {
        let Some(list) = doc[section].as_array().filter(|l| !l.is_empty()) else { continue };
        let _ = writeln!(out, "## {}\n", heading(section, ko));
        if section == "skills" {
            for g in list {
                let keywords: Vec<&str> =
                    g["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let _ = writeln!(
                    out,
                    "- **{}**: {}{}",
                    escape(s(g, "name").unwrap_or_default()),
                    escape(&keywords.join(", ")),
                    receipts(&g["x-evidence"])
                );
            }
            out.push('\n');
        } else {
            items(&mut out, section, list);
        }
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_section_and_receipt_is_there_and_text_stays_text() {
        let doc = json!({
            "basics": { "name": "김옥토 *bold*", "label": "백엔드 엔지니어", "summary": "Rust로 [서비스](javascript:alert(1))를 만듭니다.",
                        "profiles": [{ "network": "GitHub", "url": "https://github.com/octocat" }] },
            "work": [{ "name": "tokio-rs/axum", "position": "기여자", "startDate": "2025-01",
                       "highlights": ["라우터 버그 수정"], "x-highlight-evidence": [[{ "label": "PR #1", "url": "https://github.com/tokio-rs/axum/pull/1" }]] }],
            "projects": [{ "name": "proofolio", "url": "https://github.com/octocat/proofolio", "highlights": ["<script>x</script>"] }],
            "skills": [{ "name": "언어", "keywords": ["Rust", "Go"], "x-evidence": [{ "label": "octocat/proofolio", "url": "https://github.com/octocat/proofolio" }] }],
            "education": [{ "institution": "서울대학교", "area": "컴퓨터공학", "studyType": "학사" }],
            "meta": { "x-proofolio": { "language": "ko" } }
        });
        let md = render(&doc);
        for want in [
            "# 김옥토 \\*bold\\*",
            "## 소개",
            "## 경력",
            "## 프로젝트",
            "## 기술",
            "## 학력",
            "라우터 버그 수정 — [PR #1](<https://github.com/tokio-rs/axum/pull/1>)",
            "- **언어**: Rust, Go — [octocat/proofolio](<https://github.com/octocat/proofolio>)",
            "\\<script\\>x\\</script\\>",
            "\\[서비스\\](javascript:alert(1))",
        ] {
            assert!(md.contains(want), "missing {want:?} in\n{md}");
        }
        assert!(!md.replace("\\]", "").contains("](javascript"), "no unescaped link: {md}");
        assert_eq!(link("x", "javascript:alert(1)"), "x");
    }
}
