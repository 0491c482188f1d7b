//! De-duplication: calls that may be written more than once wait for the whole input, and only the best copy of
//! each is added.
//!
//! A keyed call (a response id, a batch custom id) keeps its highest-ranked copy, and on a tie the copy with the
//! earliest timestamp, then by names and place (`Kept::tiebreak`): never the copy that happened to be read first,
//! so the result does not depend on the order of the files. A provisional stream line counts only if no final line
//! of its scope was read anywhere. When too many copies wait, they are spilled to sorted runs on disk and merged
//! back at the end with the same tie-breaks, so the result is the same at any size.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use std::cmp::Ordering;
use std::sync::Arc;

use super::record::{FileKey, Interner, Kept, Rank};
use super::{Placed, Stats};
use crate::call::{Dedup, Stream};
use crate::spill;

/// Waiting copies held in memory (about 150 bytes each with their index) before they are written out: keeps them
/// under 20 MB whatever the input's size.
const SPILL_AT: usize = 1 << 17;

/// The calls that wait for the end of the input.
pub(super) struct Waiting {
    /// Calls that may be written more than once, by a 128-bit hash of their key, with the rank of the copy kept.
    keyed: HashMap<u128, u32>,
    /// The best copy so far of each keyed call, with its rank, indexed from `keyed`.
    kept: Vec<(Rank, Kept)>,
    names: Interner,
    provisional: Vec<Placed>,
    finals: HashSet<String>,
    /// Each file's names, by file number, for tie-breaks.
    files: Vec<FileKey>,
    /// Waiting copies held in memory before they are written out as a sorted run.
    pub(super) spill_at: usize,
    runs: Vec<spill::Run>,
}

impl Default for Waiting {
    fn default() -> Self {
        Waiting {
            keyed: HashMap::default(),
            kept: Vec::new(),
            names: Interner::default(),
            provisional: Vec::new(),
            finals: HashSet::default(),
            files: Vec::new(),
            spill_at: SPILL_AT,
            runs: Vec::new(),
        }
    }
}

/// Which of two copies of one response is better: the higher rank, then the smaller tie-break.
fn compare((ra, a): (&Rank, &Kept), (rb, b): (&Rank, &Kept), names: &Interner, files: &[FileKey]) -> Ordering {
    ra.cmp(rb)
        .then_with(|| b.tiebreak(names, files).cmp(&a.tiebreak(names, files)))
}

impl Waiting {
    /// Registers file number `file_no`'s label and session fallback, for tie-breaks.
    pub(super) fn file(&mut self, file_no: usize, label: &str, session_fallback: &str) {
        if self.files.len() <= file_no {
            self.files.resize(file_no + 1, FileKey::default());
        }
        self.files[file_no] = (Arc::from(label), Arc::from(session_fallback));
    }

    /// Takes one call in input order, and gives it back if it counts now (it has no copies and is not provisional).
    pub(super) fn push(&mut self, mut p: Placed, stats: &mut Stats) -> Option<Placed> {
        if let Some(Stream::Final(scope)) = &p.call.stream {
            self.finals.insert(scope.clone());
        }
        match p.call.dedup.take() {
            Some(d) => {
                let key = d.key;
                let copy = Kept::pack(p, &mut self.names);
                match self.keyed.get(&key) {
                    Some(&i) => {
                        stats.duplicates += 1;
                        let (rank, kept) = &self.kept[i as usize];
                        if compare((&d.rank, &copy), (rank, kept), &self.names, &self.files).is_gt() {
                            self.kept[i as usize] = (d.rank, copy);
                        }
                    }
                    None => {
                        self.keyed.insert(key, self.kept.len() as u32);
                        self.kept.push((d.rank, copy));
                        if self.kept.len() >= self.spill_at {
                            self.spill(stats);
                        }
                    }
                }
                None
            }
            None if matches!(p.call.stream, Some(Stream::Provisional(_))) => {
                self.provisional.push(p);
                None
            }
            None => Some(p),
        }
    }

    /// Writes the waiting copies out as one run sorted by key, and forgets them. If the run cannot be written,
    /// they stay in memory (the result is the same, only memory grows) and the counts say so.
    fn spill(&mut self, stats: &mut Stats) {
        let mut order: Vec<(u128, u32)> = self.keyed.drain().collect();
        order.sort_unstable();
        match spill::write_run(self.sorted_records(&order)) {
            Ok(file) => {
                self.runs.push(Box::new(file));
                self.kept.clear();
            }
            Err(e) => {
                self.keyed = order.into_iter().collect();
                self.spill_at = usize::MAX;
                stats.spill_error = Some(e.to_string());
            }
        }
    }

    /// The waiting copies as records, in the order of `order` (sorted by key).
    fn sorted_records<'s>(&'s self, order: &'s [(u128, u32)]) -> impl Iterator<Item = spill::Record> + 's {
        order.iter().map(|&(key, i)| {
            let (rank, k) = &self.kept[i as usize];
            k.encode(key, *rank)
        })
    }

    /// Hands every call that waited and counts to `add`: the spilled ones in key order, then the rest in input
    /// order (sums do not depend on the order calls are added in; the groups keep their earliest place). A kept
    /// copy is handed on with its identity and rank, which a per-call export writes out.
    pub(super) fn finish(mut self, stats: &mut Stats, mut add: impl FnMut(Placed, &mut Stats)) {
        let mut names = std::mem::take(&mut self.names);
        if !self.runs.is_empty() {
            // The copies still in memory join the merge as one more run, without a trip to disk.
            let mut order: Vec<(u128, u32)> = self.keyed.drain().collect();
            order.sort_unstable();
            let mut memory = Vec::with_capacity(order.len() * spill::RECORD);
            for r in self.sorted_records(&order) {
                memory.extend_from_slice(&r);
            }
            self.kept.clear();
            self.runs.push(Box::new(std::io::Cursor::new(memory)));
            self.merge_runs(&names, stats, &mut add);
        }
        let mut keys = vec![0u128; self.kept.len()];
        for (key, i) in self.keyed.drain() {
            keys[i as usize] = key;
        }
        self.keyed = HashMap::default();
        let kept = std::mem::take(&mut self.kept);
        let mut waiting: Vec<(Kept, Option<Dedup>)> = kept
            .into_iter()
            .zip(keys)
            .map(|((rank, k), key)| (k, Some(Dedup { key, rank })))
            .collect();
        waiting.extend(self.provisional.drain(..).map(|p| (Kept::pack(p, &mut names), None)));
        waiting.sort_by_key(|(k, _)| k.place);
        // Unpacked one at a time: the compact entries are the peak of memory, not a second full copy.
        for (k, d) in waiting {
            self.add_waiting(k, d, &names, stats, &mut add);
        }
    }

    /// Adds one waiting copy, unless a stream's final line replaced it.
    fn add_waiting(
        &self,
        k: Kept,
        dedup: Option<Dedup>,
        names: &Interner,
        stats: &mut Stats,
        add: &mut impl FnMut(Placed, &mut Stats),
    ) {
        let mut p = k.unpack(names);
        if let Some(Stream::Provisional(scope)) = &p.call.stream
            && self.finals.contains(scope)
        {
            stats.superseded += 1;
            return;
        }
        p.call.dedup = dedup;
        add(p, stats);
    }

    /// Adds the best copy of every key in the runs, by the same rule as in memory: exactly as if every copy had been
    /// held there.
    fn merge_runs(&mut self, names: &Interner, stats: &mut Stats, add: &mut impl FnMut(Placed, &mut Stats)) {
        let runs = std::mem::take(&mut self.runs);
        let mut copies = Vec::new();
        let result = spill::Merge::<spill::Record>::new(runs).and_then(|mut merge| {
            while merge.next_key(&mut copies)? {
                stats.duplicates += copies.len() as u64 - 1;
                let files = &self.files;
                let best = copies
                    .iter()
                    .map(Kept::decode)
                    .max_by(|(ra, a), (rb, b)| compare((ra, a), (rb, b), names, files));
                if let Some((rank, k)) = best {
                    let key = copies.first().map_or(0, spill::key);
                    self.add_waiting(k, Some(Dedup { key, rank }), names, stats, add);
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            // Copies not read back are lost: the run must fail, not report less than was logged.
            stats.spill_lost = Some(e.to_string());
        }
    }
}
