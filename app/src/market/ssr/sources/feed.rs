//! RSS 2.0 (and RSS 1.0) and Atom feeds, told apart by the root element
//! (`<rss>`, `<rdf:RDF>`, `<feed>`). An RSS `<item>` gives `title`,
//! `link`, `description` or `content:encoded` (HTML, escaped or in
//! CDATA), `pubDate` (RFC 2822) or `dc:date`, `guid`; an Atom `<entry>`
//! gives `title`, `link href` (`rel="alternate"` or none), `content` or
//! `summary` (`type` text, html or xhtml), `published` or `updated`, `id`.
//! Authors are never read.
//!
//! The document is read once with a streaming parser; external entities
//! are never fetched or expanded. An HTML page, garbage or a document cut
//! off half-way fails the whole run with a clear reason.

use super::{html, looks_like_html, web_url, FetchError, Records, SourceSpec};
use crate::market::ssr::ingest::{RawPosting, Rejection};
use quick_xml::events::{BytesStart, Event};

/// Items read from one feed at most.
const MAX_ITEMS: usize = 5000;
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Rss,
    Atom,
}

#[derive(Default)]
struct Item {
    title: Option<(String, bool)>,
    link: Option<String>,
    body: Option<(String, bool)>,
    /// `content:encoded` / Atom `content`: preferred over the summary.
    full_body: Option<(String, bool)>,
    date: Option<String>,
    id: Option<String>,
}

/// The field being read: where its text goes and whether it is HTML.
struct Field {
    name: String,
    depth: usize,
    html: bool,
    text: String,
}

pub fn parse(body: &[u8], spec: &SourceSpec) -> Result<Records, FetchError> {
    if looks_like_html(body) {
        return Err(FetchError::NotAFeed("it answered an HTML page".into()));
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) if body.iter().take(4096).filter(|&&b| b == 0).count() > 0 => {
            return Err(FetchError::NotAFeed("binary data".into()))
        }
        Err(_) => String::from_utf8_lossy(body),
    };
    let mut reader = quick_xml::Reader::from_str(&text);
    reader.config_mut().trim_text(false);
    let mut flavour: Option<Flavour> = None;
    let mut depth = 0usize;
    let mut item: Option<(usize, Item)> = None;
    let mut field: Option<Field> = None;
    let mut out: Records = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| {
            FetchError::NotAFeed(format!("not well-formed XML near byte {}: {e}", reader.buffer_position()))
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if flavour.is_none() => {
                let name = local(&e);
                flavour = Some(match name.as_str() {
                    "rss" | "RDF" => Flavour::Rss,
                    "feed" => Flavour::Atom,
                    "html" => return Err(FetchError::NotAFeed("it answered an HTML page".into())),
                    other => {
                        return Err(FetchError::NotAFeed(format!(
                            "the document is <{}>, not <rss> or <feed>",
                            other.chars().take(40).collect::<String>()
                        )))
                    }
                });
                depth += 1;
            }
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(FetchError::NotAFeed("nested too deeply".into()));
                }
                let name = local(&e);
                open(&name, &e, depth, flavour, &mut item, &mut field);
            }
            Event::Empty(e) => {
                // `<link href="…"/>` in Atom; `<br/>` inside an xhtml body.
                let name = local(&e);
                if let Some(f) = field.as_mut() {
                    if name == "br" {
                        f.text.push('\n');
                    }
                } else if let Some((d, it)) = item.as_mut() {
                    if depth == *d && name == "link" && flavour == Some(Flavour::Atom) {
                        atom_link(&e, it);
                    }
                }
            }
            Event::Text(t) => {
                if let Some(f) = field.as_mut() {
                    f.text.push_str(&html::decode_entities(&String::from_utf8_lossy(&t.into_inner())));
                }
            }
            Event::CData(t) => {
                if let Some(f) = field.as_mut() {
                    f.text.push_str(&String::from_utf8_lossy(&t.into_inner()));
                }
            }
            Event::End(_) => {
                if field.as_ref().is_some_and(|f| f.depth == depth) {
                    let f = field.take().expect("checked");
                    if let Some((_, it)) = item.as_mut() {
                        close_field(f, it);
                    }
                } else if let Some(f) = field.as_mut() {
                    // A block inside an xhtml body ends a line.
                    f.text.push('\n');
                } else if item.as_ref().is_some_and(|(d, _)| *d == depth) {
                    let (_, it) = item.take().expect("checked");
                    if out.len() < MAX_ITEMS {
                        out.push(posting(it, spec));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if flavour.is_none() {
        return Err(FetchError::NotAFeed(if text.trim().is_empty() {
            "the answer is empty".into()
        } else {
            "no XML elements in the answer".into()
        }));
    }
    Ok(out)
}

fn local(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key).ok().flatten().and_then(|a| a.unescape_value().ok().map(|v| v.trim().to_string()))
}

fn atom_link(e: &BytesStart<'_>, it: &mut Item) {
    let rel = attr(e, "rel").unwrap_or_else(|| "alternate".into());
    if rel == "alternate" && it.link.is_none() {
        it.link = attr(e, "href");
    }
}

fn open(
    name: &str,
    e: &BytesStart<'_>,
    depth: usize,
    flavour: Option<Flavour>,
    item: &mut Option<(usize, Item)>,
    field: &mut Option<Field>,
) {
    if field.is_some() {
        return;
    }
    let Some((item_depth, it)) = item.as_mut() else {
        let starts = match flavour {
            Some(Flavour::Rss) => name == "item",
            Some(Flavour::Atom) => name == "entry",
            None => false,
        };
        if starts {
            *item = Some((depth, Item::default()));
        }
        return;
    };
    if depth != *item_depth + 1 {
        return;
    }
    let atom_html = || matches!(attr(e, "type").as_deref(), Some("html") | Some("text/html"));
    let html = match (flavour, name) {
        (Some(Flavour::Rss), "description" | "encoded") => true,
        (Some(Flavour::Rss), _) => false,
        (_, "link") => {
            atom_link(e, it);
            return;
        }
        (_, _) => atom_html(),
    };
    let wanted = matches!(
        name,
        "title"
            | "link"
            | "description"
            | "encoded"
            | "summary"
            | "content"
            | "pubDate"
            | "date"
            | "published"
            | "updated"
            | "guid"
            | "id"
    );
    if wanted {
        *field = Some(Field { name: name.to_string(), depth, html, text: String::new() });
    }
}

fn close_field(f: Field, it: &mut Item) {
    let value = f.text.trim().to_string();
    if value.is_empty() {
        return;
    }
    match f.name.as_str() {
        "title" => it.title = Some((value, f.html)),
        "link" => it.link = it.link.take().or(Some(value)),
        "description" | "summary" => it.body = Some((value, f.html)),
        "encoded" | "content" => it.full_body = Some((value, f.html)),
        "pubDate" | "date" | "published" => it.date = Some(value),
        "updated" => it.date = it.date.take().or(Some(value)),
        "guid" | "id" => it.id = Some(value),
        _ => {}
    }
}

fn as_text((value, is_html): (String, bool)) -> String {
    if is_html {
        html::html_to_text(&value)
    } else {
        html::tidy(&value)
    }
}

/// An RFC 2822 (RSS) or RFC 3339 (Atom, `dc:date`) date as RFC 3339.
fn date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(t.to_rfc3339());
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.to_rfc3339());
    }
    // "Tue, 06 Oct 2026 09:00:00 KST" and other zones RFC 2822 does not
    // name: the date is what matters here.
    let without_zone = s.rsplit_once(' ').map(|(d, _)| d).unwrap_or(s);
    chrono::NaiveDateTime::parse_from_str(without_zone, "%a, %d %b %Y %H:%M:%S").ok().map(|t| t.and_utc().to_rfc3339())
}

/// An item as a posting; one without a title or text is rejected later,
/// by the same checks as every other source.
fn posting(it: Item, spec: &SourceSpec) -> Result<RawPosting, Rejection> {
    let body = it.full_body.or(it.body).map(as_text);
    Ok(RawPosting {
        title: it.title.map(as_text),
        company: spec.company.clone(),
        location: None,
        body,
        url: web_url(it.link.as_deref()),
        posted_at: it.date.as_deref().and_then(date),
        source: Some(spec.source_label()),
        source_id: it.id.map(|i| i.chars().take(200).collect()),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::ssr::config::SourceSettings;

    fn spec() -> SourceSpec {
        SourceSpec::parse(&SourceSettings {
            kind: "feed".into(),
            url: Some("https://jobs.example.kr/feed".into()),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn rss_items_with_escaped_and_cdata_html() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Jobs</title><link>https://jobs.example.kr/</link>
<item>
  <title>Go 백엔드 개발자 &amp; SRE</title>
  <link>https://jobs.example.kr/p/1</link>
  <guid isPermaLink="false">job-1</guid>
  <pubDate>Tue, 06 Oct 2026 09:00:00 +0900</pubDate>
  <description>&lt;p&gt;자격요건&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Go 3년 이상&lt;/li&gt;&lt;/ul&gt;&amp;xxe;</description>
</item>
<item>
  <title><![CDATA[<script>alert(1)</script> Android Developer]]></title>
  <link>javascript:alert(1)</link>
  <dc:date>2026-10-07T10:00:00Z</dc:date>
  <description>short</description>
  <content:encoded><![CDATA[<h2>Requirements</h2><ul><li>Kotlin</li></ul><script>alert(2)</script>]]></content:encoded>
</item>
</channel></rss>"#;
        let r = parse(rss.as_bytes(), &spec()).unwrap();
        assert_eq!(r.len(), 2);
        let a = r[0].as_ref().unwrap();
        assert_eq!(a.title.as_deref(), Some("Go 백엔드 개발자 & SRE"));
        assert_eq!(a.body.as_deref(), Some("자격요건\n- Go 3년 이상\n&xxe;"));
        assert_eq!(a.url.as_deref(), Some("https://jobs.example.kr/p/1"));
        assert_eq!(a.posted_at.as_deref(), Some("2026-10-06T09:00:00+09:00"));
        assert_eq!((a.source_id.as_deref(), a.source.as_deref()), (Some("job-1"), Some("feed:jobs.example.kr")));
        let b = r[1].as_ref().unwrap();
        assert_eq!(b.title.as_deref(), Some("<script>alert(1)</script> Android Developer"), "a title is text");
        assert_eq!(b.body.as_deref(), Some("Requirements\n- Kotlin"), "content:encoded wins; its script is gone");
        assert_eq!((b.url.as_deref(), b.posted_at.as_deref()), (None, Some("2026-10-07T10:00:00+00:00")));
    }

    #[test]
    fn atom_entries_with_html_and_xhtml_content() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Careers</title>
  <entry>
    <title type="html">QA &amp;lt;Automation&amp;gt; Engineer</title>
    <link rel="self" href="https://example.com/self"/>
    <link href="https://example.com/jobs/qa"/>
    <id>urn:uuid:1</id>
    <updated>2026-10-08T00:00:00Z</updated>
    <published>2026-10-01T00:00:00Z</published>
    <author><name>Recruiter Kim</name><email>kim@example.com</email></author>
    <summary>Short</summary>
    <content type="html">&lt;p&gt;Requirements&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Selenium&lt;/li&gt;&lt;/ul&gt;</content>
  </entry>
  <entry>
    <title>게임 서버 개발자</title>
    <link rel="alternate" href="https://example.com/jobs/game"/>
    <updated>2026-10-09T00:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>자격요건</p><p>C++</p></div></content>
  </entry>
</feed>"#;
        let r = parse(atom.as_bytes(), &spec()).unwrap();
        let a = r[0].as_ref().unwrap();
        assert_eq!(a.title.as_deref(), Some("QA <Automation> Engineer"));
        assert_eq!(a.url.as_deref(), Some("https://example.com/jobs/qa"));
        assert_eq!(a.body.as_deref(), Some("Requirements\n- Selenium"));
        assert_eq!(a.posted_at.as_deref(), Some("2026-10-01T00:00:00+00:00"), "published over updated");
        let b = r[1].as_ref().unwrap();
        assert_eq!(b.body.as_deref(), Some("자격요건\nC++"));
        assert_eq!(b.posted_at.as_deref(), Some("2026-10-09T00:00:00+00:00"));
    }

    #[test]
    fn html_garbage_and_truncation_are_clear_errors() {
        let e = parse(b"<!DOCTYPE html>\n<html><head><title>Jobs</title></head><body>hi</body></html>", &spec())
            .unwrap_err();
        assert_eq!(e.to_string(), "not an RSS or Atom feed: it answered an HTML page");
        let e = parse(b"{\"jobs\": []}", &spec()).unwrap_err();
        assert!(e.to_string().contains("no XML elements"), "{e}");
        let e = parse(b"<rss><channel><item><title>cut</title></channel></rss>", &spec()).unwrap_err();
        assert!(e.to_string().contains("not well-formed"), "{e}");
        let e = parse(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", &spec()).unwrap_err();
        assert!(e.to_string().contains("<svg>"), "{e}");
        let e = parse(b"\x00\x01\x02\xff\xfe garbage", &spec()).unwrap_err();
        assert_eq!(e.code(), "not_a_feed");
    }
}
