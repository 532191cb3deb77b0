//! The integrity report: what a careful editor would ask of a dossier before it is published.
//! Each gap names a note; `/integrity/` lists them, `dossier check` prints them, and a
//! `--strict` build fails on them.
//!
//! - Claims and events that cite no source, in the front-matter or the body.
//! - Claims that rest on a single source, or only on sources known through another (`via:`).
//!   A source, the sources known through it and its translations count as one source: they
//!   are one account, however many notes the dossier gives it.
//! - Sources that can be read nowhere: no `url`, no `archive`, and not known through another
//!   source (which is where a reader would find them).
//! - Translations that are stale, that do not record what they were made from, or that are
//!   missing where the language's `required` kinds (every kind, unless it says) want one.
//! - People and organizations no note links to, takes part with, or holds a role in.
//!
//! Some gaps cannot be closed from the material: a claim only one report makes, a copy of an
//! article whose address is unknown. A note owns up to such a gap in its front-matter,
//! `gaps: { one_source: why }`; the report lists it apart with the reason, and a `--strict`
//! build accepts it. An explanation for a gap the note does not have is reported, so that
//! none outlives its reason.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Dossier;
use super::links::Links;
use super::translations::Status;
use crate::diag::Diagnostic;
use crate::markdown::{LinkKind, Rendered};
use crate::model::{Kind, KindData};

/// What kind of gap, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum GapKind {
    /// A claim or event that cites no source.
    Uncited,
    /// A claim that cites one source only.
    OneSource,
    /// A claim whose every source is known only through another.
    OnlyIndirect,
    /// A source with no URL and no archive link, not known through another source.
    NoLink,
    /// A translation made from an earlier version of its original.
    StaleTranslation,
    /// A translation that does not record which version of its original it was made from.
    UnrecordedTranslation,
    /// A note the language requires, not translated.
    MissingTranslation,
    /// A person or organization no note links to.
    Unlinked,
}

impl GapKind {
    /// The kinds a note may explain in `gaps:` rather than close. Missing citations and
    /// translation gaps are always closed instead.
    pub(crate) const EXPLAINABLE: [GapKind; 4] = [
        GapKind::OneSource,
        GapKind::OnlyIndirect,
        GapKind::NoLink,
        GapKind::Unlinked,
    ];

    pub(crate) const ALL: [GapKind; 8] = [
        GapKind::Uncited,
        GapKind::OneSource,
        GapKind::OnlyIndirect,
        GapKind::NoLink,
        GapKind::StaleTranslation,
        GapKind::UnrecordedTranslation,
        GapKind::MissingTranslation,
        GapKind::Unlinked,
    ];

    /// The key of the interface strings that name this kind of gap (`integrity_uncited`), and
    /// the name `dossier check --format json` gives it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            GapKind::Uncited => "uncited",
            GapKind::OneSource => "one_source",
            GapKind::OnlyIndirect => "only_indirect",
            GapKind::NoLink => "no_link",
            GapKind::StaleTranslation => "stale_translation",
            GapKind::UnrecordedTranslation => "unrecorded_translation",
            GapKind::MissingTranslation => "missing_translation",
            GapKind::Unlinked => "unlinked",
        }
    }

    /// What the gap is, said of one note, and what to do about it.
    fn message(self) -> (&'static str, &'static str) {
        match self {
            GapKind::Uncited => (
                "cites no source",
                "add `cites:` to the front-matter or a citation `[@source]` to the body",
            ),
            GapKind::OneSource => (
                "rests on a single source (one account, counting the sources known through it and its translations)",
                "cite a second, independent source, or explain the gap in the front-matter: `gaps: { one_source: why }`",
            ),
            GapKind::OnlyIndirect => (
                "rests only on sources known through another (`via:`)",
                "cite a source that was read directly, or explain the gap: `gaps: { only_indirect: why }`",
            ),
            GapKind::NoLink => (
                "has no `url` and no `archive` link, and is not known through another source",
                "add `url:` and `archive:`, or `via:` naming the source that reports it; if neither is known, explain the gap: `gaps: { no_link: why }`",
            ),
            GapKind::StaleTranslation => (
                "was translated from an earlier version of its original",
                "bring the translation up to date, then record the hash `dossier translations --hash` prints in `translated_from:`",
            ),
            GapKind::UnrecordedTranslation => (
                "does not record which version of its original it was translated from",
                "add `translated_from:` with the hash `dossier translations --hash` prints",
            ),
            GapKind::MissingTranslation => (
                "is not translated",
                "add a translation beside the note (`note.LANG.md`), or leave its kind out of the language's `required` in content/_index.md",
            ),
            GapKind::Unlinked => (
                "is named by no other note",
                "link to it from the notes it belongs in, remove it, or explain the gap: `gaps: { unlinked: why }`",
            ),
        }
    }
}

/// One gap in the dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gap {
    pub kind: GapKind,
    /// The note it is about (for a translation, the original).
    pub note: usize,
    /// For a translation gap: the language.
    pub lang: Option<String>,
    /// For a claim on too few or indirect sources: the sources it rests on.
    pub sources: Vec<usize>,
    /// Why the gap stays open, when the note explains it (`gaps:`); such a gap does not fail a
    /// `--strict` build.
    pub reason: Option<String>,
}

impl Gap {
    /// Not explained by its note: a `--strict` build fails on it.
    pub(crate) fn is_open(&self) -> bool {
        self.reason.is_none()
    }
}

/// Errors for a note's `gaps:` entries that name no gap a note can explain, or give no reason.
pub(crate) fn unknown_explanations(note: &crate::model::Note) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (key, why) in &note.common.gaps {
        let known = GapKind::EXPLAINABLE.iter().any(|k| k.key() == key);
        if known && !why.trim().is_empty() {
            continue;
        }
        let keys: Vec<&str> = GapKind::EXPLAINABLE.iter().map(|k| k.key()).collect();
        let d = if known {
            Diagnostic::error(&note.file, format!("`gaps: {key}` gives no reason"))
                .with_help("say in a sentence why the gap stays open; readers see it on /integrity/")
        } else {
            Diagnostic::error(
                &note.file,
                format!("`{key}` in `gaps:` is not a gap a note can explain"),
            )
            .with_help(format!(
                "use one of {}; other gaps are closed, not explained",
                keys.join(", ")
            ))
        };
        out.push(at_explanation(d, note, key));
    }
    out
}

/// Points `d` at the key `key` under the note's `gaps:`.
fn at_explanation(d: Diagnostic, note: &crate::model::Note, key: &str) -> Diagnostic {
    let text = &note.text;
    let yaml = &text[note.yaml_start..note.body_start.max(note.yaml_start)];
    let at = yaml
        .find("gaps:")
        .and_then(|g| yaml[g..].find(key).map(|k| note.yaml_start + g + k));
    match at {
        Some(offset) => d.at_offset(text, offset, key.chars().count()),
        None => d.at(text, 1, 1, 3),
    }
}

/// Warnings (errors when `strict`) for explanations of gaps their note does not have.
pub(crate) fn needless_explanations(dossier: &Dossier, gaps: &[Gap], strict: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for note_index in 0..dossier.notes.len() {
        let note = &dossier.notes[note_index];
        for key in note.common.gaps.keys() {
            let has = gaps
                .iter()
                .any(|g| g.note == note_index && g.lang.is_none() && g.kind.key() == key);
            if has || !GapKind::EXPLAINABLE.iter().any(|k| k.key() == key) {
                continue;
            }
            let message = format!("`gaps: {key}` explains a gap this {} does not have", note.kind);
            let d = if strict {
                Diagnostic::error(&note.file, message)
            } else {
                Diagnostic::warning(&note.file, message)
            };
            out.push(at_explanation(d, note, key).with_help("the gap is closed: remove the explanation"));
        }
    }
    out
}

/// Sources that are one account: each source with those known through it (`via`) and those
/// it translates (`translation_of`), as the index of the account each source belongs to.
fn accounts(dossier: &Dossier) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..dossier.notes.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, note) in dossier.of_kind(Kind::Source) {
        let KindData::Source(s) = &note.data else { continue };
        for other in [&s.via, &s.translation_of].into_iter().flatten() {
            if let Some(&j) = dossier.by_id.get(other) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    (0..parent.len()).map(|i| root(&mut parent, i)).collect()
}

/// The sources a claim or event rests on: those its own `cites` name and those its body
/// cites, each once, in that order.
fn sources_of(dossier: &Dossier, i: usize, body: &Rendered) -> Vec<usize> {
    let note = &dossier.notes[i];
    let cites = match &note.data {
        KindData::Event(e) => &e.cites,
        KindData::Claim(c) => &c.cites,
        _ => return Vec::new(),
    };
    let mut out: Vec<usize> = Vec::new();
    let front = cites.iter().filter_map(|c| dossier.by_id.get(&c.source).copied());
    let body = body
        .links
        .iter()
        .filter(|l| matches!(l.kind, LinkKind::Cite { .. }))
        .map(|l| l.target);
    for s in front.chain(body) {
        if dossier.notes[s].kind == Kind::Source && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The gaps of a dossier, in the order of [`GapKind::ALL`], then of the notes. `bodies[i]` is
/// note `i`'s body in the default language, `links` the default language's link views and
/// `home` the home page's body.
pub(crate) fn report(dossier: &Dossier, bodies: &[&Rendered], links: &Links, home: &Rendered) -> Vec<Gap> {
    let _span = tracing::info_span!("integrity").entered();
    let mut gaps = Vec::new();
    let gap = |kind: GapKind, note: usize, sources: Vec<usize>| Gap {
        kind,
        note,
        lang: None,
        sources,
        reason: dossier.notes[note].common.gaps.get(kind.key()).cloned(),
    };
    let account = accounts(dossier);
    let via = |s: usize| match &dossier.notes[s].data {
        KindData::Source(src) => src.via.is_some(),
        _ => false,
    };
    let mut one = Vec::new();
    let mut indirect = Vec::new();
    for (i, note) in dossier.notes.iter().enumerate() {
        if !matches!(note.kind, Kind::Event | Kind::Claim) {
            continue;
        }
        let sources = sources_of(dossier, i, bodies[i]);
        if sources.is_empty() {
            gaps.push(gap(GapKind::Uncited, i, Vec::new()));
        } else if note.kind == Kind::Claim {
            let mut distinct: Vec<usize> = sources.iter().map(|&s| account[s]).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() == 1 {
                one.push(gap(GapKind::OneSource, i, sources.clone()));
            }
            if sources.iter().all(|&s| via(s)) {
                indirect.push(gap(GapKind::OnlyIndirect, i, sources));
            }
        }
    }
    gaps.extend(one);
    gaps.extend(indirect);
    for (i, note) in dossier.of_kind(Kind::Source) {
        if let KindData::Source(s) = &note.data
            && s.url.is_none()
            && s.archive.is_none()
            && s.via.is_none()
        {
            gaps.push(gap(GapKind::NoLink, i, Vec::new()));
        }
    }
    let config = &dossier.site.config;
    for kind in [
        GapKind::StaleTranslation,
        GapKind::UnrecordedTranslation,
        GapKind::MissingTranslation,
    ] {
        for (lang, states) in &dossier.translated.by_lang {
            let required = config.languages.get(lang).and_then(|l| l.required.as_ref());
            for state in states {
                let note = &dossier.notes[state.note];
                let is_gap = match (kind, state.status) {
                    (GapKind::StaleTranslation, Status::Stale) => true,
                    (GapKind::UnrecordedTranslation, Status::Unrecorded) => true,
                    (GapKind::MissingTranslation, Status::Missing) => {
                        required.is_none_or(|kinds| kinds.iter().any(|k| k == note.kind.as_str()))
                    }
                    _ => false,
                };
                if is_gap {
                    gaps.push(Gap {
                        kind,
                        note: state.note,
                        lang: Some(lang.clone()),
                        sources: Vec::new(),
                        reason: None,
                    });
                }
            }
        }
    }
    // Named by a note: linked to, taking part in an event or claim, holding a role in an
    // organization (whose page lists it), or being one that roles are held in.
    let mut named: BTreeSet<usize> = home.links.iter().map(|l| l.target).collect();
    for (org, holders) in dossier.role_holders.iter().enumerate() {
        if !holders.is_empty() {
            named.insert(org);
        }
        named.extend(holders.iter().map(|r| r.holder));
    }
    for (i, note) in dossier.notes.iter().enumerate() {
        if note.kind.is_entity()
            && !named.contains(&i)
            && links.backlinks.get(i).is_none_or(|b| b.is_empty())
            && links.involved_in.get(i).is_none_or(|b| b.is_empty())
        {
            gaps.push(gap(GapKind::Unlinked, i, Vec::new()));
        }
    }
    gaps
}

/// A gap as a diagnostic at its note (at its translation's file, for a stale one), an error
/// when `strict` asks for a clean report.
pub(crate) fn diagnostic(dossier: &Dossier, g: &Gap, strict: bool) -> Diagnostic {
    let note = &dossier.notes[g.note];
    let (what, help) = g.kind.message();
    let translation = g
        .lang
        .as_deref()
        .and_then(|lang| dossier.translated.of(g.note, lang))
        .map(|k| &dossier.translations[k]);
    let (file, text) = match translation {
        Some(t) => (&t.file, &t.text),
        None => (&note.file, &note.text),
    };
    let subject = match (&g.lang, translation) {
        (Some(lang), Some(_)) => format!("this {lang} translation of `{}`", note.id),
        (Some(lang), None) => format!("`{}` ({lang})", note.id),
        (None, _) => format!("this {}", note.kind),
    };
    let message = format!("integrity: {subject} {what}");
    let d = if strict {
        Diagnostic::error(file, message)
    } else {
        Diagnostic::warning(file, message)
    };
    d.at(text, 1, 1, 3).with_help(help)
}

/// A gap as `dossier check` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub kind: &'static str,
    /// Why the gap stays open, when its note explains it; `null` for an open gap.
    pub reason: Option<String>,
    pub note: String,
    pub file: String,
    pub lang: Option<String>,
    pub sources: Vec<String>,
    #[serde(skip)]
    pub diagnostic: Diagnostic,
}

pub(crate) fn items(dossier: &Dossier, gaps: &[Gap]) -> Vec<Item> {
    gaps.iter()
        .map(|g| {
            let diagnostic = diagnostic(dossier, g, false);
            Item {
                kind: g.kind.key(),
                reason: g.reason.clone(),
                note: dossier.notes[g.note].id.clone(),
                file: diagnostic.file.clone(),
                lang: g.lang.clone(),
                sources: g.sources.iter().map(|&s| dossier.notes[s].id.clone()).collect(),
                diagnostic,
            }
        })
        .collect()
}
