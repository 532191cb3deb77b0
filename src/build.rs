//! The build pipeline, from files in memory to the output tree in memory.
//!
//! `load` has read the files before this runs and `output` writes the result after it, so
//! everything here is a pure function of its input: the same input gives the same bytes, and
//! `serve` can run it without touching the disk.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config;
use crate::diag::{self, Diagnostic};
use crate::graph::{self, Dossier, GraphOptions};
use crate::links::LinkTargets;
use crate::load::Content;
use crate::markdown::{self, Bodies, Body, Rendered};
use crate::model::Note;
use crate::model::SourceFile;
use crate::model::parse::{Parsed, parse_note};
use crate::progress::Progress;
use crate::site;
use crate::site::OutputTree;
use crate::site::ThemeOverrides;

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
    /// The file each page was made from, for reports that point into it; empty from
    /// [`build_into`], which lets the files' texts go.
    pub sources: Vec<PageSource>,
    /// The gaps the integrity report lists.
    pub integrity: Vec<graph::integrity::Item>,
}

/// A page and the Markdown file it was made from.
pub struct PageSource {
    /// The page in the output tree (`people/elon-musk/index.html`).
    pub page: String,
    pub file: String,
    pub text: Arc<str>,
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

/// A file's text, and the note and problems parsing it gave.
type ParsedFile = (Arc<str>, Option<Note>, Vec<Diagnostic>);

/// What one build can lend the next (`serve` keeps one between rebuilds).
///
/// - Each note as parsed, by file, with the text it was parsed from.
/// - Each body as rendered (before its heading links are filled in), by file, with its text and
///   the fingerprint of the link targets it was rendered against.
/// - The last successful site, each page with what it was made from ([`site::Deps`]), and the
///   computed views that pages show. A rebuild renders again only the pages whose inputs
///   changed, and copies the others; the result is byte for byte a full build's (tested in
///   `tests/serve.rs`).
#[derive(Default)]
pub struct Cache {
    /// Whether to keep anything: a one-off build (`Cache::default()`) keeps nothing, and so
    /// pays nothing for it.
    keep: bool,
    /// Each file's text as last parsed, with what parsing it gave.
    parsed: HashMap<String, ParsedFile>,
    bodies: HashMap<String, CachedBody>,
    /// The files whose body, as shown, changed since the last successful build: a failed
    /// build renders bodies anew too, and the next build must still see them as changed.
    unsettled: HashSet<String>,
    last: Option<Last>,
}

struct CachedBody {
    /// The file's text, shared with the note it came from: an unchanged note's is the very
    /// same, which is told without reading it.
    text: Arc<str>,
    targets: u64,
    /// The titles of the notes it uses, as `LinkTargets::titles_of` hashes them.
    titles: u64,
    unresolved: Arc<Rendered>,
    /// A hash of `unresolved`.
    base: u64,
    /// What its heading links were filled with, and the body so filled in: what pages show.
    fill: markdown::Fill,
    /// The problems its heading links had, said again while they are filled in as before.
    fill_diags: Vec<Diagnostic>,
    resolved: Arc<Rendered>,
}

/// The last successful build, as the next one compares itself with it.
struct Last {
    tree: OutputTree,
    pages: BTreeMap<String, site::Deps>,
    layout: u64,
    index: Arc<site::Index>,
    links: site::LinkViews,
    conflicts: graph::conflicts::Conflicts,
    role_holders: Vec<Vec<graph::RoleRef>>,
    statuses: BTreeMap<String, Vec<graph::translations::Status>>,
    translated_as: Vec<Vec<usize>>,
    /// A hash of each note's text and its translations' texts, in note order.
    texts: Vec<u64>,
    /// A hash of each note's front-matter alone.
    fronts: Vec<u64>,
    home: u64,
    /// Where each note's entry stands in the tree's `dossier.json`.
    json_entries: Vec<std::ops::Range<usize>>,
    gaps: Vec<graph::integrity::Gap>,
    /// The dossier and what was made from its front-matter alone, for a rebuild after only
    /// bodies changed ([`Cache::reuse`]). Taken out by the next build.
    kept: Option<Kept>,
}

struct Kept {
    dossier: Dossier,
    targets: LinkTargets,
    /// The problems the notes' front-matter and links between them have (warnings: a build
    /// with errors is not kept).
    structural: Vec<Diagnostic>,
    options: GraphOptions,
    statics: BTreeSet<String>,
}

fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl Cache {
    /// A cache for a series of builds of one dossier (`serve`).
    pub fn for_rebuilds() -> Cache {
        Cache {
            keep: true,
            ..Cache::default()
        }
    }

    /// When the files differ from the last build's only in bodies (every changed file is a
    /// published note whose front-matter is as it was, and the settings, options and static
    /// files are the same), the last build's dossier with the new bodies put in, its link
    /// targets, its front-matter problems, and the problems parsing gives and the stale
    /// translations: what parsing and linking the notes would give, without doing either.
    fn reuse(
        &mut self,
        content: &Content,
        site: &config::SiteIndex,
        options: GraphOptions,
        statics: &BTreeSet<String>,
    ) -> Option<(Dossier, LinkTargets, Vec<Diagnostic>, Vec<Diagnostic>)> {
        let _span = tracing::info_span!("reuse").entered();
        let kept = self.last.as_ref()?.kept.as_ref()?;
        let old = &kept.dossier.site;
        let same_site = old.text == site.text
            && old.config.base_url == site.config.base_url
            && old.translations.len() == site.translations.len()
            && old
                .translations
                .iter()
                .zip(&site.translations)
                .all(|(a, b)| a.lang == b.lang && a.text == b.text);
        if !same_site
            || kept.options.drafts != options.drafts
            || kept.options.strict != options.strict
            || kept.statics != *statics
            || content.notes.len() != self.parsed.len()
        {
            return None;
        }
        let mut changed = Vec::new();
        for f in &content.notes {
            let (text, note, _) = self.parsed.get(&f.rel_path)?;
            if !same_text(text, &f.text) {
                note.as_ref()?;
                changed.push(f);
            }
        }
        let mut kept = self.last.as_mut()?.kept.take()?;
        for f in &changed {
            if !kept.dossier.replace_body(&f.rel_path, &f.text) {
                return None;
            }
        }
        for f in &changed {
            if let Some((text, Some(note), _)) = self.parsed.get_mut(&f.rel_path) {
                note.set_text(&f.text);
                *text = f.text.clone();
            }
        }
        let mut more: Vec<Diagnostic> = content
            .notes
            .iter()
            .filter_map(|f| self.parsed.get(&f.rel_path))
            .flat_map(|(_, _, d)| d.iter().cloned())
            .collect();
        more.extend(kept.structural.iter().cloned());
        more.extend(kept.dossier.retranslate(options.strict));
        Some((kept.dossier, kept.targets, kept.structural, more))
    }

    /// Parses the notes, reusing the result for every file whose text is unchanged.
    fn parse(&mut self, files: &[SourceFile]) -> Vec<(Option<Note>, Vec<Diagnostic>)> {
        let _span = tracing::info_span!("parse").entered();
        if !self.keep {
            return files.par_iter().map(|f| parse_note(f.clone())).collect();
        }
        let cached = &self.parsed;
        type Parsed = (Option<Note>, Vec<Diagnostic>);
        let results: Vec<(Parsed, bool)> = files
            .par_iter()
            .map(|f| match cached.get(&f.rel_path) {
                Some((text, note, diags)) if same_text(text, &f.text) => ((note.clone(), diags.clone()), false),
                _ => (parse_note(f.clone()), true),
            })
            .collect();
        // Keep what was parsed anew, and forget the files that are gone.
        if self.parsed.len() != files.len() {
            let present: HashSet<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
            self.parsed.retain(|path, _| present.contains(path.as_str()));
        }
        for (f, ((note, diags), fresh)) in files.iter().zip(&results) {
            if *fresh {
                self.parsed
                    .insert(f.rel_path.clone(), (f.text.clone(), note.clone(), diags.clone()));
            }
        }
        results.into_iter().map(|(r, _)| r).collect()
    }
}

/// Builds the site in memory.
pub fn build(input: BuildInput, progress: &Progress) -> Result<Built, BuildFailure> {
    build_with(Input::Lent(&input), progress, &mut Cache::default(), &|_| {}, None)
}

/// Builds the site into `staging`, which receives each page as soon as it is rendered rather
/// than once the whole site is (`dossier build`: the pages need not all be held in memory).
/// The tree returned holds the other files, and the pages' paths as written
/// ([`OutputTree::insert_on_disk`]); [`crate::output::Staging::finish`] completes the folder.
///
/// The notes' texts are let go once the pages no longer need them, so that they are not held
/// while the pages are made: [`Built::sources`] is empty.
pub fn build_into(
    input: BuildInput,
    progress: &Progress,
    staging: &crate::output::Staging,
) -> Result<Built, BuildFailure> {
    build_with(
        Input::Given(input),
        progress,
        &mut Cache::default(),
        &|_| {},
        Some(staging),
    )
}

/// What a build reads: lent by a caller that keeps it (`serve`, for its next build; `check`,
/// whose report points into the files), or given to a build that lets the notes' texts go as
/// soon as nothing reads them any more (a tenth of what a large build held).
enum Input<'a> {
    Lent(&'a BuildInput),
    Given(BuildInput),
}

/// Builds the site in memory, reusing what `cache` holds from the previous build and leaving
/// in it what the next one can use. The result is the same as [`build`]'s.
///
/// `pages_ready` is called once every page is rendered, with a site whose data files
/// (`dossier.json`, `atom.xml`, `timeline.json`, `sitemap.xml`) are still the last build's:
/// `serve` shows the pages then, and the data files a moment later.
pub fn build_cached(
    input: &BuildInput,
    progress: &Progress,
    cache: &mut Cache,
    pages_ready: &dyn Fn(&OutputTree),
) -> Result<Built, BuildFailure> {
    build_with(Input::Lent(input), progress, cache, pages_ready, None)
}

/// [`build_cached`], with pages given to `sink` as they are rendered when there is one.
fn build_with(
    input: Input<'_>,
    progress: &Progress,
    cache: &mut Cache,
    pages_ready: &dyn Fn(&OutputTree),
    sink: Option<site::PageSink<'_>>,
) -> Result<Built, BuildFailure> {
    let given = matches!(input, Input::Given(_));
    let BuildInput {
        content,
        theme,
        base_url,
        drafts,
        strict,
    } = match &input {
        Input::Lent(input) => input,
        Input::Given(input) => input,
    };
    let (drafts, strict) = (*drafts, *strict);
    let mut diags: Vec<Diagnostic> = Vec::new();

    progress.phase("reading settings");
    let (site, warnings) = read_settings(
        content.index.clone(),
        content.index_translations.clone(),
        base_url.clone(),
    )?;
    diags.extend(warnings);

    // The files bodies may link to in static/: the theme's defaults, the dossier's own, and the
    // generated highlighting stylesheet.
    let mut statics: BTreeSet<String> = site::DEFAULT_STATIC.iter().map(|(n, _)| (*n).to_string()).collect();
    statics.extend(theme.statics.iter().map(|f| f.name.clone()));
    statics.insert("syntax.css".into());

    progress.phase("parsing notes");
    let theme_sources: Vec<(String, Vec<u8>)> = theme
        .templates
        .iter()
        .map(|f| (f.name.clone(), f.bytes.clone()))
        .collect();
    let options = GraphOptions { drafts, strict };
    // After a change to bodies alone, the last build's dossier and link targets serve again.
    let reused = cache.reuse(content, &site, options, &statics);
    let (mut dossier, targets, structural, theme) = match reused {
        Some((dossier, targets, structural, more)) => {
            diags.extend(more);
            (dossier, targets, structural, site::compile_theme(theme.clone()))
        }
        None => {
            // The parse cache moves on from the kept dossier: it may not serve again.
            if let Some(last) = cache.last.as_mut() {
                last.kept = None;
            }
            let (parsed, theme) = rayon::join(|| cache.parse(&content.notes), || site::compile_theme(theme.clone()));
            let mut notes = Parsed::default();
            for (file, (note, d)) in content.notes.iter().zip(parsed) {
                diags.extend(d);
                notes.add(&file.rel_path, note);
            }
            progress.phase("linking notes");
            let (dossier, structural, stale) = graph::build_parts(site, notes, options);
            diags.extend(structural.iter().cloned());
            diags.extend(stale);
            let targets = {
                let _span = tracing::info_span!("targets").entered();
                graph::links::targets(&dossier, statics.iter().map(String::as_str))
            };
            (dossier, targets, structural, theme)
        }
    };
    let theme = theme.map_err(|d| diags.extend(d)).ok();
    // The files are read: a given input's texts stay only in the notes from here on.
    drop(input);

    // Bodies are rendered even when the front-matter has problems, so that every broken
    // reference of the build is reported in one run.
    progress.phase("rendering Markdown");
    let (bodies, changed_bodies) =
        render_markdown(&dossier, &targets, cache.keep.then_some(&mut cache.bodies), &mut diags);
    cache.unsettled.extend(changed_bodies);
    let changed_bodies = cache.unsettled.clone();
    let conflicts = graph::conflicts::find(&dossier, dossier.site.config.conflicts.depth);
    // A strict build fails on the integrity report's gaps, reported with every other problem.
    // Stale translations and those of unknown version are already reported, as errors, where
    // their `translated_from` is.
    let early_gaps = strict.then(|| {
        let gaps = integrity_report(&dossier, &bodies, None);
        use graph::integrity::GapKind;
        diags.extend(
            gaps.iter()
                .filter(|g| {
                    g.is_open() && !matches!(g.kind, GapKind::StaleTranslation | GapKind::UnrecordedTranslation)
                })
                .map(|g| graph::integrity::diagnostic(&dossier, g, true)),
        );
        diags.extend(graph::integrity::needless_explanations(&dossier, &gaps, true));
        gaps
    });
    let Some(theme) = theme else {
        return Err(fail(diags, false));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, false));
    }

    progress.phase("rendering pages");
    let (words, word_diags) = crate::i18n::resolve(&theme.strings, &dossier.site.config);
    diags.extend(word_diags);
    let keep = cache.keep;
    let compare_span = tracing::info_span!("compare").entered();
    let translated_as = if keep { translated_as(&dossier) } else { Vec::new() };
    let texts = if keep { note_texts(&dossier) } else { Vec::new() };
    let fronts: Vec<u64> = if keep {
        dossier.notes.iter().map(|n| n.digest.front).collect()
    } else {
        Vec::new()
    };
    let layout = if keep { layout_hash(&dossier, &theme_sources) } else { 0 };
    let home = hash_of(&(
        &dossier.site.text,
        dossier.site.translations.iter().map(|h| &h.text).collect::<Vec<_>>(),
    ));
    // With the same notes, languages, settings and templates as the last build, only the pages
    // whose inputs changed are rendered again, and only the changed notes' links are collected
    // again.
    let same = cache.last.as_ref().filter(|last| last.layout == layout);
    let changed = same.map(|last| changed_notes(&dossier, &texts, &changed_bodies, last));
    drop(compare_span);
    let (mut links, touched) = site::links_by_lang(
        &dossier,
        &bodies,
        same.zip(changed.as_ref()).map(|(last, changed)| (&last.links, changed)),
    );
    if !keep {
        links.forget_contributions();
    }
    let gaps = match early_gaps {
        Some(gaps) => gaps,
        None => {
            let gaps = integrity_report(&dossier, &bodies, links.by_lang.get(&dossier.site.config.default_lang));
            diags.extend(graph::integrity::needless_explanations(&dossier, &gaps, false));
            gaps
        }
    };
    let integrity = graph::integrity::items(&dossier, &gaps);
    // The last diagnostics that point into the notes' files are made: from here on nothing
    // reads their texts but the page sources of a build that keeps them.
    if given {
        dossier.let_texts_go();
    }
    let compare_span = tracing::info_span!("compare").entered();
    let now = Now {
        dossier: &dossier,
        conflicts: &conflicts,
        translated_as: &translated_as,
        fronts: &fronts,
        home,
        touched: &touched,
        gaps: &gaps,
    };
    let dirty: Option<(HashSet<String>, HashSet<usize>, &Last)> = same.zip(changed).map(|(last, changed)| {
        let pages = dirty_pages(&now, last, &words, &changed);
        (pages, changed.into_iter().collect(), last)
    });
    drop(compare_span);
    if let Some((pages, _, _)) = &dirty {
        tracing::info!(pages = pages.len(), "pages to render again");
    }
    let only = |path: &str| match &dirty {
        Some((pages, _, last)) => pages.contains(path) || !last.pages.contains_key(path),
        None => true,
    };
    let input = site::SiteInput {
        dossier: &dossier,
        bodies: &bodies,
        conflicts: &conflicts,
        links: &links.by_lang,
        gaps: &gaps,
        words,
        only: keep.then_some(&only as &(dyn Fn(&str) -> bool + Sync)),
        previous: dirty.as_ref().map(|(_, changed, last)| (&*last.index, changed)),
        sink,
    };
    let mut rendered = OutputTree::default();
    let (template_diags, deps) = site::render_site(input, &theme, &mut rendered);
    if !template_diags.is_empty() {
        diags.extend(template_diags);
        return Err(fail(diags, false));
    }
    let assemble_span = tracing::info_span!("assemble").entered();
    let incremental = dirty.is_some();
    // The notes whose entries in `dossier.json` are made again.
    let changed_notes = dirty.map(|(_, changed, _)| changed);
    // The last site, with the pages rendered again put in: the last build is taken apart for
    // it, so a rebuild that fails from here on is followed by a full one.
    let last = if incremental { cache.last.take() } else { None };
    let (mut tree, mut pages, json_entries) = match last {
        Some(last) => (last.tree, last.pages, last.json_entries),
        None => Default::default(),
    };
    tree.extend_from(&rendered);
    pages.extend(deps);
    // The static files are put in anew below; the data files stay the last build's until
    // `add_feeds` replaces them.
    tree.retain(|path| pages.contains_key(path) || FEEDS.contains(&path));
    tree.base_url = Some(dossier.site.config.absolute_base());
    let page_count = pages.len();
    add_statics(&theme, &mut tree, &mut diags);
    drop(assemble_span);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, false));
    }
    if incremental {
        pages_ready(&tree);
    } else if let Some(last) = &cache.last {
        let mut early = tree.clone();
        for name in FEEDS {
            if let Some(bytes) = last.tree.get_shared(name) {
                early.insert_shared(name.to_string(), bytes.clone());
            }
        }
        pages_ready(&early);
    }
    // What a next build reuses; for a one-off build, the index and the link views are let go
    // (freed on another thread) before the data files are made, whose memory they can then
    // take.
    let reused = if keep {
        Some((theme.index(), links))
    } else {
        let_go(links);
        None
    };
    let_go(theme);
    let json_entries = {
        let _span = tracing::info_span!("feeds").entered();
        let last_json = tree.get_shared("dossier.json").cloned();
        let reuse = match (&changed_notes, &last_json) {
            (Some(changed), Some(last)) if sink.is_none() => Some(crate::site::feeds::JsonReuse {
                last,
                entries: &json_entries,
                changed,
            }),
            _ => None,
        };
        add_feeds(&dossier, &bodies.notes, &conflicts, &mut tree, sink, reuse)
    };
    diag::sort(&mut diags);
    let notes = dossier.notes.len();
    let sources = if given { Vec::new() } else { page_sources(&dossier) };
    let config = dossier.site.config.clone();
    cache.unsettled.clear();
    cache.last = match reused {
        Some((Some(index), links)) => Some(Last {
            tree: tree.clone(),
            pages,
            layout,
            index,
            links,
            conflicts,
            role_holders: dossier.role_holders.clone(),
            statuses: statuses(&dossier),
            translated_as,
            texts,
            fronts,
            home,
            json_entries,
            gaps,
            kept: Some(Kept {
                dossier,
                targets,
                structural,
                options,
                statics,
            }),
        }),
        _ => {
            let_go((dossier, bodies, targets, conflicts, gaps, pages));
            None
        }
    };
    Ok(Built {
        tree,
        warnings: diags,
        notes,
        pages: page_count,
        config,
        sources,
        integrity,
    })
}

/// Drops `value` on a thread of its own. A one-off build's dossier, bodies and link views are
/// millions of small blocks: freeing them took a second of a 10,000-note build, all on the
/// path to its end. When no thread can be started, `value` is dropped here.
fn let_go<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("dossier-free".into())
        .spawn(move || drop(value));
}

/// Each note's page and the file it was made from, and the home page's.
fn page_sources(dossier: &Dossier) -> Vec<PageSource> {
    let mut sources: Vec<PageSource> = dossier
        .notes
        .iter()
        .map(|n| PageSource {
            page: format!("{}index.html", graph::note_path(n)),
            file: n.file.clone(),
            text: n.text.clone(),
            body_start: n.body_start,
        })
        .collect();
    let site = &dossier.site;
    sources.push(PageSource {
        page: "index.html".into(),
        file: site.file.clone(),
        text: site.text.as_str().into(),
        body_start: site.body_start,
    });
    sources
}

/// The integrity report, over the default language's bodies and link views (collected here
/// when not given).
fn integrity_report(
    dossier: &Dossier,
    bodies: &Bodies,
    links: Option<&graph::links::Links>,
) -> Vec<graph::integrity::Gap> {
    let shown = site::shown_bodies(dossier, bodies, &dossier.site.config.default_lang);
    match links {
        Some(links) => graph::integrity::report(dossier, &shown, links, &bodies.home),
        None => graph::integrity::report(
            dossier,
            &shown,
            &graph::links::collect(dossier, &shown, None, None).0,
            &bodies.home,
        ),
    }
}

/// The sources that translate each source.
fn translated_as(dossier: &Dossier) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); dossier.notes.len()];
    for (i, n) in dossier.notes.iter().enumerate() {
        if let crate::model::KindData::Source(s) = &n.data
            && let Some(&o) = s.translation_of.as_deref().and_then(|id| dossier.by_id.get(id))
        {
            out[o].push(i);
        }
    }
    out
}

/// A hash of each note's text and its translations' texts.
fn note_texts(dossier: &Dossier) -> Vec<u64> {
    let mut texts: Vec<Vec<u64>> = dossier.notes.iter().map(|n| vec![n.digest.text]).collect();
    for t in &dossier.translations {
        if let Some(&i) = dossier.by_id.get(&t.id) {
            texts[i].push(t.digest.text);
        }
    }
    texts.iter().map(hash_of).collect()
}

fn statuses(dossier: &Dossier) -> BTreeMap<String, Vec<graph::translations::Status>> {
    dossier
        .translated
        .by_lang
        .iter()
        .map(|(l, states)| (l.clone(), states.iter().map(|s| s.status).collect()))
        .collect()
}

/// What decides the set of pages and what every page shares: the notes and translations (ids,
/// kinds, files, in order), the settings, the languages and the templates with their strings.
/// When it changes, every page is rendered again.
fn layout_hash(dossier: &Dossier, theme_sources: &[(String, Vec<u8>)]) -> u64 {
    let notes: Vec<(&str, &str, &str)> = dossier
        .notes
        .iter()
        .map(|n| (n.id.as_str(), n.kind.as_str(), n.file.as_str()))
        .collect();
    let translations: Vec<(&str, Option<&str>, &str)> = dossier
        .translations
        .iter()
        .map(|t| (t.id.as_str(), t.lang.as_deref(), t.file.as_str()))
        .collect();
    let site = &dossier.site;
    let settings = &site.text[..site.body_start];
    let homes: Vec<&str> = site.translations.iter().map(|h| h.lang.as_str()).collect();
    hash_of(&(
        notes,
        translations,
        settings,
        &site.config.base_url,
        homes,
        theme_sources,
    ))
}

/// The build being made, as [`dirty_pages`] compares it with the last.
struct Now<'a> {
    dossier: &'a Dossier,
    conflicts: &'a graph::conflicts::Conflicts,
    translated_as: &'a [Vec<usize>],
    fronts: &'a [u64],
    home: u64,
    /// Per language, the notes whose link views changed.
    touched: &'a BTreeMap<String, BTreeSet<usize>>,
    gaps: &'a [graph::integrity::Gap],
}

/// The notes whose text (or a translation's), or whose body as shown, changed since `last`.
fn changed_notes(dossier: &Dossier, texts: &[u64], changed_bodies: &HashSet<String>, last: &Last) -> BTreeSet<usize> {
    let mut changed: BTreeSet<usize> = (0..texts.len()).filter(|&i| texts[i] != last.texts[i]).collect();
    for (i, note) in dossier.notes.iter().enumerate() {
        if changed_bodies.contains(&note.file) {
            changed.insert(i);
        }
    }
    for t in &dossier.translations {
        if changed_bodies.contains(&t.file)
            && let Some(&i) = dossier.by_id.get(&t.id)
        {
            changed.insert(i);
        }
    }
    changed
}

/// The pages whose output can differ from the last build's: a changed note's own pages, pages
/// that show a summary (title, date, URL, …) that changed, pages of notes whose computed views
/// (backlinks, citations, roles held, conflicts, translations) changed, and the lists those
/// changes reach.
fn dirty_pages(
    now: &Now<'_>,
    last: &Last,
    words: &HashMap<String, crate::i18n::Lang>,
    changed: &BTreeSet<usize>,
) -> HashSet<String> {
    let _span = tracing::info_span!("dirty").entered();
    let dossier = now.dossier;
    let config = &dossier.site.config;
    let n = dossier.notes.len();
    // A changed person or organization can change the roles shown where it holds them, and
    // the conflicts it is part of.
    let mut also: BTreeSet<usize> = BTreeSet::new();
    for &i in changed {
        for (org, holders) in now
            .dossier
            .role_holders
            .iter()
            .enumerate()
            .chain(last.role_holders.iter().enumerate())
        {
            if holders.iter().any(|r| r.holder == i) {
                also.insert(org);
            }
        }
    }
    // Conflict views show the roles behind them: a conflict is shown anew when it appears,
    // goes, or involves a note whose front-matter changed.
    let front_changed = |k: usize| now.fronts[k] != last.fronts[k];
    let mut conflicts_changed = now.conflicts.list != last.conflicts.list;
    for c in now.conflicts.list.iter().chain(&last.conflicts.list) {
        if graph::conflicts::Conflicts::notes_of(c).any(|k| changed.contains(&k) && front_changed(k)) {
            conflicts_changed = true;
            also.extend(graph::conflicts::Conflicts::notes_of(c));
        }
    }
    for i in 0..n {
        if !now.conflicts.of_event(i).eq(last.conflicts.of_event(i))
            || !now.conflicts.of_entity(i).eq(last.conflicts.of_entity(i))
        {
            also.insert(i);
        }
    }
    for i in 0..n {
        if dossier.role_holders[i] != last.role_holders[i] || now.translated_as[i] != last.translated_as[i] {
            also.insert(i);
        }
    }
    let mut dirty: HashSet<String> = HashSet::new();
    // The timeline's picture shows people's roles, and its items the hand-written notes on
    // conflicts and the claims that contradict: all in the front-matter.
    let timeline_changed = changed.iter().any(|&i| {
        now.fronts[i] != last.fronts[i]
            && (matches!(
                dossier.notes[i].kind,
                crate::model::Kind::Person | crate::model::Kind::Organization | crate::model::Kind::Event
            ) || dossier.notes[i].date().is_some())
    });
    // A note's translations are listed, with how up to date they are, on its pages in every
    // language and on the translations pages of every language.
    let mut status_changed: BTreeSet<usize> = BTreeSet::new();
    for (lang, states) in &dossier.translated.by_lang {
        let before = last.statuses.get(lang);
        for (i, state) in states.iter().enumerate() {
            if before.and_then(|b| b.get(i)) != Some(&state.status) {
                status_changed.insert(i);
            }
        }
    }
    let statuses_changed = !status_changed.is_empty() || dossier.translated.by_lang.len() != last.statuses.len();
    for lang in config.languages() {
        let prefix = config.lang_prefix(lang);
        let mut mine: BTreeSet<usize> = changed.iter().chain(&also).chain(&status_changed).copied().collect();
        mine.extend(now.touched.get(lang).into_iter().flatten());
        for &i in &mine {
            let path = graph::note_path(&dossier.notes[i]);
            dirty.insert(format!("{prefix}{path}index.html"));
            dirty.insert(format!("{prefix}{path}side-by-side/index.html"));
        }
        // Summaries that changed, and the kinds whose lists they are in. A page that shows a
        // note shows its summary, and sometimes more of its front-matter (a timeline item
        // shows what contradicts a claim): a changed front-matter counts as a changed summary
        // for the pages that show the note, though not for the lists of its kind.
        let mut summary_changed: HashSet<u32> = HashSet::new();
        let mut kinds = 0u8;
        for &i in changed {
            if !last.index.has_summary(dossier, lang, words, i) {
                summary_changed.insert(i as u32);
                kinds |= site::kind_bit(dossier.notes[i].kind);
            } else if front_changed(i) {
                summary_changed.insert(i as u32);
            }
        }
        for (path, deps) in &last.pages {
            if deps.kinds & kinds != 0 || deps.notes.iter().any(|k| summary_changed.contains(k)) {
                dirty.insert(path.clone());
            }
        }
        if now.gaps != last.gaps {
            dirty.insert(format!("{prefix}integrity/index.html"));
        }
        if statuses_changed || !summary_changed.is_empty() {
            dirty.insert(format!("{prefix}translations/index.html"));
        }
        if conflicts_changed || timeline_changed {
            dirty.insert(format!("{prefix}timeline/index.html"));
            dirty.insert(format!("{prefix}conflicts/index.html"));
        }
        if now.home != last.home {
            dirty.insert(format!("{prefix}index.html"));
        }
    }
    dirty
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
            vec![
                Diagnostic::error("content/_index.md", "the dossier has no settings file").with_help(
                    "create content/_index.md with at least `title:` between two `---` lines (see README.md)",
                ),
            ],
            true,
        ));
    };
    let (mut site, mut diags) =
        config::parse(&index_file.rel_path, index_file.text.to_string()).map_err(|d| fail(d, true))?;
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
        match config::parse_home_translation(&file.rel_path, &lang, file.text.to_string()) {
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
    let mut notes = Parsed::default();
    let parsed: Vec<_> = content.notes.par_iter().map(|f| parse_note(f.clone())).collect();
    for (file, (note, d)) in content.notes.iter().zip(parsed) {
        diags.extend(d);
        notes.add(&file.rel_path, note);
    }
    let (dossier, graph_diags) = graph::build(site, notes, GraphOptions { drafts, strict });
    diags.extend(graph_diags);
    diag::sort(&mut diags);
    Ok((dossier, diags))
}

/// Whether a cached text is `text`: at once when it is the very same (an unchanged note's).
fn same_text(cached: &Arc<str>, text: &str) -> bool {
    (std::ptr::eq(cached.as_ptr(), text.as_ptr()) && cached.len() == text.len()) || **cached == *text
}

/// Renders every body (notes, translations and the home page in each language), checks the
/// heading links between them, and moves their diagnostics into `diags`. A body whose text and
/// link targets are those of the cached one is not rendered again. Returns the bodies, and the
/// files whose body, as shown, differs from the last build's.
fn render_markdown(
    dossier: &Dossier,
    targets: &LinkTargets,
    cache: Option<&mut HashMap<String, CachedBody>>,
    diags: &mut Vec<Diagnostic>,
) -> (Bodies, HashSet<String>) {
    let _span = tracing::info_span!("markdown").entered();
    let mut none = HashMap::new();
    let keep = cache.is_some();
    let cache = cache.unwrap_or(&mut none);
    let fingerprint = if keep { targets.fingerprint() } else { 0 };
    let title_hashes = if keep { targets.title_hashes() } else { Vec::new() };
    struct Job<'n> {
        body: Body<'n>,
        /// The note, when the body is a note's: its front-matter citations are numbered first
        /// (`Body::seed`, made only for a body rendered again), and its text is shared.
        note: Option<&'n Note>,
    }
    fn job<'n>(n: &'n Note, this: Option<usize>) -> Job<'n> {
        Job {
            note: Some(n),
            body: Body {
                file: &n.file,
                text: &n.text,
                start: n.body_start,
                this,
                seed: Vec::new(),
                lang: n.lang.as_deref(),
            },
        }
    }
    // In the order `AnchorTarget::Page` counts: notes, then translations, then the home page
    // in each language.
    let mut jobs: Vec<Job<'_>> = Vec::with_capacity(dossier.notes.len() + dossier.translations.len() + 1);
    jobs.extend(dossier.notes.iter().enumerate().map(|(i, n)| job(n, Some(i))));
    jobs.extend(
        dossier
            .translations
            .iter()
            .map(|n| job(n, dossier.by_id.get(&n.id).copied())),
    );
    let site = &dossier.site;
    jobs.push(Job {
        note: None,
        body: Body {
            file: &site.file,
            text: &site.text,
            start: site.body_start,
            this: None,
            seed: Vec::new(),
            lang: None,
        },
    });
    for h in &site.translations {
        jobs.push(Job {
            note: None,
            body: Body {
                file: &h.file,
                text: &h.text,
                start: h.body_start,
                this: None,
                seed: Vec::new(),
                lang: Some(&h.lang),
            },
        });
    }
    let cached: &HashMap<String, CachedBody> = cache;
    let rendered: Vec<(Arc<Rendered>, bool)> = jobs
        .par_iter()
        .map(|j| match cached.get(j.body.file) {
            Some(c)
                if c.targets == fingerprint
                    && same_text(&c.text, j.body.text)
                    && c.titles == LinkTargets::titles_of(&title_hashes, &c.unresolved.uses) =>
            {
                (c.unresolved.clone(), false)
            }
            _ => {
                let body = Body {
                    seed: j.note.map(|n| graph::links::seed(n, targets)).unwrap_or_default(),
                    ..j.body
                };
                (Arc::new(markdown::render_body(&body, targets)), true)
            }
        })
        .collect();
    let fresh: Vec<bool> = rendered.iter().map(|(_, f)| *f).collect();
    let mut pages: Vec<(Arc<Rendered>, &str, &str)> = rendered
        .into_iter()
        .zip(&jobs)
        .map(|((r, _), j)| (r, j.body.file, j.body.text))
        .collect();
    // A body not rendered again, whose heading links all point into bodies not rendered again
    // either, is filled in as last time. (The cache holds the last build's bodies: with as
    // many now, and the same targets, `AnchorTarget::Page` numbers the same bodies.)
    let same_pages = keep && cache.len() == pages.len();
    let known: Vec<bool> = pages
        .iter()
        .enumerate()
        .map(|(k, (page, _, _))| {
            same_pages
                && !fresh[k]
                && page.anchors.iter().all(|a| match a.target {
                    markdown::AnchorTarget::This => true,
                    markdown::AnchorTarget::Page(t) => fresh.get(t) == Some(&false),
                })
        })
        .collect();
    let made: Vec<Option<(markdown::Fill, Vec<Diagnostic>)>> = (0..pages.len())
        .into_par_iter()
        .map(|k| (!known[k]).then(|| markdown::anchor_fill(&pages, k)))
        .collect();
    let mut changed = HashSet::new();
    for (k, ((page, file, text), made)) in pages.iter_mut().zip(made).enumerate() {
        diags.extend(page.diagnostics.iter().cloned());
        let Some((fill, fill_diags)) = made else {
            if let Some(old) = cache.get(*file) {
                diags.extend(old.fill_diags.iter().cloned());
                *page = old.resolved.clone();
            }
            continue;
        };
        diags.extend(fill_diags.iter().cloned());
        if !keep {
            markdown::fill_anchors(page, &fill);
            continue;
        }
        match cache.get_mut(*file) {
            // The same body with its heading links filled in as before: as shown last time.
            Some(old) if !fresh[k] && old.fill == fill => {
                old.fill_diags = fill_diags;
                *page = old.resolved.clone();
            }
            old => {
                let unresolved = page.clone();
                markdown::fill_anchors(page, &fill);
                // A hash of the body as rendered, before its heading links are filled in.
                let base = match &old {
                    Some(o) if !fresh[k] => o.base,
                    _ => hash_of(&(
                        &unresolved.html,
                        format!("{:?}", (&unresolved.headings, &unresolved.citations, &unresolved.links)),
                    )),
                };
                if old.as_ref().is_none_or(|o| o.base != base || o.fill != fill) {
                    changed.insert(file.to_string());
                }
                let entry = CachedBody {
                    text: jobs[k].note.map_or_else(|| Arc::from(*text), |n| n.text.clone()),
                    targets: fingerprint,
                    titles: LinkTargets::titles_of(&title_hashes, &unresolved.uses),
                    unresolved,
                    base,
                    fill,
                    fill_diags,
                    resolved: page.clone(),
                };
                match old {
                    Some(o) => *o = entry,
                    None => {
                        cache.insert(file.to_string(), entry);
                    }
                }
            }
        }
    }
    // Forget the files that are gone.
    if keep && cache.len() != pages.len() {
        let present: HashSet<&str> = pages.iter().map(|(_, f, _)| *f).collect();
        cache.retain(|f, _| present.contains(f.as_str()));
    }
    let mut pages = pages.into_iter().map(|p| p.0);
    let notes: Vec<Arc<Rendered>> = pages.by_ref().take(dossier.notes.len()).collect();
    let translations: Vec<Arc<Rendered>> = pages.by_ref().take(dossier.translations.len()).collect();
    let home = pages.next().unwrap_or_default();
    let home_translations = pages.collect();
    (
        Bodies {
            notes,
            translations,
            home,
            home_translations,
        },
        changed,
    )
}

/// The files `add_feeds` makes.
const FEEDS: [&str; 4] = ["atom.xml", "dossier.json", "timeline.json", "sitemap.xml"];

/// The static files and the highlighting stylesheet.
fn add_statics(theme: &site::Theme, tree: &mut OutputTree, diags: &mut Vec<Diagnostic>) {
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
}

/// The machine-readable outputs, made side by side. With a sink, each goes there as soon as
/// it is made, and the tree records it as written: `dossier.json` is tens of megabytes in a
/// large dossier, and holding it until the end would be the build's peak. Returns where each
/// note's entry stands in `dossier.json`, for the next build's `reuse`.
fn add_feeds(
    dossier: &Dossier,
    bodies: &[Arc<Rendered>],
    conflicts: &graph::conflicts::Conflicts,
    tree: &mut OutputTree,
    sink: Option<site::PageSink<'_>>,
    reuse: Option<crate::site::feeds::JsonReuse<'_>>,
) -> Vec<std::ops::Range<usize>> {
    let put = |tree: &mut OutputTree, name: &str, bytes: Vec<u8>| match sink {
        Some(sink) => {
            sink.put(name, &bytes);
            tree.insert_on_disk(name.to_string());
        }
        None => tree.insert(name.to_string(), bytes),
    };
    // dossier.json is as large as a tenth of the site: with a sink, it goes to the file as it
    // is made, never whole in memory.
    let json = move |sink: Option<site::PageSink<'_>>| match sink {
        Some(sink) => {
            let mut entries = Vec::new();
            sink.put_streamed("dossier.json", &mut |w| {
                entries = crate::site::feeds::write_dossier_json(dossier, bodies, conflicts, None, w)?;
                Ok(())
            });
            (None, entries)
        }
        None => {
            let (bytes, entries) = crate::site::feeds::dossier_json(dossier, bodies, conflicts, reuse);
            (Some(bytes), entries)
        }
    };
    let ((atom, (json, entries)), timeline) = rayon::join(
        || {
            rayon::join(
                || tracing::info_span!("feeds.atom").in_scope(|| crate::site::feeds::atom(dossier).into_bytes()),
                || tracing::info_span!("feeds.json").in_scope(|| json(sink)),
            )
        },
        || {
            let _span = tracing::info_span!("feeds.timeline").entered();
            let order = crate::site::timeline::order(dossier);
            crate::site::timeline::timeline_js(dossier, &order, conflicts, &dossier.site.config.absolute_base())
        },
    );
    put(tree, "atom.xml", atom);
    match json {
        Some(json) => put(tree, "dossier.json", json),
        None => tree.insert_on_disk("dossier.json".to_string()),
    }
    put(tree, "timeline.json", timeline);
    let sitemap = crate::site::feeds::sitemap(dossier, tree);
    put(tree, "sitemap.xml", sitemap.into_bytes());
    entries
}
