//! The build pipeline, from files in memory to the output tree in memory.
//!
//! `load` has read the files before this runs and `output` writes the result after it, so
//! everything here is a function of its input: the same input gives the same bytes, and
//! `serve` can run it without touching the disk. (`dossier build` hands the pages to the
//! staging folder as they are made, through [`site::Sink`], so as not to hold them all.)

mod bodies;
mod incremental;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

pub(crate) use incremental::Cache;
use incremental::{Dirty, Fingerprints, Kept, Last};

use crate::config;
use crate::diag::{self, Diagnostic};
use crate::graph::conflicts::Conflicts;
use crate::graph::integrity::{Gap, GapKind};
use crate::graph::{self, Dossier, GraphOptions};
use crate::i18n;
use crate::links::{BodyWords, LinkTargets};
use crate::load::Content;
use crate::markdown::{self, Bodies, Rendered};
use crate::model::SourceFile;
use crate::model::parse::{Parsed, parse_note};
use crate::progress::Progress;
use crate::site::{self, LinkViews, OutputTree, PageSink, Theme, ThemeOverrides};

/// Everything a build needs, already read from disk.
pub struct BuildInput {
    pub content: Content,
    pub theme: ThemeOverrides,
    /// Overrides `base_url` from `_index.md` (`--base-url`).
    pub base_url: Option<String>,
    /// Publish notes marked `draft: true`.
    pub drafts: bool,
    /// Stale translations, open integrity gaps and citations their sources' texts contradict
    /// fail the build (`--strict`).
    pub strict: bool,
    /// The sources' texts, to verify citations against; never published.
    pub texts: crate::model::Texts,
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
    /// How many sources were verified against their texts.
    pub verified: graph::verify::Summary,
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
pub(crate) fn build_into(
    input: BuildInput,
    progress: &Progress,
    staging: &crate::output::Staging,
) -> Result<Built, BuildFailure> {
    build_with(
        Input::Given(Box::new(input)),
        progress,
        &mut Cache::default(),
        &|_| {},
        Some(staging),
    )
}

/// What a build reads: lent by a caller that keeps it (`serve`, for its next build; `check`,
/// whose report points into the files), or given to a build that lets the notes' texts go as
/// soon as nothing reads them any more.
enum Input<'a> {
    Lent(&'a BuildInput),
    Given(Box<BuildInput>),
}

impl Input<'_> {
    fn get(&self) -> &BuildInput {
        match self {
            Input::Lent(input) => input,
            Input::Given(input) => input,
        }
    }
}

/// Builds the site in memory, reusing what `cache` holds from the previous build and leaving
/// in it what the next one can use. The result is the same as [`build`]'s.
///
/// `pages_ready` is called once every page is rendered, with a site whose data files
/// (`dossier.json`, `atom.xml`, `timeline.json`, `sitemap.xml`) are still the last build's:
/// `serve` shows the pages then, and the data files a moment later.
pub(crate) fn build_cached(
    input: &BuildInput,
    progress: &Progress,
    cache: &mut Cache,
    pages_ready: &dyn Fn(&OutputTree),
) -> Result<Built, BuildFailure> {
    build_with(Input::Lent(input), progress, cache, pages_ready, None)
}

/// [`build_cached`], with pages given to `sink` as they are rendered when there is one.
///
/// The stages, each a function returning what the next reads: settings → parse and link →
/// bodies → checks → views → pages → data files. With a cache that holds a last build, each
/// stage reuses what did not change ([`incremental`]).
fn build_with(
    input: Input<'_>,
    progress: &Progress,
    cache: &mut Cache,
    pages_ready: &dyn Fn(&OutputTree),
    sink: Option<PageSink<'_>>,
) -> Result<Built, BuildFailure> {
    let given = matches!(input, Input::Given(_));
    let texts = input.get().texts.clone();
    let mut diags: Vec<Diagnostic> = Vec::new();
    progress.phase("reading settings");
    let (site, settings) = settings(input.get(), &mut diags)?;
    progress.phase("parsing notes");
    let Linked {
        mut dossier,
        targets,
        structural,
        settings,
        theme,
    } = parse_and_link(input.get(), site, settings, cache, progress, &mut diags);
    // The files are read: a given input's texts stay only in the notes from here on.
    drop(input);
    // Bodies are rendered even when the front-matter has problems, so that every broken
    // reference of the build is reported in one run.
    progress.phase("rendering Markdown");
    let rendered = bodies::render_bodies(&dossier, &targets, cache.kept_bodies(), &mut diags);
    let changed_bodies = cache.settle(rendered.changed);
    let bodies = rendered.bodies;
    let mut checked = check(&dossier, &bodies, theme, &texts, settings.options.strict, &mut diags)?;
    drop(texts);
    progress.phase("rendering pages");
    let mut views = views(
        &dossier,
        &bodies,
        &mut checked,
        &settings,
        cache,
        &changed_bodies,
        &mut diags,
    );
    // The last diagnostics that point into the notes' files are made: from here on nothing
    // reads their texts but the page sources of a build that keeps them.
    if given {
        dossier.let_texts_go();
    }
    let site = pages(
        &dossier,
        &bodies,
        &checked,
        &mut views,
        cache,
        pages_ready,
        sink,
        &mut diags,
    )?;
    let checked_verified = checked.verified;
    let Checked { theme, conflicts, .. } = checked;
    let (index, links) = kept_for_next(theme, views.links, cache.keep);
    let Site {
        mut tree,
        pages,
        json_entries,
        changed,
    } = site;
    let json_entries = data_files(
        &dossier,
        &bodies,
        &conflicts,
        &mut tree,
        sink,
        changed.as_ref(),
        &json_entries,
    );
    diag::sort(&mut diags);
    let built = Built {
        tree,
        warnings: diags,
        notes: dossier.notes.len(),
        pages: pages.len(),
        config: dossier.site.config.clone(),
        sources: if given { Vec::new() } else { page_sources(&dossier) },
        integrity: views.integrity,
        verified: checked_verified,
    };
    cache.unsettled.clear();
    cache.last = match (index, links) {
        (Some(index), Some(links)) => Some(Last {
            tree: built.tree.clone(),
            pages,
            index,
            links,
            statuses: incremental::statuses(&dossier),
            role_holders: dossier.role_holders.clone(),
            conflicts,
            json_entries,
            gaps: views.gaps,
            verified: checked_verified,
            prints: views.prints,
            kept: Some(Kept {
                dossier,
                targets,
                structural,
                options: settings.options,
                statics: settings.statics,
            }),
        }),
        _ => {
            let_go((dossier, bodies, targets, conflicts, views.gaps, pages));
            None
        }
    };
    Ok(built)
}

/// What a next build reuses of the theme and link views: for a one-off build, nothing, and they
/// are let go (freed on another thread) before the data files are made, whose memory they can
/// then take.
fn kept_for_next(theme: Theme, links: LinkViews, keep: bool) -> (Option<Arc<site::Index>>, Option<LinkViews>) {
    let index = theme.index().filter(|_| keep);
    let_go(theme);
    if keep {
        (index, Some(links))
    } else {
        let_go(links);
        (index, None)
    }
}

/// The settings, and what the build reads besides the notes.
struct Settings {
    /// The files bodies may link to in static/: the theme's defaults, the dossier's own, and
    /// the generated highlighting stylesheet.
    statics: BTreeSet<String>,
    /// A hash of the dossier's own templates, names and bytes (for the layout hash).
    templates: u64,
    options: GraphOptions,
}

fn settings(input: &BuildInput, diags: &mut Vec<Diagnostic>) -> Result<(config::SiteIndex, Settings), BuildFailure> {
    let (site, warnings) = read_settings(
        input.content.index.clone(),
        input.content.index_translations.clone(),
        input.base_url.clone(),
    )?;
    diags.extend(warnings);
    let mut statics: BTreeSet<String> = site::DEFAULT_STATIC.iter().map(|(n, _)| (*n).to_string()).collect();
    statics.extend(input.theme.statics.iter().map(|f| f.name.clone()));
    statics.insert("syntax.css".into());
    let templates: Vec<(&str, &[u8])> = input
        .theme
        .templates
        .iter()
        .map(|f| (f.name.as_str(), f.bytes.as_slice()))
        .collect();
    let settings = Settings {
        statics,
        templates: incremental::hash_of(&templates),
        options: GraphOptions {
            drafts: input.drafts,
            strict: input.strict,
        },
    };
    Ok((site, settings))
}

/// The notes parsed and linked into one dossier, and the theme compiled beside them.
struct Linked {
    dossier: Dossier,
    targets: LinkTargets,
    /// The problems the notes' front-matter and links between them have.
    structural: Vec<Diagnostic>,
    settings: Settings,
    theme: Result<Theme, Vec<Diagnostic>>,
}

/// Parses the notes and links them, compiling the theme meanwhile. After a change to bodies
/// alone, the last build's dossier and link targets serve again ([`Cache::reuse`]).
fn parse_and_link(
    input: &BuildInput,
    site: config::SiteIndex,
    settings: Settings,
    cache: &mut Cache,
    progress: &Progress,
    diags: &mut Vec<Diagnostic>,
) -> Linked {
    if let Some(reused) = cache.reuse(&input.content, &site, settings.options, &settings.statics) {
        diags.extend(reused.more);
        let theme = site::compile_theme(input.theme.clone());
        let mut targets = reused.targets;
        targets.body_words = body_words(&theme, &reused.dossier.site.config);
        return Linked {
            dossier: reused.dossier,
            targets,
            structural: reused.structural,
            settings,
            theme,
        };
    }
    // The parse cache moves on from the kept dossier: it may not serve again.
    cache.forget_kept();
    let (parsed, theme) = rayon::join(
        || cache.parse(&input.content.notes),
        || site::compile_theme(input.theme.clone()),
    );
    let mut notes = Parsed::default();
    for (file, (note, d)) in input.content.notes.iter().zip(parsed) {
        diags.extend(d);
        notes.add(&file.rel_path, note);
    }
    progress.phase("linking notes");
    let (dossier, structural, stale) = graph::build_parts(site, notes, settings.options);
    diags.extend(structural.iter().cloned());
    diags.extend(stale);
    let targets = {
        let _span = tracing::info_span!("targets").entered();
        let mut t = graph::links::targets(&dossier, settings.statics.iter().map(String::as_str));
        t.body_words = body_words(&theme, &dossier.site.config);
        t
    };
    Linked {
        dossier,
        targets,
        structural,
        settings,
        theme,
    }
}

/// The interface words bodies write, by language, in the theme's strings (the theme's own
/// problems are reported later).
fn body_words(theme: &Result<Theme, Vec<Diagnostic>>, config: &config::Config) -> BTreeMap<String, BodyWords> {
    let Ok(theme) = theme else {
        return BTreeMap::new();
    };
    let (words, _) = i18n::resolve(&theme.strings, config);
    words
        .iter()
        .map(|(lang, w)| {
            let words = BodyWords {
                lang_mark: w.lang_mark(&config.default_lang, config),
                source_n: w.get("source_n").to_string(),
                section_link: w.get("section_link").to_string(),
            };
            (lang.clone(), words)
        })
        .collect()
}

/// What the checks leave for the pages: the theme, the conflicts, and the integrity report's
/// gaps when a strict build has already made them.
struct Checked {
    theme: Theme,
    conflicts: Conflicts,
    verified: graph::verify::Summary,
    early_gaps: Option<Vec<Gap>>,
}

/// Reports the citations the sources' texts contradict, finds the conflicts and, for a strict build, the integrity report's gaps, reported as errors
/// with every other problem; stops the build when there is an error. Stale translations and
/// those of unknown version are already reported, as errors, where their `translated_from` is.
fn check(
    dossier: &Dossier,
    bodies: &Bodies,
    theme: Result<Theme, Vec<Diagnostic>>,
    texts: &crate::model::Texts,
    strict: bool,
    diags: &mut Vec<Diagnostic>,
) -> Result<Checked, BuildFailure> {
    let verification = graph::verify::verify(dossier, bodies, texts);
    // A citation its source's text contradicts fails a strict build; a missing text never does.
    diags.extend(
        verification
            .failed
            .into_iter()
            .map(|d| if strict { d } else { d.into_warning() }),
    );
    diags.extend(verification.notices);
    let conflicts = graph::conflicts::find(dossier, dossier.site.config.conflicts.depth);
    let early_gaps = strict.then(|| {
        let gaps = integrity_report(dossier, bodies, None);
        diags.extend(
            gaps.iter()
                .filter(|g| {
                    g.is_open() && !matches!(g.kind, GapKind::StaleTranslation | GapKind::UnrecordedTranslation)
                })
                .map(|g| graph::integrity::diagnostic(dossier, g, true)),
        );
        diags.extend(graph::integrity::needless_explanations(dossier, &gaps, true));
        gaps
    });
    let theme = theme
        .map(|mut theme| {
            diags.append(&mut theme.warnings);
            theme
        })
        .map_err(|d| diags.extend(d))
        .ok();
    match theme {
        Some(theme) if !diags.iter().any(Diagnostic::is_error) => Ok(Checked {
            theme,
            conflicts,
            verified: verification.summary,
            early_gaps,
        }),
        _ => Err(fail(std::mem::take(diags), false)),
    }
}

/// What pages show besides the notes and bodies: the link views and the integrity report in
/// each language, and, for a rebuild, which pages to render again.
struct Views {
    words: HashMap<String, i18n::Lang>,
    links: LinkViews,
    gaps: Vec<Gap>,
    integrity: Vec<graph::integrity::Item>,
    /// What this build records of itself for the next.
    prints: Fingerprints,
    /// With a last build of the same layout: the pages to render again and the notes changed.
    dirty: Option<Dirty>,
}

fn views(
    dossier: &Dossier,
    bodies: &Bodies,
    checked: &mut Checked,
    settings: &Settings,
    cache: &Cache,
    changed_bodies: &HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Views {
    let (words, word_diags) = i18n::resolve(&checked.theme.strings, &dossier.site.config);
    diags.extend(word_diags);
    let prints = Fingerprints::of(dossier, settings.templates, cache.keep);
    // With the same notes, languages, settings and templates as the last build, only the
    // changed notes' links are collected again, and only the pages whose inputs changed are
    // rendered again.
    let same = cache.comparable(&prints);
    let changed = same.map(|last| incremental::changed_notes(dossier, &prints.texts, changed_bodies, last));
    let (mut links, touched) = site::links_by_lang(
        dossier,
        bodies,
        same.zip(changed.as_ref()).map(|(last, c)| (&last.links, c)),
    );
    if !cache.keep {
        links.forget_contributions();
    }
    let gaps = match checked.early_gaps.take() {
        Some(gaps) => gaps,
        None => {
            let gaps = integrity_report(dossier, bodies, links.by_lang.get(&dossier.site.config.default_lang));
            diags.extend(graph::integrity::needless_explanations(dossier, &gaps, false));
            gaps
        }
    };
    let integrity = graph::integrity::items(dossier, &gaps);
    let dirty = same.zip(changed).map(|(last, changed)| {
        let now = incremental::Now {
            dossier,
            conflicts: &checked.conflicts,
            prints: &prints,
            touched: &touched,
            gaps: &gaps,
            verified: checked.verified,
        };
        Dirty {
            pages: incremental::dirty_pages(&now, last, &words, &changed),
            changed: changed.into_iter().collect(),
        }
    });
    Views {
        words,
        links,
        gaps,
        integrity,
        prints,
        dirty,
    }
}

/// The site's pages in the output tree, with what each was made from.
struct Site {
    tree: OutputTree,
    pages: BTreeMap<String, site::Deps>,
    /// Where each note's entry stands in the last build's `dossier.json`, for a rebuild.
    json_entries: Vec<std::ops::Range<usize>>,
    /// For a rebuild: the notes whose entries in `dossier.json` are made again.
    changed: Option<HashSet<usize>>,
}

/// Renders the pages (those to render again, for a rebuild, put into the last site) and adds
/// the static files. `pages_ready` is given the site, with the last build's data files.
#[allow(clippy::too_many_arguments)]
fn pages(
    dossier: &Dossier,
    bodies: &Bodies,
    checked: &Checked,
    views: &mut Views,
    cache: &mut Cache,
    pages_ready: &dyn Fn(&OutputTree),
    sink: Option<PageSink<'_>>,
    diags: &mut Vec<Diagnostic>,
) -> Result<Site, BuildFailure> {
    let dirty = views.dirty.take();
    let last = dirty.as_ref().and(cache.last.as_ref());
    if let Some(dirty) = &dirty {
        tracing::info!(pages = dirty.pages.len(), "pages to render again");
    }
    let only = |path: &str| match (&dirty, last) {
        (Some(dirty), Some(last)) => dirty.pages.contains(path) || !last.pages.contains_key(path),
        _ => true,
    };
    let input = site::SiteInput {
        dossier,
        bodies,
        conflicts: &checked.conflicts,
        links: &views.links.by_lang,
        gaps: &views.gaps,
        verified: checked.verified,
        words: std::mem::take(&mut views.words),
        only: cache.keep.then_some(&only as &(dyn Fn(&str) -> bool + Sync)),
        previous: dirty.as_ref().zip(last).map(|(d, last)| (&*last.index, &d.changed)),
        sink,
    };
    let mut rendered = OutputTree::default();
    let (template_diags, deps) = site::render_site(input, &checked.theme, &mut rendered);
    if !template_diags.is_empty() {
        diags.extend(template_diags);
        return Err(fail(std::mem::take(diags), false));
    }
    let _span = tracing::info_span!("assemble").entered();
    // The last site, with the pages rendered again put in: the last build is taken apart for
    // it, so a rebuild that fails from here on is followed by a full one.
    let incremental = dirty.is_some();
    let last = if incremental { cache.last.take() } else { None };
    let (mut tree, mut pages, json_entries) = match last {
        Some(last) => (last.tree, last.pages, last.json_entries),
        None => Default::default(),
    };
    tree.extend_from(&rendered);
    pages.extend(deps);
    // The static files are put in anew below; the data files stay the last build's until
    // `data_files` replaces them.
    tree.retain(|path| pages.contains_key(path) || FEEDS.contains(&path));
    tree.base_url = Some(dossier.site.config.absolute_base());
    add_statics(&checked.theme, &mut tree, diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(std::mem::take(diags), false));
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
    Ok(Site {
        tree,
        pages,
        json_entries,
        changed: dirty.map(|d| d.changed),
    })
}

/// Makes the data files; for a rebuild, `dossier.json` from the last one, with the entries of
/// the `changed` notes made again. Returns where each note's entry stands in it.
fn data_files(
    dossier: &Dossier,
    bodies: &Bodies,
    conflicts: &Conflicts,
    tree: &mut OutputTree,
    sink: Option<PageSink<'_>>,
    changed: Option<&HashSet<usize>>,
    entries: &[std::ops::Range<usize>],
) -> Vec<std::ops::Range<usize>> {
    let _span = tracing::info_span!("feeds").entered();
    let last_json = tree.get_shared("dossier.json").cloned();
    let reuse = match (changed, &last_json) {
        (Some(changed), Some(last)) if sink.is_none() => Some(site::feeds::JsonReuse { last, entries, changed }),
        _ => None,
    };
    add_feeds(dossier, &bodies.notes, conflicts, tree, sink, reuse)
}

/// Drops `value` on a thread of its own. A one-off build's dossier, bodies and link views are
/// millions of small blocks, and freeing them here would delay the end of the build. When no
/// thread can be started, `value` is dropped here.
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

/// Reads the site settings (`content/_index.md`) and the home page's translations, with
/// `--base-url` applied.
pub(crate) fn read_settings(
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
pub(crate) fn link_only(
    content: Content,
    drafts: bool,
    strict: bool,
) -> Result<(Dossier, Vec<Diagnostic>), BuildFailure> {
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

/// The files `add_feeds` makes.
const FEEDS: [&str; 6] = [
    "atom.xml",
    "dossier.json",
    "timeline.json",
    "sitemap.xml",
    "dossier.ftm.json",
    "sources.csl.json",
];

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
    // dossier.json is one of the site's largest files: with a sink, it goes to the file as it
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
    put(tree, "dossier.ftm.json", crate::site::exports::ftm(dossier, bodies));
    put(tree, "sources.csl.json", crate::site::exports::csl(dossier));
    let sitemap = crate::site::feeds::sitemap(dossier, tree);
    put(tree, "sitemap.xml", sitemap.into_bytes());
    entries
}
