//! The technology dictionary, shared by the GitHub import (which technologies
//! a repository's manifests and topics reveal) and the job-market analysis
//! (which technologies a posting's text names).
//!
//! The data is curated in `data/technologies.toml`; GitHub Explore topic
//! aliases come from `data/topic-aliases.json` (content based on
//! github.com/github/explore, CC-BY-4.0). Both are compiled in.

pub mod eval;
mod linguist;
pub mod market;
pub mod posting;
mod text;

pub use linguist::{Language, LanguageType, Languages};
pub use posting::{Experience, Extraction, JobCategory, Lang, Level, Mention, Requirement};

use serde::Deserialize;
use std::collections::HashMap;

const TECHNOLOGIES: &str = include_str!("../data/technologies.toml");
const TOPIC_ALIASES: &str = include_str!("../data/topic-aliases.json");

/// Where a dependency was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// package.json
    Npm,
    /// Cargo.toml
    Cargo,
    /// requirements.txt, pyproject.toml
    Pypi,
    /// go.mod (module paths)
    Go,
    /// pom.xml, build.gradle(.kts): `group:artifact`
    Maven,
    /// Gemfile
    Gem,
    /// composer.json
    Composer,
    /// pubspec.yaml
    Pub,
    /// *.csproj
    Nuget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Language,
    Frontend,
    Backend,
    Mobile,
    Data,
    Ml,
    Database,
    Infra,
    Cloud,
    Testing,
    Tooling,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Technology {
    pub id: String,
    pub name: String,
    pub category: Category,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    npm: Vec<String>,
    #[serde(default)]
    cargo: Vec<String>,
    #[serde(default)]
    pypi: Vec<String>,
    #[serde(default)]
    go: Vec<String>,
    #[serde(default)]
    maven: Vec<String>,
    #[serde(default)]
    gem: Vec<String>,
    #[serde(default)]
    composer: Vec<String>,
    #[serde(default)]
    r#pub: Vec<String>,
    #[serde(default)]
    nuget: Vec<String>,
    /// How the names in `guarded` are matched in free text (see
    /// [`Guard`]); the other names match wherever they stand as words.
    #[serde(default)]
    guard: Guard,
    /// Names that are also ordinary words ("Go", "Spring", "C"): found in a
    /// posting only with the evidence `guard` asks for.
    #[serde(default)]
    guarded: Vec<String>,
    /// Phrases in which a guarded name is an ordinary word ("go to",
    /// "c-level", "spring 20…"); matched as prefixes of the text at a word
    /// start, so "spring 20" covers every year.
    #[serde(default)]
    stop: Vec<String>,
    /// The job category a posting that names this technology leans to, when
    /// the technology's own category does not say it (HTML → frontend,
    /// STM32 → embedded).
    #[serde(default)]
    job: Option<JobCategory>,
}

impl Technology {
    fn packages(&self, eco: Ecosystem) -> &[String] {
        match eco {
            Ecosystem::Npm => &self.npm,
            Ecosystem::Cargo => &self.cargo,
            Ecosystem::Pypi => &self.pypi,
            Ecosystem::Go => &self.go,
            Ecosystem::Maven => &self.maven,
            Ecosystem::Gem => &self.gem,
            Ecosystem::Composer => &self.composer,
            Ecosystem::Pub => &self.r#pub,
            Ecosystem::Nuget => &self.nuget,
        }
    }
}

/// What a guarded name needs to count as the technology in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Guard {
    /// No guard: the name is the technology wherever it is a whole word.
    #[default]
    None,
    /// Written with a capital ("Go", "Rust", "Spring") in the middle of a
    /// sentence is enough; or any of the `Context` evidence.
    Cased,
    /// Needs evidence: a neighbouring technology in a list ("Go, Rust",
    /// "Chef/Puppet"), Hangul or Han text right beside it ("Go로",
    /// "熟悉Go"), a cue word ("Go developer", "Go 언어") or a version
    /// number ("Spring 6").
    Context,
    /// A single letter ("C", "R"): capitalised and listed right beside
    /// another technology ("C/C++", "Python, R"), or a cue such as
    /// "language" / "언어" / "语言".
    Letter,
}

#[derive(Deserialize)]
struct File {
    tech: Vec<Technology>,
}

#[derive(Deserialize)]
struct TopicFile {
    aliases: HashMap<String, Vec<String>>,
}

/// A pattern for a package name: exact, or a prefix (`aws-sdk-*`).
#[derive(Debug)]
enum Pattern {
    Exact(String),
    Prefix(String),
}

impl Pattern {
    fn new(p: &str, eco: Ecosystem) -> Self {
        let p = normalize_package(p, eco);
        match p.strip_suffix('*') {
            Some(prefix) => Pattern::Prefix(prefix.to_string()),
            None => Pattern::Exact(p),
        }
    }

    fn matches(&self, name: &str) -> bool {
        match self {
            Pattern::Exact(e) => e == name,
            Pattern::Prefix(p) => name.starts_with(p.as_str()),
        }
    }
}

/// Package names compare the way each registry does: PyPI folds case and
/// treats `-`, `_` and `.` alike; NuGet folds case; the rest are exact.
fn normalize_package(name: &str, eco: Ecosystem) -> String {
    let name = name.trim();
    match eco {
        Ecosystem::Pypi => name.to_ascii_lowercase().replace(['_', '.'], "-"),
        Ecosystem::Nuget | Ecosystem::Composer => name.to_ascii_lowercase(),
        _ => name.to_string(),
    }
}

pub struct Taxonomy {
    techs: Vec<Technology>,
    by_id: HashMap<String, usize>,
    /// lower-cased names, aliases and topics → technology
    by_name: HashMap<String, usize>,
    packages: HashMap<Ecosystem, Vec<(Pattern, usize)>>,
    /// The multi-pattern matcher over every name for free text, built once.
    matcher: text::Matcher,
    /// The posting's own words: job categories, headings, cues.
    rules: posting::Rules,
}

const ECOSYSTEMS: [Ecosystem; 9] = [
    Ecosystem::Npm,
    Ecosystem::Cargo,
    Ecosystem::Pypi,
    Ecosystem::Go,
    Ecosystem::Maven,
    Ecosystem::Gem,
    Ecosystem::Composer,
    Ecosystem::Pub,
    Ecosystem::Nuget,
];

impl Taxonomy {
    /// The compiled-in dictionary. Panics only if the shipped data is
    /// malformed, which the unit tests rule out.
    pub fn builtin() -> Self {
        let file: File = toml::from_str(TECHNOLOGIES).expect("data/technologies.toml is valid");
        let topics: TopicFile = serde_json::from_str(TOPIC_ALIASES).expect("data/topic-aliases.json is valid");
        Self::from_parts(file.tech, topics.aliases)
    }

    fn from_parts(techs: Vec<Technology>, topic_aliases: HashMap<String, Vec<String>>) -> Self {
        let mut by_id = HashMap::new();
        let mut by_name = HashMap::new();
        let mut packages: HashMap<Ecosystem, Vec<(Pattern, usize)>> = HashMap::new();
        for (i, t) in techs.iter().enumerate() {
            assert!(by_id.insert(t.id.clone(), i).is_none(), "duplicate technology id {}", t.id);
            let names = [&t.id, &t.name].into_iter().chain(&t.aliases).chain(&t.guarded);
            for n in names {
                // The first curated claim to a name wins.
                by_name.entry(fold(n)).or_insert(i);
            }
            for eco in ECOSYSTEMS {
                for p in t.packages(eco) {
                    packages.entry(eco).or_default().push((Pattern::new(p, eco), i));
                }
            }
        }
        // GitHub's topic aliases come after every curated name: the `vue`
        // topic's alias `vuex` must not take Vuex's own name.
        for (i, t) in techs.iter().enumerate() {
            if let Some(topic) = &t.topic {
                let names = std::iter::once(topic).chain(topic_aliases.get(topic).into_iter().flatten());
                for n in names {
                    by_name.entry(fold(n)).or_insert(i);
                }
            }
        }
        let matcher = text::Matcher::new(&techs);
        Self { techs, by_id, by_name, packages, matcher, rules: posting::Rules::new() }
    }

    pub fn all(&self) -> &[Technology] {
        &self.techs
    }

    pub fn get(&self, id: &str) -> Option<&Technology> {
        self.by_id.get(id).map(|&i| &self.techs[i])
    }

    /// The technology a name, alias or GitHub topic stands for:
    /// `k8s` → Kubernetes, `React.js` → React, `쿠버네티스` → Kubernetes.
    pub fn resolve(&self, name: &str) -> Option<&Technology> {
        self.by_name.get(&fold(name)).map(|&i| &self.techs[i])
    }

    /// The technology a declared dependency reveals, if it is one we know.
    /// Exact names win over prefixes.
    pub fn for_dependency(&self, eco: Ecosystem, package: &str) -> Option<&Technology> {
        let name = normalize_package(package, eco);
        let list = self.packages.get(&eco)?;
        list.iter()
            .find(|(p, _)| matches!(p, Pattern::Exact(_)) && p.matches(&name))
            .or_else(|| list.iter().find(|(p, _)| p.matches(&name)))
            .map(|&(_, i)| &self.techs[i])
    }

    /// Every technology a free text names, in order of first mention, each
    /// once. Matches whole words in Latin, Hangul and Han text ("Go" is
    /// found in "Go, Rust" and "Go로" but not in "going" or "go to market";
    /// "쿠버네티스를" is Kubernetes), with the same rules as
    /// [`Taxonomy::extract_posting`].
    pub fn find_in_text(&self, text: &str) -> Vec<&Technology> {
        let mut seen = std::collections::HashSet::new();
        self.matcher.find_ids(text).into_iter().filter(|t| seen.insert(*t)).map(|t| &self.techs[t]).collect()
    }
}

/// Case-folded, with runs of white space as one space.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Taxonomy {
        Taxonomy::builtin()
    }

    fn id(t: Option<&Technology>) -> Option<&str> {
        t.map(|t| t.id.as_str())
    }

    #[test]
    fn the_shipped_data_loads_and_every_entry_is_complete() {
        let tax = t();
        assert!(tax.all().len() >= 60);
        for tech in tax.all() {
            assert!(!tech.name.is_empty(), "{}", tech.id);
            assert_eq!(id(tax.resolve(&tech.name)), Some(tech.id.as_str()), "{} resolves by its own name", tech.name);
        }
    }

    #[test]
    fn aliases_in_any_case_and_language() {
        let tax = t();
        for (alias, expected) in [
            ("k8s", "kubernetes"),
            ("React.js", "react"),
            ("쿠버네티스", "kubernetes"),
            ("golang", "go"),
            ("Spring  Boot", "spring-boot"),
            ("postgres", "postgresql"),
            ("reactjs", "react"),
            ("vuejs3", "vue"),
            ("node.js", "nodejs"),
        ] {
            assert_eq!(id(tax.resolve(alias)), Some(expected), "{alias}");
        }
        assert!(tax.resolve("not-a-technology").is_none());
    }

    #[test]
    fn dependencies_reveal_frameworks() {
        let tax = t();
        for (eco, package, expected) in [
            (Ecosystem::Npm, "react", "react"),
            (Ecosystem::Npm, "next", "nextjs"),
            (Ecosystem::Npm, "@aws-sdk/client-s3", "aws"),
            (Ecosystem::Cargo, "axum", "axum"),
            (Ecosystem::Cargo, "tokio", "tokio"),
            (Ecosystem::Cargo, "aws-sdk-s3", "aws"),
            (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-web", "spring-boot"),
            (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-data-redis", "redis"),
            (Ecosystem::Pypi, "Django", "django"),
            (Ecosystem::Pypi, "psycopg2_binary", "postgresql"),
            (Ecosystem::Pypi, "fastapi", "fastapi"),
            (Ecosystem::Go, "github.com/gin-gonic/gin", "gin"),
            (Ecosystem::Go, "github.com/jackc/pgx/v5", "postgresql"),
            (Ecosystem::Composer, "Laravel/Framework", "laravel"),
            (Ecosystem::Pub, "flutter", "flutter"),
            (Ecosystem::Nuget, "Microsoft.AspNetCore.App", "aspnet"),
        ] {
            assert_eq!(id(tax.for_dependency(eco, package)), Some(expected), "{eco:?} {package}");
        }
        assert!(tax.for_dependency(Ecosystem::Npm, "left-pad").is_none());
        assert!(tax.for_dependency(Ecosystem::Cargo, "react").is_none(), "ecosystems do not mix");
    }

    #[test]
    fn text_matching_finds_whole_words_once_in_order() {
        let tax = t();
        let found: Vec<_> = tax
            .find_in_text(
                "We use Go, Kubernetes (k8s) and React.js. Going forward: 쿠버네티스 운영, Spring Boot, C++ and C#.",
            )
            .into_iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(found, ["go", "kubernetes", "react", "spring-boot", "cpp", "csharp"]);
        let none: Vec<_> =
            tax.find_in_text("going, gopher, reactive, nodes").into_iter().map(|t| t.id.clone()).collect();
        assert!(none.is_empty(), "{none:?}");
        let slash: Vec<_> = tax.find_in_text("Java/Kotlin, AWS/GCP").into_iter().map(|t| t.id.as_str()).collect();
        assert_eq!(slash, ["java", "kotlin", "aws", "gcp"]);
        let korean: Vec<_> = tax
            .find_in_text("쿠버네티스를 운영하고 React와 TypeScript로 개발합니다")
            .into_iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(korean, ["kubernetes", "react", "typescript"], "particles are not part of the name");
    }
}
