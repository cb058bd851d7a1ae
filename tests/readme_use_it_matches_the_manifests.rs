//! The README's "Use it" lines are what a new project can paste: every `[dependencies]` line names
//! a publishable crate of this workspace, asks for a version requirement its current version
//! meets, and enables only features that crate has; the stated Rust version is `rust-version`;
//! and the three documented builds (default, pull only, push only) are all there.

use std::collections::BTreeMap;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A workspace crate as the manifests declare it.
#[derive(Debug)]
struct Crate {
    version: String,
    features: Vec<String>,
    publish: bool,
}

/// The value of `key = "value"` on a trimmed manifest line.
fn string_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    rest.strip_prefix('"')?.split('"').next()
}

/// Name, features and `publish` of the manifest at `dir` (the version is the workspace's: every
/// member says `version.workspace = true`, checked here).
fn read_crate(dir: &str) -> (String, Crate) {
    let text = std::fs::read_to_string(format!("{dir}/Cargo.toml")).unwrap();
    let (mut section, mut name, mut features, mut publish) = (String::new(), None, vec![], true);
    let mut workspace_version = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        match section.as_str() {
            "[package]" => {
                if let Some(n) = string_value(line, "name") {
                    name = Some(n.to_string());
                }
                workspace_version |= line.replace(' ', "") == "version.workspace=true";
                if line.replace(' ', "") == "publish=false" {
                    publish = false;
                }
            }
            "[features]" => {
                if let Some((f, _)) = line.split_once('=') {
                    if !f.trim().starts_with('#') {
                        features.push(f.trim().to_string());
                    }
                }
            }
            _ => {}
        }
    }
    assert!(
        workspace_version,
        "{dir}/Cargo.toml: expected version.workspace = true"
    );
    let name = name.unwrap_or_else(|| panic!("{dir}/Cargo.toml has no [package] name"));
    let version = env!("CARGO_PKG_VERSION").to_string();
    (
        name,
        Crate {
            version,
            features,
            publish,
        },
    )
}

/// Every crate of the workspace: the root and each `members` entry.
fn workspace() -> BTreeMap<String, Crate> {
    let root = std::fs::read_to_string(format!("{ROOT}/Cargo.toml")).unwrap();
    let members = root
        .lines()
        .find_map(|l| l.trim().strip_prefix("members"))
        .expect("[workspace] members");
    let mut crates: BTreeMap<_, _> = members
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|m| read_crate(&format!("{ROOT}/{m}")))
        .collect();
    let (name, c) = read_crate(ROOT);
    crates.insert(name, c);
    crates
}

/// Does `version` meet the caret requirement `req` ("0.1", "0.1.0", "1")?
fn caret_matches(req: &str, version: &str) -> bool {
    let r: Vec<u64> = req.split('.').map(|p| p.parse().unwrap()).collect();
    let v: Vec<u64> = version.split('.').map(|p| p.parse().unwrap()).collect();
    let first_nonzero = r.iter().position(|&x| x != 0).unwrap_or(r.len() - 1);
    // Equal up to and including the first non-zero component; not below the rest.
    r[..=first_nonzero] == v[..=first_nonzero] && v[..r.len()] >= r[..]
}

/// One `name = ...` dependency line from a README toml block.
#[derive(Debug, PartialEq)]
struct Dep {
    name: String,
    version: String,
    default_features: bool,
    features: Vec<String>,
}

fn parse_dep(line: &str) -> Dep {
    let (name, spec) = line.split_once('=').unwrap();
    let spec = spec.trim();
    let quoted = |s: &str| s.split('"').nth(1).unwrap().to_string();
    let mut dep = Dep {
        name: name.trim().to_string(),
        version: String::new(),
        default_features: true,
        features: vec![],
    };
    if spec.starts_with('"') {
        dep.version = quoted(spec);
        return dep;
    }
    let inner = spec
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or_else(|| panic!("unsupported dependency spec: {line}"));
    let (head, features) = match inner.split_once("features = [") {
        Some((h, f)) if !h.trim_end().ends_with("default-") => (h, Some(f)),
        _ => (inner, None),
    };
    for part in head.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap();
        match k.trim() {
            "version" => dep.version = quoted(v),
            "default-features" => dep.default_features = v.trim() == "true",
            other => panic!("unexpected key {other:?} in: {line}"),
        }
    }
    if let Some(f) = features {
        let list = f.split(']').next().unwrap();
        dep.features = list
            .split('"')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect();
    }
    dep
}

/// The `[dependencies]` lines of the toml blocks in the README's "## Use it" section.
fn readme_deps(readme: &str) -> Vec<Dep> {
    let start = readme
        .find("\n## Use it\n")
        .expect("README has a \"## Use it\" section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut deps = vec![];
    for block in section.split("```toml\n").skip(1) {
        let block = &block[..block.find("```").expect("closed toml block")];
        assert!(
            block.starts_with("[dependencies]\n"),
            "each block starts with [dependencies]:\n{block}"
        );
        deps.extend(
            block
                .lines()
                .skip(1)
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(parse_dep),
        );
    }
    deps
}

#[test]
fn readme_dependency_lines_name_real_crates_versions_and_features() {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let crates = workspace();
    let deps = readme_deps(&readme);
    assert!(!deps.is_empty());
    for d in &deps {
        let c = crates
            .get(&d.name)
            .unwrap_or_else(|| panic!("README names {:?}, not a workspace crate", d.name));
        assert!(
            c.publish,
            "README asks for {}, which is publish = false",
            d.name
        );
        assert!(
            caret_matches(&d.version, &c.version),
            "README asks for {} = {:?}, but the crate is {}",
            d.name,
            d.version,
            c.version
        );
        for f in &d.features {
            assert!(
                c.features.contains(f),
                "README enables {}/{f}, which is not among its features {:?}",
                d.name,
                c.features
            );
        }
    }
    let census = |default_features: bool, features: &[&str]| {
        deps.iter().any(|d| {
            d.name == "census" && d.default_features == default_features && d.features == features
        })
    };
    assert!(census(true, &[]), "README shows the default census line");
    assert!(
        census(false, &["prometheus"]),
        "README shows the pull-only line"
    );
    assert!(
        census(false, &["pushgateway"]),
        "README shows the push-only line"
    );
    let msrv = env!("CARGO_PKG_RUST_VERSION");
    assert!(
        readme.contains(&format!("Rust {msrv} or newer")),
        "README states the rust-version ({msrv})"
    );
}

#[test]
fn the_readme_parser_reads_every_form_it_accepts() {
    assert_eq!(
        parse_dep(
            r#"census = { version = "0.1", default-features = false, features = ["a", "b"] }"#
        ),
        Dep {
            name: "census".into(),
            version: "0.1".into(),
            default_features: false,
            features: vec!["a".into(), "b".into()],
        }
    );
    assert_eq!(parse_dep(r#"census-sdk = "0.1""#).version, "0.1");
    assert!(caret_matches("0.1", "0.1.0"));
    assert!(caret_matches("0.1", "0.1.7"));
    assert!(!caret_matches("0.2", "0.1.0"));
    assert!(!caret_matches("0.1.3", "0.1.0"));
    assert!(caret_matches("1", "1.4.0"));
    assert!(!caret_matches("1.5", "1.4.0"));
}
