//! Dependency manifests at a repository's root: which packages it declares.
//! Each parser is forgiving about layout and strict about syntax: a file
//! that does not parse is reported as such (and shown to the user), never
//! guessed at.

use taxonomy::Ecosystem;

/// The manifests the import reads, by path at the repository root, and
/// the alias each has in the GraphQL query.
pub const MANIFESTS: &[(&str, &str)] = &[
    ("Cargo.toml", "cargoToml"),
    ("package.json", "packageJson"),
    ("go.mod", "goMod"),
    ("requirements.txt", "requirementsTxt"),
    ("pyproject.toml", "pyprojectToml"),
    ("pom.xml", "pomXml"),
    ("build.gradle", "buildGradle"),
    ("build.gradle.kts", "buildGradleKts"),
    ("Gemfile", "gemfile"),
    ("composer.json", "composerJson"),
    ("pubspec.yaml", "pubspecYaml"),
];

/// At most this many dependencies are kept per manifest.
pub const MAX_DEPENDENCIES: usize = 200;
/// Larger manifests are not read (real ones are a few KB; GitHub's blob
/// text for a hostile repository can be megabytes).
pub const MAX_MANIFEST_BYTES: usize = 256 * 1024;

pub fn ecosystem(path: &str) -> Option<Ecosystem> {
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(match name {
        "Cargo.toml" => Ecosystem::Cargo,
        "package.json" => Ecosystem::Npm,
        "go.mod" => Ecosystem::Go,
        "requirements.txt" | "pyproject.toml" => Ecosystem::Pypi,
        "pom.xml" | "build.gradle" | "build.gradle.kts" => Ecosystem::Maven,
        "Gemfile" => Ecosystem::Gem,
        "composer.json" => Ecosystem::Composer,
        "pubspec.yaml" => Ecosystem::Pub,
        n if n.ends_with(".csproj") => Ecosystem::Nuget,
        _ => return None,
    })
}

/// The declared dependencies of the manifest at `path`, or why it could not be read.
pub fn dependencies(path: &str, text: &str) -> Result<Vec<String>, String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(format!("too large to read (over {} KB)", MAX_MANIFEST_BYTES / 1024));
    }
    let mut deps = match name {
        "Cargo.toml" => cargo(text),
        "package.json" => json_keys(text, &["dependencies", "devDependencies", "peerDependencies"]),
        "composer.json" => {
            json_keys(text, &["require", "require-dev"]).map(|d| d.into_iter().filter(|n| n.contains('/')).collect())
        }
        "go.mod" => go_mod(text),
        "requirements.txt" => Ok(requirements(text)),
        "pyproject.toml" => pyproject(text),
        "pom.xml" => pom(text),
        "build.gradle" | "build.gradle.kts" => Ok(gradle(text)),
        "Gemfile" => Ok(gemfile(text)),
        "pubspec.yaml" => pubspec(text),
        n if n.ends_with(".csproj") => csproj(text),
        _ => Err("not a manifest we read".into()),
    }?;
    let mut seen = std::collections::HashSet::new();
    deps.retain(|d| !d.is_empty() && seen.insert(d.clone()));
    deps.truncate(MAX_DEPENDENCIES);
    Ok(deps)
}

fn toml_error(e: toml::de::Error) -> String {
    format!("not valid TOML: {}", e.message())
}

fn cargo(text: &str) -> Result<Vec<String>, String> {
    let doc: toml::Table = toml::from_str(text).map_err(toml_error)?;
    let mut out = Vec::new();
    let tables = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut collect = |t: &toml::Table| {
        for section in tables {
            if let Some(deps) = t.get(section).and_then(|v| v.as_table()) {
                for (name, spec) in deps {
                    // `foo = { package = "bar" }` depends on bar.
                    let real = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
                    out.push(real.to_string());
                }
            }
        }
    };
    collect(&doc);
    if let Some(ws) = doc.get("workspace").and_then(|v| v.as_table()) {
        collect(ws);
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.as_table()) {
        for t in targets.values().filter_map(|v| v.as_table()) {
            collect(t);
        }
    }
    Ok(out)
}

fn json_keys(text: &str, sections: &[&str]) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let obj = v.as_object().ok_or("not a JSON object")?;
    Ok(sections
        .iter()
        .filter_map(|s| obj.get(*s).and_then(|d| d.as_object()))
        .flat_map(|d| d.keys().cloned())
        .collect())
}

fn go_mod(text: &str) -> Result<Vec<String>, String> {
    if !text.lines().any(|l| l.trim_start().starts_with("module ")) {
        return Err("no `module` line".into());
    }
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let l = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if l == ")" {
                in_block = false;
            } else if let Some(path) = l.split_whitespace().next() {
                out.push(path.to_string());
            }
        } else if l == "require (" || l == "require(" {
            in_block = true;
        } else if let Some(rest) = l.strip_prefix("require ") {
            if let Some(path) = rest.split_whitespace().next() {
                out.push(path.to_string());
            }
        }
    }
    Ok(out)
}

/// The distribution name of a PEP 508 requirement: `Django>=4; python_version>"3"` → `Django`.
fn pep508_name(req: &str) -> Option<String> {
    let name: String =
        req.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    (!name.is_empty()).then_some(name)
}

fn requirements(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('-') && !l.contains("://"))
        .filter_map(pep508_name)
        .collect()
}

fn pyproject(text: &str) -> Result<Vec<String>, String> {
    let doc: toml::Table = toml::from_str(text).map_err(toml_error)?;
    let mut out = Vec::new();
    if let Some(project) = doc.get("project").and_then(|v| v.as_table()) {
        let lists = project.get("dependencies").and_then(|d| d.as_array()).into_iter().chain(
            project
                .get("optional-dependencies")
                .and_then(|o| o.as_table())
                .into_iter()
                .flat_map(|t| t.values().filter_map(|v| v.as_array())),
        );
        for list in lists {
            out.extend(list.iter().filter_map(|r| r.as_str()).filter_map(pep508_name));
        }
    }
    let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
    for section in ["dependencies", "dev-dependencies"] {
        if let Some(deps) = poetry.and_then(|p| p.get(section)).and_then(|d| d.as_table()) {
            out.extend(deps.keys().filter(|k| k.as_str() != "python").cloned());
        }
    }
    Ok(out)
}

/// Text between `<tag>` and `</tag>` in `block`, if any.
/// Walk an XML document once, front to back (quick-xml: linear in its
/// length, however hostile), calling `on` with each element's path of
/// local names on open, on text and on close.
fn walk_xml(text: &str, mut on: impl FnMut(XmlEvent<'_>)) -> Result<(), String> {
    use quick_xml::{events::Event, Reader};
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let name = |raw: &[u8]| String::from_utf8_lossy(raw).into_owned();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(name(e.local_name().as_ref()));
                on(XmlEvent::Open { path: &path, attrs: &e });
            }
            Ok(Event::Empty(e)) => {
                path.push(name(e.local_name().as_ref()));
                on(XmlEvent::Open { path: &path, attrs: &e });
                on(XmlEvent::Close { path: &path });
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let text = t.unescape().map_err(|e| format!("not valid XML: {e}"))?;
                on(XmlEvent::Text { path: &path, text: text.trim() });
            }
            Ok(Event::End(_)) => {
                on(XmlEvent::Close { path: &path });
                path.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("not valid XML: {e}")),
        }
        if path.len() > 64 {
            return Err("nested too deeply".into());
        }
    }
    if !path.is_empty() {
        return Err(format!("<{}> is never closed", path.last().map(String::as_str).unwrap_or("?")));
    }
    Ok(())
}

enum XmlEvent<'a> {
    Open { path: &'a [String], attrs: &'a quick_xml::events::BytesStart<'a> },
    Text { path: &'a [String], text: &'a str },
    Close { path: &'a [String] },
}

fn attribute(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key).ok().flatten().and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn pom(text: &str) -> Result<Vec<String>, String> {
    // Dependencies first, then the parent, then plugins (the order their
    // evidence is listed in).
    let mut found: [Vec<String>; 3] = Default::default();
    let mut current: Option<(usize, usize, Option<String>, Option<String>)> = None;
    let mut saw_project = false;
    walk_xml(text, |ev| match ev {
        XmlEvent::Open { path, .. } => {
            let last = path.last().map(String::as_str);
            if path.len() == 1 && last == Some("project") {
                saw_project = true;
            }
            if let Some(kind) = ["dependency", "parent", "plugin"].iter().position(|t| Some(*t) == last) {
                current = Some((kind, path.len(), None, None));
            }
        }
        XmlEvent::Text { path, text } => {
            if let Some((_, depth, group, artifact)) = current.as_mut() {
                if path.len() == *depth + 1 {
                    match path.last().map(String::as_str) {
                        Some("groupId") => *group = Some(text.to_string()),
                        Some("artifactId") => *artifact = Some(text.to_string()),
                        _ => {}
                    }
                }
            }
        }
        XmlEvent::Close { path } => {
            if current.as_ref().is_some_and(|(_, depth, ..)| *depth == path.len()) {
                if let Some((kind, _, Some(g), Some(a))) = current.take() {
                    found[kind].push(format!("{g}:{a}"));
                }
            }
        }
    })?;
    if !saw_project {
        return Err("no <project> element".into());
    }
    Ok(found.concat())
}

fn gradle(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("//") {
            continue;
        }
        // "group:artifact:version" or 'group:artifact' anywhere on the line.
        for quote in ['"', '\''] {
            let mut parts = l.split(quote);
            parts.next();
            while let Some(inside) = parts.next() {
                let segs: Vec<&str> = inside.split(':').collect();
                if segs.len() >= 2
                    && segs[..2].iter().all(|s| {
                        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    })
                {
                    out.push(format!("{}:{}", segs[0], segs[1]));
                }
                parts.next();
            }
        }
        // Plugins: id("org.springframework.boot") / id 'org.springframework.boot'
        if let Some(rest) = l.strip_prefix("id") {
            let id: String = rest
                .trim_start_matches(['(', ' '])
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                .collect();
            if id.contains('.') {
                out.push(format!("{id}:{id}.gradle.plugin"));
            }
        }
    }
    out
}

fn gemfile(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("gem "))
        .filter_map(|rest| {
            let rest = rest.trim_start();
            let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            rest[1..].split(q).next().map(str::to_string)
        })
        .collect()
}

fn pubspec(text: &str) -> Result<Vec<String>, String> {
    if !text.lines().any(|l| l.starts_with("name:")) {
        return Err("no top-level `name:`".into());
    }
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            in_deps = matches!(line.trim_end(), "dependencies:" | "dev_dependencies:");
            continue;
        }
        if in_deps && indent == 2 {
            if let Some((name, _)) = line.trim().split_once(':') {
                out.push(name.trim().to_string());
            }
        }
    }
    Ok(out)
}

fn csproj(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut saw_project = false;
    walk_xml(text, |ev| {
        if let XmlEvent::Open { path, attrs } = ev {
            match path.last().map(String::as_str) {
                Some("Project") if path.len() == 1 => {
                    saw_project = true;
                    // The web SDK is ASP.NET Core even without a package reference.
                    if attribute(attrs, "Sdk").as_deref() == Some("Microsoft.NET.Sdk.Web") {
                        out.push("Microsoft.AspNetCore.App".to_string());
                    }
                }
                Some("PackageReference") => out.extend(attribute(attrs, "Include")),
                _ => {}
            }
        }
    })?;
    if !saw_project {
        return Err("no <Project> element".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_reads_every_dependency_table_and_renames() {
        let t = r#"
[package]
name = "x"
[dependencies]
axum = "0.8"
tokio = { version = "1", features = ["full"] }
json = { package = "serde_json", version = "1" }
[dev-dependencies]
reqwest = "0.12"
[target.'cfg(unix)'.dependencies]
nix = "0.29"
"#;
        assert_eq!(dependencies("Cargo.toml", t).unwrap(), ["axum", "serde_json", "tokio", "reqwest", "nix"]);
    }

    #[test]
    fn a_broken_manifest_says_why() {
        let e = dependencies("Cargo.toml", "[dependencies\naxum = ").unwrap_err();
        assert!(e.starts_with("not valid TOML"), "{e}");
        let e = dependencies("package.json", "{\"dependencies\": {\"react\": ").unwrap_err();
        assert!(e.starts_with("not valid JSON"), "{e}");
        assert!(dependencies("pom.xml", "<dependency>").is_err());
        assert!(dependencies("x.csproj", "<Project><PackageReference Include=").is_err());
    }

    #[test]
    fn hostile_xml_is_refused_or_read_in_one_pass() {
        // Thousands of unterminated tags: one pass finds the error.
        let hostile = format!("<Project>{}", "<PackageReference ".repeat(10_000));
        assert!(dependencies("Api.csproj", &hostile).is_err());
        let too_big = format!("<project>{}</project>", " ".repeat(MAX_MANIFEST_BYTES));
        assert!(dependencies("pom.xml", &too_big).unwrap_err().contains("too large"));
        let deep = format!("<project>{}", "<a>".repeat(100));
        assert!(dependencies("pom.xml", &deep).is_err());
    }

    #[test]
    fn npm_go_python_ruby_php_dart_dotnet() {
        assert_eq!(
            dependencies(
                "package.json",
                r#"{"dependencies":{"react":"^19","next":"15"},"devDependencies":{"vitest":"3"}}"#
            )
            .unwrap(),
            ["react", "next", "vitest"],
            "in the order written"
        );
        let gomod = "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0 // indirect\n\tgorm.io/gorm v1.25.0\n)\nrequire github.com/redis/go-redis/v9 v9.5.0\n";
        assert_eq!(
            dependencies("go.mod", gomod).unwrap(),
            ["github.com/gin-gonic/gin", "gorm.io/gorm", "github.com/redis/go-redis/v9"]
        );
        assert_eq!(
            dependencies("requirements.txt", "# web\nDjango>=4.2\nfastapi[all]==0.110\n-r dev.txt\ngit+https://x/y\n")
                .unwrap(),
            ["Django", "fastapi"]
        );
        let py = "[project]\nname='x'\ndependencies=['fastapi>=0.1', 'SQLAlchemy']\n[tool.poetry.dependencies]\npython='^3.11'\ncelery='5'\n";
        assert_eq!(dependencies("pyproject.toml", py).unwrap(), ["fastapi", "SQLAlchemy", "celery"]);
        assert_eq!(dependencies("Gemfile", "source 'x'\ngem 'rails', '~> 7'\ngem \"pg\"\n").unwrap(), ["rails", "pg"]);
        assert_eq!(
            dependencies("composer.json", r#"{"require":{"php":">=8.2","laravel/framework":"^11"}}"#).unwrap(),
            ["laravel/framework"]
        );
        let pubspec = "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n  http: ^1.0.0\ndev_dependencies:\n  flutter_test:\n    sdk: flutter\n";
        assert_eq!(dependencies("pubspec.yaml", pubspec).unwrap(), ["flutter", "http", "flutter_test"]);
        let csproj = r#"<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><PackageReference Include="Dapper" Version="2" /></ItemGroup></Project>"#;
        assert_eq!(dependencies("Api.csproj", csproj).unwrap(), ["Microsoft.AspNetCore.App", "Dapper"]);
    }

    #[test]
    fn jvm_builds() {
        let pom = "<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent><dependencies><dependency>\n<groupId>org.springframework.boot</groupId>\n<artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>";
        assert_eq!(
            dependencies("pom.xml", pom).unwrap(),
            ["org.springframework.boot:spring-boot-starter-web", "org.springframework.boot:spring-boot-starter-parent"]
        );
        let gradle = "plugins {\n  id(\"org.springframework.boot\") version \"3.3.0\"\n}\ndependencies {\n  implementation(\"org.springframework.boot:spring-boot-starter-web\")\n  testImplementation 'org.junit.jupiter:junit-jupiter:5.10.0'\n}\n";
        assert_eq!(
            dependencies("build.gradle.kts", gradle).unwrap(),
            [
                "org.springframework.boot:org.springframework.boot.gradle.plugin",
                "org.springframework.boot:spring-boot-starter-web",
                "org.junit.jupiter:junit-jupiter"
            ]
        );
    }

    #[test]
    fn dependencies_are_bounded() {
        let many: String = (0..500).map(|i| format!("pkg{i}\n")).collect();
        assert_eq!(dependencies("requirements.txt", &many).unwrap().len(), MAX_DEPENDENCIES);
    }
}
