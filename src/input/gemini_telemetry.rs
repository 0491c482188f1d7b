//! Gemini CLI's local telemetry outfile (`telemetry.target: "local"`, `telemetry.outfile`): OpenTelemetry log
//! records, spans and metrics written as pretty-printed JSON one after the other (`pretty.rs` puts each on a line).
//!
//! A call is a log record whose `attributes."event.name"` is `gemini_cli.api_response`: `model`,
//! `input_token_count` (the prompt, cached part included), `cached_content_token_count`, `output_token_count`,
//! `thoughts_token_count` (billed as output), `tool_token_count` (tool-use prompt, input), `event.timestamp` and
//! `session.id`. Every other record (requests, tool calls, the `gen_ai` semantic copy of each response, metrics)
//! is read and holds no call. The chat recordings hold the same calls: read one or the other.

use serde_json::Value;

use super::fields::{string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, shared};
use crate::call::Tokens;

pub fn detect(v: &Value) -> bool {
    let record = v
        .get("attributes")
        .and_then(Value::as_object)
        .is_some_and(|a| a.contains_key("event.name") || a.contains_key("session.id"));
    record || (v.get("scopeMetrics").is_some() && v.get("resource").is_some())
}

pub fn parse(v: &Value) -> Parsed {
    let Some(a) = v.get("attributes").filter(|a| a.is_object()) else {
        return Ok(Vec::new());
    };
    if a.get("event.name").and_then(Value::as_str) != Some("gemini_cli.api_response") {
        return Ok(Vec::new());
    }
    let prompt = tokens(a, "input_token_count")?;
    let cached = tokens(a, "cached_content_token_count")?;
    if cached > prompt {
        return Err(LineError::bad(
            "`cached_content_token_count` is larger than `input_token_count`",
        ));
    }
    let t = Tokens {
        input: (prompt - cached).saturating_add(tokens(a, "tool_token_count")?),
        cache_read: cached,
        output: tokens(a, "output_token_count")?.saturating_add(tokens(a, "thoughts_token_count")?),
        ..Tokens::default()
    };
    let model = string(a, "model")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| LineError::bad("a `gemini_cli.api_response` without `model`"))?;
    let mut call = RawCall::new(shared(&model), RawTokens::Reported(t));
    call.timestamp = timestamp(a, "event.timestamp")?;
    call.session = string(a, "session.id")?.filter(|s| !s.is_empty()).map(|s| shared(&s));
    Ok(vec![call])
}
