//! The build pipeline, from files in memory to the output tree in memory.
//!
//! `load` has read the files before this runs and `output` writes the result after it, so
//! everything here is a pure function of its input: the same input gives the same bytes, and
//! `serve` can run it without touching the disk.

use rayon::prelude::*;

use crate::config;
use crate::diag::{self, Diagnostic};
use crate::graph::{self, Dossier, GraphOptions};
use crate::load::{Content, ThemeOverrides};
use crate::markdown::{self, Rendered};
use crate::model::parse::parse_note;
use crate::output::OutputTree;
use crate::progress::Progress;
use crate::render;

/// Everything a build needs, already read from disk.
pub struct BuildInput {
    pub content: Content,
    pub theme: ThemeOverrides,
    /// Overrides `base_url` from `_index.md` (`--base-url`).
    pub base_url: Option<String>,
    /// Publish notes marked `draft: true`.
    pub drafts: bool,
}

/// A successful build: the site, and the warnings met on the way.
pub struct Built {
    pub tree: OutputTree,
    pub warnings: Vec<Diagnostic>,
    pub notes: usize,
    pub pages: usize,
}

/// A failed build: every problem found, and whether it lies in the settings (exit code 2) or in
/// the content (exit code 1).
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
    pub config: bool,
}

fn fail(mut diagnostics: Vec<Diagnostic>, config: bool) -> BuildFailure {
    diag::sort(&mut diagnostics);
    BuildFailure { diagnostics, config }
}

/// Builds the site in memory.
pub fn build(input: BuildInput, progress: &Progress) -> Result<Built, BuildFailure> {
    let BuildInput {
        content,
        theme,
        base_url,
        drafts,
    } = input;
    let mut diags: Vec<Diagnostic> = Vec::new();

    progress.phase("reading settings");
    let Some(index_file) = content.index else {
        return Err(fail(
            vec![Diagnostic::error("content/_index.md", "the dossier has no settings file").with_help(
                "create content/_index.md with at least `title:` between two `---` lines (see README.md), or start with `dossier init`",
            )],
            true,
        ));
    };
    let (mut site, warnings) = config::parse(&index_file.rel_path, index_file.text).map_err(|d| fail(d, true))?;
    diags.extend(warnings);
    if let Some(url) = base_url {
        site.config
            .set_base_url(&url)
            .map_err(|msg| fail(vec![Diagnostic::error("--base-url", msg)], true))?;
    }

    progress.phase("parsing notes");
    let (parsed, theme) = rayon::join(
        || {
            let _span = tracing::info_span!("parse").entered();
            content.notes.into_par_iter().map(parse_note).collect::<Vec<_>>()
        },
        || render::compile_theme(theme),
    );
    let mut notes = Vec::with_capacity(parsed.len());
    for (note, d) in parsed {
        diags.extend(d);
        notes.extend(note);
    }
    let theme = theme.map_err(|d| diags.extend(d)).ok();

    progress.phase("linking notes");
    let (dossier, graph_diags) = graph::build(site, notes, GraphOptions { drafts });
    diags.extend(graph_diags);
    let Some(theme) = theme else {
        return Err(fail(diags, false));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, false));
    }

    progress.phase("rendering Markdown");
    let (bodies, home) = render_markdown(&dossier);

    progress.phase("rendering pages");
    let mut tree = OutputTree::default();
    let template_diags = render::render_site(&dossier, &theme, &bodies, &home, &mut tree);
    if !template_diags.is_empty() {
        diags.extend(template_diags);
        return Err(fail(diags, false));
    }
    let pages = tree.len();
    add_assets(&dossier, &theme, &mut tree, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, false));
    }
    diag::sort(&mut diags);
    Ok(Built {
        tree,
        warnings: diags,
        notes: dossier.notes.len(),
        pages,
    })
}

fn render_markdown(dossier: &Dossier) -> (Vec<Rendered>, Rendered) {
    let _span = tracing::info_span!("markdown").entered();
    let bodies = dossier.notes.par_iter().map(|n| markdown::render(n.body())).collect();
    let home = markdown::render(dossier.site.home_body());
    (bodies, home)
}

/// Static files, the highlighting stylesheet and the machine-readable outputs.
fn add_assets(dossier: &Dossier, theme: &render::Theme, tree: &mut OutputTree, diags: &mut Vec<Diagnostic>) {
    for (name, bytes) in &theme.statics {
        if tree.contains(name) {
            diags.push(
                Diagnostic::error(
                    format!("static/{name}"),
                    format!("static/{name} would replace the page the site builds at /{name}"),
                )
                .with_help("rename the static file"),
            );
            continue;
        }
        tree.insert(name.clone(), bytes.clone());
    }
    if !theme.statics.contains_key("syntax.css") {
        tree.insert("syntax.css".into(), markdown::syntax_css().into_bytes());
    }
    tree.insert("atom.xml".into(), crate::feeds::atom(dossier).into_bytes());
    tree.insert("dossier.json".into(), crate::feeds::dossier_json(dossier));
    let sitemap = crate::feeds::sitemap(dossier, tree);
    tree.insert("sitemap.xml".into(), sitemap.into_bytes());
}
