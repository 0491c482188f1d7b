//! The byte-pair merge of one long piece, counting its tokens in O(n log n). A port of tiktoken's
//! `_byte_pair_merge_large` (MIT licence, openai/tiktoken `src/lib.rs`, vendored by tiktoken-rs), kept to the count:
//! pieces this long are rare (base64 blobs, minified code) but must not take quadratic time.

use rustc_hash::FxHashMap;
use std::collections::BinaryHeap;
use tiktoken_rs::Rank;

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
pub fn count_large(ranks: &FxHashMap<Vec<u8>, Rank>, piece: &[u8]) -> u64 {
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
        if let Some(&rank) = ranks.get(&piece[i..i + 2]) {
            heap.push(Merge { start: i, rank });
            state[i].next_rank = rank;
        }
    }
    let potential = |state: &mut Vec<State>, heap: &mut BinaryHeap<Merge>, start: usize, next_end: usize| {
        state[start].next_end = next_end;
        state[start].next_rank = Rank::MAX;
        if next_end <= n
            && let Some(&rank) = ranks.get(&piece[start..next_end])
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
