//! Front-matter: the `---` block at the top of a note, read into typed structs.
//!
//! This is the only module that calls serde_yaml. That crate is no longer maintained upstream;
//! keeping it behind [`Document`] means swapping it touches one file.
//!
//! The YAML is parsed once into a tree, and each typed struct is read from that tree. A tree
//! carries no positions, so when reading a struct fails, the same struct is read again from the
//! text, which makes serde_yaml report the line and column; that second parse only happens on
//! the error path. Positions of values that are valid YAML but wrong in meaning (an id that does
//! not exist) come from [`locate`], which walks the YAML events of saphyr-parser, a maintained
//! parser that reports a span for every node.

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::diag::{Diagnostic, did_you_mean};

/// A note's text split into its front-matter and body, with the front-matter parsed.
pub(crate) struct Document<'a> {
    file: &'a str,
    text: &'a str,
    /// Byte range of the YAML inside the text.
    pub yaml_start: usize,
    pub yaml_end: usize,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
    value: Value,
}

const FENCE_HELP: &str = "start the file with a line `---`, then the fields (`title: …`), then another line `---`";

impl<'a> Document<'a> {
    /// Splits the `---` block off `text` and parses it as YAML.
    pub(crate) fn parse(file: &'a str, text: &'a str) -> Result<Document<'a>, Diagnostic> {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let rest = &text[start..];
        let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if rest[..first_line_end].trim_end() != "---" {
            return Err(Diagnostic::error(file, "this note has no front-matter")
                .at(text, 1, 1, 1)
                .with_help(FENCE_HELP));
        }
        let yaml_start = start + first_line_end;
        let yaml_end = closing_fence(text, yaml_start);
        let Some((yaml_end, body_start)) = yaml_end else {
            return Err(Diagnostic::error(file, "the front-matter is never closed")
                .at(text, 1, 1, 3)
                .with_help("add a line `---` after the last field, before the body"));
        };
        let yaml = &text[yaml_start..yaml_end];
        if let Some(at) = too_deep(yaml) {
            return Err(nesting_error(file, text, yaml_start + at));
        }
        let value: Value = match serde_yaml::from_str(yaml) {
            Ok(v) => v,
            Err(e) => {
                return Err(yaml_error(
                    file,
                    text,
                    yaml_start,
                    &e,
                    "invalid YAML in the front-matter",
                ));
            }
        };
        let value = match value {
            Value::Null => Value::Mapping(Default::default()),
            Value::Mapping(_) => value,
            _ => {
                return Err(Diagnostic::error(file, "the front-matter is not a map of fields")
                    .at_offset(text, yaml_start, 1)
                    .with_help("write one `field: value` per line"));
            }
        };
        Ok(Document {
            file,
            text,
            yaml_start,
            yaml_end,
            body_start,
            value,
        })
    }

    /// Reads the fields into `T`, ignoring keys `T` does not have.
    pub(crate) fn get<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        match T::deserialize(&self.value) {
            Ok(v) => Ok(v),
            Err(tree_err) => {
                // Read again from the text to learn where the problem is.
                let yaml = &self.text[self.yaml_start..self.yaml_end];
                match serde_yaml::from_str::<T>(yaml) {
                    Err(e) => Err(yaml_error(
                        self.file,
                        self.text,
                        self.yaml_start,
                        &e,
                        "wrong value in the front-matter",
                    )),
                    Ok(_) => {
                        Err(
                            Diagnostic::error(self.file, format!("wrong value in the front-matter: {tree_err}"))
                                .at_offset(self.text, self.yaml_start, 1),
                        )
                    }
                }
            }
        }
    }

    /// The top-level keys, as written.
    pub(crate) fn keys(&self) -> Vec<String> {
        match &self.value {
            Value::Mapping(map) => map.keys().filter_map(|k| k.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    }

    /// A top-level string field, if present and a string.
    pub(crate) fn str_field(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(Value::as_str)
    }

    /// The keys not in `known`, as JSON values for templates; a key that looks like a misspelt
    /// known key gets a warning.
    pub(crate) fn extra(&self, known: &[&[&str]]) -> (serde_json::Map<String, serde_json::Value>, Vec<Diagnostic>) {
        let mut extra = serde_json::Map::new();
        let mut diags = Vec::new();
        let Value::Mapping(map) = &self.value else {
            return (extra, diags);
        };
        let all_known = || known.iter().flat_map(|k| k.iter().copied());
        for (k, v) in map {
            let key = match k {
                Value::String(s) => s.clone(),
                other => match serde_yaml::to_string(other) {
                    Ok(s) => s.trim().to_string(),
                    Err(_) => continue,
                },
            };
            if all_known().any(|kk| kk == key) {
                continue;
            }
            if let Some(close) = did_you_mean(&key, all_known()) {
                let (line, col, width) = self.locate_key(&key).unwrap_or((1, 1, 1));
                diags.push(
                    Diagnostic::warning(self.file, format!("unknown field `{key}`; it is kept in `extra`"))
                        .at(self.text, line, col, width)
                        .with_help(format!("did you mean `{close}`?")),
                );
            }
            match serde_json::to_value(v) {
                Ok(json) => {
                    extra.insert(key, json);
                }
                Err(e) => diags.push(
                    Diagnostic::warning(self.file, format!("field `{key}` cannot be shown in templates: {e}"))
                        .at_offset(self.text, self.yaml_start, 1),
                ),
            }
        }
        (extra, diags)
    }

    fn locate_key(&self, key: &str) -> Option<(usize, usize, usize)> {
        locate_in(self.text, self.yaml_start, self.yaml_end, &[], Some(key))
    }
}

/// One interface string of a theme: a text, or a list of texts (the names of the months).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Text {
    One(String),
    Many(Vec<String>),
}

/// Reads a theme's interface strings (`templates/i18n/LANG.yaml`): a map from keys to texts.
pub(crate) fn parse_strings(file: &str, text: &str) -> Result<std::collections::BTreeMap<String, Text>, Diagnostic> {
    if text.trim().is_empty() {
        return Ok(Default::default());
    }
    if let Some(at) = too_deep(text) {
        return Err(nesting_error(file, text, at));
    }
    serde_yaml::from_str(text).map_err(|e| {
        yaml_error(file, text, 0, &e, "invalid interface strings").with_help(
            "write one `key: text` per line, and a list as `[a, b]`; quote texts that contain `: ` or start with `{`",
        )
    })
}

/// How deep lists and maps may nest in YAML the dossier reads. Front-matter needs five levels
/// (the fields, `roles`, a role, its `cites`, a citation); a YAML parser's time grows with the
/// square of the depth, so deeper text is refused before it is parsed.
pub(crate) const MAX_NESTING: usize = 64;

fn nesting_error(file: &str, text: &str, offset: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        format!("lists and maps nest more than {MAX_NESTING} levels deep here"),
    )
    .at_offset(text, offset, 1)
    .with_help("no field needs this depth: write the value with fewer brackets or less indentation")
}

/// Where the nesting of lists and maps in `yaml` first goes past [`MAX_NESTING`], as a byte
/// offset, by a scan that does not parse: flow collections count their open `[` and `{`
/// (outside quoted scalars, comments and block scalars), block collections the indentations
/// open above a line and the `- ` entries that start it. It is meant to count a level more
/// than a parser would where the text is ambiguous (a multi-line plain scalar), never fewer.
fn too_deep(yaml: &str) -> Option<usize> {
    deeper_than(yaml, MAX_NESTING)
}

/// [`too_deep`] for any limit.
fn deeper_than(yaml: &str, limit: usize) -> Option<usize> {
    let mut scan = Nesting {
        limit,
        ..Nesting::default()
    };
    let mut line_start = 0;
    for line in yaml.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        if let Some(at) = scan.line(line.trim_end_matches(['\n', '\r']).as_bytes()) {
            return Some(start + at);
        }
    }
    None
}

/// The state of [`deeper_than`] between lines.
#[derive(Default)]
struct Nesting {
    limit: usize,
    /// Open `[` and `{`: whether each is a `[` with a `key: value` entry open in it, which is a
    /// map of its own.
    flow: Vec<(bool, bool)>,
    /// How many of those entries are open.
    pairs: usize,
    /// The block collections open above the current line: the column of their entries, and
    /// whether it is a list at the column of the key it is the value of.
    indents: Vec<(usize, bool)>,
    /// Inside a quoted scalar: its quote.
    quote: Option<u8>,
    /// Inside a block scalar (`|`, `>`): the indentation of the line that starts it.
    block_scalar: Option<usize>,
}

impl Nesting {
    /// Scans one line (without its line break); where the limit is crossed in it, if it is.
    fn line(&mut self, bytes: &[u8]) -> Option<usize> {
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        if let Some(parent) = self.block_scalar {
            if indent == bytes.len() || indent > parent {
                return None;
            }
            self.block_scalar = None;
        }
        if indent == bytes.len() || (self.quote.is_none() && bytes[indent] == b'#') {
            return None;
        }
        let mut i = indent;
        if self.flow.is_empty() && self.quote.is_none() {
            let entry = matches!(bytes[i], b'-' | b'?') && blank_at(bytes, i + 1);
            while self.indents.last().is_some_and(|&(c, _)| c > indent) {
                self.indents.pop();
            }
            // A list may stand at its key's own column: a level the columns do not show.
            match self.indents.last() {
                Some(&(c, same)) if c == indent && same != entry => {
                    if same {
                        self.indents.pop();
                    } else {
                        self.indents.push((indent, true));
                    }
                }
                Some(&(c, _)) if c == indent => {}
                _ => self.indents.push((indent, false)),
            }
            if self.indents.len() > self.limit {
                return Some(indent);
            }
            // `- - x`: each entry marker opens a collection at the column after it.
            while matches!(bytes.get(i), Some(b'-' | b'?')) && blank_at(bytes, i + 1) {
                i += 1;
                while bytes.get(i) == Some(&b' ') {
                    i += 1;
                }
                self.indents.push((i, false));
                if self.indents.len() > self.limit {
                    return Some(i.min(bytes.len().saturating_sub(1)));
                }
            }
        }
        self.tokens(bytes, i, indent)
    }

    /// Scans `bytes[i..]` for quotes, brackets, comments and block scalar headers.
    fn tokens(&mut self, bytes: &[u8], mut i: usize, indent: usize) -> Option<usize> {
        // Whether a node may start here (a quoted scalar, a flow collection, a block scalar),
        // and whether the last token closed a quoted scalar or a flow collection, after which
        // a `:` in a flow is a value indicator even with no space after it.
        let mut node_start = true;
        let mut closed = false;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = self.quote {
                // A `\` escape in double quotes, a `''` in single quotes: the next byte is text.
                let escaped = (q == b'"' && b == b'\\') || (q == b'\'' && b == q && bytes.get(i + 1) == Some(&q));
                if escaped {
                    i += 1;
                } else if b == q {
                    self.quote = None;
                    (node_start, closed) = (false, true);
                }
                i += 1;
                continue;
            }
            let after_blank = i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
            match b {
                b' ' | b'\t' => {}
                b'#' if after_blank => return None,
                b'"' | b'\'' if node_start => self.quote = Some(b),
                // An anchor or a tag leaves the node to come.
                b'&' | b'!' if node_start => {
                    while i + 1 < bytes.len()
                        && !matches!(bytes[i + 1], b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}')
                    {
                        i += 1;
                    }
                }
                b'[' | b'{' if node_start || !self.flow.is_empty() => {
                    self.flow.push((b == b'[', false));
                    if self.depth() > self.limit {
                        return Some(i);
                    }
                    (node_start, closed) = (true, false);
                }
                b']' | b'}' if !self.flow.is_empty() => {
                    self.end_pair();
                    self.flow.pop();
                    (node_start, closed) = (false, true);
                }
                b',' if !self.flow.is_empty() => {
                    self.end_pair();
                    (node_start, closed) = (true, false);
                }
                // `key: value` or `? key` in a `[`.
                b':' if blank_at(bytes, i + 1) || (!self.flow.is_empty() && closed) => {
                    if self.open_pair() {
                        return Some(i);
                    }
                    (node_start, closed) = (true, false);
                }
                b'?' if node_start && blank_at(bytes, i + 1) => {
                    if self.open_pair() {
                        return Some(i);
                    }
                }
                b'|' | b'>' if node_start && self.flow.is_empty() => {
                    let header = bytes[i + 1..]
                        .iter()
                        .take_while(|b| matches!(b, b'+' | b'-' | b'0'..=b'9'))
                        .count();
                    let rest = &bytes[i + 1 + header..];
                    let rest = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
                    if rest.is_empty() || rest[0] == b'#' {
                        self.block_scalar = Some(indent);
                        return None;
                    }
                    (node_start, closed) = (false, false);
                }
                _ => (node_start, closed) = (false, false),
            }
            i += 1;
        }
        None
    }

    fn depth(&self) -> usize {
        self.indents.len() + self.flow.len() + self.pairs
    }

    /// Opens a `key: value` entry in the innermost `[`, if it is one without; whether that
    /// crosses the limit.
    fn open_pair(&mut self) -> bool {
        if let Some((true, pair @ false)) = self.flow.last_mut() {
            *pair = true;
            self.pairs += 1;
        }
        self.depth() > self.limit
    }

    /// Ends the `key: value` entry open in the innermost `[`, if one is.
    fn end_pair(&mut self) {
        if let Some((true, pair @ true)) = self.flow.last_mut() {
            *pair = false;
            self.pairs -= 1;
        }
    }
}

/// Whether `bytes[i]` is a blank or the end of the line.
fn blank_at(bytes: &[u8], i: usize) -> bool {
    matches!(bytes.get(i), None | Some(b' ' | b'\t'))
}

fn yaml_error(file: &str, text: &str, yaml_start: usize, e: &serde_yaml::Error, what: &str) -> Diagnostic {
    let mut msg = e.to_string();
    // serde_yaml appends " at line L column C"; the diagnostic says that itself.
    if let Some(i) = msg.rfind(" at line ") {
        msg.truncate(i);
    }
    let first_line = crate::diag::line_col(text, yaml_start).0;
    let d = Diagnostic::error(file, format!("{what}: {msg}"));
    let d = match e.location() {
        Some(loc) => d.at(text, first_line + loc.line() - 1, loc.column(), 1),
        None => d.at(text, first_line, 1, 1),
    };
    d.with_help(yaml_help(&msg))
}

fn yaml_help(msg: &str) -> String {
    if msg.contains("expected a sequence") {
        "write a list as `[a, b]` or as lines starting with `- `".into()
    } else if msg.contains("unknown variant") {
        "use one of the values listed above".into()
    } else if msg.contains("missing field") {
        "add the missing field".into()
    } else if msg.contains("mapping values are not allowed") || msg.contains("did not find expected") {
        "check the indentation, and quote values that contain `: ` or start with `[`, `{`, `*` or `&`".into()
    } else if msg.contains("duplicate") {
        "give each field once".into()
    } else {
        "fix the value at this place; see the front-matter reference in README.md".into()
    }
}

/// One step of a path into the front-matter: a key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathSeg {
    Key(&'static str),
    Index(usize),
}

/// Where the value at `path` stands in a note: (line, column, width in characters), 1-based,
/// counted in the whole file. `yaml_start` is the byte offset of the YAML inside `text`.
pub(crate) fn locate(text: &str, yaml_start: usize, path: &[PathSeg]) -> Option<(usize, usize, usize)> {
    let yaml_end = closing_fence(text, yaml_start).map_or(text.len(), |(start, _)| start);
    locate_in(text, yaml_start, yaml_end, path, None)
}

/// The closing `---` (or `...`) line after `from`: (its start, the start of the next line).
fn closing_fence(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut pos = from;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end_matches(['\n', '\r']);
        if line == "---" || line == "..." {
            return Some((pos, end));
        }
        pos = end;
    }
    None
}

/// Walks the YAML events and returns the span of the node at `path`, or, with `key`, of that
/// top-level key itself.
fn locate_in(
    text: &str,
    yaml_start: usize,
    yaml_end: usize,
    path: &[PathSeg],
    key: Option<&str>,
) -> Option<(usize, usize, usize)> {
    use saphyr_parser::{Event, Parser};
    enum Frame {
        Map { expecting_key: bool, key: String },
        Seq { idx: usize },
    }
    fn at(stack: &[Frame], path: &[PathSeg]) -> bool {
        // The first frame is the document's own mapping.
        stack.len() == path.len()
            && stack.iter().zip(path).all(|(f, p)| match (f, p) {
                (Frame::Map { key, .. }, PathSeg::Key(k)) => key == k,
                (Frame::Seq { idx }, PathSeg::Index(i)) => idx == i,
                _ => false,
            })
    }
    fn done(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { expecting_key, .. }) => *expecting_key = true,
            Some(Frame::Seq { idx }) => *idx += 1,
            None => {}
        }
    }
    let yaml = &text[yaml_start..yaml_end];
    let first_line = crate::diag::line_col(text, yaml_start).0;
    let mut stack: Vec<Frame> = Vec::new();
    for ev in Parser::new_from_str(yaml) {
        let (ev, span) = ev.ok()?;
        let here = |width: usize| Some((first_line + span.start.line() - 1, span.start.col() + 1, width.max(1)));
        let width = if span.end.line() == span.start.line() {
            span.end.col().saturating_sub(span.start.col())
        } else {
            1
        };
        let in_key = matches!(
            stack.last(),
            Some(Frame::Map {
                expecting_key: true,
                ..
            })
        );
        match ev {
            Event::Scalar(v, ..) if in_key => {
                if let (Some(k), 1) = (key, stack.len())
                    && v == k
                {
                    return here(width);
                }
                if let Some(Frame::Map { expecting_key, key }) = stack.last_mut() {
                    *expecting_key = false;
                    *key = v.into_owned();
                }
            }
            Event::Scalar(..) | Event::Alias(_) => {
                if key.is_none() && at(&stack, path) {
                    return here(width);
                }
                done(&mut stack);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if key.is_none() && !path.is_empty() && at(&stack, path) {
                    return here(1);
                }
                if matches!(ev, Event::SequenceStart(..)) {
                    stack.push(Frame::Seq { idx: 0 });
                } else {
                    stack.push(Frame::Map {
                        expecting_key: true,
                        key: String::new(),
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                done(&mut stack);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::PathSeg::{Index, Key};
    use super::*;

    const NOTE: &str = "---\ntitle: X\nroles:\n  - { org: tesla, role: CEO, type: officer }\n  - org: x-corp\n    role: owner\nactors: [elon-musk, nvidia]\n---\nBody\n";

    #[test]
    fn splits_and_finds_the_body() {
        let d = Document::parse("a.md", NOTE).unwrap();
        assert_eq!(&NOTE[d.body_start..], "Body\n");
        assert_eq!(d.str_field("title"), Some("X"));
    }

    #[test]
    fn locates_values_by_path() {
        let d = Document::parse("a.md", NOTE).unwrap();
        let at = |p: &[PathSeg]| locate(NOTE, d.yaml_start, p);
        assert_eq!(at(&[Key("roles"), Index(0), Key("org")]), Some((4, 12, 5)));
        assert_eq!(at(&[Key("roles"), Index(1), Key("org")]), Some((5, 10, 6)));
        assert_eq!(at(&[Key("actors"), Index(1)]), Some((7, 21, 6)));
        assert_eq!(at(&[Key("title")]), Some((2, 8, 1)));
        assert_eq!(at(&[Key("nope")]), None);
        assert_eq!(d.locate_key("actors"), Some((7, 1, 6)));
    }

    #[test]
    fn unterminated_and_missing() {
        let e = Document::parse("a.md", "---\ntitle: x\n").err().unwrap();
        assert_eq!(
            e.to_string(),
            "a.md:1:1: error: the front-matter is never closed (help: add a line `---` after the last field, before the body)"
        );
        let e = Document::parse("a.md", "# Just markdown\n").err().unwrap();
        assert!(
            e.to_string()
                .starts_with("a.md:1:1: error: this note has no front-matter")
        );
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let e = Document::parse("a.md", "---\ntitle: x\nbad: [a, b\n---\n")
            .err()
            .unwrap();
        assert_eq!((e.line, e.file.as_str()), (4, "a.md"));
        assert!(
            e.message.starts_with("invalid YAML in the front-matter"),
            "{}",
            e.message
        );
    }

    /// A 100,000-deep flow is refused at the bracket that crosses the limit, before serde_yaml
    /// sees it (whose time grows with the square of the depth).
    #[test]
    fn nesting_past_the_limit_is_refused_where_it_is_crossed() {
        let deep = |n: usize| format!("---\ntitle: x\nbad: {}{}\n---\n", "[".repeat(n), "]".repeat(n));
        // The document's map is the first level.
        assert!(Document::parse("a.md", &deep(MAX_NESTING - 1)).is_ok());
        let e = Document::parse("a.md", &deep(100_000)).err().unwrap();
        assert_eq!((e.line, e.col), (3, 6 + MAX_NESTING - 1), "{e}");
        assert!(e.message.contains("nest more than 64 levels"), "{e}");
        let block: String = (0..100).map(|k| format!("{}k{k}:\n", "  ".repeat(k))).collect();
        let e = Document::parse("a.md", &format!("---\n{block}---\n")).err().unwrap();
        assert_eq!((e.line, e.col), (2 + MAX_NESTING, 2 * MAX_NESTING + 1), "{e}");
        let dashes = format!("---\nx:\n{}y\n---\n", "- ".repeat(100));
        let e = Document::parse("a.md", &dashes).err().unwrap();
        assert_eq!(e.line, 3, "{e}");
        let e = parse_strings("en.yaml", &deep(1000)[4..]).err().unwrap();
        assert!(e.message.contains("nest more than"), "{e}");
    }

    /// Brackets in quotes, comments, block scalars and plain words open nothing.
    #[test]
    fn brackets_that_are_text_are_not_counted() {
        let b = "[".repeat(100);
        for text in [
            format!("t: \"{b}\"\n"),
            format!("t: '{b}'\n"),
            format!("t: 'it''s {b}'\n"),
            format!("t: x # {b}\n"),
            format!("t: |\n  {b}\n  more\nu: 1\n"),
            format!("t: >-\n  {b}\n"),
            format!("t: see {b}\n"),
            format!("t: [a, \"{b}\", {{k: '{b}'}}]\n"),
            format!("t: \"a\\\" {b}\"\n"),
        ] {
            assert_eq!(deeper_than(&text, 4), None, "{text}");
        }
    }

    fn depth(v: &Value) -> usize {
        match v {
            Value::Sequence(s) => 1 + s.iter().map(depth).max().unwrap_or(0),
            Value::Mapping(m) => 1 + m.iter().map(|(k, v)| depth(k).max(depth(v))).max().unwrap_or(0),
            Value::Tagged(t) => depth(&t.value),
            _ => 0,
        }
    }

    /// A random YAML value written in a random mix of block and flow styles, with quoted
    /// scalars full of brackets, quotes and colons.
    fn random_yaml(rng: &mut fastrand::Rng, level: usize, indent: usize, out: &mut String) {
        let scalars = [
            "a",
            "'[x'",
            "\"]{\\\"\"",
            "'it''s ]'",
            "b c",
            "&x y",
            "!!str z",
            "\"a:[\"",
            "a:b",
            "x 'y",
            "x \"y",
            "a #c",
            "|\n  [[[",
            "&a",
            "*a",
            "? a",
        ];
        match rng.usize(..if level > 6 { 1 } else { 4 }) {
            0 => out.push_str(scalars[rng.usize(..scalars.len())]),
            1 => {
                out.push('[');
                for k in 0..rng.usize(0..3) {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    random_yaml(rng, level + 1, indent, out);
                }
                out.push(']');
            }
            2 => {
                out.push('{');
                for k in 0..rng.usize(0..3) {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(["\"k\": ", "k: ", "\"k\":", "'k':"][rng.usize(..4)]);
                    out.push_str(&k.to_string());
                    random_yaml(rng, level + 1, indent, out);
                }
                out.push('}');
            }
            _ => {
                let pad = " ".repeat(indent + 2);
                for k in 0..rng.usize(1..3) {
                    out.push('\n');
                    out.push_str(&pad);
                    if rng.bool() {
                        out.push_str("- ");
                    } else {
                        out.push_str(&format!("k{k}: "));
                    }
                    random_yaml(rng, level + 1, indent + 2, out);
                }
            }
        }
    }

    #[test]
    fn the_scan_never_counts_fewer_levels_than_the_parser_finds() {
        let mut rng = fastrand::Rng::with_seed(64);
        let mut parsed = 0;
        for _ in 0..std::env::var("YAML_ROUNDS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(3000)
        {
            let mut yaml = String::from("top: ");
            random_yaml(&mut rng, 0, 0, &mut yaml);
            yaml.push('\n');
            let Ok(value) = serde_yaml::from_str::<Value>(&yaml) else {
                continue;
            };
            parsed += 1;
            let d = depth(&value);
            assert!(deeper_than(&yaml, d - 1).is_some(), "depth {d} not seen in {yaml:?}");
        }
        assert!(parsed > 1000, "{parsed}");
    }
}
