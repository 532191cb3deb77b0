//! Translated notes: which note exists in which language, what a translation takes from its
//! original, and whether it is still a translation of the original as it is now.
//!
//! A translation (`elon-musk.zh-Hant.md`) shares its original's id and front-matter facts —
//! dates, roles, citations — unless it writes a field itself. It records `translated_from:`, the
//! hash of the original's body it was made from ([`body_hash`]); when the original's body
//! changes by more than whitespace, the translation is *stale*.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::frontmatter;
use crate::model::{KindData, Note, PathSeg};

/// How many hex digits of the hash a translation records: 48 bits, enough to tell versions of
/// one note apart, short enough to copy.
const HASH_LEN: usize = 12;

/// The hash of a body as translators record it: BLAKE3 of its text with every run of white
/// space made one space, so rewrapping a paragraph or fixing indentation changes nothing.
pub fn body_hash(body: &str) -> String {
    // Every note's body is hashed at load. Most lines hold words with single spaces between,
    // which the rule leaves as they are: those go to the hasher whole; only the others are
    // taken apart word by word.
    let mut words = Words::default();
    for line in body.split('\n') {
        let bytes = line.as_bytes();
        // No control characters (tabs and carriage returns among them), no white space but
        // single spaces between words.
        let no_controls = bytes.iter().fold(true, |ok, &b| ok & (b >= 0x20));
        let clean = no_controls
            && !bytes.starts_with(b" ")
            && !bytes.ends_with(b" ")
            && memchr::memmem::find(bytes, b"  ").is_none()
            && (line.is_ascii() || !line.chars().any(|c| !c.is_ascii() && c.is_whitespace()));
        if clean {
            if !line.is_empty() {
                words.push(line);
            }
        } else {
            line.split_whitespace().for_each(|w| words.push(w));
        }
    }
    let hex = words.finish().to_hex();
    hex[..HASH_LEN].to_string()
}

/// Words joined by single spaces, on their way to the hasher through a small buffer: one call
/// to the hasher per word would be slow, and a copy of the whole text is a body's worth of
/// fresh memory per note.
struct Words {
    hasher: blake3::Hasher,
    buf: [u8; 4096],
    len: usize,
    started: bool,
}

impl Default for Words {
    fn default() -> Words {
        Words {
            hasher: blake3::Hasher::new(),
            buf: [0; 4096],
            len: 0,
            started: false,
        }
    }
}

impl Words {
    /// Adds a word, or several already joined by single spaces.
    fn push(&mut self, words: &str) {
        if std::mem::replace(&mut self.started, true) {
            self.bytes(b" ");
        }
        self.bytes(words.as_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        if self.len + b.len() > self.buf.len() {
            self.hasher.update(&self.buf[..self.len]);
            self.len = 0;
        }
        if b.len() > self.buf.len() {
            self.hasher.update(b);
        } else {
            self.buf[self.len..self.len + b.len()].copy_from_slice(b);
            self.len += b.len();
        }
    }

    fn finish(mut self) -> blake3::Hash {
        self.hasher.update(&self.buf[..self.len]);
        self.hasher.finalize()
    }
}

/// Where a note stands in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
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
pub struct State {
    /// The note's index in the dossier.
    pub note: usize,
    /// Its translation's index in `Dossier::translations`, if there is one.
    pub translation: Option<usize>,
    pub status: Status,
}

/// The translations of the dossier, indexed for the pages that show them.
#[derive(Debug, Default)]
pub struct Translations {
    /// For each language other than the default, for each note, its state; notes in order.
    pub by_lang: BTreeMap<String, Vec<State>>,
    /// The hash of each note's body, in note order.
    pub hashes: Vec<String>,
}

impl Translations {
    /// The translation of note `i` into `lang`, as an index into `Dossier::translations`.
    pub fn of(&self, i: usize, lang: &str) -> Option<usize> {
        self.by_lang.get(lang)?.get(i)?.translation
    }

    /// The state of note `i` in `lang`.
    pub fn state(&self, i: usize, lang: &str) -> Option<&State> {
        self.by_lang.get(lang)?.get(i)
    }
}

/// Compares a recorded hash with the current one.
pub fn status(recorded: Option<&str>, current: &str) -> Status {
    match recorded {
        None => Status::Unrecorded,
        Some(r) if r.trim() == current => Status::UpToDate,
        Some(_) => Status::Stale,
    }
}

/// The warning (or, with `strict`, the error) for a translation that is not up to date; `None`
/// when it is. `yaml_start` and `text` are the translation's, `original` names the original's
/// file.
pub fn stale_diagnostic(
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
pub fn invalid(t: &Note, original: Option<&Note>, config: &Config) -> Option<Diagnostic> {
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
pub fn inherit(t: &mut Note, original: &Note) {
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
            translator = "translator", archive = "archive", source_type = "type", via = "via"),
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
    fn whitespace_does_not_change_the_hash_and_a_character_does() {
        let h = body_hash("Musk said Tesla had no room.\n\nSecond paragraph.\n");
        assert_eq!(h.len(), HASH_LEN);
        assert_eq!(
            h,
            body_hash("  Musk said Tesla had\nno room.\n\n\n\nSecond   paragraph.")
        );
        assert_ne!(h, body_hash("Musk said Tesla had no room!\n\nSecond paragraph.\n"));
        assert_ne!(body_hash("ab"), body_hash("a b"));
    }

    /// The hash as it is defined: the words joined by one space, hashed at once.
    fn body_hash_by_definition(body: &str) -> String {
        let words: Vec<&str> = body.split_whitespace().collect();
        blake3::hash(words.join(" ").as_bytes()).to_hex()[..HASH_LEN].to_string()
    }

    #[test]
    fn the_hash_is_that_of_the_words_joined() {
        // Every kind of white space, ASCII and not, words longer than the buffer, and words
        // that end just at its end.
        let pieces = [
            "a", "word", "é", "語", "🙂", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}",
            "\u{1680}", "\u{2003}", "\u{2028}", "\u{202F}", "\u{3000}", "\u{200B}", "x",
        ];
        let long = "w".repeat(5000);
        let mut rng = fastrand::Rng::with_seed(9);
        for round in 0..3000 {
            let mut body = String::new();
            for _ in 0..rng.usize(0..40) {
                body.push_str(pieces[rng.usize(0..pieces.len())]);
                if rng.usize(0..50) == 0 {
                    body.push_str(&long[..rng.usize(1..long.len())]);
                }
            }
            assert_eq!(
                body_hash(&body),
                body_hash_by_definition(&body),
                "round {round}: {body:?}"
            );
        }
        for n in 4090..4100 {
            let body = format!("{} b {}", "a".repeat(n), "c".repeat(n));
            assert_eq!(body_hash(&body), body_hash_by_definition(&body), "{n}");
        }
    }

    #[test]
    fn statuses() {
        assert_eq!(status(None, "abc"), Status::Unrecorded);
        assert_eq!(status(Some("abc"), "abc"), Status::UpToDate);
        assert_eq!(status(Some(" abc "), "abc"), Status::UpToDate);
        assert_eq!(status(Some("abd"), "abc"), Status::Stale);
    }
}
