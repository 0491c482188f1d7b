//! Sessions: how many distinct sessions the counted calls belong to (the summary says), and, for budgets, each
//! session's priced sums.
//!
//! Up to a bound they are held in memory. Past it they are written out as a run sorted by the hash of their name
//! (`spill::write_frames`), and at the end the runs are merged, each session's sums added up from every run, into one
//! file that budgets read through once. The count and the sums are the same as in memory: sums of integers do not
//! depend on the order they are added in, and names that share a hash are told apart by the names themselves.

use rustc_hash::FxHashMap as HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Seek, SeekFrom, Write};

use super::Stats;
use super::buckets::{self, Buckets};
use crate::call::{BucketKey, Sums, Tier, TokenSource, Tokens};
use crate::spill::{self, Frame, Item as _};

/// Sessions held in memory (about 200 bytes each with their sums and index) before they are written out: keeps them
/// near 13 MB whatever the number of sessions.
const SPILL_AT: usize = 1 << 16;

/// The sessions being counted and summed.
pub(super) struct Sessions {
    /// Whether each session's priced sums are kept too (budgets ask for them), or only its name.
    pub(super) sums: bool,
    held: HashMap<Box<str>, Buckets>,
    /// Sessions held in memory before they are written out as a sorted run.
    pub(super) spill_at: usize,
    runs: Vec<spill::Run>,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            sums: false,
            held: HashMap::default(),
            spill_at: SPILL_AT,
            runs: Vec::new(),
        }
    }
}

/// Every session's priced sums, for budgets: held in memory, or in a temporary file once there were too many.
#[derive(Debug)]
pub struct SessionSums(Held);

#[derive(Debug)]
enum Held {
    Memory(HashMap<Box<str>, Buckets>),
    /// One frame per session (`encode`), each session once.
    Spilled(File),
}

impl Default for SessionSums {
    fn default() -> Self {
        SessionSums(Held::Memory(HashMap::default()))
    }
}

impl SessionSums {
    /// Calls `f` with each session that has priced calls, its name and sums, in no set order: what budgets take
    /// from them (the dearest, how many are over, the first few by cost and name) does not depend on it.
    pub fn each<E: From<io::Error>>(&self, mut f: impl FnMut(&str, &Buckets) -> Result<(), E>) -> Result<(), E> {
        match &self.0 {
            Held::Memory(held) => {
                for (name, b) in held.iter().filter(|(_, b)| !b.is_empty()) {
                    f(name, b)?;
                }
            }
            Held::Spilled(file) => {
                let lost = |e: io::Error| {
                    io::Error::other(format!(
                        "cannot read back the sessions written to a temporary file: {e}"
                    ))
                };
                let mut r = file;
                r.seek(SeekFrom::Start(0)).map_err(lost)?;
                let mut r = BufReader::with_capacity(1 << 16, r);
                while let Some(frame) = Frame::read_from(&mut r).map_err(lost)? {
                    let (name, b) = decode(&frame).map_err(lost)?;
                    f(&name, &b)?;
                }
            }
        }
        Ok(())
    }
}

/// The hash a session's frames are sorted and merged by.
fn hash(name: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(name.as_bytes())
}

/// Bytes per bucket in a frame: model, row (8 each), tier, level, then calls, five token counts and three sources.
const BUCKET: usize = 8 + 8 + 1 + 1 + 8 * 9;

/// A session as a frame: its name's hash, the name's length and bytes, then each bucket.
fn encode(name: &str, b: &Buckets) -> Frame {
    let mut f = Vec::with_capacity(16 + 4 + name.len() + b.len() * BUCKET);
    f.extend_from_slice(&hash(name).to_le_bytes());
    f.extend_from_slice(&(name.len() as u32).to_le_bytes());
    f.extend_from_slice(name.as_bytes());
    for (k, s) in b {
        f.extend_from_slice(&(k.model as u64).to_le_bytes());
        f.extend_from_slice(&(k.row as u64).to_le_bytes());
        f.extend_from_slice(&[k.tier.code(), k.level]);
        let t = &s.tokens;
        for n in [
            s.calls,
            t.input,
            t.cache_read,
            t.cache_write_5m,
            t.cache_write_1h,
            t.output,
        ] {
            f.extend_from_slice(&n.to_le_bytes());
        }
        for n in s.sources {
            f.extend_from_slice(&n.to_le_bytes());
        }
    }
    f
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "a spilled session record is damaged")
}

/// A frame's session name and buckets.
fn decode(f: &[u8]) -> io::Result<(String, Buckets)> {
    let u64_at = |at: usize| u64::from_le_bytes(f[at..at + 8].try_into().unwrap_or_default());
    let len = f.get(16..20).ok_or_else(damaged)?;
    let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let name = f.get(20..20 + len).ok_or_else(damaged)?;
    let name = String::from_utf8(name.to_vec()).map_err(|_| damaged())?;
    let rest = 20 + len;
    if !(f.len() - rest).is_multiple_of(BUCKET) {
        return Err(damaged());
    }
    let mut b = Buckets::with_capacity((f.len() - rest) / BUCKET);
    for at in (rest..f.len()).step_by(BUCKET) {
        let key = BucketKey {
            model: u64_at(at) as usize,
            row: u64_at(at + 8) as usize,
            tier: Tier::from_code(f[at + 16]).ok_or_else(damaged)?,
            level: f[at + 17],
        };
        let n = |i: usize| u64_at(at + 18 + 8 * i);
        let sums = Sums {
            calls: n(0),
            tokens: Tokens {
                input: n(1),
                cache_read: n(2),
                cache_write_5m: n(3),
                cache_write_1h: n(4),
                output: n(5),
            },
            sources: [n(6), n(7), n(8)],
            // A session's stated costs are not checked against budgets, so a spilled session keeps none.
            reported: Default::default(),
        };
        b.push((key, sums));
    }
    Ok((name, b))
}

impl Sessions {
    /// Counts a call of `session`, and adds its tokens to the session's bucket when it is priced and sums are kept.
    pub(super) fn add(&mut self, session: &str, priced: Option<(BucketKey, &Tokens, TokenSource)>, stats: &mut Stats) {
        let b = match self.held.get_mut(session) {
            Some(b) => b,
            None => {
                if self.held.len() >= self.spill_at {
                    self.spill(stats);
                }
                self.held.entry(session.into()).or_default()
            }
        };
        if let (true, Some((key, tokens, source))) = (self.sums, priced) {
            // What a log says a call cost is not checked against budgets.
            buckets::add(b, key, tokens, source, None);
        }
    }

    /// The sessions in memory, taken out, sorted by hash, then name: the order of a run.
    fn take_sorted(&mut self) -> Vec<(Box<str>, Buckets)> {
        let mut held: Vec<(u128, Box<str>, Buckets)> = self.held.drain().map(|(n, b)| (hash(&n), n, b)).collect();
        held.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        held.into_iter().map(|(_, n, b)| (n, b)).collect()
    }

    /// Writes the sessions in memory out as one run, and forgets them. If the run cannot be written they stay in
    /// memory (the result is the same, only memory grows) and the counts say so.
    fn spill(&mut self, stats: &mut Stats) {
        let held = self.take_sorted();
        match spill::write_frames(held.iter().map(|(name, b)| encode(name, b))) {
            Ok(file) => self.runs.push(Box::new(file)),
            Err(e) => {
                self.held.extend(held);
                self.spill_at = usize::MAX;
                stats.spill_error.get_or_insert_with(|| e.to_string());
            }
        }
    }

    /// The number of distinct sessions, and their sums when kept. A run that cannot be read back loses sessions:
    /// the counts say so, and the run fails.
    pub(super) fn finish(mut self, stats: &mut Stats) -> (u64, SessionSums) {
        if self.runs.is_empty() {
            let count = self.held.len() as u64;
            let held = if self.sums {
                std::mem::take(&mut self.held)
            } else {
                HashMap::default()
            };
            return (count, SessionSums(Held::Memory(held)));
        }
        // The sessions still in memory join the merge as one more run, without a trip to disk.
        let mut memory = Vec::new();
        for (name, b) in self.take_sorted() {
            // Writing to a vector cannot fail.
            let _ = spill::put_frame(&mut memory, &encode(&name, &b));
        }
        let mut runs = std::mem::take(&mut self.runs);
        runs.push(Box::new(io::Cursor::new(memory)));
        let mut count = 0;
        match merge(runs, self.sums, &mut count) {
            Ok(file) => (count, SessionSums(file)),
            Err(e) => {
                stats.spill_lost.get_or_insert_with(|| e.to_string());
                (count, SessionSums::default())
            }
        }
    }
}

impl Sessions {
    /// Hands out the name of every distinct session, for a partial result: in memory by hash then name, and past
    /// the bound merged from the runs in the same order, each name once.
    pub(super) fn drain(mut self, out: &mut dyn FnMut(&str) -> io::Result<()>) -> io::Result<()> {
        let held = self.take_sorted();
        if self.runs.is_empty() {
            for (name, _) in &held {
                out(name)?;
            }
            return Ok(());
        }
        let mut memory = Vec::new();
        for (name, b) in held {
            spill::put_frame(&mut memory, &encode(&name, &b))?;
        }
        let mut runs = std::mem::take(&mut self.runs);
        runs.push(Box::new(io::Cursor::new(memory)));
        let mut merge = spill::Merge::<Frame>::new(runs)?;
        let mut frames = Vec::new();
        while merge.next_key(&mut frames)? {
            let mut names = frames
                .iter()
                .map(|f| decode(f).map(|(n, _)| n))
                .collect::<io::Result<Vec<_>>>()?;
            names.sort_unstable();
            names.dedup();
            for name in &names {
                out(name)?;
            }
        }
        Ok(())
    }
}

/// Merges the runs, counting each distinct session into `count`; with `sums`, writes each session's sums added up
/// from every run to one new temporary file.
fn merge(runs: Vec<spill::Run>, sums: bool, count: &mut u64) -> io::Result<Held> {
    let mut merge = spill::Merge::<Frame>::new(runs)?;
    let mut out = if sums {
        Some(BufWriter::with_capacity(1 << 16, tempfile::tempfile()?))
    } else {
        None
    };
    let mut frames = Vec::new();
    let mut same_hash: Vec<(String, Buckets)> = Vec::new();
    while merge.next_key(&mut frames)? {
        same_hash.clear();
        for f in &frames {
            let (name, b) = decode(f)?;
            match same_hash.iter_mut().find(|(n, _)| *n == name) {
                Some((_, into)) => {
                    for (k, s) in &b {
                        buckets::merge(into, *k, s);
                    }
                }
                None => same_hash.push((name, b)),
            }
        }
        *count += same_hash.len() as u64;
        if let Some(w) = &mut out {
            for (name, b) in same_hash.iter().filter(|(_, b)| !b.is_empty()) {
                spill::put_frame(w, &encode(name, b))?;
            }
        }
    }
    match out {
        Some(w) => {
            let mut file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.flush()?;
            Ok(Held::Spilled(file))
        }
        None => Ok(Held::Memory(HashMap::default())),
    }
}
