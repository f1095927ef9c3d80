//! Text from GitHub (descriptions, README files) is written by anyone. It is
//! kept as plain, bounded text: markup and control characters are removed
//! here, the page escapes it on output, and prompts quote it as data.

/// Plain text of at most `max` characters: HTML comments, tags and the
/// contents of `<script>`/`<style>` removed, Markdown images, link targets
/// and emphasis markers dropped, control characters and runs of
/// whitespace collapsed. Cut at a word boundary with "…" when longer.
pub fn plain_excerpt(input: &str, max: usize) -> Option<String> {
    let mut s = strip_html(input);
    s = strip_markdown(&s);
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let collapsed: String = collapsed.chars().filter(|c| !c.is_control()).collect();
    if collapsed.is_empty() {
        return None;
    }
    Some(truncate(&collapsed, max))
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

fn strip_html(input: &str) -> String {
    let lower = input.to_ascii_lowercase();
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    let bytes = input.as_bytes();
    while i < input.len() {
        let rest = &lower[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map(|j| j + 3).unwrap_or(rest.len());
            continue;
        }
        if let Some(tag) = ["<script", "<style"].iter().find(|t| rest.starts_with(**t)) {
            let close = if *tag == "<script" { "</script" } else { "</style" };
            let end = rest.find(close).map(|j| j + close.len()).unwrap_or(rest.len());
            let after = &rest[end..];
            i += end + after.find('>').map(|j| j + 1).unwrap_or(0);
            continue;
        }
        if bytes[i] == b'<' {
            // A tag is `<` followed by a letter, `/` or `!`; a lone `<` is text.
            let next = lower[i + 1..].chars().next();
            if matches!(next, Some(c) if c.is_ascii_alphabetic() || c == '/' || c == '!') {
                match rest.find('>') {
                    Some(j) => {
                        i += j + 1;
                        out.push(' ');
                        continue;
                    }
                    None => break,
                }
            }
        }
        let ch = input[i..].chars().next().expect("in bounds");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn strip_markdown(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for line in input.lines() {
        let t = line.trim_start();
        // Badges and images say nothing; fences and rules are noise.
        if t.starts_with("![") || t.starts_with("[![") || t.starts_with("```") || t.starts_with("---") {
            continue;
        }
        let t = t.trim_start_matches(['#', '>', '*', '-', '|']).trim_start();
        let mut line_out = String::with_capacity(t.len());
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                // [text](target) → text
                ']' if chars.peek() == Some(&'(') => {
                    for d in chars.by_ref() {
                        if d == ')' {
                            break;
                        }
                    }
                }
                '[' | '*' | '`' | '|' => {}
                _ => line_out.push(c),
            }
        }
        out.push_str(&line_out);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_tags_and_comments_are_gone() {
        let readme = "# Demo\n<script>alert('x')</script><img src=x onerror=alert(1)>Hello <b>world</b><!-- hidden -->";
        assert_eq!(plain_excerpt(readme, 100).unwrap(), "Demo Hello world");
    }

    #[test]
    fn markdown_keeps_the_words() {
        let readme =
            "[![CI](https://x/badge.svg)](https://x)\n## 소개\nA **fast** [web server](https://example.com) in `Rust`.";
        assert_eq!(plain_excerpt(readme, 100).unwrap(), "소개 A fast web server in Rust.");
    }

    #[test]
    fn long_text_is_cut_at_a_word_with_an_ellipsis() {
        let s = plain_excerpt(&"word ".repeat(100), 30).unwrap();
        assert!(s.chars().count() <= 30, "{s}");
        assert!(s.ends_with("word…"), "{s}");
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        assert_eq!(plain_excerpt("a < b and c > d", 50).unwrap(), "a < b and c > d");
        assert_eq!(plain_excerpt("   ", 50), None);
    }
}
