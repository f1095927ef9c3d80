//! Finding technology names in free text: one Aho–Corasick automaton over
//! every name and alias, run on normalised text, then word-boundary rules
//! that hold for Latin, Hangul and Han script, then the evidence a guarded
//! name (an ordinary word such as "Go" or "Spring") needs.

use crate::{Guard, Technology};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Text prepared for matching: case-folded, full-width forms made ASCII,
/// dashes unified, URLs and e-mail addresses blanked out. Each byte of
/// `text` comes from one character of the original, so a match can look at
/// how it was written (its capitals): see [`Normalized::original_of`].
pub(crate) struct Normalized<'a> {
    pub text: String,
    /// `orig[i]`: the byte offset in the original of the character that
    /// produced byte `i`; empty while every character kept its length (the
    /// common case: ASCII, Hangul, Han), when the offsets are the same.
    orig: Vec<usize>,
    pub original: &'a str,
}

/// What a character is matched as, before case folding.
fn unify(c: char) -> char {
    match c {
        // Full-width forms as ASCII, except the comma: "，" separates
        // Chinese clauses where "," separates list items.
        '\u{FF0C}' => c,
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{200B}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{2018}' | '\u{2019}' => '\'',
        '\r' | '\t' => ' ',
        c => c,
    }
}

/// Scripts without case: CJK punctuation, kana, Han, Hangul syllables.
/// Nothing here has a lowercase form, so folding can skip the lookup.
fn caseless(c: char) -> bool {
    matches!(c, '\u{3001}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}')
}

impl<'a> Normalized<'a> {
    pub fn new(original: &'a str) -> Self {
        let mut text = String::with_capacity(original.len() + 8);
        let mut orig: Vec<usize> = Vec::new();
        let mut shifted = false;
        let bytes = original.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                text.push(match b {
                    b'\r' | b'\t' => ' ',
                    b => b.to_ascii_lowercase() as char,
                });
                if shifted {
                    orig.push(i);
                }
                i += 1;
                continue;
            }
            let Some(c) = original[i..].chars().next() else { break };
            let len = c.len_utf8();
            let start = text.len();
            match unify(c) {
                c if c.is_ascii() => text.push(c.to_ascii_lowercase()),
                c if caseless(c) => text.push(c),
                c => text.extend(c.to_lowercase()),
            }
            let produced = text.len() - start;
            if !shifted && produced != len {
                // The first character of another length: the offsets so far
                // were the same.
                shifted = true;
                orig.reserve(original.len() + 8);
                for (k, c) in original[..i].char_indices() {
                    orig.extend(std::iter::repeat_n(k, c.len_utf8()));
                }
            }
            if shifted {
                orig.extend(std::iter::repeat_n(i, produced));
            }
            i += len;
        }
        blank_addresses(&mut text);
        Normalized { text, orig, original }
    }

    /// The byte offset in the original of the character that produced byte
    /// `i` of the text (the original's end past the text's).
    fn origin(&self, i: usize) -> usize {
        if self.orig.is_empty() {
            // The same characters at the same offsets: the start of the
            // one that byte `i` is in.
            let mut i = i.min(self.original.len());
            while !self.original.is_char_boundary(i) {
                i -= 1;
            }
            i
        } else {
            self.orig.get(i).copied().unwrap_or(self.original.len())
        }
    }

    /// The original text of the normalised byte range.
    pub fn original_of(&self, start: usize, end: usize) -> &'a str {
        let s = self.origin(start);
        let e = if end < self.text.len() { self.origin(end) } else { self.original.len() };
        &self.original[s..e.max(s)]
    }
}

/// URLs and e-mail addresses say nothing about the job ("github.com/go-…",
/// "react@company.com") and may name people: replaced by spaces.
fn blank_addresses(text: &mut String) {
    // Most texts have neither: nothing to blank.
    // (`://` stands for both schemes: the scan below decides.)
    if !text.contains('@') && !text.contains("://") && !text.contains("www.") {
        return;
    }
    let bytes = text.as_bytes().to_vec();
    let mut blank = vec![false; bytes.len()];
    let is_url_char = |b: u8| b.is_ascii_graphic() && !matches!(b, b')' | b']' | b'>' | b'"' | b'\'' | b',');
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"http://") || rest.starts_with(b"https://") || rest.starts_with(b"www.") {
            let mut j = i;
            while j < bytes.len() && is_url_char(bytes[j]) {
                j += 1;
            }
            blank[i..j].iter_mut().for_each(|b| *b = true);
            i = j;
            continue;
        }
        if bytes[i] == b'@' {
            let local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
            let mut s = i;
            while s > 0 && local(bytes[s - 1]) {
                s -= 1;
            }
            let mut e = i + 1;
            while e < bytes.len() && (bytes[e].is_ascii_alphanumeric() || matches!(bytes[e], b'.' | b'-')) {
                e += 1;
            }
            if s < i && bytes[i + 1..e].contains(&b'.') {
                blank[s..e].iter_mut().for_each(|b| *b = true);
            }
        }
        i += 1;
    }
    if blank.iter().any(|&b| b) {
        // Only ASCII bytes are replaced, so the text stays valid UTF-8 and
        // keeps its length (the offset map stays right).
        let rebuilt: Vec<u8> = bytes.iter().zip(&blank).map(|(&b, &bl)| if bl { b' ' } else { b }).collect();
        *text = String::from_utf8(rebuilt).expect("only ASCII bytes were replaced");
    }
}

pub(crate) fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3040}'..='\u{30FF}' | '\u{F900}'..='\u{FAFF}')
}

pub(crate) fn is_cjk(c: char) -> bool {
    is_hangul(c) || is_han(c)
}

/// A letter or digit of a space-separated script (Latin, Cyrillic, digits).
pub(crate) fn is_latin_word(c: char) -> bool {
    c == '_' || (c.is_alphanumeric() && !is_cjk(c))
}

/// Korean writes particles and a few nouns onto the name ("쿠버네티스와",
/// "리액트를", "스프링부트 기반", "유니티엔진"); a Hangul name still counts
/// when the Hangul run after it is one of these (optionally a noun, then a
/// particle), and not when it goes on as another word ("스프링클러").
const PARTICLES: &[&str] = &[
    "으로는",
    "으로의",
    "에서는",
    "에서의",
    "에서도",
    "이라는",
    "라는",
    "이나",
    "이랑",
    "하고",
    "에서",
    "에게",
    "까지",
    "부터",
    "으로",
    "과의",
    "와의",
    "로의",
    "에는",
    "이며",
    "이고",
    "이란",
    "이든",
    "을",
    "를",
    "이",
    "가",
    "은",
    "는",
    "와",
    "과",
    "로",
    "의",
    "도",
    "에",
    "만",
    "나",
    "랑",
    "및",
    "등",
    "처럼",
    "같은",
];
const SUFFIX_NOUNS: &[&str] = &[
    "기반",
    "환경",
    "엔진",
    "개발자",
    "개발",
    "경험",
    "프레임워크",
    "언어",
    "서버",
    "사용",
    "활용",
    "운영",
    "스택",
    "코드",
    "프로젝트",
    "관련",
    "기술",
    "클러스터",
    "생태계",
    "애플리케이션",
    "앱",
    "숙련자",
    "능숙자",
    "경력",
    "전문가",
    "엔지니어",
];

fn hangul_tail_ok(run: &str) -> bool {
    if run.is_empty() || PARTICLES.contains(&run) {
        return true;
    }
    SUFFIX_NOUNS.iter().any(|n| run.strip_prefix(n).is_some_and(|rest| rest.is_empty() || PARTICLES.contains(&rest)))
}

#[derive(Debug, Clone, Copy)]
struct PatternInfo {
    tech: usize,
    /// The guard this form is under (`Guard::None` for plain names).
    guard: Guard,
}

/// A name found in the text, after boundary rules and guards.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub tech: usize,
    /// Where it starts in the normalised text.
    pub start: usize,
}

pub(crate) struct Matcher {
    names: AhoCorasick,
    infos: Vec<PatternInfo>,
    stops: AhoCorasick,
    /// The longest stop phrase, in bytes.
    stop_max: usize,
    /// Category of each technology is a language (for the single letters).
    is_language: Vec<bool>,
}

/// The forms a technology is matched by: its name and aliases (plain) and
/// its guarded names.
fn forms(t: &Technology) -> impl Iterator<Item = (String, Guard)> + '_ {
    let guarded: Vec<String> = t.guarded.iter().map(|g| fold(g)).collect();
    let plain = std::iter::once(&t.name)
        .chain(t.aliases.iter())
        .map(|n| fold(n))
        .filter(move |n| !guarded.contains(n))
        .map(|n| (n, Guard::None));
    plain.chain(t.guarded.iter().map(move |g| (fold(g), t.guard)))
}

/// Case-folded, runs of white space as one space; the same normalisation
/// the text gets (full-width forms, dashes).
pub(crate) fn fold(s: &str) -> String {
    let n = Normalized::new(s);
    n.text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Matcher {
    pub fn new(techs: &[Technology]) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut infos = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (i, t) in techs.iter().enumerate() {
            for (form, guard) in forms(t) {
                if form.is_empty() {
                    continue;
                }
                // The first (curated) claim to a name wins, as for `resolve`.
                if seen.insert(form.clone(), i).is_some() {
                    continue;
                }
                patterns.push(form);
                infos.push(PatternInfo { tech: i, guard });
            }
        }
        // A DFA: more memory than the default NFA, searched several times
        // faster (every posting runs through it), with the same matches.
        let names = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("the technology names build an automaton");
        let stop_phrases: Vec<String> = techs.iter().flat_map(|t| t.stop.iter().map(|s| fold(s))).collect();
        let stops = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&stop_phrases)
            .expect("the stop phrases build an automaton");
        let stop_max = stop_phrases.iter().map(String::len).max().unwrap_or(0);
        let is_language = techs.iter().map(|t| t.category == crate::Category::Language).collect();
        Matcher { names, infos, stops, stop_max, is_language }
    }

    /// Every technology name in the text, in text order, without overlaps
    /// (the longest name wins: "Spring Boot" over "Spring").
    pub fn find(&self, n: &Normalized) -> Vec<Hit> {
        let text = n.text.as_str();
        // 1. every occurrence of every form that stands as a whole word
        let mut cands: Vec<(usize, usize, PatternInfo)> = Vec::new();
        for m in self.names.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if bounded(text, s, e, &text[s..e]) {
                cands.push((s, e, self.infos[m.pattern().as_usize()]));
            }
        }
        // 2. the longest first, then leftmost, without overlaps
        cands.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        let mut taken = vec![false; text.len()];
        let mut chosen: Vec<(usize, usize, PatternInfo)> = Vec::new();
        for c in cands {
            if taken[c.0..c.1].iter().any(|&t| t) {
                continue;
            }
            taken[c.0..c.1].iter_mut().for_each(|t| *t = true);
            chosen.push(c);
        }
        chosen.sort_by_key(|c| c.0);
        // 3. guarded names need their evidence. A stop phrase that holds
        // one ("go to", "spring season") vetoes it: one that holds a name
        // lies within the stop phrases' length of it, so only the text
        // around each guarded name is searched.
        let mut stop_spans: Vec<(usize, usize)> = Vec::new();
        for &(s, e, info) in &chosen {
            if info.guard == Guard::None {
                continue;
            }
            let mut from = e.saturating_sub(self.stop_max);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (s + self.stop_max).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            stop_spans.extend(
                self.stops
                    .find_overlapping_iter(&text[from..to])
                    .map(|m| (from + m.start(), from + m.end()))
                    .filter(|&(a, _)| a == 0 || !text[..a].chars().next_back().is_some_and(is_latin_word)),
            );
        }
        let vetoed = |s: usize, e: usize| stop_spans.iter().any(|&(a, b)| a <= s && e <= b);
        let alive: Vec<bool> = chosen.iter().map(|c| c.2.guard == Guard::None || !vetoed(c.0, c.1)).collect();
        let mut hits = Vec::with_capacity(chosen.len());
        for (k, &(s, _, info)) in chosen.iter().enumerate() {
            if !alive[k] {
                continue;
            }
            let ok = match info.guard {
                Guard::None => true,
                g => self.evidence(n, &chosen, &alive, k, g),
            };
            if ok {
                hits.push(Hit { tech: info.tech, start: s });
            }
        }
        hits
    }

    fn evidence(
        &self,
        n: &Normalized,
        chosen: &[(usize, usize, PatternInfo)],
        alive: &[bool],
        k: usize,
        guard: Guard,
    ) -> bool {
        let text = n.text.as_str();
        let (s, e, _) = chosen[k];
        let written = n.original_of(s, e);
        let capital = written.chars().next().is_some_and(char::is_uppercase);
        let before = &text[..s];
        let after = &text[e..];
        let prev_char = before.chars().next_back();
        let next_char = after.chars().next();
        // A guarded name glued to a hyphenated word is that word:
        // "go-to-market", "rust-colored", "c-level", "no-go".
        let hyphen_word =
            |t: Option<char>, rest: &str| t == Some('-') && rest.chars().nth(1).is_some_and(char::is_alphabetic);
        if hyphen_word(next_char, after) && !after[1..].starts_with("based") {
            return false;
        }
        if prev_char == Some('-') && before[..before.len() - 1].chars().next_back().is_some_and(char::is_alphabetic) {
            return false;
        }
        // In a list beside another technology: "Go, Rust", "C/C++", "Chef·Puppet".
        let neighbour = |j: usize| -> bool {
            if !alive[j] {
                return false;
            }
            let (a, b) = if j < k { (chosen[j].1, s) } else { (e, chosen[j].0) };
            let gap = &text[a..b];
            // A single letter needs bare punctuation ("C/C++", "R, SAS"),
            // or a conjunction with a language ("Python or R").
            let language = self.is_language[chosen[j].2.tech];
            match guard {
                Guard::Letter => list_gap(gap, true) || (language && list_gap(gap, false)),
                _ => list_gap(gap, false),
            }
        };
        let listed = (k > 0 && neighbour(k - 1)) || (k + 1 < chosen.len() && neighbour(k + 1));
        // A list item that is the name alone: "- Rust", "• Go", "3. C".
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = after.find('\n').map_or(text.len(), |i| e + i);
        let item = text[line_start..line_end].trim_matches(|c: char| !c.is_alphanumeric() && c != '#' && c != '+');
        let alone_on_line = item.len() == e - s
            && before.len() > line_start
            && before[line_start..].contains(['-', '•', '*', '·', '▪', '◦']);
        if guard == Guard::Letter {
            let cue = next_word(after).is_some_and(|w| LETTER_CUES.contains(&w));
            // "proficiency in C", "firmware in C", "written in R"
            let mut prev = before.trim_end().rsplit(' ');
            let prep = prev.next().is_some_and(|w| matches!(w, "in" | "using" | "with"));
            let verb = prev.next().is_some_and(|w| LETTER_VERBS.contains(&w));
            return capital && (listed || cue || (prep && verb) || alone_on_line);
        }
        if alone_on_line {
            return true;
        }
        if listed {
            return true;
        }
        // In brackets on its own: "Backend Engineer (Go)", "[Rust]".
        let open = before.trim_end_matches(' ').ends_with(['(', '[', '（', '【']);
        let close = after.trim_start_matches(' ').starts_with([')', ']', '）', '】']);
        if open && close {
            return true;
        }
        // Beside Hangul or Han text nobody writes the English word: "Go로",
        // "熟悉Go", "Go 개발". (A Hangul name is always beside Hangul.)
        let latin = written.chars().next().is_some_and(|c| !is_cjk(c));
        let near = |c: Option<char>| latin && c.is_some_and(is_cjk);
        let next_non_space = after.trim_start_matches(' ').chars().next();
        let prev_non_space = before.trim_end_matches(' ').chars().next_back();
        if near(next_char) || near(prev_char) || near(next_non_space) || near(prev_non_space) {
            return true;
        }
        // A cue word after it: "Go developer", "Rust engineer", "Spring 6".
        if let Some(w) = next_word(after) {
            if CUES.contains(&w) {
                return true;
            }
            let version = w.chars().next().is_some_and(|c| c.is_ascii_digit())
                && !(w.len() == 4 && (w.starts_with("19") || w.starts_with("20")));
            if version && after.starts_with(' ') {
                return true;
            }
        }
        if guard == Guard::Cased && capital && !written.chars().skip(1).any(char::is_uppercase) {
            // Capitalised mid-sentence; at the start of a sentence or line a
            // capital says nothing.
            let p = before.trim_end_matches(' ');
            let sentence_start = match p.chars().next_back() {
                None => true,
                Some(c) => {
                    matches!(c, '.' | '!' | '?' | '\n' | ':' | '•' | '*' | '-' | '·' | '>' | '|' | '"' | '“' | '(')
                }
            };
            return !sentence_start;
        }
        false
    }

    /// Ranges of names in the text, for callers that only want which.
    pub fn find_ids(&self, text: &str) -> Vec<usize> {
        let n = Normalized::new(text);
        self.find(&n).into_iter().map(|h| h.tech).collect()
    }
}

/// Words after a guarded name that show it is the technology.
const CUES: &[&str] = &[
    "language",
    "lang",
    "developer",
    "developers",
    "engineer",
    "engineers",
    "programming",
    "programmer",
    "programmers",
    "framework",
    "backend",
    "back-end",
    "services",
    "service",
    "microservices",
    "code",
    "codebase",
    "stack",
    "ecosystem",
    "experience",
    "skills",
    "applications",
    "apps",
    "development",
    "developing",
    "toolchain",
    "modules",
    "cluster",
    "clusters",
    "charts",
    "server",
    "servers",
    "sdk",
    "runtime",
    "project",
    "projects",
];
/// The stricter cues for single letters ("C programming", "R language").
const LETTER_CUES: &[&str] = &["language", "programming", "programmer", "programmers", "developer", "developers"];

/// Words that, before "in"/"with"/"using", make a single letter a language.
const LETTER_VERBS: &[&str] = &[
    "written",
    "writing",
    "write",
    "firmware",
    "code",
    "coding",
    "programming",
    "development",
    "developing",
    "experience",
    "proficient",
    "proficiency",
    "skills",
    "expertise",
    "fluent",
    "fluency",
    "software",
    "drivers",
    "modules",
    "analysis",
];

/// The next word after a match, skipping one space ("go developer" → "developer").
fn next_word(after: &str) -> Option<&str> {
    let rest = after.strip_prefix(' ')?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.')).unwrap_or(rest.len());
    let w = rest[..end].trim_end_matches('.');
    (!w.is_empty()).then_some(w)
}

/// Whether the text between two names is a list separator: punctuation and
/// space, optionally one conjunction ("and", "or", "및", "和"), or a Korean
/// particle on the first name ("Go와 Rust").
fn list_gap(gap: &str, strict: bool) -> bool {
    const SEP: &[char] = &[
        ' ', ',', '/', '、', '(', ')', '·', '|', '&', ';', '，', '；', '（', '）', '[', ']', '【', '】', '+', '\n',
        '•', '-', '*', ':', '：', '・',
    ];
    const WORDS: &[&str] =
        &["and", "or", "및", "또는", "和", "与", "及", "或", "跟", "와", "과", "이나", "나", "및", "&"];
    if gap.len() > 24 {
        return false;
    }
    let words: Vec<&str> = gap.split(SEP).filter(|w| !w.is_empty()).collect();
    if strict {
        return words.is_empty() && !gap.contains('\n') && gap.trim() != "-";
    }
    if gap.matches('\n').count() > 1 {
        return false;
    }
    words.len() <= 1 && words.iter().all(|w| WORDS.contains(w))
}

/// Whether `text[s..e]`, holding `pat`, stands as a whole word: not inside a
/// longer Latin word or number, not the front of a longer Hangul word, and
/// not a domain name ("example.net").
fn bounded(text: &str, s: usize, e: usize, pat: &str) -> bool {
    let (Some(first), Some(last)) = (pat.chars().next(), pat.chars().next_back()) else { return false };
    let prev = text[..s].chars().next_back();
    let next = text[e..].chars().next();
    // left edge
    if let Some(p) = prev {
        if (is_latin_word(first) || !first.is_alphanumeric()) && (is_latin_word(p) || (first == '.' && p == '.')) {
            return false;
        }
        if is_hangul(first) && is_hangul(p) {
            return false;
        }
        if is_latin_word(first)
            && matches!(p, '.' | '@' | '#' | '$')
            && text[..s - 1].chars().next_back().is_some_and(is_latin_word)
        {
            return false;
        }
    }
    // right edge
    if let Some(nc) = next {
        if is_latin_word(last) || matches!(last, '+' | '#') {
            if nc.is_ascii_digit() && last.is_alphabetic() && pat.chars().count() > 1 {
                // a version glued on: "python3", "java8", "vue2", "es6"
                let rest = &text[e..];
                let digits_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
                return !rest[digits_end..].chars().next().is_some_and(|c| c.is_alphabetic() && !is_cjk(c));
            }
            if is_latin_word(nc) || matches!(nc, '+' | '#') {
                return false;
            }
            if nc == '.' && text[e + 1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
                // "react.dev", "config.go": a file or host name, unless it is a
                // known longer name (matched separately).
                let word_end =
                    text[e + 1..].find(|c: char| !c.is_ascii_alphanumeric()).map_or(text.len(), |i| e + 1 + i);
                let ext = &text[e + 1..word_end];
                if !matches!(ext, "js" | "ts" | "net" | "io" | "x") {
                    return false;
                }
            }
        }
        if is_hangul(last) && is_hangul(nc) {
            let rest = &text[e..];
            let run_end = rest.find(|c: char| !is_hangul(c)).unwrap_or(rest.len());
            return hangul_tail_ok(&rest[..run_end]);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_case_width_and_blanks_addresses() {
        let n = Normalized::new("Ｇｏ　ＲＥＡＣＴ mail jobs@go-corp.io or https://github.com/golang/go now");
        assert!(n.text.starts_with("go react mail "), "{}", n.text);
        assert!(!n.text.contains("golang"), "{}", n.text);
        assert!(!n.text.contains("go-corp"), "{}", n.text);
        assert!(n.text.ends_with(" now"));
        assert_eq!(n.original_of(0, 2), "Ｇｏ");
        let n = Normalized::new("Rust와 Go");
        assert_eq!(n.original_of(0, 4), "Rust");
        assert_eq!(n.original_of(8, 10), "Go");
    }

    /// The folding as first written, character by character, with an
    /// offset for every byte: the fast paths must give the very same text
    /// and offsets.
    fn reference(original: &str) -> (String, Vec<usize>) {
        let (mut text, mut orig) = (String::new(), Vec::new());
        for (i, c) in original.char_indices() {
            let c = unify(c);
            if c.is_ascii() {
                text.push(c.to_ascii_lowercase());
                orig.push(i);
                continue;
            }
            for l in c.to_lowercase() {
                let start = text.len();
                text.push(l);
                orig.extend(std::iter::repeat_n(i, text.len() - start));
            }
        }
        blank_addresses(&mut text);
        (text, orig)
    }

    #[test]
    fn fast_folding_is_the_reference_folding_for_every_character() {
        let every: String = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
        let samples = [
            every.as_str(),
            "Backend Engineer (Go) — 서울, ＲＥＡＣＴ와 Kotlin; İstanbul ΣΊΣΥΦΟΣ",
            "熟悉Go语言，３年以上经验 https://example.com/Go",
            "plain ascii only, Rust and C++",
        ];
        for s in samples {
            let n = Normalized::new(s);
            let (text, orig) = reference(s);
            assert_eq!(n.text, text);
            for (i, &o) in orig.iter().enumerate() {
                assert_eq!(n.origin(i), o, "byte {i} of the folded text");
            }
        }
    }

    #[test]
    fn hangul_tails() {
        assert!(hangul_tail_ok("를"));
        assert!(hangul_tail_ok("기반의"));
        assert!(hangul_tail_ok("엔진"));
        assert!(!hangul_tail_ok("클러"));
    }

    #[test]
    fn list_gaps() {
        assert!(list_gap(", ", false));
        assert!(list_gap(" and ", false));
        assert!(list_gap("와 ", false));
        assert!(list_gap("/", true));
        assert!(!list_gap(" and ", true));
        assert!(!list_gap(" to the ", false));
    }
}
