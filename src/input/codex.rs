//! Codex CLI rollouts (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`, `archived_sessions/`, zstd or not).
//!
//! Every line is `{timestamp, type, payload}`. The usage is on `event_msg` lines of payload type `token_count`,
//! whose `info.total_token_usage` is the session's running total: a call is what that total added since the last
//! one (an event written twice adds nothing and is no call), never the total itself. The model is not on the usage
//! line but on the last `turn_context` before it, and the session, project and branch on the `session_meta` line,
//! so the lines are read in order (`context.rs`).
//!
//! `input_tokens` includes `cached_input_tokens` and any `cache_write_input_tokens` (OpenAI bills cache writes at
//! the input rate, so they stay in fresh input); `output_tokens` includes `reasoning_output_tokens`.
//!
//! A forked rollout (`session_meta.payload.forked_from_id`) starts with a copy of its parent's history, the
//! parent's usage events included: they are the parent's calls, already billed from the parent's file. Its usage
//! events are read only as a starting total until the fork's own first turn: the first `turn_context` whose turn id
//! (a UUIDv7, whose first 48 bits are the time it was made) was made at or after the fork's own id; a turn without
//! a time-bearing id falls back to its line's timestamp, which must be later than the fork's `session_meta` line.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::context::{Meta, Pending, Step};
use super::fields::{string, timestamp, tokens};
use super::{LineError, RawCall, RawTokens, shared};
use crate::call::Tokens;

const KINDS: [&str; 5] = [
    "session_meta",
    "turn_context",
    "response_item",
    "event_msg",
    "compacted",
];

pub fn detect(v: &Value) -> bool {
    v.get("payload").is_some_and(Value::is_object)
        && v.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| KINDS.contains(&t))
}

pub fn parse(v: &Value) -> Result<Vec<Step>, LineError> {
    let payload = &v["payload"];
    let at = timestamp(v, "timestamp")?;
    match v["type"].as_str() {
        Some("session_meta") => session_meta(payload, at),
        Some("turn_context") => {
            let mut steps = Vec::new();
            if let Some(m) = string(payload, "model")?.filter(|m| !m.trim().is_empty()) {
                steps.push(Step::Model(shared(&m)));
            }
            let turn = string(payload, "turn_id")?.as_deref().and_then(uuid_v7_ms);
            steps.push(Step::Turn(turn.or(at.map(|t| t.timestamp_millis()))));
            Ok(steps)
        }
        Some("event_msg") if payload.get("type").and_then(Value::as_str) == Some("token_count") => {
            token_count(payload, at)
        }
        _ => Ok(Vec::new()),
    }
}

fn session_meta(p: &Value, at: Option<DateTime<Utc>>) -> Result<Vec<Step>, LineError> {
    let Some(id) = string(p, "id")?.filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    let forked = string(p, "forked_from_id")?.is_some_and(|f| !f.is_empty());
    // The fork's own time: its id's when that is a UUIDv7, else its line's.
    let fork = if forked {
        let ms = uuid_v7_ms(&id).or(at.map(|t| t.timestamp_millis()));
        Some(ms.unwrap_or(i64::MAX))
    } else {
        None
    };
    let branch = match p.get("git") {
        Some(g) if g.is_object() => string(g, "branch")?,
        _ => None,
    };
    Ok(vec![Step::Meta(Box::new(Meta {
        session: shared(&id),
        project: string(p, "cwd")?.filter(|s| !s.is_empty()).map(|s| shared(&s)),
        branch: branch.filter(|s| !s.is_empty()).map(|s| shared(&s)),
        replay_until: fork,
        project_by_hash: false,
    }))])
}

fn token_count(p: &Value, at: Option<DateTime<Utc>>) -> Result<Vec<Step>, LineError> {
    // `info` is null on events that only carry rate limits.
    let total = match p.get("info").and_then(|i| i.get("total_token_usage")) {
        Some(t) if t.is_object() => t,
        _ => return Ok(Vec::new()),
    };
    let input = tokens(total, "input_tokens")?;
    let cached = tokens(total, "cached_input_tokens")?;
    if cached > input {
        return Err(LineError::bad("`cached_input_tokens` is larger than `input_tokens`"));
    }
    let running = Tokens {
        input: input - cached,
        cache_read: cached,
        output: tokens(total, "output_tokens")?,
        ..Tokens::default()
    };
    let mut call = RawCall::new("", RawTokens::Reported(Tokens::default()));
    call.timestamp = at;
    Ok(vec![Step::Call(Box::new(Pending {
        total: Some(running),
        ..Pending::new(call)
    }))])
}

/// The milliseconds since 1970 a UUIDv7 was made at, or `None` for any other text.
fn uuid_v7_ms(id: &str) -> Option<i64> {
    let hex: Vec<u8> = id.bytes().filter(|&b| b != b'-').collect();
    if hex.len() != 32 || hex[12] != b'7' {
        return None;
    }
    let ms = std::str::from_utf8(&hex[..12]).ok()?;
    i64::from_str_radix(ms, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v7_times() {
        // 0x019a_9776_0a34 ms = 2025-11-18T21:55:xx
        assert_eq!(
            uuid_v7_ms("019a9776-0a34-7842-8627-112b63d66e90"),
            Some(0x019a_9776_0a34)
        );
        assert_eq!(uuid_v7_ms("6f1c2d4e-0a34-4842-8627-112b63d66e90"), None, "a v4 id");
        assert_eq!(uuid_v7_ms("019a9776"), None);
        assert_eq!(uuid_v7_ms("zz9a9776-0a34-7842-8627-112b63d66e90"), None);
    }

    #[test]
    fn cached_beyond_input_is_a_bad_line() {
        let v: Value = serde_json::from_str(
            r#"{"timestamp":"2026-01-01T00:00:00Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":5,"cached_input_tokens":9}}}}"#,
        )
        .unwrap();
        assert!(detect(&v));
        assert!(parse(&v).is_err());
    }
}
