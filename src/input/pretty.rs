//! Pretty-printed JSON read as lines: a file that opens with `{` or `[` alone on its first line holds JSON values
//! written over many lines (a Gemini CLI session document, an OpenCode message file, a Gemini CLI telemetry
//! outfile of records one after the other). Each value is put back on one line, so the line formats read it as
//! they read any line; the elements of a top-level array become one line each.
//!
//! The rewrite streams: line ends inside a value become spaces, and as many line ends follow the value as it
//! spanned, so every value stands on the line where it began and a problem is reported at the file's own line.
//! Strings are left as they are (a raw line end inside one is invalid JSON, and stays so).

use std::io::{self, Read};

/// How many bytes of a file are looked at to decide whether it is pretty-printed.
const PEEK: usize = 4096;

/// The text of a file as lines: rewritten when its first line is an opening bracket alone. `head` is what was
/// already read of `text`; the answer's second part is what was read and not yet handed on.
pub(super) fn lines(mut text: Box<dyn Read + Send>, mut head: Vec<u8>) -> io::Result<(Box<dyn Read + Send>, Vec<u8>)> {
    while !head.contains(&b'\n') && head.len() < PEEK {
        let at = head.len();
        if (&mut text).take((PEEK - at) as u64).read_to_end(&mut head)? == 0 {
            break;
        }
    }
    if !is_pretty(&head) {
        return Ok((text, head));
    }
    let inner = io::Cursor::new(head).chain(text);
    Ok((Box::new(Pretty::new(inner)), Vec::new()))
}

/// Whether the first line of a file, less surrounding white space, is a lone `{` or `[`.
fn is_pretty(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let Some(end) = memchr::memchr(b'\n', head) else {
        return false;
    };
    matches!(head[..end].trim_ascii(), b"{" | b"[")
}

/// The rewriting reader.
pub(super) struct Pretty<R> {
    inner: R,
    /// Bytes read from `inner`, rewritten, not yet handed out.
    out: Vec<u8>,
    at: usize,
    buf: Vec<u8>,
    /// Brackets open inside the value being read (not counting a top-level array's own).
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Inside a top-level array: its elements are the values.
    in_array: bool,
    /// Line ends taken out of the value being read, written after it.
    owed: usize,
    done: bool,
}

impl<R: Read> Pretty<R> {
    pub(super) fn new(inner: R) -> Self {
        Pretty {
            inner,
            out: Vec::new(),
            at: 0,
            buf: vec![0; 64 << 10],
            depth: 0,
            in_string: false,
            escaped: false,
            in_array: false,
            owed: 0,
            done: false,
        }
    }

    fn rewrite(&mut self, n: usize) {
        self.out.clear();
        self.at = 0;
        for i in 0..n {
            let b = self.buf[i];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                self.out.push(b);
                continue;
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    self.out.push(b);
                }
                b'[' if self.depth == 0 && !self.in_array => {
                    // A top-level array: its brackets and commas are no part of any element.
                    self.in_array = true;
                    self.out.push(b' ');
                }
                b'{' | b'[' => {
                    self.depth = self.depth.saturating_add(1);
                    self.out.push(b);
                }
                b'}' | b']' if self.depth > 0 => {
                    self.depth -= 1;
                    self.out.push(b);
                    if self.depth == 0 {
                        self.out.extend(std::iter::repeat_n(b'\n', self.owed));
                        self.owed = 0;
                    }
                }
                b']' | b',' if self.depth == 0 && self.in_array => {
                    if b == b']' {
                        self.in_array = false;
                    }
                    self.out.push(b' ');
                }
                b'\n' | b'\r' if self.depth > 0 => {
                    if b == b'\n' {
                        self.owed += 1;
                    }
                    self.out.push(b' ');
                }
                _ => self.out.push(b),
            }
        }
    }
}

impl<R: Read> Read for Pretty<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.buf)?;
            if n == 0 {
                // A value cut short: the line ends it spanned still follow it.
                self.out.clear();
                self.at = 0;
                self.out.extend(std::iter::repeat_n(b'\n', self.owed));
                self.owed = 0;
                self.done = true;
            } else {
                self.rewrite(n);
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(text: &str) -> String {
        let (mut r, carry) = lines(Box::new(io::Cursor::new(text.as_bytes().to_vec())), Vec::new()).unwrap();
        let mut out = String::from_utf8(carry).unwrap();
        r.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn each_value_stands_on_the_line_where_it_began() {
        let doc = "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x\\\"}\\n\"\n}\n{\n  \"c\": {}\n}\n";
        let out = rewritten(doc);
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines.len(), doc.split('\n').count());
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(lines[0]).unwrap(),
            serde_json::json!({"a": [1, 2], "b": "x\"}\n"})
        );
        assert!(lines[1..7].iter().all(|l| l.trim().is_empty()), "{lines:?}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(lines[7]).unwrap(),
            serde_json::json!({"c": {}})
        );
    }

    #[test]
    fn the_elements_of_a_top_level_array_are_lines() {
        let out = rewritten("[\n  {\n    \"a\": 1\n  },\n  {\"b\": [2]}\n]\n");
        let values: Vec<serde_json::Value> = out
            .split('\n')
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(values, [serde_json::json!({"a": 1}), serde_json::json!({"b": [2]})]);
        assert_eq!(out.split('\n').count(), 7);
    }

    #[test]
    fn lines_that_each_hold_a_value_are_left_alone() {
        let jsonl = "{\"a\": 1}\n{\"b\": 2}\n";
        assert_eq!(rewritten(jsonl), jsonl);
        // A file cut inside a value keeps its line count, and the cut value is one line.
        let out = rewritten("{\n  \"a\": 1,\n  \"b\"");
        assert_eq!(out, "{   \"a\": 1,   \"b\"\n\n");
    }
}
