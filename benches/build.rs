//! Whole-process figures on generated dossiers: `dossier build` into an empty folder (wall
//! time, peak memory and the time of each phase, from the tool's own tracing spans), the same
//! build again over its output (the rebuild a writer makes, where unchanged files are linked),
//! `dossier check` of the result, the floor (each built site copied with `cp -r` into a new
//! folder, then `sync`, right after its build) and how many times the floor a build takes,
//! and the example dossier start to finish; last, which of the performance targets this run
//! met. Run with `cargo bench --bench build`.
//!
//! `DOSSIER_BENCH_SIZES` (default `1000,10000,30000`) sets the sizes, `DOSSIER_BENCH_RUNS`
//! (default 3) the runs per size; the figure is the median run. The dossiers are generated once
//! (`tests/support/generate.rs`, seed 1) into `target/bench/` and kept for the next run.
//!
//! It runs on Unix only: each build's peak memory and CPU time are read with `wait4`, and
//! what earlier runs wrote is written back with `sync`. Elsewhere it says so and stops.

// Elsewhere only the `main` that says so is compiled; the rest is left unused.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/support/generate.rs"]
mod generate;

const BIN: &str = env!("CARGO_BIN_EXE_dossier");

/// What a child process cost.
struct Cost {
    wall: Duration,
    /// Peak resident memory, in bytes.
    peak: u64,
    /// CPU time in the program itself and in the kernel on its behalf, in seconds.
    user: f64,
    sys: f64,
}

/// Runs `cmd` to its end: what it cost, and its stderr.
// The child is reaped by `wait4` below, which clippy does not see.
#[allow(clippy::zombie_processes)]
#[cfg(unix)]
fn measure(cmd: &mut Command) -> (Cost, String) {
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dossier");
    let pid = child.id() as libc::pid_t;
    let mut stderr = child.stderr.expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    // wait4 gives this child's own peak memory, which the standard library does not.
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    let stderr = reader.join().unwrap_or_default();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "dossier failed:\n{stderr}"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cost = Cost {
        wall,
        // Kilobytes, but bytes on Apple's systems.
        peak: usage.ru_maxrss as u64 * if cfg!(target_vendor = "apple") { 1 } else { 1024 },
        user: secs(usage.ru_utime),
        sys: secs(usage.ru_stime),
    };
    (cost, stderr)
}

/// The busy time of each span `dossier -v` reports, summed by name, in milliseconds.
fn phases(stderr: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for line in stderr.lines() {
        let Some(rest) = line.split(" INFO ").nth(1) else {
            continue;
        };
        // A span inside another is named by its path (`backlinks:assemble`); its time is in
        // its parent's.
        let Some(name) = rest.split(": ").next().filter(|n| !n.contains(':')) else {
            continue;
        };
        let Some(busy) = line
            .split("time.busy=")
            .nth(1)
            .and_then(|b| b.split_whitespace().next())
        else {
            continue;
        };
        let (num, unit) = busy.split_at(busy.find(|c: char| c.is_alphabetic() || c == 'µ').unwrap_or(busy.len()));
        let Ok(v) = num.parse::<f64>() else { continue };
        let ms = match unit {
            "s" => v * 1000.0,
            "ms" => v,
            "µs" | "us" => v / 1000.0,
            "ns" => v / 1e6,
            _ => continue,
        };
        *out.entry(name.to_string()).or_default() += ms;
    }
    out
}

/// Writes back what earlier runs left in the page cache, so that no run pays for another's
/// gigabytes: past a fifth of memory dirty, the kernel makes the writing process wait.
#[cfg(unix)]
fn settle() {
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Copies the built `site` to `copy` with `cp -r`, then writes it back with `sync`: the two
/// times, or `None` when `cp` fails.
#[cfg(unix)]
fn copy_floor(site: &Path, copy: &Path) -> Option<(f64, f64)> {
    settle();
    let started = Instant::now();
    let copied = Command::new("cp").arg("-r").arg(site).arg(copy).status().ok()?;
    let copy_wall = started.elapsed().as_secs_f64();
    let started = Instant::now();
    settle();
    copied.success().then(|| (copy_wall, started.elapsed().as_secs_f64()))
}

fn generated(n: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench/{n}-seed1"));
    if !dir.join("content/_index.md").is_file() {
        let _ = std::fs::remove_dir_all(&dir);
        generate::generate(&dir, n, 1).expect("generate a dossier");
    }
    dir
}

#[cfg(not(unix))]
fn main() {
    eprintln!("this benchmark runs on Unix only: it reads each build's peak memory and CPU time with wait4");
}

#[cfg(unix)]
fn main() {
    let sizes: Vec<usize> = std::env::var("DOSSIER_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,30000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("DOSSIER_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let shown = [
        "load",
        "parse",
        "graph",
        "markdown",
        "backlinks",
        "templates",
        "feeds",
        "write",
    ];
    let mut figures = BTreeMap::new();
    let mut cpus = BTreeMap::new();
    println!(
        "| notes | build wall | user | sys | rebuild wall | peak memory | {} | check wall | cp -r + sync | build ÷ floor |",
        shown.join(" | ")
    );
    println!(
        "|---:|---:|---:|---:|---:|---:|{}---:|---:|---:|",
        "---:|".repeat(shown.len())
    );
    // Every site built stays until the end: deleting one size's sites before the next size
    // is built would slow the next size's inode allocation (see below) and skew the growth.
    let mut kept = Vec::new();
    for &n in &sizes {
        let root = generated(n);
        let out = tempfile::tempdir().expect("temp dir");
        let sites: Vec<PathBuf> = (0..runs).map(|k| out.path().join(format!("site-{k}"))).collect();
        let site = &sites[0];
        let mut wall = Vec::new();
        let mut rewall = Vec::new();
        let mut peak = Vec::new();
        let (mut user, mut sys) = (Vec::new(), Vec::new());
        let mut phase_runs: Vec<BTreeMap<String, f64>> = Vec::new();
        let (mut floors, mut over_floor) = (Vec::new(), Vec::new());
        let build = |site: &Path| {
            measure(
                Command::new(BIN)
                    .args(["-v", "build", "--root"])
                    .arg(&root)
                    .arg("--output")
                    .arg(site),
            )
        };
        // Into an empty folder, as on a fresh checkout or in CI: a folder of its own for each
        // run, none deleted until the bench ends. ext4 without a journal (the development
        // machine's) will not reuse an inode freed in the last 5 minutes while its inode table
        // block is dirty, and scans past every such inode for each new file; right after a
        // site is deleted, making the next one costs seconds of kernel time that a fresh
        // checkout does not see. So do not delete sites just before running the bench either.
        //
        // After each build, the floor a build cannot go below: the same files written by
        // `cp -r` into a new folder, with no program work at all, then made durable with
        // `sync`. Measured in the same minute as the build it follows, so that the ratio of the
        // two says how close a build comes to the floor whatever the machine's speed that hour
        // (it drifts by a factor of two or more on the development machine).
        for (k, site) in sites.iter().enumerate() {
            settle();
            let (cost, stderr) = build(site);
            wall.push(cost.wall.as_secs_f64());
            peak.push(cost.peak as f64);
            user.push(cost.user);
            sys.push(cost.sys);
            phase_runs.push(phases(&stderr));
            if let Some((copy, sync)) = copy_floor(site, &out.path().join(format!("copy-{k}"))) {
                floors.push((copy, sync));
                over_floor.push(cost.wall.as_secs_f64() / (copy + sync));
            }
        }
        // Then again over each output, twice, as a writer rebuilds: the files that did not
        // change are linked, and from the second rebuild on the site before the last is made
        // use of again. The second is timed.
        for site in &sites {
            build(site);
            settle();
            let (cost, _) = build(site);
            rewall.push(cost.wall.as_secs_f64());
        }
        let floor = (!floors.is_empty()).then(|| {
            (
                median(floors.iter().map(|f| f.0).collect()),
                median(floors.iter().map(|f| f.1).collect()),
                median(over_floor),
            )
        });
        let floor_cells = match floor {
            Some((copy, sync, ratio)) => format!("{copy:.2} + {sync:.2} s | {ratio:.2}"),
            None => "— | —".to_string(),
        };
        let mut check = Vec::new();
        for _ in 0..runs {
            settle();
            let (cost, _) = measure(Command::new(BIN).args(["check", "--dir"]).arg(site));
            check.push(cost.wall.as_secs_f64());
        }
        kept.push(out);
        let wall = median(wall);
        let (user, sys) = (median(user), median(sys));
        let (peak, check) = (median(peak), median(check));
        figures.insert(
            n,
            Figures {
                wall,
                peak,
                check,
                floor: floor.map(|(copy, sync, _)| copy + sync),
            },
        );
        cpus.insert(n, (user, sys));
        let cells: Vec<String> = shown
            .iter()
            .map(|p| {
                let v = median(phase_runs.iter().map(|r| r.get(*p).copied().unwrap_or(0.0)).collect());
                format!("{v:.0} ms")
            })
            .collect();
        println!(
            "| {n} | {wall:.2} s | {user:.2} s | {sys:.2} s | {:.2} s | {:.0} MB | {} | {check:.2} s | {floor_cells} |",
            median(rewall),
            peak / 1e6,
            cells.join(" | "),
        );
    }
    let growth = match (figures.get(&10_000), figures.get(&30_000)) {
        (Some(a), Some(b)) => Some(b.wall / a.wall),
        _ => None,
    };
    if let Some(g) = growth {
        println!("growth: 30,000 notes take {g:.2}× the time of 10,000");
    }
    if let (Some(a), Some(b)) = (cpus.get(&10_000), cpus.get(&30_000)) {
        println!(
            "growth of CPU time: {:.2}× in the program, {:.2}× in the kernel",
            b.0 / a.0,
            b.1 / a.1
        );
    }
    // The example, start to finish, as a writer runs it.
    let out = tempfile::tempdir().expect("temp dir");
    let mut example = Vec::new();
    for _ in 0..runs.max(5) {
        let (cost, _) = measure(
            Command::new(BIN)
                .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
                .arg(out.path().join("site")),
        );
        example.push(cost.wall.as_secs_f64());
    }
    let example = median(example);
    println!("example dossier, start to finish: median {example:.3} s");
    targets(&figures, growth, example);
    drop(kept);
}

/// The medians of one size's builds.
struct Figures {
    wall: f64,
    /// Bytes.
    peak: f64,
    /// `dossier check --dir` of the built site.
    check: f64,
    /// `cp -r` and `sync` of the built site.
    floor: Option<f64>,
}

/// Says of each performance target that the sizes run can speak to whether this run met it.
fn targets(figures: &BTreeMap<usize, Figures>, growth: Option<f64>, example: f64) {
    let verdict = |met: bool| if met { "met" } else { "missed" };
    let mut lines = Vec::new();
    if let Some(f) = figures.get(&1_000) {
        lines.push(format!(
            "1,000 notes under 0.25 s: {:.3} s, {}",
            f.wall,
            verdict(f.wall < 0.25)
        ));
    }
    if let Some(f) = figures.get(&10_000) {
        let floor = f
            .floor
            .map(|s| format!(" (cp -r + sync of its site: {s:.2} s)"))
            .unwrap_or_default();
        lines.push(format!(
            "10,000 notes under 2.0 s: {:.2} s{floor}, {}",
            f.wall,
            verdict(f.wall < 2.0)
        ));
        lines.push(format!(
            "10,000 notes under 400 MB: {:.0} MB, {}",
            f.peak / 1e6,
            verdict(f.peak < 400e6)
        ));
        lines.push(format!(
            "check of the 10,000-note site under 0.5 s: {:.2} s, {}",
            f.check,
            verdict(f.check < 0.5)
        ));
    }
    if let Some(g) = growth {
        lines.push(format!(
            "30,000 notes at most 3.3× 10,000: {g:.2}×, {}",
            verdict(g <= 3.3)
        ));
    }
    lines.push(format!(
        "the example under 0.1 s: {example:.3} s, {}",
        verdict(example < 0.1)
    ));
    println!("targets in this run (serve's: cargo bench --bench serve):");
    for l in lines {
        println!("- {l}");
    }
}
