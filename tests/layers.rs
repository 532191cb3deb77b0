//! The shape of `src/`: its top-level modules stand in layers, and each uses only modules of
//! its own layer or the layers below it; none reaches, through others, back to itself; and no
//! function is longer than a screen or two.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom first (README.md, "Architecture").
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundations",
        &["date", "diag", "html", "progress", "sentence", "texts"],
    ),
    (
        "content model",
        &["config", "frontmatter", "graph", "i18n", "links", "markdown", "model"],
    ),
    ("site", &["site"]),
    ("input and output", &["load", "output", "search"]),
    ("pipeline and checks", &["build", "check"]),
    ("commands", &["cli", "cmd", "serve"]),
];

/// Each top-level module of the crate, with the top-level modules its code (not its comments
/// nor its unit tests) names through `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".rs") || rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let module = rel.split(['/', '.']).next().unwrap().to_string();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let code: Vec<&str> = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
        texts.entry(module).or_default().push_str(&code.join("\n"));
    }
    let modules: BTreeSet<String> = texts.keys().cloned().collect();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    texts
        .iter()
        .map(|(module, code)| {
            let mut names = BTreeSet::new();
            for after in code.split("crate::").skip(1) {
                // `crate::x…`, or each first name of `crate::{x::…, y, …}`.
                let firsts: Vec<String> = match after.strip_prefix('{') {
                    Some(group) => top_level_parts(group).iter().map(|part| ident(part.trim())).collect(),
                    None => vec![ident(after)],
                };
                names.extend(firsts.into_iter().filter(|n| modules.contains(n) && n != module));
            }
            (module.clone(), names)
        })
        .collect()
}

/// The parts of a `{…}` group up to its closing brace, split at the commas of its own level:
/// `model::{Kind, Note}, site}` gives `model::{Kind, Note}` and `site`.
fn top_level_parts(group: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                parts.push(&group[start..i]);
                return parts;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&group[start..]);
    parts
}

/// The modules that reach `from` again, for each module on a circle.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(m) = todo.pop() {
            for n in edges.get(&m).into_iter().flatten() {
                if seen.insert(n.clone()) {
                    todo.push(n.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> = edges.keys().map(|m| (m, reach(m))).collect();
    let mut found = BTreeSet::new();
    for (m, r) in &reached {
        if r.contains(*m) {
            let circle: Vec<String> = r
                .iter()
                .filter(|n| reached.get(n).is_some_and(|b| b.contains(*m)))
                .cloned()
                .collect();
            found.insert(circle);
        }
    }
    found
}

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
        .unwrap_or_else(|| panic!("src/{module}: put the new module in a layer of LAYERS"))
}

#[test]
fn every_module_uses_only_its_own_layer_and_those_below() {
    let edges = imports();
    assert!(
        edges["build"].contains("site") && edges["site"].contains("graph"),
        "{edges:?}"
    );
    let upward: Vec<String> = edges
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (from, to)))
        .filter(|(from, to)| layer_of(to) > layer_of(from))
        .map(|(from, to)| {
            format!(
                "{from} ({}) uses {to} ({})",
                LAYERS[layer_of(from)].0,
                LAYERS[layer_of(to)].0
            )
        })
        .collect();
    assert!(
        upward.is_empty(),
        "modules that reach up a layer:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_module_reaches_back_to_itself() {
    let found = circles(&imports());
    assert!(
        found.is_empty(),
        "modules that import each other, directly or not: {found:?}"
    );
}

/// The functions of `src/` (their unit tests aside), each with its file and length in lines,
/// from its `fn` line to the closing brace at the same indentation.
fn functions() -> Vec<(String, String, usize)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let start = regex::Regex::new(r"^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)").unwrap();
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(c) = start.captures(line) else { continue };
            if line.trim_end().ends_with(';') {
                continue;
            }
            let close = format!("{}}}", &c[1]);
            let file = entry.path().strip_prefix(&src).unwrap().display().to_string();
            let end = lines[i..]
                .iter()
                .position(|l| l.trim_end() == close)
                .unwrap_or_else(|| panic!("src/{file}: no line `{close}` closes fn {}", &c[7]));
            found.push((file, c[7].to_string(), end + 1));
        }
    }
    found
}

#[test]
fn no_function_is_longer_than_120_lines() {
    let all = functions();
    assert!(
        all.iter()
            .any(|(f, name, _)| f.ends_with("mod.rs") && name == "build_with"),
        "{all:?}"
    );
    let long: Vec<String> = all
        .iter()
        .filter(|(_, _, n)| *n > 120)
        .map(|(file, name, n)| format!("src/{file}: {name} has {n} lines"))
        .collect();
    assert!(long.is_empty(), "split these into named parts:\n{}", long.join("\n"));
}
