//! The output folder under careless use: what `dossier build` reads, what it publishes, and
//! what it never deletes or moves, with files put in the output by hand, builds run at once
//! into one folder, and builds killed at any moment.

mod common;
#[path = "support/generate.rs"]
mod generate;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::Fixture;

fn note(title: &str) -> String {
    format!("---\ntitle: {title}\n---\nText.\n")
}

/// The names of the dossier's own files beside an output folder named `public`.
fn beside(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn links_that_lead_outside_the_dossier_are_neither_read_nor_published() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("certs")).unwrap();
    std::fs::write(outside.path().join("certs/secret.pem"), "secret").unwrap();
    std::fs::create_dir_all(outside.path().join("notes")).unwrap();
    std::fs::write(outside.path().join("notes/private.md"), note("Private")).unwrap();
    let f = Fixture::new()
        .file("content/notes/a.md", &note("A"))
        .file("static/img/logo.txt", "logo");
    symlink(outside.path().join("certs"), f.root().join("static/ssl")).unwrap();
    symlink(outside.path().join("notes"), f.root().join("content/linked")).unwrap();
    // A link that stays inside the dossier is followed as before.
    symlink(f.root().join("static/img"), f.root().join("static/pictures")).unwrap();
    let run = f.build(&[]);
    run.ok();
    let out = f.root().join("public");
    assert!(!out.join("ssl").exists(), "a linked folder outside was published");
    assert!(!out.join("linked").exists(), "linked notes outside were published");
    assert!(!run.stdout.is_empty() && !out.join("linked/private/index.html").exists());
    assert_eq!(std::fs::read_to_string(out.join("pictures/logo.txt")).unwrap(), "logo");
    for link in ["static/ssl", "content/linked"] {
        assert!(
            run.stderr.contains(&format!("--> {link}")) && run.stderr.contains("outside the dossier"),
            "{link} not named in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("secret.pem") && !run.stderr.contains("private.md"));
    assert!(
        run.stderr.contains("is not read, published or served"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_static_folder_that_is_itself_a_link_outside_publishes_nothing_of_it() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
    let f = Fixture::new().file("content/notes/a.md", &note("A"));
    std::os::unix::fs::symlink(outside.path(), f.root().join("static")).unwrap();
    let run = f.build(&[]);
    run.ok();
    assert!(!f.root().join("public/passwd").exists());
    assert!(run.stderr.contains("--> static"), "{}", run.stderr);
}

#[test]
fn files_put_in_the_output_by_hand_stop_the_build_and_stay() {
    let f = Fixture::new().file("content/notes/a.md", &note("A"));
    f.build(&[]).ok();
    let f = f
        .file("public/CNAME", "example.org")
        .file("public/.git/HEAD", "ref: refs/heads/main")
        .file("public/data/x.json", "{}")
        .file("public/notes/a/extra.txt", "mine");
    let before = common::snapshot(&f.root().join("public"));
    let f = f.file("content/notes/a.md", &note("A, edited"));
    for _ in 0..2 {
        let run = f.build(&[]);
        run.fails(2);
        for name in ["CNAME", ".git/", "data/", "notes/a/extra.txt", "static/"] {
            assert!(run.stderr.contains(name), "{name} not named in:\n{}", run.stderr);
        }
        assert!(
            common::snapshot(&f.root().join("public")) == before,
            "the output was changed"
        );
        assert_eq!(beside(f.root()), [".public.dossier-files", ".public.dossier-lock"]);
    }
}

#[test]
fn a_planted_marker_does_not_make_a_folder_ours() {
    let f = Fixture::new()
        .file("content/notes/a.md", &note("A"))
        .file("site/.dossier-output", "planted")
        .file("site/report.docx", "precious");
    let run = f.build(&["--output", f.root().join("site").to_str().unwrap()]);
    run.fails(2);
    assert!(run.stderr.contains("report.docx"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(f.root().join("site/report.docx")).unwrap(),
        "precious"
    );
}

#[test]
fn an_empty_folder_is_a_fine_first_output_and_every_later_build_works() {
    let mut f = Fixture::new();
    std::fs::create_dir(f.root().join("public")).unwrap();
    for title in ["Alpha", "Beta", "Gamma"] {
        f = f.file("content/notes/a.md", &note(title));
        assert!(f.build(&[]).ok().page("notes/a/index.html").contains(title));
        assert_eq!(beside(f.root()), [".public.dossier-files", ".public.dossier-lock"]);
    }
}

/// A build that finds another building into the same folder says so and waits for it.
#[test]
fn a_second_build_into_one_output_waits_for_the_first() {
    let f = Fixture::new().file("content/notes/a.md", &note("A"));
    let lock = std::fs::File::create(f.root().join(".public.dossier-lock")).unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["build", "--root"])
        .arg(f.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("waiting for another build into "), "{line}");
    assert!(child.try_wait().unwrap().is_none(), "the build did not wait");
    assert!(
        !f.root().join("public").exists(),
        "the build wrote while another held the lock"
    );
    lock.unlock().unwrap();
    assert!(child.wait().unwrap().success());
    assert!(f.root().join("public/notes/a/index.html").is_file());
}

fn generated(notes: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dossier");
    generate::generate(&root, notes, 5).unwrap();
    (dir, root)
}

fn build_cmd(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["build", "--root"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn file_list(dir: &Path) -> Vec<String> {
    dossier::output::list_files(dir).unwrap()
}

#[test]
fn builds_run_at_once_into_one_output_each_leave_a_complete_site() {
    let (_dir, root) = generated(200);
    assert!(build_cmd(&root).status().unwrap().success());
    let complete = file_list(&root.join("public"));
    for _ in 0..3 {
        let mut builds: Vec<_> = (0..2).map(|_| build_cmd(&root).spawn().unwrap()).collect();
        for b in &mut builds {
            assert!(b.wait().unwrap().success(), "a build failed");
        }
        assert_eq!(file_list(&root.join("public")), complete, "the site is incomplete");
    }
}

/// Builds killed at different moments: the output is always a whole site, and the next build
/// works with what they left.
#[cfg(unix)]
#[test]
fn a_killed_build_leaves_a_whole_site_and_the_next_build_works() {
    let (_dir, root) = generated(200);
    assert!(build_cmd(&root).status().unwrap().success());
    let complete = file_list(&root.join("public"));
    for k in 0..8u64 {
        let mut child = build_cmd(&root).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(40 + 60 * k));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(file_list(&root.join("public")), complete, "after a kill at {k}");
    }
    assert!(
        build_cmd(&root).status().unwrap().success(),
        "the build after the kills failed"
    );
    assert_eq!(file_list(&root.join("public")), complete);
}
