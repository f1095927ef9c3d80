//! Nicknames: 2–20 characters of Hangul, Latin letters, digits, `_` and `-`,
//! unique without regard to case.

pub const MIN: usize = 2;
pub const MAX: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    TooShort,
    TooLong,
    Characters,
}

impl Invalid {
    pub fn code(self) -> &'static str {
        match self {
            Invalid::TooShort => "too_short",
            Invalid::TooLong => "too_long",
            Invalid::Characters => "invalid_characters",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Invalid::TooShort | Invalid::TooLong => "a nickname has 2 to 20 characters",
            Invalid::Characters => "use Hangul, Latin letters, digits, _ and - only",
        }
    }
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || c == '-'
        || ('\u{AC00}'..='\u{D7A3}').contains(&c) // Hangul syllables
        || ('\u{1100}'..='\u{11FF}').contains(&c) // Hangul Jamo
        || ('\u{3130}'..='\u{318F}').contains(&c) // Hangul compatibility Jamo
}

/// The nickname as it will be stored, or why not.
pub fn validate(raw: &str) -> Result<String, Invalid> {
    let nick = raw.trim();
    let len = nick.chars().count();
    if len < MIN {
        return Err(Invalid::TooShort);
    }
    if len > MAX {
        return Err(Invalid::TooLong);
    }
    if !nick.chars().all(allowed) {
        return Err(Invalid::Characters);
    }
    Ok(nick.to_string())
}

/// The uniqueness key: case folded.
pub fn key(nick: &str) -> String {
    nick.to_lowercase()
}

/// A valid nickname made from whatever a provider told us.
pub fn suggest_from(hint: &str) -> String {
    let cleaned: String = hint
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() || c == '.' { '_' } else { c })
        .filter(|c| allowed(*c))
        .take(MAX)
        .collect();
    if cleaned.chars().count() >= MIN {
        cleaned
    } else {
        "developer".to_string()
    }
}

/// `base` with a number appended, still within the length limit.
pub fn numbered(base: &str, n: u32) -> String {
    let suffix = n.to_string();
    let keep = MAX - suffix.len();
    let head: String = base.chars().take(keep).collect();
    format!("{head}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_of_the_brief() {
        assert_eq!(validate(" 김개발 ").unwrap(), "김개발");
        assert!(validate("dev_kim-2").is_ok());
        assert_eq!(validate("a"), Err(Invalid::TooShort));
        assert_eq!(validate(&"가".repeat(21)), Err(Invalid::TooLong));
        assert!(validate(&"가".repeat(20)).is_ok(), "characters, not bytes");
        assert_eq!(validate("no spaces"), Err(Invalid::Characters));
        assert_eq!(validate("<script>"), Err(Invalid::Characters));
        assert_eq!(key("DevKim"), key("devkim"));
    }

    #[test]
    fn suggestions_are_always_valid() {
        for hint in ["Jane Doe", "octo.cat", "", "😀😀", "아주아주아주아주아주아주긴이름입니다정말로"]
        {
            assert!(validate(&suggest_from(hint)).is_ok(), "{hint}");
        }
        assert_eq!(suggest_from("Jane Doe"), "Jane_Doe");
        assert!(validate(&numbered(&"a".repeat(20), 42)).is_ok());
    }
}
