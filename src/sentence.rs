//! Where sentences start, by the Unicode sentence rules (UAX #29), quickly.
//!
//! Every link's backlink quotes the sentence it stands in, so every block of every body with a
//! link is cut into sentences: for a large dossier that is most of its text. `unicode-segmentation`
//! implements the rules for all of Unicode, looking each character up in its tables, and in a
//! large dossier that lookup is a visible part of the build. Most text is
//! ASCII with some Latin letters and typographic punctuation, whose sentence categories are few
//! and fixed, so a block made only of those is cut here, by the same rules, and any other block
//! by `unicode-segmentation`. The tests compare the two on every character the fast path knows
//! and on many random texts made of them.

use unicode_segmentation::UnicodeSegmentation;

/// Where each sentence of `text` starts, in order (the first at 0, none for an empty text).
pub fn starts(text: &str) -> Vec<usize> {
    if text.is_ascii() {
        let bytes = text.as_bytes();
        // One table lookup a byte; control characters other than white space are left to
        // `unicode-segmentation`.
        if !bytes.iter().any(|&b| ASCII[usize::from(b)].is_none()) {
            return ascii_starts(bytes);
        }
    } else if let Some((offsets, cats)) = categories(text) {
        return starts_of(&cats).into_iter().map(|k| offsets[k]).collect();
    }
    text.split_sentence_bound_indices().map(|(i, _)| i).collect()
}

/// A character's sentence break property (UAX #29, table 4), for the characters the fast path
/// knows. There is no `Sep`, `Format`, `Extend` or `OLetter` among them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cat {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

/// The category of each ASCII character, as [`category`] gives it.
const ASCII: [Option<Cat>; 128] = {
    let mut table = [None; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = ascii_category(b as u8);
        b += 1;
    }
    table
};

/// The category of a character the fast path knows.
fn category(c: char) -> Option<Cat> {
    if c.is_ascii() {
        return ASCII[c as usize];
    }
    Some(match c {
        '«' | '»' | '‘' | '’' | '“' | '”' => Cat::Close,
        '–' | '—' => Cat::SContinue,
        '\u{a0}' => Cat::Sp,
        // Latin-1 and Latin Extended-A letters, which are cased.
        'À'..='Ö' | 'Ø'..='Þ' => Cat::Upper,
        'ß'..='ö' | 'ø'..='ÿ' => Cat::Lower,
        'Ā'..='ſ' if c.is_lowercase() => Cat::Lower,
        'Ā'..='ſ' if c.is_uppercase() => Cat::Upper,
        '€' | '£' | '¥' | '°' | '§' | '¶' | '©' | '®' | '±' | '×' | '÷' | '·' | '†' | '‡' | '•' | '′' | '″' | '№'
        | '™' => Cat::Other,
        _ => return None,
    })
}

/// The category of an ASCII character; `None` for a control character that is not white space.
const fn ascii_category(b: u8) -> Option<Cat> {
    Some(match b {
        b'\r' => Cat::Cr,
        b'\n' => Cat::Lf,
        b'\t' | 0x0b | 0x0c | b' ' => Cat::Sp,
        b'a'..=b'z' => Cat::Lower,
        b'A'..=b'Z' => Cat::Upper,
        b'0'..=b'9' => Cat::Numeric,
        b'.' => Cat::ATerm,
        b'!' | b'?' => Cat::STerm,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Cat::Close,
        b',' | b'-' | b':' | b';' => Cat::SContinue,
        0x00..=0x08 | 0x0e..=0x1f | 0x7f => return None,
        _ => Cat::Other,
    })
}

/// The byte offset and the category of each character of `text`; `None` when a character is
/// not one the fast path knows.
fn categories(text: &str) -> Option<(Vec<usize>, Vec<Cat>)> {
    let mut offsets = Vec::with_capacity(text.len());
    let mut cats = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        offsets.push(i);
        cats.push(category(c)?);
    }
    Some((offsets, cats))
}

fn is_para_sep(c: Cat) -> bool {
    matches!(c, Cat::Cr | Cat::Lf)
}

fn is_saterm(c: Cat) -> bool {
    matches!(c, Cat::ATerm | Cat::STerm)
}

/// The characters at which the sentences of a text start, given its characters' categories.
fn starts_of(cats: &[Cat]) -> Vec<usize> {
    let mut out = Vec::new();
    if cats.is_empty() {
        return out;
    }
    out.push(0);
    for i in 1..cats.len() {
        // Only a paragraph separator, or the end of SATerm Close* Sp*, can end a sentence.
        if matches!(
            cats[i - 1],
            Cat::Cr | Cat::Lf | Cat::Sp | Cat::Close | Cat::ATerm | Cat::STerm
        ) && breaks_before(cats, i)
        {
            out.push(i);
        }
    }
    out
}

/// [`starts_of`] for ASCII text, without a category per byte: only a paragraph separator, or
/// the end of `SATerm Close* Sp*`, can end a sentence, so the rules are asked only at the
/// places just after a line break and at those after each `.`, `!` or `?` and its closing
/// punctuation and spaces. Most of a body's bytes are never looked at twice.
fn ascii_starts(bytes: &[u8]) -> Vec<usize> {
    let n = bytes.len();
    if n == 0 {
        return Vec::new();
    }
    let cat = |k: usize| ASCII[usize::from(bytes[k])].unwrap_or(Cat::Other);
    let mut out = vec![0];
    for t in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        let mut i = t + 1;
        while i < n && cat(i) == Cat::Close {
            i += 1;
        }
        while i < n && cat(i) == Cat::Sp {
            i += 1;
        }
        out.extend((t + 1..=i.min(n - 1)).filter(|&i| breaks_before_by(n, cat, i)));
    }
    out.extend(
        memchr::memchr2_iter(b'\r', b'\n', bytes)
            .map(|t| t + 1)
            .filter(|&i| i < n && breaks_before_by(n, cat, i)),
    );
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a sentence ends before the character at `i` (0 < i < n), by rules SB3 to SB11.
fn breaks_before(cats: &[Cat], i: usize) -> bool {
    breaks_before_by(cats.len(), |k| cats[k], i)
}

/// [`breaks_before`] for the `n` characters whose categories `cat` gives.
fn breaks_before_by(n: usize, cat: impl Fn(usize) -> Cat, i: usize) -> bool {
    let (prev, cur) = (cat(i - 1), cat(i));
    // SB3, SB4: CR × LF; ParaSep ÷.
    if prev == Cat::Cr && cur == Cat::Lf {
        return false;
    }
    if is_para_sep(prev) {
        return true;
    }
    // The rules below apply after SATerm Close* Sp*: find that SATerm.
    let mut k = i;
    while k > 0 && cat(k - 1) == Cat::Sp {
        k -= 1;
    }
    let spaces = k < i;
    while k > 0 && cat(k - 1) == Cat::Close {
        k -= 1;
    }
    if k == 0 || !is_saterm(cat(k - 1)) {
        return false;
    }
    let term = k - 1;
    let aterm = cat(term) == Cat::ATerm;
    // SB6: ATerm × Numeric; SB7: (Upper | Lower) ATerm × Upper.
    if aterm && term == i - 1 {
        if cur == Cat::Numeric {
            return false;
        }
        if cur == Cat::Upper && term > 0 && matches!(cat(term - 1), Cat::Upper | Cat::Lower) {
            return false;
        }
    }
    // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower.
    if aterm {
        let mut j = i;
        while j < n
            && !matches!(
                cat(j),
                Cat::Upper | Cat::Lower | Cat::Cr | Cat::Lf | Cat::ATerm | Cat::STerm
            )
        {
            j += 1;
        }
        if j < n && cat(j) == Cat::Lower {
            return false;
        }
    }
    // SB8a: SATerm Close* Sp* × (SContinue | SATerm).
    if matches!(cur, Cat::SContinue | Cat::ATerm | Cat::STerm) {
        return false;
    }
    // SB9: SATerm Close* × (Close | Sp | ParaSep); SB10: SATerm Close* Sp* × (Sp | ParaSep).
    if !spaces && cur == Cat::Close {
        return false;
    }
    if matches!(cur, Cat::Sp | Cat::Cr | Cat::Lf) {
        return false;
    }
    // SB11: SATerm Close* Sp* ParaSep? ÷ (a ParaSep already broke by SB4).
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices().map(|(i, _)| i).collect()
    }

    fn fast(text: &str) -> Vec<usize> {
        let (offsets, cats) = categories(text).expect("known characters");
        starts_of(&cats).into_iter().map(|k| offsets[k]).collect()
    }

    #[test]
    fn cuts_plain_sentences() {
        let text = "Musk said so. Nvidia confirmed it! Did Tesla agree? \"Yes.\" Then 3.5 went to U.S.A. teams.";
        assert_eq!(fast(text), reference(text));
        assert_eq!(starts(text), vec![0, 14, 35, 52, 59]);
    }

    #[test]
    fn leaves_other_scripts_to_unicode_segmentation() {
        let text = "馬斯克表示。特斯拉沒有回應。";
        assert!(categories(text).is_none());
        assert_eq!(starts(text), reference(text));
    }

    /// Every character the fast path knows, in the contexts where each rule looks at it.
    #[test]
    fn every_known_character_is_categorized_as_unicode_segmentation_does() {
        let known: Vec<char> = (0u32..0x2200)
            .filter_map(char::from_u32)
            .filter(|&c| category(c).is_some())
            .collect();
        assert!(known.len() > 300);
        let frames = [
            "a{} b. c",
            "A.{}B",
            "x. {}y",
            "x. {}Y",
            "x.{} y",
            "x!{} Y",
            "x. {}",
            "{}. Y",
            "x.{}",
            "x. ({}) y",
            "e.g.{}the",
            "A{}. B",
            "a {}. b",
            "1.{}2",
            "x? {}{} Z",
            "x.\r{}\nY",
            "x.{}\"  Y",
            "x.){}",
            "{}",
        ];
        for c in known {
            for f in frames {
                let text = f.replace("{}", &c.to_string());
                assert_eq!(fast(&text), reference(&text), "{c:?} (U+{:04X}) in {text:?}", c as u32);
                assert_eq!(
                    starts(&text),
                    reference(&text),
                    "{c:?} (U+{:04X}) in {text:?}",
                    c as u32
                );
            }
        }
    }

    /// Random texts over an alphabet of every category, the rules' corner cases included.
    #[test]
    fn random_texts_are_cut_as_unicode_segmentation_cuts_them() {
        let alphabet: Vec<char> = "aZ9.!?\"()’“,-;:— \t\r\n\u{a0}#%é€ß".chars().collect();
        let ascii: Vec<char> = alphabet.iter().copied().filter(char::is_ascii).collect();
        let mut rng = fastrand::Rng::with_seed(29);
        for round in 0..50_000 {
            // Every other text is ASCII, which takes the fastest path.
            let alphabet = if round % 2 == 0 { &alphabet } else { &ascii };
            let len = rng.usize(1..24);
            let text: String = (0..len).map(|_| alphabet[rng.usize(..alphabet.len())]).collect();
            assert_eq!(fast(&text), reference(&text), "{text:?}");
            assert_eq!(starts(&text), reference(&text), "{text:?}");
        }
    }
}
