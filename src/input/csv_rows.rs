//! CSV exports of gateways and observability tools (LiteLLM spend logs, Langfuse observations, Helicone), read as the
//! JSON lines they stand for.
//!
//! A file is CSV when its first line is the header of a known export: the header's names, taken as the keys of an
//! object, are detected by a gateway format of `formats.rs`, the same detector that reads the format's JSON lines.
//! Each row then becomes one JSON object of its header's names and its cells (text; the format readers take text
//! for numbers), numbered by the line its record starts on, and goes down the same path as any JSON line. A quoted
//! cell may hold line breaks (a prompt): the csv crate reads the record whole. A row whose number of cells differs
//! from the header's is reported with its line and skipped.

use std::io::{self, Cursor, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::formats::{self, FormatId};
use super::read::{Batch, Line, LineReader};
use super::stream;

/// The first line is looked for within this many bytes.
const HEAD_BYTES: usize = 64 << 10;

/// The gateway format whose export has this header line, if any.
pub fn known_header(line: &[u8]) -> Option<FormatId> {
    let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
    let first = line.iter().find(|b| !b.is_ascii_whitespace())?;
    if matches!(first, b'{' | b'[') {
        return None;
    }
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(line);
    let header = rdr.byte_records().next()?.ok()?;
    if header.len() < 2 {
        return None;
    }
    let mut keys = Map::new();
    for name in &header {
        let name = std::str::from_utf8(name).ok()?.trim();
        keys.insert(name.to_string(), Value::String("x".into()));
    }
    let f = formats::detect(&Value::Object(keys))?;
    matches!(
        f.id,
        FormatId::LitellmSpendLog
            | FormatId::LitellmPayload
            | FormatId::Langfuse
            | FormatId::Helicone
            | FormatId::Openrouter
    )
    .then_some(f.id)
}

/// Whether `head`, a file's first bytes, begins with the header of a known CSV export.
pub fn csv_head(head: &[u8]) -> bool {
    let end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    known_header(&head[..end]).is_some()
}

/// An input's lines: JSON lines (pretty-printed JSON already put back on lines by `stream`), or a CSV export's rows
/// as JSON lines.
pub enum Lines {
    Json(LineReader),
    Csv(CsvRows),
}

impl Lines {
    /// Opens an input's text (decompressed, decoded) and reads its first line to know which it is.
    pub fn open(inner: Box<dyn Read + Send>, size: Option<u64>, max_line: usize) -> io::Result<Lines> {
        let (mut reader, mut head) = stream::text(inner, size)?;
        let mut chunk = [0u8; 8192];
        while memchr::memchr(b'\n', &head).is_none() && head.len() < HEAD_BYTES {
            match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => head.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // The lines read before the failure are still read, and the failure said after them.
                    reader = Box::new(FailOnce(Some(e)));
                    break;
                }
            }
        }
        if csv_head(&head) {
            let text: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(reader));
            return Ok(Lines::Csv(CsvRows::new(text, max_line)));
        }
        Ok(Lines::Json(LineReader::from_text(reader, head).with_max_line(max_line)))
    }

    /// As `LineReader::fill`.
    pub fn fill(&mut self, batch: &mut Batch, file: usize, max_bytes: usize) -> io::Result<bool> {
        match self {
            Lines::Json(r) => r.fill(batch, file, max_bytes),
            Lines::Csv(r) => r.fill(batch, file, max_bytes),
        }
    }

    /// The last line read (for CSV, the line the last record ended on).
    pub fn lines_read(&self) -> u64 {
        match self {
            Lines::Json(r) => r.lines_read(),
            Lines::Csv(r) => r.last_line,
        }
    }
}

/// A reader whose next read fails as the input did, then ends.
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

/// Bytes read from a CSV export, and where the record being read began: a record longer than the longest line
/// read (a quote never closed) fails the read, rather than hold the rest of the file.
#[derive(Default)]
struct Progress {
    read: AtomicU64,
    record_start: AtomicU64,
}

struct Bounded {
    inner: Box<dyn Read + Send>,
    progress: Arc<Progress>,
    max: u64,
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let p = &self.progress;
        let read = p.read.load(Ordering::Relaxed);
        if read.saturating_sub(p.record_start.load(Ordering::Relaxed)) > self.max {
            return Err(io::Error::other(format!(
                "a CSV record longer than {} bytes (--max-line-bytes): the rest is not read",
                self.max
            )));
        }
        let n = self.inner.read(buf)?;
        p.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A CSV export read record by record.
pub struct CsvRows {
    rdr: csv::Reader<Bounded>,
    progress: Arc<Progress>,
    header: Option<Vec<String>>,
    record: csv::ByteRecord,
    last_line: u64,
}

impl CsvRows {
    fn new(text: Box<dyn Read + Send>, max_line: usize) -> Self {
        let progress = Arc::new(Progress::default());
        let bounded = Bounded {
            inner: text,
            progress: progress.clone(),
            max: max_line as u64,
        };
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bounded);
        CsvRows {
            rdr,
            progress,
            header: None,
            record: csv::ByteRecord::new(),
            last_line: 0,
        }
    }

    /// Appends rows as JSON lines to `batch` until it holds about `max_bytes` or the input ends; true at the end.
    pub fn fill(&mut self, batch: &mut Batch, file: usize, max_bytes: usize) -> io::Result<bool> {
        let first = batch.lines.len();
        loop {
            if batch.buf.len() >= max_bytes && batch.lines.len() > first {
                return Ok(false);
            }
            let at = self.progress.read.load(Ordering::Relaxed);
            self.progress.record_start.store(at, Ordering::Relaxed);
            let more = self
                .rdr
                .read_byte_record(&mut self.record)
                .map_err(|e| match e.into_kind() {
                    csv::ErrorKind::Io(e) => e,
                    other => io::Error::other(format!("{other:?}")),
                })?;
            if !more {
                return Ok(true);
            }
            let number = self.record.position().map_or(self.last_line + 1, |p| p.line());
            self.last_line = number;
            let Some(header) = &self.header else {
                let names = self
                    .record
                    .iter()
                    .map(|n| String::from_utf8_lossy(n).trim().to_string());
                self.header = Some(names.collect());
                continue;
            };
            let start = batch.buf.len();
            let problem = if self.record.len() != header.len() {
                Some(format!(
                    "a CSV row of {} cells under a header of {}: not read",
                    self.record.len(),
                    header.len()
                ))
            } else {
                let mut row = Map::new();
                for (name, cell) in header.iter().zip(self.record.iter()) {
                    if !cell.is_empty() {
                        row.insert(name.clone(), Value::String(String::from_utf8_lossy(cell).into_owned()));
                    }
                }
                serde_json::to_writer(&mut batch.buf, &Value::Object(row)).map_err(io::Error::other)?;
                None
            };
            batch.lines.push(Line {
                file,
                number,
                range: start..batch.buf.len(),
                too_long: false,
                problem,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_known_exports_are_csv() {
        assert_eq!(
            known_header(b"request_id,call_type,spend,prompt_tokens,completion_tokens,model"),
            Some(FormatId::LitellmSpendLog)
        );
        assert_eq!(
            known_header(b"\"id\",\"trace_id\",\"type\",\"provided_model_name\",\"usage_details\""),
            Some(FormatId::Langfuse)
        );
        assert_eq!(known_header(b"a,b,c"), None);
        assert_eq!(known_header(br#"{"request_id": 1, "spend": 2}"#), None);
        assert_eq!(known_header(b"model"), None);
    }

    #[test]
    fn rows_become_json_lines_numbered_by_their_first_line() {
        let text = "request_id,spend,model,messages\nr1,0.5,gpt-4o,\"two\nlines\"\nr2,0.25,gpt-4o,x\nr3,1\n";
        let mut rows = CsvRows::new(Box::new(Cursor::new(text.as_bytes().to_vec())), 1 << 20);
        let mut batch = Batch::default();
        assert!(rows.fill(&mut batch, 0, 1 << 20).unwrap());
        let got: Vec<(u64, String, bool)> = batch
            .lines
            .iter()
            .map(|l| {
                (
                    l.number,
                    String::from_utf8(batch.bytes(l).to_vec()).unwrap(),
                    l.problem.is_some(),
                )
            })
            .collect();
        assert_eq!(got[0].0, 2);
        assert_eq!(
            serde_json::from_str::<Value>(&got[0].1).unwrap(),
            serde_json::json!({"request_id": "r1", "spend": "0.5", "model": "gpt-4o", "messages": "two\nlines"})
        );
        assert_eq!((got[1].0, got[1].2), (4, false));
        assert_eq!((got[2].0, got[2].2), (5, true));
    }

    #[test]
    fn a_quote_never_closed_is_not_held_whole() {
        // Many short rows first: only the record being read is bounded, not the file.
        let text = format!(
            "request_id,spend\n{}r1,\"{}",
            "r0,1\n".repeat(50_000),
            "x".repeat(100_000)
        );
        let mut rows = CsvRows::new(Box::new(Cursor::new(text.into_bytes())), 1000);
        let mut read = 0;
        let e = loop {
            let mut batch = Batch::default();
            let result = rows.fill(&mut batch, 0, 1 << 16);
            // Rows read before the failure are kept.
            read += batch.lines.len();
            match result {
                Ok(done) => assert!(!done, "read to the end"),
                Err(e) => break e,
            }
        };
        assert_eq!(read, 50_000);
        assert!(e.to_string().starts_with("a CSV record longer than 1000 bytes"), "{e}");
    }
}
