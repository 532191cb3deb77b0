//! `dossier serve`: the preview's command. It starts the server, builds the dossier into it,
//! then rebuilds on every batch of saved files until Ctrl-C; the library side (the session,
//! the server, the watcher) is `crate::serve`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::{Exit, print_diagnostics};
use crate::cli::ServeArgs;
use crate::diag::Diagnostic;
use crate::serve::http::{self, Http, Served};
use crate::serve::index::Indexer;
use crate::serve::{Outcome, Session, watch};
use crate::site::OutputTree;

type Site = Arc<RwLock<Served>>;

pub fn run(args: ServeArgs) -> Exit {
    let root = match dossier_root(&args.root) {
        Ok(r) => r,
        Err(d) => {
            print_diagnostics(&[d]);
            return Exit::Usage;
        }
    };
    // Ctrl-C from here on stops the loop below, which then shuts everything down in order.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }
    if !matches!(args.bind.as_str(), "127.0.0.1" | "localhost" | "::1") {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read the preview, drafts included",
            args.bind
        );
    }
    let site = Site::default();
    let server = match start(&args, site.clone()) {
        Ok(s) => s,
        Err(d) => {
            print_diagnostics(&[d]);
            return Exit::Usage;
        }
    };
    let url = format!("http://{}:{}/", browser_host(&args.bind), server.port);
    let started = Instant::now();
    let mut session = Session::open(&root, &url, args.drafts, args.texts.as_deref());
    let indexer = Indexer::start(site.clone());
    show(&site, &indexer, session.build());
    site.write().unwrap_or_else(|e| e.into_inner()).ready = true;
    let mut watcher = match watch::Watcher::new(&root) {
        Ok(w) => w,
        Err(e) => {
            server.stop();
            print_diagnostics(&[Diagnostic::error(root.display().to_string(), e)
                .with_help("raise the limit of watched files (fs.inotify.max_user_watches) or free some")]);
            return Exit::Usage;
        }
    };
    println!(
        "Serving {} at {url} (built in {:.2} s{}); Ctrl-C to stop",
        root.display(),
        started.elapsed().as_secs_f64(),
        if watcher.polling { "; polling for changes" } else { "" }
    );
    let _ = std::io::stdout().flush();
    if args.open {
        open_browser(&url);
    }
    while !stop.load(Ordering::Relaxed) {
        if let Some((paths, saved)) = watcher.next_batch(Duration::from_millis(100)) {
            rebuild(&root, &mut session, (&site, &indexer), &server, &paths, saved);
        }
    }
    drop(watcher);
    server.stop();
    println!("Stopped.");
    Exit::Ok
}

/// The dossier's folder, made absolute, or why it is not one.
fn dossier_root(root: &Path) -> Result<PathBuf, Diagnostic> {
    let help = "run dossier serve in a dossier's folder or pass --root DIR";
    let Ok(root) = root.canonicalize() else {
        return Err(Diagnostic::error(root.display().to_string(), "this folder does not exist").with_help(help));
    };
    if !root.join("content").is_dir() {
        return Err(Diagnostic::error(
            "content",
            format!("there is no folder `content/` in {}", root.display()),
        )
        .with_help(help));
    }
    Ok(root)
}

/// Starts the server, or says why it cannot listen.
fn start(args: &ServeArgs, site: Site) -> Result<Http, Diagnostic> {
    http::start(&args.bind, args.port, site).map_err(|e| match e {
        http::StartError::PortTaken(next) => {
            let help = match next {
                Some(p) => {
                    format!("port {p} is free: run `dossier serve --port {p}`, or `--port 0` to take any free port")
                }
                None => "pass another port with --port, or `--port 0` to take any free port".into(),
            };
            Diagnostic::error("--port", format!("port {} is taken", args.port)).with_help(help)
        }
        http::StartError::Other(e) => Diagnostic::error("--bind", format!("cannot listen on {}: {e}", args.bind))
            .with_help("pass an address of this machine with --bind, such as 127.0.0.1"),
    })
}

/// The host to open in a browser: an address that means "every address" is not one to open,
/// and the loopback stands for it.
fn browser_host(bind: &str) -> String {
    match bind {
        "0.0.0.0" => "127.0.0.1".to_string(),
        "::" => "[::1]".to_string(),
        b if b.contains(':') => format!("[{b}]"),
        b => b.to_string(),
    }
}

/// Puts the outcome of a build on show: the site and its warnings, or the problems over the
/// last good site. A good site's search index follows.
fn show(site: &Site, indexer: &Indexer, outcome: Outcome) {
    match outcome {
        Outcome::Built { tree, warnings, search } => {
            print_diagnostics(&warnings);
            let mut served = site.write().unwrap_or_else(|e| e.into_inner());
            served.tree = tree;
            served.errors = None;
            if search {
                indexer.index(served.tree.clone());
            } else {
                indexer.clear(&mut served);
            }
        }
        Outcome::Failed(diags) => {
            print_diagnostics(&diags);
            site.write().unwrap_or_else(|e| e.into_inner()).errors = Some(report(&diags));
        }
    }
}

/// Reads the saved files again, rebuilds, shows the result and tells the open pages: as soon as
/// the pages are ready (the data files follow when the build ends).
fn rebuild(
    root: &Path,
    session: &mut Session,
    (site, indexer): (&Site, &Indexer),
    server: &Http,
    paths: &[PathBuf],
    saved: Instant,
) {
    // Stylesheets alone: the pages can swap them without reloading. Folders in the batch only
    // carry the files also listed.
    let files: Vec<&PathBuf> = paths.iter().filter(|p| !root.join(p).is_dir()).collect();
    let css_only = !files.is_empty()
        && files
            .iter()
            .all(|p| p.starts_with("static") && p.extension().is_some_and(|e| e == "css"));
    let event = if css_only {
        http::Event::Css
    } else {
        http::Event::Reload
    };
    session.reload(paths);
    let told: std::cell::Cell<Option<(usize, Duration)>> = std::cell::Cell::new(None);
    let publish = |tree: &OutputTree| {
        // Copied before the lock is taken: the server reads the site while it is made.
        let tree = tree.clone();
        let mut served = site.write().unwrap_or_else(|e| e.into_inner());
        served.tree = tree;
        served.errors = None;
        drop(served);
        told.set(Some((server.clients.broadcast(event), saved.elapsed())));
    };
    let outcome = session.build_then(&publish);
    let failed = matches!(outcome, Outcome::Failed(_));
    show(site, indexer, outcome);
    if failed {
        told.set(Some((server.clients.broadcast(http::Event::Reload), saved.elapsed())));
    } else if told.get().is_none() {
        told.set(Some((server.clients.broadcast(event), saved.elapsed())));
    }
    let (pages, after) = told.get().unwrap_or_default();
    let what: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    println!(
        "{} changed: rebuilt and told {pages} page{} in {:.0} ms",
        what.join(", "),
        if pages == 1 { "" } else { "s" },
        after.as_secs_f64() * 1000.0
    );
    let _ = std::io::stdout().flush();
}

/// The problems of a failed build as plain text, for the pages to show.
fn report(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(Diagnostic::render_plain)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Opens a URL in the default browser.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    if cmd.arg(url).spawn().is_err() {
        eprintln!("could not open a browser; open {url} yourself");
    }
}
