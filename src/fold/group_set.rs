//! The groups of a report, in bounded memory: up to a bound they are held in memory with an index by key; past it
//! they are written out as a run sorted by the hash of their key (`spill::write_frames`), and at the end the runs
//! are merged, each group's sums added up from every run, into one file that the report reads through once.
//!
//! A group met again after it was written out starts afresh in memory; the merge joins its parts. Sums of integers
//! do not depend on the order they are added in, the first place is the least, and a session's project is the one
//! of its earliest call, so the groups are the same as in memory, only in another order: the report orders them
//! itself.

use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Seek, SeekFrom, Write};

use super::Group;
use super::buckets::{self, Buckets};
use crate::call::{BucketKey, Place, ReportedSums, Sums, Tier, Tokens};
use crate::spill::{self, Frame, Item as _};

/// Groups held in memory (a few hundred bytes each with their sums and index) before they are written out.
const SPILL_AT: usize = 1 << 16;

/// The groups being built.
pub(super) struct GroupSet {
    held: Vec<Group>,
    index: HashMap<String, usize>,
    runs: Vec<spill::Run>,
    pub(super) spill_at: usize,
}

impl Default for GroupSet {
    fn default() -> Self {
        GroupSet {
            held: Vec::new(),
            index: HashMap::default(),
            runs: Vec::new(),
            spill_at: SPILL_AT,
        }
    }
}

impl GroupSet {
    /// The group of `key`, made at `place` if it is not held. Returns the error of a run that could not be written
    /// (the groups then stay in memory: the result is the same, only memory grows).
    pub(super) fn entry(&mut self, key: &str, place: Place) -> (&mut Group, Option<String>) {
        let mut error = None;
        let gi = match self.index.get(key) {
            Some(&gi) => gi,
            None => {
                if self.held.len() >= self.spill_at {
                    error = self.spill().err().map(|e| e.to_string());
                }
                self.held.push(Group {
                    key: key.to_string(),
                    first: place,
                    buckets: Buckets::new(),
                    project: None,
                    project_at: place,
                });
                self.index.insert(key.to_string(), self.held.len() - 1);
                self.held.len() - 1
            }
        };
        (&mut self.held[gi], error)
    }

    /// Adds a whole group (one read from a partial result) to the group of its key.
    pub(super) fn absorb(&mut self, g: Group) -> Option<String> {
        let (into, error) = self.entry(&g.key, g.first);
        join(into, g);
        error
    }

    /// Writes the groups in memory out as one run sorted by hash, and forgets them.
    fn spill(&mut self) -> io::Result<()> {
        let frames = sorted_frames(&self.held);
        match spill::write_frames(frames.iter()) {
            Ok(file) => {
                self.runs.push(Box::new(file));
                self.held.clear();
                self.index.clear();
                Ok(())
            }
            Err(e) => {
                self.spill_at = usize::MAX;
                Err(e)
            }
        }
    }

    /// Every group, each key once: in memory in the order they were made, or past the bound merged from the runs
    /// into one temporary file.
    pub(super) fn finish(mut self) -> io::Result<Groups> {
        if self.runs.is_empty() {
            return Ok(Groups::from(self.held));
        }
        // The groups still in memory join the merge as one more run, without a trip to disk.
        let mut memory = Vec::new();
        for f in sorted_frames(&self.held) {
            spill::put_frame(&mut memory, &f)?;
        }
        let mut runs = std::mem::take(&mut self.runs);
        runs.push(Box::new(io::Cursor::new(memory)));
        let mut merge = spill::Merge::<Frame>::new(runs)?;
        let mut out = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
        let mut frames = Vec::new();
        let mut same_hash: Vec<Group> = Vec::new();
        let mut count = 0u64;
        while merge.next_key(&mut frames)? {
            same_hash.clear();
            for f in &frames {
                let g = decode(f)?;
                match same_hash.iter_mut().find(|h| h.key == g.key) {
                    Some(into) => join(into, g),
                    None => same_hash.push(g),
                }
            }
            for g in &same_hash {
                spill::put_frame(&mut out, &encode(g))?;
            }
            count += same_hash.len() as u64;
        }
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.flush()?;
        Ok(Groups {
            held: Held::Spilled(file),
            count,
            names: None,
            spill_at: self.spill_at,
        })
    }
}

/// Adds `g` into `into`, a group of the same key.
fn join(into: &mut Group, g: Group) {
    into.first = into.first.min(g.first);
    if g.project.is_some() && (into.project.is_none() || g.project_at < into.project_at) {
        into.project = g.project;
        into.project_at = g.project_at;
    }
    for (k, s) in &g.buckets {
        buckets::merge(&mut into.buckets, *k, s);
    }
}

/// The groups as frames, sorted by hash (the merge's key, a number), then by their bytes: the order of a run.
fn sorted_frames(held: &[Group]) -> Vec<Frame> {
    let mut frames: Vec<Frame> = held.iter().map(encode).collect();
    frames.sort_unstable_by(|a, b| (a.key(), a).cmp(&(b.key(), b)));
    frames
}

/// Every group of a report, each key once.
#[derive(Debug)]
pub struct Groups {
    held: Held,
    count: u64,
    /// Short names of projects (`--by project`'s keys, `--by session`'s project column), applied as groups are read
    /// from a file; groups in memory are renamed at once.
    names: Option<(bool, HashMap<String, String>)>,
    /// The bound past which the groups were written out: the report orders them in runs of as many.
    pub spill_at: usize,
}

#[derive(Debug)]
enum Held {
    Memory(Vec<Group>),
    /// One frame per group (`encode`), in no set order.
    Spilled(File),
}

impl Default for Groups {
    fn default() -> Self {
        Groups::from(Vec::new())
    }
}

impl From<Vec<Group>> for Groups {
    fn from(groups: Vec<Group>) -> Self {
        Groups {
            count: groups.len() as u64,
            held: Held::Memory(groups),
            names: None,
            spill_at: SPILL_AT,
        }
    }
}

impl Groups {
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether the groups were too many to hold, and are read from a temporary file.
    pub fn spilled(&self) -> bool {
        matches!(self.held, Held::Spilled(_))
    }

    /// Calls `f` with each group: in memory in the order they were made, from a file in no set order.
    pub fn each<E: From<io::Error>>(&self, mut f: impl FnMut(&Group) -> Result<E>) -> std::result::Result<(), E> {
        match &self.held {
            Held::Memory(groups) => groups.iter().try_for_each(f),
            Held::Spilled(file) => {
                let lost = |e: io::Error| {
                    io::Error::other(format!("cannot read back the groups written to a temporary file: {e}"))
                };
                let mut r = file;
                r.seek(SeekFrom::Start(0)).map_err(lost)?;
                let mut r = BufReader::with_capacity(1 << 16, r);
                while let Some(frame) = Frame::read_from(&mut r).map_err(lost)? {
                    let mut g = decode(&frame).map_err(lost)?;
                    if let Some(names) = &self.names {
                        rename(names, &mut g);
                    }
                    f(&g)?;
                }
                Ok(())
            }
        }
    }

    /// Renames projects by `names`: `--by project`'s keys (`keys`), or each group's project.
    pub(super) fn shorten(&mut self, names: HashMap<String, String>, keys: bool) {
        let names = (keys, names);
        match &mut self.held {
            Held::Memory(groups) => groups.iter_mut().for_each(|g| rename(&names, g)),
            Held::Spilled(_) => self.names = Some(names),
        }
    }
}

/// Renames a group's key (`names.0`) or its project by `names.1`.
fn rename(names: &(bool, HashMap<String, String>), g: &mut Group) {
    let name = match names.0 {
        true => Some(&mut g.key),
        false => g.project.as_mut(),
    };
    if let Some(name) = name
        && let Some(short) = names.1.get(name.as_str())
    {
        *name = short.clone();
    }
}

type Result<E> = std::result::Result<(), E>;

/// Bytes per bucket: model, row (8 each), tier, level, then calls, five token counts, three sources, and what the
/// logs stated: calls, the sum in USD (16) and five token counts.
const BUCKET: usize = 8 + 8 + 1 + 1 + 8 * 9 + 8 + 16 + 8 * 5;

fn put_text(f: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            f.extend_from_slice(&(s.len() as u32).to_le_bytes());
            f.extend_from_slice(s.as_bytes());
        }
        None => f.extend_from_slice(&u32::MAX.to_le_bytes()),
    }
}

fn put_place(f: &mut Vec<u8>, p: Place) {
    for n in [p.0 as u64, p.1, p.2 as u64] {
        f.extend_from_slice(&n.to_le_bytes());
    }
}

fn put_tokens(f: &mut Vec<u8>, t: &Tokens) {
    for n in [t.input, t.cache_read, t.cache_write_5m, t.cache_write_1h, t.output] {
        f.extend_from_slice(&n.to_le_bytes());
    }
}

/// A group as a frame: its key's hash, then the key, first place, project and its place, then each bucket.
pub fn encode(g: &Group) -> Frame {
    let mut f = Vec::with_capacity(16 + 4 + g.key.len() + 24 + 4 + 24 + g.buckets.len() * BUCKET);
    f.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(g.key.as_bytes()).to_le_bytes());
    put_text(&mut f, Some(&g.key));
    put_place(&mut f, g.first);
    put_text(&mut f, g.project.as_deref());
    put_place(&mut f, g.project_at);
    for (k, s) in &g.buckets {
        f.extend_from_slice(&(k.model as u64).to_le_bytes());
        f.extend_from_slice(&(k.row as u64).to_le_bytes());
        f.extend_from_slice(&[k.tier.code(), k.level]);
        f.extend_from_slice(&s.calls.to_le_bytes());
        put_tokens(&mut f, &s.tokens);
        for n in s.sources {
            f.extend_from_slice(&n.to_le_bytes());
        }
        f.extend_from_slice(&s.reported.calls.to_le_bytes());
        f.extend_from_slice(&s.reported.usd.serialize());
        put_tokens(&mut f, &s.reported.tokens);
    }
    f
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "a spilled group record is damaged")
}

/// Reads a frame from its start, field by field.
struct Reader<'a> {
    f: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn bytes(&mut self, n: usize) -> io::Result<&[u8]> {
        let b = self.f.get(self.at..self.at + n).ok_or_else(damaged)?;
        self.at += n;
        Ok(b)
    }

    fn u64(&mut self) -> io::Result<u64> {
        let b = self.bytes(8)?;
        Ok(u64::from_le_bytes(b.try_into().map_err(|_| damaged())?))
    }

    fn text(&mut self) -> io::Result<Option<String>> {
        let b = self.bytes(4)?;
        let len = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if len == u32::MAX {
            return Ok(None);
        }
        let s = self.bytes(len as usize)?;
        String::from_utf8(s.to_vec()).map(Some).map_err(|_| damaged())
    }

    fn place(&mut self) -> io::Result<Place> {
        Ok((self.u64()? as usize, self.u64()?, self.u64()? as usize))
    }

    fn tokens(&mut self) -> io::Result<Tokens> {
        Ok(Tokens {
            input: self.u64()?,
            cache_read: self.u64()?,
            cache_write_5m: self.u64()?,
            cache_write_1h: self.u64()?,
            output: self.u64()?,
        })
    }
}

/// A frame's group.
pub fn decode(f: &[u8]) -> io::Result<Group> {
    let mut r = Reader { f, at: 16 };
    let key = r.text()?.ok_or_else(damaged)?;
    let first = r.place()?;
    let project = r.text()?;
    let project_at = r.place()?;
    if !(f.len() - r.at).is_multiple_of(BUCKET) {
        return Err(damaged());
    }
    let mut b = Buckets::with_capacity((f.len() - r.at) / BUCKET);
    while r.at < f.len() {
        let model = r.u64()? as usize;
        let row = r.u64()? as usize;
        let tl = r.bytes(2)?;
        let (tier, level) = (Tier::from_code(tl[0]).ok_or_else(damaged)?, tl[1]);
        let calls = r.u64()?;
        let tokens = r.tokens()?;
        let sources = [r.u64()?, r.u64()?, r.u64()?];
        let reported_calls = r.u64()?;
        let usd: [u8; 16] = r.bytes(16)?.try_into().map_err(|_| damaged())?;
        let reported = ReportedSums {
            calls: reported_calls,
            usd: Decimal::deserialize(usd),
            tokens: r.tokens()?,
        };
        let key = BucketKey {
            model,
            row,
            tier,
            level,
        };
        let sums = Sums {
            calls,
            tokens,
            sources,
            reported,
        };
        b.push((key, sums));
    }
    Ok(Group {
        key,
        first,
        buckets: b,
        project,
        project_at,
    })
}

/// Short, distinct names of the projects `paths` (`projects::short_names` of the distinct ones), by path.
pub(super) fn short_names(paths: &BTreeSet<String>) -> HashMap<String, String> {
    let names = super::projects::short_names(paths.iter().map(String::as_str));
    paths.iter().cloned().zip(names).collect()
}
