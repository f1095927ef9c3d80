//! What the stand-in GitHub knows: accounts, their repositories (with
//! languages, topics and files), and their merged pull requests elsewhere.
//! Built in code, deterministically, so each test says what it needs.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Account {
    pub id: u64,
    pub login: String,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
    pub created_at: String,
    pub followers: i64,
    pub repos: Vec<Repo>,
    pub pull_requests: Vec<PullRequest>,
    /// commits, pull requests, reviews, issues in the last year
    pub contributions: [i64; 4],
}

#[derive(Debug, Clone)]
pub struct Repo {
    pub owner: String,
    pub name: String,
    pub description: Option<String>,
    pub homepage: Option<String>,
    pub is_fork: bool,
    pub parent: Option<String>,
    pub is_archived: bool,
    pub is_empty: bool,
    pub is_private: bool,
    pub stars: i64,
    pub forks: i64,
    pub created_at: String,
    pub pushed_at: String,
    /// Linguist name → bytes, largest first as GitHub orders them.
    pub languages: Vec<(String, u64)>,
    pub topics: Vec<String>,
    /// Path at the default branch → contents.
    pub files: BTreeMap<String, String>,
    /// Commits by the owner on the default branch (what forks are checked for).
    pub own_commits: i64,
    pub license: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PullRequest {
    pub title: String,
    pub number: u32,
    pub repo_owner: String,
    pub repo_name: String,
    pub merged_at: String,
    pub repo_stars: i64,
    pub repo_language: Option<String>,
}

pub fn node_id(kind: &str, key: &str) -> String {
    format!("{kind}_{}", B64.encode(key).trim_end_matches('='))
}

impl Account {
    pub fn new(id: u64, login: &str) -> Self {
        Self {
            id,
            login: login.into(),
            name: Some(format!("{login} (stand-in)")),
            bio: Some("Backend developer".into()),
            company: None,
            location: Some("Seoul".into()),
            website: None,
            created_at: "2015-03-01T09:00:00Z".into(),
            followers: 42,
            repos: vec![],
            pull_requests: vec![],
            contributions: [512, 40, 22, 9],
        }
    }

    pub fn node_id(&self) -> String {
        node_id("U", &self.id.to_string())
    }

    pub fn with_repo(mut self, repo: Repo) -> Self {
        self.repos.push(Repo { owner: self.login.clone(), ..repo });
        self
    }

    pub fn with_repos(mut self, repos: impl IntoIterator<Item = Repo>) -> Self {
        for r in repos {
            self = self.with_repo(r);
        }
        self
    }

    /// `n` varied repositories: languages and manifests to match, every 7th
    /// a fork (every other one of those with the owner's commits), every
    /// 11th archived, every 13th empty.
    pub fn with_generated_repos(mut self, n: usize) -> Self {
        for i in 0..n {
            self = self.with_repo(Repo::generated(i));
        }
        self
    }

    pub fn with_pull_request(mut self, pr: PullRequest) -> Self {
        self.pull_requests.push(pr);
        self
    }
}

const KINDS: [(&str, &str, &str); 6] = [
    ("Rust", "Cargo.toml", "[package]\nname = \"svc{i}\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.8\"\ntokio = { version = \"1\", features = [\"full\"] }\n"),
    ("TypeScript", "package.json", "{\n  \"name\": \"web{i}\",\n  \"dependencies\": { \"react\": \"^19.0.0\", \"next\": \"15.0.0\" },\n  \"devDependencies\": { \"typescript\": \"^5.6.0\" }\n}\n"),
    ("Python", "requirements.txt", "fastapi==0.115.0\nuvicorn==0.30.0\npydantic>=2\n"),
    ("Go", "go.mod", "module github.com/example/tool{i}\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n)\n"),
    ("Kotlin", "build.gradle.kts", "plugins { id(\"org.springframework.boot\") version \"3.3.0\" }\ndependencies {\n    implementation(\"org.springframework.boot:spring-boot-starter-web\")\n}\n"),
    ("Java", "pom.xml", "<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>"),
];

impl Repo {
    pub fn new(name: &str) -> Self {
        Self {
            owner: String::new(),
            name: name.into(),
            description: None,
            homepage: None,
            is_fork: false,
            parent: None,
            is_archived: false,
            is_empty: false,
            is_private: false,
            stars: 0,
            forks: 0,
            created_at: "2024-01-10T00:00:00Z".into(),
            pushed_at: "2026-10-01T00:00:00Z".into(),
            languages: vec![],
            topics: vec![],
            files: BTreeMap::new(),
            own_commits: 0,
            license: Some("MIT".into()),
        }
    }

    pub fn generated(i: usize) -> Self {
        let (lang, manifest, text) = KINDS[i % KINDS.len()];
        let mut r = Repo::new(&format!("project-{i:03}"))
            .description(&format!("Project number {i}, written in {lang}"))
            .language(lang, 10_000 + (i as u64 * 7_919) % 500_000)
            .language("Shell", 500 + i as u64)
            .file(manifest, &text.replace("{i}", &i.to_string()))
            .file("README.md", &format!("# project-{i:03}\n\nA {lang} project."))
            .stars(((i * 37) % 200) as i64);
        r.pushed_at = format!("2026-{:02}-{:02}T12:00:00Z", 1 + (i * 5) % 10, 1 + i % 28);
        r.created_at = format!("20{:02}-06-01T00:00:00Z", 18 + i % 7);
        if i % 7 == 3 {
            r.is_fork = true;
            r.parent = Some(format!("upstream/project-{i:03}"));
            r.own_commits = if i.is_multiple_of(2) { 4 } else { 0 };
        }
        if i % 11 == 5 {
            r.is_archived = true;
        }
        if i % 13 == 12 {
            r = Repo::new(&format!("project-{i:03}")).empty();
        }
        r
    }

    pub fn nwo(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    pub fn node_id(&self) -> String {
        node_id("R", &self.nwo())
    }

    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.into());
        self
    }

    pub fn language(mut self, name: &str, bytes: u64) -> Self {
        self.languages.push((name.into(), bytes));
        self.languages.sort_by_key(|l| std::cmp::Reverse(l.1));
        self
    }

    pub fn topic(mut self, t: &str) -> Self {
        self.topics.push(t.into());
        self
    }

    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.files.insert(path.into(), text.into());
        self
    }

    pub fn stars(mut self, n: i64) -> Self {
        self.stars = n;
        self
    }

    pub fn pushed(mut self, at: &str) -> Self {
        self.pushed_at = at.into();
        self
    }

    pub fn fork_of(mut self, parent: &str, own_commits: i64) -> Self {
        self.is_fork = true;
        self.parent = Some(parent.into());
        self.own_commits = own_commits;
        self
    }

    pub fn archived(mut self) -> Self {
        self.is_archived = true;
        self
    }

    pub fn empty(mut self) -> Self {
        self.is_empty = true;
        self.languages.clear();
        self.files.clear();
        self
    }
}

impl PullRequest {
    pub fn new(repo: &str, number: u32, title: &str) -> Self {
        let (owner, name) = repo.split_once('/').expect("owner/name");
        Self {
            title: title.into(),
            number,
            repo_owner: owner.into(),
            repo_name: name.into(),
            merged_at: "2026-06-01T00:00:00Z".into(),
            repo_stars: 1200,
            repo_language: Some("Rust".into()),
        }
    }
}
