//! The byte-pair merge of one piece, counting its tokens: ports of tiktoken's `_byte_pair_merge` and
//! `_byte_pair_merge_large` (MIT licence, openai/tiktoken `src/lib.rs`, vendored by tiktoken-rs), kept to the count
//! and reading ranks from the compiled-in tables. Short pieces take the simple quadratic merge on a stack array;
//! long ones (base64 blobs, minified code, a hostile run of one letter) are rare but must take neither quadratic
//! time nor much memory per byte: a heap of pending merges over a linked list of parts, kept in compact arrays.

use std::cmp::Reverse;
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

/// Tokens in `piece` (at least two bytes) after byte-pair merging with `ranks`: tiktoken's merge, in
/// O(n log n) time and 12 bytes of state per byte of the piece, plus 8 per waiting merge.
///
/// The parts of the piece form a linked list kept in three arrays indexed by a part's first byte (its end, the
/// start of the part before it, and the rank of merging it with the part after it); the merges wait in `Waiting`
/// as `rank << 32 | start`, so the lowest rank pops first and the leftmost of equal ranks, as in the simple merge. A
/// merge changes the pairs of its two neighbours only: their new ranks are pushed, and an entry whose rank is no
/// longer its part's is stale and skipped. Ranks are unique to their bytes, so a part's rank names the pair.
pub fn count_large(ranks: &Table, piece: &[u8]) -> u64 {
    let n = piece.len();
    if n >= (u32::MAX - 1) as usize {
        return count_wide(ranks, piece);
    }
    let rank_of = |start: usize, end: usize| ranks.get(&piece[start..end]).unwrap_or(Rank::MAX);
    let key = |rank: Rank, start: usize| Reverse(u64::from(rank) << 32 | start as u64);
    let mut end: Vec<u32> = (1..=n as u32).collect();
    let mut prev: Vec<u32> = (0..n as u32).map(|i| i.wrapping_sub(1)).collect();
    let mut rank: Vec<Rank> = (0..n)
        .map(|i| if i + 1 < n { rank_of(i, i + 2) } else { Rank::MAX })
        .collect();
    let mut waiting = Waiting::new(
        (0..n)
            .filter(|&i| rank[i] != Rank::MAX)
            .map(|i| key(rank[i], i).0)
            .collect(),
    );
    while let Some(top) = waiting.pop() {
        let (r, left) = ((top >> 32) as Rank, (top & u64::from(u32::MAX)) as usize);
        if rank[left] != r {
            continue;
        }
        let right = end[left] as usize;
        let right_end = end[right] as usize;
        end[left] = right_end as u32;
        rank[right] = Rank::MAX;
        rank[left] = if right_end < n {
            rank_of(left, end[right_end] as usize)
        } else {
            Rank::MAX
        };
        if rank[left] != Rank::MAX {
            waiting.push(key(rank[left], left).0);
        }
        if right_end < n {
            prev[right_end] = left as u32;
        }
        if left > 0 {
            let p = prev[left] as usize;
            rank[p] = rank_of(p, right_end);
            if rank[p] != Rank::MAX {
                waiting.push(key(rank[p], p).0);
            }
        }
    }
    let mut tokens = 0;
    let mut i = 0;
    while i < n {
        tokens += 1;
        i = end[i] as usize;
    }
    tokens
}

/// The merges waiting, as `rank << 32 | start`, lowest first: a sorted run read in order, and a heap of the
/// merges pushed since the run was sorted; when the run is used up, the heap is sorted into the next one.
///
/// A heap alone is correct but slow on a long piece: every pop walks the height of a heap of millions of entries,
/// a cache miss a level (85% of the time of counting a run of one letter). Sorting is sequential, and a piece's
/// merges come in waves (every pair of its first tokens, then of the tokens those made...), each of which is
/// mostly read from a run.
struct Waiting {
    run: Vec<u64>,
    at: usize,
    heap: BinaryHeap<Reverse<u64>>,
}

impl Waiting {
    fn new(mut run: Vec<u64>) -> Waiting {
        run.sort_unstable();
        Waiting {
            run,
            at: 0,
            heap: BinaryHeap::new(),
        }
    }

    fn push(&mut self, key: u64) {
        self.heap.push(Reverse(key));
    }

    fn pop(&mut self) -> Option<u64> {
        if self.at == self.run.len() {
            if self.heap.is_empty() {
                return None;
            }
            // The used run goes first: a long piece's run and heap are the bulk of its memory.
            self.run = Vec::new();
            let mut run = std::mem::take(&mut self.heap).into_vec();
            run.sort_unstable_by_key(|r| r.0);
            self.run = run.into_iter().map(|r| r.0).collect();
            self.at = 0;
        }
        let from_run = self.run[self.at];
        match self.heap.peek() {
            Some(&Reverse(h)) if h < from_run => self.heap.pop().map(|r| r.0),
            _ => {
                self.at += 1;
                Some(from_run)
            }
        }
    }
}

/// The same merge for a piece of 4 GiB or more, whose byte offsets do not fit the compact state.
fn count_wide(ranks: &Table, piece: &[u8]) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::table::{CL100K, O200K};

    /// tiktoken's simple merge for any length, on a heap-allocated list: lowest rank first, leftmost on ties,
    /// scanning every pair after every merge. Quadratic, and obviously the definition: the reference here.
    fn count_simple(ranks: &Table, piece: &[u8]) -> u64 {
        let mut starts: Vec<usize> = (0..=piece.len()).collect();
        // The rank of merging part i with part i + 1, recomputed for the two pairs a merge changes.
        let pair = |starts: &[usize], i: usize| ranks.get(&piece[starts[i]..starts[i + 2]]).unwrap_or(Rank::MAX);
        let mut pairs: Vec<Rank> = (0..starts.len().saturating_sub(2)).map(|i| pair(&starts, i)).collect();
        loop {
            let Some((r, i)) = pairs.iter().enumerate().map(|(i, &r)| (r, i)).min() else {
                return (starts.len() - 1) as u64;
            };
            if r == Rank::MAX {
                return (starts.len() - 1) as u64;
            }
            starts.remove(i + 1);
            pairs.remove(i);
            if i < pairs.len() {
                pairs[i] = pair(&starts, i);
            }
            if i > 0 {
                pairs[i - 1] = pair(&starts, i - 1);
            }
        }
    }

    /// A small deterministic generator (xorshift), so the cases are the same on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Pieces of 100 bytes to a few KB: random letters from small and large alphabets, runs of one letter,
    /// repeated short and long periods, base64-like text, and random bytes (a piece need not be UTF-8 here).
    fn pieces() -> Vec<Vec<u8>> {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut out: Vec<Vec<u8>> = Vec::new();
        for n in [100, 101, 255, 256, 1000, 4096] {
            out.push(vec![b'a'; n]);
            out.push(b"ab".iter().copied().cycle().take(n).collect());
            out.push(b"abc".iter().copied().cycle().take(n).collect());
            out.push(b"xyzzy".iter().copied().cycle().take(n).collect());
            out.push("é".bytes().cycle().take(n).collect());
        }
        let alphabets: [&[u8]; 4] = [
            b"ab",
            b"aeiou",
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/",
            b"thequickbrownfoxjumpsoverthelazydog",
        ];
        for round in 0..60 {
            let n = 100 + rng.below(if round < 50 { 900 } else { 3000 });
            let alphabet = alphabets[round % alphabets.len()];
            out.push((0..n).map(|_| alphabet[rng.below(alphabet.len())]).collect());
            // A random period repeated: long stretches that merge the same way, then a change.
            let period: Vec<u8> = (0..1 + rng.below(12))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            out.push(period.iter().copied().cycle().take(n).collect());
            out.push((0..n).map(|_| rng.next() as u8).collect());
        }
        out
    }

    #[test]
    fn the_heap_merge_counts_as_the_simple_merge() {
        for (name, table) in [("o200k_base", &O200K), ("cl100k_base", &CL100K)] {
            for piece in pieces() {
                let want = count_simple(table, &piece);
                assert_eq!(
                    count_large(table, &piece),
                    want,
                    "{name} {:?}",
                    String::from_utf8_lossy(&piece)
                );
                assert_eq!(
                    count_wide(table, &piece),
                    want,
                    "{name} {:?}",
                    String::from_utf8_lossy(&piece)
                );
                if piece.len() < LONG_PIECE {
                    assert_eq!(count_small(table, &piece), want);
                }
            }
        }
    }

    #[test]
    fn short_pieces_count_as_the_simple_merge() {
        let mut rng = Rng(7);
        for n in 2..LONG_PIECE {
            for alphabet in [&b"ab"[..], b"abcdefghij0123"] {
                let piece: Vec<u8> = (0..n).map(|_| alphabet[rng.below(alphabet.len())]).collect();
                assert_eq!(count_small(&O200K, &piece), count_simple(&O200K, &piece));
                assert_eq!(count_large(&O200K, &piece), count_simple(&O200K, &piece));
            }
        }
    }
}
