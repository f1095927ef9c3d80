//! Greenhouse's job board API:
//! `GET https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true`
//! answers `{ "jobs": [...], "meta": { "total": n } }`. Each job has `id`,
//! `title`, `absolute_url`, `location.name`, `updated_at` (and on newer
//! boards `first_published` and `company_name`), `departments[]`,
//! `offices[]` and, with `content=true`, `content`: the description as
//! HTML that is itself HTML-escaped (`&lt;p&gt;…`).

use super::{html, id, json_body, not_an_object, text, web_url, FetchError, Records, SourceSpec};
use crate::market::ssr::ingest::{RawPosting, Rejection};
use serde_json::Value;

pub fn parse(body: &[u8], spec: &SourceSpec) -> Result<Records, FetchError> {
    let doc = json_body(body)?;
    let jobs = doc
        .get("jobs")
        .and_then(Value::as_array)
        .ok_or_else(|| FetchError::NotJson("no \"jobs\" list in the answer".into()))?;
    Ok(jobs.iter().enumerate().map(|(i, job)| posting(i, job, spec)).collect())
}

fn posting(i: usize, job: &Value, spec: &SourceSpec) -> Result<RawPosting, Rejection> {
    if !job.is_object() {
        return Err(not_an_object(i, "the job"));
    }
    // The description is escaped HTML: unescape once to get the HTML,
    // then take its text.
    let body = text(job, "content").map(|c| html::html_to_text(&html::decode_entities(&c)));
    let location = job
        .get("location")
        .and_then(|l| text(l, "name"))
        .or_else(|| names(job, "offices"))
        .map(|l| html::decode_entities(&l));
    Ok(RawPosting {
        title: text(job, "title").map(|t| html::decode_entities(&t)),
        company: spec.company.clone().or_else(|| text(job, "company_name")).or_else(|| Some(spec.target.clone())),
        location,
        body,
        url: web_url(job.get("absolute_url").and_then(Value::as_str)),
        posted_at: text(job, "first_published").or_else(|| text(job, "updated_at")),
        source: Some(spec.source_label()),
        source_id: id(job, "id"),
        ..Default::default()
    })
}

/// `[{ "name": … }, …]` as "a / b".
fn names(job: &Value, key: &str) -> Option<String> {
    let list: Vec<String> = job.get(key)?.as_array()?.iter().filter_map(|o| text(o, "name")).collect();
    (!list.is_empty()).then(|| list.join(" / "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::ssr::config::SourceSettings;

    fn spec() -> SourceSpec {
        SourceSpec::parse(&SourceSettings {
            kind: "greenhouse".into(),
            board: Some("acme".into()),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn jobs_become_postings_with_their_text() {
        let body = serde_json::json!({
            "jobs": [
                {
                    "id": 4012345, "internal_job_id": 3002001, "title": "Backend Engineer (Rust)",
                    "absolute_url": "https://boards.greenhouse.io/acme/jobs/4012345",
                    "location": { "name": "Seoul, South Korea" }, "updated_at": "2026-10-02T09:15:00-04:00",
                    "first_published": "2026-09-28T10:00:00-04:00", "company_name": "Acme",
                    "content": "&lt;h3&gt;Requirements&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;Rust &amp;amp; Tokio&lt;/li&gt;&lt;/ul&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
                    "departments": [{ "id": 1, "name": "Engineering" }], "offices": []
                },
                { "id": "7", "title": "No location", "absolute_url": "javascript:alert(1)", "content": "x",
                  "offices": [{ "name": "Busan" }, { "name": "Remote" }] },
                "not a job"
            ],
            "meta": { "total": 3 }
        })
        .to_string();
        let r = parse(body.as_bytes(), &spec()).unwrap();
        let p = r[0].as_ref().unwrap();
        assert_eq!(p.title.as_deref(), Some("Backend Engineer (Rust)"));
        assert_eq!(p.body.as_deref(), Some("Requirements\n- Rust & Tokio"));
        assert_eq!(p.company.as_deref(), Some("Acme"));
        assert_eq!(p.location.as_deref(), Some("Seoul, South Korea"));
        assert_eq!(p.posted_at.as_deref(), Some("2026-09-28T10:00:00-04:00"));
        assert_eq!(p.source.as_deref(), Some("greenhouse:acme"));
        assert_eq!(p.source_id.as_deref(), Some("4012345"));
        let p = r[1].as_ref().unwrap();
        assert_eq!((p.url.as_deref(), p.location.as_deref()), (None, Some("Busan / Remote")));
        assert_eq!(p.company.as_deref(), Some("acme"), "the board when the answer names no company");
        assert_eq!(r[2].as_ref().unwrap_err().line, 3);
    }

    #[test]
    fn another_shape_is_a_clear_error() {
        let e = parse(br#"{"status":404,"error":"Job not found"}"#, &spec()).unwrap_err();
        assert!(e.to_string().contains("no \"jobs\" list"), "{e}");
    }
}
