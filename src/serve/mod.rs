//! `dossier serve`: build into memory, serve it, watch the files, rebuild what changed, and
//! reload the open pages.
//!
//! The [`Session`] holds the dossier as last read and the caches of the last build; each batch
//! of changed paths is read again and built incrementally (see `build::Cache`). The site it
//! serves is always a complete, successful build: when a rebuild fails, the previous site stays
//! up and every page shows the problems until a save fixes them.

pub mod http;
pub mod watch;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::build::{BuildInput, Cache, build_cached};
use crate::cli::ServeArgs;
use crate::cmd::{Exit, print_diagnostics};
use crate::diag::Diagnostic;
use crate::load::{load_content, load_theme};
use crate::output::OutputTree;
use crate::progress::Progress;

/// A dossier being previewed: its files as last read, and what the last build can lend the
/// next one.
pub struct Session {
    root: PathBuf,
    input: BuildInput,
    load_diags: Vec<Diagnostic>,
    cache: Cache,
}

/// The outcome of a build in a session.
pub enum Outcome {
    Built {
        tree: OutputTree,
        warnings: Vec<Diagnostic>,
    },
    Failed(Vec<Diagnostic>),
}

impl Session {
    /// Reads the dossier at `root`, to be served under `base_url`.
    pub fn new(root: &Path, base_url: &str, drafts: bool) -> Session {
        let (content, mut load_diags) = load_content(root);
        let (theme, theme_diags) = load_theme(root);
        load_diags.extend(theme_diags);
        Session {
            root: root.to_path_buf(),
            input: BuildInput {
                content,
                theme,
                base_url: Some(base_url.to_string()),
                drafts,
                strict: false,
            },
            load_diags,
            cache: Cache::for_rebuilds(),
        }
    }

    /// Reads the files again after a change to `paths` (relative to the root): a note that
    /// changed is read again, one that is gone is dropped; a folder that appeared, went away
    /// or any change in the theme reads its whole folder again.
    pub fn reload(&mut self, paths: &[PathBuf]) {
        let mut diags: Vec<Diagnostic> = Vec::new();
        // An editor's temporary files (`.a.md.swp`, `a.md~`) come and go beside the notes.
        let content_files: Vec<&PathBuf> = paths
            .iter()
            .filter(|p| p.starts_with("content"))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| crate::load::is_hidden(&n.to_string_lossy()))
            })
            .collect();
        let one_by_one = content_files.iter().all(|p| {
            let full = self.root.join(p);
            p.extension().is_some_and(|e| e == "md") && !full.is_dir()
        });
        if !content_files.is_empty() {
            if one_by_one {
                for p in &content_files {
                    self.reload_note(p, &mut diags);
                }
                // Problems of files read before, except those read again now.
                let again: Vec<String> = content_files.iter().map(|p| rel(p)).collect();
                diags.extend(
                    self.load_diags
                        .iter()
                        .filter(|d| d.file.starts_with("content") && !again.contains(&d.file))
                        .cloned(),
                );
            } else {
                let (content, d) = load_content(&self.root);
                self.input.content = content;
                diags.extend(d);
            }
        } else {
            diags.extend(
                self.load_diags
                    .iter()
                    .filter(|d| d.file.starts_with("content"))
                    .cloned(),
            );
        }
        if paths
            .iter()
            .any(|p| p.starts_with("templates") || p.starts_with("static"))
        {
            let (theme, d) = load_theme(&self.root);
            self.input.theme = theme;
            diags.extend(d);
        } else {
            diags.extend(
                self.load_diags
                    .iter()
                    .filter(|d| !d.file.starts_with("content"))
                    .cloned(),
            );
        }
        self.load_diags = diags;
    }

    /// Reads one note again, or drops it when it is gone.
    fn reload_note(&mut self, path: &Path, diags: &mut Vec<Diagnostic>) {
        let rel_path = rel(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let hidden = crate::load::is_hidden(&name);
        let full = self.root.join(path);
        let read = if full.is_file() && !hidden && crate::load::inside_dossier(&self.root, &full) {
            match crate::load::read_text(&self.root, &full) {
                Ok(f) => Some(f),
                Err(d) => {
                    diags.push(d);
                    None
                }
            }
        } else {
            None
        };
        let c = &mut self.input.content;
        if rel_path == "content/_index.md" {
            c.index = read;
            return;
        }
        if let Some(lang) = crate::load::home_translation(&rel_path) {
            let lang = lang.to_string();
            c.index_translations.retain(|(_, f)| f.rel_path != rel_path);
            if let Some(f) = read {
                c.index_translations.push((lang, f));
                c.index_translations.sort_by(|a, b| a.1.rel_path.cmp(&b.1.rel_path));
            }
            return;
        }
        match (c.notes.binary_search_by(|f| f.rel_path.as_str().cmp(&rel_path)), read) {
            (Ok(k), Some(f)) => c.notes[k] = f,
            (Ok(k), None) => {
                c.notes.remove(k);
            }
            (Err(k), Some(f)) => c.notes.insert(k, f),
            (Err(_), None) => {}
        }
    }

    /// Builds the dossier as last read.
    pub fn build(&mut self) -> Outcome {
        self.build_then(&|_| {})
    }

    /// Builds the dossier as last read; `pages_ready` gets the site as soon as its pages are
    /// (see `build::build_cached`).
    pub fn build_then(&mut self, pages_ready: &dyn Fn(&OutputTree)) -> Outcome {
        let mut diags = self.load_diags.clone();
        let load_failed = diags.iter().any(Diagnostic::is_error);
        let ready = |tree: &OutputTree| {
            if !load_failed {
                pages_ready(tree)
            }
        };
        match build_cached(&self.input, &Progress::hidden(), &mut self.cache, &ready) {
            Ok(built) => {
                diags.extend(built.warnings);
                if diags.iter().any(Diagnostic::is_error) {
                    crate::diag::sort(&mut diags);
                    return Outcome::Failed(diags);
                }
                Outcome::Built {
                    tree: built.tree,
                    warnings: diags,
                }
            }
            Err(failure) => {
                diags.extend(failure.diagnostics);
                crate::diag::sort(&mut diags);
                Outcome::Failed(diags)
            }
        }
    }
}

/// A path relative to the root, `/`-separated, as files are named in diagnostics.
fn rel(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

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

pub fn run(args: ServeArgs) -> Exit {
    let Ok(root) = args.root.canonicalize() else {
        print_diagnostics(&[
            Diagnostic::error(args.root.display().to_string(), "this folder does not exist")
                .with_help("run dossier serve in a dossier's folder or pass --root DIR"),
        ]);
        return Exit::Usage;
    };
    if !root.join("content").is_dir() {
        print_diagnostics(&[Diagnostic::error(
            "content",
            format!("there is no folder `content/` in {}", root.display()),
        )
        .with_help("run dossier serve in a dossier's folder or pass --root DIR")]);
        return Exit::Usage;
    }
    // Ctrl-C from here on stops the loop below, which then shuts everything down in order.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }
    let loopback = matches!(args.bind.as_str(), "127.0.0.1" | "localhost" | "::1");
    if !loopback {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read the preview, drafts included",
            args.bind
        );
    }
    let site = Arc::new(RwLock::new(http::Served::default()));
    let server = match http::start(&args.bind, args.port, site.clone()) {
        Ok(s) => s,
        Err(http::StartError::PortTaken(next)) => {
            let help = match next {
                Some(p) => {
                    format!("port {p} is free: run `dossier serve --port {p}`, or `--port 0` to take any free port")
                }
                None => "pass another port with --port, or `--port 0` to take any free port".into(),
            };
            print_diagnostics(&[Diagnostic::error("--port", format!("port {} is taken", args.port)).with_help(help)]);
            return Exit::Usage;
        }
        Err(http::StartError::Other(e)) => {
            print_diagnostics(&[
                Diagnostic::error("--bind", format!("cannot listen on {}: {e}", args.bind))
                    .with_help("pass an address of this machine with --bind, such as 127.0.0.1"),
            ]);
            return Exit::Usage;
        }
    };
    // An address that means "every address" is not one to open: the loopback stands for it.
    let host = match args.bind.as_str() {
        "0.0.0.0" => "127.0.0.1".to_string(),
        "::" => "[::1]".to_string(),
        b if b.contains(':') => format!("[{b}]"),
        b => b.to_string(),
    };
    let url = format!("http://{host}:{}/", server.port);
    let started = Instant::now();
    let mut session = Session::new(&root, &url, args.drafts);
    match session.build() {
        Outcome::Built { tree, warnings } => {
            print_diagnostics(&warnings);
            site.write().unwrap_or_else(|e| e.into_inner()).tree = tree;
        }
        Outcome::Failed(diags) => {
            print_diagnostics(&diags);
            site.write().unwrap_or_else(|e| e.into_inner()).errors = Some(report(&diags));
        }
    }
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
        let Some((paths, saved)) = watcher.next_batch(Duration::from_millis(100)) else {
            continue;
        };
        // Stylesheets alone: the pages can swap them without reloading. Folders in the batch
        // only carry the files also listed.
        let files: Vec<&PathBuf> = paths.iter().filter(|p| !root.join(p).is_dir()).collect();
        let css_only = !files.is_empty()
            && files
                .iter()
                .all(|p| p.starts_with("static") && p.extension().is_some_and(|e| e == "css"));
        session.reload(&paths);
        let event = if css_only {
            http::Event::Css
        } else {
            http::Event::Reload
        };
        // The pages are shown, and the open pages told, as soon as they are ready; the data
        // files follow when the build ends.
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
        match session.build_then(&publish) {
            Outcome::Built { tree, warnings } => {
                print_diagnostics(&warnings);
                let mut served = site.write().unwrap_or_else(|e| e.into_inner());
                served.tree = tree;
                served.errors = None;
                drop(served);
                if told.get().is_none() {
                    told.set(Some((server.clients.broadcast(event), saved.elapsed())));
                }
            }
            Outcome::Failed(diags) => {
                print_diagnostics(&diags);
                site.write().unwrap_or_else(|e| e.into_inner()).errors = Some(report(&diags));
                told.set(Some((server.clients.broadcast(http::Event::Reload), saved.elapsed())));
            }
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
    drop(watcher);
    server.stop();
    println!("Stopped.");
    Exit::Ok
}
