//! YAML nested past the documented limit is refused before it is parsed: one error at the
//! place the limit is crossed, in bounded memory. Alone in its file, so that the peak memory
//! of this process's children is the build's alone.

// Peak memory is read the way Linux reports it.
#![cfg(target_os = "linux")]

mod common;

use common::Fixture;

/// The largest resident set of the children waited for so far, in KiB (Linux counts it so).
fn children_peak_rss_kib() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid rusage for getrusage to fill.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    usage.ru_maxrss
}

#[test]
fn a_flow_nested_100000_deep_gives_one_error_where_the_limit_is_crossed() {
    let n = 100_000;
    let note = format!("---\ntitle: A\nbad: {}{}\n---\nBody.\n", "[".repeat(n), "]".repeat(n));
    let f = Fixture::new()
        .file("content/notes/a.md", &note)
        .file("content/notes/b.md", "---\ntitle: B\n---\nB.\n");
    let run = f.build(&[]);
    // The document's map is the first level, so the 64th bracket crosses the limit of 64.
    run.fails(1).reports(
        "content/notes/a.md:3:69",
        "error: lists and maps nest more than 64 levels deep here",
    );
    assert_eq!(run.error_count(), 1, "{}", run.stderr);
    let peak = children_peak_rss_kib();
    assert!(peak < 100 * 1024, "the build peaked at {peak} KiB");
}
