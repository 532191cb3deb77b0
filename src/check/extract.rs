//! Finding the links in built files: every URL-bearing attribute of an HTML page, the `id`s a
//! fragment may point at, and the `url()`s and `@import`s of CSS.
//!
//! HTML is read by [`html`]: a scan that finds tags with `memchr` and reads them by the WHATWG
//! tokenizer's rules, which leaves to html5gum (a WHATWG-conformant tokenizer, the one lychee
//! uses) what it does not read itself, such as character references. Either way every
//! attribute value comes with its byte offset, so a broken link can be pointed at in the page.
//! CSS goes through cssparser, the tokenizer of Servo and Firefox.

use std::borrow::Cow;

use cssparser::{ParseError, Parser, ParserInput, Token};
use html5gum::{DefaultEmitter, Emitter, ForwardingEmitter, Token as HtmlToken, Tokenizer};

/// A URL found in a file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'t> {
    /// Borrowed from the page where it can be, which most links of a page can.
    pub url: Cow<'t, str>,
    /// What held it: `a href`, `img srcset`, `css url()`.
    pub what: &'static str,
    /// Byte offset of the value in the file.
    pub offset: usize,
}

/// What a page offers and what it points to.
#[derive(Debug, Default)]
pub struct PageLinks<'t> {
    pub links: Vec<Found<'t>>,
    /// Every `id`, and every `name` of an `<a>`, in the order of the page and as often as
    /// they come: the fragments that land somewhere.
    pub anchors: Vec<Cow<'t, str>>,
    /// The page's `<base href>`, if it has one.
    pub base: Option<String>,
}

impl Found<'_> {
    pub(crate) fn into_owned(self) -> Found<'static> {
        Found {
            url: Cow::Owned(self.url.into_owned()),
            what: self.what,
            offset: self.offset,
        }
    }
}

impl PageLinks<'_> {
    /// The links with their own copies of the URLs, for a page whose text does not outlive
    /// them.
    pub(crate) fn into_owned(self) -> PageLinks<'static> {
        PageLinks {
            links: self.links.into_iter().map(Found::into_owned).collect(),
            anchors: self.anchors.into_iter().map(|a| Cow::Owned(a.into_owned())).collect(),
            base: self.base,
        }
    }
}

/// The attributes the checker reads; any other attribute is skipped as it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Id,
    Name,
    Href,
    Src,
    Poster,
    Action,
    FormAction,
    Data,
    Cite,
    Srcset,
    Style,
    Rel,
}

impl Attr {
    /// How many there are: `Rel` is the last.
    const COUNT: usize = Attr::Rel as usize + 1;

    /// The attribute of a lowercase name.
    fn of(name: &[u8]) -> Option<Attr> {
        Some(match name {
            b"id" => Attr::Id,
            b"name" => Attr::Name,
            b"href" => Attr::Href,
            b"src" => Attr::Src,
            b"poster" => Attr::Poster,
            b"action" => Attr::Action,
            b"formaction" => Attr::FormAction,
            b"data" => Attr::Data,
            b"cite" => Attr::Cite,
            b"srcset" => Attr::Srcset,
            b"style" => Attr::Style,
            b"rel" => Attr::Rel,
            _ => return None,
        })
    }

    /// The attribute of a name as written, in any case.
    fn of_any_case(name: &[u8]) -> Option<Attr> {
        if let Some(a) = Attr::of(name) {
            return Some(a);
        }
        // No name the checker reads is longer than `formaction`.
        let mut lower = [0u8; 10];
        if name.len() > lower.len() || !name.iter().any(u8::is_ascii_uppercase) {
            return None;
        }
        for (l, c) in lower.iter_mut().zip(name) {
            *l = c.to_ascii_lowercase();
        }
        Attr::of(&lower[..name.len()])
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// The attributes of one start tag that the checker reads, each with its value and the byte
/// offset of the value in the page. Of two attributes with one name, the first counts.
struct Attrs<'t> {
    seen: u16,
    values: [(Cow<'t, str>, usize); Attr::COUNT],
}

impl<'t> Attrs<'t> {
    fn new() -> Self {
        Attrs {
            seen: 0,
            values: std::array::from_fn(|_| (Cow::Borrowed(""), 0)),
        }
    }

    /// Forgets the last tag's attributes (their values are overwritten as the next are read).
    fn clear(&mut self) {
        self.seen = 0;
    }

    fn is_empty(&self) -> bool {
        self.seen == 0
    }

    fn set(&mut self, attr: Attr, value: Cow<'t, str>, at: usize) {
        if self.seen & attr.bit() == 0 {
            self.seen |= attr.bit();
            self.values[attr as usize] = (value, at);
        }
    }

    fn get(&self, attr: Attr) -> Option<(&Cow<'t, str>, usize)> {
        (self.seen & attr.bit() != 0).then(|| {
            let (value, at) = &self.values[attr as usize];
            (value, *at)
        })
    }
}

/// The attributes of an element that hold a URL, with what to call each.
fn url_attributes(element: &str) -> &'static [(Attr, &'static str)] {
    match element {
        "a" => &[(Attr::Href, "a href")],
        "area" => &[(Attr::Href, "area href")],
        "link" => &[(Attr::Href, "link href")],
        "img" => &[(Attr::Src, "img src")],
        "script" => &[(Attr::Src, "script src")],
        "iframe" | "frame" | "embed" | "source" | "track" | "audio" => &[(Attr::Src, "src")],
        "input" => &[(Attr::Src, "src"), (Attr::FormAction, "input formaction")],
        "video" => &[(Attr::Src, "src"), (Attr::Poster, "video poster")],
        "form" => &[(Attr::Action, "form action")],
        "button" => &[(Attr::FormAction, "button formaction")],
        "object" => &[(Attr::Data, "object data")],
        "blockquote" | "q" | "ins" | "del" => &[(Attr::Cite, "cite")],
        _ => &[],
    }
}

/// `<link rel>` values that name a host, not a resource.
const HINT_RELS: &[&str] = &["preconnect", "dns-prefetch"];

/// html5gum's emitter, told to skip what the checker never reads: parse errors (whose
/// character checks are a large part of the tokenizing) and the text of the page, which is
/// only kept inside `<style>`, for its `url()`s.
struct LinkEmitter {
    inner: DefaultEmitter<usize>,
    /// The name of the tag being read, and whether it is a start tag.
    tag: Vec<u8>,
    start: bool,
    in_style: bool,
}

impl LinkEmitter {
    fn new() -> Self {
        let mut inner = DefaultEmitter::<usize>::new_with_span();
        // Switch to raw text inside <script> and <style>, as a browser does.
        inner.naively_switch_states(true);
        LinkEmitter {
            inner,
            tag: Vec::new(),
            start: false,
            in_style: false,
        }
    }
}

impl ForwardingEmitter for LinkEmitter {
    type Token = HtmlToken<usize>;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.inner
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn emit_error(&mut self, _: html5gum::Error) {}

    fn emit_string(&mut self, c: &[u8]) {
        if self.in_style {
            Emitter::emit_string(&mut self.inner, c);
        }
    }

    fn init_start_tag(&mut self) {
        self.tag.clear();
        self.start = true;
        Emitter::init_start_tag(&mut self.inner);
    }

    fn init_end_tag(&mut self) {
        self.tag.clear();
        self.start = false;
        Emitter::init_end_tag(&mut self.inner);
    }

    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag.extend_from_slice(s);
        Emitter::push_tag_name(&mut self.inner, s);
    }

    fn emit_current_tag(&mut self) -> Option<html5gum::State> {
        // Inside <style> the tokenizer reads raw text up to `</style>`, the only tag it ends at.
        self.in_style = self.start && self.tag == b"style";
        Emitter::emit_current_tag(&mut self.inner)
    }
}

/// Extracts the links and anchors of an HTML page.
///
/// Pages go through a scan, which finds tags with `memchr` and reads them by the WHATWG
/// tokenizer's rules, and leaves what it does not read itself to html5gum: a tag where an
/// attribute it reads holds character references, and a whole page holding CR, NUL, or
/// `<!--` inside a script (the escaped script states). html5gum reads every byte through its
/// state machine, which made checking a 10,000-page site take seconds; the results are the
/// same, which the tests check on generated and random pages.
pub fn html(text: &str) -> PageLinks<'_> {
    if memchr::memchr2(b'\r', b'\0', text.as_bytes()).is_some() {
        return html5gum_links(text);
    }
    scan(text).unwrap_or_else(|| html5gum_links(text))
}

/// What one start tag contributes: anchors, the base, links.
fn start_tag<'t>(out: &mut PageLinks<'t>, name: &str, attrs: &Attrs<'t>) {
    if attrs.is_empty() {
        return;
    }
    if let Some((v, _)) = attrs.get(Attr::Id) {
        out.anchors.push(v.clone());
    }
    if name == "a"
        && let Some((v, _)) = attrs.get(Attr::Name)
    {
        out.anchors.push(v.clone());
    }
    if name == "base"
        && let Some((v, _)) = attrs.get(Attr::Href)
    {
        out.base = Some(v.to_string());
        return;
    }
    if name == "link"
        && let Some((rel, _)) = attrs.get(Attr::Rel)
    {
        let rel = rel.to_ascii_lowercase();
        if rel.split_ascii_whitespace().any(|r| HINT_RELS.contains(&r)) {
            return;
        }
    }
    for &(attr, what) in url_attributes(name) {
        if let Some((v, at)) = attrs.get(attr) {
            let url = match v {
                Cow::Borrowed(v) => Cow::Borrowed(v.trim()),
                Cow::Owned(v) => Cow::Owned(v.trim().to_string()),
            };
            out.links.push(Found { url, what, offset: at });
        }
    }
    if let Some((v, at)) = attrs.get(Attr::Srcset)
        && matches!(name, "img" | "source")
    {
        for (url, i) in srcset(v) {
            out.links.push(Found {
                url: Cow::Owned(url),
                what: if name == "img" { "img srcset" } else { "source srcset" },
                offset: at + i,
            });
        }
    }
    if let Some((v, at)) = attrs.get(Attr::Style) {
        for mut f in css(v) {
            f.offset += at;
            f.what = "style url()";
            out.links.push(f);
        }
    }
}

/// The links of a stylesheet inside the page, at `offset`.
fn style_text(out: &mut PageLinks<'_>, css_text: &str, offset: usize) {
    for mut f in css(css_text) {
        f.offset += offset;
        out.links.push(f);
    }
}

/// Extracts links and anchors with html5gum, every byte through its tokenizer: what [`html`]
/// falls back to, and what the tests compare it with.
pub fn html5gum_links(text: &str) -> PageLinks<'_> {
    let mut out = PageLinks::default();
    let mut in_style = false;
    for token in Tokenizer::new_with_emitter(text, LinkEmitter::new()).flatten() {
        match token {
            HtmlToken::StartTag(tag) => {
                // Tag names are ASCII after tokenizing; anything else holds no link.
                let name = std::str::from_utf8(&tag.name).unwrap_or("");
                in_style = name == "style";
                let mut attrs = Attrs::new();
                for (k, v) in &tag.attributes {
                    if let Some(attr) = Attr::of(k) {
                        let value = Cow::Owned(String::from_utf8_lossy(v).into_owned());
                        attrs.set(attr, value, value_start(text, v.span.start));
                    }
                }
                start_tag(&mut out, name, &attrs);
            }
            HtmlToken::EndTag(_) => in_style = false,
            HtmlToken::String(s) if in_style => style_text(&mut out, &String::from_utf8_lossy(&s), s.span.start),
            _ => {}
        }
    }
    out
}

/// Whitespace as the HTML tokenizer sees it (CR never reaches it: see [`html`]).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b' ')
}

/// How the text after a start tag is read, as html5gum switches states by the tag's name.
enum Text {
    Markup,
    /// Raw text or RCDATA: nothing but the matching end tag ends it.
    Raw,
    Script,
    /// The rest of the page is text.
    Plain,
}

fn text_after(name: &[u8]) -> Text {
    match name {
        b"textarea" | b"title" | b"style" | b"iframe" | b"xmp" | b"noembed" | b"noframe" | b"noscript" => Text::Raw,
        b"script" => Text::Script,
        b"plaintext" => Text::Plain,
        _ => Text::Markup,
    }
}

/// What [`read_tag`] tells of a tag besides its attributes.
struct Tag<'t> {
    name: Cow<'t, str>,
    /// Where the tag ends, past its `>`.
    end: usize,
    /// The value of an attribute the checker reads holds `&`, which html5gum decodes.
    has_reference: bool,
}

/// Lowercases ASCII, borrowing when there is nothing to change.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Classes of bytes inside a tag, as bits of [`CLASS`].
const SPACE: u8 = 1;
const SLASH: u8 = 2;
const GT: u8 = 4;
const EQUALS: u8 = 8;

static CLASS: [u8; 256] = {
    let mut c = [0; 256];
    c[b'\t' as usize] = SPACE;
    c[b'\n' as usize] = SPACE;
    c[0x0c] = SPACE;
    c[b' ' as usize] = SPACE;
    c[b'/' as usize] = SLASH;
    c[b'>' as usize] = GT;
    c[b'=' as usize] = EQUALS;
    c
};

/// The first index from `i` whose byte is of one of `classes`, or the end.
fn skip_to(b: &[u8], mut i: usize, classes: u8) -> usize {
    while i < b.len() && CLASS[b[i] as usize] & classes == 0 {
        i += 1;
    }
    i
}

/// The first index from `i` whose byte is of none of `classes`, or the end.
fn skip_over(b: &[u8], mut i: usize, classes: u8) -> usize {
    while i < b.len() && CLASS[b[i] as usize] & classes != 0 {
        i += 1;
    }
    i
}

/// Reads a start or end tag whose name starts at `at`, by the tokenizer's tag states, with its
/// name and the attributes the checker reads (into `attrs`, cleared first) when `keep` is set;
/// `None` when the page ends inside it (the tokenizer then drops the tag).
fn read_tag<'t>(text: &'t str, at: usize, attrs: &mut Attrs<'t>, keep: bool) -> Option<Tag<'t>> {
    let b = text.as_bytes();
    attrs.clear();
    let mut i = skip_to(b, at, SPACE | SLASH | GT);
    // An end tag's name and attributes are never looked at.
    let name = if keep { lower(&text[at..i]) } else { Cow::Borrowed("") };
    let mut tag = Tag {
        name,
        end: 0,
        has_reference: false,
    };
    if !keep && b.get(i) == Some(&b'>') {
        tag.end = i + 1;
        return Some(tag);
    }
    loop {
        // Before an attribute's name.
        i = skip_over(b, i, SPACE | SLASH);
        if *b.get(i)? == b'>' {
            tag.end = i + 1;
            return Some(tag);
        }
        // The name: a leading `=` belongs to it.
        let name_start = i;
        i = skip_to(b, i + 1, SPACE | SLASH | GT | EQUALS);
        // Only the attributes the checker reads are kept, and only their values can send the
        // tag to html5gum for their character references.
        let attr = if keep {
            Attr::of_any_case(&b[name_start..i])
        } else {
            None
        };
        // After the name.
        i = skip_over(b, i, SPACE);
        let mut value = "";
        // Where the value starts; for an attribute without one, as html5gum's offsets place it.
        let mut value_at = None;
        if b.get(i) == Some(&b'=') {
            i = skip_over(b, i + 1, SPACE);
            value = match *b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let from = i + 1;
                    value_at = Some(from);
                    i = from;
                    if attr.is_some() {
                        // The closing quote, noting any `&` on the way.
                        loop {
                            i += memchr::memchr2(q, b'&', &b[i..])?;
                            if b[i] == q {
                                break;
                            }
                            tag.has_reference = true;
                            i += 1;
                        }
                    } else {
                        i += memchr::memchr(q, &b[i..])?;
                    }
                    i += 1;
                    &text[from..i - 1]
                }
                b'>' => "",
                _ => {
                    let from = i;
                    value_at = Some(from);
                    i = skip_to(b, i, SPACE | GT);
                    if i == b.len() {
                        return None;
                    }
                    tag.has_reference |= attr.is_some() && memchr::memchr(b'&', &b[from..i]).is_some();
                    &text[from..i]
                }
            };
        }
        if let Some(attr) = attr {
            let at = value_at.unwrap_or_else(|| value_start(text, name_start));
            attrs.set(attr, Cow::Borrowed(value), at);
        }
    }
}

/// Where the raw text after a start tag named `name` ends: the `<` of the matching end tag, or
/// the end of the page.
fn raw_text_end(text: &str, from: usize, name: &str) -> usize {
    let b = text.as_bytes();
    let mut i = from;
    while let Some(k) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + k;
        let after = at + 2 + name.len();
        if after < b.len()
            && b[at + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && (is_space(b[after]) || matches!(b[after], b'/' | b'>'))
        {
            return at;
        }
        i = at + 2;
    }
    b.len()
}

/// Where a comment that starts at `from` (past `<!--`) ends, past its `>`.
fn comment_end(b: &[u8], from: usize) -> usize {
    // `<!-->` and `<!--->` end at once.
    if b.get(from) == Some(&b'>') {
        return from + 1;
    }
    if b[from..].starts_with(b"->") {
        return from + 2;
    }
    let close = memchr::memmem::find(&b[from..], b"-->").map(|k| from + k + 3);
    let bang = memchr::memmem::find(&b[from..], b"--!>").map(|k| from + k + 4);
    match (close, bang) {
        (Some(c), Some(x)) => c.min(x),
        (c, x) => c.or(x).unwrap_or(b.len()),
    }
}

/// The next `<` from `i`. Text between tags is often a byte or two (`</a> <span>`), for
/// which a plain loop beats setting up `memchr`.
fn next_lt(b: &[u8], i: usize) -> Option<usize> {
    let near = b.len().min(i + 16);
    match b[i..near].iter().position(|&c| c == b'<') {
        Some(k) => Some(i + k),
        None => memchr::memchr(b'<', &b[near..]).map(|k| near + k),
    }
}

/// Reads a page by the tokenizer's rules, with `memchr` to skip text. `None` for a page it
/// leaves to html5gum.
fn scan(text: &str) -> Option<PageLinks<'_>> {
    let b = text.as_bytes();
    let mut out = PageLinks::default();
    let mut attrs = Attrs::new();
    let mut i = 0;
    while let Some(lt) = next_lt(b, i) {
        i = lt + 1;
        match b.get(i) {
            Some(c) if c.is_ascii_alphabetic() => {
                let Some(tag) = read_tag(text, i, &mut attrs, true) else {
                    break;
                };
                i = tag.end;
                if tag.has_reference {
                    // html5gum decodes the references the same way in a tag read on its own.
                    let mut one = html5gum_links(&text[lt..tag.end]);
                    for f in &mut one.links {
                        f.offset += lt;
                    }
                    out.links.append(&mut one.links);
                    out.anchors.extend(one.anchors);
                    if one.base.is_some() {
                        out.base = one.base;
                    }
                } else {
                    start_tag(&mut out, &tag.name, &attrs);
                }
                match text_after(tag.name.as_bytes()) {
                    Text::Markup => {}
                    Text::Plain => break,
                    Text::Raw => {
                        let end = raw_text_end(text, i, &tag.name);
                        if tag.name == "style" && end > i {
                            style_text(&mut out, &text[i..end], i);
                        }
                        i = end;
                    }
                    Text::Script => {
                        let end = raw_text_end(text, i, "script");
                        if memchr::memmem::find(&b[i..end], b"<!--").is_some() {
                            return None;
                        }
                        i = end;
                    }
                }
            }
            Some(b'/') => match b.get(i + 1) {
                Some(c) if c.is_ascii_alphabetic() => match read_tag(text, i + 1, &mut attrs, false) {
                    Some(tag) => i = tag.end,
                    None => break,
                },
                Some(b'>') => i += 2,
                Some(_) => i = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |k| i + k + 1),
                None => break,
            },
            Some(b'!') if b[i..].starts_with(b"!--") => i = comment_end(b, i + 3),
            // A doctype, CDATA outside foreign content, and other declarations end at `>`.
            Some(b'!' | b'?') => i = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |k| i + k + 1),
            _ => {}
        }
    }
    Some(out)
}

/// Where an attribute's value starts, given where its name does: past `=`, spaces and a quote.
fn value_start(text: &str, attr_start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = attr_start;
    while i < bytes.len() && bytes[i] != b'=' && bytes[i] != b'>' {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'=' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
            i += 1;
        }
        i
    } else {
        attr_start
    }
}

/// The URLs of a `srcset`, with their byte offsets: `a.png 1x, b.png 2x`.
pub fn srcset(value: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut url = &value[start..i];
        // A comma right after the URL ends the candidate (no descriptor).
        let trimmed = url.trim_end_matches(',');
        let ended = trimmed.len() != url.len();
        url = trimmed;
        if !url.is_empty() {
            out.push((url.to_string(), start));
        }
        if !ended {
            // Skip the descriptor, up to the next comma outside parentheses.
            let mut depth = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    b',' if depth <= 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
    }
    out
}

/// The `url()`s and `@import`s of a stylesheet, with their byte offsets.
pub fn css(text: &str) -> Vec<Found<'static>> {
    let mut input = ParserInput::new(text);
    let mut parser = Parser::new(&mut input);
    let mut out = Vec::new();
    walk_css(&mut parser, &mut out);
    out
}

fn walk_css(p: &mut Parser<'_, '_>, out: &mut Vec<Found<'static>>) {
    let mut after_import = false;
    loop {
        let at = p.position().byte_index();
        let token = match p.next_including_whitespace_and_comments() {
            Ok(Token::WhiteSpace(_) | Token::Comment(_)) => continue,
            Ok(t) => t.clone(),
            Err(_) => break,
        };
        let import = matches!(&token, Token::AtKeyword(k) if k.eq_ignore_ascii_case("import"));
        match token {
            Token::UnquotedUrl(u) => out.push(Found {
                url: Cow::Owned(u.to_string()),
                what: "css url()",
                offset: at,
            }),
            Token::QuotedString(s) if after_import => out.push(Found {
                url: Cow::Owned(s.to_string()),
                what: "css @import",
                offset: at,
            }),
            Token::Function(name) if name.eq_ignore_ascii_case("url") => {
                let _ = p.parse_nested_block(|p| {
                    let inner = p.position().byte_index();
                    if let Ok(s) = p.expect_string() {
                        out.push(Found {
                            url: Cow::Owned(s.to_string()),
                            what: "css url()",
                            offset: inner,
                        });
                    }
                    Ok::<_, ParseError<'_, ()>>(())
                });
            }
            Token::Function(_) | Token::ParenthesisBlock | Token::SquareBracketBlock | Token::CurlyBracketBlock => {
                let _ = p.parse_nested_block(|p| {
                    walk_css(p, out);
                    Ok::<_, ParseError<'_, ()>>(())
                });
            }
            _ => {}
        }
        after_import = import;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both readers give the same links, offsets, anchors and base.
    #[track_caller]
    fn agree(page: &str) {
        let fast = html(page);
        let slow = html5gum_links(page);
        assert_eq!(fast.links, slow.links, "links of {page:?}");
        assert_eq!(fast.anchors, slow.anchors, "anchors of {page:?}");
        assert_eq!(fast.base, slow.base, "base of {page:?}");
    }

    #[test]
    fn the_fast_reader_agrees_with_html5gum_on_edge_cases() {
        for page in [
            "<a href=x>",
            "<a href=x",
            "<a href='x",
            "<a href",
            "<a href=>",
            "<a href = \"x\" id=a id=b>",
            "<A HREF=\"X\" ID=Up>",
            "<a href=\"a&amp;b\" id=\"&lt;&#x41;&notanentity;\">",
            "<a href=a&b>",
            "<a/href=x/id=y/>",
            "<a href=\"x\"id=\"y\">",
            "<a =href=x href=y>",
            "<a \"href=x href=y>",
            "<a href=\"x>y\">",
            "<img src=i srcset=\"a 1x, b 2x\" style=\"background:url(c)\">",
            "<!--><a href=1><!---><a href=2><!-- --><a href=3>",
            "<!-- <a href=no> -- --!><a href=4><!-- a --!x <a href=no> --><a href=5>",
            "<!-- unterminated <a href=no>",
            "<!DOCTYPE html PUBLIC \"a>b\"><a href=6>",
            "<?php <a href=no> ?><a href=7>",
            "<![CDATA[ <a href=8> ]]>",
            "</ a href=no><a href=9></><a href=10></a href=x id=no>",
            "</a",
            "a < b <1 <",
            "<title><a href=no></title ><a href=11>",
            "<textarea></textareax><a href=no></TEXTAREA><a href=12>",
            "<style>a{b:url(s.png)}</style><style>@import 'i.css';</styl></style x><a href=13>",
            "<style>unterminated url(u.png)",
            "<script><a href=no></script><a href=14>",
            "<script><!-- <script></script><a href=no></script>--></script><a href=15>",
            "<noscript><a href=no></noscript><a href=16>",
            "<plaintext><a href=no>",
            "<base href=/b/><base href=/c/><a href=17>",
            "<link rel=\"Preconnect\" href=\"https://x\"><link rel=stylesheet href=s.css>",
            "<a\thref=\"é\"\x0cid=中>é <a href=\"\u{a0}x\u{a0}\">",
            "<a href=\"x\r\ny\">\r<a href=z>",
            "<a href=\"x\0\">",
            "<a id=1 name=n><div name=no id=2>",
        ] {
            agree(page);
        }
    }

    #[test]
    fn the_fast_reader_agrees_with_html5gum_on_random_pages() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "/",
            "=",
            "\"",
            "'",
            " ",
            "\t",
            "\n",
            "\x0c",
            "!",
            "-",
            "--",
            "?",
            "&",
            ";",
            "&amp;",
            "&#38;",
            "&lt;",
            "&quot;",
            "a",
            "A",
            "x",
            "é",
            "中",
            "\r",
            "\0",
            "`",
            "<a",
            "<A",
            "</a",
            "<img",
            "<base",
            "<link",
            "<source",
            "<div",
            "<style",
            "</style",
            "<script",
            "</script",
            "<title",
            "</title",
            "<textarea",
            "</textarea",
            "<plaintext",
            "<noscript",
            "</noscript",
            "<!--",
            "-->",
            "--!>",
            "<!",
            "<!DOCTYPE",
            "<?",
            " href",
            " HREF",
            " src",
            " srcset",
            " id",
            " name",
            " rel",
            " style",
            " data-x",
            "=\"",
            "='",
            "=x",
            "=/y/#f",
            " a.png 1x, b.png 2x",
            "url(u.png)",
            "@import 'i.css';",
            "preconnect",
            "stylesheet",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..30_000 {
            let mut page = String::new();
            for _ in 0..rng.usize(1..40) {
                page.push_str(PIECES[rng.usize(..PIECES.len())]);
            }
            agree(&page);
        }
    }

    #[test]
    fn attributes_anchors_and_base() {
        let page = html(concat!(
            "<base href=\"/x/\"><a href=\"a.html?x=1&amp;y=2#f\" id=\"top\">x</a><a name=\"old\"></a>",
            "<img src=\"i.png\" srcset=\"i1.png 1x, i2.png 2x\"><link rel=\"stylesheet\" href=\"s.css\">",
            "<link rel=\"preconnect\" href=\"https://cdn.example\"><script src=\"j.js\"></script>",
            "<script>var s = '<a href=\"nope\">';</script><video poster=\"p.jpg\"></video>",
            "<form action=\"/search\"></form><div style=\"background: url(bg.png)\"></div>",
            "<style>body { background: url('b.png') } @import \"i.css\";</style>",
        ));
        let urls: Vec<(&str, &str)> = page.links.iter().map(|f| (f.url.as_ref(), f.what)).collect();
        assert_eq!(
            urls,
            [
                ("a.html?x=1&y=2#f", "a href"),
                ("i.png", "img src"),
                ("i1.png", "img srcset"),
                ("i2.png", "img srcset"),
                ("s.css", "link href"),
                ("j.js", "script src"),
                ("p.jpg", "video poster"),
                ("/search", "form action"),
                ("bg.png", "style url()"),
                ("b.png", "css url()"),
                ("i.css", "css @import"),
            ]
        );
        assert_eq!(page.anchors, ["top", "old"]);
        assert_eq!(page.base.as_deref(), Some("/x/"));
    }

    #[test]
    fn spans_point_at_the_value() {
        let text = "<p>\n<a class=x href = 'here'>x</a><img srcset=\"a 1x, bb 2x\">";
        let page = html(text);
        assert_eq!(&text[page.links[0].offset..page.links[0].offset + 4], "here");
        assert_eq!(&text[page.links[2].offset..page.links[2].offset + 2], "bb");
        let css_text = "a { b: url(x.png) }";
        assert_eq!(&css_text[css(css_text)[0].offset..][..10], "url(x.png)");
    }

    #[test]
    fn srcset_candidates() {
        assert_eq!(
            srcset("a.png 1x,b.png 2x , c,d.png 100w"),
            [("a.png".into(), 0), ("b.png".into(), 9), ("c,d.png".into(), 20)],
            "a URL may hold commas; only trailing ones end it"
        );
        assert_eq!(srcset("a.png, b.png"), [("a.png".into(), 0), ("b.png".into(), 7)]);
        assert_eq!(srcset("img.png (max-width: 2px, 3px) 1x"), [("img.png".into(), 0)]);
    }
}
