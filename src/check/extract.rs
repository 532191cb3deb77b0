//! Finding the links in built files: every URL-bearing attribute of an HTML page, the `id`s a
//! fragment may point at, and the `url()`s and `@import`s of CSS.
//!
//! HTML goes through html5gum, a WHATWG-conformant tokenizer (the one lychee uses): attribute
//! values arrive with character references decoded, and each comes with its byte span, so a
//! broken link can be pointed at in the page. CSS goes through cssparser, the tokenizer of
//! Servo and Firefox.

use std::collections::HashSet;

use cssparser::{ParseError, Parser, ParserInput, Token};
use html5gum::{DefaultEmitter, Token as HtmlToken, Tokenizer};

/// A URL found in a file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub url: String,
    /// What held it: `a href`, `img srcset`, `css url()`.
    pub what: &'static str,
    /// Byte offset of the value in the file.
    pub offset: usize,
}

/// What a page offers and what it points to.
#[derive(Debug, Default)]
pub struct PageLinks {
    pub links: Vec<Found>,
    /// Every `id`, and every `name` of an `<a>`: the fragments that land somewhere.
    pub anchors: HashSet<String>,
    /// The page's `<base href>`, if it has one.
    pub base: Option<String>,
}

/// The attributes of an element that hold a URL, with what to call each.
fn url_attributes(element: &str) -> &'static [(&'static str, &'static str)] {
    match element {
        "a" => &[("href", "a href")],
        "area" => &[("href", "area href")],
        "link" => &[("href", "link href")],
        "img" => &[("src", "img src")],
        "script" => &[("src", "script src")],
        "iframe" | "embed" | "source" | "track" | "audio" | "input" => &[("src", "src")],
        "video" => &[("src", "src"), ("poster", "video poster")],
        "form" => &[("action", "form action")],
        "button" => &[("formaction", "button formaction")],
        "object" => &[("data", "object data")],
        "blockquote" | "q" | "ins" | "del" => &[("cite", "cite")],
        _ => &[],
    }
}

/// `<link rel>` values that name a host, not a resource.
const HINT_RELS: &[&str] = &["preconnect", "dns-prefetch"];

/// Extracts the links and anchors of an HTML page.
pub fn html(text: &str) -> PageLinks {
    let mut out = PageLinks::default();
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Switch to raw text inside <script> and <style>, as a browser does.
    emitter.naively_switch_states(true);
    let mut in_style = false;
    for token in Tokenizer::new_with_emitter(text, emitter).flatten() {
        match token {
            HtmlToken::StartTag(tag) => {
                // Tag names are ASCII after tokenizing; anything else holds no link.
                let name = std::str::from_utf8(&tag.name).unwrap_or("");
                in_style = name == "style";
                if tag.attributes.is_empty() {
                    continue;
                }
                let attr = |key: &str| tag.attributes.get(key.as_bytes());
                // The span html5gum gives starts at the attribute's name; links point at the value.
                let value_at = |v: &html5gum::Spanned<html5gum::HtmlString, usize>| value_start(text, v.span.start);
                if let Some(v) = attr("id") {
                    out.anchors.insert(String::from_utf8_lossy(v).into_owned());
                }
                if name == "a"
                    && let Some(v) = attr("name")
                {
                    out.anchors.insert(String::from_utf8_lossy(v).into_owned());
                }
                if name == "base"
                    && let Some(v) = attr("href")
                {
                    out.base = Some(String::from_utf8_lossy(v).into_owned());
                    continue;
                }
                if name == "link"
                    && let Some(rel) = attr("rel")
                {
                    let rel = String::from_utf8_lossy(rel).to_ascii_lowercase();
                    if rel.split_ascii_whitespace().any(|r| HINT_RELS.contains(&r)) {
                        continue;
                    }
                }
                for (key, what) in url_attributes(name) {
                    if let Some(v) = attr(key) {
                        out.links.push(Found {
                            url: String::from_utf8_lossy(v).trim().to_string(),
                            what,
                            offset: value_at(v),
                        });
                    }
                }
                if let Some(v) = attr("srcset")
                    && matches!(name, "img" | "source")
                {
                    for (url, at) in srcset(&String::from_utf8_lossy(v)) {
                        out.links.push(Found {
                            url,
                            what: if name == "img" { "img srcset" } else { "source srcset" },
                            offset: value_at(v) + at,
                        });
                    }
                }
                if let Some(v) = attr("style") {
                    let base = value_at(v);
                    for mut f in css(&String::from_utf8_lossy(v)) {
                        f.offset += base;
                        f.what = "style url()";
                        out.links.push(f);
                    }
                }
            }
            HtmlToken::EndTag(_) => in_style = false,
            HtmlToken::String(s) if in_style => {
                let base = s.span.start;
                for mut f in css(&String::from_utf8_lossy(&s)) {
                    f.offset += base;
                    out.links.push(f);
                }
            }
            _ => {}
        }
    }
    out
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
pub fn css(text: &str) -> Vec<Found> {
    let mut input = ParserInput::new(text);
    let mut parser = Parser::new(&mut input);
    let mut out = Vec::new();
    walk_css(&mut parser, &mut out);
    out
}

fn walk_css(p: &mut Parser<'_, '_>, out: &mut Vec<Found>) {
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
                url: u.to_string(),
                what: "css url()",
                offset: at,
            }),
            Token::QuotedString(s) if after_import => out.push(Found {
                url: s.to_string(),
                what: "css @import",
                offset: at,
            }),
            Token::Function(name) if name.eq_ignore_ascii_case("url") => {
                let _ = p.parse_nested_block(|p| {
                    let inner = p.position().byte_index();
                    if let Ok(s) = p.expect_string() {
                        out.push(Found {
                            url: s.to_string(),
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
        let urls: Vec<(&str, &str)> = page.links.iter().map(|f| (f.url.as_str(), f.what)).collect();
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
        assert!(page.anchors.contains("top") && page.anchors.contains("old"));
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
