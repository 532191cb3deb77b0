//! What one build lends the next, for `serve`: the notes as parsed, the bodies as rendered,
//! and the last site with what each of its pages was made from. A rebuild reuses what did not
//! change and renders again only the pages whose inputs changed; the result is byte for byte
//! a full build's (tested in `tests/incremental.rs` and `tests/serve.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::bodies::CachedBody;
use crate::config;
use crate::diag::Diagnostic;
use crate::graph::{self, Dossier, GraphOptions};
use crate::links::LinkTargets;
use crate::load::Content;
use crate::model::parse::parse_note;
use crate::model::{Note, SourceFile};
use crate::site::{self, OutputTree};

/// A file's text, and the note and problems parsing it gave.
pub(super) type ParsedFile = (Arc<str>, Option<Note>, Vec<Diagnostic>);

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
pub(crate) struct Cache {
    /// Whether to keep anything: a one-off build (`Cache::default()`) keeps nothing, and so
    /// pays nothing for it.
    pub(super) keep: bool,
    /// Each file's text as last parsed, with what parsing it gave.
    pub(super) parsed: HashMap<String, ParsedFile>,
    pub(super) bodies: HashMap<String, CachedBody>,
    /// The files whose body, as shown, changed since the last successful build: a failed
    /// build renders bodies anew too, and the next build must still see them as changed.
    pub(super) unsettled: HashSet<String>,
    pub(super) last: Option<Last>,
}

/// The last successful build, as the next one compares itself with it.
pub(super) struct Last {
    pub(super) tree: OutputTree,
    pub(super) pages: BTreeMap<String, site::Deps>,
    pub(super) index: Arc<site::Index>,
    pub(super) links: site::LinkViews,
    pub(super) conflicts: graph::conflicts::Conflicts,
    pub(super) role_holders: Vec<Vec<graph::RoleRef>>,
    pub(super) statuses: BTreeMap<String, Vec<graph::translations::Status>>,
    /// Where each note's entry stands in the tree's `dossier.json`.
    pub(super) json_entries: Vec<std::ops::Range<usize>>,
    pub(super) gaps: Vec<graph::integrity::Gap>,
    pub(super) verified: graph::verify::Summary,
    pub(super) prints: Fingerprints,
    /// The dossier and what was made from its front-matter alone, for a rebuild after only
    /// bodies changed ([`Cache::reuse`]). Taken out by the next build.
    pub(super) kept: Option<Kept>,
}

/// What a build records of its input, for the next to tell what changed. Made only by a build
/// that keeps its results ([`Cache::for_rebuilds`]), but for `home`.
pub(super) struct Fingerprints {
    /// What decides the set of pages and what every page shares ([`layout_hash`]).
    pub(super) layout: u64,
    /// The sources that translate each source.
    pub(super) translated_as: Vec<Vec<usize>>,
    /// A hash of each note's text and its translations' texts, in note order.
    pub(super) texts: Vec<u64>,
    /// A hash of each note's front-matter alone.
    pub(super) fronts: Vec<u64>,
    /// A hash of the home page in every language.
    pub(super) home: u64,
}

impl Fingerprints {
    pub(super) fn of(dossier: &Dossier, templates: u64, keep: bool) -> Fingerprints {
        let _span = tracing::info_span!("compare").entered();
        let site = &dossier.site;
        let home = hash_of(&(
            &site.text,
            site.translations.iter().map(|h| &h.text).collect::<Vec<_>>(),
        ));
        if !keep {
            return Fingerprints {
                layout: 0,
                translated_as: Vec::new(),
                texts: Vec::new(),
                fronts: Vec::new(),
                home,
            };
        }
        Fingerprints {
            layout: layout_hash(dossier, templates),
            translated_as: dossier.translated_as(),
            texts: note_texts(dossier),
            fronts: dossier.notes.iter().map(|n| n.digest.front).collect(),
            home,
        }
    }
}

/// The pages a rebuild renders again, and the notes that changed since the last build.
pub(super) struct Dirty {
    pub(super) pages: HashSet<String>,
    pub(super) changed: HashSet<usize>,
}

/// What [`Cache::reuse`] gives: the last build's dossier with the new bodies put in, its link
/// targets and front-matter problems, and the other problems a parse and link would report.
pub(super) struct Reused {
    pub(super) dossier: Dossier,
    pub(super) targets: LinkTargets,
    pub(super) structural: Vec<Diagnostic>,
    pub(super) more: Vec<Diagnostic>,
}

pub(super) struct Kept {
    pub(super) dossier: Dossier,
    pub(super) targets: LinkTargets,
    /// The problems the notes' front-matter and links between them have (warnings: a build
    /// with errors is not kept).
    pub(super) structural: Vec<Diagnostic>,
    pub(super) options: GraphOptions,
    pub(super) statics: BTreeSet<String>,
}

pub(super) fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl Cache {
    /// A cache for a series of builds of one dossier (`serve`).
    pub(crate) fn for_rebuilds() -> Cache {
        Cache {
            keep: true,
            ..Cache::default()
        }
    }

    /// The last build, when it has the same layout as the one `prints` describes: then only
    /// what changed is made again.
    pub(super) fn comparable(&self, prints: &Fingerprints) -> Option<&Last> {
        self.last
            .as_ref()
            .filter(|last| last.prints.layout == prints.layout && self.keep)
    }

    /// The cache of rendered bodies, when the cache keeps anything.
    pub(super) fn kept_bodies(&mut self) -> Option<&mut HashMap<String, CachedBody>> {
        self.keep.then_some(&mut self.bodies)
    }

    /// Records the files whose body, as shown, changed, and returns every such file since the
    /// last successful build: a failed build renders bodies anew too, and the next build must
    /// still see them as changed.
    pub(super) fn settle(&mut self, changed: HashSet<String>) -> HashSet<String> {
        self.unsettled.extend(changed);
        self.unsettled.clone()
    }

    /// Forgets the kept dossier: the parse cache moves on from it, and it may not serve again.
    pub(super) fn forget_kept(&mut self) {
        if let Some(last) = self.last.as_mut() {
            last.kept = None;
        }
    }

    /// When the files differ from the last build's only in bodies (every changed file is a
    /// published note whose front-matter is as it was, and the settings, options and static
    /// files are the same), the last build's dossier with the new bodies put in, its link
    /// targets, its front-matter problems, and the problems parsing gives and the stale
    /// translations: what parsing and linking the notes would give, without doing either.
    pub(super) fn reuse(
        &mut self,
        content: &Content,
        site: &config::SiteIndex,
        options: GraphOptions,
        statics: &BTreeSet<String>,
    ) -> Option<Reused> {
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
        Some(Reused {
            dossier: kept.dossier,
            targets: kept.targets,
            structural: kept.structural,
            more,
        })
    }

    /// Parses the notes, reusing the result for every file whose text is unchanged.
    pub(super) fn parse(&mut self, files: &[SourceFile]) -> Vec<(Option<Note>, Vec<Diagnostic>)> {
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

/// A hash of each note's text and its translations' texts.
pub(super) fn note_texts(dossier: &Dossier) -> Vec<u64> {
    let mut texts: Vec<Vec<u64>> = dossier.notes.iter().map(|n| vec![n.digest.text]).collect();
    for t in &dossier.translations {
        if let Some(&i) = dossier.by_id.get(&t.id) {
            texts[i].push(t.digest.text);
        }
    }
    texts.iter().map(hash_of).collect()
}

pub(super) fn statuses(dossier: &Dossier) -> BTreeMap<String, Vec<graph::translations::Status>> {
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
pub(super) fn layout_hash(dossier: &Dossier, templates: u64) -> u64 {
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
    hash_of(&(notes, translations, settings, &site.config.base_url, homes, templates))
}

/// The build being made, as [`dirty_pages`] compares it with the last.
pub(super) struct Now<'a> {
    pub(super) dossier: &'a Dossier,
    pub(super) conflicts: &'a graph::conflicts::Conflicts,
    pub(super) prints: &'a Fingerprints,
    /// Per language, the notes whose link views changed.
    pub(super) touched: &'a BTreeMap<String, BTreeSet<usize>>,
    pub(super) gaps: &'a [graph::integrity::Gap],
    pub(super) verified: graph::verify::Summary,
}

/// The notes whose text (or a translation's), or whose body as shown, changed since `last`.
pub(super) fn changed_notes(
    dossier: &Dossier,
    texts: &[u64],
    changed_bodies: &HashSet<String>,
    last: &Last,
) -> BTreeSet<usize> {
    let mut changed: BTreeSet<usize> = (0..texts.len()).filter(|&i| texts[i] != last.prints.texts[i]).collect();
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
pub(super) fn dirty_pages(
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
    let front_changed = |k: usize| now.prints.fronts[k] != last.prints.fronts[k];
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
        if dossier.role_holders[i] != last.role_holders[i]
            || now.prints.translated_as[i] != last.prints.translated_as[i]
        {
            also.insert(i);
        }
    }
    let mut dirty: HashSet<String> = HashSet::new();
    // The timeline's picture shows people's roles, and its items the hand-written notes on
    // conflicts and the claims that contradict: all in the front-matter.
    let timeline_changed = changed.iter().any(|&i| {
        now.prints.fronts[i] != last.prints.fronts[i]
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
        // The integrity report shows the reasons notes and their translations give, and
        // /corrections/ the corrections they publish: both are made again on any change to a
        // note (a page each).
        if now.gaps != last.gaps || now.verified != last.verified || !changed.is_empty() {
            dirty.insert(format!("{prefix}integrity/index.html"));
            dirty.insert(format!("{prefix}corrections/index.html"));
        }
        if statuses_changed || !summary_changed.is_empty() {
            dirty.insert(format!("{prefix}translations/index.html"));
        }
        if conflicts_changed || timeline_changed {
            dirty.insert(format!("{prefix}timeline/index.html"));
            dirty.insert(format!("{prefix}conflicts/index.html"));
        }
        if now.prints.home != last.prints.home {
            dirty.insert(format!("{prefix}index.html"));
        }
    }
    dirty
}

/// Whether a cached text is `text`: at once when it is the very same (an unchanged note's).
pub(super) fn same_text(cached: &Arc<str>, text: &str) -> bool {
    (std::ptr::eq(cached.as_ptr(), text.as_ptr()) && cached.len() == text.len()) || **cached == *text
}
