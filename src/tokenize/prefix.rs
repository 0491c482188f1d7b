//! Agents re-send the whole conversation on every call, so a request's messages array most often begins with the
//! bytes of the previous request's array up to the end of its last message. Each worker remembers the last few
//! arrays it counted: how many bytes up to the end of their last message, a hash of those bytes, their last bytes,
//! and their messages' tokens. A new array that begins with one of them (its last bytes in the same place, then the
//! same hash) is scanned from there on: the messages before are neither found, nor hashed, nor looked up again.
//!
//! This is part of the message cache, and off with it. Why a hit is exact: the scan of an array is a function of its
//! bytes alone, so the same first bytes are the same messages, which were all read and counted without fault before
//! they were remembered; their tokens are remembered with the encoding that counted them, and used with no other.

use std::cell::RefCell;
use xxhash_rust::xxh3::Xxh3;

use super::Encoding;

/// Arrays remembered by each worker: enough for a few conversations written to one log at once.
const REMEMBERED: usize = 8;
/// Arrays shorter than this are not worth a hash of their own.
const MIN_BYTES: usize = 512;
/// Last bytes compared before the hash is taken.
const TAIL: usize = 16;

/// A messages array's bytes from its `[` to the end of its last message, as the scan saw them.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    len: usize,
    hash: u128,
    tail: [u8; TAIL],
}

/// A remembered array found at the start of a new one: the tokens of its messages, and how many bytes they take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Known {
    pub len: usize,
    hash: u128,
    enc: Encoding,
    /// Tokens, with the top bit set when a message has parts that cannot be counted exactly.
    tokens: u64,
}

impl Known {
    /// The messages' tokens (packed as `count_raw_chat` packs them), when counted with `enc`; `None` with another.
    pub fn tokens(&self, enc: Encoding) -> Option<u64> {
        (self.enc == enc).then_some(self.tokens)
    }
}

thread_local! {
    /// The arrays this worker remembers, the latest last; the one found again, or else the oldest, makes room.
    static RECENT: RefCell<Vec<(Known, [u8; TAIL])>> = const { RefCell::new(Vec::new()) };
}

/// The longest remembered array that `array` (from its `[` to the end of the line) begins with, and the hash of
/// those bytes so far, to be carried on over the rest. Only arrays whose last bytes are in place are hashed.
pub fn recall(array: &[u8]) -> Option<(Known, Xxh3)> {
    if !super::message_cache_on() {
        return None;
    }
    RECENT.with(|r| {
        let r = r.borrow();
        // Longest first; arrays no shorter than one that failed its hash are not tried again.
        let mut below = array.len();
        loop {
            let (known, _) = r
                .iter()
                .filter(|(k, tail)| k.len < below && array[k.len - TAIL..k.len] == *tail)
                .max_by_key(|(k, _)| k.len)?;
            let mut hash = Xxh3::new();
            hash.update(&array[..known.len]);
            if hash.digest128() == known.hash {
                return Some((*known, hash));
            }
            below = known.len;
        }
    })
}

/// The array `array` (from its `[` to the end of its last message) as seen, for `remember`; `hashed` is the hash of
/// its first bytes when a remembered array was found there. `None` when the array is too short to be worth it.
pub fn seen(array: &[u8], hashed: Option<(usize, Xxh3)>) -> Option<Seen> {
    if array.len() < MIN_BYTES || !super::message_cache_on() {
        return None;
    }
    let (from, mut hash) = hashed.unwrap_or_else(|| (0, Xxh3::new()));
    hash.update(&array[from..]);
    let mut tail = [0; TAIL];
    tail.copy_from_slice(&array[array.len() - TAIL..]);
    Some(Seen {
        len: array.len(),
        hash: hash.digest128(),
        tail,
    })
}

/// Remembers an array whose messages were all counted with `enc` (`tokens` packed as `Known::tokens` gives them),
/// in place of `found`, the array it began with, if any: a conversation takes one place, however long it runs.
pub fn remember(seen: &Seen, enc: Encoding, tokens: u64, found: Option<&Known>) {
    let known = Known {
        len: seen.len,
        hash: seen.hash,
        enc,
        tokens,
    };
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        let slot = r.iter().position(|(k, _)| Some(k) == found || k.hash == seen.hash);
        match slot {
            Some(i) => {
                r.remove(i);
            }
            None if r.len() == REMEMBERED => {
                r.remove(0);
            }
            None => {}
        }
        r.push((known, seen.tail));
    })
}
