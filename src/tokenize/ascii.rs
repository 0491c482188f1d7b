//! The pre-split of ASCII text by hand: where the encoding's pattern (without its look-ahead, as the lazy DFA runs
//! it) ends the piece that starts at a given place, found by a few byte comparisons instead of a DFA search. Most
//! pieces of logged text (English, code, JSON) are ASCII, and a piece is a few bytes long, so the search's set-up
//! was most of its cost.
//!
//! Every answer is the pattern's own, worked out from its alternatives in order (leftmost-first, as the regex
//! engines match them). Where the answer could depend on a non-ASCII character (a Unicode letter, digit, mark,
//! space or punctuation continuing a run, or `ſ`, which `(?i)s` matches), there is no answer and the DFA decides.
//!
//! o200k_base: `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
//! `|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
//! `|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+`
//!
//! cl100k_base: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*`
//! `|\s*[\r\n]+|\s+`

use super::Encoding;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Upper,
    Lower,
    Digit,
    /// `\r` and `\n`.
    Newline,
    /// The space character, the only one ` ?` takes.
    Space,
    /// Tab, vertical tab, form feed: `\s`, like the space and the newlines.
    OtherSpace,
    /// Every other ASCII character: punctuation, symbols and control characters, none of them `\s`, `\p{L}` or
    /// `\p{N}`.
    Other,
    /// The end of the text.
    End,
}

const fn class_of(b: u8) -> Class {
    match b {
        b'A'..=b'Z' => Class::Upper,
        b'a'..=b'z' => Class::Lower,
        b'0'..=b'9' => Class::Digit,
        b'\r' | b'\n' => Class::Newline,
        b' ' => Class::Space,
        b'\t' | 0x0b | 0x0c => Class::OtherSpace,
        _ => Class::Other,
    }
}

const CLASSES: [Class; 128] = {
    let mut t = [Class::Other; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = class_of(b as u8);
        b += 1;
    }
    t
};

/// The class of the character at `i`, or `None` for a non-ASCII one.
#[inline]
fn class(text: &[u8], i: usize) -> Option<Class> {
    match text.get(i) {
        None => Some(Class::End),
        Some(&b) if b < 0x80 => Some(CLASSES[b as usize]),
        Some(_) => None,
    }
}

/// The end of `'s`, `'t`, `'re`, `'ve`, `'m`, `'ll` or `'d` (any case) at `at`; `Some(at)` when there is none there,
/// `None` when a non-ASCII character decides it.
fn contraction(text: &[u8], at: usize) -> Option<usize> {
    if text.get(at) != Some(&b'\'') {
        return Some(at);
    }
    let lower = |i: usize| text.get(i).map(u8::to_ascii_lowercase);
    Some(match text.get(at + 1) {
        Some(&b) if b >= 0x80 => return None,
        Some(b's' | b'S' | b't' | b'T' | b'm' | b'M' | b'd' | b'D') => at + 2,
        Some(b'r' | b'R' | b'v' | b'V') if lower(at + 2) == Some(b'e') => at + 3,
        Some(b'l' | b'L') if lower(at + 2) == Some(b'l') => at + 3,
        _ => at,
    })
}

/// The end of the letters that start at `at` (at least one), and of o200k_base's contraction after them.
fn letters(text: &[u8], at: usize, enc: Encoding) -> Option<usize> {
    let mut end = at;
    match enc {
        // Capitals, then small letters: a small letter followed by a capital ends the piece.
        Encoding::O200kBase => {
            while class(text, end)? == Class::Upper {
                end += 1;
            }
            while class(text, end)? == Class::Lower {
                end += 1;
            }
            contraction(text, end)
        }
        Encoding::Cl100kBase => {
            while matches!(class(text, end)?, Class::Upper | Class::Lower) {
                end += 1;
            }
            Some(end)
        }
    }
}

/// Where the pattern's match that starts at `at` (before the end of `text`) ends, or `None` when that depends on a
/// non-ASCII character.
#[inline]
pub fn piece_end(text: &[u8], at: usize, enc: Encoding) -> Option<usize> {
    let first = class(text, at)?;
    if enc == Encoding::Cl100kBase && text[at] == b'\'' {
        let end = contraction(text, at)?;
        if end > at {
            return Some(end);
        }
    }
    match first {
        Class::Upper | Class::Lower => letters(text, at, enc),
        Class::Digit => {
            let mut end = at + 1;
            while end < at + 3 && class(text, end)? == Class::Digit {
                end += 1;
            }
            Some(end)
        }
        Class::Space | Class::OtherSpace | Class::Other => {
            let second = class(text, at + 1)?;
            if matches!(second, Class::Upper | Class::Lower) {
                // One character that is not a letter, digit or newline, then letters.
                return letters(text, at + 1, enc);
            }
            if first == Class::Other || (first == Class::Space && second == Class::Other) {
                // ` ?[^\s\p{L}\p{N}]+` then newlines (and slashes for o200k_base).
                let mut end = if first == Class::Space { at + 1 } else { at };
                while class(text, end)? == Class::Other {
                    end += 1;
                }
                while let Some(&b) = text.get(end)
                    && (b == b'\r' || b == b'\n' || (b == b'/' && enc == Encoding::O200kBase))
                {
                    end += 1;
                }
                return Some(end);
            }
            spaces(text, at)
        }
        Class::Newline => spaces(text, at),
        Class::End => None,
    }
}

/// A run of whitespace: up to its last newline if it has one (`\s*[\r\n]+`), else all of it (`\s+`).
fn spaces(text: &[u8], at: usize) -> Option<usize> {
    let (mut end, mut newline) = (at, None);
    loop {
        match class(text, end)? {
            Class::Space | Class::OtherSpace => end += 1,
            Class::Newline => {
                end += 1;
                newline = Some(end);
            }
            _ => return Some(newline.unwrap_or(end)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::hybrid::dfa::DFA;
    use regex_automata::{Anchored, Input};

    /// Every string of up to four characters from an alphabet chosen to tempt the rules (contractions, `ſ`, runs of
    /// each class, a vertical tab (`\s`) and a file separator (not `\s`), and non-ASCII letters, digits, marks and
    /// spaces beside ASCII ones): at every place where this module answers, the answer is the lazy DFA's.
    #[test]
    fn every_answer_is_the_patterns() {
        const ALPHABET: [char; 23] = [
            'a', 'Z', 's', 'S', 'e', 'l', 'r', '\'', '1', ' ', '\t', '\x0b', '\n', '\r', '/', '!', '\x1c', 'é', 'ſ',
            '٣', '\u{a0}', '\u{85}', '\u{301}',
        ];
        for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
            let dfa = DFA::new(&super::super::fast::pattern(enc)).expect("pattern");
            let mut cache = dfa.create_cache();
            let mut answered = 0;
            let mut text = String::new();
            for n in 1..=4u32 {
                for mut code in 0..ALPHABET.len().pow(n) {
                    text.clear();
                    for _ in 0..n {
                        text.push(ALPHABET[code % ALPHABET.len()]);
                        code /= ALPHABET.len();
                    }
                    for (at, _) in text.char_indices() {
                        let Some(end) = piece_end(text.as_bytes(), at, enc) else {
                            // ASCII text never needs the DFA.
                            assert!(!text.is_ascii(), "{} {text:?} from {at}", enc.name());
                            continue;
                        };
                        let input = Input::new(&text).range(at..).anchored(Anchored::Yes);
                        let want = dfa
                            .try_search_fwd(&mut cache, &input)
                            .expect("no give-up")
                            .map(|m| m.offset());
                        assert_eq!(Some(end), want, "{} {text:?} from {at}", enc.name());
                        answered += 1;
                    }
                }
            }
            assert!(answered > 300_000, "{answered} places answered");
        }
    }
}
