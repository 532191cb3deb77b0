//! The test harness: a dossier in a temporary folder, built by the real binary.
//!
//! ```ignore
//! let run = Fixture::new().file("content/people/a.md", "---\nname: A\n---\n").build(&[]);
//! run.ok().page("people/a/index.html").contains("<h1>A</h1>");
//! ```
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const INDEX: &str = "---\ntitle: Test dossier\nbase_url: https://example.org/\n---\nHome page.\n";

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub out: PathBuf,
}

impl Fixture {
    /// A dossier with a settings file and nothing else.
    pub fn new() -> Fixture {
        Fixture::empty().file("content/_index.md", INDEX)
    }

    /// A folder with nothing in it.
    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(self, path: &str, text: &str) -> Fixture {
        self.bytes(path, text.as_bytes())
    }

    pub fn bytes(self, path: &str, bytes: &[u8]) -> Fixture {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    pub fn remove(self, path: &str) -> Fixture {
        std::fs::remove_file(self.dir.path().join(path)).unwrap();
        self
    }

    /// Runs `dossier build --root DIR ARGS…` (output in DIR/public unless ARGS say otherwise).
    pub fn build(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.arg("build").arg("--root").arg(self.root()).args(args);
        run(cmd, self.root().join("public"))
    }
}

pub fn run(mut cmd: Command, out: PathBuf) -> Run {
    let output = cmd
        .env("NO_COLOR", "1")
        .env_remove("DOSSIER_LOG")
        .output()
        .expect("run dossier");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out,
    }
}

impl Run {
    #[track_caller]
    pub fn ok(&self) -> &Run {
        assert_eq!(self.code, 0, "build failed:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub fn fails(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn page(&self, path: &str) -> String {
        std::fs::read_to_string(self.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Asserts that stderr reports `message` at `file:line:col`, in the rendered form.
    #[track_caller]
    pub fn reports(&self, location: &str, message: &str) -> &Run {
        let want_loc = format!("--> {location}");
        let found = self
            .stderr
            .split("\n\n")
            .any(|block| block.contains(&want_loc) && block.contains(message));
        assert!(found, "expected `{message}` at {location} in:\n{}", self.stderr);
        self
    }

    /// The number of error reports in stderr.
    pub fn error_count(&self) -> usize {
        self.stderr.lines().filter(|l| l.starts_with("error: ")).count()
    }
}

/// Says that a test was skipped because `what` is not installed, or, where
/// DOSSIER_REQUIRE_TOOLS is set (as in CI), fails with how to install it. Returns `true`, so
/// that `if missing && skip_missing_tool(…) { return }` reads as it runs.
pub fn skip_missing_tool(what: &str, install: &str) -> bool {
    assert!(
        std::env::var_os("DOSSIER_REQUIRE_TOOLS").is_none(),
        "{what} is missing: {install}"
    );
    eprintln!("skipped: {what} is not installed");
    true
}

/// The repository's own example dossier.
pub fn example_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the example dossier into a temporary folder (kept alive by the returned guard).
pub fn build_example() -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["build", "--root"])
        .arg(example_root())
        .arg("--output")
        .arg(out.path().join("site"));
    let run = run(cmd, out.path().join("site"));
    (out, run)
}

/// Every file below `dir` with its bytes, sorted by path.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}
