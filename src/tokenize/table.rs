//! A vocabulary's ranks, read from tables that `build.rs` lays out and the binary carries (layout in
//! `table_layout.rs`): a lookup needs no start-up work and the tables' pages load only as they are touched.

use super::table_layout::{half, hash, home, may_hold, slot_parts, word};
use tiktoken_rs::Rank;

pub struct Table {
    /// Every token's bytes, end to end.
    bytes: &'static [u8],
    /// The open-addressing hash table: a power of two of little-endian `u64` slots.
    slots: &'static [[u8; 8]],
}

macro_rules! table {
    ($name:literal) => {
        Table {
            bytes: include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".bytes")),
            slots: include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".slots"))
                .as_chunks::<8>()
                .0,
        }
    };
}

/// Whether two byte strings of the same length are equal: one or two overlapping loads a side for the short keys
/// that lookups are nearly always of, where a call to `memcmp` costs more than the comparison.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..4 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

pub static O200K: Table = table!("o200k_base");
pub static CL100K: Table = table!("cl100k_base");

impl Table {
    /// The rank of the token with exactly these bytes.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<Rank> {
        let hash = hash(key);
        let mask = self.slots.len() - 1;
        let mut i = home(hash, self.slots.len());
        loop {
            let slot = u64::from_le_bytes(self.slots[i]);
            if slot == 0 {
                return None;
            }
            if may_hold(slot, hash, key.len()) {
                let (rank, start, len) = slot_parts(slot);
                if same(&self.bytes[start..start + len], key) {
                    return Some(rank);
                }
            }
            i = (i + 1) & mask;
        }
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Every token as (rank, bytes), in table order.
    #[cfg(test)]
    fn tokens(&self) -> impl Iterator<Item = (Rank, &'static [u8])> + '_ {
        self.slots
            .iter()
            .map(|s| u64::from_le_bytes(*s))
            .filter(|&s| s != 0)
            .map(|s| {
                let (rank, start, len) = slot_parts(s);
                (rank, &self.bytes[start..start + len])
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_is_tiktokens_and_found_at_its_rank() {
        let o200k = tiktoken_rs::o200k_base_singleton();
        let cl100k = tiktoken_rs::cl100k_base_singleton();
        for (table, reference, len) in [(&O200K, o200k, 199_998), (&CL100K, cl100k, 100_256)] {
            let mut ranks = vec![false; len];
            for (rank, token) in table.tokens() {
                assert_eq!(reference.decode_bytes(&[rank]).expect("a token"), token);
                assert_eq!(table.get(token), Some(rank));
                assert!(!std::mem::replace(&mut ranks[rank as usize], true), "rank {rank} twice");
            }
            assert!(ranks.iter().all(|&seen| seen), "every rank has a slot");
        }
    }

    #[test]
    fn strangers_are_not_found() {
        for key in [
            &b""[..],
            b"not one token, surely",
            &[0xff, 0xfe, 0xfd, 0xfc],
            &[b'a'; 129],
        ] {
            assert_eq!(O200K.get(key), None);
            assert_eq!(CL100K.get(key), None);
        }
    }
}
