//! Small web helpers shared by the server and the browser.

/// `next` / `return_to` values: only same-site relative paths, so no
/// redirect can take a visitor to another site.
pub fn safe_return_path(candidate: &str) -> Option<String> {
    let c = candidate.trim();
    let ok = c.starts_with('/')
        && !c.starts_with("//")
        && !c.starts_with("/\\")
        && !c.contains(['\r', '\n', '\0'])
        && !c.chars().any(|ch| ch.is_control())
        && c.len() <= 2048;
    ok.then(|| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn only_relative_paths_are_accepted() {
        assert_eq!(safe_return_path("/r/abc?x=1#top").as_deref(), Some("/r/abc?x=1#top"));
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "evil", "", "/a\r\nSet-Cookie: x"] {
            assert_eq!(safe_return_path(bad), None, "{bad:?}");
        }
    }
}
