//! Line-by-line format detection: the fast paths first, then the first format of the table in `formats.rs` whose
//! shape matches the line parses it, so one file or directory may mix formats.

use serde_json::Value;

use super::context::Step;
use super::formats::{self, FormatId, Parse};
use super::request_probe::Request;
use super::{LineError, RawCall, SkipReason, probe, request_probe};

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

/// Reads one line of a log: the fast paths first, then the general one. Blank lines hold no call.
pub fn read_line(bytes: &[u8]) -> Result<Line<'_>, LineError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Line::Calls(FormatId::Blank, Content::Calls(Vec::new())));
    }
    // Bare requests are scanned as bytes: their messages are checked as UTF-8 only when they are read.
    if let Some(request) = request_probe::scan(bytes) {
        return Ok(Line::Request(request));
    }
    // The whole line is checked as UTF-8 once, and every reader below parses from `str`: serde_json then checks
    // no string again. A line that is not UTF-8 takes the general path, which words the error.
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
    parse_checked(bytes, simdutf8::basic::from_utf8(bytes).ok())
}

/// The general path for a line already checked as UTF-8: `text` is the line when it is UTF-8.
fn parse_checked(bytes: &[u8], text: Option<&str>) -> Result<(FormatId, Content), LineError> {
    let parsed = match text {
        Some(text) => serde_json::from_str::<Value>(text),
        None => serde_json::from_slice::<Value>(bytes),
    };
    // Lone surrogate escapes are rare: looked for only when a line does not parse.
    let parsed = parsed.or_else(|e| match repair_surrogates(bytes) {
        Some(fixed) => serde_json::from_slice::<Value>(&fixed),
        None => Err(e),
    });
    let v = parsed.map_err(|e| LineError {
        reason: SkipReason::InvalidJson,
        // serde_json's messages name a position and a category, never the text itself.
        message: format!("invalid JSON: {e}"),
    })?;
    match formats::detect(&v) {
        Some(f) => match f.parse {
            Parse::Line(parse) => Ok((f.id, Content::Calls(parse(&v)?))),
            Parse::Owned(parse) => Ok((f.id, Content::Calls(parse(v)?))),
            Parse::InOrder(parse) => Ok((f.id, Content::Steps(parse(&v)?))),
        },
        None => Err(LineError {
            reason: SkipReason::UnknownShape,
            message: "not a log line of any known format".into(),
        }),
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
