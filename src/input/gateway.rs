//! Fields as gateways and observability tools export them, shared by their readers (LiteLLM, Langfuse, Bedrock,
//! Helicone, OpenRouter).
//!
//! The same record may come as a JSON line or as a CSV row, where every cell is text: a count is then `"1200"`, a
//! cost `"0.0243"`, a nested object a cell holding JSON. These readers take either. A cost is read as an exact
//! decimal from its digits, never through a float.

use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;

use super::fields::{self, MAX_TOKENS};
use super::{LineError, shared};
use crate::call::Tokens;

/// A field at `path` (dot-separated), absent for null, an empty CSV cell or a missing key.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = cur.get(key)?;
    }
    match cur {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        other => Some(other),
    }
}

/// `value` as the one field `key` of an object, for the readers of `fields` that take a field.
fn wrap(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_string(), value);
    Value::Object(m)
}

/// A token count at `path`: a number, or the text of one (a CSV cell); absent is 0.
pub fn count(v: &Value, path: &str) -> Result<u64, LineError> {
    let bad = || {
        LineError::bad(format!(
            "`{path}` must be a whole number of tokens from 0 to {MAX_TOKENS}"
        ))
    };
    let n = match get(v, path) {
        None => return Ok(0),
        Some(Value::String(s)) => serde_json::from_str::<Value>(s.trim())
            .ok()
            .filter(Value::is_number)
            .ok_or_else(bad)?,
        Some(n @ Value::Number(_)) => n.clone(),
        Some(_) => return Err(bad()),
    };
    fields::tokens(&wrap("n", n), "n").map_err(|_| bad())
}

/// The largest cost a single call is taken to state: more is a corrupt log, not a bill.
const MAX_COST: u64 = 1_000_000;

/// A cost in USD at `path`, as the source states it: a number or its text, read as an exact decimal.
pub fn cost(v: &Value, path: &str) -> Result<Option<Decimal>, LineError> {
    let bad = || LineError::bad(format!("`{path}` must be a cost in USD from 0 to {MAX_COST}"));
    let text = match get(v, path) {
        None => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => return Err(bad()),
    };
    let d = Decimal::from_str_exact(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| bad())?;
    if d.is_sign_negative() && !d.is_zero() || d > Decimal::from(MAX_COST) {
        return Err(bad());
    }
    Ok(Some(d.normalize()))
}

/// Text at `path`: a string, or a number written as one (an id a CSV export or a JSON encoder wrote as a number).
pub fn text(v: &Value, path: &str) -> Result<Option<String>, LineError> {
    match get(v, path) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(LineError::bad(format!("`{path}` must be text"))),
    }
}

/// Shared text at `path`, for session, team and model names.
pub fn name(v: &Value, path: &str) -> Result<Option<Arc<str>>, LineError> {
    Ok(text(v, path)?.map(|s| shared(&s)))
}

/// An object at `path`, or a CSV cell holding one as JSON; absent for anything else that is empty.
pub fn object(v: &Value, path: &str) -> Result<Option<Value>, LineError> {
    match get(v, path) {
        None => Ok(None),
        Some(o @ Value::Object(_)) => Ok(Some(o.clone())),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(o @ Value::Object(_)) => Ok(Some(o)),
            Ok(Value::Null) => Ok(None),
            _ => Err(LineError::bad(format!("`{path}` must be a JSON object"))),
        },
        Some(_) => Err(LineError::bad(format!("`{path}` must be an object"))),
    }
}

/// A list of strings at `path` (or a CSV cell holding one as JSON).
pub fn list(v: &Value, path: &str) -> Result<Vec<String>, LineError> {
    let owned;
    let items = match get(v, path) {
        None => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(a)) => {
                owned = a;
                &owned
            }
            _ => return Err(LineError::bad(format!("`{path}` must be a list"))),
        },
        Some(_) => return Err(LineError::bad(format!("`{path}` must be a list"))),
    };
    Ok(items
        .iter()
        .filter_map(|t| match t {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect())
}

/// Tags as one group key: `key=value` pairs of a map, or the items of a list, sorted and joined, so a call's tags
/// are one group whatever order its log wrote them in. None when there are none.
pub fn tag_key(pairs: impl IntoIterator<Item = String>) -> Option<Arc<str>> {
    let set: BTreeSet<String> = pairs.into_iter().filter(|s| !s.is_empty()).collect();
    (!set.is_empty()).then(|| shared(&set.into_iter().collect::<Vec<_>>().join(", ")))
}

/// The `key=value` pairs of a map's text and number values.
pub fn pairs(map: &Value) -> Vec<String> {
    map.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some(format!("{k}={s}")),
            Value::Number(n) => Some(format!("{k}={n}")),
            Value::Bool(b) => Some(format!("{k}={b}")),
            _ => None,
        })
        .collect()
}

/// A timestamp at `path`: RFC 3339, a time the source documents as UTC without a zone (`2024-08-01 12:00:00.123456`,
/// read as UTC without a warning: the source says so), or Unix seconds as a number or its text.
pub fn time(v: &Value, path: &str, zoneless_utc: bool) -> Result<Option<DateTime<Utc>>, LineError> {
    let Some(t) = get(v, path) else {
        return Ok(None);
    };
    if let Value::String(s) = t {
        let s = s.trim();
        if zoneless_utc
            && let Some(n) = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        {
            return Ok(Some(n.and_utc()));
        }
        if let Ok(n) = serde_json::from_str::<Value>(s)
            && n.is_number()
        {
            return fields::timestamp(&wrap(path, n), path);
        }
    }
    fields::timestamp(&wrap(path, t.clone()), path)
}

/// Buckets from a prompt count, its cache reads and writes, and the output. Most gateways follow OpenAI and count
/// cache reads and writes inside the prompt; a prompt smaller than its cache counts was written the other way
/// (Anthropic's: fresh input only), and is taken as fresh input.
pub fn prompt_buckets(prompt: u64, cache_read: u64, cache_write: u64, output: u64) -> Tokens {
    let cached = cache_read.saturating_add(cache_write);
    let input = if cached <= prompt { prompt - cached } else { prompt };
    Tokens {
        input,
        cache_read,
        cache_write_5m: cache_write,
        output,
        ..Tokens::default()
    }
}

/// Whether a status says the request failed: `failure`, `error`, an HTTP status of 400 or more.
pub fn failed(status: Option<&Value>) -> bool {
    match status {
        Some(Value::String(s)) => {
            let s = s.trim().to_ascii_lowercase();
            s == "failure" || s == "failed" || s == "error" || s.parse::<u16>().is_ok_and(|c| c >= 400)
        }
        Some(Value::Number(n)) => n.as_u64().is_some_and(|c| c >= 400),
        Some(Value::Bool(ok)) => !ok,
        _ => false,
    }
}

/// A CSV cell or JSON value that says yes: `true`, `True`, `1`.
pub fn yes(v: &Value, path: &str) -> bool {
    match get(v, path) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes"),
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        _ => false,
    }
}

/// Top-level keys that state usage or a cost: a line with one is a record of a call that was made, never a bare
/// request whose text is to be counted.
const USAGE_KEYS: &[&str] = &[
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "input_tokens",
    "output_tokens",
    "inputTokens",
    "outputTokens",
    "inputTokenCount",
    "outputTokenCount",
    "prompt_token_count",
    "usage_details",
    "tokens_prompt",
    "tokens_completion",
    "spend",
    "cost",
    "total_cost",
    "response_cost",
];

/// The first key of `v` that states usage or a cost, if any.
pub fn usage_key(v: &Value) -> Option<&'static str> {
    USAGE_KEYS.iter().copied().find(|k| v.get(k).is_some())
}

thread_local! {
    /// What readers on this thread noted about the input since `take_notes` last asked: said once each when the
    /// run ends (a log that writes an unknown key writes it on every line).
    static NOTES: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// Notes something to say once when the run ends.
fn note(s: String) {
    NOTES.with_borrow_mut(|n| {
        // A hostile log could name a million keys: a few say enough.
        if n.len() < 32 {
            n.insert(s);
        }
    });
}

/// Notes a usage key no reader knows: its tokens are not priced.
pub fn unknown_key(source: &str, key: &str) {
    note(format!("{source} key `{key}` is not known: its tokens are not priced"));
}

/// The cost a source states at `path`, if it states one it can be read as. A value that is not a cost in USD is
/// noted and left out: the stated cost is shown beside the bill, never part of it, so it must not cost the call.
pub fn stated_cost(v: &Value, path: &str, source: &str) -> Option<Decimal> {
    cost(v, path).unwrap_or_else(|e| {
        note(format!("{source}: {}, on some lines: not shown", e.message));
        None
    })
}

/// What readers on this thread noted since it was last asked.
pub fn take_notes() -> BTreeSet<String> {
    NOTES.with_borrow_mut(std::mem::take)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_cells_read_as_their_json_twins() {
        let csv =
            json!({"n": "1200", "c": "0.0243", "e": "", "o": "{\"a\": 1}", "l": "[\"x\", \"y\"]", "t": "1722513600"});
        let js = json!({"n": 1200, "c": 0.0243, "o": {"a": 1}, "l": ["x", "y"], "t": 1722513600});
        for v in [&csv, &js] {
            assert_eq!(count(v, "n"), Ok(1200));
            assert_eq!(cost(v, "c").unwrap(), Some("0.0243".parse().unwrap()));
            assert_eq!(count(v, "e"), Ok(0));
            assert_eq!(cost(v, "e").unwrap(), None);
            assert_eq!(object(v, "o").unwrap(), Some(json!({"a": 1})));
            assert_eq!(list(v, "l").unwrap(), ["x", "y"]);
            assert_eq!(time(v, "t", false).unwrap().unwrap().timestamp(), 1722513600);
        }
        assert!(count(&json!({"n": "12a"}), "n").is_err());
        assert!(count(&json!({"n": "-1"}), "n").is_err());
        assert!(cost(&json!({"c": "-0.5"}), "c").is_err());
        assert_eq!(
            cost(&json!({"c": 2.43e-5}), "c").unwrap(),
            Some("0.0000243".parse().unwrap())
        );
    }

    #[test]
    fn zoneless_times_are_utc_where_the_source_says_so() {
        let v = json!({"t": "2025-03-01 23:30:00.123456"});
        let t = time(&v, "t", true).unwrap().unwrap();
        assert_eq!(t.to_rfc3339(), "2025-03-01T23:30:00.123456+00:00");
    }

    #[test]
    fn tags_are_one_sorted_key() {
        let a = tag_key(pairs(&json!({"team": "ml", "env": "prod"})));
        let b = tag_key(pairs(&json!({"env": "prod", "team": "ml"})));
        assert_eq!(a.as_deref(), Some("env=prod, team=ml"));
        assert_eq!(a, b);
        assert_eq!(tag_key(Vec::new()), None);
    }
}
