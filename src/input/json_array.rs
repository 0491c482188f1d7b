//! A JSON document that is one array of records, written with a line per bracket (Helicone's and Langfuse's JSON
//! exports: `[`, each record pretty-printed, `]`), read as the JSON lines its records stand for.
//!
//! Such a document is known by its first line, a lone `[`, which no JSON Lines log has. It is read whole, up to
//! the longest line read (`--max-line-bytes`): an export bigger than that should be taken as JSON lines or CSV.
//! Each record becomes one compact line numbered by the line it starts on, and goes down the same path as any
//! other. Text that does not parse ends the document there, said with its line.

use std::io::{self, Read};

use serde_json::Value;

use super::read::{Batch, Line};

/// Whether the first line of `head` is a lone `[`.
pub fn array_head(head: &[u8]) -> bool {
    let end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    head[..end].trim_ascii() == b"["
}

/// An array document being handed out record by record.
pub struct ArrayRecords {
    text: Vec<u8>,
    /// Where the next record (or the closing bracket) is looked for.
    pos: usize,
    /// The line `pos` is on.
    line: u64,
    done: bool,
}

impl ArrayRecords {
    /// Reads the rest of the document after `head`, its first bytes, up to `max_bytes` in all.
    pub fn read(head: Vec<u8>, reader: Box<dyn Read + Send>, max_bytes: usize) -> io::Result<Self> {
        let mut text = head;
        let room = (max_bytes + 1).saturating_sub(text.len()) as u64;
        reader.take(room).read_to_end(&mut text)?;
        if text.len() > max_bytes {
            return Err(io::Error::other(format!(
                "a JSON array document longer than {max_bytes} bytes (--max-line-bytes): not read; export JSON lines or CSV"
            )));
        }
        // Past the opening bracket.
        let open = memchr::memchr(b'[', &text).map_or(text.len(), |i| i + 1);
        Ok(ArrayRecords {
            line: 1 + memchr::memchr_iter(b'\n', &text[..open]).count() as u64,
            pos: open,
            text,
            done: false,
        })
    }

    /// The last line reached.
    pub fn lines_read(&self) -> u64 {
        self.line
    }

    /// Moves past whitespace and commas, counting lines.
    fn skip_between(&mut self) {
        while let Some(&b) = self.text.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' | b',' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    /// Appends records as JSON lines to `batch` until it holds about `max_bytes` or the array ends; true at the end.
    pub fn fill(&mut self, batch: &mut Batch, file: usize, max_bytes: usize) -> io::Result<bool> {
        let first = batch.lines.len();
        while !self.done {
            if batch.buf.len() >= max_bytes && batch.lines.len() > first {
                return Ok(false);
            }
            self.skip_between();
            if matches!(self.text.get(self.pos), None | Some(b']')) {
                self.done = true;
                break;
            }
            let number = self.line;
            let mut stream = serde_json::Deserializer::from_slice(&self.text[self.pos..]).into_iter::<Value>();
            let start = batch.buf.len();
            let problem = match stream.next() {
                Some(Ok(v)) => {
                    let end = self.pos + stream.byte_offset();
                    self.line += memchr::memchr_iter(b'\n', &self.text[self.pos..end]).count() as u64;
                    self.pos = end;
                    serde_json::to_writer(&mut batch.buf, &v).map_err(io::Error::other)?;
                    None
                }
                // serde_json's messages name a position and a category, never the text.
                Some(Err(e)) => {
                    self.done = true;
                    Some(format!(
                        "invalid JSON in the array: {e}; the rest of the file is not read"
                    ))
                }
                None => {
                    self.done = true;
                    break;
                }
            };
            batch.lines.push(Line {
                file,
                number,
                range: start..batch.buf.len(),
                too_long: false,
                problem,
            });
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_a_pretty_array_become_lines() {
        let text = b"[\n{\n  \"a\": 1\n},\n{\n  \"b\": \"x\\ny\"\n}\n]\n".to_vec();
        assert!(array_head(&text));
        assert!(!array_head(b"[{\"a\": 1}]\n"));
        let mut r = ArrayRecords::read(text, Box::new(io::empty()), 1 << 20).unwrap();
        let mut batch = Batch::default();
        assert!(r.fill(&mut batch, 0, 1 << 20).unwrap());
        let got: Vec<(u64, &[u8])> = batch.lines.iter().map(|l| (l.number, batch.bytes(l))).collect();
        assert_eq!(got, [(2, &b"{\"a\":1}"[..]), (5, &b"{\"b\":\"x\\ny\"}"[..])]);
    }

    #[test]
    fn a_broken_array_says_where() {
        let text = b"[\n{\"a\": 1},\n{\"b\": }\n]".to_vec();
        let mut r = ArrayRecords::read(text, Box::new(io::empty()), 1 << 20).unwrap();
        let mut batch = Batch::default();
        assert!(r.fill(&mut batch, 0, 1 << 20).unwrap());
        assert_eq!(batch.lines.len(), 2);
        assert_eq!(batch.lines[1].number, 3);
        assert!(
            batch.lines[1]
                .problem
                .as_deref()
                .unwrap()
                .starts_with("invalid JSON in the array")
        );
        assert!(ArrayRecords::read(b"[\n".repeat(10), Box::new(io::empty()), 5).is_err());
    }
}
