//! Diagnostics: every problem the build finds, with the place it was found and how to fix it.
//!
//! Parsing and graph building never stop at the first problem: they push `Diagnostic`s into a
//! list and carry on, so a writer sees everything that is wrong in one run. A diagnostic owns the
//! text of the line it points at (a bounded piece of a long line, such as a minified page's), so
//! it can be printed with a snippet long after the source file has been dropped, and so tests
//! can compare the one-line form (`Display`) verbatim.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file. Boxed, so that `Result<T, Diagnostic>` stays small; its
/// fields are read through `Deref` (`d.file`, `d.line`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Diagnostic(Box<DiagnosticData>);

/// The fields of a [`Diagnostic`] (`line` and `col` are 1-based; `col` counts characters).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiagnosticData {
    pub severity: Severity,
    /// Path relative to the dossier root, with `/` separators (`content/people/x.md`).
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The text of `line`, for the snippet; empty when there is none (a missing file). A long
    /// line is cut to a piece around `col`, with `…` where it is cut.
    #[serde(skip)]
    pub source_line: String,
    /// The character column of `col` in `source_line` (1-based): `col` unless the line is cut
    /// before it.
    #[serde(skip)]
    pub source_col: usize,
    /// How many characters from `col` to underline (at least 1).
    #[serde(skip)]
    pub width: usize,
}

impl std::ops::Deref for Diagnostic {
    type Target = DiagnosticData;
    fn deref(&self) -> &DiagnosticData {
        &self.0
    }
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic(Box::new(DiagnosticData {
            severity: Severity::Error,
            file: file.into(),
            line: 1,
            col: 1,
            message: message.into(),
            help: None,
            source_line: String::new(),
            source_col: 1,
            width: 1,
        }))
    }

    pub(crate) fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        let mut d = Diagnostic::error(file, message);
        d.0.severity = Severity::Warning;
        d
    }

    /// Points the diagnostic at `line`:`col` of `text` (the whole file), `width` characters wide.
    pub(crate) fn at(self, text: &str, line: usize, col: usize, width: usize) -> Self {
        let line = line.max(1);
        let line_text = text.lines().nth(line - 1).unwrap_or("");
        let at = char_to_byte(line_text, col.max(1) - 1);
        let place = Place {
            offset: at,
            line,
            col,
            line_start: 0,
        };
        self.at_place(line_text, &place, width)
    }

    /// Points the diagnostic at a byte offset in `text`.
    pub(crate) fn at_offset(self, text: &str, offset: usize, width_chars: usize) -> Self {
        let place = Locator::default().place(text, offset);
        self.at_place(text, &place, width_chars)
    }

    /// Points the diagnostic at a place in `text` found by a [`Locator`]. Its cost does not
    /// depend on the length of the line: only a piece of it is looked at and kept.
    pub fn at_place(mut self, text: &str, place: &Place, width: usize) -> Self {
        let d = &mut self.0;
        d.line = place.line.max(1);
        d.col = place.col.max(1);
        d.width = width.max(1);
        (d.source_line, d.source_col) = piece_of_line(text, place.line_start, place.offset);
        self
    }
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// The same problem, named in `file` (a path the user knows it by).
    pub(crate) fn in_file(mut self, file: String) -> Self {
        self.0.file = file;
        self
    }

    /// The same problem, reported as a warning.
    pub(crate) fn into_warning(mut self) -> Self {
        self.0.severity = Severity::Warning;
        self
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The report with a source snippet, styled with ANSI colours (strip them for plain output;
    /// `anstream` does that for a stream that is not a terminal or when `NO_COLOR` is set).
    /// The report without colours, for a page or a log.
    pub fn render_plain(&self) -> String {
        self.render_with(Renderer::plain())
    }

    pub(crate) fn render(&self) -> String {
        self.render_with(Renderer::styled())
    }

    fn render_with(&self, renderer: Renderer) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.clone().primary_title(&self.message);
        let origin = |col| {
            annotate_snippets::Origin::path(&self.file)
                .line(self.line)
                .char_column(col)
        };
        let help = self
            .help
            .as_ref()
            .map(|help| Group::with_title(Level::HELP.secondary_title(help)));
        if self.source_line.is_empty() {
            let groups: Vec<Group> = std::iter::once(Group::with_title(title).element(origin(self.col - 1)))
                .chain(help)
                .collect();
            return renderer.render(&groups);
        }
        let start = char_to_byte(&self.source_line, self.source_col - 1);
        let end = char_to_byte(&self.source_line, self.source_col - 1 + self.width).max(start);
        let snippet = Snippet::source(&self.source_line)
            .line_start(self.line)
            .annotation(AnnotationKind::Primary.span(start..end));
        if self.source_col == self.col {
            let groups: Vec<Group> = std::iter::once(Group::with_title(title).element(snippet.path(&self.file)))
                .chain(help)
                .collect();
            return renderer.render(&groups);
        }
        // The snippet would name the column in its piece of the line, so the place is rendered
        // on its own, indented as the snippet's line numbers are, and the snippet after it.
        let head = renderer.render(&[Group::with_title(title).element(origin(self.col))]);
        let groups: Vec<Group> = std::iter::once(Group::with_level(level).element(snippet))
            .chain(help)
            .collect();
        let body = renderer.render(&groups);
        let (title, arrow) = head.rsplit_once('\n').unwrap_or(("", &head));
        let indent = " ".repeat(self.line.to_string().len());
        format!("{title}\n{indent}{arrow}\n{body}")
    }
}

/// `file:line:col: error: message (help: …)`: the stable one-line form, for logs and tests.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {sev}: {}", self.file, self.line, self.col, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let place = Locator::default().place(text, offset);
    (place.line, place.col)
}

/// Where a byte offset of a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The offset, moved back to a character boundary.
    pub offset: usize,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    /// Where the line starts.
    pub line_start: usize,
}

/// Finds the places of offsets in one text. Asked in increasing order, it reads the text once
/// in all, however many offsets share a line; an offset before the last one asked starts it
/// over from the beginning.
#[derive(Debug, Clone, Copy)]
pub struct Locator {
    last: Place,
}

impl Default for Locator {
    fn default() -> Self {
        Locator {
            last: Place {
                offset: 0,
                line: 1,
                col: 1,
                line_start: 0,
            },
        }
    }
}

impl Locator {
    pub fn place(&mut self, text: &str, offset: usize) -> Place {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        if offset < self.last.offset {
            *self = Locator::default();
        }
        let p = &mut self.last;
        let between = &text.as_bytes()[p.offset..offset];
        match memchr::memrchr(b'\n', between) {
            Some(k) => {
                p.line += memchr::memchr_iter(b'\n', between).count();
                p.line_start = p.offset + k + 1;
                p.col = text[p.line_start..offset].chars().count() + 1;
            }
            None => p.col += text[p.offset..offset].chars().count(),
        }
        p.offset = offset;
        *p
    }
}

/// Characters of a line a snippet shows at most; of a longer line, a piece with at least
/// `BEFORE` of them before the column pointed at, where the line has them.
const WIDTH: usize = 120;
const BEFORE: usize = 40;

/// The piece of the line (starting at `line_start` in `text`) around byte `at` that a snippet
/// shows, with `…` where the line is cut, and the character column of `at` in it. At most
/// `WIDTH` characters each side of `at` are looked at.
fn piece_of_line(text: &str, line_start: usize, at: usize) -> (String, usize) {
    let at = floor_char_boundary(text, at.min(text.len()));
    let line_start = line_start.min(at);
    // Byte offsets of up to WIDTH characters back from `at`, nearest first, and forward.
    let back: Vec<usize> = text[line_start..at]
        .char_indices()
        .rev()
        .take(WIDTH)
        .map(|(i, _)| line_start + i)
        .collect();
    let mut ahead = vec![at];
    for c in text[at..].chars().take(WIDTH) {
        if c == '\n' {
            break;
        }
        ahead.push(ahead[ahead.len() - 1] + c.len_utf8());
    }
    let after = ahead.len() - 1;
    let before = if back.len() + after <= WIDTH {
        back.len()
    } else {
        back.len().min(BEFORE.max(WIDTH.saturating_sub(after)))
    };
    let start = if before == 0 { at } else { back[before - 1] };
    let end = ahead[(WIDTH - before).min(after)];
    let cut_before = start > line_start;
    let cut_after = end < text.len() && text.as_bytes()[end] != b'\n';
    let mut piece = String::with_capacity(end - start + 6);
    if cut_before {
        piece.push('…');
    }
    piece.push_str(text[start..end].trim_end_matches('\r'));
    if cut_after {
        piece.push('…');
    }
    (piece, usize::from(cut_before) + before + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// The closest of `candidates` to `wanted`, when it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::normalized_damerau_levenshtein(wanted, c);
        if score >= 0.6 && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Sorts diagnostics by file, place and message, so every run prints them in the same order.
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.col, a.severity, &a.message).cmp(&(&b.file, b.line, b.col, b.severity, &b.message))
    });
}

/// Says where a file stops being UTF-8.
pub(crate) fn utf8_diag(file: &str, e: std::string::FromUtf8Error) -> Diagnostic {
    let valid = e.utf8_error().valid_up_to();
    let bytes = e.into_bytes();
    let lossy = String::from_utf8_lossy(&bytes).into_owned();
    // The valid prefix is the same in the lossy text, so the offset maps one to one.
    let (line, col) = line_col(&lossy, valid);
    Diagnostic::error(
        file,
        format!("this file is not valid UTF-8 (byte {valid} is not part of a UTF-8 character)"),
    )
    .at(&lossy, line, col, 1)
    .with_help("save the file as UTF-8 in your editor")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\n馬斯克 x";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.find('x').unwrap()), (2, 5));
    }

    #[test]
    fn display_is_one_stable_line() {
        let d = Diagnostic::error("content/a.md", "bad date")
            .at("x: 1\ndate: 2023-02-30\n", 2, 7, 10)
            .with_help("February 2023 has 28 days");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:7: error: bad date (help: February 2023 has 28 days)"
        );
        assert_eq!(d.source_line, "date: 2023-02-30");
        assert!(d.render().contains("content/a.md:2:7"));
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line = format!("{}<a href=\"x\">{}", "é".repeat(5000), "b".repeat(5000));
        let text = format!("first\n{line}\nlast");
        let at = text.find("<a").unwrap();
        let d = Diagnostic::error("p.html", "broken").at_offset(&text, at, 3);
        assert_eq!((d.line, d.col), (2, 5001));
        assert_eq!(d.source_line.chars().count(), WIDTH + 2);
        assert!(d.source_line.starts_with('…') && d.source_line.ends_with('…'));
        let shown: String = d.source_line.chars().skip(d.source_col - 1).take(3).collect();
        assert_eq!(shown, "<a ");
        let rendered = d.render_plain();
        assert!(rendered.contains(" --> p.html:2:5001\n"), "{rendered}");
        assert!(rendered.contains("2 | …éé"), "{rendered}");
        // A short line is kept whole, and the snippet names the column itself.
        let d = Diagnostic::error("p.md", "bad").at("a\nshort line\n", 2, 7, 4);
        assert_eq!((d.source_line.as_str(), d.source_col), ("short line", 7));
        assert!(d.render_plain().contains("--> p.md:2:7"));
    }

    #[test]
    fn places_are_found_in_one_pass_in_order() {
        let text = "ab\n馬斯克 x\n\nz";
        let mut locator = Locator::default();
        let mut places = Vec::new();
        for offset in 0..=text.len() + 2 {
            let p = locator.place(text, offset);
            assert_eq!((p.line, p.col), line_col_slow(text, offset), "at {offset}");
            places.push(p);
        }
        // Asked again from the start, it starts over.
        assert_eq!(locator.place(text, 0), places[0]);
    }

    fn line_col_slow(text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    #[test]
    fn suggestions_only_when_close() {
        let ids = ["elon-musk", "nvidia", "tesla"];
        assert_eq!(did_you_mean("elon-musc", ids), Some("elon-musk"));
        assert_eq!(did_you_mean("spacex", ids), None);
    }
}
