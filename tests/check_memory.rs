//! `dossier check --dir` holds memory in proportion to the site, not to the number of
//! problems times the length of their line: a minified page (all one line) with 20,000 broken
//! links is checked and reported in a bounded peak RSS, as is the same page one link a line.
//!
//! Each run is a child process whose peak RSS is read back with `wait4`; it runs under an
//! address-space limit, so a checker that grows without bound fails here instead of taking
//! the machine's memory.

// Peak memory is read the way Linux reports it.
#![cfg(target_os = "linux")]

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// Peak RSS allowed for one run, in bytes.
const BOUND: u64 = 150 << 20;
/// Address space the child may take before its allocations fail.
const LIMIT: u64 = 4 << 30;
const LINKS: usize = 20_000;

/// Runs `dossier check --dir DIR ARGS…` with stdout and stderr into files; the exit code and
/// the child's peak RSS in bytes.
fn peak_rss(dir: &Path, args: &[&str], out: &Path, err: &Path) -> (i32, u64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("DOSSIER_LOG")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(out).unwrap())
        .stderr(std::fs::File::create(err).unwrap());
    // SAFETY: setrlimit is async-signal-safe and touches nothing of the parent's.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: LIMIT,
                rlim_max: LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // Waited for by wait4 below, which reads the child's resource usage as it reaps it.
    let pid = cmd.spawn().expect("run dossier").id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for the child just spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // ru_maxrss is in kilobytes on Linux.
    (code, usage.ru_maxrss as u64 * 1024)
}

fn page(separator: &str) -> String {
    let mut page = String::from("<!DOCTYPE html><html><body>");
    for i in 0..LINKS {
        page.push_str(&format!("<a href=\"missing-{i}/\">link {i}</a>{separator}"));
    }
    page.push_str("</body></html>\n");
    page
}

#[test]
fn many_broken_links_on_one_line_take_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, separator) in [("minified", ""), ("one-per-line", "\n")] {
        let site = tmp.path().join(name);
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(site.join("index.html"), page(separator)).unwrap();
        for format in ["human", "json"] {
            let (out, err) = (tmp.path().join("out"), tmp.path().join("err"));
            let (code, rss) = peak_rss(&site, &["--format", format], &out, &err);
            println!("{name}, --format {format}: peak RSS {} MB", rss >> 20);
            let stdout = std::fs::read_to_string(&out).unwrap();
            let stderr = std::fs::read_to_string(&err).unwrap();
            assert_eq!(code, 1, "{name}, {format}: {}", &stderr[..stderr.len().min(2000)]);
            match format {
                "json" => {
                    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                    let broken = json["broken"].as_array().unwrap();
                    assert_eq!(broken.len(), LINKS);
                    // The last link is where it is, however long its line.
                    let last = &broken[LINKS - 1];
                    let line = if separator.is_empty() { 1 } else { LINKS };
                    assert_eq!(last["line"], line, "{last}");
                }
                _ => {
                    assert!(stdout.contains(&format!("{LINKS} broken")), "{stdout}");
                    // Each report shows a bounded piece of its line, not the whole line.
                    let longest = stderr.lines().map(str::len).max().unwrap_or(0);
                    assert!(longest < 400, "a line of {longest} bytes in the report");
                }
            }
            assert!(
                rss < BOUND,
                "{name}, {format}: peak RSS {} MB, over {} MB",
                rss >> 20,
                BOUND >> 20
            );
        }
    }
}
