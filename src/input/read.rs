//! Streaming input: paths expanded to files, each file read in bounded batches of whole lines, so memory holds
//! one batch at a time whatever the input's size. Gzip files are recognised by their magic bytes and decompressed
//! on the fly.

use flate2::bufread::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
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

/// `x.jsonl`, `x.json`, `x.ndjson`, and the same with `.gz`.
fn is_log_name(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
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

/// One line of a batch: its 1-based number in the file and its bytes in the batch buffer.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: u64,
    pub range: Range<usize>,
}

/// Whole lines read together: one buffer, many slices of it.
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
    reader: Box<dyn BufRead + Send>,
    next_number: u64,
}

impl LineReader {
    /// Opens a file, or stdin for `-`.
    pub fn open(path: &Path) -> io::Result<Self> {
        let inner: Box<dyn Read + Send> = if path.as_os_str() == "-" {
            Box::new(io::stdin())
        } else {
            Box::new(File::open(path)?)
        };
        let mut buffered = BufReader::with_capacity(1 << 20, inner);
        let reader: Box<dyn BufRead + Send> = if buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
            Box::new(BufReader::with_capacity(1 << 20, MultiGzDecoder::new(buffered)))
        } else {
            Box::new(buffered)
        };
        Ok(LineReader { reader, next_number: 1 })
    }

    /// How many lines have been read so far.
    pub fn lines_read(&self) -> u64 {
        self.next_number - 1
    }

    /// Reads up to `max_lines` lines or about `max_bytes` bytes (a longer line is still read whole).
    /// `Ok(None)` at the end of the input.
    pub fn next_batch(&mut self, max_lines: usize, max_bytes: usize) -> io::Result<Option<Batch>> {
        let mut batch = Batch::default();
        while batch.lines.len() < max_lines && batch.buf.len() < max_bytes {
            let start = batch.buf.len();
            let n = self.reader.read_until(b'\n', &mut batch.buf)?;
            if n == 0 {
                break;
            }
            let mut end = batch.buf.len();
            while end > start && matches!(batch.buf[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            batch.lines.push(Line {
                number: self.next_number,
                range: start..end,
            });
            self.next_number += 1;
        }
        Ok((!batch.lines.is_empty()).then_some(batch))
    }
}
