//! tokencost's own JSON Lines format, for logs a user writes themselves. One call per line:
//!
//! ```json
//! {"model": "gpt-4o", "session": "s1", "timestamp": "2024-08-01T12:00:00Z",
//!  "messages": [{"role": "user", "content": "..."}], "prompt": "...", "completion": "...", "batch": false,
//!  "usage": {"input_tokens": 0, "cached_input_tokens": 0, "cache_write_tokens": 0, "cache_write_1h_tokens": 0,
//!            "output_tokens": 0}}
//! ```
//! Only `model` is required. `usage` buckets are disjoint: `input_tokens` excludes cached and cache-write tokens.
//! Without `usage`, `messages` (chat framing) and `prompt` (plain text) are counted as input, `completion` as output.

use serde_json::Value;
use std::sync::Arc;

use super::fields::{self, chat_messages, string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall};
use crate::call::{Tier, Tokens};

pub fn detect(v: &Value) -> bool {
    v.get("model").is_some_and(Value::is_string)
        && v.get("object").is_none()
        && v.get("type").is_none()
        && ["messages", "prompt", "completion", "usage"]
            .iter()
            .any(|k| v.get(k).is_some())
        // Text to count beside usage stated in another shape is a log this reader does not know: not priced by guess.
        && (v.get("usage").is_some() || super::gateway::usage_key(v).is_none())
}

fn text(v: &Value, key: &str) -> Result<String, LineError> {
    Ok(string(v, key)?.unwrap_or_default())
}

pub fn parse(v: &Value) -> Parsed {
    let tokens = match v.get("usage").filter(|u| !u.is_null()) {
        Some(u) => {
            if !u.is_object() {
                return Err(LineError::bad("`usage` must be an object"));
            }
            RawTokens::Reported(Tokens {
                input: tokens(u, "input_tokens")?,
                cache_read: tokens(u, "cached_input_tokens")?,
                cache_write_5m: tokens(u, "cache_write_tokens")?,
                cache_write_1h: tokens(u, "cache_write_1h_tokens")?,
                output: tokens(u, "output_tokens")?,
            })
        }
        None => {
            let mut call = TextCall {
                prompt: text(v, "prompt")?,
                completion: text(v, "completion")?,
                ..TextCall::default()
            };
            if let Some(m) = v.get("messages").filter(|m| !m.is_null()) {
                call.messages = chat_messages(m.clone(), &mut call.inexact)?;
            }
            RawTokens::Text(call)
        }
    };
    let batch = match v.get("batch") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(LineError::bad("`batch` must be true or false")),
    };
    let mut call = RawCall::new(fields::model(v)?, tokens);
    call.session = string(v, "session")?.map(Arc::from);
    call.timestamp = timestamp(v, "timestamp")?;
    call.tier = if batch { Tier::Batch } else { Tier::Standard };
    Ok(vec![call])
}
