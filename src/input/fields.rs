//! Typed access to JSON fields shared by the format modules: token counts, timestamps, chat messages.
//!
//! Errors name the field and the kind of value found, never the value itself when it is text.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::LineError;
use crate::tokenize::ChatMessage;

/// No single call carries more tokens than this; a larger figure is a corrupt log, not a bill.
pub const MAX_TOKENS: u64 = 10_000_000_000;

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A token count at `path` (dot-separated) under `v`; absent or null counts as 0.
pub fn tokens(v: &Value, path: &str) -> Result<u64, LineError> {
    let mut cur = v;
    for key in path.split('.') {
        match cur.get(key) {
            Some(next) => cur = next,
            None => return Ok(0),
        }
    }
    let bad = |what: String| {
        LineError::bad(format!(
            "`{path}` must be a whole number of tokens from 0 to {MAX_TOKENS}, got {what}"
        ))
    };
    match cur {
        Value::Null => Ok(0),
        Value::Number(n) => match n.as_u64() {
            Some(t) if t <= MAX_TOKENS => Ok(t),
            _ => Err(bad(n.to_string())),
        },
        other => Err(bad(kind(other).to_string())),
    }
}

/// An optional string field; any other type is an error.
pub fn string(v: &Value, key: &str) -> Result<Option<String>, LineError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(LineError::bad(format!("`{key}` must be a string, got {}", kind(other)))),
    }
}

/// The model name, which every call needs.
pub fn model(v: &Value) -> Result<String, LineError> {
    match string(v, "model")? {
        Some(m) if !m.trim().is_empty() => Ok(m),
        _ => Err(LineError::bad("no `model`")),
    }
}

/// A timestamp: RFC 3339 text, or Unix time in seconds (milliseconds when the number is that large).
pub fn timestamp(v: &Value, key: &str) -> Result<Option<DateTime<Utc>>, LineError> {
    let bad = || LineError::bad(format!("`{key}` is not a valid timestamp (RFC 3339 or Unix seconds)"));
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| bad()),
        Some(Value::Number(n)) => {
            let secs = n.as_f64().ok_or_else(bad)?;
            let secs = if secs.abs() >= 1e11 { secs / 1000.0 } else { secs };
            if !secs.is_finite() || secs.abs() > 1e11 {
                return Err(bad());
            }
            let whole = secs.floor();
            DateTime::from_timestamp(whole as i64, ((secs - whole) * 1e9) as u32)
                .map(Some)
                .ok_or_else(bad)
        }
        Some(_) => Err(bad()),
    }
}

/// The text of a message `content`: a string, or the `text` of each text part. Other parts make it inexact.
fn content_text(v: Value, out: &mut String, inexact: &mut bool) {
    match v {
        Value::String(s) if out.is_empty() => *out = s,
        Value::String(s) => out.push_str(&s),
        Value::Array(parts) => {
            *inexact = true;
            for p in parts {
                if let Some(Value::String(t)) = p.get("text") {
                    out.push_str(t);
                }
            }
        }
        Value::Null => {}
        _ => *inexact = true,
    }
}

/// OpenAI-style chat messages, as the counter frames them. Sets `inexact` when a message carries parts that
/// cannot be counted exactly offline (images, audio, tool calls). Takes the messages' value so that their text is
/// moved, not copied: agent logs re-send long conversations on every call.
pub fn chat_messages(v: Value, inexact: &mut bool) -> Result<Vec<ChatMessage>, LineError> {
    let Value::Array(list) = v else {
        return Err(LineError::bad(format!("`messages` must be an array, got {}", kind(&v))));
    };
    let mut out = Vec::with_capacity(list.len());
    for m in list {
        let Value::Object(obj) = m else {
            return Err(LineError::bad(format!(
                "each message must be an object, got {}",
                kind(&m)
            )));
        };
        let mut msg = ChatMessage::default();
        for (k, val) in obj {
            match (k.as_str(), val) {
                ("role", Value::String(s)) => msg.role = s,
                ("content", c) => content_text(c, &mut msg.content, inexact),
                ("name", Value::String(s)) => msg.name = Some(s),
                (_, Value::String(s)) => msg.extra.push(s),
                (_, Value::Null) => {}
                (_, other) => {
                    *inexact = true;
                    msg.extra.push(other.to_string());
                }
            }
        }
        out.push(msg);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_fields_reject_what_is_not_a_count() {
        let v = json!({"u": {"a": 5, "b": -1, "c": 1e30, "d": "12", "e": null, "f": 2.5}});
        assert_eq!(tokens(&v, "u.a"), Ok(5));
        assert_eq!(tokens(&v, "u.missing"), Ok(0));
        assert_eq!(tokens(&v, "u.e"), Ok(0));
        for bad in ["u.b", "u.c", "u.d", "u.f"] {
            assert!(tokens(&v, bad).is_err(), "{bad}");
        }
        assert!(tokens(&v, "u.d").unwrap_err().message.ends_with("got a string"));
    }

    #[test]
    fn timestamps() {
        let v = json!({"a": "2024-08-01T12:00:00Z", "b": 1722513600, "c": 1722513600000u64, "d": "yesterday"});
        let want = DateTime::parse_from_rfc3339("2024-08-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(timestamp(&v, "a").unwrap(), Some(want));
        assert_eq!(timestamp(&v, "b").unwrap(), Some(want));
        assert_eq!(timestamp(&v, "c").unwrap(), Some(want));
        assert!(timestamp(&v, "d").is_err());
    }
}
