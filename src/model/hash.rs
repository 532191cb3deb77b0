//! The hash of a note's body as translators record it (`translated_from:`), so that a
//! translation knows which version of its original it was made from.

/// How many hex digits of the hash a translation records: 48 bits, enough to tell versions of
/// one note apart, short enough to copy.
const HASH_LEN: usize = 12;

/// The hash of a body as translators record it: BLAKE3 of its text with every run of white
/// space made one space, so rewrapping a paragraph or fixing indentation changes nothing.
pub fn body_hash(body: &str) -> String {
    // Every note's body is hashed at load. Most lines hold words with single spaces between,
    // which the rule leaves as they are: those go to the hasher whole; only the others are
    // taken apart word by word.
    let mut words = Words::default();
    for line in body.split('\n') {
        let bytes = line.as_bytes();
        // No control characters (tabs and carriage returns among them), no white space but
        // single spaces between words.
        let no_controls = bytes.iter().fold(true, |ok, &b| ok & (b >= 0x20));
        let clean = no_controls
            && !bytes.starts_with(b" ")
            && !bytes.ends_with(b" ")
            && memchr::memmem::find(bytes, b"  ").is_none()
            && (line.is_ascii() || !line.chars().any(|c| !c.is_ascii() && c.is_whitespace()));
        if clean {
            if !line.is_empty() {
                words.push(line);
            }
        } else {
            line.split_whitespace().for_each(|w| words.push(w));
        }
    }
    let hex = words.finish().to_hex();
    hex[..HASH_LEN].to_string()
}

/// Words joined by single spaces, on their way to the hasher through a small buffer: one call
/// to the hasher per word would be slow, and a copy of the whole text is a body's worth of
/// fresh memory per note.
struct Words {
    hasher: blake3::Hasher,
    buf: [u8; 4096],
    len: usize,
    started: bool,
}

impl Default for Words {
    fn default() -> Words {
        Words {
            hasher: blake3::Hasher::new(),
            buf: [0; 4096],
            len: 0,
            started: false,
        }
    }
}

impl Words {
    /// Adds a word, or several already joined by single spaces.
    fn push(&mut self, words: &str) {
        if std::mem::replace(&mut self.started, true) {
            self.bytes(b" ");
        }
        self.bytes(words.as_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        if self.len + b.len() > self.buf.len() {
            self.hasher.update(&self.buf[..self.len]);
            self.len = 0;
        }
        if b.len() > self.buf.len() {
            self.hasher.update(b);
        } else {
            self.buf[self.len..self.len + b.len()].copy_from_slice(b);
            self.len += b.len();
        }
    }

    fn finish(mut self) -> blake3::Hash {
        self.hasher.update(&self.buf[..self.len]);
        self.hasher.finalize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_does_not_change_the_hash_and_a_character_does() {
        let h = body_hash("Musk said Tesla had no room.\n\nSecond paragraph.\n");
        assert_eq!(h.len(), HASH_LEN);
        assert_eq!(
            h,
            body_hash("  Musk said Tesla had\nno room.\n\n\n\nSecond   paragraph.")
        );
        assert_ne!(h, body_hash("Musk said Tesla had no room!\n\nSecond paragraph.\n"));
        assert_ne!(body_hash("ab"), body_hash("a b"));
    }

    /// The hash as it is defined: the words joined by one space, hashed at once.
    fn body_hash_by_definition(body: &str) -> String {
        let words: Vec<&str> = body.split_whitespace().collect();
        blake3::hash(words.join(" ").as_bytes()).to_hex()[..HASH_LEN].to_string()
    }

    #[test]
    fn the_hash_is_that_of_the_words_joined() {
        // Every kind of white space, ASCII and not, words longer than the buffer, and words
        // that end just at its end.
        let pieces = [
            "a", "word", "é", "語", "🙂", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}",
            "\u{1680}", "\u{2003}", "\u{2028}", "\u{202F}", "\u{3000}", "\u{200B}", "x",
        ];
        let long = "w".repeat(5000);
        let mut rng = fastrand::Rng::with_seed(9);
        for round in 0..3000 {
            let mut body = String::new();
            for _ in 0..rng.usize(0..40) {
                body.push_str(pieces[rng.usize(0..pieces.len())]);
                if rng.usize(0..50) == 0 {
                    body.push_str(&long[..rng.usize(1..long.len())]);
                }
            }
            assert_eq!(
                body_hash(&body),
                body_hash_by_definition(&body),
                "round {round}: {body:?}"
            );
        }
        for n in 4090..4100 {
            let body = format!("{} b {}", "a".repeat(n), "c".repeat(n));
            assert_eq!(body_hash(&body), body_hash_by_definition(&body), "{n}");
        }
    }
}
