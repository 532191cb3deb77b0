//! Citations verified against the sources' texts: every paragraph a locator names (`¶18`,
//! `¶6–7`) exists, and every quotation (a citation's `quote:`, or the words a citing sentence
//! puts in quotation marks before its citation) is in the paragraphs cited.
//!
//! A quotation in another script than its source's (English words cited to a Chinese source)
//! is looked for in the text of a translation of the source in that script, anywhere in it,
//! since translations number their paragraphs their own way; with no such translation it is
//! reported as unverifiable. Sources whose text is not at hand are counted as unverified and
//! their citations are not checked.

use rayon::prelude::*;
use serde::Serialize;

use super::Dossier;
use crate::diag::{Diagnostic, did_you_mean};
use crate::frontmatter::{self, PathSeg};
use crate::markdown::{Bodies, CiteSite};
use crate::model::{KindData, Note, Texts};
use crate::texts;

/// What verification found.
#[derive(Debug, Default)]
pub(crate) struct Verification {
    /// Citations the texts contradict: a paragraph that does not exist, a quotation that is
    /// not where it is cited. Errors; a build that is not strict reports them as warnings.
    pub failed: Vec<Diagnostic>,
    /// What could not be verified, and texts named but not found: warnings.
    pub notices: Vec<Diagnostic>,
    pub summary: Summary,
}

/// The counts `/integrity/` and `check`'s JSON report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Sources whose text was read and their citations checked against it.
    pub verified: usize,
    /// Sources without a text at hand.
    pub unverified: usize,
    /// Citations the texts contradict.
    pub failed: usize,
}

/// A source's text, cut into its numbered paragraphs (the skipped ones left out), each
/// normalised for comparison.
struct Text<'t> {
    paragraphs: Vec<std::borrow::Cow<'t, str>>,
    normalised: Vec<String>,
    cjk: bool,
}

impl Text<'_> {
    /// The number (from 1) of the first paragraph that holds every part of a quotation.
    fn find(&self, parts: &[String]) -> Option<usize> {
        self.normalised
            .iter()
            .position(|p| texts::contains_parts(p, parts))
            .map(|k| k + 1)
    }

    fn opening(&self, n: usize) -> String {
        texts::opening(&self.paragraphs[n - 1], 60)
    }
}

/// Verifies every citation of the dossier against the texts at hand.
pub(crate) fn verify(dossier: &Dossier, bodies: &Bodies, given: &Texts) -> Verification {
    let _span = tracing::info_span!("verify").entered();
    let mut out = Verification::default();
    let default_lang = &dossier.site.config.default_lang;
    let read: Vec<(Option<Text<'_>>, Option<Diagnostic>)> = {
        let _span = tracing::info_span!("paragraphs").entered();
        dossier
            .notes
            .par_iter()
            .map(|n| source_text(n, given, default_lang))
            .collect()
    };
    let mut texts = Vec::with_capacity(read.len());
    for (text, notice) in read {
        texts.push(text);
        out.notices.extend(notice);
    }
    for (n, t) in dossier.notes.iter().zip(&texts) {
        if n.kind == crate::model::Kind::Source {
            if t.is_some() {
                out.summary.verified += 1;
            } else {
                out.summary.unverified += 1;
            }
        }
    }
    if texts.iter().all(Option::is_none) {
        return out;
    }
    let v = Verifier {
        dossier,
        texts,
        translated_as: dossier.translated_as(),
    };
    // Each note's citations on their own, in parallel; the problems in note order.
    let notes = dossier.notes.iter().zip(&bodies.notes).map(|(n, b)| (n, b, false));
    let translations = dossier
        .translations
        .iter()
        .zip(&bodies.translations)
        .map(|(n, b)| (n, b, true));
    let all: Vec<_> = notes.chain(translations).collect();
    let found: Vec<Verification> = all
        .par_iter()
        .map(|&(note, body, translation)| {
            let mut one = Verification::default();
            v.front_matter(note, translation, &mut one);
            v.body(&note.file, &note.text, &body.cite_sites, &mut one);
            one
        })
        .collect();
    for mut one in found {
        out.failed.append(&mut one.failed);
        out.notices.append(&mut one.notices);
    }
    let site = &dossier.site;
    v.body(&site.file, &site.text, &bodies.home.cite_sites, &mut out);
    for (home, body) in site.translations.iter().zip(&bodies.home_translations) {
        v.body(&home.file, &home.text, &body.cite_sites, &mut out);
    }
    out.summary.failed = out.failed.len();
    out
}

/// A source's text, if it names one and the texts at hand hold it; a warning at its `text:`
/// when they do not.
fn source_text<'t>(note: &Note, given: &'t Texts, default_lang: &str) -> (Option<Text<'t>>, Option<Diagnostic>) {
    let KindData::Source(s) = &note.data else {
        return (None, None);
    };
    let (Some(name), Some(dir)) = (s.text.as_deref(), given.dir.as_deref()) else {
        return (None, None);
    };
    let Some(text) = given.files.get(name) else {
        let (line, col, width) =
            frontmatter::locate(&note.text, note.yaml_start, &[PathSeg::Key("text")]).unwrap_or((1, 1, 1));
        let help = match did_you_mean(name, given.files.keys().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("put the text in `{dir}`, or correct the file name"),
        };
        let d = Diagnostic::warning(&note.file, format!("there is no text `{name}` in `{dir}`"))
            .at(&note.text, line, col, width)
            .with_help(help);
        return (None, Some(d));
    };
    let paragraphs: Vec<_> = texts::paragraphs(name, text)
        .into_iter()
        .skip(s.paragraphs.skip)
        .collect();
    let normalised = paragraphs.iter().map(|p| texts::normalize(p)).collect();
    let lang = s.language.as_deref().unwrap_or(default_lang);
    let text = Text {
        paragraphs,
        normalised,
        cjk: texts::is_cjk_language(lang),
    };
    (Some(text), None)
}

/// One citation to verify: its source, locator and quotations, and where to report.
struct Cited<'a> {
    source: usize,
    at: Option<&'a str>,
    quotes: Vec<&'a str>,
    file: &'a str,
    text: &'a str,
    /// Where the locator is, and the citation (or its quotation).
    at_place: Place,
    quote_place: Place,
}

/// Where a problem is written: a byte offset and a width in the file, or a value in the
/// front-matter, found only when there is a problem to report (finding it parses the YAML).
#[derive(Clone)]
enum Place {
    Offset(usize, usize),
    Front {
        yaml_start: usize,
        path: Vec<PathSeg>,
        key: &'static str,
    },
}

impl Place {
    fn put(&self, d: Diagnostic, text: &str) -> Diagnostic {
        match self {
            Place::Offset(offset, width) => d.at_offset(text, *offset, *width),
            Place::Front { yaml_start, path, key } => {
                let mut at = path.clone();
                at.push(PathSeg::Key(key));
                let (line, col, width) = frontmatter::locate(text, *yaml_start, &at)
                    .or_else(|| frontmatter::locate(text, *yaml_start, path))
                    .unwrap_or((1, 1, 1));
                d.at(text, line, col, width)
            }
        }
    }
}

struct Verifier<'d> {
    dossier: &'d Dossier,
    texts: Vec<Option<Text<'d>>>,
    translated_as: Vec<Vec<usize>>,
}

impl Verifier<'_> {
    /// The citations of a note's front-matter; a translation's only where it writes them.
    fn front_matter(&self, note: &Note, translation: bool, out: &mut Verification) {
        for r in note.references() {
            let Some(&source) = self.dossier.by_id.get(r.id) else {
                continue;
            };
            // A citation is a reference to a source at an index of a `cites` list.
            let is_cite = r.expect == [crate::model::Kind::Source] && matches!(r.path.last(), Some(PathSeg::Index(_)));
            let written = match r.path.first() {
                Some(PathSeg::Key(k)) => !translation || note.keys.iter().any(|w| w == k),
                _ => false,
            };
            if !is_cite || !written || self.texts[source].is_none() {
                continue;
            }
            if r.at.is_none() && r.quote.is_none() {
                continue;
            }
            let place = |key: &'static str| Place::Front {
                yaml_start: note.yaml_start,
                path: r.path.clone(),
                key,
            };
            let cited = Cited {
                source,
                at: r.at,
                quotes: r.quote.into_iter().collect(),
                file: &note.file,
                text: &note.text,
                at_place: place("at"),
                quote_place: place("quote"),
            };
            self.check(&[cited], out);
        }
    }

    /// The citations of a body: each bracket's quotations are verified against any of the
    /// sources it cites.
    fn body(&self, file: &str, text: &str, sites: &[CiteSite], out: &mut Verification) {
        for site in sites {
            if site.items.iter().all(|c| self.texts[c.source].is_none()) {
                continue;
            }
            let cited: Vec<Cited> = site
                .items
                .iter()
                .map(|c| Cited {
                    source: c.source,
                    at: c.at.as_deref(),
                    quotes: site.quotes.iter().map(String::as_str).collect(),
                    file,
                    text,
                    at_place: match (c.at_offset, &c.at) {
                        (Some(o), Some(at)) => Place::Offset(o, at.chars().count()),
                        _ => Place::Offset(c.offset, c.width),
                    },
                    quote_place: Place::Offset(c.offset, c.width),
                })
                .collect();
            self.check(&cited, out);
        }
    }

    /// Verifies a group of citations made together: each locator on its own, each quotation
    /// against any of them.
    fn check(&self, group: &[Cited], out: &mut Verification) {
        let mut ranges = Vec::new();
        for c in group {
            ranges.push(self.locator(c, out));
        }
        let Some(first) = group.first() else {
            return;
        };
        for &quote in &first.quotes {
            let parts = texts::quote_parts(quote);
            if parts.is_empty() {
                continue;
            }
            let mut misses = Vec::new();
            let (mut unverifiable, mut unknown) = (None, false);
            let mut found = false;
            for (c, range) in group.iter().zip(&ranges) {
                match self.find_quote(c, quote, &parts, range.clone()) {
                    Found::Yes => found = true,
                    Found::Elsewhere(d) => misses.push(d),
                    Found::Unverifiable(d) => unverifiable = Some(d),
                    Found::Unknown => unknown = true,
                }
            }
            // The words may be in a source of the bracket whose text is not at hand, or
            // cannot be compared: then they are not known to be wrong.
            match (found, unknown, misses.into_iter().next(), unverifiable) {
                (true, ..) | (false, true, _, None) => {}
                (false, false, Some(miss), None) => out.failed.push(miss),
                (false, _, _, Some(d)) => out.notices.push(d),
                (false, false, None, None) => {}
            }
        }
    }

    /// The paragraphs a citation's locator names, checked to exist; all of them when it names
    /// none, or none it can read.
    fn locator(&self, c: &Cited, out: &mut Verification) -> Option<std::ops::RangeInclusive<usize>> {
        let text = self.texts[c.source].as_ref()?;
        let at = c.at?;
        let id = &self.dossier.notes[c.source].id;
        let count = text.paragraphs.len();
        match texts::paragraph_range(at)? {
            Ok(range) if *range.end() <= count => Some(range),
            Ok(_) => {
                let last = match count {
                    0 => String::new(),
                    n => format!("; its last opens “{}”", text.opening(n)),
                };
                let d = Diagnostic::error(
                    c.file,
                    format!(
                        "`{at}` does not exist: the text of `{id}` has {count} paragraph{}",
                        if count == 1 { "" } else { "s" }
                    ),
                )
                .with_help(format!(
                    "paragraphs are the text's blocks between blank lines (or its lines, when it has no blank line){}{last}",
                    self.skip_note(c.source),
                ));
                out.failed.push(c.at_place.put(d, c.text));
                None
            }
            Err(()) => {
                let d = Diagnostic::error(c.file, format!("`{at}` is not a paragraph locator"))
                    .with_help("write ¶N for one paragraph, or ¶N–M for several");
                out.failed.push(c.at_place.put(d, c.text));
                None
            }
        }
    }

    fn skip_note(&self, source: usize) -> String {
        match &self.dossier.notes[source].data {
            KindData::Source(s) if s.paragraphs.skip > 0 => {
                format!(", counted after the first {}", s.paragraphs.skip)
            }
            _ => String::new(),
        }
    }

    /// Looks for a quotation where it is cited.
    fn find_quote(
        &self,
        c: &Cited,
        quote: &str,
        parts: &[String],
        range: Option<std::ops::RangeInclusive<usize>>,
    ) -> Found {
        let Some(text) = &self.texts[c.source] else {
            return Found::Unknown;
        };
        let id = &self.dossier.notes[c.source].id;
        if texts::is_cjk_text(quote) != text.cjk {
            // Latin words (a name, "H100") may stand in a Chinese text as they are.
            let cited = range.clone().unwrap_or(1..=text.paragraphs.len());
            if cited
                .into_iter()
                .any(|k| texts::contains_parts(&text.normalised[k - 1], parts))
            {
                return Found::Yes;
            }
            return self.find_translated(c, quote, parts);
        }
        let found = match &range {
            Some(r) if r.start() == r.end() => texts::contains_parts(&text.normalised[r.start() - 1], parts),
            Some(r) => {
                let joined: String = r.clone().map(|k| text.normalised[k - 1].as_str()).collect();
                texts::contains_parts(&joined, parts)
            }
            None => text.find(parts).is_some(),
        };
        if found {
            return Found::Yes;
        }
        let short = texts::opening(quote, 40);
        let (message, mut help) = match &range {
            Some(r) => (
                format!("“{short}” is not in {} of `{id}`", c.at.unwrap_or("")),
                format!("{} opens “{}”", c.at.unwrap_or(""), text.opening(*r.start())),
            ),
            None => (format!("“{short}” is not in the text of `{id}`"), String::new()),
        };
        match text.find(parts) {
            Some(k) if range.is_some() => {
                help.push_str(&format!("; the words are in ¶{k}, which opens “{}”", text.opening(k)));
            }
            _ => {
                if !help.is_empty() {
                    help.push_str("; ");
                }
                help.push_str("no paragraph holds these words: quote the text word for word (white space, quotation marks and full-width punctuation may differ; mark a cut with …)");
            }
        }
        Found::Elsewhere(
            c.quote_place
                .put(Diagnostic::error(c.file, message).with_help(help), c.text),
        )
    }

    /// Looks for a quotation in another script than its source's in a translation of the
    /// source (or the original it translates, or another translation of that) in the
    /// quotation's script.
    fn find_translated(&self, c: &Cited, quote: &str, parts: &[String]) -> Found {
        let note = &self.dossier.notes[c.source];
        let cjk = texts::is_cjk_text(quote);
        let original = match &note.data {
            KindData::Source(s) => s
                .translation_of
                .as_deref()
                .and_then(|id| self.dossier.by_id.get(id).copied()),
            _ => None,
        };
        let mut family: Vec<usize> = self.translated_as[c.source].clone();
        if let Some(o) = original {
            family.push(o);
            family.extend(self.translated_as[o].iter().filter(|&&k| k != c.source));
        }
        let short = texts::opening(quote, 40);
        let candidates: Vec<(usize, &Text)> = family
            .into_iter()
            .filter_map(|k| self.texts[k].as_ref().map(|t| (k, t)))
            .filter(|(_, t)| t.cjk == cjk)
            .collect();
        if candidates.is_empty() {
            let d = Diagnostic::warning(
                c.file,
                format!(
                    "“{short}” cannot be verified: `{}` is in another language, and no translation of it in the quotation's has a text",
                    note.id
                ),
            )
            .with_help("quote the source in its own language, or give a translation of it (`translation_of`) a text");
            return Found::Unverifiable(c.quote_place.put(d, c.text));
        }
        if candidates.iter().any(|(_, t)| t.find(parts).is_some()) {
            return Found::Yes;
        }
        let names: Vec<String> = candidates
            .iter()
            .map(|(k, _)| format!("`{}`", self.dossier.notes[*k].id))
            .collect();
        let d = Diagnostic::error(
            c.file,
            format!(
                "“{short}” is not in {}, the version of `{}` in the quotation's language",
                names.join(", "),
                note.id
            ),
        )
        .with_help("quote the translation word for word, or quote the source in its own language");
        Found::Elsewhere(c.quote_place.put(d, c.text))
    }
}

enum Found {
    Yes,
    /// The source's text is not at hand.
    Unknown,
    /// Not where it is cited: the error to report when no other citation of the group has it.
    Elsewhere(Diagnostic),
    Unverifiable(Diagnostic),
}
