//! Diagnostics: every problem the build finds, with the place it was found and how to fix it.
//!
//! Parsing and graph building never stop at the first problem: they push `Diagnostic`s into a
//! list and carry on, so a writer sees everything that is wrong in one run. A diagnostic owns the
//! text of the line it points at, so it can be printed with a snippet long after the source file
//! has been dropped, and so tests can compare the one-line form (`Display`) verbatim.

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
    /// The text of `line`, for the snippet; empty when there is none (a missing file).
    #[serde(skip)]
    pub source_line: String,
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
            width: 1,
        }))
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        let mut d = Diagnostic::error(file, message);
        d.0.severity = Severity::Warning;
        d
    }

    /// Points the diagnostic at `line`:`col` of `text` (the whole file), `width` characters wide.
    pub fn at(mut self, text: &str, line: usize, col: usize, width: usize) -> Self {
        let d = &mut self.0;
        d.line = line.max(1);
        d.col = col.max(1);
        d.width = width.max(1);
        d.source_line = text
            .lines()
            .nth(d.line - 1)
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        self
    }

    /// Points the diagnostic at a byte offset in `text`.
    pub fn at_offset(self, text: &str, offset: usize, width_chars: usize) -> Self {
        let (line, col) = line_col(text, offset);
        self.at(text, line, col, width_chars)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The report with a source snippet, styled with ANSI colours (strip them for plain output;
    /// `anstream` does that for a stream that is not a terminal or when `NO_COLOR` is set).
    /// The report without colours, for a page or a log.
    pub fn render_plain(&self) -> String {
        self.render_with(Renderer::plain())
    }

    pub fn render(&self) -> String {
        self.render_with(Renderer::styled())
    }

    fn render_with(&self, renderer: Renderer) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut groups = Vec::new();
        let title = level.primary_title(&self.message);
        let group = if self.source_line.is_empty() {
            Group::with_title(title).element(
                annotate_snippets::Origin::path(&self.file)
                    .line(self.line)
                    .char_column(self.col - 1),
            )
        } else {
            let start = char_to_byte(&self.source_line, self.col - 1);
            let end = char_to_byte(&self.source_line, self.col - 1 + self.width).max(start);
            Group::with_title(title).element(
                Snippet::source(&self.source_line)
                    .line_start(self.line)
                    .path(&self.file)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        };
        groups.push(group);
        if let Some(help) = &self.help {
            groups.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        renderer.render(&groups)
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
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
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
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
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
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.col, a.severity, &a.message).cmp(&(&b.file, b.line, b.col, b.severity, &b.message))
    });
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
    fn suggestions_only_when_close() {
        let ids = ["elon-musk", "nvidia", "tesla"];
        assert_eq!(did_you_mean("elon-musc", ids), Some("elon-musk"));
        assert_eq!(did_you_mean("spacex", ids), None);
    }
}
