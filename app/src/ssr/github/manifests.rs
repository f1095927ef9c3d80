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
fn xml_text<'a>(block: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = block.find(&open)? + open.len();
    let end = block[start..].find(&format!("</{tag}>"))?;
    Some(block[start..start + end].trim())
}

fn pom(text: &str) -> Result<Vec<String>, String> {
    if !text.contains("<project") {
        return Err("no <project> element".into());
    }
    let mut out = Vec::new();
    for tag in ["dependency", "parent", "plugin"] {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let mut rest = text;
        while let Some(start) = rest.find(&open) {
            let body = &rest[start + open.len()..];
            let Some(end) = body.find(&close) else { return Err(format!("<{tag}> is never closed")) };
            let block = &body[..end];
            if let (Some(g), Some(a)) = (xml_text(block, "groupId"), xml_text(block, "artifactId")) {
                out.push(format!("{g}:{a}"));
            }
            rest = &body[end..];
        }
    }
    Ok(out)
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
    if !text.contains("<Project") {
        return Err("no <Project> element".into());
    }
    let mut out = Vec::new();
    // The web SDK is ASP.NET Core even without a package reference.
    if text.contains("Sdk=\"Microsoft.NET.Sdk.Web\"") {
        out.push("Microsoft.AspNetCore.App".to_string());
    }
    let mut rest = text;
    while let Some(i) = rest.find("<PackageReference") {
        rest = &rest[i + 1..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(j) = tag.find("Include=\"") {
            let v = &tag[j + 9..];
            if let Some(end) = v.find('"') {
                out.push(v[..end].to_string());
            }
        }
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
