//! How long `dossier check` takes over a built site of 10,000 pages (internal links, anchors
//! and assets; no network). Run with `cargo bench --bench check`; `DOSSIER_BENCH_NOTES` sets
//! the size.
//!
//! The site is generated, built in memory once, then checked several times; the figure is the
//! median of the runs. `DOSSIER_BENCH_KEEP=DIR` keeps the generated dossier in DIR.
//!
//! Then what verifying the citations against the sources' texts adds to `dossier check` (a
//! build in memory and a check of its links): the two, with and without the texts, in turn,
//! each figure the median of its runs.

use std::time::Instant;

use dossier::build::{BuildInput, build};
use dossier::check::{CheckOptions, check_tree};
use dossier::load::{load_content, load_texts, load_theme};
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
    let generated = generate::generate(&root, notes, 1).expect("generate a dossier");
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
    verification(&root, &generated, &opts);
}

/// `dossier check` with and without the texts, in turn: the median of each and their ratio.
fn verification(root: &std::path::Path, generated: &generate::Generated, opts: &CheckOptions) {
    let texts_dir = root.with_extension("texts");
    generate::write_texts(&texts_dir, generated).expect("write the texts");
    let check = |with_texts: bool| {
        let t = Instant::now();
        let (content, _) = load_content(root);
        let (theme, _) = load_theme(root);
        let texts = if with_texts {
            load_texts(root, Some(&texts_dir), &content).0
        } else {
            Default::default()
        };
        let built = build(
            BuildInput {
                content,
                theme,
                base_url: None,
                drafts: false,
                strict: true,
                texts,
            },
            &Progress::hidden(),
        );
        let built = match built {
            Ok(b) => b,
            Err(f) => panic!("the generated dossier does not verify: {}", f.diagnostics[0]),
        };
        let report = check_tree(&built.tree, opts);
        assert!(report.broken.is_empty());
        (t.elapsed().as_secs_f64(), built.verified)
    };
    let (mut without, mut with) = (Vec::new(), Vec::new());
    let mut verified = None;
    for _ in 0..5 {
        without.push(check(false).0);
        let (secs, v) = check(true);
        with.push(secs);
        verified = Some(v);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b) = (median(&mut without), median(&mut with));
    let v = verified.expect("ran");
    println!(
        "check with the texts: {} sources verified, {} citations contradicted; median {b:.2} s against {a:.2} s without: +{:.1}%",
        v.verified,
        v.failed,
        (b / a - 1.0) * 100.0
    );
}
