//! The build pipeline, from files in memory to the output tree in memory.
//!
//! `load` has read the files before this runs and `output` writes the result after it, so
//! everything here is a pure function of its input: the same input gives the same bytes, and
//! `serve` can run it without touching the disk.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::config;
use crate::diag::{self, Diagnostic};
use crate::graph::{self, Dossier, GraphOptions};
use crate::links::LinkTargets;
use crate::load::{Content, SourceFile, ThemeOverrides};
use crate::markdown::{self, Body, Rendered};
use crate::model::Note;
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
    /// Stale translations fail the build (`--strict`).
    pub strict: bool,
}

/// A successful build: the site, and the warnings met on the way.
pub struct Built {
    pub tree: OutputTree,
    pub warnings: Vec<Diagnostic>,
    pub notes: usize,
    pub pages: usize,
    /// The settings, for `check`: base URL and exclude patterns.
    pub config: config::Config,
    /// The file each page was made from, for reports that point into it.
    pub sources: Vec<PageSource>,
}

/// A page and the Markdown file it was made from.
pub struct PageSource {
    /// The page in the output tree (`people/elon-musk/index.html`).
    pub page: String,
    pub file: String,
    pub text: String,
    /// Where the body starts in `text`.
    pub body_start: usize,
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

/// What one build can lend the next (`serve` keeps one between rebuilds): each note as parsed,
/// by file, with the text it was parsed from.
#[derive(Default)]
pub struct Cache {
    parsed: std::collections::HashMap<String, (String, Option<Note>, Vec<Diagnostic>)>,
}

impl Cache {
    /// Parses the notes, reusing the result for every file whose text is unchanged.
    fn parse(&mut self, files: Vec<SourceFile>) -> Vec<(Option<Note>, Vec<Diagnostic>)> {
        let _span = tracing::info_span!("parse").entered();
        let cached = &self.parsed;
        let results: Vec<(String, String, Option<Note>, Vec<Diagnostic>)> = files
            .into_par_iter()
            .map(|f| match cached.get(&f.rel_path) {
                Some((text, note, diags)) if *text == f.text => (f.rel_path, f.text, note.clone(), diags.clone()),
                _ => {
                    let (path, text) = (f.rel_path.clone(), f.text.clone());
                    let (note, diags) = parse_note(f);
                    (path, text, note, diags)
                }
            })
            .collect();
        self.parsed.clear();
        let mut out = Vec::with_capacity(results.len());
        for (path, text, note, diags) in results {
            out.push((note.clone(), diags.clone()));
            self.parsed.insert(path, (text, note, diags));
        }
        out
    }
}

/// Builds the site in memory.
pub fn build(input: BuildInput, progress: &Progress) -> Result<Built, BuildFailure> {
    build_cached(input, progress, &mut Cache::default())
}

/// Builds the site in memory, reusing what `cache` holds from the previous build and leaving
/// in it what the next one can use. The result is the same as [`build`]'s.
pub fn build_cached(input: BuildInput, progress: &Progress, cache: &mut Cache) -> Result<Built, BuildFailure> {
    let BuildInput {
        content,
        theme,
        base_url,
        drafts,
        strict,
    } = input;
    let mut diags: Vec<Diagnostic> = Vec::new();

    progress.phase("reading settings");
    let (site, warnings) = read_settings(content.index, content.index_translations, base_url)?;
    diags.extend(warnings);

    // The files bodies may link to in static/: the theme's defaults, the dossier's own, and the
    // generated highlighting stylesheet.
    let mut statics: BTreeSet<String> = render::DEFAULT_STATIC.iter().map(|(n, _)| (*n).to_string()).collect();
    statics.extend(theme.statics.iter().map(|f| f.name.clone()));
    statics.insert("syntax.css".into());

    progress.phase("parsing notes");
    let (parsed, theme) = rayon::join(|| cache.parse(content.notes), || render::compile_theme(theme));
    let mut notes = Vec::with_capacity(parsed.len());
    for (note, d) in parsed {
        diags.extend(d);
        notes.extend(note);
    }
    let theme = theme.map_err(|d| diags.extend(d)).ok();

    progress.phase("linking notes");
    let (dossier, graph_diags) = graph::build(site, notes, GraphOptions { drafts, strict });
    diags.extend(graph_diags);

    // Bodies are rendered even when the front-matter has problems, so that every broken
    // reference of the build is reported in one run.
    progress.phase("rendering Markdown");
    let targets = graph::links::targets(&dossier, statics.iter().map(String::as_str));
    let bodies = render_markdown(&dossier, &targets, &mut diags);
    let conflicts = graph::conflicts::find(&dossier, dossier.site.config.conflicts.depth);
    let Some(theme) = theme else {
        return Err(fail(diags, false));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, false));
    }

    progress.phase("rendering pages");
    let mut tree = OutputTree::default();
    tree.base_url = Some(dossier.site.config.absolute_base());
    let (words, word_diags) = crate::i18n::resolve(&theme.strings, &dossier.site.config);
    diags.extend(word_diags);
    let input = render::SiteInput {
        dossier: &dossier,
        bodies: &bodies,
        conflicts: &conflicts,
        words,
    };
    let template_diags = render::render_site(input, &theme, &mut tree);
    if !template_diags.is_empty() {
        diags.extend(template_diags);
        return Err(fail(diags, false));
    }
    let pages = tree.len();
    add_assets(&dossier, &bodies.notes, &conflicts, &theme, &mut tree, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, false));
    }
    diag::sort(&mut diags);
    let notes = dossier.notes.len();
    let site = dossier.site;
    let mut sources: Vec<PageSource> = dossier
        .notes
        .into_iter()
        .map(|n| PageSource {
            page: format!("{}index.html", graph::note_path(&n)),
            file: n.file,
            text: n.text,
            body_start: n.body_start,
        })
        .collect();
    sources.push(PageSource {
        page: "index.html".into(),
        file: site.file,
        text: site.text,
        body_start: site.body_start,
    });
    Ok(Built {
        tree,
        warnings: diags,
        notes,
        pages,
        config: site.config,
        sources,
    })
}

/// Reads the site settings (`content/_index.md`) and the home page's translations, with
/// `--base-url` applied.
pub fn read_settings(
    index: Option<SourceFile>,
    index_translations: Vec<(String, SourceFile)>,
    base_url: Option<String>,
) -> Result<(config::SiteIndex, Vec<Diagnostic>), BuildFailure> {
    let Some(index_file) = index else {
        return Err(fail(
            vec![Diagnostic::error("content/_index.md", "the dossier has no settings file").with_help(
                "create content/_index.md with at least `title:` between two `---` lines (see README.md), or start with `dossier init`",
            )],
            true,
        ));
    };
    let (mut site, mut diags) = config::parse(&index_file.rel_path, index_file.text).map_err(|d| fail(d, true))?;
    for (lang, file) in index_translations {
        let config = &site.config;
        if lang == config.default_lang || !config.languages.contains_key(&lang) {
            let listed: Vec<&str> = config.languages().into_iter().skip(1).collect();
            diags.push(
                Diagnostic::error(&file.rel_path, format!("the site has no other language `{lang}`"))
                    .at(&file.text, 1, 1, 3)
                    .with_help(if listed.is_empty() {
                        "list the site's languages under `languages` in content/_index.md".to_string()
                    } else {
                        format!("name the file for one of: {}", listed.join(", "))
                    }),
            );
            continue;
        }
        match config::parse_home_translation(&file.rel_path, &lang, file.text) {
            Ok(h) => site.translations.push(h),
            Err(d) => diags.push(d),
        }
    }
    site.translations.sort_by(|a, b| a.lang.cmp(&b.lang));
    if let Some(url) = base_url {
        site.config
            .set_base_url(&url)
            .map_err(|msg| fail(vec![Diagnostic::error("--base-url", msg)], true))?;
    }

    Ok((site, diags))
}

/// Reads the notes and links them, without rendering anything: for commands that only need
/// the dossier's structure (`dossier translations`).
pub fn link_only(content: Content, drafts: bool, strict: bool) -> Result<(Dossier, Vec<Diagnostic>), BuildFailure> {
    let (site, mut diags) = read_settings(content.index, content.index_translations, None)?;
    let mut notes = Vec::new();
    for (note, d) in content.notes.into_par_iter().map(parse_note).collect::<Vec<_>>() {
        diags.extend(d);
        notes.extend(note);
    }
    let (dossier, graph_diags) = graph::build(site, notes, GraphOptions { drafts, strict });
    diags.extend(graph_diags);
    diag::sort(&mut diags);
    Ok((dossier, diags))
}

/// The rendered bodies of a build.
pub struct Bodies {
    /// In note order.
    pub notes: Vec<Rendered>,
    /// In the order of `Dossier::translations`.
    pub translations: Vec<Rendered>,
    pub home: Rendered,
    /// In the order of `SiteIndex::translations`.
    pub home_translations: Vec<Rendered>,
}

/// Renders every body (notes, translations and the home page in each language), checks the
/// heading links between them, and moves their diagnostics into `diags`.
fn render_markdown(dossier: &Dossier, targets: &LinkTargets, diags: &mut Vec<Diagnostic>) -> Bodies {
    let _span = tracing::info_span!("markdown").entered();
    fn body<'n>(n: &'n Note, this: Option<usize>, targets: &LinkTargets) -> Body<'n> {
        Body {
            file: &n.file,
            text: &n.text,
            start: n.body_start,
            this,
            seed: graph::links::seed(n, targets),
            lang: n.lang.as_deref(),
        }
    }
    // In the order `AnchorTarget::Page` counts: notes, then translations.
    let mut pages: Vec<(Rendered, &str, &str)> = dossier
        .notes
        .par_iter()
        .enumerate()
        .map(|(i, n)| {
            (
                markdown::render_body(&body(n, Some(i), targets), targets),
                n.file.as_str(),
                n.text.as_str(),
            )
        })
        .collect();
    pages.par_extend(dossier.translations.par_iter().map(|n| {
        let this = dossier.by_id.get(&n.id).copied();
        (
            markdown::render_body(&body(n, this, targets), targets),
            n.file.as_str(),
            n.text.as_str(),
        )
    }));
    let site = &dossier.site;
    let home = Body {
        file: &site.file,
        text: &site.text,
        start: site.body_start,
        this: None,
        seed: Vec::new(),
        lang: None,
    };
    pages.push((markdown::render_body(&home, targets), &site.file, &site.text));
    for h in &site.translations {
        let body = Body {
            file: &h.file,
            text: &h.text,
            start: h.body_start,
            this: None,
            seed: Vec::new(),
            lang: Some(&h.lang),
        };
        pages.push((markdown::render_body(&body, targets), &h.file, &h.text));
    }
    markdown::resolve_anchors(&mut pages, diags);
    for (page, _, _) in pages.iter_mut() {
        diags.append(&mut page.diagnostics);
    }
    let mut pages = pages.into_iter().map(|p| p.0);
    let notes: Vec<Rendered> = pages.by_ref().take(dossier.notes.len()).collect();
    let translations: Vec<Rendered> = pages.by_ref().take(dossier.translations.len()).collect();
    let home = pages.next().unwrap_or_default();
    let home_translations = pages.collect();
    Bodies {
        notes,
        translations,
        home,
        home_translations,
    }
}

/// Static files, the highlighting stylesheet and the machine-readable outputs.
fn add_assets(
    dossier: &Dossier,
    bodies: &[Rendered],
    conflicts: &graph::conflicts::Conflicts,
    theme: &render::Theme,
    tree: &mut OutputTree,
    diags: &mut Vec<Diagnostic>,
) {
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
    tree.insert(
        "dossier.json".into(),
        crate::feeds::dossier_json(dossier, bodies, conflicts),
    );
    let order = crate::timeline::order(dossier);
    tree.insert(
        "timeline.json".into(),
        crate::timeline::timeline_js(dossier, &order, conflicts, &dossier.site.config.absolute_base()),
    );
    let sitemap = crate::feeds::sitemap(dossier, tree);
    tree.insert("sitemap.xml".into(), sitemap.into_bytes());
}
