//! Streaming input: paths expanded to files, each file read in bounded batches of whole lines, so memory holds
//! one batch at a time whatever the input's size. Gzip and zstd files are recognised by their magic bytes and
//! decompressed on the fly.

use flate2::bufread::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Extensions read when walking a directory; a file named on the command line is read whatever its name.
const LOG_EXTENSIONS: &[&str] = &["jsonl", "json", "ndjson"];

/// Expands command-line paths: a directory becomes its log files, recursively, in name order; `-` is stdin.
/// Paths that cannot be listed are returned as errors so the run can report them and go on.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, io::Error)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" || !p.is_dir() {
            files.push(p.clone());
        } else {
            walk(p, &mut files, &mut errors);
        }
    }
    (files, errors)
}

/// `x.jsonl`, `x.json`, `x.ndjson`, and the same with `.gz` or `.zst`.
fn is_log_name(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
    let name = name.strip_suffix(".zst").unwrap_or(name);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| LOG_EXTENSIONS.contains(&ext))
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, io::Error)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => return errors.push((dir.to_path_buf(), e)),
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, files, errors);
        } else if is_log_name(&p) {
            files.push(p);
        }
    }
}

/// One line of a batch: its file (an index into the files read), its 1-based number in the file and its bytes in
/// the batch buffer.
#[derive(Debug, Clone)]
pub struct Line {
    pub file: usize,
    pub number: u64,
    pub range: Range<usize>,
}

/// Whole lines read together, of one file or of several small ones: one buffer, many slices of it.
#[derive(Debug, Default)]
pub struct Batch {
    pub buf: Vec<u8>,
    pub lines: Vec<Line>,
}

impl Batch {
    pub fn bytes(&self, line: &Line) -> &[u8] {
        &self.buf[line.range.clone()]
    }
}

pub struct LineReader {
    reader: Box<dyn Read + Send>,
    /// The start of a line whose end has not been read yet.
    carry: Vec<u8>,
    eof: bool,
    next_number: u64,
}

/// Bytes asked of the reader at a time.
const READ_CHUNK: usize = 1 << 20;

impl LineReader {
    /// Opens a file, or stdin for `-`.
    pub fn open(path: &Path) -> io::Result<Self> {
        if path.as_os_str() == "-" {
            Self::new(Box::new(io::stdin()))
        } else {
            Self::new(Box::new(File::open(path)?))
        }
    }

    /// Reads `inner` from where it stands.
    pub fn new(mut inner: Box<dyn Read + Send>) -> io::Result<Self> {
        // The first bytes say whether the input is gzip or zstd; they are read again as the start of the data.
        let mut head = vec![0u8; 4];
        let mut got = 0;
        while got < head.len() {
            match inner.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        head.truncate(got);
        let (reader, carry): (Box<dyn Read + Send>, Vec<u8>) = if head.starts_with(&[0x1f, 0x8b]) {
            let raw = BufReader::with_capacity(1 << 20, io::Cursor::new(head).chain(inner));
            (Box::new(MultiGzDecoder::new(raw)), Vec::new())
        } else if head == super::zstd::MAGIC {
            (
                Box::new(super::zstd::Frames::new(io::Cursor::new(head).chain(inner))?),
                Vec::new(),
            )
        } else {
            (inner, head)
        };
        Ok(LineReader {
            reader,
            carry,
            eof: false,
            next_number: 1,
        })
    }

    /// How many lines have been read so far.
    pub fn lines_read(&self) -> u64 {
        self.next_number - 1
    }

    /// Appends whole lines of this input to `batch` until it holds about `max_bytes` (a longer line is still read
    /// whole) or the input ends; true at the end of the input. Reading goes straight into the batch's buffer.
    pub fn fill(&mut self, batch: &mut Batch, file: usize, max_bytes: usize) -> io::Result<bool> {
        let begin = batch.buf.len();
        batch.buf.append(&mut self.carry);
        // Room for the last read too, so that the buffer is not grown while it is filled; exactly that much (a
        // plain `reserve` would double a recycled buffer that is a little short).
        batch
            .buf
            .reserve_exact(max_bytes.saturating_sub(batch.buf.len()) + READ_CHUNK);
        let buf = &mut batch.buf;
        let (mut searched, mut has_end) = (begin, false);
        while !self.eof && (buf.len() < max_bytes || !has_end) {
            // `read_to_end` reads into the spare capacity without zeroing it first.
            let n = self.reader.by_ref().take(READ_CHUNK as u64).read_to_end(buf)?;
            self.eof = n == 0;
            has_end = has_end || memchr::memchr(b'\n', &buf[searched..]).is_some();
            searched = buf.len();
        }
        // Whole lines stay; the start of an unfinished one waits for the next batch (at the end it is a line).
        let whole = if self.eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf[begin..]).map_or(begin, |i| begin + i + 1)
        };
        self.carry = buf.split_off(whole);
        let mut start = begin;
        while start < whole {
            let (range, next) = line_at(buf, start);
            batch.lines.push(Line {
                file,
                number: self.next_number,
                range,
            });
            self.next_number += 1;
            start = next;
        }
        Ok(self.eof)
    }
}

/// The line that starts at `at` in `data`: where its bytes are, without its line end (`\n`, and any `\r` before it),
/// and where the next line starts (the end of `data` when no line end follows).
pub(super) fn line_at(data: &[u8], at: usize) -> (Range<usize>, usize) {
    let next = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i + 1);
    let mut end = next;
    while end > at && matches!(data[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    (at..end, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Reads `files` as the engine does, with tiny batches: every line whole, once, numbered within its file.
    fn lines_of(files: &[&[u8]], max_bytes: usize) -> Vec<(usize, u64, String)> {
        let dir = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        let mut batch = Batch::default();
        let mut take = |batch: &mut Batch| {
            for l in &batch.lines {
                out.push((l.file, l.number, String::from_utf8(batch.bytes(l).to_vec()).unwrap()));
            }
            *batch = Batch::default();
        };
        for (file, content) in files.iter().enumerate() {
            let path = dir.path().join(format!("{file}.jsonl"));
            let mut f = File::create(&path).unwrap();
            if file == 2 {
                let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
                gz.write_all(content).unwrap();
                gz.finish().unwrap();
            } else {
                f.write_all(content).unwrap();
            }
            let mut reader = LineReader::open(&path).unwrap();
            while !reader.fill(&mut batch, file, max_bytes).unwrap() {
                if batch.buf.len() >= max_bytes {
                    take(&mut batch);
                }
            }
        }
        take(&mut batch);
        out
    }

    #[test]
    fn batches_split_only_between_lines() {
        let files: [&[u8]; 4] = [b"a\nbb\r\nccc", b"", b"dddd\n\neeeee\n", b"f\n"];
        let want: Vec<(usize, u64, String)> = [(0, 1, "a"), (0, 2, "bb"), (0, 3, "ccc"), (2, 1, "dddd")]
            .into_iter()
            .chain([(2, 2, ""), (2, 3, "eeeee"), (3, 1, "f")])
            .map(|(f, n, s)| (f, n, s.to_string()))
            .collect();
        for max_bytes in [1, 2, 3, 5, 8, 64, 1 << 20] {
            assert_eq!(lines_of(&files, max_bytes), want, "batches of {max_bytes} bytes");
        }
    }
}
