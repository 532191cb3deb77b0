//! From a file to a [`Note`]: the id and language from the file name, the kind from the folder
//! or `kind:`, the typed fields of that kind from the front-matter.

use crate::diag::Diagnostic;
use crate::frontmatter::Document;
use crate::model::SourceFile;
use crate::model::{COMMON_KEYS, Common, Entity, Kind, KindData, Note, PathSeg, Source, is_valid_id};

/// True for a language tag as used in file names: `en`, `zh-Hant`, `pt-BR`.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Splits `content/a/b/note.zh-Hant.md` into (folder `a/b`, id `note`, language `zh-Hant`).
fn name_parts(rel_path: &str) -> (String, &str, Option<&str>) {
    let inner = rel_path.strip_prefix("content/").unwrap_or(rel_path);
    let (folder, file) = inner.rsplit_once('/').unwrap_or(("", inner));
    let stem = file.strip_suffix(".md").unwrap_or(file);
    match stem.split_once('.') {
        Some((id, lang)) => (folder.to_string(), id, Some(lang)),
        None => (folder.to_string(), stem, None),
    }
}

/// The notes of a dossier as parsed, and the files that could not be read as notes: their ids
/// still name notes, so that a link to one is not reported as an unknown id on top of the
/// file's own error.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub notes: Vec<Note>,
    /// The files that gave no note.
    pub unreadable: Vec<Unreadable>,
}

/// A file that could not be read as a note.
#[derive(Debug, Clone)]
pub(crate) struct Unreadable {
    pub id: String,
    pub file: String,
    /// A translation (`note.LANG.md`): its id names its original, not itself.
    pub translation: bool,
}

impl Parsed {
    /// Takes the result of [`parse_note`] for the file at `rel_path`.
    pub(crate) fn add(&mut self, rel_path: &str, note: Option<Note>) {
        match note {
            Some(n) => self.notes.push(n),
            None => {
                let (_, id, lang) = name_parts(rel_path);
                self.unreadable.push(Unreadable {
                    id: id.to_string(),
                    file: rel_path.to_string(),
                    translation: lang.is_some(),
                });
            }
        }
    }
}

/// Parses one note. Returns the note when it could be read, and every problem found in it.
pub fn parse_note(file: SourceFile) -> (Option<Note>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let SourceFile { rel_path, text } = file;
    let (folder, id, lang) = name_parts(&rel_path);
    if !is_valid_id(id) {
        diags.push(
            Diagnostic::error(&rel_path, format!("`{id}` is not a valid note id"))
                .with_help("name the file in lowercase letters, digits and hyphens, starting with a letter or digit (`elon-musk.md`)"),
        );
    }
    if let Some(lang) = lang
        && !is_language_tag(lang)
    {
        diags.push(
            Diagnostic::error(&rel_path, format!("`{lang}` in the file name is not a language tag"))
                .with_help("a translation is named `note.LANG.md`, e.g. `elon-musk.zh-Hant.md`; other dots are not allowed in note names"),
        );
    }
    let doc = match Document::parse(&rel_path, &text) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let common: Common = match doc.get() {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let top = folder.split('/').next().unwrap_or("");
    let kind = common.kind.or_else(|| Kind::from_folder(top)).unwrap_or(Kind::Page);
    let data = match kind {
        Kind::Source => doc.get().map(KindData::Source),
        Kind::Person | Kind::Organization => doc.get().map(KindData::Entity),
        Kind::Event => doc.get().map(KindData::Event),
        Kind::Claim => doc.get().map(KindData::Claim),
        Kind::Page => Ok(KindData::Page),
    };
    let data = match data {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    if let KindData::Source(source) = &data {
        check_web_urls(&rel_path, &text, doc.yaml_start, source, &mut diags);
    }
    let name = match &data {
        KindData::Entity(Entity { name, .. }) => name.clone(),
        _ => None,
    };
    let title = match common.title.clone().or(name) {
        Some(t) if !t.trim().is_empty() => t,
        // A translation without a title of its own keeps the original's.
        None if lang.is_some() => String::new(),
        _ => {
            let what = if kind.is_entity() {
                "`name:` or `title:`"
            } else {
                "`title:`"
            };
            diags.push(
                Diagnostic::error(&rel_path, format!("this {kind} has no title"))
                    .at(&text, 1, 1, 3)
                    .with_help(format!("add {what} to the front-matter")),
            );
            return (None, diags);
        }
    };
    let (extra, warnings) = doc.extra(&[COMMON_KEYS, kind.keys()]);
    diags.extend(warnings);
    let (yaml_start, body_start) = (doc.yaml_start, doc.body_start);
    let keys = if lang.is_some() { doc.keys() } else { Vec::new() };
    drop(doc);
    if !diags.iter().all(|d| !d.is_error()) {
        return (None, diags);
    }
    let note = Note {
        id: id.to_string(),
        kind,
        lang: lang.map(str::to_string),
        file: rel_path.clone(),
        folder,
        yaml_start,
        body_start,
        title,
        common,
        data,
        extra,
        keys,
        digest: crate::model::Digest::of(&text, body_start),
        text,
    };
    (Some(note), diags)
}

/// A source's `url` and `archive` become links on its page: only web addresses are taken, so
/// that a `javascript:` or `data:` value never becomes a live link.
fn check_web_urls(file: &str, text: &str, yaml_start: usize, source: &Source, diags: &mut Vec<Diagnostic>) {
    for (key, value) in [("url", &source.url), ("archive", &source.archive)] {
        let Some(value) = value else { continue };
        if is_web_url(value) {
            continue;
        }
        let (line, col, width) =
            crate::frontmatter::locate(text, yaml_start, &[PathSeg::Key(key)]).unwrap_or((1, 1, 1));
        diags.push(
            Diagnostic::error(file, format!("`{key}` is not a web address: `{value}`"))
                .at(text, line, col, width)
                .with_help("write an address that starts with https:// or http://, as a browser shows it"),
        );
    }
}

/// An `http` or `https` URL with a host, and no white space or control character in it.
pub(crate) fn is_web_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && !rest.is_empty()
        && !rest.starts_with('/')
        && !url.contains(|c: char| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str, text: &str) -> (Option<Note>, Vec<String>) {
        let (n, d) = parse_note(SourceFile {
            rel_path: path.into(),
            text: text.into(),
        });
        (n, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn names_give_id_language_and_folder() {
        assert_eq!(
            name_parts("content/people/elon-musk.md"),
            ("people".into(), "elon-musk", None)
        );
        assert_eq!(
            name_parts("content/people/elon-musk.zh-Hant.md"),
            ("people".into(), "elon-musk", Some("zh-Hant"))
        );
        assert_eq!(name_parts("content/about.md"), (String::new(), "about", None));
        assert!(is_language_tag("zh-Hant") && is_language_tag("en") && !is_language_tag("draft-2"));
    }

    #[test]
    fn kind_from_folder_unless_said() {
        let (n, _) = parse("content/people/a.md", "---\nname: A\n---\n");
        assert_eq!(n.unwrap().kind, Kind::Person);
        let (n, _) = parse("content/misc/a.md", "---\ntitle: A\nkind: event\ndate: 2024\n---\n");
        assert_eq!(n.unwrap().kind, Kind::Event);
        let (n, _) = parse("content/misc/a.md", "---\ntitle: A\n---\n");
        assert_eq!(n.unwrap().kind, Kind::Page);
    }

    #[test]
    fn unknown_fields_go_to_extra_and_near_misses_warn() {
        let (n, d) = parse("content/sources/a.md", "---\ntitle: A\npublsher: X\nmood: calm\n---\n");
        let n = n.unwrap();
        assert_eq!(n.extra.get("mood").and_then(|v| v.as_str()), Some("calm"));
        assert_eq!(
            d,
            [
                "content/sources/a.md:3:1: warning: unknown field `publsher`; it is kept in `extra` (help: did you mean `publisher`?)"
            ]
        );
    }

    #[test]
    fn all_known_keys_leave_extra_empty() {
        let text = "---\ntitle: A\nsummary: s\ntags: [a]\naliases: [b]\ndraft: false\ntranslated_from: x\n\
                    date: 2024\ntype: transfer\nactors: [a]\nfrom: a\nto: b\nquantity: { value: 1, unit: GPU }\n\
                    value: { amount: 1, currency: USD }\ncites: [s]\nconflict: c\n---\n";
        let (n, d) = parse("content/events/a.md", text);
        assert!(d.is_empty(), "{d:?}");
        assert!(n.unwrap().extra.is_empty());
    }

    #[test]
    fn only_web_addresses_are_links() {
        for ok in [
            "https://example.org/a",
            "http://example.org",
            "HTTPS://example.org/a?b#c",
        ] {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(document.domain)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "vbscript:msgbox",
            "example.org/a",
            "https:///x",
            "https://",
            " https://example.org",
            "https://exa mple.org",
            "java\tscript://x",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
