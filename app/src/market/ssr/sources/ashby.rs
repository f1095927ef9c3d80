//! Ashby's public job posting API:
//! `GET https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true`
//! answers `{ "apiVersion": "1", "jobs": [...] }`. Each job has `id`,
//! `title`, `location`, `secondaryLocations[] { location }`, `department`,
//! `team`, `employmentType` (`FullTime`, `PartTime`, `Intern`,
//! `Contract`, `Temporary`), `isRemote`, `workplaceType`, `publishedAt`,
//! `isListed`, `jobUrl`, `applyUrl`, `descriptionHtml`, `descriptionPlain`
//! and, when asked for, `compensation { compensationTierSummary,
//! scrapeableCompensationSalarySummary, … }`. Unlisted jobs are skipped.

use super::{html, json_body, not_an_object, text, web_url, FetchError, Records, SourceSpec};
use crate::market::ssr::ingest::{RawPosting, Rejection};
use serde_json::Value;

pub fn parse(body: &[u8], spec: &SourceSpec) -> Result<Records, FetchError> {
    let doc = json_body(body)?;
    let jobs = doc
        .get("jobs")
        .and_then(Value::as_array)
        .ok_or_else(|| FetchError::NotJson("no \"jobs\" list in the answer".into()))?;
    Ok(jobs
        .iter()
        .enumerate()
        .filter(|(_, j)| j.get("isListed").and_then(Value::as_bool) != Some(false))
        .map(|(i, j)| posting(i, j, spec))
        .collect())
}

fn posting(i: usize, job: &Value, spec: &SourceSpec) -> Result<RawPosting, Rejection> {
    if !job.is_object() {
        return Err(not_an_object(i, "the job"));
    }
    let body = match text(job, "descriptionHtml") {
        Some(h) => Some(html::html_to_text(&h)),
        None => text(job, "descriptionPlain").map(|t| html::tidy(&t)),
    };
    let mut places: Vec<String> = text(job, "location").into_iter().collect();
    for s in job.get("secondaryLocations").and_then(Value::as_array).into_iter().flatten() {
        if let Some(l) = text(s, "location").filter(|l| !places.contains(l)) {
            places.push(l);
        }
    }
    let remote = job.get("isRemote").and_then(Value::as_bool) == Some(true)
        || text(job, "workplaceType").is_some_and(|w| w.eq_ignore_ascii_case("remote"));
    let employment_type = text(job, "employmentType").map(|t| {
        match t.as_str() {
            "FullTime" => "full-time",
            "PartTime" => "part-time",
            "Intern" => "intern",
            "Contract" | "Temporary" => "contract",
            other => return other.to_string(),
        }
        .to_string()
    });
    let salary = job
        .get("compensation")
        .and_then(|c| text(c, "scrapeableCompensationSalarySummary").or_else(|| text(c, "compensationTierSummary")));
    Ok(RawPosting {
        title: text(job, "title"),
        company: spec.company.clone().or_else(|| Some(spec.target.clone())),
        location: (!places.is_empty()).then(|| places.join(" / ")),
        body,
        url: web_url(job.get("jobUrl").and_then(Value::as_str)),
        posted_at: text(job, "publishedAt"),
        source: Some(spec.source_label()),
        source_id: text(job, "id"),
        remote: remote.then_some(true),
        employment_type,
        salary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::ssr::config::SourceSettings;

    #[test]
    fn jobs_carry_remote_type_and_pay() {
        let spec = SourceSpec::parse(&SourceSettings {
            kind: "ashby".into(),
            board: Some("gamma".into()),
            ..Default::default()
        })
        .unwrap();
        let body = serde_json::json!({
            "apiVersion": "1",
            "jobs": [
                {
                    "id": "0f5c2b9e", "title": "Security Engineer", "location": "Remote (Korea)",
                    "secondaryLocations": [{ "location": "Seoul", "address": {} }],
                    "department": "Engineering", "team": "Security", "isListed": true, "isRemote": true,
                    "descriptionHtml": "<p>Requirements</p><ul><li>Go</li></ul>", "descriptionPlain": "Requirements Go",
                    "publishedAt": "2026-10-05T01:00:00.000+00:00", "employmentType": "Contract",
                    "jobUrl": "https://jobs.ashbyhq.com/gamma/0f5c2b9e",
                    "compensation": { "compensationTierSummary": "$120K – $150K • Offers Bonus",
                                      "scrapeableCompensationSalarySummary": "$120K - $150K" }
                },
                { "id": "hidden", "title": "Unlisted", "isListed": false, "descriptionPlain": "x" }
            ]
        })
        .to_string();
        let r = parse(body.as_bytes(), &spec).unwrap();
        assert_eq!(r.len(), 1, "unlisted jobs are skipped");
        let p = r[0].as_ref().unwrap();
        assert_eq!(p.body.as_deref(), Some("Requirements\n- Go"));
        assert_eq!(p.location.as_deref(), Some("Remote (Korea) / Seoul"));
        assert_eq!((p.remote, p.employment_type.as_deref()), (Some(true), Some("contract")));
        assert_eq!(p.salary.as_deref(), Some("$120K - $150K"));
        assert_eq!(p.url.as_deref(), Some("https://jobs.ashbyhq.com/gamma/0f5c2b9e"));
    }
}
