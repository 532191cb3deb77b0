//! `dossier init` and `dossier new`: a dossier started in an empty folder builds and passes
//! `check --strict` as it stands; notes and translations added with `new` build with it.

mod common;

use std::path::Path;
use std::process::Command;

fn dossier(dir: &Path, args: &[&str]) -> common::Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.current_dir(dir).args(args);
    common::run(cmd, dir.join("public"))
}

#[test]
fn a_started_dossier_builds_strictly_and_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("case");
    let run = dossier(
        dir.path(),
        &[
            "init",
            "case",
            "--title",
            "The \"Harbour\" case",
            "--base-url",
            "https://example.org/harbour/",
        ],
    );
    run.ok();
    assert!(run.stdout.contains("dossier serve"), "{}", run.stdout);
    for file in [".gitignore", ".github/workflows/publish.yml", "content/_index.md"] {
        assert!(root.join(file).is_file(), "{file}");
    }
    // One note of each kind.
    for folder in ["sources", "people", "organizations", "events", "claims", "analysis"] {
        assert!(
            std::fs::read_dir(root.join("content").join(folder)).unwrap().count() > 0,
            "{folder}"
        );
    }
    let run = dossier(&root, &["build", "--strict"]);
    run.ok();
    assert_eq!(run.stderr, "", "no warning");
    assert!(run.page("index.html").contains("The &quot;Harbour&quot; case"));
    // The sample's event is a transfer between two companies of one person: a conflict.
    assert!(run.page("conflicts/index.html").contains("jane-doe"));
    let run = dossier(&root, &["check", "--strict"]);
    run.ok();
    assert!(run.stdout.contains("none broken"), "{}", run.stdout);
    // The output and what dossier keeps beside it are ignored by git.
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(ignored.contains("/public/") && ignored.contains("/.public.dossier-*"));
}

#[test]
fn init_refuses_a_folder_that_holds_anything() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let run = dossier(dir.path(), &["init", "."]);
    run.fails(2);
    assert!(
        run.stderr.contains("this folder is not empty (it holds notes.txt)"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing written");
    // A folder holding only a git repository is as good as empty.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::create_dir(fresh.path().join(".git")).unwrap();
    dossier(fresh.path(), &["init"]).ok();
    assert!(fresh.path().join("content/_index.md").is_file());
}

#[test]
fn new_adds_a_note_of_each_kind_and_a_recorded_translation() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    dossier(root, &["init"]).ok();
    let run = dossier(root, &["new", "person", "john-roe", "--name", "John Roe"]);
    run.ok();
    assert_eq!(run.stdout.trim(), "./content/people/john-roe.md");
    let note = std::fs::read_to_string(root.join("content/people/john-roe.md")).unwrap();
    assert!(
        note.contains("name: \"John Roe\"") && note.contains("# roles:"),
        "{note}"
    );
    for kind in ["source", "organization", "event", "claim", "page"] {
        dossier(root, &["new", kind, &format!("new-{kind}")]).ok();
    }
    let run = dossier(root, &["build"]);
    run.ok();
    assert!(run.page("people/john-roe/index.html").contains("John Roe"));
    assert!(run.stdout.starts_with("Built 14 notes"), "{}", run.stdout);

    // An id in use is refused, with the note that has it.
    let run = dossier(root, &["new", "event", "jane-doe"]);
    run.fails(2);
    assert!(
        run.stderr.contains("the id `jane-doe` is in use by this note"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/people/jane-doe.md"), "{}", run.stderr);

    // A translation: into a language the dossier has, recorded as up to date.
    let run = dossier(root, &["new", "translation", "jane-doe", "zh-Hant"]);
    run.fails(2);
    assert!(run.stderr.contains("no language `zh-Hant`"), "{}", run.stderr);
    let index = std::fs::read_to_string(root.join("content/_index.md")).unwrap();
    let index = index.replace(
        "languages:\n",
        "languages:\n  zh-Hant: { name: 繁體中文, required: [person] }\n",
    );
    std::fs::write(root.join("content/_index.md"), index).unwrap();
    let run = dossier(root, &["new", "translation", "jane-doe", "zh-Hant"]);
    run.ok();
    assert_eq!(run.stdout.trim(), "./content/people/jane-doe.zh-Hant.md");
    let run = dossier(root, &["translations", "--strict"]);
    run.ok();
    assert!(
        run.stdout.contains("1 up to date, 0 stale, 0 unrecorded"),
        "{}",
        run.stdout
    );
    dossier(root, &["build"]).ok();
}

#[test]
fn init_and_new_refuse_what_would_not_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A language that is not a tag, and a file where the folder should be.
    let run = dossier(root, &["init", "case", "--lang", "english"]);
    run.fails(2);
    assert!(run.stderr.contains("`english` is not a language tag"), "{}", run.stderr);
    assert!(!root.join("case").exists(), "nothing written");
    std::fs::write(root.join("notes.txt"), "mine").unwrap();
    let run = dossier(root, &["init", "notes.txt"]);
    run.fails(2);
    assert!(run.stderr.contains("this is a file, not a folder"), "{}", run.stderr);

    dossier(root, &["init", "case"]).ok();
    let case = root.join("case");
    // An id that is another note's alias would make links to it ambiguous.
    let person = std::fs::read_to_string(case.join("content/people/jane-doe.md")).unwrap();
    std::fs::write(
        case.join("content/people/jane-doe.md"),
        person.replace("[J. Doe]", "[J. Doe, jd]"),
    )
    .unwrap();
    let run = dossier(&case, &["new", "event", "jd"]);
    run.fails(2);
    assert!(run.stderr.contains("`jd` is an alias of this note"), "{}", run.stderr);
    assert!(run.stderr.contains("content/people/jane-doe.md"), "{}", run.stderr);
    // A translation into the dossier's own language is not one.
    let run = dossier(&case, &["new", "translation", "jane-doe", "en"]);
    run.fails(2);
    assert!(
        run.stderr.contains("`en` is the language the dossier is written in"),
        "{}",
        run.stderr
    );
    dossier(&case, &["build", "--strict"]).ok();
}
