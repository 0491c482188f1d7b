//! OpenAI Chat Completions logs: request objects (`model`, `messages`), response objects
//! (`"object": "chat.completion"` with `usage`), `[request, response(, metadata)]` pairs as OpenAI's parallel
//! request processor writes them, and any OpenAI-compatible response carrying `usage.prompt_tokens`.
//!
//! Usage: `prompt_tokens` includes `prompt_tokens_details.cached_tokens`, so fresh input = prompt - cached;
//! `completion_tokens` includes reasoning tokens and is all billed as output.

use serde_json::Value;

use super::fields::{self, chat_messages, string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall};
use crate::pricing::Tokens;

/// Keys of our native format: a line with any of these is not a bare OpenAI request.
const NATIVE_KEYS: [&str; 5] = ["prompt", "completion", "usage", "session", "timestamp"];

pub fn is_request(v: &Value) -> bool {
    v.get("model").is_some() && v.get("messages").is_some() && !NATIVE_KEYS.iter().any(|k| v.get(k).is_some())
}

pub fn is_response(v: &Value) -> bool {
    v.get("object").and_then(Value::as_str) == Some("chat.completion")
        || v.get("usage").and_then(|u| u.get("prompt_tokens")).is_some()
}

pub fn is_pair(v: &Value) -> bool {
    v.as_array().is_some_and(|a| {
        (2..=3).contains(&a.len()) && a[0].get("model").is_some() && a[0].get("messages").is_some() && a[1].is_object()
    })
}

/// The session a request names: `metadata.session_id`, else `user`.
fn session(req: &Value) -> Result<Option<String>, LineError> {
    if let Some(meta) = req.get("metadata").filter(|m| m.is_object())
        && let Some(s) = string(meta, "session_id")?
    {
        return Ok(Some(s));
    }
    string(req, "user")
}

/// Normalised buckets from a Chat Completions `usage` object.
pub fn usage(u: &Value) -> Result<Tokens, LineError> {
    let prompt = tokens(u, "prompt_tokens")?;
    let cached = tokens(u, "prompt_tokens_details.cached_tokens")?;
    if cached > prompt {
        return Err(LineError::bad("`cached_tokens` exceeds `prompt_tokens`"));
    }
    Ok(Tokens {
        input: prompt - cached,
        cache_read: cached,
        output: tokens(u, "completion_tokens")?,
        ..Tokens::default()
    })
}

/// The prompt side of a request: its messages, and its tool definitions (counted as text: an estimate).
fn request_text(req: &Value) -> Result<TextCall, LineError> {
    let mut call = TextCall::default();
    if let Some(m) = req.get("messages") {
        call.messages = chat_messages(m, &mut call.inexact)?;
    }
    if let Some(tools) = req.get("tools").filter(|t| !t.is_null()) {
        call.inexact = true;
        call.prompt = tools.to_string();
    }
    Ok(call)
}

/// The completion text of a response: each choice's content and tool-call arguments.
fn completion_text(resp: &Value, call: &mut TextCall) {
    for choice in resp.get("choices").and_then(Value::as_array).into_iter().flatten() {
        let Some(msg) = choice.get("message") else {
            continue;
        };
        if let Some(Value::String(s)) = msg.get("content") {
            call.completion.push_str(s);
        }
        for tc in msg.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
            call.inexact = true;
            if let Some(f) = tc.get("function") {
                for k in ["name", "arguments"] {
                    if let Some(Value::String(s)) = f.get(k) {
                        call.completion.push_str(s);
                    }
                }
            }
        }
    }
}

fn batch_tier(resp: &Value) -> bool {
    resp.get("service_tier").and_then(Value::as_str) == Some("batch")
}

pub fn parse_request(v: &Value) -> Parsed {
    Ok(vec![RawCall {
        model: fields::model(v)?,
        session: session(v)?,
        timestamp: None,
        batch: false,
        tokens: RawTokens::Text(request_text(v)?),
    }])
}

pub fn parse_response(v: &Value) -> Parsed {
    let Some(u) = v.get("usage").filter(|u| !u.is_null()) else {
        return Err(LineError::bad(
            "a response without `usage` and without its request cannot be counted",
        ));
    };
    Ok(vec![RawCall {
        model: fields::model(v)?,
        session: None,
        timestamp: timestamp(v, "created")?,
        batch: batch_tier(v),
        tokens: RawTokens::Reported(usage(u)?),
    }])
}

pub fn parse_pair(v: &Value) -> Parsed {
    let (req, resp) = (&v[0], &v[1]);
    if resp.get("error").is_some_and(|e| !e.is_null()) && resp.get("usage").is_none() {
        // A failed request is not billed.
        return Ok(Vec::new());
    }
    let tokens = match resp.get("usage").filter(|u| !u.is_null()) {
        Some(u) => RawTokens::Reported(usage(u)?),
        None => {
            let mut call = request_text(req)?;
            completion_text(resp, &mut call);
            RawTokens::Text(call)
        }
    };
    // The response names the snapshot that served the call; the request, the alias asked for.
    let model = fields::model(resp).or_else(|_| fields::model(req))?;
    Ok(vec![RawCall {
        model,
        session: session(req)?,
        timestamp: timestamp(resp, "created")?,
        batch: batch_tier(resp),
        tokens,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cached_tokens_are_taken_out_of_the_prompt() {
        let u = json!({"prompt_tokens": 2006, "completion_tokens": 300,
            "prompt_tokens_details": {"cached_tokens": 1920},
            "completion_tokens_details": {"reasoning_tokens": 256}});
        let t = usage(&u).unwrap();
        assert_eq!((t.input, t.cache_read, t.output), (86, 1920, 300));
    }

    #[test]
    fn a_failed_pair_is_not_a_call() {
        let v = json!([{"model": "gpt-4o", "messages": []}, {"error": {"message": "rate limited"}}]);
        assert_eq!(parse_pair(&v), Ok(vec![]));
    }
}
