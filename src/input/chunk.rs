//! A large file read by several workers at once: each reads a chunk of it at its own offset and keeps the lines that
//! start in that chunk, the last one read whole however far past the chunk it goes. The copy from the kernel then
//! runs on every core, into a buffer that stays in the reading core's cache while its lines are parsed.

use std::fs::File;
use std::io;
use std::ops::Range;

use super::read::line_at;
use super::stream::shrank;

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
/// line end (`\n`, and any `\r` before it); `None` for a line longer than `max_line` bytes before its `\n`, of
/// which no more is read than shows that. Together, the chunks of a file give its lines exactly as `LineReader`
/// does: a line belongs to the chunk where it starts, and a last line without a line end is still a line. A file
/// that ends before `end` shrank while it was read: that is an error.
pub fn read_chunk(
    file: &File,
    (start, end): (u64, u64),
    max_line: usize,
    buf: &mut ChunkBuf,
) -> io::Result<Vec<Option<Range<usize>>>> {
    buf.filled = 0;
    // The byte before the chunk says whether a line starts at its first byte.
    let from = start.saturating_sub(1);
    let limit = (end - from) as usize;
    let mut eof = buf.read_at(file, from, limit)?;
    if eof {
        return Err(shrank(end, from + buf.filled as u64));
    }
    let first = if start == 0 {
        0
    } else {
        match memchr::memchr(b'\n', &buf.data[..buf.filled]) {
            Some(i) => i + 1,
            None => return Ok(Vec::new()),
        }
    };
    if first >= limit {
        return Ok(Vec::new());
    }
    // The last line that starts in the chunk ends at the first line end from the chunk's last byte on; it is read
    // no further than shows it too long.
    let last = memchr::memrchr(b'\n', &buf.data[first..limit - 1]).map_or(first, |i| first + i + 1);
    let enough = last.saturating_add(max_line).saturating_add(1);
    let (mut searched, mut more) = (limit - 1, TAIL_READ);
    while !eof && buf.filled < enough && memchr::memchr(b'\n', &buf.data[searched..buf.filled]).is_none() {
        searched = buf.filled;
        let want = more.min(enough - buf.filled);
        eof = buf.read_at(file, from + buf.filled as u64, want)?;
        // Twice as much each time, so a very long line takes few reads.
        more *= 2;
    }
    let data = &buf.data[..buf.filled];
    let mut lines = Vec::new();
    let mut at = first;
    while at < limit && at < data.len() {
        let line_end = memchr::memchr(b'\n', &data[at..]).map(|i| at + i);
        let (bytes_end, next) = line_end.map_or((data.len(), data.len()), |i| (i, i + 1));
        if bytes_end - at > max_line {
            lines.push(None);
        } else {
            let (line, _) = line_at(&data[..next], at);
            lines.push(Some(line));
        }
        at = next;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Batch, LineReader};
    use std::io::Write;

    /// A file's lines as the reader gives them: `None` for one too long.
    fn by_reader(path: &std::path::Path, max_line: usize) -> Vec<Option<Vec<u8>>> {
        let mut reader = LineReader::open(path).unwrap().with_max_line(max_line);
        let mut batch = Batch::default();
        while !reader.fill(&mut batch, 0, 1 << 20).unwrap() {}
        let lines = batch.lines.iter();
        lines.map(|l| (!l.too_long).then(|| batch.bytes(l).to_vec())).collect()
    }

    fn by_chunks(path: &std::path::Path, chunk: u64, max_line: usize) -> Vec<Option<Vec<u8>>> {
        let file = File::open(path).unwrap();
        let len = file.metadata().unwrap().len();
        let mut buf = ChunkBuf::default();
        let mut out = Vec::new();
        for k in 0..len.div_ceil(chunk) {
            let end = ((k + 1) * chunk).min(len);
            for l in read_chunk(&file, (k * chunk, end), max_line, &mut buf).unwrap() {
                out.push(l.map(|l| buf.bytes(&l).to_vec()));
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
            format!("{long}\r\n{long}{long}\nshort\r\r\n{long}\r").into_bytes(),
            (0..3000)
                .map(|i| format!("line {i}{}\n", "y".repeat(i % 97)))
                .collect::<String>()
                .into_bytes(),
        ];
        for (n, content) in contents.iter().enumerate() {
            let path = dir.path().join(format!("{n}.jsonl"));
            File::create(&path).unwrap().write_all(content).unwrap();
            for max_line in [usize::MAX, 200_001, 200_000, 50, 0] {
                let want = by_reader(&path, max_line);
                // Chunks of a byte or two take long on the larger files: once, without a cap, is enough.
                let chunks: &[u64] = if max_line == usize::MAX {
                    assert!(want.iter().all(Option::is_some));
                    &[1, 2, 3, 7, 64, 4096, 65_537, 1 << 20]
                } else {
                    &[7, 64, 4096, 65_537]
                };
                for &chunk in chunks {
                    let got = by_chunks(&path, chunk, max_line);
                    assert!(
                        got == want,
                        "file {n}, chunks of {chunk} bytes, lines of at most {max_line}"
                    );
                }
            }
        }
    }

    /// A file cut shorter than it was when opened is an error, not a shorter file.
    #[test]
    fn a_file_that_shrank_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        std::fs::write(&path, "line\n".repeat(1000)).unwrap();
        let file = File::open(&path).unwrap();
        let len = file.metadata().unwrap().len();
        let mut buf = ChunkBuf::default();
        assert_eq!(read_chunk(&file, (0, 1000), 100, &mut buf).unwrap().len(), 200);
        File::options().write(true).open(&path).unwrap().set_len(2500).unwrap();
        assert_eq!(read_chunk(&file, (1000, 2000), 100, &mut buf).unwrap().len(), 200);
        let e = read_chunk(&file, (2000, 3000), 100, &mut buf).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the file shrank while it was read: it ended after 2500 of 3000 bytes"
        );
        assert!(len > 3000);
    }
}
