//! The layout of a vocabulary's lookup table, shared by `build.rs`, which lays the table out, and by
//! `tokenize::table`, which reads it: both must hash and pack exactly alike.
//!
//! The table is a power of two of little-endian `u64` slots, probed linearly. An empty slot is 0; a token's slot
//! packs its rank plus one, the length of its bytes and where they start in the table's byte string, and a tag of
//! its hash, so that a probe rejects other tokens' slots, and finds its own bytes, without reading anything else.

/// Bits of a slot for the rank plus one (o200k_base's 199,998 tokens need 18), the length (tokens are at most 128
/// bytes), and the start (o200k_base's tokens take 1,397,670 bytes end to end); the tag has the rest.
pub const RANK_BITS: u32 = 18;
pub const LEN_BITS: u32 = 8;
pub const START_BITS: u32 = 21;
const LEN_SHIFT: u32 = RANK_BITS;
const START_SHIFT: u32 = RANK_BITS + LEN_BITS;
const TAG_SHIFT: u32 = START_SHIFT + START_BITS;

/// The eight bytes at `at`, little-endian: one load. Short byte strings are read as one or two such loads, which may
/// overlap, rather than byte by byte or through a copy.
#[inline]
pub fn word(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(*bytes[at..].first_chunk::<8>().expect("eight bytes"))
}

/// The four bytes at `at`, little-endian.
#[inline]
pub fn half(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(*bytes[at..].first_chunk::<4>().expect("four bytes")))
}

/// Hash of a token's bytes. Multiplicative, eight bytes at a time, short keys read as one or two overlapping loads:
/// lookups are of short byte strings (pieces of text, and pairs of tokens during a merge), where a general-purpose
/// hash's set-up would cost more than the mixing.
pub fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mix = |h: u64, word: u64| (h.rotate_left(23) ^ word).wrapping_mul(K);
    let word = |at: usize| word(bytes, at);
    let half = |at: usize| half(bytes, at);
    let n = bytes.len();
    let mut h = (n as u64).wrapping_mul(K);
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            h = mix(h, word(at));
            at += 8;
        }
        h = mix(h, word(n - 8));
    } else if n >= 4 {
        h = mix(h, (half(0) << 32) | half(n - 4));
    } else if n > 0 {
        h = mix(
            h,
            (u64::from(bytes[0]) << 16) | (u64::from(bytes[n / 2]) << 8) | u64::from(bytes[n - 1]),
        );
    }
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}

/// Slots for `tokens` entries: a power of two at least 2.5 times as many, so probes stay short.
pub fn slots_for(tokens: usize) -> usize {
    (tokens * 5 / 2).next_power_of_two()
}

/// Where a key's probe starts, in a table of `slots` (a power of two).
pub fn home(hash: u64, slots: usize) -> usize {
    (hash >> (64 - slots.trailing_zeros())) as usize
}

/// A token's slot.
pub fn slot(hash: u64, rank: u32, start: usize, len: usize) -> u64 {
    assert!(u64::from(rank) + 1 < 1 << RANK_BITS && len < 1 << LEN_BITS && start < 1 << START_BITS);
    (hash >> TAG_SHIFT << TAG_SHIFT)
        | ((start as u64) << START_SHIFT)
        | ((len as u64) << LEN_SHIFT)
        | (u64::from(rank) + 1)
}

/// The bits of a slot that a probe compares: the tag and the length.
const MATCH: u64 = (!0 << TAG_SHIFT) | (((1 << LEN_BITS) - 1) << LEN_SHIFT);

/// Whether a slot may hold the key with this hash and length: its tag and length match.
#[inline]
pub fn may_hold(slot: u64, hash: u64, len: usize) -> bool {
    slot & MATCH == (hash >> TAG_SHIFT << TAG_SHIFT) | ((len as u64) << LEN_SHIFT)
}

/// A slot's (rank, start, len).
#[inline]
pub fn slot_parts(slot: u64) -> (u32, usize, usize) {
    let rank = (slot & ((1 << RANK_BITS) - 1)) as u32 - 1;
    let len = (slot >> LEN_SHIFT) as usize & ((1 << LEN_BITS) - 1);
    let start = (slot >> START_SHIFT) as usize & ((1 << START_BITS) - 1);
    (rank, start, len)
}
