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
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The class prefix of highlighted code (`hl-keyword`), shared with the stylesheet.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Ids the templates use on every page; a heading in a body never takes one of them.
pub const RESERVED_IDS: &[&str] = &["main", "content", "sources", "backlinks", "toc", "top", "nav", "footer"];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    // A binary dump shipped inside syntect: milliseconds, not the ~100 ms of compiling grammars.
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A slug for a heading: lowercase letters and digits of any script, words joined by `-`.
pub fn slugify(text: &str) -> String {
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

/// Renders a note's body.
pub fn render(md: &str) -> Rendered {
    let mut used: HashMap<String, usize> = RESERVED_IDS.iter().map(|id| ((*id).to_string(), 1)).collect();
    let mut headings = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut parser = Parser::new_ext(md, options());
    // Links whose end tag must close a link we wrote ourselves.
    let mut link_stack: Vec<bool> = Vec::new();

    while let Some(ev) = parser.next() {
        match ev {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut inner = Vec::new();
                let mut text = String::new();
                for ev in parser.by_ref() {
                    match &ev {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    inner.push(ev);
                }
                let wanted = id.map_or_else(|| slugify(&text), |i| i.to_string());
                let id = unique(&mut used, wanted);
                let n = level_num(level);
                let mut open = format!("<h{n} id=\"");
                let _ = escape_html(&mut open, &id);
                open.push('"');
                if !classes.is_empty() {
                    open.push_str(" class=\"");
                    let _ = escape_html(&mut open, &classes.join(" "));
                    open.push('"');
                }
                for (k, v) in attrs {
                    open.push(' ');
                    let _ = escape_html(&mut open, &k);
                    if let Some(v) = v {
                        open.push_str("=\"");
                        let _ = escape_html(&mut open, &v);
                        open.push('"');
                    }
                }
                open.push('>');
                events.push(Event::Html(open.into()));
                events.extend(inner.into_iter().map(rewrite_inline_link_events(&mut link_stack)));
                let mut close = String::from(" <a class=\"anchor\" href=\"#");
                let _ = escape_html(&mut close, &id);
                close.push_str("\" aria-label=\"Link to this section\">#</a>");
                close.push_str(&format!("</h{n}>\n"));
                events.push(Event::Html(close.into()));
                headings.push(Heading { level: n, id, text });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let mut code = String::new();
                for ev in parser.by_ref() {
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
                events.push(Event::Html(highlight(&code, &lang).into()));
            }
            other => events.push(rewrite_inline_link_events(&mut link_stack)(other)),
        }
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, headings }
}

/// Rewrites the opening of an external link to add `rel="noopener"`, and its end to match.
fn rewrite_inline_link_events<'a, 's>(stack: &'s mut Vec<bool>) -> impl FnMut(Event<'a>) -> Event<'a> + 's {
    move |ev| match ev {
        Event::Start(Tag::Link {
            dest_url,
            title,
            link_type,
            id,
        }) => {
            if is_external(&dest_url) {
                stack.push(true);
                let mut s = String::from("<a href=\"");
                let _ = escape_href(&mut s, &dest_url);
                s.push('"');
                if !title.is_empty() {
                    s.push_str(" title=\"");
                    let _ = escape_html(&mut s, &title);
                    s.push('"');
                }
                s.push_str(" rel=\"noopener\">");
                Event::InlineHtml(CowStr::from(s))
            } else {
                stack.push(false);
                Event::Start(Tag::Link {
                    dest_url,
                    title,
                    link_type,
                    id,
                })
            }
        }
        Event::End(TagEnd::Link) => {
            if stack.pop() == Some(true) {
                Event::InlineHtml(CowStr::Borrowed("</a>"))
            } else {
                Event::End(TagEnd::Link)
            }
        }
        other => other,
    }
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
        let _ = escape_html(&mut out, lang);
        out.push('"');
    }
    out.push('>');
    let _ = escape_html(&mut out, code);
    out.push_str("</code></pre>\n");
    out
}

/// The default stylesheet for highlighted code: a light theme, and a dark one for readers who
/// prefer it. A dossier replaces it by putting its own `static/syntax.css`.
pub fn syntax_css() -> String {
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
}
