//! The table of line formats, in detection order: the one place that says which formats exist, what each is
//! called, which top-level keys its detector looks at, and how its lines are parsed.
//!
//! The fast paths (the Claude Code probe, the byte scan of bare chat requests) answer for a line only when no format
//! earlier in this table could have matched it; they know that from the keys declared here, and the tests below
//! check their key lists against this table. Adding a format is one module and one row here.

use serde_json::Value;
use std::fmt;

use super::context::Step;
use super::{
    LineError, Parsed, anthropic, bedrock, claude_code, claude_stream, codex, codex_exec, gemini, gemini_cli,
    gemini_telemetry, helicone, langfuse, litellm, native, openai_batch, openai_chat, openai_responses, opencode,
    openrouter, otel,
};

/// Every format tokencost reads, by the name reports use (`summary.lines_by_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FormatId {
    /// A line with nothing on it: read, and holds no call.
    Blank,
    OpenaiPair,
    Otel,
    OpenaiBatchInput,
    OpenaiBatchOutput,
    AnthropicBatchResult,
    AnthropicBatchRequest,
    GeminiBatchInput,
    GeminiBatchOutput,
    Gemini,
    ClaudeStreamJson,
    ClaudeCode,
    Codex,
    CodexExec,
    GeminiCli,
    GeminiTelemetry,
    Opencode,
    LitellmSpendLog,
    LitellmPayload,
    Langfuse,
    Bedrock,
    Helicone,
    Openrouter,
    OpenaiChat,
    OpenaiResponses,
    Anthropic,
    OpenaiCompatible,
    OpenaiRequest,
    Native,
}

impl FormatId {
    pub fn name(self) -> &'static str {
        match self {
            FormatId::Blank => "blank",
            FormatId::OpenaiPair => "openai-pair",
            FormatId::Otel => "otel",
            FormatId::OpenaiBatchInput => "openai-batch-input",
            FormatId::OpenaiBatchOutput => "openai-batch-output",
            FormatId::AnthropicBatchResult => "anthropic-batch-result",
            FormatId::AnthropicBatchRequest => "anthropic-batch-request",
            FormatId::GeminiBatchInput => "gemini-batch-input",
            FormatId::GeminiBatchOutput => "gemini-batch-output",
            FormatId::Gemini => "gemini",
            FormatId::ClaudeStreamJson => "claude-stream-json",
            FormatId::ClaudeCode => "claude-code",
            FormatId::Codex => "codex",
            FormatId::CodexExec => "codex-exec",
            FormatId::GeminiCli => "gemini-cli",
            FormatId::GeminiTelemetry => "gemini-cli-telemetry",
            FormatId::Opencode => "opencode",
            FormatId::LitellmSpendLog => "litellm-spend-log",
            FormatId::LitellmPayload => "litellm-payload",
            FormatId::Langfuse => "langfuse-observation",
            FormatId::Bedrock => "bedrock-invocation-log",
            FormatId::Helicone => "helicone",
            FormatId::Openrouter => "openrouter-generation",
            FormatId::OpenaiChat => "openai-chat",
            FormatId::OpenaiResponses => "openai-responses",
            FormatId::Anthropic => "anthropic",
            FormatId::OpenaiCompatible => "openai-compatible",
            FormatId::OpenaiRequest => "openai-request",
            FormatId::Native => "native",
        }
    }
}

impl fmt::Display for FormatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a detector needs to see before it can match.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A top-level array.
    Array,
    /// A top-level object with at least one of these keys (whatever their values): without any of them the
    /// detector never matches. A fast path that stops at each of them cannot pass over this format.
    Object(&'static [&'static str]),
}

/// How a format's lines are read.
#[derive(Clone, Copy)]
pub enum Parse {
    /// Each line alone into its calls.
    Line(fn(&Value) -> Parsed),
    /// Each line alone, taking the parsed value (a request's messages are moved out of it, not copied).
    Owned(fn(Value) -> Parsed),
    /// Each line into steps that the file's earlier lines complete (see `context.rs`): the line's model, session
    /// or running total is on another line.
    InOrder(fn(&Value) -> Result<Vec<Step>, LineError>),
}

/// One row of the table.
#[derive(Clone, Copy)]
pub struct Format {
    pub id: FormatId,
    pub shape: Shape,
    pub detect: fn(&Value) -> bool,
    pub parse: Parse,
}

const fn row(id: FormatId, shape: Shape, detect: fn(&Value) -> bool, parse: fn(&Value) -> Parsed) -> Format {
    Format {
        id,
        shape,
        detect,
        parse: Parse::Line(parse),
    }
}

const fn keys(k: &'static [&'static str]) -> Shape {
    Shape::Object(k)
}

/// Most specific shapes first; the order follows the detection rules of the formats' documentation.
pub const FORMATS: &[Format] = &[
    row(
        FormatId::OpenaiPair,
        Shape::Array,
        openai_chat::is_pair,
        openai_chat::parse_pair,
    ),
    row(FormatId::Otel, keys(&["resourceSpans"]), otel::detect, otel::parse),
    row(
        FormatId::OpenaiBatchInput,
        keys(&["custom_id"]),
        openai_batch::is_input,
        openai_batch::parse_input,
    ),
    row(
        FormatId::OpenaiBatchOutput,
        keys(&["custom_id"]),
        openai_batch::is_output,
        openai_batch::parse_output,
    ),
    row(
        FormatId::AnthropicBatchResult,
        keys(&["custom_id"]),
        anthropic::is_batch_result,
        anthropic::parse_batch_result,
    ),
    row(
        FormatId::AnthropicBatchRequest,
        keys(&["custom_id"]),
        anthropic::is_batch_request,
        anthropic::parse_batch_request,
    ),
    row(
        FormatId::GeminiBatchInput,
        keys(&["key"]),
        gemini::is_batch_input,
        gemini::parse_batch_input,
    ),
    row(
        FormatId::GeminiBatchOutput,
        keys(&["key"]),
        gemini::is_batch_output,
        gemini::parse_batch_output,
    ),
    row(
        FormatId::Gemini,
        keys(&["usageMetadata", "candidates"]),
        gemini::is_response,
        gemini::parse_response,
    ),
    row(
        FormatId::ClaudeStreamJson,
        keys(&["session_id"]),
        claude_stream::detect,
        claude_stream::parse,
    ),
    row(
        FormatId::ClaudeCode,
        keys(&["leafUuid", "message"]),
        claude_code::detect,
        claude_code::parse,
    ),
    Format {
        id: FormatId::Codex,
        shape: keys(&["payload"]),
        detect: codex::detect,
        parse: Parse::InOrder(codex::parse),
    },
    Format {
        id: FormatId::CodexExec,
        shape: keys(&["type"]),
        detect: codex_exec::detect,
        parse: Parse::InOrder(codex_exec::parse),
    },
    Format {
        id: FormatId::GeminiCli,
        shape: keys(&["sessionId", "$set", "$rewindTo", "id"]),
        detect: gemini_cli::detect,
        parse: Parse::InOrder(gemini_cli::parse),
    },
    row(
        FormatId::GeminiTelemetry,
        keys(&["attributes", "scopeMetrics"]),
        gemini_telemetry::detect,
        gemini_telemetry::parse,
    ),
    row(
        FormatId::Opencode,
        keys(&["sessionID", "projectID"]),
        opencode::detect,
        opencode::parse,
    ),
    // Gateways and observability exports: their rows carry the request's `model` and `messages` beside the usage,
    // so they must be read before a bare request could match.
    row(
        FormatId::LitellmSpendLog,
        keys(&["spend"]),
        litellm::is_spend_log,
        litellm::parse_spend_log,
    ),
    row(
        FormatId::LitellmPayload,
        keys(&["response_cost"]),
        litellm::is_payload,
        litellm::parse_payload,
    ),
    row(
        FormatId::Langfuse,
        keys(&["trace_id"]),
        langfuse::detect,
        langfuse::parse,
    ),
    row(
        FormatId::Bedrock,
        keys(&["schemaType"]),
        bedrock::detect,
        bedrock::parse,
    ),
    row(
        FormatId::Helicone,
        keys(&["request_created_at"]),
        helicone::detect,
        helicone::parse,
    ),
    row(
        FormatId::Openrouter,
        keys(&["native_tokens_prompt", "data"]),
        openrouter::detect,
        openrouter::parse,
    ),
    row(
        FormatId::OpenaiChat,
        keys(&["object"]),
        openai_chat::is_response,
        openai_chat::parse_response,
    ),
    row(
        FormatId::OpenaiResponses,
        keys(&["object"]),
        openai_responses::is_response,
        openai_responses::parse,
    ),
    row(
        FormatId::Anthropic,
        keys(&["type"]),
        anthropic::is_message,
        anthropic::parse_message,
    ),
    row(
        FormatId::OpenaiCompatible,
        keys(&["usage"]),
        openai_chat::is_compatible,
        openai_chat::parse_response,
    ),
    Format {
        id: FormatId::OpenaiRequest,
        shape: keys(&["messages"]),
        detect: openai_chat::is_request,
        parse: Parse::Owned(openai_chat::parse_request_owned),
    },
    row(FormatId::Native, keys(&["model"]), native::detect, native::parse),
];

/// The first format whose detector matches `v`.
pub fn detect(v: &Value) -> Option<&'static Format> {
    FORMATS.iter().find(|f| (f.detect)(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{probe, request_probe};

    /// The object keys of every format tried before `id`.
    fn keys_before(id: FormatId) -> Vec<&'static str> {
        FORMATS
            .iter()
            .take_while(|f| f.id != id)
            .flat_map(|f| match f.shape {
                Shape::Object(k) => k.to_vec(),
                Shape::Array => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn every_format_has_one_row_and_a_distinct_name() {
        let mut names: Vec<&str> = FORMATS.iter().map(|f| f.id.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FORMATS.len());
        assert!(!names.contains(&FormatId::Blank.name()));
    }

    /// The Claude Code probe reads objects only, and stops at every key of a format tried before Claude Code:
    /// the line then takes the general path, which tries those formats first.
    #[test]
    fn the_claude_code_probe_stops_at_every_earlier_format() {
        let earlier = keys_before(FormatId::ClaudeCode);
        assert!(earlier.len() >= 6);
        for k in earlier {
            assert!(probe::stops_at(k), "the Claude Code probe reads past `{k}`");
        }
    }

    /// The request scan accepts only keys that no format tried before `openai-request` looks for.
    #[test]
    fn the_request_scan_accepts_no_key_of_an_earlier_format() {
        let earlier = keys_before(FormatId::OpenaiRequest);
        assert!(earlier.len() >= 10);
        for k in earlier {
            assert!(!request_probe::accepts(k), "the request scan accepts `{k}`");
        }
        assert!(request_probe::accepts("model") && request_probe::accepts("messages"));
    }

    /// The declared keys are true: a line one format detects is no longer detected by it once every key its row
    /// declares is taken away. Checked on every object line of every fixture.
    #[test]
    fn a_detector_needs_one_of_its_declared_keys() {
        let mut detected = std::collections::BTreeSet::new();
        for line in crate::input::fixture_lines() {
            let Ok(v) = serde_json::from_slice::<Value>(&line) else {
                continue;
            };
            for f in FORMATS.iter().filter(|f| (f.detect)(&v)) {
                detected.insert(f.id);
                match (f.shape, &v) {
                    (Shape::Array, v) => assert!(v.is_array(), "{} on a non-array", f.id),
                    (Shape::Object(keys), Value::Object(o)) => {
                        let mut stripped = o.clone();
                        for k in keys {
                            stripped.remove(*k);
                        }
                        assert!(!(f.detect)(&Value::Object(stripped)), "{} without {keys:?}", f.id);
                    }
                    (Shape::Object(_), _) => panic!("{} on a non-object", f.id),
                }
            }
        }
        // Most formats have a fixture line to check this on.
        assert!(detected.len() >= 14, "{detected:?}");
    }
}
