//! The demo account's sample GitHub profile (`app/data/sample-github.json`,
//! in the shape GitHub's GraphQL API answers), so the whole product works
//! offline with zero configuration. Everything built from it is labelled
//! "sample" in the UI and the API.

use super::fetch::RawImport;

const SAMPLE: &str = include_str!("../../../data/sample-github.json");

pub fn raw() -> RawImport {
    serde_json::from_str(SAMPLE).expect("app/data/sample-github.json is valid")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_parses() {
        let raw = super::raw();
        assert_eq!(raw.profile.login, "sample-dev");
        assert!(raw.repositories.len() >= 5);
    }
}
