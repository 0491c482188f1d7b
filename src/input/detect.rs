//! Line-by-line format detection: the fast paths first, then the first format of the table in `formats.rs` whose
//! shape matches the line parses it, so one file or directory may mix formats.

use serde_json::Value;

use super::context::Step;
use super::formats::{self, FormatId, Parse};
use super::request_probe::Request;
use super::{LineError, RawCall, RawTokens, SkipReason, depth, probe, request_probe};

/// A line as the engine reads it: its calls, or a bare chat request whose messages are read only when counted.
#[derive(Debug)]
pub enum Line<'a> {
    Calls(FormatId, Content),
    Request(Request<'a>),
}

/// What a line holds: calls complete in themselves, or the steps of an in-order format.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Calls(Vec<RawCall>),
    Steps(Vec<Step>),
}

/// A line without what may surround it: whitespace, NUL padding (a log preallocated, or truncated under a writer
/// that kept its offset, is padded with NULs) and a UTF-8 byte-order mark (a file's first line, or a file
/// concatenated to another).
fn trim(bytes: &[u8]) -> &[u8] {
    let bytes = unpadded(bytes);
    bytes.strip_prefix(b"\xef\xbb\xbf").map_or(bytes, unpadded)
}

fn unpadded(bytes: &[u8]) -> &[u8] {
    let pad = |b: &u8| b.is_ascii_whitespace() || *b == 0;
    let start = bytes.iter().position(|b| !pad(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !pad(b)).map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// A line that holds nothing.
fn blank() -> (FormatId, Content) {
    (FormatId::Blank, Content::Calls(Vec::new()))
}

/// Reads one line of a log: the fast paths first, then the general one. Blank lines hold no call.
pub fn read_line(bytes: &[u8]) -> Result<Line<'_>, LineError> {
    let bytes = trim(bytes);
    if bytes.is_empty() {
        let (f, calls) = blank();
        return Ok(Line::Calls(f, calls));
    }
    // Bare requests are scanned as bytes: their messages are checked as UTF-8 only when they are read.
    if let Some(request) = request_probe::scan(bytes) {
        return Ok(Line::Request(request));
    }
    // The whole line is checked as UTF-8 once, and every reader below parses from `str`: serde_json then checks
    // no string again. A line that is not UTF-8 takes the general path, which repairs it.
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        return parse_checked(bytes, None).map(|(f, calls)| Line::Calls(f, calls));
    };
    if let Some(calls) = probe::claude_code(text) {
        return Ok(Line::Calls(FormatId::ClaudeCode, Content::Calls(calls)));
    }
    parse_checked(bytes, Some(text)).map(|(f, calls)| Line::Calls(f, calls))
}

/// Parses one line of a log into its calls, with the name of the format that read it, every message read.
pub fn parse_line(bytes: &[u8]) -> Result<(FormatId, Content), LineError> {
    match read_line(bytes)? {
        Line::Calls(format, calls) => Ok((format, calls)),
        Line::Request(request) => match request.into_call() {
            Some(call) => Ok((FormatId::OpenaiRequest, Content::Calls(vec![call]))),
            None => parse_value(bytes),
        },
    }
}

/// The general path: the whole line as a JSON value, through every format's detector in order.
pub fn parse_value(bytes: &[u8]) -> Result<(FormatId, Content), LineError> {
    let bytes = trim(bytes);
    if bytes.is_empty() {
        return Ok(blank());
    }
    parse_checked(bytes, simdutf8::basic::from_utf8(bytes).ok())
}

/// The general path for a trimmed line already checked as UTF-8: `text` is the line when it is UTF-8. A line that
/// is not has each invalid byte read as U+FFFD: such bytes can only stand inside strings of a line that is JSON
/// at all, and text garbled there must not cost the usage reported beside it. A line nested deeper than the parser
/// follows is read without its deepest parts (`depth`). Text counted from either is an estimate.
fn parse_checked(bytes: &[u8], text: Option<&str>) -> Result<(FormatId, Content), LineError> {
    let (text, mut repaired) = match text {
        Some(text) => (std::borrow::Cow::Borrowed(text), false),
        None => (String::from_utf8_lossy(bytes), true),
    };
    let parsed = serde_json::from_str::<Value>(&text);
    // Lone surrogate escapes and deep nesting are rare: looked for only when a line does not parse.
    let parsed = parsed.or_else(|e| match repair_surrogates(text.as_bytes()) {
        Some(fixed) => serde_json::from_slice::<Value>(&fixed),
        None => Err(e),
    });
    let parsed = parsed.or_else(|e| {
        if !e.to_string().starts_with("recursion limit exceeded") {
            return Err(e);
        }
        let fixed = repair_surrogates(text.as_bytes());
        let fixed = fixed.as_deref().unwrap_or(text.as_bytes());
        match depth::flattened(fixed) {
            Some(flat) => {
                repaired = true;
                serde_json::from_slice::<Value>(&flat)
            }
            None => Err(e),
        }
    });
    // serde_json's messages name a position and a category, never the text itself.
    let v = parsed.map_err(|e| LineError {
        reason: SkipReason::InvalidJson,
        message: format!("invalid JSON: {e}"),
    })?;
    let mut content = match formats::detect(&v) {
        Some(f) => match f.parse {
            Parse::Line(parse) => (f.id, Content::Calls(parse(&v)?)),
            Parse::Owned(parse) => (f.id, Content::Calls(parse(v)?)),
            Parse::InOrder(parse) => (f.id, Content::Steps(parse(&v)?)),
        },
        None => {
            let message = match super::gateway::usage_key(&v) {
                Some(k) => format!("a record with usage (`{k}`) of no known format: not priced"),
                None => "not a log line of any known format".into(),
            };
            return Err(LineError {
                reason: SkipReason::UnknownShape,
                message,
            });
        }
    };
    if repaired {
        content.1.counted_text_inexact();
    }
    Ok(content)
}

impl Content {
    /// Marks every text to count as inexact: some of it was not readable.
    fn counted_text_inexact(&mut self) {
        let calls: Vec<&mut RawCall> = match self {
            Content::Calls(calls) => calls.iter_mut().collect(),
            Content::Steps(steps) => steps
                .iter_mut()
                .filter_map(|s| match s {
                    Step::Call(p) => Some(&mut p.call),
                    _ => None,
                })
                .collect(),
        };
        for call in calls {
            if let RawTokens::Text(t) = &mut call.tokens {
                t.inexact = true;
            }
        }
    }
}

/// A copy of `bytes` with every lone UTF-16 surrogate escape (`\ud83d` without its pair) written as `\ufffd`, or
/// `None` when there is none. JavaScript's `JSON.stringify` writes them for a string cut inside an emoji; serde_json
/// rejects them, and a whole logged call would be lost for one cut character. Lengths are kept, so error positions
/// still point into the original line.
pub(super) fn repair_surrogates(bytes: &[u8]) -> Option<Vec<u8>> {
    let surrogate = |at: usize| matches!(bytes.get(at + 2), Some(b'd' | b'D'));
    if !memchr::memmem::find_iter(bytes, b"\\u").any(surrogate) {
        return None;
    }
    let unit = |at: usize| -> Option<u16> {
        let esc = bytes.get(at..at + 6)?;
        if esc[0] != b'\\' || esc[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&esc[2..]).ok()?, 16).ok()
    };
    let mut out = bytes.to_vec();
    let mut i = 0;
    let mut changed = false;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out[i..i + 6].copy_from_slice(b"\\ufffd");
                changed = true;
                i += 6;
            }
            // Any other escape, `\\` included, is two bytes or more that cannot start another escape.
            _ => i += 2,
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::repair_surrogates;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let fix = |s: &str| repair_surrogates(s.as_bytes()).map(|b| String::from_utf8(b).unwrap());
        assert_eq!(fix(r#"{"a":"x\ud83d"}"#).as_deref(), Some(r#"{"a":"x\ufffd"}"#));
        assert_eq!(
            fix(r#"{"a":"\uDC00\ud83d\ude00"}"#).as_deref(),
            Some(r#"{"a":"\ufffd\ud83d\ude00"}"#)
        );
        assert_eq!(fix(r#"{"a":"\ud83d\ude00"}"#), None, "a pair is kept");
        assert_eq!(fix(r#"{"a":"\\ud83d"}"#), None, "an escaped backslash, then text");
        assert_eq!(fix(r#"{"a":"\u0041\ud8"}"#), None, "cut short: left to the parser");
        let v: serde_json::Value = serde_json::from_slice(&repair_surrogates(br#"["\ud83d!"]"#).unwrap()).unwrap();
        assert_eq!(v[0], "\u{fffd}!");
    }
}
