//! The site layer: from a dossier, its rendered bodies and its computed views to the pages and
//! data files of the site, in memory ([`render_site`]; the data files in `feeds` and
//! `timeline`). Nothing here reads or writes the disk: a build that streams its pages hands
//! each to a [`Sink`] it is given.
//!
//! A page's context holds only that page: `site` (a handful of settings) and `page` (the note,
//! its rendered body and the lists that belong to it). Anything site-wide — another note's title
//! and URL, the list of all sources — is reached through template functions over one shared
//! [`Index`] built once per build, so a large dossier does not copy its table of contents into
//! every page's context.
//!
//! Functions available to templates:
//! - `note(id="x")`: a note's summary (`id`, `kind`, `title`, `url`, `summary`, `date`, …), or
//!   nothing when the id is unknown;
//! - `notes(kind="source")`: every published note of a kind, in the order of the kind's list;
//! - `url(path="sources/")`: a path under the site's base path.

mod index;
mod lists;
mod pages;
mod theme;
mod tree;
mod views;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::graph::Dossier;
use crate::graph::conflicts::Conflicts;
use crate::graph::links::{Contribution, Links};
use crate::i18n;
use crate::markdown::{Bodies, Rendered};
pub(crate) mod exports;
pub(crate) mod feeds;
pub(crate) mod timeline;

pub(crate) use index::{Deps, Index, Locale, SummaryValue, kind_bit, list_order};
use pages::{Shared, render_language};
#[cfg(test)]
pub(crate) use theme::DEFAULT_TEMPLATES;
use theme::template_diag;
pub(crate) use theme::{DEFAULT_STATIC, Theme, ThemeFile, ThemeOverrides, compile_theme};
pub use tree::{OutputTree, Sink};

/// Everything the pages of a build are made from.
pub(crate) struct SiteInput<'a> {
    pub dossier: &'a Dossier,
    pub bodies: &'a Bodies,
    pub conflicts: &'a Conflicts,
    /// Backlinks, citations and involvement as each language shows them ([`links_by_lang`]).
    pub links: &'a BTreeMap<String, Links>,
    /// What the integrity report lists.
    pub gaps: &'a [crate::graph::integrity::Gap],
    /// How many sources were verified against their texts.
    pub verified: crate::graph::verify::Summary,
    pub words: HashMap<String, i18n::Lang>,
    /// Render only the pages whose output path this accepts (`serve`'s rebuilds); all when
    /// `None`.
    pub only: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
    /// The last build's index and the notes changed since, to make the index from.
    pub previous: Option<(&'a Index, &'a HashSet<usize>)>,
    /// Where each page goes as soon as it is rendered (by output path), when the pages are
    /// not to be kept in memory: `out` then records only their paths.
    pub sink: Option<PageSink<'a>>,
}

/// The body each note shows in a language: its translation's where it has one.
pub(crate) fn shown_bodies<'b>(dossier: &Dossier, bodies: &'b Bodies, lang: &str) -> Vec<&'b Rendered> {
    (0..dossier.notes.len())
        .map(|i| shown_body(dossier, bodies, i, lang).0)
        .collect()
}

/// Note `i`'s body as `lang` shows it, and the translation it is from, if any.
fn shown_body<'b>(dossier: &Dossier, bodies: &'b Bodies, i: usize, lang: &str) -> (&'b Rendered, Option<usize>) {
    match dossier.translated.of(i, lang) {
        Some(k) if lang != dossier.site.config.default_lang => (&bodies.translations[k], Some(k)),
        _ => (&bodies.notes[i], None),
    }
}

/// The computed link views in each language (backlinks quote the sentences of the language's
/// bodies), with what each note contributed to them.
#[derive(Default)]
pub(crate) struct LinkViews {
    pub by_lang: BTreeMap<String, Links>,
    contributions: BTreeMap<String, Vec<Arc<Contribution>>>,
}

impl LinkViews {
    /// Forgets what each note contributed, which only a rebuild needs.
    pub(crate) fn forget_contributions(&mut self) {
        self.contributions.clear();
    }
}

/// Computes the link views of every language. With `previous` (the last build's views, and the
/// notes whose text or shown body changed since, among the same notes in the same order), only
/// those notes' contributions are made again; the second result then names, per language, the
/// notes whose lists changed.
pub(crate) fn links_by_lang(
    dossier: &Dossier,
    bodies: &Bodies,
    previous: Option<(&LinkViews, &BTreeSet<usize>)>,
) -> (LinkViews, BTreeMap<String, BTreeSet<usize>>) {
    let default = dossier.site.config.default_lang.as_str();
    // The default language first: another shares its contributions where it shows the same body.
    let mut langs = dossier.site.config.languages();
    langs.sort_by_key(|&l| l != default);
    let default_shown = shown_bodies(dossier, bodies, default);
    type Made = (String, Links, Vec<Arc<Contribution>>, BTreeSet<usize>);
    let mut made: Vec<Made> = Vec::new();
    for lang in langs {
        made.push({
            let shown = shown_bodies(dossier, bodies, lang);
            // A language other than the default has pages for its translated notes only, and
            // only their lists are made.
            let pages: Option<Vec<bool>> =
                (lang != default).then(|| (0..dossier.notes.len()).map(|i| has_page(dossier, i, lang)).collect());
            let pages = pages.as_deref();
            let last = previous
                .and_then(|(views, changed)| Some((views.by_lang.get(lang)?, views.contributions.get(lang)?, changed)));
            let mut touched = BTreeSet::new();
            let (links, contributions) = match last {
                Some((links, contributions, changed)) => {
                    let _span = tracing::info_span!("backlinks").entered();
                    let (mut links, mut contributions) = (links.clone(), contributions.clone());
                    for &i in changed {
                        let new = crate::graph::links::contribution(dossier, i, shown[i]);
                        if new != *contributions[i] {
                            links.patch(i, &contributions[i], &new, pages, &mut touched);
                            contributions[i] = Arc::new(new);
                        }
                    }
                    (links, contributions)
                }
                None => {
                    let like = made
                        .first()
                        .filter(|_| lang != default)
                        .map(|m| (default_shown.as_slice(), m.2.as_slice()));
                    crate::graph::links::collect(dossier, &shown, like, pages)
                }
            };
            (lang.to_string(), links, contributions, touched)
        });
    }
    let mut views = LinkViews::default();
    let mut touched = BTreeMap::new();
    for (lang, links, contributions, t) in made {
        views.by_lang.insert(lang.clone(), links);
        views.contributions.insert(lang.clone(), contributions);
        touched.insert(lang, t);
    }
    (views, touched)
}

/// Whether note `i` has a page in `lang`: every note in the default language, a translated
/// one in another.
fn has_page(dossier: &Dossier, i: usize, lang: &str) -> bool {
    lang == dossier.site.config.default_lang || dossier.translated.of(i, lang).is_some()
}

/// Takes each file (its output path and bytes) as soon as it is made.
pub(crate) type PageSink<'a> = &'a dyn Sink;

/// Renders the pages of the site, in every language, into `out`; returns the problems, and
/// what each rendered page was made from.
pub(crate) fn render_site(
    input: SiteInput<'_>,
    theme: &Theme,
    out: &mut OutputTree,
) -> (Vec<Diagnostic>, Vec<(String, Deps)>) {
    let SiteInput {
        dossier,
        bodies,
        conflicts,
        links,
        gaps,
        verified,
        words,
        only,
        previous,
        sink,
    } = input;
    let config = &dossier.site.config;
    let base_path = config.base_path();
    let index = {
        let _span = tracing::info_span!("index").entered();
        match Index::new(dossier, words, previous, &theme.tera) {
            (index, None) => index,
            (_, Some(e)) => {
                return (
                    vec![template_diag(&theme.sources, &e, Some("the link of a note"))],
                    Vec::new(),
                );
            }
        }
    };
    if theme.index.set(Arc::new(index)).is_err() {
        let d = Diagnostic::error(
            "templates",
            "internal error: a compiled theme was used for two builds; compile it again",
        );
        return (vec![d], Vec::new());
    }
    let Some(index) = theme.index.get() else {
        return (Vec::new(), Vec::new());
    };
    let _span = tracing::info_span!("templates").entered();
    let order = timeline::order(dossier);
    // Each dated note's place in the timeline, for the per-entity timelines.
    let mut rank: Vec<Option<usize>> = vec![None; dossier.notes.len()];
    for (k, &i) in order.iter().enumerate() {
        rank[i] = Some(k);
    }
    let translated_as = dossier.translated_as();
    let wanted = |path: &str| only.is_none_or(|f| f(path));
    let shared = Shared {
        record: only.is_some(),
        dossier,
        bodies,
        conflicts,
        links,
        gaps,
        verified,
        wanted: &wanted,
        theme,
        base_path: &base_path,
        order: &order,
        rank: &rank,
        translated_as: &translated_as,
        sink,
    };
    let mut results = Vec::new();
    for lang in config.languages() {
        if let Some(loc) = index.locale(dossier, lang, &base_path) {
            results.extend(render_language(&shared, &loc));
        }
    }

    let mut diags = Vec::new();
    let mut deps = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in results {
        match r {
            Ok((path, _, d)) if sink.is_some() => {
                out.insert_on_disk(path.clone());
                deps.push((path, d));
            }
            Ok((path, html, d)) => {
                out.insert_shared(path.clone(), html);
                deps.push((path, d));
            }
            // A broken template fails the same way on every page: report it once.
            Err(d) if seen.insert((d.file.clone(), d.line, d.col)) => diags.push(d),
            Err(_) => {}
        }
    }
    (diags, deps)
}
