//! Source texts: how a text is cut into numbered paragraphs, and how a quotation is found in
//! one.
//!
//! A source's text is private: it is read to verify what the dossier cites (`dossier check`),
//! never published. The rule for paragraphs is one for every format, so that an author can
//! count them by eye: after HTML is turned into text and Markdown's inline marks are dropped,
//! a text's paragraphs are its blocks separated by blank lines; a text with no blank line at
//! all counts each non-empty line. A source may start its count after a headline
//! (`paragraphs: { skip: 1 }`).
//!
//! A quotation is compared with a paragraph after both are normalised: white space removed,
//! curly and straight quotation marks and apostrophes made one, full-width punctuation made
//! half-width, dashes made one. An ellipsis (`…`, `...`) or a bracketed insertion (`[Tesla]`)
//! in a quotation stands for words left out or put in: the parts around it must occur in the
//! paragraph in order.

use std::borrow::Cow;

use pulldown_cmark::{Event, Parser, TagEnd};

/// The paragraphs of a text, by the rule above; `name` tells the format by its extension
/// (`.html`, `.htm`, `.md`, `.markdown`; anything else is plain text).
pub fn paragraphs<'t>(name: &str, text: &'t str) -> Vec<Cow<'t, str>> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        let plain = html_text(text);
        return blocks(&plain).into_iter().map(|b| Cow::Owned(b.to_string())).collect();
    }
    let blocks = blocks(text);
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        blocks.iter().map(|b| Cow::Owned(markdown_text(b))).collect()
    } else {
        blocks.into_iter().map(Cow::Borrowed).collect()
    }
}

/// The blocks of a text separated by blank lines, or its non-empty lines when it has no blank
/// line between two non-empty ones.
fn blocks(text: &str) -> Vec<&str> {
    // Each line once: where it starts and ends, and whether it is blank.
    let mut lines: Vec<(usize, usize, bool)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, at + line.len(), line.trim().is_empty()));
        at += line.len();
    }
    let first = lines.iter().position(|l| !l.2);
    let last = lines.iter().rposition(|l| !l.2);
    let has_blank = match (first, last) {
        (Some(f), Some(l)) => lines[f..=l].iter().any(|l| l.2),
        _ => false,
    };
    let mut out = Vec::new();
    if !has_blank {
        out.extend(lines.iter().filter(|l| !l.2).map(|&(a, b, _)| text[a..b].trim()));
        return out;
    }
    let mut block: Option<(usize, usize)> = None;
    for &(a, b, blank) in &lines {
        match (blank, &mut block) {
            (true, Some(_)) => {
                let (start, end) = block.take().unwrap_or_default();
                out.push(text[start..end].trim());
            }
            (true, None) => {}
            (false, Some((_, end))) => *end = b,
            (false, None) => block = Some((a, b)),
        }
    }
    if let Some((start, end)) = block {
        out.push(text[start..end].trim());
    }
    out
}

/// A Markdown block's words, without its marks: `**Musk** said` → `Musk said`.
fn markdown_text(block: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(block) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of an HTML document, each block-level element its own block: what a reader sees,
/// without scripts, styles or comments.
fn html_text(html: &str) -> String {
    use html5gum::{Token, Tokenizer};
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "pre",
        "tr",
        "section",
        "article",
        "header",
        "footer",
        "figcaption",
        "dt",
        "dd",
        "title",
        "table",
        "ul",
        "ol",
        "main",
        "aside",
    ];
    let mut out = String::new();
    let mut hidden = 0usize;
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if matches!(name.as_str(), "script" | "style" | "template" | "noscript") && !tag.self_closing {
                    hidden += 1;
                } else if name == "br" {
                    out.push('\n');
                } else if BLOCKS.contains(&name.as_str()) {
                    out.push_str("\n\n");
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if matches!(name.as_str(), "script" | "style" | "template" | "noscript") {
                    hidden = hidden.saturating_sub(1);
                } else if BLOCKS.contains(&name.as_str()) {
                    out.push_str("\n\n");
                }
            }
            Token::String(s) if hidden == 0 => {
                // Line breaks inside a block are spaces: only elements make blocks.
                out.push_str(&String::from_utf8_lossy(&s).replace(['\n', '\r'], " "));
            }
            _ => {}
        }
    }
    out
}

/// A paragraph locator: `¶5` is `Some(Ok(5..=5))`, `¶6–7` (or `¶6-7`) `Some(Ok(6..=7))`; a
/// locator that does not start with `¶` is `None` (`p. 2`, `00:14:30` are not paragraphs); one
/// that starts with it but reads otherwise is `Some(Err(()))`.
pub fn paragraph_range(at: &str) -> Option<Result<std::ops::RangeInclusive<usize>, ()>> {
    let rest = at.trim().strip_prefix('¶')?.trim_start_matches('¶').trim();
    let number = |s: &str| s.trim().parse::<usize>().ok().filter(|&n| n > 0);
    let range = match rest.split_once(['–', '-', '—']) {
        Some((a, b)) => number(a).zip(number(b)).filter(|(a, b)| a <= b).map(|(a, b)| a..=b),
        None => number(rest).map(|n| n..=n),
    };
    Some(range.ok_or(()))
}

/// A text normalised for comparison (see the module's documentation).
pub fn normalize(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() && !b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // A run of ASCII but white space is copied as it is.
        push_run(&mut out, &text[run..i]);
        if b.is_ascii() {
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            normalize_char(c, &mut out);
        }
        run = i;
    }
    push_run(&mut out, &text[run..]);
    out
}

/// Appends a run of ASCII, a run of hyphens made one (`--` and `---`, which typographers and
/// Markdown's smart punctuation make a dash, compare as one `-`).
fn push_run(out: &mut String, run: &str) {
    let joins_a_hyphen = run.starts_with('-') && out.ends_with('-');
    if !run.contains("--") && !joins_a_hyphen {
        out.push_str(run);
        return;
    }
    for c in run.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
}

/// Appends what one character (white space or not ASCII) normalises to.
fn normalize_char(c: char, out: &mut String) {
    // White space, and the invisible marks of HTML pages: soft hyphens, zero-width spaces and
    // joiners, byte-order marks.
    if c.is_whitespace() || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}') {
        return;
    }
    let c = match c {
        '“' | '”' | '„' | '‟' | '«' | '»' | '「' | '」' | '『' | '』' | '″' | '＂' => '"',
        '‘' | '’' | '‚' | '‛' | '′' | '＇' => '\'',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '－' => '-',
        '。' | '｡' => '.',
        '、' | '､' => ',',
        '…' => {
            out.push_str("...");
            return;
        }
        // The full-width forms of ASCII (，：；！？（） and the rest).
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    };
    if !(c == '-' && out.ends_with('-')) {
        out.push(c);
    }
}

/// A quotation cut into the parts that must occur in order: at each ellipsis and bracketed
/// insertion. Each part normalised; empty parts dropped.
pub fn quote_parts(quote: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = quote.chars().peekable();
    let cut = |current: &mut String, parts: &mut Vec<String>| {
        let n = normalize(current);
        if !n.is_empty() {
            parts.push(n);
        }
        current.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '…' => cut(&mut current, &mut parts),
            '.' if chars.peek() == Some(&'.') => {
                while chars.peek() == Some(&'.') {
                    chars.next();
                }
                cut(&mut current, &mut parts);
            }
            '[' => {
                cut(&mut current, &mut parts);
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                }
            }
            c => current.push(c),
        }
    }
    cut(&mut current, &mut parts);
    // Punctuation that closes a quotation may be the citing sentence's ("delays," he said).
    if let Some(last) = parts.last_mut() {
        while last.ends_with([',', '.', ';', ':']) {
            last.pop();
        }
        if last.is_empty() {
            parts.pop();
        }
    }
    parts
}

/// Whether the parts of a quotation ([`quote_parts`]) occur in a normalised text, in order.
pub fn contains_parts(text: &str, parts: &[String]) -> bool {
    let mut from = 0;
    for p in parts {
        match text[from..].find(p.as_str()) {
            Some(i) => from += i + p.len(),
            None => return false,
        }
    }
    !parts.is_empty()
}

/// The first words of a paragraph, for a message that names it: at most `chars` characters,
/// cut at a word where there is one.
pub fn opening(paragraph: &str, chars: usize) -> String {
    let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    if paragraph.chars().count() <= chars {
        return paragraph;
    }
    let cut: String = paragraph.chars().take(chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// Whether a text is written in Chinese, Japanese or Korean: it holds one of their characters.
pub fn is_cjk_text(text: &str) -> bool {
    text.chars().any(is_cjk)
}

/// A Chinese, Japanese or Korean character (kana, ideographs, hangul).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // kana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F // ideographs
        | 0xAC00..=0xD7AF) // hangul
}

/// Whether a language tag names a language written in CJK characters (`zh-Hant`, `ja`, `ko`).
pub fn is_cjk_language(tag: &str) -> bool {
    let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    matches!(primary.as_str(), "zh" | "ja" | "ko" | "yue" | "wuu" | "cmn" | "lzh")
}

/// The quotations in a stretch of prose: the words between “ and ”, 「 and 」, 『 and 』, or
/// straight double quotes, outermost pairs only.
pub fn quotations(prose: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = prose;
    while let Some((i, open)) = rest.char_indices().find(|(_, c)| matches!(c, '“' | '「' | '『' | '"')) {
        let close = match open {
            '“' => '”',
            '「' => '」',
            '『' => '』',
            _ => '"',
        };
        let after = &rest[i + open.len_utf8()..];
        let Some(end) = after.find(close) else {
            // A mark that opens nothing (a lone `"`): the ones after it may.
            rest = after;
            continue;
        };
        // An opening mark that is never closed (a lone `"` made “ by smart punctuation) is
        // not the start: the last one before the closing mark is.
        let inside = &after[..end];
        let quoted = match (open == close, inside.rfind(open)) {
            (false, Some(k)) => &inside[k + open.len_utf8()..],
            _ => inside,
        }
        .trim();
        if !quoted.is_empty() {
            out.push(quoted);
        }
        rest = &after[end + close.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_make_paragraphs_and_lines_count_without_them() {
        assert_eq!(
            paragraphs("a.txt", "Head\n\nOne\ncontinued.\n\n\nTwo.\n"),
            ["Head", "One\ncontinued.", "Two."]
        );
        assert_eq!(paragraphs("a.txt", "Head\nOne.\n  \nTwo.\n"), ["Head\nOne.", "Two."]);
        assert_eq!(paragraphs("a.txt", "\nHead\nOne.\nTwo.\n\n"), ["Head", "One.", "Two."]);
        assert!(paragraphs("a.txt", "").is_empty());
    }

    #[test]
    fn markdown_and_html_are_read_as_text() {
        assert_eq!(
            paragraphs("a.md", "# Head\n\n**Musk** said [this](x).\n"),
            ["Head", "Musk said this."]
        );
        let html = "<html><head><title>T</title><style>p{}</style></head><body><h1>Head</h1><p>One\n&amp; two<br>three</p><script>x</script><p>Four</p></body></html>";
        assert_eq!(paragraphs("a.html", html), ["T", "Head", "One & two\nthree", "Four"]);
    }

    #[test]
    fn locators() {
        assert_eq!(paragraph_range("¶5"), Some(Ok(5..=5)));
        assert_eq!(paragraph_range("¶6–7"), Some(Ok(6..=7)));
        assert_eq!(paragraph_range("¶ 6-7"), Some(Ok(6..=7)));
        assert_eq!(paragraph_range("p. 2"), None);
        assert_eq!(paragraph_range("¶x"), Some(Err(())));
        assert_eq!(paragraph_range("¶7–6"), Some(Err(())));
        assert_eq!(paragraph_range("¶0"), Some(Err(())));
    }

    #[test]
    fn quotes_compare_after_normalising() {
        let para = normalize(
            "Musk said it “has faced various delays”, and 特斯拉今年將在“AI訓練和推理”項目上投入高達100億美元。",
        );
        for q in [
            "has faced various delays",
            "has  faced\nvarious delays",
            "\"has faced various delays\"",
            "「AI訓練和推理」",
            "投入高達 100 億美元。",
        ] {
            assert!(contains_parts(&para, &quote_parts(q)), "{q}");
        }
        assert!(!contains_parts(&para, &quote_parts("has faced many delays")));
        assert!(contains_parts(&normalize("a b c d e"), &quote_parts("a b … d e")));
        assert!(contains_parts(
            &normalize("Musk said Tesla will"),
            &quote_parts("[Tesla] will")
        ));
        assert!(!contains_parts(&normalize("a b c"), &quote_parts("c … a")));
        assert!(contains_parts(
            &normalize("６月５日，消息"),
            &quote_parts("6月5日,消息")
        ));
        // Dashes typed as hyphens, invisible marks, a comma the citing sentence put inside.
        assert!(contains_parts(
            &normalize("set with --name=x"),
            &quote_parts("set with –name=x")
        ));
        assert!(contains_parts(
            &normalize("the com\u{AD}pany said\u{200B} so"),
            &quote_parts("company said so")
        ));
        assert!(contains_parts(
            &normalize("faced delays and more"),
            &quote_parts("faced delays,")
        ));
    }

    #[test]
    fn quotations_in_prose() {
        assert_eq!(
            quotations("He said “no room” and 「延誤」, then \"done\"."),
            ["no room", "延誤", "done"]
        );
        assert!(quotations("Tesla’s order").is_empty());
        assert!(quotations("an “unclosed quote").is_empty());
        assert_eq!(quotations("The \" mark, and “wrong words” here"), ["wrong words"]);
    }

    #[test]
    fn openings_cut_at_a_word() {
        assert_eq!(opening("short", 40), "short");
        assert_eq!(
            opening("Elon Musk is aiming to make X a key player", 20),
            "Elon Musk is aiming…"
        );
    }
}
