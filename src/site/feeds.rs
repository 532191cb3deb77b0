//! Machine-readable outputs: `sitemap.xml`, `atom.xml` and `dossier.json`.
//!
//! `dossier.json` is the dossier for other tools, format `dossier/1`:
//!
//! ```text
//! { "format": "dossier/1",
//!   "site":  { title, description, base_url, default_lang, languages },
//!   "notes": [ { id, kind, title, url, file, summary, tags, aliases, date,
//!                …the kind's own fields as in the front-matter…, extra,
//!                links: [ ids the body links to ], citations: [ { n, source, at, quote } ] } ],
//!   "sources" | "entities" | "events" | "claims": [ ids, in the order of their list pages ],
//!   "roles": [ { holder, org, role, type, from, to, share, cites } ],
//!   "timeline": [ ids of dated events and claims, in order ],
//!   "conflicts": [ { event, person, certainty, from: { org, certainty, chain: [ { holder, role } ] }, to } ] }
//! ```
//! Dates are objects `{ text, start, end, precision, qualifier, display }`, with `start`/`end`
//! as ISO days (`null` for an open end).

use std::ops::Range;

use serde::Serialize;

use super::list_order;
use crate::date::DateSpan;
use crate::graph::conflicts::{Certainty, Conflicts, Position};
use crate::graph::{Dossier, note_path};
use crate::html::escaped;
use crate::markdown::{LinkKind, Rendered};
use crate::model::{Cite, Kind, KindData, RoleType};
use crate::site::OutputTree;

/// `sitemap.xml`: every HTML page, with absolute URLs.
pub(crate) fn sitemap(dossier: &Dossier, tree: &OutputTree) -> String {
    let config = &dossier.site.config;
    let base = config.absolute_base();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    // Each language's folder; the default language's is empty, so it matches last.
    let mut prefixes: Vec<(&str, String)> = config
        .languages()
        .into_iter()
        .map(|l| (l, config.lang_prefix(l)))
        .collect();
    prefixes.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
    for (path, _) in tree.iter() {
        let Some(dir) = path.strip_suffix("index.html") else {
            continue;
        };
        xml.push_str(&format!("  <url><loc>{}</loc>", escaped(&format!("{base}{dir}"))));
        // The page in every language it exists in, as search engines read `hreflang`.
        let local = prefixes
            .iter()
            .find_map(|(_, p)| dir.strip_prefix(p.as_str()))
            .unwrap_or(dir);
        let versions: Vec<(&str, String)> = prefixes
            .iter()
            .map(|(l, p)| (*l, format!("{p}{local}")))
            .filter(|(_, d)| tree.contains(&format!("{d}index.html")))
            .collect();
        if versions.len() > 1 {
            let mut versions = versions;
            versions.sort();
            for (lang, d) in versions {
                xml.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    escaped(&format!("{base}{d}"))
                ));
            }
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `atom.xml`: the 50 notes with the latest news, newest first: a note's news is its own date,
/// its `updated` or a correction, whichever is latest, and its corrections are in its entry.
pub(crate) fn atom(dossier: &Dossier) -> String {
    let config = &dossier.site.config;
    let base = config.absolute_base();
    let mut dated: Vec<(&DateSpan, usize)> = dossier
        .notes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.last_changed().map(|d| (d, i)))
        .collect();
    dated.sort_by(|a, b| {
        b.0.cmp(a.0)
            .then_with(|| dossier.notes[a.1].id.cmp(&dossier.notes[b.1].id))
    });
    dated.truncate(50);
    let stamp = |d: &DateSpan| {
        let day = if d.start == crate::date::Day::MIN {
            d.end
        } else {
            d.start
        };
        format!("{}T00:00:00Z", day.iso())
    };
    let updated = dated
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |(d, _)| stamp(d));
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!("  <title>{}</title>\n", escaped(&config.title)));
    xml.push_str(&format!("  <id>{}</id>\n", escaped(&base)));
    xml.push_str(&format!("  <link href=\"{}\"/>\n", escaped(&base)));
    xml.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        escaped(&format!("{base}atom.xml"))
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escaped(config.author.as_deref().unwrap_or(&config.title))
    ));
    for (date, i) in dated {
        let note = &dossier.notes[i];
        let url = format!("{base}{}", note_path(note));
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escaped(&note.title)));
        xml.push_str(&format!("    <id>{}</id>\n", escaped(&url)));
        xml.push_str(&format!("    <link href=\"{}\"/>\n", escaped(&url)));
        xml.push_str(&format!("    <updated>{}</updated>\n", stamp(date)));
        xml.push_str(&format!("    <category term=\"{}\"/>\n", note.kind));
        let mut summary = note.common.summary.clone().unwrap_or_else(|| match note.date() {
            Some(d) => format!("{} ({})", note.title, d.display_en()),
            None => note.title.clone(),
        });
        // A correction is news to a reader of the feed: each is carried with the note.
        for c in &note.common.corrections {
            summary.push_str(&format!(" Corrected on {}: {}", c.date.display_en(), c.text));
        }
        xml.push_str(&format!("    <summary>{}</summary>\n", escaped(&summary)));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[derive(Serialize)]
struct JsonNote<'a> {
    id: &'a str,
    kind: Kind,
    title: &'a str,
    url: String,
    file: &'a str,
    summary: Option<&'a str>,
    tags: &'a [String],
    aliases: &'a [String],
    date: Option<&'a DateSpan>,
    /// When the note last changed in substance, and the corrections it publishes.
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<&'a DateSpan>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    corrections: &'a [crate::model::Correction],
    /// The gaps of the integrity report it explains, with why.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    gaps: &'a std::collections::BTreeMap<String, String>,
    #[serde(flatten)]
    fields: &'a KindData,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The notes the body links to, each once, in order of first link.
    links: Vec<&'a str>,
    /// The page's numbered sources: front-matter citations first, then the body's.
    citations: Vec<JsonCitation<'a>>,
    /// The hash of the body a translation records in `translated_from`.
    hash: &'a str,
    /// The note in each other language of the site.
    translations: Vec<JsonTranslation<'a>>,
}

#[derive(Serialize)]
struct JsonTranslation<'a> {
    lang: &'a str,
    status: crate::graph::translations::Status,
    title: Option<&'a str>,
    url: Option<String>,
    file: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonCitation<'a> {
    n: usize,
    source: &'a str,
    at: Option<&'a str>,
    quote: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRole<'a> {
    holder: &'a str,
    org: &'a str,
    role: &'a str,
    #[serde(rename = "type")]
    role_type: RoleType,
    from: Option<&'a DateSpan>,
    to: Option<&'a DateSpan>,
    share: Option<&'a str>,
    cites: &'a [Cite],
}

#[derive(Serialize)]
struct JsonSite<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base_url: String,
    default_lang: &'a str,
    languages: &'a std::collections::BTreeMap<String, crate::config::Language>,
}

#[derive(Serialize)]
struct JsonDossier<'a> {
    format: &'static str,
    site: JsonSite<'a>,
    /// Always empty: the notes are serialized on their own, side by side, and written where
    /// this list stands (see [`write_dossier_json`]).
    notes: &'a [JsonNote<'a>],
    sources: Vec<&'a str>,
    entities: Vec<&'a str>,
    events: Vec<&'a str>,
    claims: Vec<&'a str>,
    roles: Vec<JsonRole<'a>>,
    /// Dated events and claims, in order.
    timeline: Vec<&'a str>,
    conflicts: Vec<JsonConflict<'a>>,
}

#[derive(Serialize)]
struct JsonConflict<'a> {
    event: &'a str,
    person: &'a str,
    certainty: Certainty,
    from: JsonPosition<'a>,
    to: JsonPosition<'a>,
}

#[derive(Serialize)]
struct JsonPosition<'a> {
    org: &'a str,
    certainty: Certainty,
    /// `{ holder, role }`: the holder's id and the index of the role in its `roles`.
    chain: Vec<serde_json::Value>,
    #[serde(skip)]
    _p: std::marker::PhantomData<&'a ()>,
}

/// `dossier.json`: every note, entity, role, event and claim, with what each note links to and
/// cites (`bodies[i]` is note `i`'s rendered body). Made in room for the last build's and a
/// little more, when there is one to `reuse`: tens of megabytes in a large dossier, grown by
/// doubling they would be copied and first touched several times over.
///
/// Also returns where each note's entry stands in it, for the next build's [`JsonReuse`].
pub(crate) fn dossier_json(
    dossier: &Dossier,
    bodies: &[std::sync::Arc<Rendered>],
    conflicts: &Conflicts,
    reuse: Option<JsonReuse<'_>>,
) -> (Vec<u8>, Vec<Range<usize>>) {
    let mut out = Vec::with_capacity(reuse.as_ref().map_or(0, |r| r.last.len() + r.last.len() / 32));
    // Writing into memory does not fail.
    let entries = write_dossier_json(dossier, bodies, conflicts, reuse, &mut out).unwrap_or_default();
    (out, entries)
}

/// [`dossier_json`], written to `out` as it is made.
pub(crate) fn write_dossier_json(
    dossier: &Dossier,
    bodies: &[std::sync::Arc<Rendered>],
    conflicts: &Conflicts,
    reuse: Option<JsonReuse<'_>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<Vec<Range<usize>>> {
    let config = &dossier.site.config;
    let ids = |kinds: &[Kind]| -> Vec<&str> {
        kinds
            .iter()
            .flat_map(|&k| list_order(dossier, k))
            .map(|i| dossier.notes[i].id.as_str())
            .collect()
    };
    let doc = JsonDossier {
        format: "dossier/1",
        site: JsonSite {
            title: &config.title,
            description: config.description.as_deref(),
            base_url: config.absolute_base(),
            default_lang: &config.default_lang,
            languages: &config.languages,
        },
        notes: &[],
        sources: ids(&[Kind::Source]),
        entities: ids(&[Kind::Person, Kind::Organization]),
        events: ids(&[Kind::Event]),
        claims: ids(&[Kind::Claim]),
        roles: json_roles(dossier),
        timeline: super::timeline::order(dossier)
            .into_iter()
            .map(|i| dossier.notes[i].id.as_str())
            .collect(),
        conflicts: json_conflicts(dossier, conflicts),
    };
    let count = dossier.notes.len();
    // The last build's entry of a note that did not change is this build's.
    let reuse = reuse.filter(|r| r.entries.len() == count);
    let entry = |i: usize, part: &mut Vec<u8>| {
        let last = reuse
            .as_ref()
            .filter(|r| !r.changed.contains(&i))
            .and_then(|r| r.last.get(r.entries[i].clone()));
        match last {
            Some(bytes) => {
                part.extend_from_slice(bytes);
                Ok(())
            }
            None => write_entry(&json_note(dossier, bodies, i), part),
        }
    };
    write_pretty_with_list(&doc, "notes", count, entry, out)
}

/// A note's entry in `dossier.json`.
fn json_note<'a>(dossier: &'a Dossier, bodies: &'a [std::sync::Arc<Rendered>], i: usize) -> JsonNote<'a> {
    let config = &dossier.site.config;
    let base_path = config.base_path();
    let (n, body) = (&dossier.notes[i], &bodies[i]);
    JsonNote {
        hash: dossier.translated.hashes.get(i).map_or("", String::as_str),
        translations: dossier
            .translated
            .by_lang
            .iter()
            .filter_map(|(lang, states)| {
                let state = states.get(i)?;
                let t = state.translation.map(|k| &dossier.translations[k]);
                Some(JsonTranslation {
                    lang,
                    status: state.status,
                    title: t.map(|t| t.title.as_str()),
                    url: t.map(|_| format!("{base_path}{}{}", config.lang_prefix(lang), note_path(n))),
                    file: t.map(|t| t.file.as_str()),
                })
            })
            .collect(),
        id: &n.id,
        kind: n.kind,
        title: &n.title,
        url: format!("{base_path}{}", note_path(n)),
        file: &n.file,
        summary: n.common.summary.as_deref(),
        tags: &n.common.tags,
        aliases: &n.common.aliases,
        date: n.date(),
        updated: n.common.updated.as_ref(),
        corrections: &n.common.corrections,
        gaps: &n.common.gaps,
        fields: &n.data,
        extra: &n.extra,
        links: {
            let mut seen = std::collections::HashSet::new();
            body.links
                .iter()
                .filter(|l| l.kind == LinkKind::Link && seen.insert(l.target))
                .map(|l| dossier.notes[l.target].id.as_str())
                .collect()
        },
        citations: body
            .citations
            .iter()
            .map(|c| JsonCitation {
                n: c.n,
                source: &dossier.notes[c.source].id,
                at: c.at.as_deref(),
                quote: c.quote.as_deref(),
            })
            .collect(),
    }
}

/// Every role of every person and organization, flattened.
fn json_roles(dossier: &Dossier) -> Vec<JsonRole<'_>> {
    dossier
        .notes
        .iter()
        .filter_map(|n| match &n.data {
            KindData::Entity(e) => Some((n, e)),
            _ => None,
        })
        .flat_map(|(n, e)| {
            e.roles.iter().map(move |r| JsonRole {
                holder: &n.id,
                org: &r.org,
                role: &r.role,
                role_type: r.role_type,
                from: r.from.as_ref(),
                to: r.to.as_ref(),
                share: r.share.as_deref(),
                cites: &r.cites,
            })
        })
        .collect()
}

/// Every computed conflict, by ids.
fn json_conflicts<'a>(dossier: &'a Dossier, conflicts: &'a Conflicts) -> Vec<JsonConflict<'a>> {
    conflicts
        .list
        .iter()
        .map(|c| {
            let pos = |p: &'_ Position| JsonPosition {
                org: &dossier.notes[p.org].id,
                certainty: p.certainty,
                chain: p
                    .chain
                    .iter()
                    .map(|l| serde_json::json!({ "holder": dossier.notes[l.holder].id, "role": l.role }))
                    .collect(),
                _p: std::marker::PhantomData,
            };
            JsonConflict {
                event: &dossier.notes[c.event].id,
                person: &dossier.notes[c.person].id,
                certainty: c.certainty,
                from: pos(&c.from),
                to: pos(&c.to),
            }
        })
        .collect()
}

/// What the last build's `dossier.json` lends a rebuild of the same notes, in the same order,
/// with the same settings: its bytes, where each note's entry stands in them, and the notes
/// whose entries are made again (those whose text, a translation's text or shown body
/// changed). Every other entry is the same bytes.
pub(crate) struct JsonReuse<'a> {
    pub last: &'a [u8],
    pub entries: &'a [Range<usize>],
    pub changed: &'a std::collections::HashSet<usize>,
}

/// Writes `frame` as `serde_json::to_writer_pretty` does, with the entries `item` writes for
/// 0, 1, … up to `count` as its top-level list `key`, which `frame` holds empty. The entries
/// are made on every thread, a window of them at a time, so that no more than a window is held
/// in memory. Returns where each entry stands in what was written.
fn write_pretty_with_list<T: Serialize>(
    frame: &T,
    key: &str,
    count: usize,
    item: impl Fn(usize, &mut Vec<u8>) -> std::io::Result<()> + Sync,
    out: &mut dyn std::io::Write,
) -> std::io::Result<Vec<Range<usize>>> {
    use rayon::prelude::*;
    /// Entries made by one task, and by all of them before any is written.
    const CHUNK: usize = 64;
    const WINDOW: usize = 2048;
    let frame = serde_json::to_vec_pretty(frame).map_err(std::io::Error::other)?;
    // The key at the top level is the only one with two spaces of indent before it (a string
    // holds no line break of its own); the list's `[` ends it.
    let opening = format!("\n  {}: [", serde_json::Value::from(key));
    let list = memchr::memmem::find(&frame, opening.as_bytes())
        .map(|at| at + opening.len())
        .ok_or_else(|| std::io::Error::other(format!("the JSON document has no top-level list {key:?}")))?;
    out.write_all(&frame[..list])?;
    let mut written = list;
    let mut entries = Vec::with_capacity(count);
    for window in (0..count).step_by(WINDOW) {
        let end = (window + WINDOW).min(count);
        let parts: Vec<(Vec<u8>, Vec<Range<usize>>)> = (window..end)
            .into_par_iter()
            .step_by(CHUNK)
            .map(|chunk| {
                let (mut part, mut at) = (Vec::new(), Vec::new());
                for i in chunk..(chunk + CHUNK).min(end) {
                    part.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
                    let start = part.len();
                    item(i, &mut part)?;
                    at.push(start..part.len());
                }
                Ok((part, at))
            })
            .collect::<std::io::Result<_>>()?;
        for (part, at) in parts {
            entries.extend(at.into_iter().map(|r| written + r.start..written + r.end));
            written += part.len();
            out.write_all(&part)?;
        }
    }
    if count > 0 {
        out.write_all(b"\n  ")?;
    }
    out.write_all(&frame[list..])?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(entries)
}

/// Serializes `value` as an entry of a top-level list, two levels down.
fn write_entry(value: &impl Serialize, part: &mut Vec<u8>) -> std::io::Result<()> {
    let mut entry = serde_json::Serializer::with_formatter(part, Nested::at(2));
    value.serialize(&mut entry).map_err(std::io::Error::other)
}

/// serde_json's pretty formatter (two spaces a level) for a value that stands `level` levels
/// down in its document: the same bytes as `PrettyFormatter`'s for the whole document.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn at(level: usize) -> Nested {
        Nested {
            level,
            has_value: false,
        }
    }

    fn new_line<W: std::io::Write + ?Sized>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        let mut width = 2 * self.level;
        while width > 0 {
            let n = width.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            width -= n;
        }
        Ok(())
    }

    /// A list or an object begins: its entries are a level deeper.
    fn open<W: std::io::Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// It ends: on a line of its own when it has entries.
    fn close<W: std::io::Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: std::io::Write + ?Sized>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, !first)
    }
    fn end_array_value<W: std::io::Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: std::io::Write + ?Sized>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, !first)
    }
    fn begin_object_value<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: std::io::Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc<'a> {
        name: &'a str,
        items: &'a [serde_json::Value],
        after: Vec<serde_json::Value>,
    }

    /// Every shape an entry can take: nested objects and lists, empty ones, and strings whose
    /// escapes (line breaks among them) must not be taken for the document's own lines.
    fn item(i: usize) -> serde_json::Value {
        serde_json::json!({
            "n": i,
            "text": format!("line one\nline \"two\" of {i} — 第{i}條"),
            "empty_list": [],
            "empty_object": {},
            "deep": { "list": [1, [2, [3, {}]], { "k": [] }], "null": null },
            "flag": i.is_multiple_of(2),
        })
    }

    fn spliced(count: usize) -> Vec<u8> {
        let frame = Doc {
            name: "frame \"items\": [",
            items: &[],
            after: vec![item(7)],
        };
        let mut out = Vec::new();
        write_pretty_with_list(&frame, "items", count, |i, part| write_entry(&item(i), part), &mut out).unwrap();
        out
    }

    fn whole(count: usize) -> Vec<u8> {
        let items: Vec<_> = (0..count).map(item).collect();
        let doc = Doc {
            name: "frame \"items\": [",
            items: &items,
            after: vec![item(7)],
        };
        let mut out = serde_json::to_vec_pretty(&doc).unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn a_list_written_in_parts_is_the_pretty_printers_own() {
        // None, one, within a task's chunk, across chunks, and across windows.
        for count in [0, 1, 5, 64, 65, 2048, 2049, 4500] {
            let (a, b) = (spliced(count), whole(count));
            assert!(
                a == b,
                "{count} entries differ:\n{}",
                String::from_utf8_lossy(&a[..a.len().min(600)])
            );
        }
    }

    /// Where the entries stand, as returned, is where the next document can take them from.
    #[test]
    fn entries_taken_from_the_last_document_make_the_same_document() {
        let frame = Doc {
            name: "x",
            items: &[],
            after: vec![],
        };
        let count = 3000;
        let mut last = Vec::new();
        let at =
            write_pretty_with_list(&frame, "items", count, |i, part| write_entry(&item(i), part), &mut last).unwrap();
        assert_eq!(at.len(), count);
        assert_eq!(
            &last[at[17].clone()],
            &serde_json::to_vec_pretty(&item(17)).unwrap()[..].replace_indent()
        );
        // Every third entry made again, the others copied.
        let mut again = Vec::new();
        let at_again = write_pretty_with_list(
            &frame,
            "items",
            count,
            |i, part| {
                if i % 3 == 0 {
                    write_entry(&item(i), part)
                } else {
                    part.extend_from_slice(&last[at[i].clone()]);
                    Ok(())
                }
            },
            &mut again,
        )
        .unwrap();
        assert!(again == last);
        assert_eq!(at_again, at);
        assert!(again == whole_of(&frame, count));
    }

    /// Indents a value pretty-printed on its own as an entry two levels down.
    trait ReplaceIndent {
        fn replace_indent(&self) -> Vec<u8>;
    }

    impl ReplaceIndent for [u8] {
        fn replace_indent(&self) -> Vec<u8> {
            String::from_utf8_lossy(self).replace('\n', "\n    ").into_bytes()
        }
    }

    fn whole_of(frame: &Doc<'_>, count: usize) -> Vec<u8> {
        let items: Vec<_> = (0..count).map(item).collect();
        let mut out = serde_json::to_vec_pretty(&Doc {
            name: frame.name,
            items: &items,
            after: frame.after.clone(),
        })
        .unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn the_entries_are_deeper_than_the_pretty_printers_buffer_of_spaces() {
        let mut v = serde_json::json!("bottom");
        for _ in 0..40 {
            v = serde_json::json!({ "down": [v] });
        }
        let frame = Doc {
            name: "x",
            items: &[],
            after: vec![],
        };
        let mut out = Vec::new();
        write_pretty_with_list(&frame, "items", 2, |_, part| write_entry(&v, part), &mut out).unwrap();
        let mut expected = serde_json::to_vec_pretty(&Doc {
            name: "x",
            items: &[v.clone(), v.clone()],
            after: vec![],
        })
        .unwrap();
        expected.push(b'\n');
        assert!(out == expected);
    }
}
