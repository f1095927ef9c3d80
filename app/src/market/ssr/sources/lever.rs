//! Lever's postings API:
//! `GET https://api.lever.co/v0/postings/{company}?mode=json` answers an
//! array of postings: `id`, `text` (the title), `hostedUrl`,
//! `categories { location, team, commitment, department }`, `createdAt`
//! (milliseconds since the epoch), `workplaceType`, the description as
//! `descriptionPlain` / `description` (HTML), `lists[] { text, content }`
//! (requirements and the like; `content` is HTML list items),
//! `additionalPlain` / `additional`, and optionally `salaryRange
//! { currency, interval, min, max }`.

use super::{html, json_body, not_an_object, text, web_url, FetchError, Records, SourceSpec};
use crate::market::ssr::ingest::{RawPosting, Rejection};
use serde_json::Value;

pub fn parse(body: &[u8], spec: &SourceSpec) -> Result<Records, FetchError> {
    let doc = json_body(body)?;
    let postings = match &doc {
        Value::Array(a) => a,
        // `{"ok": false, "error": "Document not found"}`
        other => {
            let why = other.get("error").and_then(Value::as_str).unwrap_or("not a list of postings");
            return Err(FetchError::NotJson(format!(
                "expected a list of postings: {}",
                why.chars().take(200).collect::<String>()
            )));
        }
    };
    Ok(postings.iter().enumerate().map(|(i, p)| posting(i, p, spec)).collect())
}

fn posting(i: usize, p: &Value, spec: &SourceSpec) -> Result<RawPosting, Rejection> {
    if !p.is_object() {
        return Err(not_an_object(i, "the posting"));
    }
    let mut parts: Vec<String> = Vec::new();
    match text(p, "description") {
        Some(h) => parts.push(html::html_to_text(&h)),
        None => parts.extend(text(p, "descriptionPlain").map(|t| html::tidy(&t))),
    }
    for list in p.get("lists").and_then(Value::as_array).into_iter().flatten() {
        let heading = text(list, "text").map(|t| html::html_to_text(&t)).unwrap_or_default();
        let items = text(list, "content").map(|c| html::html_to_text(&format!("<ul>{c}</ul>"))).unwrap_or_default();
        parts.push(format!("{heading}\n{items}"));
    }
    match text(p, "additional") {
        Some(h) => parts.push(html::html_to_text(&h)),
        None => parts.extend(text(p, "additionalPlain").map(|t| html::tidy(&t))),
    }
    let body = html::tidy(&parts.join("\n\n"));
    let categories = p.get("categories").cloned().unwrap_or(Value::Null);
    let remote = p.get("workplaceType").and_then(Value::as_str).map(|w| w.eq_ignore_ascii_case("remote"));
    let posted_at = p
        .get("createdAt")
        .and_then(Value::as_i64)
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339());
    Ok(RawPosting {
        title: text(p, "text"),
        company: spec.company.clone().or_else(|| Some(spec.target.clone())),
        location: text(&categories, "location"),
        body: (!body.is_empty()).then_some(body),
        url: web_url(p.get("hostedUrl").and_then(Value::as_str)),
        posted_at,
        source: Some(spec.source_label()),
        source_id: text(p, "id"),
        remote: remote.filter(|r| *r),
        employment_type: text(&categories, "commitment"),
        salary: p.get("salaryRange").and_then(salary),
    })
}

/// `{ currency, interval, min, max }` as words the salary reader knows.
fn salary(range: &Value) -> Option<String> {
    let min = range.get("min").and_then(Value::as_f64)?;
    let max = range.get("max").and_then(Value::as_f64).unwrap_or(min);
    let currency = text(range, "currency").unwrap_or_else(|| "USD".into()).to_ascii_uppercase();
    let per = match text(range, "interval").unwrap_or_default().as_str() {
        "per-hour-wage" => "per hour",
        "per-month-salary" => "per month",
        _ => "per year",
    };
    if currency == "KRW" && per == "per year" {
        return Some(format!("연봉 {}만원 ~ {}만원", (min / 10_000.0) as u64, (max / 10_000.0) as u64));
    }
    Some(format!("{currency} {} - {} {per}", min as u64, max as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::ssr::config::SourceSettings;

    fn spec() -> SourceSpec {
        SourceSpec::parse(&SourceSettings {
            kind: "lever".into(),
            board: Some("beta".into()),
            company: Some("Beta".into()),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn postings_keep_their_lists_and_categories() {
        let body = serde_json::json!([{
            "id": "5ac21346-8e0c-4494-8e7a-3eb92ff77902",
            "text": "Machine Learning Engineer",
            "categories": { "commitment": "Full-time", "location": "Seoul", "team": "AI" },
            "createdAt": 1790000000000i64,
            "workplaceType": "hybrid",
            "descriptionPlain": "We train models.\n",
            "description": "<div>We train <b>models</b>.</div>",
            "lists": [
                { "text": "Requirements", "content": "<li>Python</li><li>PyTorch</li>" },
                { "text": "Nice to have", "content": "<li>Kubernetes</li>" }
            ],
            "additionalPlain": "Apply now.",
            "additional": "<div>Apply now.</div>",
            "hostedUrl": "https://jobs.lever.co/beta/5ac21346-8e0c-4494-8e7a-3eb92ff77902",
            "salaryRange": { "currency": "USD", "interval": "per-year-salary", "min": 120000, "max": 160000 }
        }, 42])
        .to_string();
        let r = parse(body.as_bytes(), &spec()).unwrap();
        let p = r[0].as_ref().unwrap();
        assert_eq!(
            p.body.as_deref(),
            Some("We train models.\n\nRequirements\n- Python\n- PyTorch\n\nNice to have\n- Kubernetes\n\nApply now.")
        );
        assert_eq!(p.employment_type.as_deref(), Some("Full-time"));
        assert_eq!(p.location.as_deref(), Some("Seoul"));
        assert_eq!(p.company.as_deref(), Some("Beta"));
        assert_eq!(p.posted_at.as_deref(), Some("2026-09-21T14:13:20+00:00"));
        assert_eq!(p.remote, None);
        assert_eq!(p.salary.as_deref(), Some("USD 120000 - 160000 per year"));
        assert!(r[1].is_err());
    }

    #[test]
    fn an_error_object_is_a_clear_error() {
        let e = parse(br#"{"ok":false,"error":"Document not found"}"#, &spec()).unwrap_err();
        assert!(e.to_string().contains("Document not found"), "{e}");
    }
}
