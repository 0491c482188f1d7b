//! Claude Code headless output (`claude -p --output-format stream-json`): snake_case `session_id` on every line.
//!
//! The final `result` line carries the session's usage per model (`modelUsage`) and is what is billed. `assistant`
//! lines repeat a message's usage once per content block, often as partial snapshots; they are counted (once per
//! message id) only for a stream cut short before its `result` line.

use serde_json::Value;

use super::fields::{string, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, anthropic};
use crate::call::{Stream, Tokens};

pub fn detect(v: &Value) -> bool {
    v.get("session_id").is_some_and(Value::is_string)
        && matches!(
            v.get("type").and_then(Value::as_str),
            Some("system" | "assistant" | "user" | "result" | "stream_event")
        )
}

pub fn parse(v: &Value) -> Parsed {
    let session = string(v, "session_id")?.unwrap_or_default();
    let scope = format!("stream:{session}");
    match v.get("type").and_then(Value::as_str) {
        Some("assistant") => {
            let msg = &v["message"];
            if msg.get("usage").is_none_or(Value::is_null) {
                return Ok(Vec::new());
            }
            let Some(mut call) = anthropic::message_call(msg, false)? else {
                return Ok(Vec::new());
            };
            // Keyed apart from transcripts: a stream's provisional lines must never stand in for another log's copy.
            call.dedup = call.dedup.map(|d| d.within("stream"));
            call.session = Some(session.into());
            call.stream = Some(Stream::Provisional(scope));
            Ok(vec![call])
        }
        Some("result") => {
            let Some(models) = v.get("modelUsage").and_then(Value::as_object) else {
                return Err(LineError::bad("a `result` line without `modelUsage` names no model"));
            };
            let mut calls = Vec::with_capacity(models.len());
            for (model, u) in models {
                let t = Tokens {
                    input: tokens(u, "inputTokens")?,
                    cache_read: tokens(u, "cacheReadInputTokens")?,
                    cache_write_5m: tokens(u, "cacheCreationInputTokens")?,
                    cache_write_1h: 0,
                    output: tokens(u, "outputTokens")?,
                };
                let mut call = RawCall::new(model.clone(), RawTokens::Reported(t));
                call.session = Some(session.as_str().into());
                call.stream = Some(Stream::Final(scope.clone()));
                calls.push(call);
            }
            Ok(calls)
        }
        _ => Ok(Vec::new()),
    }
}
