//! The dossier as one linked whole: the single owner of all notes and of the indexes derived
//! from them. Everything downstream (Markdown, templates, JSON export) borrows from it.
//!
//! [`build`] never stops at the first problem: it resolves every reference of every note and
//! returns all diagnostics together, each pointing at the place the reference is written.

use std::collections::{BTreeMap, HashMap, HashSet};

pub mod conflicts;
pub mod integrity;
pub mod links;
pub mod translations;
pub mod verify;

use crate::config::SiteIndex;
use crate::diag::{Diagnostic, did_you_mean};
use crate::frontmatter;
use crate::model::parse::{Parsed, Unreadable};
use crate::model::{Kind, KindData, Note};

/// URL folders the site generates itself; a page note may not take one of them.
pub(crate) const RESERVED_PATHS: &[&str] = &[
    "sources/",
    "people/",
    "organizations/",
    "entities/",
    "events/",
    "claims/",
    "timeline/",
    "conflicts/",
    "translations/",
    "integrity/",
];

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GraphOptions {
    /// Publish notes marked `draft: true`.
    pub drafts: bool,
    /// A stale translation is an error, not a warning.
    pub strict: bool,
}

/// A role held in an organization: the holder's index and the role's index in its `roles`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RoleRef {
    pub holder: usize,
    pub role: usize,
}

pub(crate) struct Dossier {
    pub site: SiteIndex,
    /// Published original notes, sorted by kind and id.
    pub notes: Vec<Note>,
    /// Translations (`note.LANG.md`), sorted by id and language, each with the facts of its
    /// original it does not write itself.
    pub translations: Vec<Note>,
    /// Which note exists in which language, and how up to date.
    pub translated: translations::Translations,
    pub by_id: crate::IdMap<usize>,
    /// For each organization, the roles held in it.
    pub role_holders: Vec<Vec<RoleRef>>,
    /// Notes left out because they are drafts: (id, file).
    pub drafts: Vec<(String, String)>,
    /// Files that could not be read as notes. The ids of the originals among them are known,
    /// and a reference to one is not reported again.
    pub unreadable: Vec<Unreadable>,
}

impl Dossier {
    /// For each note, the sources that translate it (`translation_of`), in note order.
    pub(crate) fn translated_as(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.notes.len()];
        for (i, n) in self.notes.iter().enumerate() {
            if let crate::model::KindData::Source(s) = &n.data
                && let Some(&o) = s.translation_of.as_deref().and_then(|id| self.by_id.get(id))
            {
                out[o].push(i);
            }
        }
        out
    }

    /// Lets the texts of the notes' and translations' files go: a build that makes its pages
    /// from what was parsed, and has made every diagnostic that points into the files, need
    /// not hold them while it does. Afterwards each text is empty.
    pub(crate) fn let_texts_go(&mut self) {
        let empty: std::sync::Arc<str> = std::sync::Arc::from("");
        for note in self.notes.iter_mut().chain(self.translations.iter_mut()) {
            note.let_text_go(&empty);
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Note> {
        self.by_id.get(id).map(|&i| &self.notes[i])
    }

    pub(crate) fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (usize, &Note)> {
        self.notes.iter().enumerate().filter(move |(_, n)| n.kind == kind)
    }
}

/// The path of a note's page below the base path (`people/elon-musk/`).
pub(crate) fn note_path(note: &Note) -> String {
    match note.kind.section() {
        Some(section) => format!("{section}/{}/", note.id),
        None if note.folder.is_empty() => format!("{}/", note.id),
        None => format!("{}/{}/", note.folder, note.id),
    }
}

fn kind_list(kinds: &[Kind]) -> String {
    let article = |k: &Kind| {
        if matches!(k, Kind::Organization | Kind::Event) {
            "an"
        } else {
            "a"
        }
    };
    let named: Vec<String> = kinds.iter().map(|k| format!("{} {k}", article(k))).collect();
    named.join(" or ")
}

/// Links the notes into a dossier and checks every reference between them.
pub(crate) fn build(site: SiteIndex, parsed: Parsed, opts: GraphOptions) -> (Dossier, Vec<Diagnostic>) {
    let (dossier, mut diags, stale) = build_parts(site, parsed, opts);
    diags.extend(stale);
    (dossier, diags)
}

/// [`build`], with the problems of the notes and their links apart from the warnings about
/// stale translations, which depend on the bodies alone (see [`Dossier::retranslate`]).
pub(crate) fn build_parts(
    site: SiteIndex,
    parsed: Parsed,
    opts: GraphOptions,
) -> (Dossier, Vec<Diagnostic>, Vec<Diagnostic>) {
    let _span = tracing::info_span!("graph").entered();
    let Parsed { notes, unreadable } = parsed;
    let mut diags = Vec::new();
    let Sorted {
        mut originals,
        mut translations,
        drafts,
        mut draft_files,
    } = sort_out(notes, opts);
    let by_id = keep_first_of_each_id(&mut originals, &mut diags);
    check_paths(&site, &originals, &mut diags);
    check_aliases(&originals, &by_id, &mut diags);
    let known = Known {
        originals: &originals,
        by_id: &by_id,
        drafts: &drafts,
        unreadable: unreadable
            .iter()
            .filter(|u| !u.translation)
            .map(|u| u.id.as_str())
            .collect(),
    };
    let mut seen = HashSet::new();
    translations.retain(|t| keep_translation(t, &known, &site.config, &mut seen, &mut draft_files, &mut diags));
    let role_holders = check_references(&known, &translations, &mut diags);
    for t in translations.iter_mut() {
        if let Some(&o) = by_id.get(&t.id) {
            translations::inherit(t, &originals[o]);
        }
    }
    let mut stale = Vec::new();
    let translated = translation_states(&site, &originals, &translations, &by_id, opts.strict, &mut stale);
    let dossier = Dossier {
        site,
        notes: originals,
        translations,
        translated,
        by_id,
        role_holders,
        drafts: draft_files,
        unreadable,
    };
    (dossier, diags, stale)
}

/// The notes of a build, sorted out: originals by kind and id, translations by id and
/// language, and the drafts left out.
struct Sorted {
    originals: Vec<Note>,
    translations: Vec<Note>,
    /// The ids of the originals left out as drafts.
    drafts: HashSet<String>,
    /// Every file left out as a draft: (id, file).
    draft_files: Vec<(String, String)>,
}

fn sort_out(parsed: Vec<Note>, opts: GraphOptions) -> Sorted {
    let mut drafts: HashSet<String> = HashSet::new();
    let mut draft_files = Vec::new();
    let mut originals = Vec::new();
    let mut translations = Vec::new();
    for note in parsed {
        if note.common.draft && !opts.drafts {
            if note.lang.is_none() {
                drafts.insert(note.id.clone());
            }
            draft_files.push((note.id, note.file));
            continue;
        }
        if note.lang.is_some() {
            translations.push(note)
        } else {
            originals.push(note)
        }
    }
    originals.sort_by(|a, b| (a.kind, &a.id, &a.file).cmp(&(b.kind, &b.id, &b.file)));
    translations.sort_by(|a, b| (&a.id, &a.lang, &a.file).cmp(&(&b.id, &b.lang, &b.file)));
    Sorted {
        originals,
        translations,
        drafts,
        draft_files,
    }
}

/// Ids are unique across the dossier: the first file (by path) keeps the id, the others are
/// reported and left out. Returns the index of each id.
fn keep_first_of_each_id(originals: &mut Vec<Note>, diags: &mut Vec<Diagnostic>) -> crate::IdMap<usize> {
    let mut by_id: crate::IdMap<usize> = crate::IdMap::with_capacity_and_hasher(originals.len(), Default::default());
    let mut first_file: BTreeMap<&str, &str> = BTreeMap::new();
    let mut sorted_by_file: Vec<usize> = (0..originals.len()).collect();
    sorted_by_file.sort_by(|&a, &b| originals[a].file.cmp(&originals[b].file));
    let mut duplicate = vec![false; originals.len()];
    for &i in &sorted_by_file {
        let n = &originals[i];
        if let Some(first) = first_file.get(n.id.as_str()) {
            diags.push(
                Diagnostic::error(&n.file, format!("duplicate id `{}`: {first} already uses it", n.id))
                    .at(&n.text, 1, 1, 1)
                    .with_help(
                        "ids come from file names and must be unique across the dossier; rename one of the two files",
                    ),
            );
            duplicate[i] = true;
        } else {
            first_file.insert(&n.id, &n.file);
        }
    }
    let mut keep = duplicate.iter().map(|d| !d);
    originals.retain(|_| keep.next().unwrap_or(true));
    for (i, n) in originals.iter().enumerate() {
        by_id.insert(n.id.clone(), i);
    }
    by_id
}

/// Two notes may not be published at the same URL, nor over a page the site makes itself.
fn check_paths(site: &SiteIndex, originals: &[Note], diags: &mut Vec<Diagnostic>) {
    let mut paths: HashMap<String, usize> = HashMap::with_capacity(originals.len());
    for (i, n) in originals.iter().enumerate() {
        let path = note_path(n);
        let first = path.split('/').next().unwrap_or("");
        let lang_folder = site
            .config
            .languages()
            .into_iter()
            .skip(1)
            .find(|l| l.to_ascii_lowercase() == first);
        if let Some(lang) = lang_folder {
            diags.push(
                Diagnostic::error(
                    &n.file,
                    format!("this page would be published in /{first}/, the folder of the language `{lang}`"),
                )
                .at(&n.text, 1, 1, 1)
                .with_help(
                    "move the file to another folder; to translate a note, name it `note.LANG.md` beside the original",
                ),
            );
        } else if RESERVED_PATHS.contains(&path.as_str()) {
            diags.push(
                Diagnostic::error(
                    &n.file,
                    format!("this page would be published at /{path}, which the site uses for its own list"),
                )
                .at(&n.text, 1, 1, 1)
                .with_help("rename the file or move it into a folder"),
            );
        } else if let Some(&j) = paths.get(&path) {
            diags.push(
                Diagnostic::error(
                    &n.file,
                    format!("this page would be published at /{path}, like {}", originals[j].file),
                )
                .at(&n.text, 1, 1, 1)
                .with_help("rename or move one of the two files"),
            );
        } else {
            paths.insert(path, i);
        }
    }
}

/// What references are checked against: the published originals by id, the drafts, and the
/// ids of files that could not be read (already reported).
struct Known<'a> {
    originals: &'a [Note],
    by_id: &'a crate::IdMap<usize>,
    drafts: &'a HashSet<String>,
    unreadable: HashSet<&'a str>,
}

/// Whether a translation is kept: it needs an original of the same kind, in a language the
/// site has, and one file per note and language. The translation of a draft goes with it.
fn keep_translation(
    t: &Note,
    known: &Known,
    config: &crate::config::Config,
    seen: &mut HashSet<(String, String)>,
    draft_files: &mut Vec<(String, String)>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    // The translation of a draft is left out with it.
    if known.drafts.contains(&t.id) {
        draft_files.push((t.id.clone(), t.file.clone()));
        return false;
    }
    let original = known.by_id.get(&t.id).map(|&i| &known.originals[i]);
    if original.is_none() && known.unreadable.contains(t.id.as_str()) {
        return false;
    }
    if let Some(d) = translations::invalid(t, original, config) {
        diags.push(d);
        return false;
    }
    let lang = t.lang.clone().unwrap_or_default();
    if !seen.insert((t.id.clone(), lang.clone())) {
        diags.push(
            Diagnostic::error(&t.file, format!("`{}` already has a translation into {lang}", t.id))
                .at(&t.text, 1, 1, 3)
                .with_help("keep one translation per note and language; remove or rename this file"),
        );
        return false;
    }
    true
}

/// Every id named in the front-matter must exist and be of the right kind. Returns the roles
/// held in each organization.
fn check_references(known: &Known, translations: &[Note], diags: &mut Vec<Diagnostic>) -> Vec<Vec<RoleRef>> {
    let originals = known.originals;
    let mut role_holders = vec![Vec::new(); originals.len()];
    for (i, note) in originals.iter().chain(translations.iter()).enumerate() {
        let is_original = i < originals.len();
        diags.extend(integrity::unknown_explanations(note));
        for r in note.references() {
            if let Some(q) = r.quote {
                diags.extend(long_quote(note, &r.path, q));
            }
            let target = match known.by_id.get(r.id) {
                Some(&t) => t,
                None if known.unreadable.contains(r.id) => continue,
                None => {
                    diags.push(unknown_reference(note, &r, originals, known.drafts));
                    continue;
                }
            };
            let kind = originals[target].kind;
            if !r.expect.is_empty() && !r.expect.contains(&kind) {
                let (line, col, width) = frontmatter::locate(&note.text, note.yaml_start, &r.path).unwrap_or((1, 1, 1));
                diags.push(
                    Diagnostic::error(
                        &note.file,
                        format!(
                            "`{}` is {}, but this field must name {}",
                            r.id,
                            kind_list(&[kind]),
                            kind_list(r.expect)
                        ),
                    )
                    .at(&note.text, line, col, width)
                    .with_help(format!("name {} here", kind_list(r.expect))),
                );
                continue;
            }
        }
        if let (true, KindData::Entity(e)) = (is_original, &note.data) {
            for (ri, role) in e.roles.iter().enumerate() {
                if let Some(&org) = known.by_id.get(&role.org)
                    && originals[org].kind == Kind::Organization
                {
                    role_holders[org].push(RoleRef { holder: i, role: ri });
                }
            }
        }
    }
    role_holders
}

impl Dossier {
    /// Puts a new text into the note or translation made from `file`, whose front-matter must
    /// be the one it was parsed with (so that nothing else about the note changes). Returns
    /// false when no published note comes from `file`, or its front-matter differs.
    pub(crate) fn replace_body(&mut self, file: &str, text: &std::sync::Arc<str>) -> bool {
        let note = self
            .notes
            .iter_mut()
            .chain(self.translations.iter_mut())
            .find(|n| n.file == file);
        let Some(note) = note else { return false };
        if !text.starts_with(&note.text[..note.body_start]) {
            return false;
        }
        note.set_text(text);
        true
    }

    /// Works out again which translations are stale, after bodies changed; returns the
    /// warnings (errors with `strict`) about them.
    pub(crate) fn retranslate(&mut self, strict: bool) -> Vec<Diagnostic> {
        let mut stale = Vec::new();
        self.translated = translation_states(
            &self.site,
            &self.notes,
            &self.translations,
            &self.by_id,
            strict,
            &mut stale,
        );
        stale
    }
}

/// The state of every note in every language other than the default, with a warning for each
/// translation (the home page's included) made from an earlier version of its original.
fn translation_states(
    site: &SiteIndex,
    notes: &[Note],
    translations: &[Note],
    by_id: &crate::IdMap<usize>,
    strict: bool,
    diags: &mut Vec<Diagnostic>,
) -> translations::Translations {
    use crate::model::hash::body_hash;
    use translations::{State, Status, stale_diagnostic, status};
    let hashes: Vec<String> = notes.iter().map(|n| n.digest.body.clone()).collect();
    let mut by_lang: BTreeMap<String, Vec<State>> = BTreeMap::new();
    for lang in site.config.languages().into_iter().skip(1) {
        let states = (0..notes.len())
            .map(|note| State {
                note,
                translation: None,
                status: Status::Missing,
            })
            .collect();
        by_lang.insert(lang.to_string(), states);
    }
    for (k, t) in translations.iter().enumerate() {
        let (Some(&i), Some(lang)) = (by_id.get(&t.id), t.lang.as_deref()) else {
            continue;
        };
        let recorded = t.common.translated_from.as_deref();
        if let Some(state) = by_lang.get_mut(lang).and_then(|s| s.get_mut(i)) {
            state.translation = Some(k);
            state.status = status(recorded, &hashes[i]);
        }
        diags.extend(stale_diagnostic(
            &t.file,
            &t.text,
            t.yaml_start,
            &notes[i].file,
            recorded,
            &hashes[i],
            strict,
        ));
    }
    let home = body_hash(site.home_body());
    for h in &site.translations {
        diags.extend(stale_diagnostic(
            &h.file,
            &h.text,
            h.yaml_start,
            &site.file,
            h.translated_from.as_deref(),
            &home,
            strict,
        ));
    }
    translations::Translations { by_lang, hashes }
}

/// An alias is a second name for one note: two notes may not share one, and no alias may be
/// another note's id.
fn check_aliases(notes: &[Note], by_id: &crate::IdMap<usize>, diags: &mut Vec<Diagnostic>) {
    let mut owner: HashMap<String, (usize, usize)> = HashMap::new();
    // In file order, so the first file keeps the alias.
    let mut order: Vec<usize> = (0..notes.len()).collect();
    order.sort_by(|&a, &b| notes[a].file.cmp(&notes[b].file));
    for i in order {
        let note = &notes[i];
        for (k, alias) in note.common.aliases.iter().enumerate() {
            let locate = || {
                frontmatter::locate(
                    &note.text,
                    note.yaml_start,
                    &[crate::model::PathSeg::Key("aliases"), crate::model::PathSeg::Index(k)],
                )
                .unwrap_or((1, 1, 1))
            };
            if let Some(&j) = by_id.get(alias.as_str())
                && j != i
            {
                let (line, col, width) = locate();
                diags.push(
                    Diagnostic::error(
                        &note.file,
                        format!("the alias `{alias}` is the id of {}", notes[j].file),
                    )
                    .at(&note.text, line, col, width)
                    .with_help("links to it would be ambiguous; remove the alias or rename one of the notes"),
                );
                continue;
            }
            match owner.get(&alias.to_lowercase()) {
                Some(&(j, _)) if j != i => {
                    let (line, col, width) = locate();
                    diags.push(
                        Diagnostic::error(
                            &note.file,
                            format!("the alias `{alias}` is also an alias of {}", notes[j].file),
                        )
                        .at(&note.text, line, col, width)
                        .with_help(
                            "an alias must name one note; remove it from one of the two, or make it more precise",
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    owner.insert(alias.to_lowercase(), (i, k));
                }
            }
        }
    }
}

/// The most words a citation's `quote:` may hold: a short phrase, marked as a quote, not a
/// passage. A Chinese, Japanese or Korean character counts as half a word.
pub(crate) const QUOTE_WORDS: usize = 25;

/// How many words a quotation holds, counting a CJK character as half a word.
pub fn quote_words(quote: &str) -> usize {
    let mut halves = 0usize;
    let mut in_word = false;
    for c in quote.chars() {
        if crate::texts::is_cjk(c) {
            halves += 1;
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word && c.is_alphanumeric() {
            halves += 2;
            in_word = true;
        }
    }
    halves.div_ceil(2)
}

/// An error when a citation quotes more than [`QUOTE_WORDS`].
fn long_quote(note: &Note, path: &[crate::model::PathSeg], quote: &str) -> Option<Diagnostic> {
    let words = quote_words(quote);
    if words <= QUOTE_WORDS {
        return None;
    }
    let mut at = path.to_vec();
    at.push(crate::model::PathSeg::Key("quote"));
    let (line, col, width) = frontmatter::locate(&note.text, note.yaml_start, &at).unwrap_or((1, 1, 1));
    Some(
        Diagnostic::error(
            &note.file,
            format!("this quotation runs to {words} words; a citation quotes at most {QUOTE_WORDS}"),
        )
        .at(&note.text, line, col, width)
        .with_help("keep the few words that matter and say the rest in your own words; the locator (`at:`) points readers to the passage"),
    )
}

fn unknown_reference(
    note: &Note,
    r: &crate::model::Reference<'_>,
    notes: &[Note],
    drafts: &HashSet<String>,
) -> Diagnostic {
    let (line, col, width) = frontmatter::locate(&note.text, note.yaml_start, &r.path).unwrap_or((1, 1, 1));
    let d = if drafts.contains(r.id) {
        Diagnostic::error(&note.file, format!("`{}` is a draft and is not published", r.id))
            .with_help("build with --drafts to preview it, or publish it by removing `draft: true`")
    } else {
        let candidates = notes
            .iter()
            .filter(|n| r.expect.is_empty() || r.expect.contains(&n.kind))
            .map(|n| n.id.as_str());
        let help = match did_you_mean(r.id, candidates) {
            Some(close) => format!("did you mean `{close}`?"),
            None if r.expect.is_empty() => "create the note, or correct the id".to_string(),
            None => format!("create {} with this id, or correct the id", kind_list(r.expect)),
        };
        Diagnostic::error(&note.file, format!("unknown id `{}`", r.id)).with_help(help)
    };
    d.at(&note.text, line, col, width)
}
