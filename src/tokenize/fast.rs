//! A faster exact counter for tiktoken's encodings, equal to `CoreBPE::encode_ordinary(text).len()`.
//!
//! Four changes, each checked against tiktoken on the reference counts and on a large random multilingual set:
//! - The pre-split runs on `regex_automata` (the engine under the `regex` crate) instead of `fancy_regex`. The
//!   encodings' patterns use one look-ahead, `\s+(?!\S)`; it is dropped and emulated: a whitespace run matched by
//!   the final `\s+` that is followed by a non-space and longer than one character gives back its last character,
//!   exactly what the look-ahead does.
//! - Each worker thread keeps a cache of piece -> token count: natural text repeats its pieces (words) all the
//!   time, and the byte-pair merge of a piece is the other half of the cost.
//! - ASCII text is split into pieces by hand (`ascii.rs`), exactly as the pattern splits it; the DFA takes over
//!   wherever a non-ASCII character could change the answer.
//! - The ranks are read from tables laid out at build time (`table.rs`), not from a hash map built per process:
//!   counting starts in about a millisecond instead of about 40, and the merge (`merge.rs`) is tiktoken's own.

use regex_automata::hybrid::dfa::{self, DFA};
use regex_automata::meta::{Cache, Regex};
use regex_automata::{Anchored, Input};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use super::Encoding;
use super::ascii;
use super::merge::{self, LONG_PIECE};
use super::table::{self, Table};
use super::table_layout;

/// The pattern alternative that needs a look-ahead, and what the emulation keeps of it.
const LOOKAHEAD: &str = r"\s+(?!\S)|";

/// cl100k_base's pattern as OpenAI published it (tiktoken-rs carries an equivalent possessive form).
const CL100K_PAT: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// Entries per thread before the piece cache starts over: bounds memory on text with endless new pieces.
const CACHE_LIMIT: usize = 1 << 18;

/// What every thread shares: the vocabulary's table and the compiled split pattern (each thread has its own scratch
/// space for the pattern, so that threads never wait on each other).
pub struct Vocab {
    ranks: &'static Table,
    pattern: String,
    /// The pattern as a lazy DFA alone: an anchored search needs only the end of a match, which a forward scan
    /// gives without the general engine's dispatch.
    forward: DFA,
    /// The general engine, compiled the first time the DFA cannot answer (it gives up on some inputs).
    split: OnceLock<Regex>,
}

pub(super) fn pattern(enc: Encoding) -> String {
    let full = match enc {
        Encoding::O200kBase => tiktoken_rs::O200K_BASE_PAT_STR,
        Encoding::Cl100kBase => CL100K_PAT,
    };
    assert!(
        full.ends_with(r"\s+(?!\S)|\s+"),
        "the emulation expects the look-ahead just before the last `\\s+`"
    );
    full.replacen(LOOKAHEAD, "", 1)
}

impl Vocab {
    fn build(enc: Encoding) -> Vocab {
        let pattern = pattern(enc);
        Vocab {
            ranks: match enc {
                Encoding::O200kBase => &table::O200K,
                Encoding::Cl100kBase => &table::CL100K,
            },
            forward: DFA::new(&pattern).expect("the encodings' patterns compile to a lazy DFA"),
            pattern,
            split: OnceLock::new(),
        }
    }

    fn split(&self) -> &Regex {
        self.split
            .get_or_init(|| Regex::new(&self.pattern).expect("the encodings' patterns compile without the look-ahead"))
    }

    pub fn get(enc: Encoding) -> &'static Vocab {
        static O200K: OnceLock<Vocab> = OnceLock::new();
        static CL100K: OnceLock<Vocab> = OnceLock::new();
        match enc {
            Encoding::O200kBase => O200K.get_or_init(|| Vocab::build(enc)),
            Encoding::Cl100kBase => CL100K.get_or_init(|| Vocab::build(enc)),
        }
    }
}

/// A piece of under 16 bytes as a cache key: its bytes in order, zero-padded, its length in the last byte. Read with
/// overlapping loads: copying the bytes into a zeroed buffer and loading that back stalls on every piece.
#[inline]
fn pack_short(bytes: &[u8]) -> u128 {
    let n = bytes.len();
    debug_assert!(n < 16);
    let word = |at: usize| table_layout::word(bytes, at);
    let half = |at: usize| table_layout::half(bytes, at);
    // The second load overlaps the first; shifting it right drops the bytes the first already has.
    let (lo, hi) = match n {
        8.. => (word(0), word(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0)),
        4.. => (half(0) | (half(n - 4) >> (8 * (8 - n)) << 32), 0),
        _ => (bytes.iter().rev().fold(0, |w, &b| (w << 8) | u64::from(b)), 0),
    };
    u128::from(lo) | (u128::from(hi | (n as u64) << 56) << 64)
}

/// One thread's counter for one encoding.
pub struct Counter {
    enc: Encoding,
    vocab: &'static Vocab,
    /// Scratch space for the general engine, made when first needed.
    split: Option<Cache>,
    forward: dfa::Cache,
    /// Pieces of up to 15 bytes, packed with their length into the key.
    short: FxHashMap<u128, u32>,
    pieces: FxHashMap<Box<[u8]>, u32>,
    /// Off to measure, or to check, the uncached path.
    pub cache: bool,
}

impl Counter {
    pub fn new(enc: Encoding) -> Counter {
        let vocab = Vocab::get(enc);
        Counter {
            enc,
            vocab,
            split: None,
            forward: vocab.forward.create_cache(),
            short: FxHashMap::default(),
            pieces: FxHashMap::default(),
            cache: true,
        }
    }

    fn piece(&mut self, piece: &str) -> u64 {
        let bytes = piece.as_bytes();
        // Short pieces, most of any text, are cached by value: no pointer to follow, no bytes to compare.
        if bytes.len() < 16 {
            let key = pack_short(bytes);
            if self.cache
                && let Some(&n) = self.short.get(&key)
            {
                return u64::from(n);
            }
            let n = if self.vocab.ranks.contains(bytes) {
                1
            } else {
                merge::count_small(self.vocab.ranks, bytes) as u32
            };
            if self.cache {
                if self.short.len() >= CACHE_LIMIT {
                    self.short.clear();
                }
                self.short.insert(key, n);
            }
            return u64::from(n);
        }
        if self.vocab.ranks.contains(bytes) {
            return 1;
        }
        if bytes.len() >= LONG_PIECE {
            return merge::count_large(self.vocab.ranks, bytes);
        }
        if self.cache
            && let Some(&n) = self.pieces.get(bytes)
        {
            return u64::from(n);
        }
        let n = merge::count_small(self.vocab.ranks, bytes) as u32;
        if self.cache {
            if self.pieces.len() >= CACHE_LIMIT {
                self.pieces.clear();
            }
            self.pieces.insert(bytes.into(), n);
        }
        u64::from(n)
    }

    /// Where the piece that starts at `at` begins and ends, before the look-ahead's emulation: by hand for ASCII,
    /// else by the lazy DFA, else (if the DFA gives up) by the general engine. `None` when no piece starts there.
    fn next_piece(&mut self, text: &str, at: usize) -> Option<(usize, usize)> {
        if let Some(end) = ascii::piece_end(text.as_bytes(), at, self.enc) {
            return Some((at, end));
        }
        // Pieces follow each other without gaps (every character belongs to one), so the next one is searched
        // anchored where the last ended: a forward scan alone, with no reverse scan to find where it starts.
        let anchored = Input::new(text).range(at..).anchored(Anchored::Yes);
        if let Ok(Some(m)) = self.vocab.forward.try_search_fwd(&mut self.forward, &anchored) {
            return Some((at, m.offset()));
        }
        let re = self.vocab.split();
        let cache = self.split.get_or_insert_with(|| re.create_cache());
        re.search_with(cache, &Input::new(text).range(at..))
            .map(|m| (m.start(), m.end()))
    }

    /// Tokens in `text`, as `encode_ordinary` counts them.
    pub fn count(&mut self, text: &str) -> u64 {
        let mut n = 0;
        let mut at = 0;
        while at < text.len() {
            let Some((start, mut end)) = self.next_piece(text, at) else {
                break;
            };
            let piece = &text[start..end];
            // The emulated look-ahead: a run of two or more whitespace characters, followed by a non-space,
            // leaves its last character to the next piece.
            if end < text.len() && piece.chars().all(char::is_whitespace) && !piece.contains(['\r', '\n']) {
                let mut chars = piece.char_indices();
                if let (Some(_), Some((last, _))) = (chars.nth(1), piece.char_indices().next_back()) {
                    end = start + last;
                }
            }
            n += self.piece(&text[start..end]);
            at = end;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    /// The packed key is the bytes in order, zero-padded, with the length last: one key per piece.
    #[test]
    fn short_pieces_pack_to_their_bytes_and_length() {
        let bytes: Vec<u8> = (0..15u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
        for n in 0..16 {
            let mut want = [0u8; 16];
            want[..n].copy_from_slice(&bytes[..n]);
            want[15] = n as u8;
            assert_eq!(super::pack_short(&bytes[..n]), u128::from_le_bytes(want), "{n} bytes");
        }
    }
}
