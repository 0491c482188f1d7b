//! Line-by-line format detection: the first format whose shape matches a line parses it, so one file may mix
//! formats. Adding a format means adding its module and one row here.

use serde_json::Value;

use super::{LineError, Parsed, SkipReason, native, openai_chat};

struct Format {
    detect: fn(&Value) -> bool,
    parse: fn(&Value) -> Parsed,
}

/// Most specific shapes first: a `[request, response]` pair before a bare request, responses before our native
/// format (whose `usage` names differ), and the OpenAI-compatible `usage.prompt_tokens` fallback inside
/// `is_response`.
const FORMATS: &[Format] = &[
    Format {
        detect: openai_chat::is_pair,
        parse: openai_chat::parse_pair,
    },
    Format {
        detect: openai_chat::is_response,
        parse: openai_chat::parse_response,
    },
    Format {
        detect: openai_chat::is_request,
        parse: openai_chat::parse_request,
    },
    Format {
        detect: native::detect,
        parse: native::parse,
    },
];

/// Parses one line of a log. Blank lines hold no call.
pub fn parse_line(bytes: &[u8]) -> Parsed {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| LineError {
        reason: SkipReason::InvalidJson,
        // serde_json's messages name a position and a category, never the text itself.
        message: format!("invalid JSON: {e}"),
    })?;
    match FORMATS.iter().find(|f| (f.detect)(&v)) {
        Some(f) => (f.parse)(&v),
        None => Err(LineError {
            reason: SkipReason::UnknownShape,
            message: "not a log line of any known format".into(),
        }),
    }
}
