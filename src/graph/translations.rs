//! Translated notes: which note exists in which language, what a translation takes from its
//! original, and whether it is still a translation of the original as it is now.
//!
//! A translation (`elon-musk.zh-Hant.md`) shares its original's id and front-matter facts —
//! dates, roles, citations — unless it writes a field itself. It records `translated_from:`,
//! the hash of the original's body it was made from ([`crate::model::hash::body_hash`]); when
//! the original's body changes by more than whitespace, the translation is *stale*.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::frontmatter;
use crate::model::{KindData, Note, PathSeg};

/// Where a note stands in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    /// Translated from the original as it is now.
    UpToDate,
    /// Translated from an earlier version of the original.
    Stale,
    /// Translated, but without `translated_from`: nobody knows from which version.
    Unrecorded,
    /// Not translated.
    Missing,
}

/// One note in one language other than the default.
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// The note's index in the dossier.
    pub note: usize,
    /// Its translation's index in `Dossier::translations`, if there is one.
    pub translation: Option<usize>,
    pub status: Status,
}

/// The translations of the dossier, indexed for the pages that show them.
#[derive(Debug, Default)]
pub(crate) struct Translations {
    /// For each language other than the default, for each note, its state; notes in order.
    pub by_lang: BTreeMap<String, Vec<State>>,
    /// The hash of each note's body, in note order.
    pub hashes: Vec<String>,
}

impl Translations {
    /// The translation of note `i` into `lang`, as an index into `Dossier::translations`.
    pub(crate) fn of(&self, i: usize, lang: &str) -> Option<usize> {
        self.by_lang.get(lang)?.get(i)?.translation
    }

    /// The state of note `i` in `lang`.
    pub(crate) fn state(&self, i: usize, lang: &str) -> Option<&State> {
        self.by_lang.get(lang)?.get(i)
    }
}

/// Compares a recorded hash with the current one.
pub(crate) fn status(recorded: Option<&str>, current: &str) -> Status {
    match recorded {
        None => Status::Unrecorded,
        Some(r) if r.trim() == current => Status::UpToDate,
        Some(_) => Status::Stale,
    }
}

/// The warning (or, with `strict`, the error) for a translation that is not up to date; `None`
/// when it is. `yaml_start` and `text` are the translation's, `original` names the original's
/// file.
pub(crate) fn stale_diagnostic(
    file: &str,
    text: &str,
    yaml_start: usize,
    original: &str,
    recorded: Option<&str>,
    current: &str,
    strict: bool,
) -> Option<Diagnostic> {
    let make = |message: String| {
        if strict {
            Diagnostic::error(file, message)
        } else {
            Diagnostic::warning(file, message)
        }
    };
    let d = match status(recorded, current) {
        Status::UpToDate | Status::Missing => return None,
        Status::Stale => {
            let (line, col, width) =
                frontmatter::locate(text, yaml_start, &[PathSeg::Key("translated_from")]).unwrap_or((1, 1, 1));
            make(format!("{original} changed since this translation was made"))
                .at(text, line, col, width)
                .with_help(format!(
                    "bring the translation up to date with {original}, then set `translated_from: \"{current}\"`"
                ))
        }
        Status::Unrecorded => make(format!(
            "this translation does not record which version of {original} it was made from"
        ))
        .at(text, 1, 1, 3)
        .with_help(format!(
            "if it matches {original} as it is now, add `translated_from: \"{current}\"` to its front-matter"
        )),
    };
    Some(d)
}

/// Why a translation cannot be published, if it cannot.
pub(crate) fn invalid(t: &Note, original: Option<&Note>, config: &Config) -> Option<Diagnostic> {
    let lang = t.lang.as_deref().unwrap_or_default();
    let listed: Vec<&str> = config
        .languages()
        .into_iter()
        .filter(|l| *l != config.default_lang)
        .collect();
    let d = if lang == config.default_lang {
        Diagnostic::error(
            &t.file,
            format!("`{lang}` is the site's default language, so this file translates nothing"),
        )
        .with_help(format!("merge it into {}.md, or rename it for another language", t.id))
    } else if !config.languages.contains_key(lang) {
        let help = if listed.is_empty() {
            format!(
                "add `languages:` to content/_index.md with `{}: {{ name: … }}` and `{lang}: {{ name: … }}`",
                config.default_lang
            )
        } else {
            format!(
                "add `{lang}: {{ name: … }}` under `languages` in content/_index.md, or name the file for one of: {}",
                listed.join(", ")
            )
        };
        Diagnostic::error(&t.file, format!("the site has no language `{lang}`")).with_help(help)
    } else {
        match original {
            None => Diagnostic::error(
                &t.file,
                format!("there is no note `{}` for this file to translate", t.id),
            )
            .with_help(format!(
                "a translation sits beside its original: add {}/{}.md, or rename this file after an existing note",
                t.folder, t.id
            )),
            Some(o) if o.kind != t.kind => Diagnostic::error(
                &t.file,
                format!(
                    "this translation is {}, but {} is {}",
                    article(t.kind),
                    o.file,
                    article(o.kind)
                ),
            )
            .with_help("put the translation in the same folder as its original, and give it the same `kind:`"),
            Some(_) => return None,
        }
    };
    Some(d.at(&t.text, 1, 1, 3))
}

fn article(kind: crate::model::Kind) -> String {
    use crate::model::Kind;
    let a = if matches!(kind, Kind::Organization | Kind::Event) {
        "an"
    } else {
        "a"
    };
    format!("{a} {kind}")
}

/// Gives a translation every fact of its original that it does not write itself: a field the
/// translation leaves out is the original's.
pub(crate) fn inherit(t: &mut Note, original: &Note) {
    let keys = std::mem::take(&mut t.keys);
    let has = |key: &str| keys.iter().any(|k| k == key);
    macro_rules! inherit {
        ($to:expr, $from:expr; $($field:ident = $key:literal),* $(,)?) => {{
            $(if !has($key) {
                $to.$field = $from.$field.clone();
            })*
        }};
    }
    if t.title.is_empty() {
        t.title = original.title.clone();
    }
    inherit!(t.common, original.common; tags = "tags", aliases = "aliases");
    match (&mut t.data, &original.data) {
        (KindData::Source(to), KindData::Source(from)) => inherit!(to, from;
            publisher = "publisher", author = "author", url = "url", published = "published",
            retrieved = "retrieved", language = "language", translation_of = "translation_of",
            translator = "translator", archive = "archive", source_type = "type", via = "via",
            original_title = "original_title", text = "text", paragraphs = "paragraphs"),
        (KindData::Entity(to), KindData::Entity(from)) => inherit!(to, from; name = "name", roles = "roles"),
        (KindData::Event(to), KindData::Event(from)) => inherit!(to, from;
            date = "date", event_type = "type", actors = "actors", from = "from", to = "to",
            quantity = "quantity", value = "value", cites = "cites", conflict = "conflict"),
        (KindData::Claim(to), KindData::Claim(from)) => inherit!(to, from;
            claimant = "claimant", date = "date", status = "status", about = "about", cites = "cites",
            contradicted_by = "contradicted_by", responses = "responses"),
        _ => {}
    }
    t.keys = keys;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(status(None, "abc"), Status::Unrecorded);
        assert_eq!(status(Some("abc"), "abc"), Status::UpToDate);
        assert_eq!(status(Some(" abc "), "abc"), Status::UpToDate);
        assert_eq!(status(Some("abd"), "abc"), Status::Stale);
    }
}
