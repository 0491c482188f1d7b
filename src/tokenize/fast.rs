//! A faster exact counter for tiktoken's encodings, equal to `CoreBPE::encode_ordinary(text).len()`.
//!
//! Two changes, each checked against tiktoken on the reference counts and on a large random multilingual set:
//! - The pre-split runs on the `regex` crate instead of `fancy_regex`. The encodings' patterns use one look-ahead,
//!   `\s+(?!\S)`; it is dropped and emulated: a whitespace run matched by the final `\s+` that is followed by a
//!   non-space and longer than one character gives back its last character, exactly what the look-ahead does.
//! - Each worker thread keeps a cache of piece -> token count: natural text repeats its pieces (words) all the
//!   time, and the byte-pair merge of a piece is the other half of the cost.

use base64::Engine as _;
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
        };
        let mut ranks = FxHashMap::with_capacity_and_hasher(file.len() / 16, Default::default());
        for line in file.lines() {
            // "<base64 bytes> <rank>": the file is part of the binary, so a malformed line is a build mistake.
            let (b64, rank) = line.split_once(' ').expect("vocabulary line");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("vocabulary base64");
            ranks.insert(bytes, rank.parse().expect("vocabulary rank"));
        }
        Vocab {
            ranks,
            split: Regex::new(&pattern(enc)).expect("the encodings' patterns compile without the look-ahead"),
        }
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
            pieces: FxHashMap::default(),
            cache: true,
        }
    }

    fn piece(&mut self, piece: &str) -> u64 {
        let bytes = piece.as_bytes();
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
            let found = re.search_with(&mut self.split, &anchored);
            let m = match found {
                Some(m) => m,
                None => match re.search_with(&mut self.split, &Input::new(text).range(at..)) {
                    Some(m) => m,
                    None => break,
                },
            };
            let mut end = m.end();
            let piece = &text[m.range()];
            // The emulated look-ahead: a run of two or more whitespace characters, followed by a non-space,
            // leaves its last character to the next piece.
            if end < text.len() && piece.chars().all(char::is_whitespace) && !piece.contains(['\r', '\n']) {
                let mut chars = piece.char_indices();
                if let (Some(_), Some((last, _))) = (chars.nth(1), piece.char_indices().next_back()) {
                    end = m.start() + last;
                }
            }
            n += self.piece(&text[m.start()..end]);
            at = end;
        }
        n
    }
}
