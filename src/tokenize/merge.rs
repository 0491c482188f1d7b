//! The byte-pair merge of one piece, counting its tokens: ports of tiktoken's `_byte_pair_merge` and
//! `_byte_pair_merge_large` (MIT licence, openai/tiktoken `src/lib.rs`, vendored by tiktoken-rs), kept to the count
//! and reading ranks from the compiled-in tables. Short pieces take the simple quadratic merge on a stack array;
//! long ones (base64 blobs, minified code) are rare but must not take quadratic time.

use std::collections::BinaryHeap;
use tiktoken_rs::Rank;

use super::table::Table;

/// Pieces shorter than this take the quadratic merge, as in tiktoken.
pub const LONG_PIECE: usize = 100;

/// Tokens in `piece` (2 to `LONG_PIECE - 1` bytes) after byte-pair merging: tiktoken's `_byte_pair_merge`.
pub fn count_small(ranks: &Table, piece: &[u8]) -> u64 {
    let n = piece.len();
    debug_assert!((2..LONG_PIECE).contains(&n));
    // (start, rank of the pair that starts here), for each part; the last two are sentinels.
    let mut parts = [(0u32, Rank::MAX); LONG_PIECE + 1];
    let mut len = n + 1;
    let mut min = (Rank::MAX, usize::MAX);
    for i in 0..n - 1 {
        let rank = ranks.get(&piece[i..i + 2]).unwrap_or(Rank::MAX);
        if rank < min.0 {
            min = (rank, i);
        }
        parts[i] = (i as u32, rank);
    }
    parts[n - 1] = ((n - 1) as u32, Rank::MAX);
    parts[n] = (n as u32, Rank::MAX);
    // The rank of parts i and i + 1 merged with i + 2, read before part i + 1 is removed.
    let rank_at = |parts: &[(u32, Rank)], len: usize, i: usize| {
        if i + 3 < len {
            ranks
                .get(&piece[parts[i].0 as usize..parts[i + 3].0 as usize])
                .unwrap_or(Rank::MAX)
        } else {
            Rank::MAX
        }
    };
    while min.0 != Rank::MAX {
        let i = min.1;
        if i > 0 {
            parts[i - 1].1 = rank_at(&parts, len, i - 1);
        }
        parts[i].1 = rank_at(&parts, len, i);
        parts.copy_within(i + 2..len, i + 1);
        len -= 1;
        min = (Rank::MAX, usize::MAX);
        for (i, &(_, rank)) in parts[..len - 1].iter().enumerate() {
            if rank < min.0 {
                min = (rank, i);
            }
        }
    }
    (len - 1) as u64
}

#[derive(Eq, PartialEq, Clone, Copy)]
struct Merge {
    start: usize,
    rank: Rank,
}

impl Ord for Merge {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // A max-heap popping the lowest rank first, leftmost on ties.
        other.rank.cmp(&self.rank).then_with(|| other.start.cmp(&self.start))
    }
}

impl PartialOrd for Merge {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

struct State {
    prev: usize,
    end: usize,
    next_end: usize,
    next_rank: Rank,
}

/// Tokens in `piece` (at least two bytes) after byte-pair merging with `ranks`.
pub fn count_large(ranks: &Table, piece: &[u8]) -> u64 {
    let n = piece.len();
    let mut state: Vec<State> = (0..n)
        .map(|i| State {
            prev: i.wrapping_sub(1),
            end: i + 1,
            next_end: i + 2,
            next_rank: Rank::MAX,
        })
        .collect();
    let mut heap = BinaryHeap::with_capacity(n);
    for i in 0..n - 1 {
        if let Some(rank) = ranks.get(&piece[i..i + 2]) {
            heap.push(Merge { start: i, rank });
            state[i].next_rank = rank;
        }
    }
    let potential = |state: &mut Vec<State>, heap: &mut BinaryHeap<Merge>, start: usize, next_end: usize| {
        state[start].next_end = next_end;
        state[start].next_rank = Rank::MAX;
        if next_end <= n
            && let Some(rank) = ranks.get(&piece[start..next_end])
        {
            heap.push(Merge { start, rank });
            state[start].next_rank = rank;
        }
    };
    while let Some(left) = heap.pop() {
        if left.rank == Rank::MAX {
            break;
        }
        if left.rank != state[left.start].next_rank {
            continue; // invalidated by an earlier merge
        }
        let left_start = left.start;
        let right_start = state[left_start].end;
        let right_end = state[left_start].next_end;
        let right_next_end = state[right_start].next_end;
        state[left_start].end = right_end;
        potential(&mut state, &mut heap, left_start, right_next_end);
        if right_end < n {
            state[right_end].prev = left_start;
        }
        if left_start > 0 {
            let prev_start = state[left_start].prev;
            potential(&mut state, &mut heap, prev_start, right_end);
        }
        state[right_start].next_rank = Rank::MAX;
    }
    let mut tokens = 0;
    let mut i = 0;
    while i < n {
        tokens += 1;
        i = state[i].end;
    }
    tokens
}
