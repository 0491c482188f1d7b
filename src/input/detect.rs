//! Line-by-line format detection: the first format whose shape matches a line parses it, so one file or directory
//! may mix formats. Adding a format means adding its module and its rows here.

use serde_json::Value;

use super::{
    LineError, Parsed, RawCall, SkipReason, anthropic, claude_code, claude_stream, gemini, native, openai_batch,
    openai_chat, openai_responses, otel, probe,
};

struct Format {
    name: &'static str,
    detect: fn(&Value) -> bool,
    parse: fn(&Value) -> Parsed,
}

/// Most specific shapes first; the order follows the detection rules of the formats' documentation.
const FORMATS: &[Format] = &[
    Format {
        name: "openai-pair",
        detect: openai_chat::is_pair,
        parse: openai_chat::parse_pair,
    },
    Format {
        name: "otel",
        detect: otel::detect,
        parse: otel::parse,
    },
    Format {
        name: "openai-batch-input",
        detect: openai_batch::is_input,
        parse: openai_batch::parse_input,
    },
    Format {
        name: "openai-batch-output",
        detect: openai_batch::is_output,
        parse: openai_batch::parse_output,
    },
    Format {
        name: "anthropic-batch-result",
        detect: anthropic::is_batch_result,
        parse: anthropic::parse_batch_result,
    },
    Format {
        name: "anthropic-batch-request",
        detect: anthropic::is_batch_request,
        parse: anthropic::parse_batch_request,
    },
    Format {
        name: "gemini-batch-input",
        detect: gemini::is_batch_input,
        parse: gemini::parse_batch_input,
    },
    Format {
        name: "gemini-batch-output",
        detect: gemini::is_batch_output,
        parse: gemini::parse_batch_output,
    },
    Format {
        name: "gemini",
        detect: gemini::is_response,
        parse: gemini::parse_response,
    },
    Format {
        name: "claude-stream-json",
        detect: claude_stream::detect,
        parse: claude_stream::parse,
    },
    Format {
        name: "claude-code",
        detect: claude_code::detect,
        parse: claude_code::parse,
    },
    Format {
        name: "openai-chat",
        detect: openai_chat::is_response,
        parse: openai_chat::parse_response,
    },
    Format {
        name: "openai-responses",
        detect: openai_responses::is_response,
        parse: openai_responses::parse,
    },
    Format {
        name: "anthropic",
        detect: anthropic::is_message,
        parse: anthropic::parse_message,
    },
    Format {
        name: "openai-compatible",
        detect: openai_chat::is_compatible,
        parse: openai_chat::parse_response,
    },
    Format {
        name: "openai-request",
        detect: openai_chat::is_request,
        parse: openai_chat::parse_request,
    },
    Format {
        name: "native",
        detect: native::detect,
        parse: native::parse,
    },
];

/// Parses one line of a log into its calls, with the name of the format that read it. Blank lines hold no call.
pub fn parse_line(bytes: &[u8]) -> Result<(&'static str, Vec<RawCall>), LineError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(("blank", Vec::new()));
    }
    if let Some(calls) = probe::claude_code(bytes) {
        return Ok(("claude-code", calls));
    }
    parse_value(bytes)
}

/// The general path: the whole line as a JSON value, through every format's detector in order.
pub fn parse_value(bytes: &[u8]) -> Result<(&'static str, Vec<RawCall>), LineError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| LineError {
        reason: SkipReason::InvalidJson,
        // serde_json's messages name a position and a category, never the text itself.
        message: format!("invalid JSON: {e}"),
    })?;
    match FORMATS.iter().find(|f| (f.detect)(&v)) {
        Some(f) => Ok((f.name, (f.parse)(&v)?)),
        None => Err(LineError {
            reason: SkipReason::UnknownShape,
            message: "not a log line of any known format".into(),
        }),
    }
}
