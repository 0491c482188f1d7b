//! Bounded memory at any input size: when too many responses wait for de-duplication, or too many sessions are
//! being summed, they are written out as a run of records sorted by key, to an anonymous temporary file (deleted by
//! the system when closed, on error as on success), and the runs are merged back in key order at the end, each
//! key's records together.
//!
//! Waiting responses are fixed-size `Record`s; sessions, whose names and buckets vary in length, are `Frame`s
//! (a length, then the bytes). Either starts with its 16-byte key. Report rows, ordered by what they show (a cost,
//! then a name), are `Keyed` frames: a sort key of any length compared byte by byte, then the row's bytes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// Bytes per record; the first 16 are the key.
pub const RECORD: usize = 145;
pub type Record = [u8; RECORD];

pub fn key(r: &Record) -> u128 {
    let mut k = [0u8; 16];
    k.copy_from_slice(&r[..16]);
    u128::from_le_bytes(k)
}

/// Writes records, already in key order, to a new temporary file, rewound for reading.
pub fn write_run(records: impl Iterator<Item = Record>) -> io::Result<File> {
    let mut w = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    for r in records {
        w.write_all(&r)?;
    }
    let mut f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    f.seek(SeekFrom::Start(0))?;
    Ok(f)
}

/// A record of any length: its first 16 bytes are its key. Written as its length (4 bytes), then its bytes.
pub type Frame = Vec<u8>;

/// Writes frames, already in key order, to a new temporary file, rewound for reading.
pub fn write_frames<F: AsRef<[u8]>>(frames: impl Iterator<Item = F>) -> io::Result<File> {
    let mut w = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    for f in frames {
        put_frame(&mut w, f.as_ref())?;
    }
    let mut f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    f.seek(SeekFrom::Start(0))?;
    Ok(f)
}

/// Appends one frame to `w`: to a run being written, or to a run kept in memory.
pub fn put_frame(w: &mut impl Write, frame: &[u8]) -> io::Result<()> {
    let len = u32::try_from(frame.len()).map_err(|_| io::Error::other("a spilled record longer than 4 GiB"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(frame)
}

/// A run to merge: a file written by `write_run` or `write_frames`, or records still in memory.
pub type Run = Box<dyn Read>;

/// What a run holds: fixed-size records or frames.
pub trait Item: Sized {
    /// What the runs are sorted by.
    type Key: Ord + Clone;
    /// The next item of `r`; none at the end of the run.
    fn read_from(r: &mut impl Read) -> io::Result<Option<Self>>;
    fn key(&self) -> Self::Key;
}

/// Reads `buf.len()` bytes; false at a clean end of the run, an error for a run cut inside an item.
fn read_whole(r: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "a spilled run ends inside a record",
                ));
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

impl Item for Record {
    type Key = u128;

    fn read_from(r: &mut impl Read) -> io::Result<Option<Record>> {
        let mut rec = [0u8; RECORD];
        Ok(read_whole(r, &mut rec)?.then_some(rec))
    }

    fn key(&self) -> u128 {
        key(self)
    }
}

/// The next frame of a run, at least `min` bytes long; none at the end of the run.
fn read_frame(r: &mut impl Read, min: usize) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    if !read_whole(r, &mut len)? {
        return Ok(None);
    }
    let mut frame = vec![0u8; u32::from_le_bytes(len) as usize];
    if frame.len() < min || !read_whole(r, &mut frame)? {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "a spilled run ends inside a record",
        ));
    }
    Ok(Some(frame))
}

impl Item for Frame {
    type Key = u128;

    fn read_from(r: &mut impl Read) -> io::Result<Option<Frame>> {
        read_frame(r, 16)
    }

    fn key(&self) -> u128 {
        let mut k = [0u8; 16];
        k.copy_from_slice(&self[..16]);
        u128::from_le_bytes(k)
    }
}

/// A frame sorted by a key of its own length, compared byte by byte: its key's length (4 bytes), the key, then
/// the rest. Written with `put_frame` like any frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed(pub Vec<u8>);

impl Keyed {
    /// A frame of `key`, then `rest`.
    pub fn new(key: &[u8], rest: &[u8]) -> Keyed {
        let mut f = Vec::with_capacity(4 + key.len() + rest.len());
        f.extend_from_slice(&(key.len() as u32).to_le_bytes());
        f.extend_from_slice(key);
        f.extend_from_slice(rest);
        Keyed(f)
    }

    /// Where the key ends; a damaged length is held to the frame.
    fn key_end(&self) -> usize {
        let len = self
            .0
            .get(..4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        (4 + len).min(self.0.len())
    }

    pub fn sort_key(&self) -> &[u8] {
        self.0.get(4..self.key_end()).unwrap_or_default()
    }

    /// What follows the key.
    pub fn rest(&self) -> &[u8] {
        &self.0[self.key_end()..]
    }
}

impl Item for Keyed {
    type Key = Vec<u8>;

    fn read_from(r: &mut impl Read) -> io::Result<Option<Keyed>> {
        Ok(read_frame(r, 4)?.map(Keyed))
    }

    fn key(&self) -> Vec<u8> {
        self.sort_key().to_vec()
    }
}

/// Reads several runs back together, in key order.
pub struct Merge<T: Item = Record> {
    runs: Vec<BufReader<Run>>,
    heads: Vec<Option<T>>,
    heap: BinaryHeap<Reverse<(T::Key, usize)>>,
}

impl<T: Item> Merge<T> {
    pub fn new(runs: Vec<Run>) -> io::Result<Merge<T>> {
        let mut m = Merge {
            runs: runs.into_iter().map(|r| BufReader::with_capacity(1 << 16, r)).collect(),
            heads: Vec::new(),
            heap: BinaryHeap::new(),
        };
        m.heads = (0..m.runs.len()).map(|_| None).collect();
        for i in 0..m.runs.len() {
            m.advance(i)?;
        }
        Ok(m)
    }

    fn advance(&mut self, run: usize) -> io::Result<()> {
        if let Some(item) = T::read_from(&mut self.runs[run])? {
            self.heap.push(Reverse((item.key(), run)));
            self.heads[run] = Some(item);
        }
        Ok(())
    }

    /// Every item of the next key, from every run, into `out`; false when all runs are read.
    pub fn next_key(&mut self, out: &mut Vec<T>) -> io::Result<bool> {
        out.clear();
        let Some(Reverse((first, _))) = self.heap.peek() else {
            return Ok(false);
        };
        let first = first.clone();
        while let Some(Reverse((k, run))) = self.heap.peek() {
            if *k != first {
                break;
            }
            let run = *run;
            self.heap.pop();
            if let Some(item) = self.heads[run].take() {
                out.push(item);
            }
            self.advance(run)?;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(k: u128, tag: u8) -> Record {
        let mut r = [tag; RECORD];
        r[..16].copy_from_slice(&k.to_le_bytes());
        r
    }

    #[test]
    fn runs_merge_by_key_with_every_copy() {
        let a = write_run([rec(1, 10), rec(5, 11), rec(9, 12)].into_iter()).unwrap();
        let b = write_run([rec(5, 20), rec(7, 21)].into_iter()).unwrap();
        let c = write_run(std::iter::empty()).unwrap();
        let memory: Vec<u8> = [rec(0, 30), rec(9, 31)].concat();
        let runs: Vec<Run> = vec![Box::new(a), Box::new(b), Box::new(c), Box::new(io::Cursor::new(memory))];
        let mut m: Merge = Merge::new(runs).unwrap();
        let mut got = Vec::new();
        let mut out = Vec::new();
        while m.next_key(&mut out).unwrap() {
            let mut tags: Vec<u8> = out.iter().map(|r| r[RECORD - 1]).collect();
            tags.sort();
            got.push((key(&out[0]), tags));
        }
        assert_eq!(
            got,
            [
                (0, vec![30]),
                (1, vec![10]),
                (5, vec![11, 20]),
                (7, vec![21]),
                (9, vec![12, 31])
            ]
        );
    }

    fn frame(k: u128, tag: &[u8]) -> Frame {
        let mut f = k.to_le_bytes().to_vec();
        f.extend_from_slice(tag);
        f
    }

    #[test]
    fn frames_of_any_length_merge_by_key() {
        let a = write_frames([frame(2, b"a"), frame(4, b"")].iter()).unwrap();
        let mut memory = Vec::new();
        for f in [frame(2, b"long tag"), frame(3, b"bc")] {
            put_frame(&mut memory, &f).unwrap();
        }
        let runs: Vec<Run> = vec![Box::new(a), Box::new(io::Cursor::new(memory))];
        let mut m: Merge<Frame> = Merge::new(runs).unwrap();
        let mut got = Vec::new();
        let mut out = Vec::new();
        while m.next_key(&mut out).unwrap() {
            let mut tags: Vec<&[u8]> = out.iter().map(|f| &f[16..]).collect();
            tags.sort();
            got.push((out[0].key(), tags.iter().map(|t| t.to_vec()).collect::<Vec<_>>()));
        }
        assert_eq!(
            got,
            [
                (2, vec![b"a".to_vec(), b"long tag".to_vec()]),
                (3, vec![b"bc".to_vec()]),
                (4, vec![Vec::new()])
            ]
        );
    }

    #[test]
    fn keyed_frames_merge_by_their_bytes() {
        let a = write_frames([Keyed::new(b"ab", b"1"), Keyed::new(b"b", b"2")].iter().map(|k| &k.0)).unwrap();
        let b = write_frames([Keyed::new(b"", b"3"), Keyed::new(b"abc", b"4")].iter().map(|k| &k.0)).unwrap();
        let runs: Vec<Run> = vec![Box::new(a), Box::new(b)];
        let mut m: Merge<Keyed> = Merge::new(runs).unwrap();
        let mut got = Vec::new();
        let mut out = Vec::new();
        while m.next_key(&mut out).unwrap() {
            for k in &out {
                got.push((k.sort_key().to_vec(), k.rest().to_vec()));
            }
        }
        let want: Vec<(Vec<u8>, Vec<u8>)> = [("", "3"), ("ab", "1"), ("abc", "4"), ("b", "2")]
            .iter()
            .map(|(k, r)| (k.as_bytes().to_vec(), r.as_bytes().to_vec()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_run_cut_inside_a_record_is_an_error_not_an_end() {
        let mut cut = Vec::new();
        put_frame(&mut cut, &frame(1, b"abc")).unwrap();
        cut.truncate(cut.len() - 1);
        let runs: Vec<Run> = vec![Box::new(io::Cursor::new(cut))];
        assert!(Merge::<Frame>::new(runs).is_err());
        let runs: Vec<Run> = vec![Box::new(io::Cursor::new(vec![0u8; RECORD + 3]))];
        let mut m: Merge = Merge::new(runs).unwrap();
        assert!(m.next_key(&mut Vec::new()).is_err());
    }
}
