//! A large file read by several workers at once: each reads a chunk of it at its own offset and keeps the lines that
//! start in that chunk, the last one read whole however far past the chunk it goes. The copy from the kernel then
//! runs on every core, into a buffer that stays in the reading core's cache while its lines are parsed.

use std::fs::File;
use std::io;
use std::ops::Range;

use super::read::line_at;

/// Positioned reads: unix's own. They leave the file's cursor where it was.
#[cfg(unix)]
pub use std::os::unix::fs::FileExt;

/// Positioned reads elsewhere, with unix's names. On Windows a read may give fewer bytes than asked for even before
/// the end of the file, and it moves the file's cursor; on other systems there are none, and every read fails, so
/// that large files are read as streams too.
#[cfg(not(unix))]
pub trait FileExt {
    /// Reads into `buf` from `offset`; 0 at the end of the file.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;

    /// Fills `buf` from `offset`; fails when the file ends first.
    fn read_exact_at(&self, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read_at(buf, offset) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(got) => {
                    buf = &mut buf[got..];
                    offset += got as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

#[cfg(not(unix))]
impl FileExt for File {
    #[cfg(windows)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(self, buf, offset)
    }

    #[cfg(not(windows))]
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> io::Result<usize> {
        Err(io::ErrorKind::Unsupported.into())
    }
}

/// A worker's buffer, reused from chunk to chunk: grown (and zeroed) only when a chunk needs more than it held.
#[derive(Debug, Default)]
pub struct ChunkBuf {
    data: Vec<u8>,
    filled: usize,
}

impl ChunkBuf {
    pub fn bytes(&self, line: &Range<usize>) -> &[u8] {
        &self.data[..self.filled][line.clone()]
    }

    /// Appends up to `n` bytes read at `offset`; true when the file ended first.
    fn read_at(&mut self, file: &File, offset: u64, n: usize) -> io::Result<bool> {
        let (begin, want) = (self.filled, self.filled + n);
        if self.data.len() < want {
            self.data.resize(want, 0);
        }
        while self.filled < want {
            let at = offset + (self.filled - begin) as u64;
            match file.read_at(&mut self.data[self.filled..want], at) {
                Ok(0) => return Ok(true),
                Ok(got) => self.filled += got,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }
}

/// Bytes first read past the chunk's end, to finish its last line.
const TAIL_READ: usize = 16 << 10;

/// Reads the lines of `file` that start at offsets `start..end` into `buf`, and returns where each is, without its
/// line end (`\n`, and any `\r` before it). Together, the chunks of a file give its lines exactly as `LineReader`
/// does: a line belongs to the chunk where it starts, and a last line without a line end is still a line.
pub fn read_chunk(file: &File, start: u64, end: u64, buf: &mut ChunkBuf) -> io::Result<Vec<Range<usize>>> {
    buf.filled = 0;
    // The byte before the chunk says whether a line starts at its first byte.
    let from = start.saturating_sub(1);
    let limit = (end - from) as usize;
    let mut eof = buf.read_at(file, from, limit)?;
    let first = if start == 0 {
        0
    } else {
        match memchr::memchr(b'\n', &buf.data[..buf.filled]) {
            Some(i) => i + 1,
            None => return Ok(Vec::new()),
        }
    };
    if first >= limit.min(buf.filled) {
        return Ok(Vec::new());
    }
    // The last line that starts in the chunk ends at the first line end from the chunk's last byte on.
    let (mut searched, mut more) = (limit - 1, TAIL_READ);
    while !eof && memchr::memchr(b'\n', &buf.data[searched..buf.filled]).is_none() {
        searched = buf.filled;
        eof = buf.read_at(file, from + buf.filled as u64, more)?;
        // Twice as much each time, so a very long line takes few reads.
        more *= 2;
    }
    let data = &buf.data[..buf.filled];
    let mut lines = Vec::new();
    let mut at = first;
    while at < limit && at < data.len() {
        let (line, next) = line_at(data, at);
        lines.push(line);
        at = next;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Batch, LineReader};
    use std::io::Write;

    fn by_reader(path: &std::path::Path) -> Vec<Vec<u8>> {
        let mut reader = LineReader::open(path).unwrap();
        let mut batch = Batch::default();
        while !reader.fill(&mut batch, 0, 1 << 20).unwrap() {}
        batch.lines.iter().map(|l| batch.bytes(l).to_vec()).collect()
    }

    fn by_chunks(path: &std::path::Path, chunk: u64) -> Vec<Vec<u8>> {
        let file = File::open(path).unwrap();
        let len = file.metadata().unwrap().len();
        let mut buf = ChunkBuf::default();
        let mut out = Vec::new();
        for k in 0..len.div_ceil(chunk) {
            let end = ((k + 1) * chunk).min(len);
            for l in read_chunk(&file, k * chunk, end, &mut buf).unwrap() {
                out.push(buf.bytes(&l).to_vec());
            }
        }
        out
    }

    #[test]
    fn chunks_give_the_lines_the_reader_gives() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(200_000);
        let contents: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"\n".to_vec(),
            b"a".to_vec(),
            b"a\n".to_vec(),
            b"\n\n\nb\r\n\r\nccc\r\r\n".to_vec(),
            b"one\ntwo\nthree\nfour\nfive".to_vec(),
            format!("{long}\nshort\n{long}\n\n{long}").into_bytes(),
            (0..3000)
                .map(|i| format!("line {i}{}\n", "y".repeat(i % 97)))
                .collect::<String>()
                .into_bytes(),
        ];
        for (n, content) in contents.iter().enumerate() {
            let path = dir.path().join(format!("{n}.jsonl"));
            File::create(&path).unwrap().write_all(content).unwrap();
            let want = by_reader(&path);
            for chunk in [1, 2, 3, 7, 64, 4096, 65_537, 1 << 20] {
                assert_eq!(by_chunks(&path, chunk), want, "file {n}, chunks of {chunk} bytes");
            }
        }
    }
}
