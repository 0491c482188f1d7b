//! Typed access to JSON fields shared by the format modules: token counts, timestamps, chat messages.
//!
//! Errors name the field and the kind of value found, never the value itself when it is text.

use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Number, Value};
use std::cell::Cell;

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
        Value::Number(n) => match n.as_u64().or_else(|| whole(n)) {
            Some(t) if t <= MAX_TOKENS => Ok(t),
            _ => Err(bad(n.to_string())),
        },
        other => Err(bad(kind(other).to_string())),
    }
}

/// A whole number written as a float (`1000.0`, `1e3`), as some loggers write every number; `None` for a fraction
/// or a negative number. Read as an exact decimal from the text, so `1000.0000000001` is a fraction.
fn whole(n: &Number) -> Option<u64> {
    let text = n.to_string();
    let d = Decimal::from_str_exact(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()?;
    if d.is_sign_negative() || !d.fract().is_zero() {
        return None;
    }
    d.to_u64()
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

thread_local! {
    /// Timestamps read without a time zone on this thread, since `take_zoneless` last asked.
    static ZONELESS: Cell<u64> = const { Cell::new(0) };
}

/// How many timestamps without a time zone this thread has read as UTC since it was last asked; the engine asks
/// each of its workers once a run ends, and says so once.
pub fn take_zoneless() -> u64 {
    ZONELESS.with(|n| n.replace(0))
}

/// A time without a zone, as Python's `datetime.isoformat()` writes a naive time (`2025-03-01T23:30:00.123456`,
/// or with a space): taken as UTC, the zone nearly every server logs in.
fn zoneless(s: &str) -> Option<DateTime<Utc>> {
    let t = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())?;
    ZONELESS.with(|n| n.set(n.get() + 1));
    Some(t.and_utc())
}

/// A timestamp: RFC 3339 text (a time without a zone is read as UTC), or Unix time in seconds (milliseconds when
/// the number is that large).
pub fn timestamp(v: &Value, key: &str) -> Result<Option<DateTime<Utc>>, LineError> {
    let bad = || LineError::bad(format!("`{key}` is not a valid timestamp (RFC 3339 or Unix seconds)"));
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => match DateTime::parse_from_rfc3339(s) {
            Ok(d) => Ok(Some(d.with_timezone(&Utc))),
            Err(_) => zoneless(s).map(Some).ok_or_else(bad),
        },
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
        let v: Value = serde_json::from_str(
            r#"{"u": {"a": 5, "b": -1, "c": 1e30, "d": "12", "e": null, "f": 2.5, "g": 1000.0, "h": 1.5e3,
                "i": 1000.0000000001, "j": -0.0, "k": 1e10, "l": 1.0000000001e10}}"#,
        )
        .unwrap();
        assert_eq!(tokens(&v, "u.a"), Ok(5));
        assert_eq!(tokens(&v, "u.g"), Ok(1000));
        assert_eq!(tokens(&v, "u.h"), Ok(1500));
        assert_eq!(tokens(&v, "u.k"), Ok(MAX_TOKENS));
        assert_eq!(tokens(&v, "u.j"), Ok(0));
        for bad in ["u.i", "u.l"] {
            assert!(tokens(&v, bad).is_err(), "{bad}");
        }
        assert_eq!(tokens(&v, "u.missing"), Ok(0));
        assert_eq!(tokens(&v, "u.e"), Ok(0));
        for bad in ["u.b", "u.c", "u.d", "u.f"] {
            assert!(tokens(&v, bad).is_err(), "{bad}");
        }
        assert!(tokens(&v, "u.d").unwrap_err().message.ends_with("got a string"));
    }

    #[test]
    fn timestamps() {
        let v = json!({"a": "2024-08-01T12:00:00Z", "b": 1722513600, "c": 1722513600000u64, "d": "yesterday",
            "e": "2024-08-01T12:00:00", "f": "2024-08-01 12:00:00.000000", "g": "2024-08-01"});
        let want = DateTime::parse_from_rfc3339("2024-08-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(timestamp(&v, "a").unwrap(), Some(want));
        assert_eq!(timestamp(&v, "b").unwrap(), Some(want));
        assert_eq!(timestamp(&v, "c").unwrap(), Some(want));
        assert!(timestamp(&v, "d").is_err());
        take_zoneless();
        assert_eq!(timestamp(&v, "e").unwrap(), Some(want));
        assert_eq!(timestamp(&v, "f").unwrap(), Some(want));
        assert_eq!(take_zoneless(), 2);
        assert!(timestamp(&v, "g").is_err(), "a date alone is no time");
    }
}
