//! OpenAI Chat Completions logs: request objects (`model`, `messages`), response objects
//! (`"object": "chat.completion"` with `usage`), stream chunks (`chat.completion.chunk`; only the final one, sent
//! with `stream_options.include_usage`, carries usage), `[request, response(, metadata)]` pairs as OpenAI's parallel
//! request processor writes them (a Responses API request/response pair too), and any OpenAI-compatible response
//! carrying `usage.prompt_tokens`.
//!
//! Usage: `prompt_tokens` includes `prompt_tokens_details.cached_tokens` (DeepSeek: `prompt_cache_hit_tokens`), so
//! fresh input = prompt - cached;
//! `completion_tokens` includes reasoning tokens and is all billed as output.

use serde_json::Value;
use std::sync::Arc;

use super::fields::{self, chat_messages, string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall, openai_responses};
use crate::call::{Dedup, Tier, Tokens};

/// Keys of our native format: a line with any of these is not a bare OpenAI request.
const NATIVE_KEYS: [&str; 5] = ["prompt", "completion", "usage", "session", "timestamp"];

fn object(v: &Value) -> Option<&str> {
    v.get("object").and_then(Value::as_str)
}

/// A bare request: a model and messages, and nothing that says the call was made and what it used (a gateway's
/// log of a call carries the request beside its usage: its text is not what was billed).
pub fn is_request(v: &Value) -> bool {
    v.get("model").is_some()
        && v.get("messages").is_some()
        && !NATIVE_KEYS.iter().any(|k| v.get(k).is_some())
        && super::gateway::usage_key(v).is_none()
}

pub fn is_response(v: &Value) -> bool {
    matches!(object(v), Some("chat.completion" | "chat.completion.chunk"))
}

/// An OpenAI-compatible response from another server: no `object`, but OpenAI's usage names.
pub fn is_compatible(v: &Value) -> bool {
    v.get("usage").and_then(|u| u.get("prompt_tokens")).is_some()
}

pub fn is_pair(v: &Value) -> bool {
    v.as_array().is_some_and(|a| {
        (2..=3).contains(&a.len())
            && a[0].get("model").is_some()
            && (a[0].get("messages").is_some() || a[0].get("input").is_some())
            && a[1].is_object()
    })
}

/// The session a request names: `metadata.session_id`, else `user`.
pub fn session(req: &Value) -> Result<Option<String>, LineError> {
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
    // DeepSeek states its cache hits as `prompt_cache_hit_tokens` (with `prompt_cache_miss_tokens`, the rest of the
    // prompt) where OpenAI writes `prompt_tokens_details.cached_tokens`; a server that writes both means the same.
    let cached = match tokens(u, "prompt_tokens_details.cached_tokens")? {
        0 => tokens(u, "prompt_cache_hit_tokens")?,
        n => n,
    };
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

/// The prompt side of a chat request: its messages, and its tool definitions (counted as text: an estimate).
pub fn request_text(req: &Value) -> Result<TextCall, LineError> {
    let mut call = TextCall::default();
    if let Some(m) = req.get("messages") {
        call.messages = chat_messages(m.clone(), &mut call.inexact)?;
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
        let Some(msg) = choice.get("message") else { continue };
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

fn service_tier(resp: &Value) -> Tier {
    resp.get("service_tier")
        .and_then(Value::as_str)
        .map_or(Tier::Standard, Tier::from_service_tier)
}

fn dedup(resp: &Value, t: &Tokens) -> Option<Dedup> {
    resp.get("id")
        .and_then(Value::as_str)
        .map(|id| Dedup::response(id, t, false))
}

/// A bare request, its messages moved out of the line's value rather than copied.
pub fn parse_request_owned(mut v: Value) -> Parsed {
    let model = fields::model(&v)?;
    let messages = v.as_object_mut().and_then(|o| o.remove("messages"));
    let mut text = TextCall::default();
    if let Some(m) = messages {
        text.messages = chat_messages(m, &mut text.inexact)?;
    }
    // What remains of the request (its tools) is read as any request's.
    let rest = request_text(&v)?;
    text.prompt = rest.prompt;
    text.inexact |= rest.inexact;
    let mut call = RawCall::new(model, RawTokens::Text(text));
    call.session = session(&v)?.map(Arc::from);
    Ok(vec![call])
}

/// A response object with its usage, as a call.
pub fn response_call(v: &Value) -> Result<RawCall, LineError> {
    let Some(u) = v.get("usage").filter(|u| !u.is_null()) else {
        return Err(LineError::bad(
            "a response without `usage` and without its request cannot be counted",
        ));
    };
    let t = usage(u)?;
    let mut call = RawCall::new(fields::model(v)?, RawTokens::Reported(t));
    call.timestamp = timestamp(v, "created")?;
    call.tier = service_tier(v);
    call.dedup = dedup(v, &t);
    // OpenRouter's in-response accounting states what it charged.
    call.reported_cost = super::gateway::stated_cost(u, "cost", "usage");
    Ok(call)
}

pub fn parse_response(v: &Value) -> Parsed {
    if object(v) == Some("chat.completion.chunk") && v.get("usage").is_none_or(Value::is_null) {
        // Every chunk but the last: no usage, not a call of its own.
        return Ok(Vec::new());
    }
    Ok(vec![response_call(v)?])
}

pub fn parse_pair(v: &Value) -> Parsed {
    let (req, resp) = (&v[0], &v[1]);
    if resp.get("error").is_some_and(|e| !e.is_null()) && resp.get("usage").is_none() {
        // A failed request is not billed.
        return Ok(Vec::new());
    }
    if req.get("messages").is_none() || object(resp) == Some("response") {
        return openai_responses::parse_pair(req, resp);
    }
    let (tokens, dedup) = match resp.get("usage").filter(|u| !u.is_null()) {
        Some(u) => {
            let t = usage(u)?;
            (RawTokens::Reported(t), dedup(resp, &t))
        }
        None => {
            let mut call = request_text(req)?;
            completion_text(resp, &mut call);
            (RawTokens::Text(call), None)
        }
    };
    // The response names the snapshot that served the call; the request, the alias asked for.
    let model = fields::model(resp).or_else(|_| fields::model(req))?;
    let mut call = RawCall::new(model, tokens);
    call.session = session(req)?.map(Arc::from);
    call.timestamp = timestamp(resp, "created")?;
    call.tier = service_tier(resp);
    call.dedup = dedup;
    Ok(vec![call])
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
    fn deepseek_cache_hits_are_cached_input() {
        let u = json!({"prompt_tokens": 10000, "completion_tokens": 1000,
            "prompt_cache_hit_tokens": 6000, "prompt_cache_miss_tokens": 4000});
        let t = usage(&u).unwrap();
        assert_eq!((t.input, t.cache_read, t.output), (4000, 6000, 1000));
    }

    #[test]
    fn a_failed_pair_is_not_a_call() {
        let v = json!([{"model": "gpt-4o", "messages": []}, {"error": {"message": "rate limited"}}]);
        assert_eq!(parse_pair(&v), Ok(vec![]));
    }

    #[test]
    fn only_the_last_chunk_is_a_call() {
        let chunk = json!({"id": "c1", "object": "chat.completion.chunk", "model": "gpt-4o", "choices": []});
        assert_eq!(parse_response(&chunk), Ok(vec![]));
        let last = json!({"id": "c1", "object": "chat.completion.chunk", "model": "gpt-4o", "choices": [],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5}});
        assert_eq!(parse_response(&last).unwrap().len(), 1);
    }
}
