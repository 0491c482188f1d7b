//! Bounded memory for de-duplication at any input size: when too many responses wait for the end of the input,
//! they are written out as a run of fixed-size records sorted by key, to an anonymous temporary file (deleted by
//! the system when closed), and the runs are merged back in key order at the end, each key's copies together.

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

/// A run to merge: a file written by `write_run`, or records still in memory.
pub type Run = Box<dyn Read>;

/// Reads several runs back together, in key order.
pub struct Merge {
    runs: Vec<BufReader<Run>>,
    heads: Vec<Record>,
    heap: BinaryHeap<Reverse<(u128, usize)>>,
}

fn read_record(r: &mut BufReader<Run>) -> io::Result<Option<Record>> {
    let mut rec = [0u8; RECORD];
    match r.read_exact(&mut rec) {
        Ok(()) => Ok(Some(rec)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

impl Merge {
    pub fn new(runs: Vec<Run>) -> io::Result<Merge> {
        let mut m = Merge {
            runs: runs.into_iter().map(|r| BufReader::with_capacity(1 << 16, r)).collect(),
            heads: Vec::new(),
            heap: BinaryHeap::new(),
        };
        m.heads = vec![[0u8; RECORD]; m.runs.len()];
        for i in 0..m.runs.len() {
            m.advance(i)?;
        }
        Ok(m)
    }

    fn advance(&mut self, run: usize) -> io::Result<()> {
        if let Some(rec) = read_record(&mut self.runs[run])? {
            self.heap.push(Reverse((key(&rec), run)));
            self.heads[run] = rec;
        }
        Ok(())
    }

    /// Every record of the next key, from every run, into `out`; false when all runs are read.
    pub fn next_key(&mut self, out: &mut Vec<Record>) -> io::Result<bool> {
        out.clear();
        let Some(&Reverse((first, _))) = self.heap.peek() else {
            return Ok(false);
        };
        while let Some(&Reverse((k, run))) = self.heap.peek() {
            if k != first {
                break;
            }
            self.heap.pop();
            out.push(self.heads[run]);
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
        let mut m = Merge::new(runs).unwrap();
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
}
