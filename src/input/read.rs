//! Streaming input: each file read in bounded batches of whole lines, so memory holds one batch at a time whatever
//! the input's size. A line is bounded too: one longer than the cap is taken as too long and skipped to its end as
//! it is read, never held whole, so an input without line ends (`/dev/zero`, a gzip bomb of zeros) cannot grow
//! memory. `stream` opens the text under the lines: gzip, byte-order marks, UTF-16.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::path::Path;

use super::stream;

/// The longest line read by default, in bytes: far past any logged call, well within memory.
pub const DEFAULT_MAX_LINE: usize = 64 << 20;

/// What a file named on the command line may be: a regular file (its size is returned, to check it is all read),
/// or a pipe, a socket or a terminal, which is how streams come in. Anything else, such as `/dev/zero` or a disk,
/// is refused: it would be read without end.
pub fn named_file(file: &File) -> io::Result<Option<u64>> {
    let meta = file.metadata()?;
    if meta.is_file() {
        return Ok(Some(meta.len()));
    }
    #[cfg(unix)]
    {
        use std::io::IsTerminal;
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if !(t.is_fifo() || t.is_socket() || file.is_terminal()) {
            let kind = super::walk::file_kind(&meta);
            return Err(io::Error::other(format!("not a regular file or a pipe ({kind})")));
        }
    }
    Ok(None)
}

/// One line of a batch: its file (an index into the files read), its 1-based number in the file and its bytes in
/// the batch buffer.
#[derive(Debug, Clone)]
pub struct Line {
    pub file: usize,
    pub number: u64,
    pub range: Range<usize>,
    /// Longer than the cap: none of its bytes were kept, and `range` is empty.
    pub too_long: bool,
    /// What is wrong with a line that was not kept (a CSV row that does not fit its header), said as it is.
    pub problem: Option<String>,
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
    /// The rest of a line too long to keep is being read and dropped, up to its line end.
    skipping: bool,
    next_number: u64,
    /// The longest line kept, in bytes before its `\n`.
    max_line: usize,
}

/// Bytes asked of the reader at a time; in tests a small odd number, so that lines and reads meet at every offset.
#[cfg(not(test))]
const READ_CHUNK: usize = 1 << 20;
#[cfg(test)]
const READ_CHUNK: usize = 4093;

impl LineReader {
    /// Opens a file, or stdin for `-`.
    pub fn open(path: &Path) -> io::Result<Self> {
        if path.as_os_str() == "-" {
            Self::new(Box::new(io::stdin()), None)
        } else {
            let file = File::open(path)?;
            let size = named_file(&file)?;
            Self::new(Box::new(file), size)
        }
    }

    /// Reads `inner` from where it stands. `size` is a regular file's size when it was opened: a file that gives
    /// fewer bytes shrank while it was read, and that is an error.
    pub fn new(inner: Box<dyn Read + Send>, size: Option<u64>) -> io::Result<Self> {
        let (reader, carry) = stream::text(inner, size)?;
        Ok(Self::from_text(reader, carry))
    }

    /// Reads text already decompressed and decoded (`stream::text`), `carry` its first bytes, already read.
    pub fn from_text(reader: Box<dyn Read + Send>, carry: Vec<u8>) -> Self {
        LineReader {
            reader,
            carry,
            eof: false,
            skipping: false,
            next_number: 1,
            max_line: DEFAULT_MAX_LINE,
        }
    }

    /// Keeps lines of at most `max_line` bytes (before the `\n`); a longer one is taken as too long.
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.max_line = max_line;
        self
    }

    /// How many lines have been read so far.
    pub fn lines_read(&self) -> u64 {
        self.next_number - 1
    }

    fn push(&mut self, batch: &mut Batch, file: usize, range: Range<usize>, too_long: bool) {
        batch.lines.push(Line {
            file,
            number: self.next_number,
            range,
            too_long,
            problem: None,
        });
        self.next_number += 1;
    }

    /// Appends whole lines of this input to `batch` until it holds about `max_bytes` or the input ends; true at the
    /// end of the input. Reading goes straight into the batch's buffer. When reading fails, the whole lines read
    /// before the failure are still appended, and the error returned after them.
    pub fn fill(&mut self, batch: &mut Batch, file: usize, max_bytes: usize) -> io::Result<bool> {
        let first_line = batch.lines.len();
        let begin = batch.buf.len();
        batch.buf.append(&mut self.carry);
        // Room for the last read too, so that the buffer is not grown while it is filled; exactly that much (a
        // plain `reserve` would double a recycled buffer that is a little short).
        batch
            .buf
            .reserve_exact(max_bytes.saturating_sub(batch.buf.len()) + READ_CHUNK);
        // Lines before `start` are taken; no line end lies in `start..searched`.
        let (mut start, mut searched) = (begin, begin);
        let mut failed = None;
        loop {
            while let Some(i) = memchr::memchr(b'\n', &batch.buf[searched..]) {
                let end = searched + i;
                let too_long = end - start > self.max_line;
                self.push(
                    batch,
                    file,
                    if too_long {
                        start..start
                    } else {
                        start..trim_cr(&batch.buf, start, end)
                    },
                    too_long,
                );
                start = end + 1;
                searched = start;
            }
            searched = batch.buf.len();
            // The start of a line already too long: it is taken as such, and the rest of it dropped as it comes.
            if searched - start > self.max_line {
                self.push(batch, file, start..start, true);
                batch.buf.truncate(start);
                searched = start;
                self.skipping = true;
            }
            if self.eof || failed.is_some() || (batch.buf.len() >= max_bytes && batch.lines.len() > first_line) {
                break;
            }
            let at = batch.buf.len();
            // `read_to_end` reads into the spare capacity without zeroing it first, and keeps what it read before
            // a failure: the whole lines in that are still taken.
            match self.reader.by_ref().take(READ_CHUNK as u64).read_to_end(&mut batch.buf) {
                Ok(n) => self.eof = n == 0,
                Err(e) => failed = Some(e),
            }
            if self.skipping {
                match memchr::memchr(b'\n', &batch.buf[at..]) {
                    Some(i) => {
                        batch.buf.drain(at..=at + i);
                        self.skipping = false;
                    }
                    None => batch.buf.truncate(at),
                }
            }
        }
        if let Some(e) = failed {
            // A line the failure cut short is no line.
            batch.buf.truncate(start);
            return Err(e);
        }
        if self.eof {
            // The last line, without a line end.
            let end = batch.buf.len();
            if start < end {
                self.push(batch, file, start..trim_cr(&batch.buf, start, end), false);
            }
        } else {
            self.carry = batch.buf.split_off(start);
        }
        Ok(self.eof)
    }
}

/// The end of a line's bytes that end at `end`, without any `\r` before its line end.
fn trim_cr(data: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && data[end - 1] == b'\r' {
        end -= 1;
    }
    end
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

    /// Reads `files` as the engine does, with tiny batches: every line whole, once, numbered within its file; `None`
    /// for a line longer than `max_line`.
    fn lines_of(files: &[&[u8]], max_bytes: usize, max_line: usize) -> Vec<(usize, u64, Option<String>)> {
        let dir = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        let mut batch = Batch::default();
        let mut take = |batch: &mut Batch| {
            for l in &batch.lines {
                let text = (!l.too_long).then(|| String::from_utf8(batch.bytes(l).to_vec()).unwrap());
                out.push((l.file, l.number, text));
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
            let mut reader = LineReader::open(&path).unwrap().with_max_line(max_line);
            while !reader.fill(&mut batch, file, max_bytes).unwrap() {
                if batch.buf.len() >= max_bytes {
                    take(&mut batch);
                }
            }
        }
        take(&mut batch);
        out
    }

    /// What `lines_of` must give: each file split at `\n`, less the `\r`s before it.
    fn model(files: &[&[u8]], max_line: usize) -> Vec<(usize, u64, Option<String>)> {
        let mut out = Vec::new();
        for (file, content) in files.iter().enumerate() {
            let text = std::str::from_utf8(content).unwrap();
            let text = text.strip_suffix('\n').unwrap_or(text);
            if content.is_empty() {
                continue;
            }
            for (i, line) in text.split('\n').enumerate() {
                let kept = (line.len() <= max_line).then(|| line.trim_end_matches('\r').to_string());
                out.push((file, i as u64 + 1, kept));
            }
        }
        out
    }

    #[test]
    fn batches_split_only_between_lines() {
        let files: [&[u8]; 4] = [b"a\nbb\r\nccc", b"", b"dddd\n\neeeee\n", b"f\n"];
        let want = model(&files, usize::MAX);
        assert_eq!(want.len(), 7);
        for max_bytes in [1, 2, 3, 5, 8, 64, 1 << 20] {
            assert_eq!(
                lines_of(&files, max_bytes, usize::MAX),
                want,
                "batches of {max_bytes} bytes"
            );
        }
    }

    /// Lines longer than the cap, ending in any read and at the end of the input, plain and gzip: each is one line,
    /// too long, and the lines around it are whole.
    #[test]
    fn long_lines_are_cut_at_the_cap() {
        let long = |n: usize| "x".repeat(n);
        let a = format!(
            "{}\nok\n{}\r\n{}\nshort\n{}",
            long(20_000),
            long(9_999),
            long(10_000),
            long(30_000)
        );
        let b = format!("{}\r\r\n\n{}", long(10_000), long(10_001));
        let c = format!("{}\n{}\nend\n", long(50_000), long(8_000));
        let files: [&[u8]; 3] = [a.as_bytes(), b.as_bytes(), c.as_bytes()];
        for max_line in [0, 1, 9_999, 10_000, 10_001, 10_002, 100_000] {
            let want = model(&files, max_line);
            for max_bytes in [1, 5000, 1 << 20] {
                let got = lines_of(&files, max_bytes, max_line);
                assert!(got == want, "lines of at most {max_line}, batches of {max_bytes}");
            }
        }
    }

    /// A read that fails keeps the whole lines read before it, not the line it cut.
    #[test]
    fn a_failed_read_keeps_the_lines_before_it() {
        struct Failing(std::io::Cursor<Vec<u8>>);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match self.0.read(buf)? {
                    0 => Err(io::Error::other("broken")),
                    n => Ok(n),
                }
            }
        }
        let text = "line\n".repeat(3000) + "cut";
        let mut reader = LineReader::new(Box::new(Failing(std::io::Cursor::new(text.into_bytes()))), None).unwrap();
        let mut batch = Batch::default();
        let e = reader.fill(&mut batch, 0, 1 << 30).unwrap_err();
        assert_eq!(e.to_string(), "broken");
        assert_eq!(batch.lines.len(), 3000);
        assert_eq!(reader.lines_read(), 3000);
        assert!(batch.lines.iter().all(|l| batch.bytes(l) == b"line"));
    }

    /// A file cut shorter while it is read is an error, not a shorter log.
    #[test]
    fn a_file_that_shrank_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        std::fs::write(&path, "line\n".repeat(10_000)).unwrap();
        let mut reader = LineReader::open(&path).unwrap();
        let mut batch = Batch::default();
        assert!(!reader.fill(&mut batch, 0, 1).unwrap());
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(20_000)
            .unwrap();
        let e = loop {
            match reader.fill(&mut batch, 0, 1) {
                Ok(done) => assert!(!done, "read to the end"),
                Err(e) => break e,
            }
        };
        assert_eq!(
            e.to_string(),
            "the file shrank while it was read: it ended after 20000 of 50000 bytes"
        );
        assert_eq!(reader.lines_read(), 4000);
    }
}
