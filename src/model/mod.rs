//! The content model: a note and the typed front-matter of each kind.
//!
//! These types are what the YAML means, not how it is parsed: `frontmatter` fills them, `graph`
//! links them, `site` shows them. Every id a note names in its front-matter is listed by
//! [`Note::references`] with its YAML path, so the graph can resolve all of them in one place and
//! point a diagnostic at the exact spot when one does not exist.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::DateSpan;

/// One file as read, with its path relative to the dossier root (`content/people/x.md`).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel_path: String,
    /// Shared with the note parsed from it and the caches of `serve`: an unchanged file's
    /// text is the very same, and copying a file costs a count.
    pub text: std::sync::Arc<str>,
}

/// What a note is about. The top folder under `content/` gives it unless `kind:` says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Source,
    Person,
    Organization,
    Event,
    Claim,
    Page,
}

impl Kind {
    pub(crate) const ALL: [Kind; 6] = [
        Kind::Source,
        Kind::Person,
        Kind::Organization,
        Kind::Event,
        Kind::Claim,
        Kind::Page,
    ];

    /// The kind a top folder implies (`sources/` → source), if any.
    pub(crate) fn from_folder(folder: &str) -> Option<Kind> {
        Some(match folder {
            "sources" => Kind::Source,
            "people" => Kind::Person,
            "organizations" => Kind::Organization,
            "events" => Kind::Event,
            "claims" => Kind::Claim,
            _ => return None,
        })
    }

    /// The URL folder of the kind's pages; pages keep their own folder.
    pub(crate) fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Source => "sources",
            Kind::Person => "people",
            Kind::Organization => "organizations",
            Kind::Event => "events",
            Kind::Claim => "claims",
            Kind::Page => return None,
        })
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Event => "event",
            Kind::Claim => "claim",
            Kind::Page => "page",
        }
    }

    /// The kind's plural, as a heading says it.
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Kind::Source => "Sources",
            Kind::Person => "People",
            Kind::Organization => "Organizations",
            Kind::Event => "Events",
            Kind::Claim => "Claims",
            Kind::Page => "Pages",
        }
    }

    pub(crate) fn is_entity(self) -> bool {
        matches!(self, Kind::Person | Kind::Organization)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fields every note may have.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Common {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub draft: bool,
    pub kind: Option<Kind>,
    /// On a translation: the hash of the original's body it was made from. A hash of digits
    /// alone reads as a number in YAML; it is taken as written.
    #[serde(deserialize_with = "string_or_number")]
    pub translated_from: Option<String>,
    /// Gaps of the integrity report the note owns up to, each with why it stays open
    /// (`one_source: Only the June report describes the emails.`). The report lists them
    /// apart, with the reason, and a `--strict` build accepts them.
    pub gaps: std::collections::BTreeMap<String, String>,
    /// When the note last changed in substance (`updated: 2024-07-01`), shown on its page.
    pub updated: Option<DateSpan>,
    /// The corrections published with the note, each dated, in the order written.
    pub corrections: Vec<Correction>,
}

/// A published correction: `{ date: 2026-12-04, text: An earlier version said … }`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub date: DateSpan,
    pub text: String,
}

/// Keys of [`Common`]; everything not known to the note's kind goes to `extra`.
pub(crate) const COMMON_KEYS: &[&str] = &[
    "title",
    "summary",
    "tags",
    "aliases",
    "draft",
    "kind",
    "translated_from",
    "gaps",
    "updated",
    "corrections",
];

/// A citation: `- source-id` or `{ source, at, quote }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "CiteRepr")]
pub struct Cite {
    pub source: String,
    /// Where in the source: `¶5`, `p. 2`, `00:14:30`.
    pub at: Option<String>,
    /// A short quotation from the source, shown marked as a quote.
    pub quote: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged, expecting = "a source id, or a map { source, at, quote }")]
enum CiteRepr {
    Id(String),
    Full {
        source: String,
        #[serde(default)]
        at: Option<String>,
        #[serde(default)]
        quote: Option<String>,
    },
}

impl From<CiteRepr> for Cite {
    fn from(r: CiteRepr) -> Self {
        match r {
            CiteRepr::Id(source) => Cite {
                source,
                at: None,
                quote: None,
            },
            CiteRepr::Full { source, at, quote } => Cite { source, at, quote },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceType {
    Primary,
    Secondary,
    Commentary,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Source {
    pub publisher: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub published: Option<DateSpan>,
    pub retrieved: Option<DateSpan>,
    /// BCP 47 tag of the source's own language (`en`, `zh-Hant`).
    pub language: Option<String>,
    /// The source this one translates.
    pub translation_of: Option<String>,
    pub translator: Option<String>,
    pub archive: Option<String>,
    #[serde(rename = "type")]
    pub source_type: Option<SourceType>,
    /// The source through which the dossier knows this one, when it was not read directly.
    pub via: Option<String>,
    /// The title in the source's own language, when `title` gives it in the dossier's.
    pub original_title: Option<String>,
    /// The file holding the source's text, in the texts folder: never published, read to
    /// verify the citations' paragraphs and quotations.
    pub text: Option<String>,
    /// How the text's paragraphs are numbered.
    pub paragraphs: Paragraphs,
}

/// How a source's paragraphs are numbered: `paragraphs: { skip: 1 }` starts after a headline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Paragraphs {
    /// How many paragraphs at the start (a headline) are not counted.
    pub skip: usize,
}

/// The source texts a build may read: the file names in the texts folder, with their texts.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    /// The folder, as the user named it (`texts`, `../seeds`); `None` when there is none.
    pub dir: Option<String>,
    pub files: std::collections::BTreeMap<String, std::sync::Arc<str>>,
}

pub(crate) const SOURCE_KEYS: &[&str] = &[
    "publisher",
    "author",
    "url",
    "published",
    "retrieved",
    "language",
    "translation_of",
    "translator",
    "archive",
    "type",
    "via",
    "original_title",
    "text",
    "paragraphs",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleType {
    Officer,
    Director,
    Chair,
    Founder,
    Owner,
    ControllingShareholder,
    Investor,
    Employee,
    Other,
}

/// A role a person or an organization holds in an organization, over a span of time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub org: String,
    pub role: String,
    #[serde(rename = "type")]
    pub role_type: RoleType,
    #[serde(default)]
    pub from: Option<DateSpan>,
    #[serde(default)]
    pub to: Option<DateSpan>,
    /// A stake, as written (`20.5%`, `0.25`).
    #[serde(default, deserialize_with = "string_or_number")]
    pub share: Option<String>,
    #[serde(default)]
    pub cites: Vec<Cite>,
}

/// A person or an organization.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Entity {
    pub name: Option<String>,
    pub roles: Vec<Role>,
}

pub(crate) const ENTITY_KEYS: &[&str] = &["name", "roles"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    pub amount: f64,
    pub currency: String,
    /// `>`, `<`, `~`: how the amount is bounded.
    #[serde(default)]
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    pub date: Option<DateSpan>,
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    pub actors: Vec<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub quantity: Option<Quantity>,
    pub value: Option<Money>,
    pub cites: Vec<Cite>,
    /// A hand-written note on a conflict of interest this event raises.
    pub conflict: Option<String>,
}

pub(crate) const EVENT_KEYS: &[&str] = &[
    "date", "type", "actors", "from", "to", "quantity", "value", "cites", "conflict",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimStatus {
    #[default]
    Reported,
    Confirmed,
    Disputed,
    Denied,
}

/// An answer to a claim: who answered, when, where.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Response {
    pub by: String,
    #[serde(default)]
    pub date: Option<DateSpan>,
    /// What the answer said, in the dossier's words.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub cites: Vec<Cite>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Claim {
    pub claimant: Option<String>,
    pub date: Option<DateSpan>,
    pub status: ClaimStatus,
    pub about: Vec<String>,
    pub cites: Vec<Cite>,
    pub contradicted_by: Vec<String>,
    pub responses: Vec<Response>,
}

pub(crate) const CLAIM_KEYS: &[&str] = &[
    "claimant",
    "date",
    "status",
    "about",
    "cites",
    "contradicted_by",
    "responses",
];

/// The fields that only some kinds have.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum KindData {
    Source(Source),
    Entity(Entity),
    Event(Event),
    Claim(Claim),
    Page,
}

impl Kind {
    /// The keys this kind understands beyond [`COMMON_KEYS`].
    pub(crate) fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Source => SOURCE_KEYS,
            Kind::Person | Kind::Organization => ENTITY_KEYS,
            Kind::Event => EVENT_KEYS,
            Kind::Claim => CLAIM_KEYS,
            Kind::Page => &[],
        }
    }
}

/// One note: a Markdown file under `content/` other than `_index.md`.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: String,
    pub kind: Kind,
    /// The language of a translation (`zh-Hant` from `note.zh-Hant.md`); `None` for an original.
    pub lang: Option<String>,
    /// Path relative to the dossier root (`content/people/elon-musk.md`).
    pub file: String,
    /// The folder under `content/` (`people`, `analysis/2024`, or empty).
    pub folder: String,
    /// The whole file, kept for diagnostics that point into it after parsing; shared, so that
    /// a note kept between rebuilds is copied cheaply. `dossier build` lets it go once the last
    /// such diagnostic is made ([`crate::graph::Dossier::let_texts_go`]).
    pub text: std::sync::Arc<str>,
    /// Byte offset of the YAML inside `text`.
    pub yaml_start: usize,
    /// Byte offset of the Markdown body inside `text`.
    pub body_start: usize,
    pub title: String,
    pub common: Common,
    pub data: KindData,
    /// Front-matter keys this kind does not know, for templates (`page.extra`).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// On a translation: the keys its front-matter writes, so the others can be taken from
    /// the original. Empty on an original.
    pub keys: Vec<String>,
    /// Hashes of the text, computed once when the file is parsed.
    pub digest: Digest,
}

/// What a note's text hashes to, for telling versions apart without comparing texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// The whole file.
    pub text: u64,
    /// The front-matter alone.
    pub front: u64,
    /// The body as translators record it (see [`hash::body_hash`]).
    pub body: String,
}

impl Digest {
    pub(crate) fn of(text: &str, body_start: usize) -> Digest {
        let quick = |s: &str| {
            let h = blake3::hash(s.as_bytes());
            u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or_default())
        };
        Digest {
            text: quick(text),
            front: quick(&text[..body_start]),
            body: hash::body_hash(&text[body_start..]),
        }
    }
}

pub(crate) use crate::frontmatter::PathSeg;

/// An id named in the front-matter, where it stands and what it must name.
#[derive(Debug, Clone)]
pub(crate) struct Reference<'a> {
    pub id: &'a str,
    pub path: Vec<PathSeg>,
    /// For a citation: the words it quotes, and where in the source.
    pub quote: Option<&'a str>,
    pub at: Option<&'a str>,
    /// The kinds the id may name; empty means any.
    pub expect: &'static [Kind],
}

impl<'a> Reference<'a> {
    /// A reference that is not a citation.
    fn named(id: &'a str, path: Vec<PathSeg>, expect: &'static [Kind]) -> Reference<'a> {
        Reference {
            id,
            path,
            quote: None,
            at: None,
            expect,
        }
    }
}

const ENTITIES: &[Kind] = &[Kind::Person, Kind::Organization];
const ORGS: &[Kind] = &[Kind::Organization];
const SOURCES: &[Kind] = &[Kind::Source];

impl Note {
    pub(crate) fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// Puts in a new text whose front-matter is the one the note was parsed from (the body
    /// alone changed), with its digest.
    pub(crate) fn set_text(&mut self, text: &std::sync::Arc<str>) {
        self.digest = Digest::of(text, self.body_start);
        self.text = text.clone();
    }

    /// Puts `empty` in place of the text, with the offsets into it at 0, so that what reads
    /// the text afterwards reads nothing rather than fails.
    pub(crate) fn let_text_go(&mut self, empty: &std::sync::Arc<str>) {
        self.text = empty.clone();
        self.yaml_start = 0;
        self.body_start = 0;
    }

    /// The note's date, if its kind has one: an event's or claim's `date`, a source's `published`.
    /// The latest of the note's own date, its `updated` and its corrections' dates: when the
    /// note last had news for a reader.
    pub(crate) fn last_changed(&self) -> Option<&DateSpan> {
        let c = &self.common;
        self.date()
            .into_iter()
            .chain(c.updated.as_ref())
            .chain(c.corrections.iter().map(|k| &k.date))
            .max_by_key(|d| d.order_key())
    }

    pub(crate) fn date(&self) -> Option<&DateSpan> {
        match &self.data {
            KindData::Event(e) => e.date.as_ref(),
            KindData::Claim(c) => c.date.as_ref(),
            KindData::Source(s) => s.published.as_ref(),
            _ => None,
        }
    }

    /// Every citation in the front-matter, in the order the page shows them: a role's, an
    /// event's or claim's own, then those of a claim's responses.
    pub(crate) fn cites(&self) -> Vec<&Cite> {
        match &self.data {
            KindData::Entity(e) => e.roles.iter().flat_map(|r| &r.cites).collect(),
            KindData::Event(e) => e.cites.iter().collect(),
            KindData::Claim(c) => c
                .cites
                .iter()
                .chain(c.responses.iter().flat_map(|r| &r.cites))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Every id this note's front-matter names, with its path.
    pub(crate) fn references(&self) -> Vec<Reference<'_>> {
        use PathSeg::{Index, Key};
        let mut out = Vec::new();
        fn cites<'n>(out: &mut Vec<Reference<'n>>, prefix: Vec<PathSeg>, list: &'n [Cite]) {
            for (i, c) in list.iter().enumerate() {
                let mut path = prefix.clone();
                path.extend([PathSeg::Key("cites"), PathSeg::Index(i)]);
                out.push(Reference {
                    id: &c.source,
                    path,
                    expect: SOURCES,
                    quote: c.quote.as_deref(),
                    at: c.at.as_deref(),
                });
            }
        }
        match &self.data {
            KindData::Source(s) => {
                if let Some(t) = &s.translation_of {
                    out.push(Reference::named(t, vec![Key("translation_of")], SOURCES));
                }
                if let Some(v) = &s.via {
                    out.push(Reference::named(v, vec![Key("via")], SOURCES));
                }
            }
            KindData::Entity(e) => {
                for (i, r) in e.roles.iter().enumerate() {
                    out.push(Reference::named(&r.org, vec![Key("roles"), Index(i), Key("org")], ORGS));
                    for (j, c) in r.cites.iter().enumerate() {
                        out.push(Reference {
                            id: &c.source,
                            path: vec![Key("roles"), Index(i), Key("cites"), Index(j)],
                            expect: SOURCES,
                            quote: c.quote.as_deref(),
                            at: c.at.as_deref(),
                        });
                    }
                }
            }
            KindData::Event(e) => {
                for (i, a) in e.actors.iter().enumerate() {
                    out.push(Reference::named(a, vec![Key("actors"), Index(i)], ENTITIES));
                }
                if let Some(f) = &e.from {
                    out.push(Reference::named(f, vec![Key("from")], ENTITIES));
                }
                if let Some(t) = &e.to {
                    out.push(Reference::named(t, vec![Key("to")], ENTITIES));
                }
                cites(&mut out, Vec::new(), &e.cites);
            }
            KindData::Claim(c) => {
                if let Some(by) = &c.claimant {
                    out.push(Reference::named(by, vec![Key("claimant")], ENTITIES));
                }
                for (i, a) in c.about.iter().enumerate() {
                    out.push(Reference::named(a, vec![Key("about"), Index(i)], &[]));
                }
                for (i, a) in c.contradicted_by.iter().enumerate() {
                    out.push(Reference::named(a, vec![Key("contradicted_by"), Index(i)], &[]));
                }
                cites(&mut out, Vec::new(), &c.cites);
                for (i, r) in c.responses.iter().enumerate() {
                    out.push(Reference::named(
                        &r.by,
                        vec![Key("responses"), Index(i), Key("by")],
                        ENTITIES,
                    ));
                    cites(&mut out, vec![Key("responses"), Index(i)], &r.cites);
                }
            }
            KindData::Page => {}
        }
        out
    }
}

pub(crate) fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number or a text such as 20.5%")
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// True for a valid note id: `[a-z0-9][a-z0-9-]*`.
pub fn is_valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("elon-musk"));
        assert!(is_valid_id("2024-q1-call"));
        assert!(!is_valid_id("Elon"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a_b"));
    }

    #[test]
    fn kinds_from_folders() {
        assert_eq!(Kind::from_folder("people"), Some(Kind::Person));
        assert_eq!(Kind::from_folder("analysis"), None);
        assert_eq!(Kind::Person.section(), Some("people"));
    }
}
pub mod hash;
pub mod parse;
