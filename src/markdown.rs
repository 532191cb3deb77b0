//! Markdown to HTML: pulldown-cmark, plus what a dossier needs on top of CommonMark.
//!
//! - Every heading gets a stable, unique id that keeps non-Latin letters (`## 利益衝突` becomes
//!   `#利益衝突`, not an empty or numbered id) and a visible anchor link.
//! - Fenced code is highlighted by syntect with CSS classes, not inline colours, so the theme's
//!   stylesheet decides the colours ([`syntax_css`] writes a default one).
//! - Links that leave the site get `rel="noopener"`.
//!
//! The body is trusted author input: raw HTML in Markdown passes through, as in every static
//! site generator. Front-matter text, by contrast, is always escaped by the templates.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::escape_href;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::diag::{Diagnostic, did_you_mean};
use crate::html;
use crate::links::{Context, ContextSpan, Foreign, LinkTargets, Sentences, parse_citation, resolve_path};
use crate::model::Kind;

/// The class prefix of highlighted code (`hl-keyword`), shared with the stylesheet.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Ids the default templates give their own sections; a heading in a body never takes one of
/// them, and a link may point at them (`[[elon-musk#roles]]`).
pub(crate) const RESERVED_IDS: &[&str] = &[
    "main",
    "content",
    "top",
    "nav",
    "footer",
    "toc",
    "sources",
    "backlinks",
    "cited-by",
    "roles",
    "people-here",
    "involved",
    "responses",
    "conflicts",
    "timeline",
];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    // A binary dump shipped inside syntect, much quicker to load than grammars to compile.
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A slug for a heading: lowercase letters and digits of any script, words joined by `-`.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    if out.is_empty() { "section".into() } else { out }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_WIKILINKS
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A body to render, with what it needs to resolve its links and number its citations.
pub struct Body<'a> {
    /// The file, for diagnostics (`content/events/x.md`).
    pub file: &'a str,
    /// The whole file; the Markdown body starts at byte `start`.
    pub text: &'a str,
    pub start: usize,
    /// The note being rendered, when it is a published one (not the home page, not a translation).
    pub this: Option<usize>,
    /// The citations of the front-matter, resolved: numbered first, in order, before the body's.
    pub seed: Vec<SeedCite>,
    /// The language of a translation's body: its links go to the pages in that language where
    /// there are some. `None` for the default language.
    pub lang: Option<&'a str>,
}

impl<'a> Body<'a> {
    /// A body with no file around it, for tests and for text that links nowhere.
    pub fn plain(md: &'a str) -> Body<'a> {
        Body {
            file: "",
            text: md,
            start: 0,
            this: None,
            seed: Vec::new(),
            lang: None,
        }
    }
}

/// A front-matter citation, its source resolved to a note index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCite {
    pub source: usize,
    pub at: Option<String>,
    pub quote: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// `[[id]]`, `[text](x.md)`.
    Link,
    /// `[@id, at]`.
    Cite { at: Option<String> },
}

/// The rendered bodies of a build.
pub(crate) struct Bodies {
    /// In note order.
    pub notes: Vec<Arc<Rendered>>,
    /// In the order of `Dossier::translations`.
    pub translations: Vec<Arc<Rendered>>,
    pub home: Arc<Rendered>,
    /// In the order of `SiteIndex::translations`.
    pub home_translations: Vec<Arc<Rendered>>,
}

/// A link or citation from a body to another note, with the sentence it stands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    pub target: usize,
    pub kind: LinkKind,
    /// Shared with the mentions made of the link (see [`crate::graph::links::Mention`]).
    pub context: Arc<Context>,
}

/// One numbered entry of a page's "Sources" list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Citation {
    pub n: usize,
    /// The source's note index.
    #[serde(skip)]
    pub source: usize,
    pub at: Option<String>,
    pub quote: Option<String>,
    /// The words quoted from the source where it is cited (its `quote`, or the first quotation
    /// of a citing sentence), for a link to their place in the source.
    pub fragment: Option<String>,
    /// The ids of the superscripts that point here, in the order they appear.
    pub refs: Vec<String>,
}

/// A citation's key, where it is written (in the body), and its locator with where that is.
type CiteParsed = (String, usize, Option<(String, usize)>);

/// A bracket of citations in a body, with the quotations its sentence makes before it (since
/// the sentence's last citation): what `check` verifies against the sources' texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteSite {
    pub items: Vec<CitedAt>,
    pub quotes: Vec<String>,
}

/// One source cited in a bracket, where it is written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedAt {
    /// The source's note index.
    pub source: usize,
    pub at: Option<String>,
    /// Byte offset in the whole file of `@id`, and its width in characters (the `@` counted).
    pub offset: usize,
    pub width: usize,
    /// Byte offset in the whole file of the locator.
    pub at_offset: Option<usize>,
}

/// What a heading link points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorTarget {
    /// The page the link is on (`[[#heading]]`).
    This,
    /// Another body, by its index among the bodies [`resolve_anchors`] is given: a note's
    /// index, or that of a translation's body (see [`crate::links::TargetTranslation::page`]).
    Page(usize),
}

/// A link to a heading, checked once every body has been rendered and its headings are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub target: AnchorTarget,
    /// As written: a heading id (`roles`) or a heading's text (`Roles at Tesla`).
    pub fragment: String,
    /// Byte offset in the whole file, and width in characters, of the fragment as written.
    pub offset: usize,
    pub width: usize,
}

/// A rendered body: its HTML and everything the site needs to know about what it links to.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<BodyLink>,
    pub citations: Vec<Citation>,
    /// Every bracket of citations, where it is written.
    pub cite_sites: Vec<CiteSite>,
    /// Heading links still to check; their places in `html` hold placeholders until
    /// [`resolve_anchors`] fills them.
    pub anchors: Vec<Anchor>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where each top-level block (paragraph, heading, list, table, …) starts in `html`, for
    /// showing a translation beside its original.
    pub blocks: Vec<usize>,
    /// The notes whose title or translations the body read, linked or not (a link to the
    /// note itself is not recorded among `links`): when none of them changed, nor anything
    /// else [`crate::links::LinkTargets::fingerprint`] covers, the body renders the same.
    pub uses: Vec<usize>,
}

impl Rendered {
    /// The top-level blocks of the HTML, in order.
    pub(crate) fn block_html(&self) -> Vec<&str> {
        let mut out = Vec::with_capacity(self.blocks.len());
        for (k, &start) in self.blocks.iter().enumerate() {
            let end = self.blocks.get(k + 1).copied().unwrap_or(self.html.len());
            let block = self.html[start..end].trim();
            if !block.is_empty() {
                out.push(block);
            }
        }
        out
    }
}

/// Marks the start of a top-level block in the HTML until [`split_blocks`] records it.
const BLOCK_MARK: &str = "\0b\0";

/// Records where the top-level blocks start and takes their marks out of the HTML.
fn split_blocks(r: &mut Rendered) {
    if !r.html.contains(BLOCK_MARK) {
        r.blocks = vec![0];
        return;
    }
    let mut html = String::with_capacity(r.html.len());
    let mut blocks = Vec::new();
    for (k, part) in r.html.split(BLOCK_MARK).enumerate() {
        if k > 0 {
            blocks.push(html.len());
        }
        html.push_str(part);
    }
    if blocks.first() != Some(&0) {
        blocks.insert(0, 0);
    }
    r.html = html;
    r.blocks = blocks;
}

#[cfg(test)]
/// Renders Markdown that links nowhere: for tests, and text outside any note.
pub(crate) fn render(md: &str) -> Rendered {
    render_body(&Body::plain(md), &LinkTargets::default())
}

/// Renders a note's body, resolving its links and citations against `targets`.
pub fn render_body(body: &Body<'_>, targets: &LinkTargets) -> Rendered {
    let md = &body.text[body.start..];
    // CommonMark turns NUL into U+FFFD; doing it first also keeps NUL free for the placeholders
    // of heading links. (Columns of diagnostics after a NUL shift by two; no real text has one.)
    let cleaned;
    let md = if md.contains('\0') {
        cleaned = md.replace('\0', "\u{fffd}");
        cleaned.as_str()
    } else {
        md
    };
    let mut r = Renderer {
        body,
        md,
        targets,
        events: Vec::with_capacity(md.len() / 8),
        used: RESERVED_IDS.iter().map(|id| ((*id).to_string(), 1)).collect(),
        out: Rendered::default(),
        texts: Vec::new(),
        heading: None,
        frames: Vec::new(),
        block: String::new(),
        marks: Vec::new(),
        sentences: Sentences::default(),
        spans: Vec::new(),
        cite_numbers: HashMap::new(),
        quoted_from: 0,
        quoting: Vec::new(),
        code_spans: Vec::new(),
        foreign: Vec::new(),
        spans_open: Vec::new(),
        depth: 0,
    };
    for seed in &body.seed {
        r.cite_number(seed.source, seed.at.clone(), seed.quote.clone());
    }
    let mut parser = Parser::new_ext(md, options()).into_offset_iter();
    while let Some((ev, range)) = parser.next() {
        if let Event::Text(t) = ev {
            r.texts.push((t, range));
            continue;
        }
        r.flush_text();
        r.event(ev, range, &mut parser);
    }
    r.flush_text();
    r.block_boundary();
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, r.events.into_iter());
    let mut out = r.out;
    let words = r.sentences.finish();
    let foreign: Option<Arc<[Foreign]>> = (!r.foreign.is_empty()).then(|| r.foreign.into());
    for (link, span) in r.spans {
        out.links[link].context = Arc::new(Context::within(words.clone(), span).with_foreign(foreign.clone()));
    }
    out.html = html;
    // With heading links, the marks stay until `resolve_anchors` has filled them in.
    if out.anchors.is_empty() {
        split_blocks(&mut out);
    }
    // Every body is held until its pages are made: no room to spare.
    out.html.shrink_to_fit();
    out.links.shrink_to_fit();
    out.citations.shrink_to_fit();
    for c in &mut out.citations {
        // Most sources are cited once in a body; a list grown for one takes room for four.
        c.refs.shrink_to_fit();
    }
    out.headings.shrink_to_fit();
    out.uses.shrink_to_fit();
    out
}

/// The first `**…**` of `text` that the parser left unmatched and a Chinese writer means as
/// strong: where its two `**` stand. The words between are not empty, neither start nor end
/// with a space, hold no `*`, and touch Chinese (a character or full-width punctuation) at an
/// edge, inside or out.
fn cjk_strong(text: &str) -> Option<(usize, usize)> {
    let cjk = |c: Option<char>| {
        c.is_some_and(|c| crate::texts::is_cjk(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF))
    };
    let mut from = 0;
    while let Some(at) = text[from..].find("**") {
        let open = from + at;
        let after_open = open + 2;
        let len = text[after_open..].find('*')?;
        let close = after_open + len;
        let inner = &text[after_open..close];
        let closes = text[close..].starts_with("**") && !text[close + 2..].starts_with('*');
        let edges = [
            text[..open].chars().next_back(),
            inner.chars().next(),
            inner.chars().next_back(),
            text.get(close + 2..).and_then(|s| s.chars().next()),
        ];
        if closes
            && !inner.is_empty()
            && !inner.starts_with(char::is_whitespace)
            && !inner.ends_with(char::is_whitespace)
            && edges.into_iter().any(cjk)
            && !text[..open].ends_with('*')
        {
            return Some((open, close));
        }
        from = close.max(open + 1);
    }
    None
}

struct OpenHeading<'a> {
    /// Where the opening tag goes in `events`.
    at: usize,
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    text: String,
}

/// An open link.
struct Frame {
    /// We wrote the opening `<a>` ourselves, so we write the closing one too.
    close_html: bool,
    /// The link recorded in `out.links`, whose context is marked from `mark_start`.
    link: Option<usize>,
    mark_start: usize,
    /// Text to use when the written label is empty (`[[id|]]`).
    default_label: Option<(String, String)>,
    /// Said after the link when its page is in another language than the body.
    lang_mark: Option<String>,
}

struct Renderer<'a> {
    body: &'a Body<'a>,
    md: &'a str,
    targets: &'a LinkTargets,
    events: Vec<Event<'a>>,
    used: HashMap<String, usize>,
    out: Rendered,
    /// Consecutive text events, merged before citations are looked for (pulldown-cmark splits
    /// text at brackets).
    texts: Vec<(CowStr<'a>, Range<usize>)>,
    heading: Option<OpenHeading<'a>>,
    frames: Vec<Frame>,
    /// The plain text of the current block (paragraph, list item, table cell, heading), and the
    /// links in it, for the sentences shown with backlinks.
    block: String,
    marks: Vec<(usize, Range<usize>)>,
    /// The words around the links cut so far, and where each link's stand: the links of a body
    /// are given their contexts when it is done, sharing one string.
    sentences: Sentences,
    spans: Vec<(usize, ContextSpan)>,
    cite_numbers: HashMap<(usize, Option<String>), usize>,
    /// Where in `block` the last citation stands: the quotations after it belong to the next.
    quoted_from: usize,
    /// The citation sites of the block whose sentences may quote: each with the stretch of
    /// the block before it since the last citation, and its numbered citations.
    quoting: Vec<(usize, Range<usize>, Vec<usize>)>,
    /// Where the block's code spans are: their quotation marks quote nothing.
    code_spans: Vec<Range<usize>>,
    /// The labels shown in another language than the body's, each once.
    foreign: Vec<Foreign>,
    /// The author's open `<span>`s: the language of each written `<span lang="…">`, where
    /// its words start in the block, and the number of events before them.
    spans_open: Vec<(Option<String>, usize, usize)>,
    /// How many blocks are open: 0 between top-level blocks.
    depth: usize,
}

type Source<'s, 'a> = &'s mut pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>;

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// A character of Chinese or Japanese, or their punctuation and full-width forms: East Asian
/// wide characters but Korean's, which is written with spaces between words.
fn written_without_spaces(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x303F // radicals, ideographic description, CJK symbols and punctuation
        | 0x3040..=0x30FF // kana
        | 0x3100..=0x312F | 0x31A0..=0x31FF // bopomofo, kana extensions
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F // ideographs
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) // full-width forms
}

/// An inline HTML tag of the author's that opens or closes a `<span>`.
enum SpanTag {
    /// With the language of a span whose only attribute is `lang`.
    Open(Option<String>),
    Close,
}

/// Reads `html` as HTML does: the tag's name in any case, white space before `>`.
fn span_tag(html: &str) -> Option<SpanTag> {
    let t = html.trim();
    let inner = t.strip_prefix('<')?.strip_suffix('>')?.trim_end();
    if let Some(name) = inner.strip_prefix('/') {
        return name.eq_ignore_ascii_case("span").then_some(SpanTag::Close);
    }
    let (name, attrs) = inner.split_at(inner.find(|c: char| c.is_ascii_whitespace()).unwrap_or(inner.len()));
    if !name.eq_ignore_ascii_case("span") || attrs.ends_with('/') {
        return None;
    }
    let attrs = attrs.trim();
    let value = (attrs.get(..5).is_some_and(|a| a.eq_ignore_ascii_case("lang=")))
        .then(|| &attrs[5..])
        .and_then(|v| {
            let q = v.chars().next().filter(|&q| q == '"' || q == '\'')?;
            v.strip_prefix(q)?.strip_suffix(q)
        })
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    Some(SpanTag::Open(value.map(str::to_string)))
}

/// Said after a link from a translation to a page only in the original language, in the
/// translation's: ` (English)`, `（英文）`.
fn lang_mark(mark: &str) -> String {
    let mut s = String::from("<span class=\"lang-mark\">");
    html::escape(&mut s, mark);
    s.push_str("</span>");
    s
}

/// A placeholder for a heading link's fragment (`text == false`) or its heading's text, which
/// only [`resolve_anchors`] knows. NUL never reaches the HTML otherwise: [`render_body`] replaces
/// it in the input, as CommonMark asks.
fn placeholder(k: usize, text: bool) -> String {
    format!("\0{k}{}\0", if text { "t" } else { "" })
}

impl<'a> Renderer<'a> {
    fn file_offset(&self, md_offset: usize) -> usize {
        self.body.start + md_offset
    }

    fn error(&mut self, md_offset: usize, width: usize, message: String, help: String) {
        let d = Diagnostic::error(self.body.file, message)
            .at_offset(self.body.text, self.file_offset(md_offset), width)
            .with_help(help);
        self.out.diagnostics.push(d);
    }

    /// Whether the line break at `range` of the Markdown falls between two characters of a
    /// script written without spaces (Chinese, Japanese), which a browser would part with a
    /// space: the lines are then joined as written, as CSS Text's segment break rules ask.
    fn joins_across(&self, range: &Range<usize>) -> bool {
        let before = self
            .md
            .get(..range.start)
            .and_then(|s| s.trim_end().chars().next_back());
        let after = self.md.get(range.end..).and_then(|s| s.trim_start().chars().next());
        matches!((before, after), (Some(a), Some(b)) if written_without_spaces(a) && written_without_spaces(b))
    }

    fn push_plain(&mut self, text: &str) {
        self.block.push_str(text);
        if let Some(h) = &mut self.heading {
            h.text.push_str(text);
        }
    }

    fn event(&mut self, ev: Event<'a>, range: Range<usize>, parser: Source<'_, 'a>) {
        match ev {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.block_boundary();
                self.mark_block();
                self.heading = Some(OpenHeading {
                    at: self.events.len(),
                    level,
                    id,
                    classes,
                    attrs,
                    text: String::new(),
                });
                self.events.push(Event::Html(CowStr::Borrowed("")));
            }
            Event::End(TagEnd::Heading(_)) => self.close_heading(),
            Event::Start(Tag::CodeBlock(kind)) => {
                self.block_boundary();
                self.mark_block();
                let mut code = String::new();
                for (ev, _) in parser.by_ref() {
                    match ev {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.events.push(Event::Html(highlight(&code, &lang).into()));
            }
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => self.wikilink(&dest_url, has_pothole, range, parser),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.markdown_link(link_type, dest_url, title, id, range),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match self.local_file(&dest_url, &range) {
                    Some(Local::Static(url)) => CowStr::from(url),
                    _ => dest_url,
                };
                self.events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => self.close_link(),
            Event::Code(t) => {
                let at = self.block.len();
                self.push_plain(&t);
                self.code_spans.push(at..self.block.len());
                self.events.push(Event::Code(t));
            }
            Event::SoftBreak if self.joins_across(&range) => {}
            Event::SoftBreak | Event::HardBreak => {
                self.block.push(' ');
                self.events.push(ev);
            }
            Event::Start(ref tag) if !is_inline(tag) => {
                self.block_boundary();
                self.mark_block();
                self.depth += 1;
                self.events.push(ev);
            }
            Event::End(ref tag) if !is_inline_end(tag) => {
                self.block_boundary();
                self.depth = self.depth.saturating_sub(1);
                self.events.push(ev);
            }
            Event::Rule => {
                self.mark_block();
                self.events.push(ev);
            }
            Event::InlineHtml(ref h) => {
                self.author_span(h);
                self.events.push(ev);
            }
            other => self.events.push(other),
        }
    }

    /// Follows the author's inline `<span>`s: the words of a `<span lang="…">` are in another
    /// language, and a link's context that shows them marks them so, as it does a label.
    /// Only a span of plain words is recorded (one holding a citation or a link is not: its
    /// words in the block are not what it shows), and only one written `<span lang="…">` or
    /// `<span lang='…'>`; any other is followed for its nesting and otherwise left alone.
    fn author_span(&mut self, html: &str) {
        match span_tag(html) {
            Some(SpanTag::Close) => {
                let Some((Some(lang), start, events)) = self.spans_open.pop() else {
                    return;
                };
                let plain = self.events[events.min(self.events.len())..]
                    .iter()
                    .all(|e| matches!(e, Event::Text(_) | Event::SoftBreak | Event::HardBreak | Event::Code(_)));
                let text = crate::links::tidy(self.block.get(start..).unwrap_or_default().trim());
                if plain && !text.is_empty() {
                    let foreign = Foreign {
                        lang: lang.into(),
                        text: text.as_ref().into(),
                    };
                    if !self.foreign.contains(&foreign) {
                        self.foreign.push(foreign);
                    }
                }
            }
            // The opening tag's own event is pushed after this: the words' events follow it.
            Some(SpanTag::Open(lang)) => self.spans_open.push((lang, self.block.len(), self.events.len() + 1)),
            None => {}
        }
    }

    fn close_heading(&mut self) {
        let Some(h) = self.heading.take() else {
            return;
        };
        let wanted = h.id.as_ref().map_or_else(|| slugify(&h.text), |i| i.to_string());
        // `cite-…` ids belong to the citations.
        let wanted = if wanted.starts_with("cite-") {
            format!("h-{wanted}")
        } else {
            wanted
        };
        let id = unique(&mut self.used, wanted);
        let n = level_num(h.level);
        let mut open = format!("<h{n} id=\"");
        html::escape(&mut open, &id);
        open.push('"');
        if !h.classes.is_empty() {
            open.push_str(" class=\"");
            html::escape(&mut open, &h.classes.join(" "));
            open.push('"');
        }
        for (k, v) in h.attrs {
            open.push(' ');
            html::escape(&mut open, &k);
            if let Some(v) = v {
                open.push_str("=\"");
                html::escape(&mut open, &v);
                open.push('"');
            }
        }
        open.push('>');
        self.events[h.at] = Event::Html(open.into());
        let mut close = String::from(" <a class=\"anchor\" href=\"#");
        html::escape(&mut close, &id);
        close.push_str("\" aria-label=\"");
        html::escape(&mut close, &self.targets.words(self.body.lang).section_link);
        // The mark is no word of the page: Pagefind leaves it out of the index.
        close.push_str("\" data-pagefind-ignore>#</a>");
        close.push_str(&format!("</h{n}>\n"));
        self.events.push(Event::Html(close.into()));
        self.out.headings.push(Heading {
            level: n,
            id,
            text: h.text.trim().to_string(),
        });
        self.block_boundary();
    }

    /// Marks the start of a block, when it is a top-level one.
    fn mark_block(&mut self) {
        if self.depth == 0 {
            self.events.push(Event::Html(CowStr::Borrowed(BLOCK_MARK)));
        }
    }

    /// Ends the current block: the sentences around its links are cut now.
    fn block_boundary(&mut self) {
        if !self.marks.is_empty() || !self.quoting.is_empty() {
            let starts = crate::links::sentence_starts(&self.block);
            self.quote_sites(&starts);
            for (link, range) in self.marks.drain(..) {
                let span = crate::links::context_in(&self.block, &starts, range, &mut self.sentences);
                self.spans.push((link, span));
            }
        }
        self.block.clear();
        self.spans_open.clear();
        self.code_spans.clear();
        self.quoted_from = 0;
    }

    fn record_link(&mut self, target: usize, kind: LinkKind) -> Option<usize> {
        if self.body.this == Some(target) {
            return None;
        }
        self.out.links.push(BodyLink {
            target,
            kind,
            context: Arc::default(),
        });
        Some(self.out.links.len() - 1)
    }

    fn open_anchor(
        &mut self,
        href: &str,
        fragment: Option<(AnchorTarget, &str, usize)>,
        title: &str,
        hreflang: Option<&str>,
    ) -> Option<usize> {
        let mut s = String::with_capacity(href.len() + title.len() + 48);
        s.push_str("<a href=\"");
        let _ = escape_href(&mut s, href);
        let k = fragment.map(|(target, frag, md_offset)| {
            let k = self.out.anchors.len();
            self.out.anchors.push(Anchor {
                target,
                fragment: frag.to_string(),
                offset: self.file_offset(md_offset),
                width: frag.chars().count().max(1),
            });
            s.push('#');
            s.push_str(&placeholder(k, false));
            k
        });
        s.push('"');
        if let Some(lang) = hreflang {
            s.push_str(" hreflang=\"");
            html::escape(&mut s, lang);
            s.push('"');
        }
        if !title.is_empty() {
            s.push_str(" title=\"");
            html::escape(&mut s, title);
            s.push('"');
        }
        s.push('>');
        self.events.push(Event::InlineHtml(s.into()));
        k
    }

    fn wikilink(&mut self, dest: &str, has_pothole: bool, range: Range<usize>, parser: Source<'_, 'a>) {
        // In a table cell the `|` of `[[id|label]]` is written `\|`; the backslash stays on the id.
        let raw = dest.strip_suffix('\\').unwrap_or(dest);
        let lead = raw.len() - raw.trim_start().len();
        let raw = raw.trim();
        let (key, fragment) = match raw.split_once('#') {
            Some((k, f)) => (k.trim_end(), Some(f.trim()).filter(|f| !f.is_empty())),
            None => (raw, None),
        };
        let key_at = range.start + 2 + lead;
        let frag_at = key_at + raw.find('#').map_or(0, |i| i + 1);
        let resolved = if key.is_empty() {
            Some(None)
        } else {
            match self.targets.lookup(key) {
                Some(t) => Some(Some(t)),
                None => {
                    if let Some(u) = self.targets.unknown_key(key, false) {
                        self.error(key_at, key.chars().count(), u.message, u.help);
                    }
                    None
                }
            }
        };
        // The label when none is written: the target's title, and the heading's.
        let shown = match resolved {
            Some(Some(t)) => {
                self.out.uses.push(t);
                Some(self.targets.shown(t, self.body.lang))
            }
            _ => None,
        };
        let title = shown.as_ref().map_or_else(|| key.to_string(), |s| s.title.to_string());
        let other_lang = shown.as_ref().and_then(|s| s.other_lang);
        let lang_mark = other_lang.map(|(_, mark)| lang_mark(mark));
        let mark_start = self.block.len();
        let (link, anchor) = match resolved {
            Some(target) => {
                let link = target.and_then(|t| self.record_link(t, LinkKind::Link));
                let href = shown.as_ref().map_or("", |s| s.url).to_string();
                let anchor_target = shown
                    .as_ref()
                    .map_or(AnchorTarget::This, |s| AnchorTarget::Page(s.page));
                let anchor = self.open_anchor(
                    &href,
                    fragment.map(|f| (anchor_target, f, frag_at)),
                    "",
                    other_lang.map(|(l, _)| l),
                );
                (link, anchor)
            }
            None => {
                self.events
                    .push(Event::InlineHtml(CowStr::Borrowed("<a class=\"broken\">")));
                (None, None)
            }
        };
        let default_label = match (anchor, key.is_empty()) {
            (Some(k), true) => (placeholder(k, true), fragment.unwrap_or_default().to_string()),
            (Some(k), false) => {
                let mut html = String::new();
                html::escape(&mut html, &title);
                html.push_str(" › ");
                html.push_str(&placeholder(k, true));
                (html, format!("{title} › {}", fragment.unwrap_or_default()))
            }
            (None, _) => {
                let mut html = String::new();
                html::escape(&mut html, &title);
                (html, title.clone())
            }
        };
        if has_pothole {
            self.frames.push(Frame {
                close_html: true,
                link,
                mark_start,
                default_label: Some(default_label),
                lang_mark,
            });
            return;
        }
        // Without a label, pulldown-cmark repeats the target as the text: replace it.
        for (ev, _) in parser.by_ref() {
            if let Event::End(TagEnd::Link) = ev {
                break;
            }
        }
        // The original's title is in the original's language.
        let label = match other_lang {
            Some((lang, _)) if resolved.is_some() => {
                let foreign = Foreign {
                    lang: lang.into(),
                    text: title.as_str().into(),
                };
                if !self.foreign.contains(&foreign) {
                    self.foreign.push(foreign);
                }
                let mut html = String::from("<span lang=\"");
                html::escape(&mut html, lang);
                html.push_str("\">");
                html.push_str(&default_label.0);
                html.push_str("</span>");
                html
            }
            _ => default_label.0,
        };
        self.events.push(Event::InlineHtml(label.into()));
        self.push_plain(&default_label.1);
        self.events.push(Event::InlineHtml(CowStr::Borrowed("</a>")));
        if let Some(link) = link {
            self.marks.push((link, mark_start..self.block.len()));
        }
        if let Some(mark) = lang_mark {
            self.events.push(Event::InlineHtml(mark.into()));
        }
    }

    fn close_link(&mut self) {
        let Some(frame) = self.frames.pop() else {
            self.events.push(Event::End(TagEnd::Link));
            return;
        };
        if let Some((html, plain)) = frame.default_label
            && self.block.len() == frame.mark_start
        {
            self.events.push(Event::InlineHtml(html.into()));
            self.push_plain(&plain);
        }
        if frame.close_html {
            self.events.push(Event::InlineHtml(CowStr::Borrowed("</a>")));
        } else {
            self.events.push(Event::End(TagEnd::Link));
        }
        if let Some(link) = frame.link {
            self.marks.push((link, frame.mark_start..self.block.len()));
        }
        if let Some(mark) = frame.lang_mark {
            self.events.push(Event::InlineHtml(mark.into()));
        }
    }

    fn markdown_link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        range: Range<usize>,
    ) {
        let mark_start = self.block.len();
        if is_external(&dest_url) {
            let mut s = String::with_capacity(dest_url.len() + title.len() + 48);
            s.push_str("<a href=\"");
            let _ = escape_href(&mut s, &dest_url);
            s.push('"');
            if !title.is_empty() {
                s.push_str(" title=\"");
                html::escape(&mut s, &title);
                s.push('"');
            }
            s.push_str(" rel=\"noopener\">");
            self.events.push(Event::InlineHtml(s.into()));
            self.frames.push(Frame {
                close_html: true,
                link: None,
                mark_start,
                default_label: None,
                lang_mark: None,
            });
            return;
        }
        match self.local_file(&dest_url, &range) {
            Some(Local::Note { target, fragment }) => {
                let link = self.record_link(target, LinkKind::Link);
                self.out.uses.push(target);
                let shown = self.targets.shown(target, self.body.lang);
                let (url, page) = (shown.url.to_string(), shown.page);
                let other_lang = shown.other_lang.map(|(l, n)| (l.to_string(), n.to_string()));
                let frag_owned = fragment.map(|(f, at)| (AnchorTarget::Page(page), f.to_string(), at));
                self.open_anchor(
                    &url,
                    frag_owned.as_ref().map(|(t, f, at)| (*t, f.as_str(), *at)),
                    &title,
                    other_lang.as_ref().map(|(l, _)| l.as_str()),
                );
                self.frames.push(Frame {
                    close_html: true,
                    link,
                    mark_start,
                    default_label: None,
                    lang_mark: other_lang.map(|(_, mark)| lang_mark(&mark)),
                });
            }
            // A file in static/ gets its URL on the site; anything else stays as written.
            other => {
                let dest_url = match other {
                    Some(Local::Static(url)) => url.into(),
                    _ => dest_url,
                };
                self.events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
                self.frames.push(Frame {
                    close_html: false,
                    link: None,
                    mark_start,
                    default_label: None,
                    lang_mark: None,
                });
            }
        }
    }

    /// Resolves a relative link to a note (`x.md`) or a file in `static/`. `None` leaves the link
    /// as written; a link that should resolve and does not is reported here.
    fn local_file<'u>(&mut self, dest: &'u str, range: &Range<usize>) -> Option<Local<'u>> {
        if dest.is_empty() || dest.starts_with('#') || has_scheme(dest) {
            return None;
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let is_note = decoded.ends_with(".md");
        // Where the destination is written, for diagnostics: inside the link's source if found.
        let dest_at = self.md[range.clone()]
            .find(dest)
            .map_or(range.start, |i| range.start + i);
        let width = dest.chars().count();
        let Some(resolved) = resolve_path(self.body.file, &decoded) else {
            if is_note {
                self.error(
                    dest_at,
                    width,
                    format!("`{dest}` leads outside the dossier"),
                    "link to a .md file under content/, relative to this note".into(),
                );
            }
            return None;
        };
        if is_note {
            return match self.targets.by_file(&resolved) {
                Some(target) => {
                    let frag = fragment
                        .filter(|f| !f.is_empty())
                        .map(|f| (f, dest_at + path.len() + 1));
                    Some(Local::Note { target, fragment: frag })
                }
                None => {
                    if let Some(u) = self.targets.unknown_file(dest, &resolved) {
                        self.error(dest_at, width, u.message, u.help);
                    }
                    None
                }
            };
        }
        let in_static = resolved.strip_prefix("static/")?;
        if !self.targets.is_static(in_static) {
            if let Some(u) = self.targets.unknown_file(dest, &resolved) {
                self.error(dest_at, width, u.message, u.help);
            }
            return None;
        }
        let mut url = format!("{}{}", self.targets.base_path, in_static);
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        Some(Local::Static(url))
    }

    /// Emits the merged text events, turning `[@…]` into numbered citations.
    fn flush_text(&mut self) {
        if self.texts.is_empty() {
            return;
        }
        // Taken out to be read while `self` is written, and put back empty: its room serves
        // the next run of text.
        let mut segs = std::mem::take(&mut self.texts);
        // Most text holds no citation and no asterisk: it goes out as it came, without being
        // joined first (a `[` and an `@` are single bytes, so the joined text has both only if
        // the pieces do).
        let has = |c: char| segs.iter().any(|(t, _)| t.contains(c));
        let special = has('*') || (has('[') && has('@'));
        if !special {
            for (t, _) in &segs {
                self.push_plain(t);
            }
            self.events.extend(segs.drain(..).map(|(t, _)| Event::Text(t)));
            self.texts = segs;
            return;
        }
        let merged: String = segs.iter().map(|(t, _)| &**t).collect();
        // Source offset of a byte of `merged`, exact where the event's text is its source.
        let source_of = |p: usize| -> usize {
            let mut start = 0;
            for (t, r) in &segs {
                if p < start + t.len() {
                    return if self.md.get(r.clone()) == Some(&**t) {
                        r.start + (p - start)
                    } else {
                        r.start
                    };
                }
                start += t.len();
            }
            segs.last().map_or(0, |(_, r)| r.end)
        };
        let mut emitted = 0;
        let mut pos = 0;
        let mut found = Vec::new();
        while let Some(rel) = merged[pos..].find('[') {
            let open = pos + rel;
            let Some(close_rel) = merged[open + 1..].find(['[', ']']) else {
                break;
            };
            let close = open + 1 + close_rel;
            if merged.as_bytes()[close] == b'[' {
                pos = close;
                continue;
            }
            pos = close + 1;
            let Some(parsed) = parse_citation(&merged[open + 1..close]) else {
                continue;
            };
            let src = source_of(open);
            if is_escaped(self.md, src) {
                continue;
            }
            found.push((
                emitted,
                open,
                close,
                parsed
                    .map(|items| {
                        items
                            .into_iter()
                            .map(|i| {
                                let content = &merged[open + 1..close];
                                let at = i.at.map(|a| {
                                    let at_offset = a.as_ptr() as usize - content.as_ptr() as usize;
                                    (a.to_string(), source_of(open + 1 + at_offset))
                                });
                                (i.key.to_string(), source_of(open + 1 + i.key_offset), at)
                            })
                            .collect::<Vec<_>>()
                    })
                    .map_err(|_| source_of(open)),
            ));
            emitted = close + 1;
        }
        let mut last = 0;
        for (_, open, close, parsed) in found {
            self.push_text(&merged[last..open]);
            self.citation(parsed, &merged[open..=close], source_of(open));
            last = close + 1;
        }
        self.push_text(&merged[last..]);
        segs.clear();
        self.texts = segs;
    }

    /// A run of text, with the `**strong**` that CommonMark leaves as asterisks beside Chinese
    /// punctuation (`**兩份資料不同。**2024年…`: a closing `**` after punctuation must be
    /// followed by a space or punctuation) taken as strong, as a Chinese writer means it.
    fn push_text(&mut self, mut text: &str) {
        while let Some((open, close)) = cjk_strong(text) {
            let inner = &text[open + 2..close];
            self.push_plain(&text[..open]);
            self.push_plain(inner);
            if open > 0 {
                self.events.push(Event::Text(text[..open].to_string().into()));
            }
            self.events.push(Event::Start(Tag::Strong));
            self.events.push(Event::Text(inner.to_string().into()));
            self.events.push(Event::End(TagEnd::Strong));
            text = &text[close + 2..];
        }
        if !text.is_empty() {
            self.push_plain(text);
            self.events.push(Event::Text(text.to_string().into()));
        }
    }

    fn citation(&mut self, parsed: Result<Vec<CiteParsed>, usize>, written: &str, at: usize) {
        let items = match parsed {
            Ok(items) => items,
            Err(off) => {
                self.error(
                    off,
                    written.chars().count(),
                    format!("`{written}` is not a citation this build can read"),
                    "write [@id], [@id, locator] or [@a; @b, p. 2]; to keep a bracket that starts with @ as text, write \\[@".into(),
                );
                self.events.push(Event::Text(written.to_string().into()));
                return;
            }
        };
        let mut html = String::from("<sup class=\"cite\">[");
        let mut any = false;
        let mut site = CiteSite {
            items: Vec::new(),
            quotes: Vec::new(),
        };
        let mut numbered = Vec::new();
        for (key, key_at, locator) in items {
            let (locator, at_offset) = locator.map_or((None, None), |(a, o)| (Some(a), Some(o)));
            let width = key.chars().count();
            let Some(t) = self.targets.lookup(&key) else {
                if let Some(u) = self.targets.unknown_key(&key, true) {
                    self.error(key_at, width, u.message, u.help);
                }
                continue;
            };
            self.out.uses.push(t);
            let target = &self.targets.notes[t];
            if target.kind != Kind::Source {
                let (id, kind) = (target.id.clone(), target.kind);
                self.error(
                    key_at,
                    width,
                    format!("`{key}` is a {kind}, not a source; only sources can be cited"),
                    format!("link to it with [[{id}]] instead, or cite the source that reports it"),
                );
                continue;
            }
            site.items.push(CitedAt {
                source: t,
                at: locator.clone(),
                // From the `@` before the key.
                offset: self.file_offset(key_at.saturating_sub(1)),
                width: key.chars().count() + 1,
                at_offset: at_offset.map(|o| self.file_offset(o)),
            });
            let idx = self.cite_number(t, locator.clone(), None);
            numbered.push(idx);
            let c = &mut self.out.citations[idx];
            let ref_id = format!("cite-ref-{}-{}", c.n, c.refs.len() + 1);
            let n = c.n;
            if any {
                html.push_str(", ");
            }
            any = true;
            use std::fmt::Write;
            let label = crate::date::fill(&self.targets.words(self.body.lang).source_n, &[("n", &n.to_string())]);
            let _ = write!(
                html,
                "<a href=\"#cite-{n}\" id=\"{ref_id}\" role=\"doc-noteref\" aria-label=\""
            );
            html::escape(&mut html, &label);
            let _ = write!(html, "\">{n}</a>");
            c.refs.push(ref_id);
            if let Some(link) = self.record_link(t, LinkKind::Cite { at: locator }) {
                let p = self.block.len();
                self.marks.push((link, p..p));
            }
        }
        let _ = at;
        if !site.items.is_empty() {
            self.out.cite_sites.push(site);
            self.quotations_before(self.out.cite_sites.len() - 1, numbered);
        }
        if any {
            html.push_str("]</sup>");
            self.events.push(Event::InlineHtml(html.into()));
        } else {
            self.events.push(Event::Text(written.to_string().into()));
        }
    }

    /// The quotations the sentence makes since its last citation, before this one.
    /// They are cut when the block ends, and its sentences are known: see [`Self::quote_sites`].
    fn quotations_before(&mut self, site: usize, citations: Vec<usize>) {
        let from = self.quoted_from.min(self.block.len());
        self.quoted_from = self.block.len();
        if self.block[from..].contains(['“', '「', '『', '"']) {
            self.quoting.push((site, from..self.block.len(), citations));
        }
    }

    /// Gives the citation sites of the block that ends the quotations their sentences make
    /// before them, and their numbered citations the first of these.
    fn quote_sites(&mut self, starts: &[usize]) {
        for (site, range, citations) in std::mem::take(&mut self.quoting) {
            // A citation after a full stop belongs to the sentence before it.
            let end = self.block[..range.end].trim_end().len();
            let sentence = starts.iter().copied().filter(|&s| s < end).max().unwrap_or(0);
            let start = range.start.max(sentence);
            let mut region = self.block[start..range.end].to_string();
            for code in &self.code_spans {
                if code.start >= start && code.end <= range.end {
                    region.replace_range(code.start - start..code.end - start, &" ".repeat(code.len()));
                }
            }
            let quotes: Vec<String> = crate::texts::quotations(&region)
                .into_iter()
                .map(str::to_string)
                .collect();
            // A link to the words' place in the source is made only where the bracket cites
            // one source: which of several has them is not known here.
            let one_source = citations.len() == 1;
            for c in citations {
                let c = &mut self.out.citations[c];
                if c.fragment.is_none() && one_source {
                    c.fragment = quotes.first().cloned();
                }
            }
            if let Some(s) = self.out.cite_sites.get_mut(site) {
                s.quotes = quotes;
            }
        }
    }

    /// The index in `out.citations` of a (source, locator) pair, numbering it if it is new.
    fn cite_number(&mut self, source: usize, at: Option<String>, quote: Option<String>) -> usize {
        let next = self.out.citations.len();
        let idx = *self.cite_numbers.entry((source, at.clone())).or_insert(next);
        if idx == next {
            self.out.citations.push(Citation {
                n: next + 1,
                source,
                at,
                fragment: quote.clone(),
                quote,
                refs: Vec::new(),
            });
        }
        idx
    }
}

enum Local<'u> {
    Note {
        target: usize,
        /// The fragment and its offset in the body.
        fragment: Option<(&'u str, usize)>,
    },
    Static(String),
}

/// True when the byte at `offset` is preceded by an odd number of backslashes.
fn is_escaped(md: &str, offset: usize) -> bool {
    md.as_bytes()[..offset.min(md.len())]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => url.starts_with("//"),
    }
}

#[cfg(test)]
/// Checks every heading link against the headings of the page it points into, and fills in
/// the placeholders [`render_body`] left. `pages[i]` is the body [`AnchorTarget::Page`] `i`
/// names; each page comes with its file and text, for diagnostics.
///
/// Bodies are shared with the cache `serve` keeps; only those with heading links are copied
/// before they are filled in.
pub(crate) fn resolve_anchors(pages: &mut [(std::sync::Arc<Rendered>, &str, &str)], diags: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    let made: Vec<(Fill, Vec<Diagnostic>)> = (0..pages.len())
        .into_par_iter()
        .map(|p| anchor_fill(pages, p))
        .collect();
    for ((page, _, _), (fill, d)) in pages.iter_mut().zip(made) {
        diags.extend(d);
        fill_anchors(page, &fill);
    }
}

/// What each heading link of a body is filled with: the heading's id and its text. Made by
/// [`anchor_fill`], the first step of [`resolve_anchors`], for callers that keep bodies already
/// filled in.
pub(crate) type Fill = Vec<(String, String)>;

/// Body `p`'s heading links, checked against the headings of the pages they point into: what
/// they are filled with, and the problems found.
pub(crate) fn anchor_fill(pages: &[(std::sync::Arc<Rendered>, &str, &str)], p: usize) -> (Fill, Vec<Diagnostic>) {
    let (page, file, text) = &pages[p];
    let mut diags = Vec::new();
    let mut fill = Vec::with_capacity(page.anchors.len());
    for a in &page.anchors {
        let (headings, target_file) = match a.target {
            AnchorTarget::This => (&page.headings, *file),
            AnchorTarget::Page(t) if t < pages.len() => (&pages[t].0.headings, pages[t].1),
            AnchorTarget::Page(_) => (&pages[p].0.headings, *file),
        };
        // Most links name a heading by its id: the slug is made only for the others.
        let mut slug = None;
        let found = headings.iter().find(|h| h.id == a.fragment).or_else(|| {
            let slug = slug.insert(slugify(&a.fragment));
            headings.iter().find(|h| h.id == *slug)
        });
        match found {
            Some(h) => fill.push((h.id.clone(), h.text.clone())),
            // The sections the templates add (`#sources`, `#roles`, …) are not in the body.
            None if RESERVED_IDS.contains(&a.fragment.as_str()) => fill.push((a.fragment.clone(), a.fragment.clone())),
            None => {
                let slug = slug.unwrap_or_else(|| slugify(&a.fragment));
                let lower = a.fragment.to_lowercase();
                let close = headings
                    .iter()
                    .find(|h| h.id.to_lowercase() == lower || h.text.to_lowercase() == lower)
                    .map(|h| h.id.as_str())
                    .or_else(|| did_you_mean(&slug, headings.iter().map(|h| h.id.as_str())));
                let help = match close {
                    Some(close) => format!("did you mean `#{close}`?"),
                    None if headings.is_empty() => {
                        format!("{target_file} has no headings; link to the page without `#`")
                    }
                    None => format!(
                        "its headings are: {}",
                        headings
                            .iter()
                            .map(|h| format!("#{}", h.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                diags.push(
                    Diagnostic::error(*file, format!("no heading `#{}` in {target_file}", a.fragment))
                        .at_offset(text, a.offset, a.width)
                        .with_help(help),
                );
                fill.push((slug, a.fragment.clone()));
            }
        }
    }
    (fill, diags)
}

/// Fills a body's heading links in (the second step of [`resolve_anchors`]); a body without
/// them is left as it is, not copied.
pub(crate) fn fill_anchors(page: &mut std::sync::Arc<Rendered>, fill: &[(String, String)]) {
    if !fill.is_empty() {
        let page = std::sync::Arc::make_mut(page);
        page.html = fill_placeholders(&page.html, fill);
        name_headings(page, fill);
        split_blocks(page);
    }
}

/// Until its heading is known, a heading link without a label reads "Title › fragment" (as
/// written) in the sentence kept beside the backlink: the heading's text takes its place.
fn name_headings(page: &mut Rendered, fill: &[(String, String)]) {
    for link in &mut page.links {
        let text = link.context.text();
        let named = page.anchors.iter().zip(fill).find_map(|(a, (_, heading))| {
            let title = text.strip_suffix(a.fragment.as_str())?.strip_suffix(" › ")?;
            (*heading != a.fragment).then(|| format!("{title} › {heading}"))
        });
        if let Some(named) = named {
            link.context = Arc::new(link.context.with_text(&named));
        }
    }
}

fn fill_placeholders(html: &str, fill: &[(String, String)]) -> String {
    // The ids and headings put in are longer than their placeholders.
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(start) = rest.find('\0') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('\0') else {
            rest = after;
            break;
        };
        let token = &after[..end];
        if token == "b" {
            // A block's mark: `split_blocks` takes it out.
            out.push_str(BLOCK_MARK);
            rest = &after[end + 1..];
            continue;
        }
        let (num, text) = match token.strip_suffix('t') {
            Some(n) => (n, true),
            None => (token, false),
        };
        if let Some((id, heading)) = num.parse::<usize>().ok().and_then(|k| fill.get(k)) {
            html::escape(&mut out, if text { heading } else { id });
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn unique(used: &mut HashMap<String, usize>, wanted: String) -> String {
    match used.get_mut(&wanted) {
        None => {
            used.insert(wanted.clone(), 1);
            wanted
        }
        Some(n) => {
            let mut k = *n;
            loop {
                let candidate = format!("{wanted}-{k}");
                k += 1;
                if !used.contains_key(&candidate) {
                    *used.get_mut(&wanted).expect("present") = k;
                    used.insert(candidate.clone(), 1);
                    return candidate;
                }
            }
        }
    }
}

/// A code block as HTML: highlighted by class when the language is known, escaped otherwise.
fn highlight(code: &str, lang: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    let class_lang = lang
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '+' || c == '#');
    let syntax = if lang.is_empty() {
        None
    } else {
        syntaxes().find_syntax_by_token(lang)
    };
    if let (Some(syntax), true) = (syntax, class_lang) {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
        let ok =
            LinesWithEndings::from(code).all(|line| generator.parse_html_for_line_which_includes_newline(line).is_ok());
        if ok {
            out.push_str(&format!(
                "<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">"
            ));
            out.push_str(&generator.finalize());
            out.push_str("</code></pre>\n");
            return out;
        }
        // A grammar that fails on this input: show the code plain rather than half-highlighted.
    }
    out.push_str("<pre class=\"code\"><code");
    if !lang.is_empty() {
        out.push_str(" class=\"language-");
        html::escape(&mut out, lang);
        out.push('"');
    }
    out.push('>');
    html::escape(&mut out, code);
    out.push_str("</code></pre>\n");
    out
}

/// The default stylesheet for highlighted code: a light theme, and a dark one for readers who
/// prefer it. A dossier replaces it by putting its own `static/syntax.css`.
pub(crate) fn syntax_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let mut css = String::from("/* Generated by dossier from syntect's themes; override with static/syntax.css. */\n");
    if let Some(light) = themes.themes.get("InspiredGitHub")
        && let Ok(s) = css_for_theme_with_class_style(light, CLASS_STYLE)
    {
        css.push_str(&s);
    }
    if let Some(dark) = themes.themes.get("base16-ocean.dark")
        && let Ok(s) = css_for_theme_with_class_style(dark, CLASS_STYLE)
    {
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&s);
        css.push_str("}\n");
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn slugs_keep_every_script() {
        assert_eq!(slugify("Who knew what, and when?"), "who-knew-what-and-when");
        assert_eq!(slugify("利益衝突"), "利益衝突");
        assert_eq!(slugify("H100 調撥 — 2023"), "h100-調撥-2023");
        assert_eq!(slugify("!!!"), "section");
    }

    #[test]
    fn heading_ids_are_unique_and_anchored() {
        let r = render("# A\n\n## A\n\n## A\n\n## Sources\n\n## 時間線\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-2", "sources-1", "時間線"]);
        assert!(
            r.html
                .contains("<h2 id=\"時間線\">時間線 <a class=\"anchor\" href=\"#時間線\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn explicit_heading_ids_win() {
        let r = render("## Findings {#summary .lead}\n");
        assert_eq!(r.headings[0].id, "summary");
        assert!(
            r.html.contains("<h2 id=\"summary\" class=\"lead\">Findings"),
            "{}",
            r.html
        );
    }

    #[test]
    fn strong_beside_chinese_punctuation_is_strong() {
        // CommonMark leaves these asterisks as they are: the closing `**` follows 。 and is
        // followed by a letter.
        let r = render("**兩份資料的說法不同。**2024年6月的報導說，**特斯拉「晚了數月」**才收到[^1]。\n\n[^1]: 註。\n");
        assert!(
            r.html.contains(
                "<strong>兩份資料的說法不同。</strong>2024年6月的報導說，<strong>特斯拉「晚了數月」</strong>才收到"
            ),
            "{}",
            r.html
        );
        // Latin text is left to CommonMark: these stay asterisks.
        for md in ["2 ** 3 ** 4", "**foo.**bar", "***"] {
            let r = render(md);
            assert!(!r.html.contains("<strong>"), "{md}: {}", r.html);
        }
        assert!(
            render("**粗體**與**bold**。")
                .html
                .contains("<strong>粗體</strong>與<strong>bold</strong>。")
        );
        // The block's words, for the sentences beside backlinks, have no asterisks.
        assert_eq!(cjk_strong("見**說法。**下文"), Some((3, 14)));
        assert_eq!(cjk_strong("** 說法 **"), None);
    }

    #[test]
    fn extensions_are_on() {
        let r = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\" text[^1]\n\n[^1]: A note.\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("“quoted”"));
        assert!(r.html.contains("footnote-definition"));
    }

    #[test]
    fn external_links_get_noopener_and_internal_ones_do_not() {
        let r = render("[out](https://example.org/a?b=1&c=2 \"T\") and [in](/sources/)\n");
        assert!(
            r.html
                .contains("<a href=\"https://example.org/a?b=1&amp;c=2\" title=\"T\" rel=\"noopener\">out</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a href=\"/sources/\">in</a>"));
    }

    #[test]
    fn code_is_highlighted_by_class() {
        let r = render("```rust\nfn main() {}\n```\n\n```nosuchlang\n<x>\n```\n");
        assert!(r.html.contains("class=\"hl-source hl-rust\""), "{}", r.html);
        assert!(r.html.contains("<code class=\"language-nosuchlang\">&lt;x&gt;"));
        assert!(syntax_css().contains(".hl-keyword"));
    }

    use crate::links::Target;

    fn targets() -> LinkTargets {
        let mut t = LinkTargets::new("/h100/");
        let notes: [(&str, &str, Kind, &str, &[&str]); 4] = [
            (
                "elon-musk",
                "Elon Musk",
                Kind::Person,
                "content/people/elon-musk.md",
                &["Musk", "馬斯克"],
            ),
            ("cnbc", "Nvidia emails", Kind::Source, "content/sources/cnbc.md", &[]),
            (
                "h100-reallocation",
                "H100s go to X",
                Kind::Event,
                "content/events/h100-reallocation.md",
                &[],
            ),
            ("利益", "CJK page", Kind::Page, "content/notes/利益.md", &[]),
        ];
        for (id, title, kind, file, aliases) in notes {
            let aliases: Vec<String> = aliases.iter().map(|a| a.to_string()).collect();
            t.add(
                Target {
                    id: id.into(),
                    title: title.into(),
                    kind,
                    url: format!("/h100/{}/", file.trim_start_matches("content/").trim_end_matches(".md")),
                    translations: Vec::new(),
                },
                file,
                &aliases,
            );
        }
        t.add_static("img/chart.png");
        t
    }

    fn body(md: &str) -> Rendered {
        let b = Body {
            file: "content/events/h100-reallocation.md",
            text: md,
            start: 0,
            this: Some(2),
            seed: Vec::new(),
            lang: None,
        };
        render_body(&b, &targets())
    }

    fn errors(r: &Rendered) -> Vec<String> {
        r.diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn wikilinks_resolve_by_id_and_alias_with_the_title_as_default_label() {
        let r = body("See [[elon-musk]], [[Musk|the CEO]] and [[馬斯克]].\n");
        assert!(errors(&r).is_empty(), "{:?}", errors(&r));
        assert!(
            r.html.contains("See <a href=\"/h100/people/elon-musk/\">Elon Musk</a>, <a href=\"/h100/people/elon-musk/\">the CEO</a> and <a href=\"/h100/people/elon-musk/\">Elon Musk</a>."),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 3);
        assert_eq!(r.links[1].context.text(), "the CEO");
        assert_eq!(r.links[1].context.before(), "See Elon Musk, ");
    }

    #[test]
    fn empty_label_falls_back_to_the_title() {
        let r = body("[[elon-musk|]]\n");
        assert!(r.html.contains(">Elon Musk</a>"), "{}", r.html);
    }

    #[test]
    fn links_in_code_are_left_alone() {
        let r = body("`[[nope]]` and `[@nope]`\n\n```\n[[nope]] [@nope]\n```\n\n    [[nope]]\n");
        assert!(errors(&r).is_empty(), "{:?}", errors(&r));
        assert!(r.html.contains("<code>[[nope]]</code>"));
        assert!(r.html.contains("[[nope]] [@nope]"));
        assert!(r.links.is_empty());
    }

    #[test]
    fn a_wikilink_in_a_table_cell_escapes_its_bar() {
        let r = body("| who | note |\n|---|---|\n| [[elon-musk\\|Musk]] | CEO |\n");
        assert!(errors(&r).is_empty(), "{:?}", errors(&r));
        assert!(
            r.html
                .contains("<td><a href=\"/h100/people/elon-musk/\">Musk</a></td><td>CEO</td>"),
            "{}",
            r.html
        );
        assert_eq!(r.links[0].context.text(), "Musk");
    }

    #[test]
    fn words_the_author_marks_with_a_language_are_marked_in_a_link_s_context() {
        let r = body(
            "[[elon-musk|Musk]] named a <span class=\"x\">plain</span> conflict of interest \
             (<span lang=\"zh-Hant\">「利益衝突」</span>).\n\n<SPAN LANG='fr'>Ailleurs</Span > [[elon-musk|Musk]] \
             <span lang=\"de\">A [@cnbc, p. 3]</span> <span 中文>x</span> <span lang=\"en\" class=\"y\">z</span>.\n",
        );
        assert!(errors(&r).is_empty(), "{:?}", errors(&r));
        let first = &r.links[0].context;
        assert!(first.after().contains("「利益衝突」"), "{}", first.after());
        let marked = |c: &crate::links::Context| -> Vec<(String, String)> {
            c.foreign()
                .iter()
                .map(|f| (f.lang.to_string(), f.text.to_string()))
                .collect()
        };
        // Each marked span once, with its language; an unmarked span is not in another one,
        // nor is one that holds a citation or has another attribute than `lang`.
        assert_eq!(
            marked(first),
            [
                ("zh-Hant".to_string(), "「利益衝突」".to_string()),
                ("fr".to_string(), "Ailleurs".to_string())
            ]
        );
    }

    #[test]
    fn cjk_ids_and_headings() {
        let r = body("[[利益]] and [[利益#利益衝突]]\n");
        assert!(errors(&r).is_empty(), "{:?}", errors(&r));
        assert_eq!(r.anchors.len(), 1);
        assert_eq!(r.anchors[0].fragment, "利益衝突");
        assert!(
            r.html
                .contains("<a href=\"/h100/notes/%E5%88%A9%E7%9B%8A/\">CJK page</a>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn nested_brackets_in_a_wikilink() {
        let r = body("[[elon-musk|the [CEO]]] and [[a [b] c]]\n");
        let e = errors(&r);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("unknown id `a [b] c`"), "{e:?}");
    }

    #[test]
    fn unknown_wikilinks_point_at_the_id_with_a_hint() {
        let r = body("First line.\nSee [[elon-musc]] here.\n");
        assert_eq!(
            errors(&r),
            [
                "content/events/h100-reallocation.md:2:7: error: unknown id `elon-musc` (help: did you mean `elon-musk`?)"
            ]
        );
    }

    #[test]
    fn a_line_break_between_chinese_characters_is_no_space() {
        let r = body("他回應，\n以及\n補充。\nThen English\ntext, and 中文\nEnglish.\n");
        assert!(
            r.html
                .contains("他回應，以及補充。\nThen English\ntext, and 中文\nEnglish."),
            "{}",
            r.html
        );
        // Korean is written with spaces between words: its line breaks stay.
        assert!(body("한국어\n문장\n").html.contains("한국어\n문장"));
    }

    #[test]
    fn citations_are_numbered_and_reused() {
        let r = body("A [@cnbc]. B [@cnbc, ¶4; @cnbc]. C [@cnbc, ¶4].\n");
        assert!(errors(&r).is_empty(), "{:?}", errors(&r));
        let c: Vec<_> = r
            .citations
            .iter()
            .map(|c| (c.n, c.at.as_deref(), c.refs.len()))
            .collect();
        assert_eq!(c, [(1, None, 2), (2, Some("¶4"), 2)]);
        assert!(
            r.html.contains("A <sup class=\"cite\">[<a href=\"#cite-1\" id=\"cite-ref-1-1\" role=\"doc-noteref\" aria-label=\"Source 1\">1</a>]</sup>."),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(">2</a>, <a href=\"#cite-1\" id=\"cite-ref-1-2\""),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 4);
        assert_eq!(r.links[1].kind, LinkKind::Cite { at: Some("¶4".into()) });
        assert_eq!(r.links[1].context.before(), "B");
        assert_eq!(r.links[1].context.after(), ".");
    }

    #[test]
    fn a_citation_after_the_full_stop_belongs_to_the_sentence_before() {
        let r = body("Tesla's order went to X. [@cnbc] Then more.\n");
        assert_eq!(r.links[0].context.before(), "Tesla’s order went to X.");
    }

    #[test]
    fn seeded_citations_come_first() {
        let b = Body {
            file: "content/events/x.md",
            text: "Body [@cnbc, ¶5] and [@cnbc, ¶9].\n",
            start: 0,
            this: None,
            seed: vec![SeedCite {
                source: 1,
                at: Some("¶5".into()),
                quote: Some("q".into()),
            }],
            lang: None,
        };
        let r = render_body(&b, &targets());
        let c: Vec<_> = r
            .citations
            .iter()
            .map(|c| (c.n, c.at.as_deref(), c.quote.as_deref()))
            .collect();
        assert_eq!(c, [(1, Some("¶5"), Some("q")), (2, Some("¶9"), None)]);
    }

    #[test]
    fn escaped_citations_stay_text() {
        let r = body("\\[@cnbc] and \\\\[@cnbc] and [not a citation] and email@example.org [x@y]\n");
        assert!(r.html.contains("[@cnbc] and \\"), "{}", r.html);
        assert_eq!(r.citations.len(), 1, "the double backslash escapes itself: {}", r.html);
        assert!(r.html.contains("[not a citation]"));
    }

    #[test]
    fn citing_what_is_not_a_source_is_an_error() {
        let r = body("[@elon-musk] [@cnbx, p. 2] [@a b]\n");
        assert_eq!(
            errors(&r),
            [
                "content/events/h100-reallocation.md:1:3: error: `elon-musk` is a person, not a source; only sources can be cited (help: link to it with [[elon-musk]] instead, or cite the source that reports it)",
                "content/events/h100-reallocation.md:1:16: error: unknown id `cnbx` (help: did you mean `cnbc`?)",
                "content/events/h100-reallocation.md:1:28: error: `[@a b]` is not a citation this build can read (help: write [@id], [@id, locator] or [@a; @b, p. 2]; to keep a bracket that starts with @ as text, write \\[@)",
            ]
        );
    }

    #[test]
    fn markdown_links_to_notes_and_static_files() {
        let r = body(
            "[Musk](../people/elon-musk.md), [same](h100-reallocation.md#top \"T\"), [chart](../../static/img/chart.png) ![c](../../static/img/chart.png) [out](https://x.org) [rel](other/page/)\n",
        );
        assert!(errors(&r).is_empty(), "{:?}", errors(&r));
        assert!(
            r.html.contains("<a href=\"/h100/people/elon-musk/\">Musk</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<a href=\"/h100/events/h100-reallocation/#\0"),
            "{}",
            r.html
        );
        assert!(r.html.contains(" title=\"T\">same</a>"), "{}", r.html);
        assert!(
            r.html.contains("<a href=\"/h100/img/chart.png\">chart</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<img src=\"/h100/img/chart.png\" alt=\"c\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a href=\"other/page/\">rel</a>"));
        assert_eq!(r.links.len(), 1, "a link to the note itself is not a backlink");
    }

    #[test]
    fn broken_markdown_links_are_errors() {
        let r = body("[a](../people/elon-musc.md) [b](../../static/img/nope.png) [c](../../../../x.md)\n");
        assert_eq!(
            errors(&r),
            [
                "content/events/h100-reallocation.md:1:5: error: `../people/elon-musc.md` leads to content/people/elon-musc.md, which does not exist (help: did you mean content/people/elon-musk.md?)",
                "content/events/h100-reallocation.md:1:33: error: `../../static/img/nope.png` leads to static/img/nope.png, which does not exist (help: link to a .md file under content/ or a file under static/, relative to this note)",
                "content/events/h100-reallocation.md:1:64: error: `../../../../x.md` leads outside the dossier (help: link to a .md file under content/, relative to this note)",
            ]
        );
    }

    #[test]
    fn heading_links_are_checked_and_filled() {
        let musk = Body {
            file: "content/people/elon-musk.md",
            text: "## Roles at Tesla\n\n## Explicit {#My_Id}\n",
            start: 0,
            this: Some(0),
            seed: Vec::new(),
            lang: None,
        };
        let event = "[[elon-musk#Roles at Tesla]] [[elon-musk#my_id|x]] [m](../people/elon-musk.md#roles-at-tesla) [[#Local]] [[elon-musk#nope]]\n\n## Local\n";
        let mut pages = vec![
            (
                Arc::new(render_body(&musk, &targets())),
                "content/people/elon-musk.md",
                musk.text,
            ),
            (Arc::new(render("")), "content/sources/cnbc.md", ""),
            (Arc::new(body(event)), "content/events/h100-reallocation.md", event),
        ];
        let mut diags = Vec::new();
        resolve_anchors(&mut pages, &mut diags);
        let html = &pages[2].0.html;
        assert!(
            html.contains("<a href=\"/h100/people/elon-musk/#roles-at-tesla\">Elon Musk › Roles at Tesla</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"#local\">Local</a>"), "{html}");
        assert!(
            html.contains("<a href=\"/h100/people/elon-musk/#roles-at-tesla\">m</a>"),
            "{html}"
        );
        assert!(!html.contains('\0'));
        let d: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(
            d,
            [
                "content/events/h100-reallocation.md:1:42: error: no heading `#my_id` in content/people/elon-musk.md (help: did you mean `#My_Id`?)",
                "content/events/h100-reallocation.md:1:118: error: no heading `#nope` in content/people/elon-musk.md (help: its headings are: #roles-at-tesla, #My_Id)",
            ]
        );
    }

    #[test]
    fn heading_ids_avoid_citation_ids() {
        let r = render("## Cite 1\n");
        assert_eq!(r.headings[0].id, "h-cite-1");
    }

    #[test]
    fn odd_input_never_panics() {
        let inputs = [
            "[[",
            "]]",
            "[[]]",
            "[[|]]",
            "[[#]]",
            "[[ # | ]]",
            "[[\\]]",
            "[@",
            "[@]",
            "[@;]",
            "[@a;]",
            "[ @a ]",
            "\\[@a]",
            "\\\\[@cnbc]",
            "[@cnbc, ]",
            "[@cnbc,,]",
            "[[elon-musk#]]",
            "[[elon-musk#\u{0}]]",
            "[x](#)",
            "[x](../../../../)",
            "[x](%zz.md)",
            "[x](%E5%88%A9.md)",
            "![](..)",
            "[x](?q)",
            "## [@cnbc]\n\n## [[elon-musk]]",
            "> [@cnbc]\n> [[Musk]]",
            "- [[Musk]]\n  - [@cnbc]",
            "| [[a\\|b]] |\n|-|\n| [@cnbc] |",
            "[^1]: [[Musk]] [@cnbc]\n\n[^1]",
            "馬斯克[[馬斯克]]。[@cnbc]。",
            "[[elon-musk|[[nested]]]]",
            "[@cnbc] [@cnbc] [@cnbc, ¶1] \u{0} \u{feff}",
            "<a href=\"[[x]]\">[@y]</a>",
        ];
        for md in inputs {
            let mut pages = vec![(Arc::new(body(md)), "content/events/h100-reallocation.md", md)];
            let mut diags = Vec::new();
            resolve_anchors(&mut pages, &mut diags);
            let r = &pages[0].0;
            assert!(!r.html.contains('\0'), "{md}: {}", r.html);
            for d in r.diagnostics.iter().chain(&diags) {
                assert!(d.line >= 1 && d.col >= 1, "{md}: {d}");
            }
        }
    }
}
