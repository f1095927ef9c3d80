//! Posting text from HTML: what a reader of the page would see, as plain
//! text, lines kept where blocks and list items end (section cues such as
//! "Requirements" or "자격요건" and one requirement per line matter to the
//! extractor). Scripts, styles and comments go with their contents; the
//! result is data, never markup, and nothing of it is ever rendered as
//! HTML.

/// Named character references seen in job boards' and feeds' HTML (the
/// XML five, the Latin-1 punctuation and letters that turn up in English,
/// French and German text, and typographic quotes and dashes). Anything
/// else named is kept as written.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200c}'),
    ("zwj", '\u{200d}'),
    ("shy", '\u{ad}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("bull", '•'),
    ("middot", '·'),
    ("prime", '′'),
    ("Prime", '″'),
    ("trade", '™'),
    ("reg", '®'),
    ("copy", '©'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("times", '×'),
    ("divide", '÷'),
    ("euro", '€'),
    ("pound", '£'),
    ("yen", '¥'),
    ("cent", '¢'),
    ("sect", '§'),
    ("para", '¶'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("rarr", '→'),
    ("larr", '←'),
    ("harr", '↔'),
    ("uarr", '↑'),
    ("darr", '↓'),
    ("check", '✓'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("auml", 'ä'),
    ("aring", 'å'),
    ("ccedil", 'ç'),
    ("egrave", 'è'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("euml", 'ë'),
    ("iacute", 'í'),
    ("icirc", 'î'),
    ("iuml", 'ï'),
    ("ntilde", 'ñ'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("ouml", 'ö'),
    ("oslash", 'ø'),
    ("uacute", 'ú'),
    ("ucirc", 'û'),
    ("uuml", 'ü'),
    ("szlig", 'ß'),
    ("Auml", 'Ä'),
    ("Ouml", 'Ö'),
    ("Uuml", 'Ü'),
    ("Eacute", 'É'),
];

/// Decode character references (`&amp;`, `&#39;`, `&#x1F600;`). A
/// reference that is unknown or names no character (`&#0;`, a surrogate)
/// is kept as written; a bare `&` is text.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // The longest reference we know is short; look no further than 32.
        let end = rest.char_indices().take(34).find(|&(_, c)| c == ';').map(|(j, _)| j);
        let decoded = end.and_then(|j| reference(&rest[1..j]).map(|c| (c, j)));
        match decoded {
            Some((c, j)) => {
                out.push(c);
                rest = &rest[j + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn reference(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
}

/// Elements whose end (or start) breaks a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &["script", "style", "template", "noscript", "iframe", "object", "svg", "head", "title"];

/// Whether a text has any tag in it (`<` then a letter, `/` or `!`).
fn has_tags(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Text between tags: references decoded, and any run of white space (line
/// breaks in the source included, as browsers treat them) one space.
fn push_text(out: &mut String, raw: &str) {
    let decoded = decode_entities(raw);
    let mut space = false;
    for c in decoded.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
}

/// The plain text of an HTML fragment: tags removed (block elements and
/// list items become line breaks, `<li>` a "- " item), the contents of
/// scripts, styles and the like dropped, comments dropped, references
/// decoded, one line per block, no blank lines. Text with no tags at all
/// comes back with only its spacing tidied (its line breaks kept).
pub fn html_to_text(input: &str) -> String {
    if !has_tags(input) {
        return tidy(&decode_entities(input));
    }
    let mut out = String::with_capacity(input.len());
    let bytes = input.as_bytes();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        // A tag is `<` followed by a letter, `/`, `!` or `?`; a lone `<`
        // ("a < b") is text.
        let next = bytes.get(i + 1).copied();
        if !matches!(next, Some(c) if c.is_ascii_alphabetic() || c == b'/' || c == b'!' || c == b'?') {
            i += 1;
            continue;
        }
        push_text(&mut out, &input[text_start..i]);
        if input[i..].starts_with("<!--") {
            i = input[i..].find("-->").map_or(bytes.len(), |j| i + j + 3);
            text_start = i;
            continue;
        }
        let end = tag_end(bytes, i);
        // Without its `>` when it has one (a tag left open runs to the end).
        let tag = input[i + 1..end].strip_suffix('>').unwrap_or(&input[i + 1..end]);
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        i = end;
        if !closing && DROPPED.contains(&name.as_str()) && !tag.trim_end().ends_with('/') {
            // Skip to the matching close tag (or the end of the input).
            let close = format!("</{name}");
            let lower_rest = input[i..].to_ascii_lowercase();
            i = match lower_rest.find(&close) {
                Some(j) => tag_end(bytes, i + j),
                None => bytes.len(),
            };
        } else if name == "li" && !closing {
            out.push_str("\n- ");
        } else if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        }
        text_start = i;
    }
    if text_start < bytes.len() {
        push_text(&mut out, &input[text_start..]);
    }
    let lines: Vec<String> = tidy(&out).lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
    lines.join("\n")
}

/// Where the tag starting at `start` (a `<`) ends: just past its `>`,
/// skipping `>` inside quoted attribute values; the end of the input if
/// it never closes.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// One space for every run of spaces within a line, lines trimmed, at
/// most one blank line in a row, none at either end.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let words: Vec<&str> = line.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() || words == ["-"] {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&words.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_decoded_and_unknown_ones_kept() {
        assert_eq!(decode_entities("R&amp;D &lt;b&gt; &#39;x&#x27; caf&eacute;"), "R&D <b> 'x' café");
        assert_eq!(decode_entities("AT&T &bogus; &#0; &#xD800; & more"), "AT&T &bogus; &#0; &#xD800; & more");
        assert_eq!(decode_entities("&amp;lt;p&amp;gt;"), "&lt;p&gt;", "one level at a time");
    }

    #[test]
    fn blocks_and_list_items_become_lines() {
        let html = "<h3>Requirements</h3><ul><li>3+ years of <b>Rust</b></li><li>PostgreSQL</li></ul>\
                    <p>Nice&nbsp;to have:<br>Kubernetes</p>";
        assert_eq!(html_to_text(html), "Requirements\n- 3+ years of Rust\n- PostgreSQL\nNice to have:\nKubernetes");
    }

    #[test]
    fn scripts_styles_and_comments_go_with_their_contents() {
        let html = "<p>Hello</p><script type=\"text/javascript\">alert('<p>x</p>')</script>\
                    <style>p { color: red }</style><!-- <b>hidden</b> --><SCRIPT>steal()</SCRIPT>world \
                    <img src=x onerror=\"alert(1)\" alt='a > b'>!";
        assert_eq!(html_to_text(html), "Hello\nworld !");
    }

    #[test]
    fn text_that_is_not_html_is_only_tidied() {
        assert_eq!(html_to_text("a < b and c > d\n\n\n\n  next   line "), "a < b and c > d\n\nnext line");
        assert_eq!(html_to_text("R&amp;D\n- Go"), "R&D\n- Go");
        assert_eq!(html_to_text("<ul>\n  <li>Go\n   gRPC</li>\n  <li></li>\n</ul>\n<p>Next</p>"), "- Go gRPC\nNext");
        assert_eq!(html_to_text("<p>unclosed <b"), "unclosed");
        assert_eq!(html_to_text("자격요건<br/>리액트 3년 이상"), "자격요건\n리액트 3년 이상");
    }
}
