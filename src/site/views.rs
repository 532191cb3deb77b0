//! The views handed to templates: one struct per kind of page, and the parts they share.

use serde::Serialize;

use super::index::{Locale, Summary, SummaryValue};
use super::timeline::{ConflictView, Year};
use crate::date::DateSpan;
use crate::graph::links::{Backlink, Field};
use crate::graph::translations::Status;
use crate::graph::{Dossier, note_path};
use crate::markdown::{Citation, Heading};
use crate::model::{Cite, Correction, Kind, KindData, Note};

#[derive(Serialize)]
pub(super) struct LanguageView<'a> {
    pub(super) lang: &'a str,
    pub(super) name: &'a str,
}

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub(super) title: &'a str,
    /// The language of `title` and of `author`, when it is not the pages' (a setting not
    /// given in their language).
    pub(super) title_lang: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) author: Option<&'a str>,
    pub(super) author_lang: Option<&'a str>,
    pub(super) base_path: String,
    pub(super) base_url: String,
    /// The language of the pages being rendered, and the site's default.
    pub(super) lang: &'a str,
    pub(super) default_lang: &'a str,
    /// Every language of the site, the default first.
    pub(super) languages: Vec<LanguageView<'a>>,
    pub(super) extra: &'a serde_json::Map<String, serde_json::Value>,
    pub(super) generator: &'static str,
    /// Whether the site has a search index, and its pages a search box.
    pub(super) search: bool,
}

/// An entry of the page's numbered "Sources" list.
#[derive(Serialize)]
pub(super) struct SourceEntry<'a> {
    pub(super) n: usize,
    /// The source's id: `note(id=entry.source)` gives its title, publisher and date.
    pub(super) source: &'a str,
    pub(super) at: Option<&'a str>,
    pub(super) quote: Option<&'a str>,
    /// Ids of the superscripts in the body that cite this entry.
    pub(super) refs: &'a [String],
    /// The source's summary, as `note(id=entry.source)` gives it.
    pub(super) note: SummaryValue<'a>,
    /// The links back to each superscript: its id and the words that say where it leads.
    pub(super) backrefs: Vec<BackRef<'a>>,
}

#[derive(Serialize)]
pub(super) struct BackRef<'a> {
    pub(super) id: &'a str,
    /// "Back to citation 2 of source 5", in the page's language.
    pub(super) label: String,
}

#[derive(Serialize)]
pub(super) struct RoleHolderView<'a> {
    /// A [`Summary`].
    pub(super) holder: SummaryValue<'a>,
    pub(super) role: &'a crate::model::Role,
    pub(super) name: RoleName<'a>,
}

/// A role's name as a page shows it ([`role_name`]).
#[derive(Serialize)]
pub(crate) struct RoleName<'a> {
    /// The page's word for the role's type, when the name is written in another language.
    pub(crate) label: Option<&'a str>,
    /// The name as written, with its share (`shareholder (20.5%)`, or `shareholder, 20.5%`
    /// beside a label).
    pub(crate) text: String,
    /// The language `text` is written in, when it is not the page's.
    pub(crate) lang: Option<&'a str>,
}

/// How a page in `loc`'s language names `role`, written in language `written_in`: as written
/// when that is the page's language; else by the page's word for its type, the words as
/// written beside it, marked with their language.
pub(crate) fn role_name<'a>(loc: &Locale<'a>, role: &'a crate::model::Role, written_in: &'a str) -> RoleName<'a> {
    let other = written_in != loc.lang;
    // Beside the page's word, in brackets already, the share follows the name after a comma.
    let text = match (&role.share, other) {
        (Some(share), true) => format!("{}, {share}", role.role),
        (Some(share), false) => format!("{}{}", role.role, loc.words.bracketed(share)),
        (None, _) => role.role.clone(),
    };
    RoleName {
        label: other.then(|| loc.words.get(role_type_key(role.role_type))),
        text,
        lang: other.then_some(written_in),
    }
}

fn role_type_key(t: crate::model::RoleType) -> &'static str {
    use crate::model::RoleType::*;
    match t {
        Officer => "role_type_officer",
        Director => "role_type_director",
        Chair => "role_type_chair",
        Founder => "role_type_founder",
        Owner => "role_type_owner",
        ControllingShareholder => "role_type_controlling_shareholder",
        Investor => "role_type_investor",
        Employee => "role_type_employee",
        Other => "role_type_other",
    }
}

/// A role of this page's person or organization, with the numbers of its sources.
#[derive(Serialize)]
pub(super) struct RoleView<'a> {
    #[serde(flatten)]
    pub(super) role: &'a crate::model::Role,
    pub(super) name: RoleName<'a>,
    /// Numbers in the page's "Sources" list.
    pub(super) sources: Vec<usize>,
}

/// A response to this page's claim, with the numbers of its sources.
#[derive(Serialize)]
pub(super) struct ResponseView<'a> {
    #[serde(flatten)]
    pub(super) response: &'a crate::model::Response,
    pub(super) sources: Vec<usize>,
}

/// How a note names this one, in the page's words.
#[derive(Serialize)]
pub(super) struct MentionView<'a> {
    pub(super) context: Option<&'a crate::links::Context>,
    /// The front-matter field that names the note, in words (`for the role CEO at Tesla`).
    pub(super) field: Option<String>,
    pub(super) at: Option<&'a str>,
    pub(super) quote: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct BacklinkView<'a> {
    /// A [`Summary`].
    pub(super) note: SummaryValue<'a>,
    pub(super) mentions: Vec<MentionView<'a>>,
}

/// Backlinks of one kind.
#[derive(Serialize)]
pub(super) struct BacklinkGroup<'a> {
    pub(super) kind: Kind,
    /// The kind's plural, for a heading (`Events`).
    pub(super) label: &'a str,
    pub(super) items: Vec<BacklinkView<'a>>,
}

#[derive(Serialize)]
pub(super) struct InvolvementView<'a> {
    /// A [`Summary`].
    pub(super) note: SummaryValue<'a>,
    /// As what: `actor`, `from`, `to`, `claimant`, `subject`, `responded`, in words.
    pub(super) roles: Vec<&'a str>,
}

pub(super) fn field_words(loc: &Locale<'_>, f: &Field) -> String {
    let w = loc.words;
    let title = |i: &Option<usize>| i.map(|i| loc.title(i).to_string());
    match f {
        Field::TranslatesIt => w.get("mention_translates").into(),
        Field::KnownThrough => w.get("mention_via").into(),
        Field::Role { role, org } => match title(org) {
            Some(org) => w.fmt("mention_role_at", &[("role", role), ("org", &org)]),
            None => w.fmt("mention_role", &[("role", role)]),
        },
        Field::Event => w.get("mention_event").into(),
        Field::Claim => w.get("mention_claim").into(),
        Field::Response { by } => match title(by) {
            Some(by) => w.fmt("mention_response_of", &[("by", &by)]),
            None => w.get("mention_response").into(),
        },
        Field::About => w.get("mention_about").into(),
        Field::Contradicts => w.get("mention_contradicts").into(),
    }
}

/// The key of the words for a part in an event or claim (`actor` → `as_actor`).
pub(super) fn as_key(role: &str) -> &'static str {
    match role {
        "actor" => "as_actor",
        "from" => "as_from",
        "to" => "as_to",
        "claimant" => "as_claimant",
        "subject" => "as_subject",
        _ => "as_responded",
    }
}

pub(super) fn plural_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Source => "sources",
        Kind::Person => "people",
        Kind::Organization => "organizations",
        Kind::Event => "events",
        Kind::Claim => "claims",
        Kind::Page => "pages",
    }
}

/// The backlinks or citing notes of `list` but those in `skip` (sorted), by kind.
pub(super) fn group<'a>(loc: &Locale<'a>, list: &'a [Backlink], skip: &[usize]) -> Vec<BacklinkGroup<'a>> {
    let dossier = loc.dossier;
    let mut groups: Vec<BacklinkGroup<'a>> = Vec::new();
    for b in list.iter().filter(|b| skip.binary_search(&b.from).is_err()) {
        let note = &dossier.notes[b.from];
        let view = BacklinkView {
            note: loc.summary_value(note),
            mentions: b
                .mentions
                .iter()
                .map(|m| MentionView {
                    context: m.context.as_deref(),
                    field: m.field().map(|f| field_words(loc, f)),
                    at: m.at(),
                    quote: m.quote(),
                })
                .collect(),
        };
        match groups.last_mut() {
            // Notes are sorted by kind, so one pass groups them.
            Some(g) if g.kind == note.kind => g.items.push(view),
            _ => groups.push(BacklinkGroup {
                kind: note.kind,
                label: loc.words.get(plural_key(note.kind)),
                items: vec![view],
            }),
        }
    }
    groups
}

/// The numbers under which a list of front-matter citations appears in the page's sources.
pub(super) fn numbers(cites: &[Cite], entries: &[Citation], dossier: &Dossier) -> Vec<usize> {
    cites
        .iter()
        .filter_map(|c| {
            let s = dossier.by_id.get(&c.source)?;
            entries.iter().find(|e| e.source == *s && e.at == c.at).map(|e| e.n)
        })
        .collect()
}

/// One language version of a page, for the switcher and the `hreflang` links.
#[derive(Serialize, Clone)]
pub(super) struct Alternate<'a> {
    pub(super) lang: &'a str,
    pub(super) name: &'a str,
    /// Below the base path (`zh-hant/events/x/`); `None` when the page has no version in
    /// this language.
    pub(super) path: Option<String>,
    pub(super) url: Option<String>,
    /// This is the page being rendered.
    pub(super) current: bool,
}

pub(super) fn alternates<'a>(
    config: &'a crate::config::Config,
    current: &str,
    local: &str,
    has: impl Fn(&str) -> bool,
) -> Vec<Alternate<'a>> {
    let base_path = config.base_path();
    config
        .languages()
        .into_iter()
        .map(|lang| {
            let path = has(lang).then(|| format!("{}{local}", config.lang_prefix(lang)));
            Alternate {
                lang,
                name: config.lang_name(lang),
                url: path.as_ref().map(|p| format!("{base_path}{p}")),
                path,
                current: lang == current,
            }
        })
        .collect()
}

/// On a translated page: how it stands against its original.
#[derive(Serialize)]
pub(super) struct TranslationView<'a> {
    pub(super) status: Status,
    pub(super) original_url: String,
    pub(super) original_lang: &'a str,
    pub(super) original_lang_name: &'a str,
    /// The page showing the two side by side.
    pub(super) side_by_side_url: String,
}

#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub(super) id: &'a str,
    pub(super) kind: Kind,
    pub(super) title: &'a str,
    pub(super) url: String,
    /// The page's path below the base path, its language's folder included, for canonical
    /// and `hreflang` links (`zh-hant/events/x/`).
    pub(super) path: String,
    /// The path without the language's folder (`events/x/`), the same in every language.
    pub(super) local: String,
    /// The language the page is in.
    pub(super) lang: &'a str,
    /// The page in each of the site's languages.
    pub(super) alternates: Vec<Alternate<'a>>,
    /// On a translation: its state and its original.
    pub(super) translation: Option<TranslationView<'a>>,
    pub(super) file: &'a str,
    pub(super) summary: Option<&'a str>,
    /// When the note last changed in substance, and its published corrections.
    pub(super) updated: Option<&'a DateSpan>,
    pub(super) corrections: &'a [Correction],
    /// The corrections' language, when they are the original's shown on a translation.
    pub(super) corrections_lang: Option<&'a str>,
    /// The gaps of the integrity report the note explains, with why they stay open.
    pub(super) gaps: Vec<NoteGap<'a>>,
    pub(super) tags: &'a [String],
    pub(super) aliases: &'a [String],
    /// The aliases with their language where it is not the page's (a Chinese name on an
    /// English page), for a reader's screen reader and fonts.
    pub(super) alias_names: Vec<Words<'a>>,
    /// An event's `type`, in the page's words when the strings have it.
    pub(super) event_type: Option<Words<'a>>,
    pub(super) date: Option<&'a DateSpan>,
    /// The rendered body (trusted HTML: print it with `| safe`).
    pub(super) body: &'a str,
    /// The body holds a code block: the page loads `syntax.css`.
    pub(super) has_code: bool,
    pub(super) toc: &'a [Heading],
    /// The kind's own fields, with ids as written; look them up with `note(id=…)`.
    pub(super) fields: &'a KindData,
    pub(super) extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The numbered "Sources" list: the front-matter's citations, then the body's.
    pub(super) sources: Vec<SourceEntry<'a>>,
    /// That list as [`write_sources`](super::lists::write_sources) writes it, for templates to
    /// print; `sources` is left empty while no template is overridden.
    pub(super) sources_html: Option<String>,
    /// A person's or organization's roles, with the numbers of their sources.
    pub(super) roles: Vec<RoleView<'a>>,
    /// A claim's responses, with the numbers of their sources.
    pub(super) responses: Vec<ResponseView<'a>>,
    /// Notes that cite this one (a source), grouped by kind, with locators and sentences.
    pub(super) cited_by: Vec<BacklinkGroup<'a>>,
    /// Notes that link to this one, grouped by kind, with the sentence around each link.
    pub(super) backlinks: Vec<BacklinkGroup<'a>>,
    /// `cited_by` and `backlinks` as [`write_mentions`](super::lists::write_mentions) writes
    /// them, for templates to print; the two lists of values are left empty while no template
    /// is overridden.
    pub(super) cited_by_html: Option<String>,
    pub(super) backlinks_html: Option<String>,
    /// Roles held in this organization.
    pub(super) role_holders: Vec<RoleHolderView<'a>>,
    /// Events and claims naming this person or organization, and as what.
    pub(super) involved_in: Vec<InvolvementView<'a>>,
    /// Computed conflicts of interest: of this event, or that concern this person or
    /// organization.
    pub(super) conflicts: Vec<ConflictView<'a>>,
    /// For a source: the sources that translate it.
    pub(super) translated_as: Vec<Summary<'a>>,
    /// For a source with a `language`: that language's name (`繁體中文`), or its tag when the
    /// site does not list it.
    pub(super) language_name: Option<&'a str>,
}

/// The counts of one language on `/translations/`.
#[derive(Serialize)]
pub(super) struct LangCounts<'a> {
    pub(super) lang: &'a str,
    pub(super) name: &'a str,
    pub(super) up_to_date: usize,
    pub(super) stale: usize,
    pub(super) unrecorded: usize,
    pub(super) missing: usize,
    pub(super) total: usize,
}

/// One note on `/translations/`, in each language.
#[derive(Serialize)]
pub(super) struct TranslationRow<'a> {
    /// A [`Summary`].
    pub(super) note: SummaryValue<'a>,
    pub(super) cells: Vec<TranslationCell<'a>>,
}

#[derive(Serialize)]
pub(super) struct TranslationCell<'a> {
    pub(super) lang: &'a str,
    pub(super) status: Status,
    pub(super) url: Option<String>,
    pub(super) side_by_side_url: Option<String>,
}

/// One row of a side-by-side page: a block of the original and the block of the translation
/// in the same place.
#[derive(Serialize)]
pub(super) struct BlockPair {
    pub(super) original: String,
    pub(super) translation: String,
}

/// A block of a body shown away from its page: its ids are dropped (the page would have each
/// twice), and its links within the page (`#cite-1`, `#roles`) and relative links
/// (`../../integrity/`) lead where they lead from the page.
pub(super) fn detach(block: &str, page_url: &str) -> String {
    let mut out = String::with_capacity(block.len() + 64);
    let mut rest = block;
    loop {
        let id = rest.find(" id=\"");
        let href = rest.find(" href=\"");
        match (id, href) {
            (Some(i), h) if h.is_none_or(|h| i < h) => {
                out.push_str(&rest[..i]);
                let after = &rest[i + 5..];
                rest = after.find('"').map_or("", |e| &after[e + 1..]);
            }
            (_, Some(h)) => {
                out.push_str(&rest[..h + 7]);
                rest = &rest[h + 7..];
                let url = &rest[..rest.find('"').unwrap_or(rest.len())];
                let absolute = url.starts_with('/') || url.split_once(':').is_some_and(|(s, _)| !s.contains('/'));
                if !absolute {
                    // The page's URL starts with the base path, which the settings give.
                    let _ = pulldown_cmark_escape::escape_href(&mut out, page_url);
                }
            }
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

#[derive(Serialize, Default)]
pub(super) struct ListView<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) path: String,
    pub(super) local: String,
    pub(super) lang: &'a str,
    pub(super) alternates: Vec<Alternate<'a>>,
    pub(super) kind: &'a str,
    pub(super) body: &'a str,
    pub(super) toc: &'a [Heading],
    /// The body's language, when it is not the page's (a home page not yet translated).
    pub(super) body_lang: Option<&'a str>,
    /// For /timeline/: the years, the picture (trusted SVG) and every conflict.
    pub(super) years: Vec<Year<'a>>,
    pub(super) svg: Option<String>,
    /// For /conflicts/ and /timeline/: every computed conflict, and the events whose
    /// conflict is only written by hand.
    pub(super) conflicts: Vec<ConflictView<'a>>,
    pub(super) noted: Vec<Summary<'a>>,
    /// For /translations/: counts per language and a row per note.
    pub(super) languages: Vec<LangCounts<'a>>,
    pub(super) rows: Vec<TranslationRow<'a>>,
    /// For a side-by-side page: the note, its original's language, and the pairs of blocks.
    pub(super) note: Option<Summary<'a>>,
    pub(super) original: Option<Summary<'a>>,
    pub(super) original_lang: Option<&'a str>,
    /// For a side-by-side page: a body holds a code block.
    pub(super) has_code: bool,
    pub(super) pairs: Vec<BlockPair>,
    pub(super) translation: Option<TranslationView<'a>>,
    /// For /integrity/: a section per kind of gap, each with its notes, then the gaps notes
    /// explain, with their reasons.
    pub(super) gaps: Vec<GapSection<'a>>,
    pub(super) explained: Vec<GapItem<'a>>,
    /// For /integrity/: how many sources were verified against their texts.
    pub(super) verified: Option<crate::graph::verify::Summary>,
    /// For /corrections/: each corrected note, the most recently corrected first.
    pub(super) corrected: Vec<CorrectedView<'a>>,
}

/// A gap a note explains: its kind (`one_source`), the reason, and the reason's language
/// when it is not the page's (a translation that does not explain its gaps shows its
/// original's reasons).
#[derive(Serialize)]
pub(super) struct NoteGap<'a> {
    pub(super) kind: &'a str,
    pub(super) reason: &'a str,
    pub(super) lang: Option<&'a str>,
}

/// Words (an alias, an event's type), and their language when it is not the page's.
#[derive(Serialize)]
pub(super) struct Words<'a> {
    pub(super) text: &'a str,
    pub(super) lang: Option<&'a str>,
}

/// A note on `/corrections/`, with its corrections.
#[derive(Serialize)]
pub(super) struct CorrectedView<'a> {
    pub(super) note: Summary<'a>,
    pub(super) corrections: &'a [Correction],
    /// Their language, when it is not the page's.
    pub(super) lang: Option<&'a str>,
}

/// One kind of gap on `/integrity/`, with every note that has it.
#[derive(Serialize)]
pub(super) struct GapSection<'a> {
    /// `uncited`, `one_source`, … (the interface strings `integrity_KIND` and
    /// `integrity_KIND_help` say what it means).
    pub(super) kind: &'static str,
    pub(super) items: Vec<GapItem<'a>>,
}

#[derive(Serialize)]
pub(super) struct GapItem<'a> {
    pub(super) kind: &'static str,
    pub(super) note: Summary<'a>,
    /// Why the gap stays open, when its note explains it: in the page's language where the
    /// note's translation says it, else in `reason_lang`.
    pub(super) reason: Option<&'a str>,
    pub(super) reason_lang: Option<&'a str>,
    /// For a translation: the language's tag and name.
    pub(super) lang: Option<&'a str>,
    pub(super) lang_name: Option<&'a str>,
    /// The sources a claim rests on, when there are too few or only indirect ones.
    pub(super) sources: Vec<Summary<'a>>,
}

/// The path of a side-by-side page below the language's folder.
pub(super) fn side_by_side_path(note: &Note) -> String {
    format!("{}side-by-side/", note_path(note))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn detached_blocks_lose_their_ids_and_link_back() {
        let html = r##"<h2 id="roles">Roles <a class="anchor" href="#roles">#</a></h2><p>x<sup class="cite">[<a href="#cite-1" id="cite-ref-1-1">1</a>]</sup> <a href="https://e.org/#a">e</a></p>"##;
        assert_eq!(
            detach(html, "/p/"),
            r##"<h2>Roles <a class="anchor" href="/p/#roles">#</a></h2><p>x<sup class="cite">[<a href="/p/#cite-1">1</a>]</sup> <a href="https://e.org/#a">e</a></p>"##
        );
    }
    #[test]
    fn a_detached_block_keeps_where_its_relative_links_lead() {
        let html = r##"<p><a href="../../integrity/">i</a> <a href="/abs/">a</a> <a href="mailto:x@e.org">m</a></p>"##;
        assert_eq!(
            detach(html, "/h/zh/analysis/summary/"),
            r##"<p><a href="/h/zh/analysis/summary/../../integrity/">i</a> <a href="/abs/">a</a> <a href="mailto:x@e.org">m</a></p>"##
        );
    }

    #[test]
    fn a_detached_block_escapes_the_page_url() {
        let html = r##"<p>x<sup class="cite">[<a href="#cite-1">1</a>]</sup></p>"##;
        let out = detach(html, "/x\"><s>/p/");
        assert!(!out.contains("<s>") && !out.contains("x\">"), "{out}");
    }
}
