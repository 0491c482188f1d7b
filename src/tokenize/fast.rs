//! A faster exact counter for tiktoken's encodings, equal to `CoreBPE::encode_ordinary(text).len()`.
//!
//! Two changes, each checked against tiktoken on the reference counts and on a large random multilingual set:
//! - The pre-split runs on the `regex` crate instead of `fancy_regex`. The encodings' patterns use one look-ahead,
//!   `\s+(?!\S)`; it is dropped and emulated: a whitespace run matched by the final `\s+` that is followed by a
//!   non-space and longer than one character gives back its last character, exactly what the look-ahead does.
//! - Each worker thread keeps a cache of piece -> token count: natural text repeats its pieces (words) all the
//!   time, and the byte-pair merge of a piece is the other half of the cost.

use regex_automata::hybrid::dfa::{self, DFA};
use regex_automata::meta::{Cache, Regex};
use regex_automata::{Anchored, Input};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use tiktoken_rs::Rank;

use super::{Encoding, merge};

/// OpenAI's vocabulary files, byte for byte (SHA-256 446a9538... for o200k_base, 223921b7... for cl100k_base): the
/// same ones tiktoken downloads and tiktoken-rs embeds, read here directly so that a count starts in milliseconds.
const O200K_VOCAB: &str = include_str!("vocab/o200k_base.tiktoken");
const CL100K_VOCAB: &str = include_str!("vocab/cl100k_base.tiktoken");

/// The pattern alternative that needs a look-ahead, and what the emulation keeps of it.
const LOOKAHEAD: &str = r"\s+(?!\S)|";

/// cl100k_base's pattern as OpenAI published it (tiktoken-rs carries an equivalent possessive form).
const CL100K_PAT: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// Pieces this long skip the cache and take the O(n log n) merge.
const LONG_PIECE: usize = 100;
/// Entries per thread before the piece cache starts over: bounds memory on text with endless new pieces.
const CACHE_LIMIT: usize = 1 << 18;

/// What every thread shares: the vocabulary and the compiled split pattern (each thread has its own scratch space
/// for the pattern, so that threads never wait on each other).
pub struct Vocab {
    ranks: FxHashMap<Vec<u8>, Rank>,
    split: Regex,
    /// The same pattern as a lazy DFA alone: an anchored search needs only the end of a match, which a forward
    /// scan gives without the general engine's dispatch.
    forward: DFA,
}

/// Standard base64 with padding, as the vocabulary files are written; a hand-rolled loop because decoding 200,000
/// short tokens is most of building a vocabulary, and a general decoder's checks cost more than the decoding.
fn base64_decode(text: &[u8]) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => 0,
        }
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for quad in text.chunks(4) {
        let pad = quad.iter().filter(|&&c| c == b'=').count();
        let n = quad.iter().fold(0u32, |n, &c| (n << 6) | value(c));
        let n = n << (6 * (4 - quad.len()));
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad.min(2)]);
    }
    out
}

/// The "<base64 bytes> <rank>" lines of a vocabulary file. The file is part of the binary, so a malformed line is
/// a build mistake.
fn entries(file: &[u8]) -> impl Iterator<Item = (Vec<u8>, Rank)> + '_ {
    file.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|line| {
        let space = memchr::memchr(b' ', line).expect("vocabulary line");
        let rank = line[space + 1..]
            .iter()
            .fold(0, |n: Rank, d| n * 10 + Rank::from(d - b'0'));
        (base64_decode(&line[..space]), rank)
    })
}

fn pattern(enc: Encoding) -> String {
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
        let file = match enc {
            Encoding::O200kBase => O200K_VOCAB,
            Encoding::Cl100kBase => CL100K_VOCAB,
        }
        .as_bytes();
        // The other worker threads wait for the vocabulary: a helper thread decodes the second half of the file and
        // compiles the patterns meanwhile.
        let mid = memchr::memchr(b'\n', &file[file.len() / 2..]).map_or(file.len(), |i| file.len() / 2 + i + 1);
        let pat = pattern(enc);
        let mut ranks = FxHashMap::with_capacity_and_hasher(file.len() / 16, Default::default());
        let (second, split, forward) = std::thread::scope(|s| {
            let second = s.spawn(|| entries(&file[mid..]).collect::<Vec<_>>());
            let patterns = s.spawn(|| {
                (
                    Regex::new(&pat).expect("the encodings' patterns compile without the look-ahead"),
                    DFA::new(&pat).expect("the encodings' patterns compile to a lazy DFA"),
                )
            });
            ranks.extend(entries(&file[..mid]));
            let second = second.join().expect("vocabulary thread");
            let (split, forward) = patterns.join().expect("pattern thread");
            (second, split, forward)
        });
        ranks.extend(second);
        Vocab { ranks, split, forward }
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

/// One thread's counter for one encoding.
pub struct Counter {
    vocab: &'static Vocab,
    split: Cache,
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
            vocab,
            split: vocab.split.create_cache(),
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
            let mut packed = [0u8; 16];
            packed[..bytes.len()].copy_from_slice(bytes);
            packed[15] = bytes.len() as u8;
            let key = u128::from_le_bytes(packed);
            if self.cache
                && let Some(&n) = self.short.get(&key)
            {
                return u64::from(n);
            }
            let n = if self.vocab.ranks.contains_key(bytes) {
                1
            } else {
                tiktoken_rs::byte_pair_split(bytes, &self.vocab.ranks).len() as u32
            };
            if self.cache {
                if self.short.len() >= CACHE_LIMIT {
                    self.short.clear();
                }
                self.short.insert(key, n);
            }
            return u64::from(n);
        }
        if self.vocab.ranks.contains_key(bytes) {
            return 1;
        }
        if bytes.len() >= LONG_PIECE {
            return merge::count_large(&self.vocab.ranks, bytes);
        }
        if self.cache
            && let Some(&n) = self.pieces.get(bytes)
        {
            return u64::from(n);
        }
        let n = tiktoken_rs::byte_pair_split(bytes, &self.vocab.ranks).len() as u32;
        if self.cache {
            if self.pieces.len() >= CACHE_LIMIT {
                self.pieces.clear();
            }
            self.pieces.insert(bytes.into(), n);
        }
        u64::from(n)
    }

    /// Tokens in `text`, as `encode_ordinary` counts them.
    pub fn count(&mut self, text: &str) -> u64 {
        let mut n = 0;
        let mut at = 0;
        let re = &self.vocab.split;
        while at < text.len() {
            // Pieces follow each other without gaps (every character belongs to one), so the next one is searched
            // anchored where the last ended: a forward scan alone, with no reverse scan to find where it starts.
            let anchored = Input::new(text).range(at..).anchored(Anchored::Yes);
            let (start, mut end) = match self.vocab.forward.try_search_fwd(&mut self.forward, &anchored) {
                Ok(Some(m)) => (at, m.offset()),
                // No piece starts here (not seen with these patterns), or the DFA gave up: the general engine.
                _ => match re.search_with(&mut self.split, &Input::new(text).range(at..)) {
                    Some(m) => (m.start(), m.end()),
                    None => break,
                },
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
