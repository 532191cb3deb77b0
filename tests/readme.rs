//! The README is the user's manual and the map of the code: it must stay true to the tree.

use std::path::Path;

/// Every file under `src/` is named in the README's code map: by its path, or, in a folder the
/// map names (`src/graph/`), by its file name (a folder's `mod.rs` by the folder alone).
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
        let (folder, name) = rel.rsplit_once('/').unwrap();
        // A folder's entry runs from its `src/…/` to the next entry's.
        let entry = map.find(&format!("\n{folder}/ ")).map(|at| {
            let rest = &map[at + 1..];
            &rest[..rest[1..].find("\nsrc/").map_or(rest.len(), |e| e + 1)]
        });
        let by_folder = folder != "src" && entry.is_some_and(|e| name == "mod.rs" || e.contains(name));
        if !map.contains(&rel) && !by_folder {
            missing.push(rel);
        }
    }
    assert!(missing.is_empty(), "the README's code map does not name {missing:?}");
}
