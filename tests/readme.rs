//! The README is the user's manual and the map of the code: it must stay true to the tree.

use std::path::Path;

/// Every file under `src/` is named in the README's code map: by its path, or, in a folder the
/// map names (`src/graph/`), by its file name (a folder's `mod.rs` by the folder alone), or
/// deeper in such a folder, by the folder below it (`src/starter/` naming `content/`).
#[test]
fn the_code_map_names_every_source_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find("**Code map**").expect("README has a code map");
    // The map is the first fenced block after its heading.
    let map = readme[start..]
        .split("```")
        .nth(1)
        .expect("the code map is a fenced block");
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // A folder's entry runs from its `src/…/` to the next entry's.
        let entry = |folder: &str| {
            map.find(&format!("\n{folder}/ ")).map(|at| {
                let rest = &map[at + 1..];
                &rest[..rest[1..].find("\nsrc/").map_or(rest.len(), |e| e + 1)]
            })
        };
        let (folder, name) = rel.rsplit_once('/').unwrap();
        let by_folder = folder != "src" && entry(folder).is_some_and(|e| name == "mod.rs" || e.contains(name));
        // A file deeper in a folder the map names, by the folder below it (`content/`).
        let by_ancestor = rel.match_indices('/').skip(1).any(|(at, _)| {
            let below = rel[at + 1..].split('/').next().unwrap_or_default();
            rel[at + 1..].contains('/') && entry(&rel[..at]).is_some_and(|e| e.contains(&format!("{below}/")))
        });
        if !map.contains(&rel) && !by_folder && !by_ancestor {
            missing.push(rel);
        }
    }
    assert!(missing.is_empty(), "the README's code map does not name {missing:?}");
}
