//! OpenAI Responses API logs: response objects (`"object": "response"`), and `[request, response]` pairs whose
//! request has `input` instead of `messages`.
//!
//! Usage: `input_tokens` includes `input_tokens_details.cached_tokens`; `output_tokens` includes reasoning tokens.
//! The session is the response's `conversation.id`, else `metadata.session_id`, else `user`.

use serde_json::Value;
use std::sync::Arc;

use super::fields::{self, string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall, openai_chat};
use crate::call::{Dedup, Tier, Tokens};

pub fn is_response(v: &Value) -> bool {
    v.get("object").and_then(Value::as_str) == Some("response")
}

pub fn usage(u: &Value) -> Result<Tokens, LineError> {
    let input = tokens(u, "input_tokens")?;
    let cached = tokens(u, "input_tokens_details.cached_tokens")?;
    if cached > input {
        return Err(LineError::bad("`cached_tokens` exceeds `input_tokens`"));
    }
    Ok(Tokens {
        input: input - cached,
        cache_read: cached,
        output: tokens(u, "output_tokens")?,
        ..Tokens::default()
    })
}

fn session(v: &Value) -> Result<Option<String>, LineError> {
    if let Some(conv) = v.get("conversation").filter(|c| c.is_object())
        && let Some(id) = string(conv, "id")?
    {
        return Ok(Some(id));
    }
    openai_chat::session(v)
}

/// The text of a Responses request: `instructions`, and `input` as a string or as items with text parts.
pub fn request_text(req: &Value) -> Result<TextCall, LineError> {
    let mut call = TextCall {
        // Responses requests are not framed like chat messages: counted as plain text, an estimate.
        inexact: true,
        ..TextCall::default()
    };
    if let Some(s) = string(req, "instructions")? {
        call.prompt.push_str(&s);
    }
    match req.get("input") {
        Some(Value::String(s)) => call.prompt.push_str(s),
        Some(Value::Array(items)) => {
            for item in items {
                collect_text(item, &mut call.prompt);
            }
        }
        _ => {}
    }
    Ok(call)
}

/// Every `text` (or string `content`/`output`) inside an input item.
fn collect_text(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                match (k.as_str(), val) {
                    ("text" | "content" | "output" | "arguments", Value::String(s)) => out.push_str(s),
                    (_, Value::Array(_) | Value::Object(_)) => collect_text(val, out),
                    _ => {}
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_text(i, out)),
        _ => {}
    }
}

pub fn response_call(v: &Value) -> Result<Option<RawCall>, LineError> {
    let Some(u) = v.get("usage").filter(|u| !u.is_null()) else {
        // A response still in progress, or one that failed before any usage: nothing billed yet.
        return match v.get("status").and_then(Value::as_str) {
            Some("completed") | None => Err(LineError::bad("a completed response without `usage`")),
            _ => Ok(None),
        };
    };
    let t = usage(u)?;
    let mut call = RawCall::new(fields::model(v)?, RawTokens::Reported(t));
    call.timestamp = timestamp(v, "created_at")?;
    call.session = session(v)?.map(Arc::from);
    call.tier = v
        .get("service_tier")
        .and_then(Value::as_str)
        .map_or(Tier::Standard, Tier::from_service_tier);
    call.dedup = v
        .get("id")
        .and_then(Value::as_str)
        .map(|id| Dedup::response(id, &t, false));
    Ok(Some(call))
}

pub fn parse(v: &Value) -> Parsed {
    Ok(response_call(v)?.into_iter().collect())
}

pub fn parse_pair(req: &Value, resp: &Value) -> Parsed {
    if resp.get("usage").is_some_and(|u| !u.is_null()) {
        let mut call = response_call(resp)?.into_iter().collect::<Vec<_>>();
        for c in &mut call {
            if c.session.is_none() {
                c.session = session(req)?.map(Arc::from);
            }
        }
        return Ok(call);
    }
    let mut call = RawCall::new(fields::model(req)?, RawTokens::Text(request_text(req)?));
    call.session = session(req)?.map(Arc::from);
    Ok(vec![call])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cached_and_reasoning_tokens() {
        let u = json!({"input_tokens": 5120, "input_tokens_details": {"cached_tokens": 4096},
            "output_tokens": 410, "output_tokens_details": {"reasoning_tokens": 384}});
        let t = usage(&u).unwrap();
        assert_eq!((t.input, t.cache_read, t.output), (1024, 4096, 410));
    }
}
