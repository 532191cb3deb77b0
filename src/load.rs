//! Reading the dossier from disk: the only module that reads `content/`, `templates/` and
//! `static/`. Everything after it works on memory, so it can be tested without a disk and rerun
//! by `serve` on a changed file alone.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, utf8_diag};
use crate::model::{SourceFile, Texts};
use crate::site::{ThemeFile, ThemeOverrides};

/// What `content/` holds.
#[derive(Debug, Default, Clone)]
pub struct Content {
    /// `content/_index.md`, if present.
    pub index: Option<SourceFile>,
    /// `content/_index.LANG.md`: the home page in other languages, as (language, file).
    pub index_translations: Vec<(String, SourceFile)>,
    /// Every other `.md` file, sorted by path.
    pub notes: Vec<SourceFile>,
}

fn rel(root: &Path, path: &Path) -> String {
    let r = path.strip_prefix(root).unwrap_or(path);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Hidden files and editors' temporary files, which are never notes.
pub(crate) fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp")
}

/// Whether `path`, once every symbolic link on the way is followed, is still inside the
/// dossier at `root`. A link that leads elsewhere would publish (and `serve` would show) files
/// the author never put in the dossier: a link to `/etc` or to someone's home.
pub(crate) fn inside_dossier(root: &Path, path: &Path) -> bool {
    leads_inside(&root.canonicalize().unwrap_or_else(|_| root.to_path_buf()), path)
}

/// [`inside_dossier`], for a root already made canonical.
fn leads_inside(canonical_root: &Path, path: &Path) -> bool {
    path.canonicalize().is_ok_and(|t| t.starts_with(canonical_root))
}

/// Lists the files under `dir` (sorted, hidden ones and editors' temporary files skipped).
/// Links are followed only where they lead to a place inside the dossier; a link that leads
/// outside is neither read nor descended into, and is named in a warning.
fn walk(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if !dir.exists() {
        return files;
    }
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let e = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(root, dir, &e));
                continue;
            }
        };
        let hidden = e.depth() > 0 && is_hidden(&e.file_name().to_string_lossy());
        let outside = e.path_is_symlink() && !leads_inside(&inside, e.path());
        if outside {
            diags.push(outside_link(root, &e));
        }
        if hidden || outside {
            if e.file_type().is_dir() {
                walker.skip_current_dir();
            }
        } else if e.file_type().is_file() {
            files.push(e.into_path());
        }
    }
    files
}

/// The warning for a link that leads outside the dossier: what was skipped, and where it led.
fn outside_link(root: &Path, e: &walkdir::DirEntry) -> Diagnostic {
    let what = if e.file_type().is_dir() { "folder" } else { "file" };
    let target = std::fs::read_link(e.path()).map_or_else(|_| "?".to_string(), |t| t.display().to_string());
    Diagnostic::warning(
        rel(root, e.path()),
        format!(
            "this is a link to {target}, outside the dossier: the {what} it leads to is not read, published or served"
        ),
    )
    .with_help(format!("copy the {what} into the dossier instead of linking to it"))
}

fn walk_error(root: &Path, dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().map_or_else(|| rel(root, dir), |p| rel(root, p));
    let what = if e.loop_ancestor().is_some() {
        "a symbolic link loops back to a parent folder".to_string()
    } else {
        format!(
            "cannot read: {}",
            e.io_error().map_or_else(|| e.to_string(), ToString::to_string)
        )
    };
    Diagnostic::error(path, what).with_help("fix or remove this file or link")
}

/// Reads a file as UTF-8 text, or says exactly where it is not.
pub(crate) fn read_text(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let rel_path = rel(root, path);
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(&rel_path, format!("cannot read this file: {e}"))
            .with_help("check that the file exists and that you may read it")
    })?;
    String::from_utf8(bytes)
        .map(|text| SourceFile {
            rel_path: rel_path.clone(),
            text: text.into(),
        })
        .map_err(|e| utf8_diag(&rel_path, e))
}

/// Reads the sources' texts: from `given` (`--texts DIR`), else from the folder the settings
/// name (`texts:` in `content/_index.md`, from the dossier's folder), else from `texts/` in the
/// dossier's folder. The default folder may be absent (the texts are then unknown); one given
/// or named must exist. The texts are read whole, wherever the folder is: they are private and
/// never published, so the rule that keeps a build inside the dossier's folder does not apply.
pub fn load_texts(root: &Path, given: Option<&Path>, content: &Content) -> (Texts, Vec<Diagnostic>) {
    let _span = tracing::info_span!("texts").entered();
    let mut diags = Vec::new();
    let index = content.index.as_ref();
    let named = index.and_then(|f| {
        crate::frontmatter::Document::parse(&f.rel_path, &f.text)
            .ok()
            .and_then(|d| d.str_field("texts").map(str::to_string))
    });
    let (dir, shown) = match (given, &named) {
        (Some(dir), _) => (dir.to_path_buf(), dir.display().to_string()),
        (None, Some(name)) => (root.join(name), name.clone()),
        (None, None) => (root.join("texts"), "texts".to_string()),
    };
    if !dir.is_dir() {
        let message = format!("there is no folder `{shown}` for the sources' texts");
        let help =
            "the sources' citations are not verified; name the folder that holds the texts their `text:` fields name";
        match (given, index.filter(|_| named.is_some())) {
            // Asked for on the command line: a mistake to correct before anything is built.
            (Some(_), _) => diags.push(Diagnostic::error("--texts", message).with_help(help)),
            // Named in the settings, and absent where the dossier is built (a public checkout
            // without the private texts): the citations stay unverified.
            (None, Some(f)) => {
                let yaml_start = f.text.find('\n').map_or(0, |i| i + 1);
                let at = [crate::frontmatter::PathSeg::Key("texts")];
                let (line, col, width) = crate::frontmatter::locate(&f.text, yaml_start, &at).unwrap_or((1, 1, 1));
                diags.push(
                    Diagnostic::warning(&f.rel_path, message)
                        .at(&f.text, line, col, width)
                        .with_help(help),
                );
            }
            _ => {}
        }
        return (Texts::default(), diags);
    }
    let mut files = Vec::new();
    let mut walker = WalkDir::new(&dir).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        match entry {
            // Hidden files and folders (`.git`) are not texts.
            Ok(e) if e.depth() > 0 && is_hidden(&e.file_name().to_string_lossy()) => {
                if e.file_type().is_dir() {
                    walker.skip_current_dir();
                }
            }
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => diags.push(walk_error(root, &dir, &e).into_warning()),
        }
    }
    let read: Vec<Result<SourceFile, Diagnostic>> = files.par_iter().map(|p| read_text(&dir, p)).collect();
    let mut texts = Texts {
        dir: Some(shown.clone()),
        files: Default::default(),
    };
    for r in read {
        match r {
            Ok(f) => {
                texts.files.insert(f.rel_path, f.text);
            }
            // A file no source may name is no reason to stop: a source that names it is
            // reported as without its text.
            Err(d) => {
                let file = format!("{}/{}", shown.trim_end_matches('/'), d.file);
                diags.push(d.into_warning().in_file(file));
            }
        }
    }
    (texts, diags)
}

/// The language of `content/_index.LANG.md`.
pub(crate) fn home_translation(rel_path: &str) -> Option<&str> {
    rel_path.strip_prefix("content/_index.")?.strip_suffix(".md")
}

/// Reads every note under `root/content`.
pub fn load_content(root: &Path) -> (Content, Vec<Diagnostic>) {
    let _span = tracing::info_span!("load").entered();
    let mut diags = Vec::new();
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(
                "content",
                format!("there is no folder `content/` in {}", root.display()),
            )
            .with_help("run `dossier build` in a dossier's folder, or pass `--root DIR`"),
        );
        return (Content::default(), diags);
    }
    let mut paths = Vec::new();
    for path in walk(root, &content_dir, &mut diags) {
        if path.extension().is_some_and(|e| e == "md") {
            paths.push(path);
        } else {
            diags.push(
                Diagnostic::warning(rel(root, &path), "this file is not a note (.md) and is not published")
                    .with_help("put images and other files in `static/`, and link them from there"),
            );
        }
    }
    let results: Vec<Result<SourceFile, Diagnostic>> = paths.par_iter().map(|p| read_text(root, p)).collect();
    let mut content = Content::default();
    for r in results {
        match r {
            Ok(f) if f.rel_path == "content/_index.md" => content.index = Some(f),
            Ok(f) if home_translation(&f.rel_path).is_some() => {
                let lang = home_translation(&f.rel_path).unwrap_or_default().to_string();
                content.index_translations.push((lang, f));
            }
            Ok(f) => content.notes.push(f),
            Err(d) => diags.push(d),
        }
    }
    // By path as a string, so that one file can be found again (`serve` reads only what changed).
    content.notes.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    content
        .index_translations
        .sort_by(|a, b| a.1.rel_path.cmp(&b.1.rel_path));
    (content, diags)
}

/// Reads the dossier's own `templates/` and `static/`, if it has them.
pub fn load_theme(root: &Path) -> (ThemeOverrides, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut read_dir = |folder: &str| -> Vec<ThemeFile> {
        let dir = root.join(folder);
        let paths = walk(root, &dir, &mut diags);
        let read: Vec<Result<ThemeFile, Diagnostic>> = paths
            .par_iter()
            .map(|p| {
                let rel_path = rel(root, p);
                let name = rel(&dir, p);
                std::fs::read(p)
                    .map(|bytes| ThemeFile {
                        name,
                        rel_path: rel_path.clone(),
                        bytes,
                    })
                    .map_err(|e| Diagnostic::error(&rel_path, format!("cannot read this file: {e}")))
            })
            .collect();
        read.into_iter()
            .filter_map(|r| r.map_err(|d| diags.push(d)).ok())
            .collect()
    };
    let templates = read_dir("templates");
    let statics = read_dir("static");
    (ThemeOverrides { templates, statics }, diags)
}
