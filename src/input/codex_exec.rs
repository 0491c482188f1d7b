//! Headless Codex CLI runs, `codex exec --json`: one event a line, `{"type": "thread.started", "thread_id"}`,
//! `turn.started`, `item.*`, `turn.completed` with `usage`, `turn.failed`, `error`.
//!
//! `turn.completed`'s `usage` is the thread's running total, not the turn's own (Codex sends the thread's last
//! total; a resumed thread's includes its earlier turns), so a thread is billed once, at the largest total any of
//! its events reports, whichever files or lines repeat it. `input_tokens` includes `cached_input_tokens`;
//! `output_tokens` includes reasoning. The stream names no model: its calls are listed, unpriced, as
//! `UNNAMED_MODEL` unless a line names one (`tokencost compare --models` prices them on a model of your choice).
//! The same run is also in Codex's rollout files; read one or the other.

use serde_json::Value;

use super::context::{Keep, Pending, Step};
use super::fields::{string, tokens};
use super::{LineError, RawCall, RawTokens, shared};
use crate::call::Tokens;

/// What the calls of a stream that names no model are listed as.
pub const UNNAMED_MODEL: &str = "codex-exec (model not in the log)";

const NAMESPACE: &str = "codex-exec";

const EVENTS: [&str; 9] = [
    "thread.started",
    "turn.started",
    "turn.completed",
    "turn.failed",
    "item.started",
    "item.updated",
    "item.completed",
    "item.plan.delta",
    "request_user_input",
];

pub fn detect(v: &Value) -> bool {
    let Some(kind) = v.get("type").and_then(Value::as_str) else {
        return false;
    };
    if kind == "error" {
        // A stream's fatal error is `{"type": "error", "message": ...}` and nothing more.
        return v.get("message").is_some_and(Value::is_string) && v.as_object().is_some_and(|o| o.len() == 2);
    }
    EVENTS.contains(&kind)
}

pub fn parse(v: &Value) -> Result<Vec<Step>, LineError> {
    let model = string(v, "model")?.filter(|m| !m.trim().is_empty());
    match v["type"].as_str() {
        Some("thread.started") => {
            let Some(thread) = string(v, "thread_id")?.filter(|t| !t.is_empty()) else {
                return Err(LineError::bad("`thread.started` without a `thread_id`"));
            };
            Ok(vec![
                Step::Session(shared(&thread)),
                Step::Model(shared(model.as_deref().unwrap_or(UNNAMED_MODEL))),
            ])
        }
        Some("turn.completed") => {
            let u = v
                .get("usage")
                .filter(|u| u.is_object())
                .ok_or_else(|| LineError::bad("`turn.completed` without `usage`"))?;
            let input = tokens(u, "input_tokens")?;
            let cached = tokens(u, "cached_input_tokens")?;
            if cached > input {
                return Err(LineError::bad("`cached_input_tokens` is larger than `input_tokens`"));
            }
            let t = Tokens {
                input: input - cached,
                cache_read: cached,
                output: tokens(u, "output_tokens")?,
                ..Tokens::default()
            };
            let call = RawCall::new(
                model.as_deref().map(shared).unwrap_or_else(|| "".into()),
                RawTokens::Reported(t),
            );
            Ok(vec![Step::Call(Box::new(Pending {
                keep: Keep::SessionTotal(NAMESPACE),
                ..Pending::new(call)
            }))])
        }
        _ => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn only_the_streams_own_events() {
        assert!(detect(&line(r#"{"type":"turn.started"}"#)));
        assert!(detect(&line(r#"{"type":"error","message":"stream closed"}"#)));
        assert!(!detect(&line(
            r#"{"type":"error","error":{"type":"overloaded_error"}}"#
        )));
        assert!(!detect(&line(r#"{"type":"message","role":"assistant"}"#)));
        let bad = line(r#"{"type":"turn.completed","usage":{"input_tokens":5,"cached_input_tokens":9}}"#);
        assert!(parse(&bad).is_err());
    }
}
