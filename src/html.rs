//! The crate's one escaper of text into HTML and XML: text the program writes into a page, a
//! feed or a picture, as element text or as a quoted attribute value, goes through [`escape`].
//! (A URL in an `href` is another matter: `pulldown_cmark_escape::escape_href`.)

/// Appends `text` to `out` with `&`, `<`, `>`, `"` and `'` written as `&amp;`, `&lt;`, `&gt;`,
/// `&quot;` and `&#39;`: safe as element text and inside an attribute value quoted either way,
/// in HTML and in XML (SVG, Atom, sitemaps) alike. This is `pulldown_cmark_escape::escape_html`,
/// which Markdown bodies and, through Tera's `fast` feature, templates already escape with, so
/// that the same text is written the same way whichever part of the program writes it.
pub(crate) fn escape(out: &mut String, text: &str) {
    // Writing to a `String` cannot fail.
    let _ = pulldown_cmark_escape::escape_html(out, text);
}

/// [`escape`], appending to bytes (a page being written).
pub(crate) fn escape_bytes(out: &mut Vec<u8>, text: &str) {
    // Writing to a `Vec` cannot fail.
    let _ = pulldown_cmark_escape::escape_html(pulldown_cmark_escape::IoWriter(out), text);
}

/// `text` escaped as [`escape`] writes it, as a new string.
pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The five characters, and only they, whatever is around them: ASCII, other scripts,
    /// and runs long enough for the escaper's SIMD path.
    #[test]
    fn escapes_the_five_characters_and_nothing_else() {
        assert_eq!(
            escaped(r#"Smith & Sons <Holdings> "R" 'Q'"#),
            "Smith &amp; Sons &lt;Holdings&gt; &quot;R&quot; &#39;Q&#39;"
        );
        assert_eq!(escaped(""), "");
        assert_eq!(escaped("中文 — ½ é"), "中文 — ½ é");
        let long = "ab'c\"d<e>f&g 歷史 ".repeat(40);
        let by_char: String = long
            .chars()
            .map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                c => c.to_string(),
            })
            .collect();
        assert_eq!(escaped(&long), by_char);
        let mut out = String::from("kept: ");
        escape(&mut out, "<&>");
        assert_eq!(out, "kept: &lt;&amp;&gt;");
    }
}
