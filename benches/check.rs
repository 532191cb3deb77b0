//! How long `dossier check` takes over a built site of 10,000 pages (internal links, anchors
//! and assets; no network). Run with `cargo bench --bench check`; `DOSSIER_BENCH_NOTES` sets
//! the size.
//!
//! The site is generated, built in memory once, then checked several times; the figure is the
//! median of the runs. `DOSSIER_BENCH_KEEP=DIR` keeps the generated dossier in DIR.

use std::time::Instant;

use dossier::build::{BuildInput, build};
use dossier::check::{CheckOptions, check_tree};
use dossier::load::{load_content, load_theme};
use dossier::progress::Progress;

#[path = "../tests/support/generate.rs"]
mod generate;

fn main() {
    let notes: usize = std::env::var("DOSSIER_BENCH_NOTES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    // DOSSIER_BENCH_KEEP=DIR keeps the generated dossier there, to build it by hand.
    let root = match std::env::var_os("DOSSIER_BENCH_KEEP") {
        Some(keep) => std::path::PathBuf::from(keep),
        None => dir.path().to_path_buf(),
    };
    generate::generate(&root, notes, 1).expect("generate a dossier");
    let started = Instant::now();
    let (content, _) = load_content(&root);
    let (theme, _) = load_theme(&root);
    let built = match build(
        BuildInput {
            content,
            theme,
            base_url: None,
            drafts: false,
            strict: false,
            texts: Default::default(),
        },
        &Progress::hidden(),
    ) {
        Ok(b) => b,
        Err(f) => {
            for d in f.diagnostics.iter().take(5) {
                eprintln!("{d}");
            }
            panic!("the generated dossier does not build");
        }
    };
    println!(
        "build (in memory, for reference): {notes} notes read and rendered in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let opts = CheckOptions {
        base_path: built.config.base_path(),
        base_url: Some(built.config.absolute_base()),
    };
    let html_pages = built.tree.iter().filter(|(p, _)| p.ends_with(".html")).count();
    let bytes: usize = built.tree.iter().map(|(_, b)| b.len()).sum();
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..7 {
        let t = Instant::now();
        let r = check_tree(&built.tree, &opts);
        times.push(t.elapsed().as_secs_f64());
        report = Some(r);
    }
    times.sort_by(f64::total_cmp);
    let report = report.expect("ran");
    assert!(
        report.broken.is_empty(),
        "the generated site has broken links: {:?}",
        &report.broken[..report.broken.len().min(3)]
    );
    println!(
        "check: {html_pages} pages ({:.1} MB), {} internal links: median {:.3} s, best {:.3} s over {} runs on {} threads",
        bytes as f64 / 1e6,
        report.internal,
        times[times.len() / 2],
        times[0],
        times.len(),
        rayon::current_num_threads()
    );
}
