//! The preview's library: the session that builds into memory and rebuilds what changed, the
//! HTTP server that shows the site and reloads the open pages, and the watcher. The command
//! that puts them together is `cmd/serve.rs`.
//!
//! The [`Session`] holds the dossier as last read and the caches of the last build; each batch
//! of changed paths is read again and built incrementally (see `build::Cache`). The site it
//! serves is always a complete, successful build: when a rebuild fails, the previous site stays
//! up and every page shows the problems until a save fixes them.

pub(crate) mod http;
pub(crate) mod index;
pub(crate) mod watch;

use std::path::{Path, PathBuf};

use crate::build::{BuildInput, Cache, build_cached};
use crate::diag::Diagnostic;
use crate::load::{load_content, load_texts, load_theme};
use crate::progress::Progress;
use crate::site::OutputTree;

/// A dossier being previewed: its files as last read, and what the last build can lend the
/// next one.
pub struct Session {
    root: PathBuf,
    input: BuildInput,
    load_diags: Vec<Diagnostic>,
    /// What reading the sources' texts found, kept apart: the texts are read once, when the
    /// session starts, and their problems stay whatever else is read again.
    texts_diags: Vec<Diagnostic>,
    cache: Cache,
}

/// The outcome of a build in a session.
pub enum Outcome {
    Built {
        tree: OutputTree,
        warnings: Vec<Diagnostic>,
        /// Whether the dossier asks for a search index (`search:` in its settings).
        search: bool,
    },
    Failed(Vec<Diagnostic>),
}

impl Session {
    /// Reads the dossier at `root`, to be served under `base_url`.
    pub fn new(root: &Path, base_url: &str, drafts: bool) -> Session {
        Session::open(root, base_url, drafts, None)
    }

    /// [`Session::new`], verifying citations against the texts in `texts` (`--texts DIR`)
    /// when given, else in the folder the settings name.
    pub fn open(root: &Path, base_url: &str, drafts: bool, texts: Option<&Path>) -> Session {
        let (content, mut load_diags) = load_content(root);
        let (theme, theme_diags) = load_theme(root);
        load_diags.extend(theme_diags);
        let (texts, texts_diags) = load_texts(root, texts, &content);
        Session {
            root: root.to_path_buf(),
            input: BuildInput {
                content,
                theme,
                base_url: Some(base_url.to_string()),
                drafts,
                strict: false,
                texts,
            },
            load_diags,
            texts_diags,
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
    pub(crate) fn build_then(&mut self, pages_ready: &dyn Fn(&OutputTree)) -> Outcome {
        let mut diags = self.load_diags.clone();
        diags.extend(self.texts_diags.iter().cloned());
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
                    search: built.config.search,
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
