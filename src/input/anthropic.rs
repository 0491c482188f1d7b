//! Anthropic Messages responses (`"type": "message"`, `"role": "assistant"`, `usage`) and Message Batches files:
//! results (`custom_id`, `result.type`) billed at the batch rate, and requests (`custom_id`, `params`) whose text is
//! estimated when no result is read for them.
//!
//! Usage: `input_tokens` excludes cache tokens; cache reads are `cache_read_input_tokens`; cache writes come from
//! `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`, or all at the 5-minute rate when only
//! `cache_creation_input_tokens` is given. `service_tier: "batch"` bills at the batch rate.

use serde_json::Value;

use super::fields::{self, string, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall};
use crate::call::{Dedup, Tier, Tokens};

const NAMESPACE: &str = "anthropic-batch";

/// Normalised buckets from an Anthropic `usage` object.
pub fn usage(u: &Value) -> Result<Tokens, LineError> {
    Ok(Usage {
        input: tokens(u, "input_tokens")?,
        cache_created: tokens(u, "cache_creation_input_tokens")?,
        cache_5m: tokens(u, "cache_creation.ephemeral_5m_input_tokens")?,
        cache_1h: tokens(u, "cache_creation.ephemeral_1h_input_tokens")?,
        cache_read: tokens(u, "cache_read_input_tokens")?,
        output: tokens(u, "output_tokens")?,
    }
    .normalise())
}

/// The counts of an Anthropic `usage` object as written (absent or null: 0).
#[derive(Debug, Default)]
pub struct Usage {
    pub input: u64,
    pub cache_created: u64,
    pub cache_5m: u64,
    pub cache_1h: u64,
    pub cache_read: u64,
    pub output: u64,
}

impl Usage {
    pub fn normalise(&self) -> Tokens {
        // The breakdown is authoritative when it accounts for the writes; otherwise all writes are 5-minute ones.
        let (w5, w1) = if self.cache_5m + self.cache_1h > 0 || self.cache_created == 0 {
            (self.cache_5m, self.cache_1h)
        } else {
            (self.cache_created, 0)
        };
        Tokens {
            input: self.input,
            cache_read: self.cache_read,
            cache_write_5m: w5,
            cache_write_1h: w1,
            output: self.output,
        }
    }
}

/// The tier `usage.service_tier` names (`standard`, `priority`, `batch`).
pub fn service_tier(u: &Value) -> Tier {
    u.get("service_tier")
        .and_then(Value::as_str)
        .map_or(Tier::Standard, Tier::from_service_tier)
}

pub fn is_message(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("message")
        && v.get("role").and_then(Value::as_str) == Some("assistant")
        && v.get("usage").is_some()
}

pub fn is_batch_result(v: &Value) -> bool {
    v.get("custom_id").is_some()
        && matches!(
            v.get("result").and_then(|r| r.get("type")).and_then(Value::as_str),
            Some("succeeded" | "errored" | "canceled" | "expired")
        )
}

pub fn is_batch_request(v: &Value) -> bool {
    v.get("custom_id").is_some() && v.get("params").is_some_and(Value::is_object)
}

/// A Message as a call; `None` for the placeholder messages Claude Code writes for API errors.
pub fn message_call(msg: &Value, replay: bool) -> Result<Option<RawCall>, LineError> {
    let model = fields::model(msg)?;
    if model == "<synthetic>" {
        return Ok(None);
    }
    let u = msg
        .get("usage")
        .filter(|u| u.is_object())
        .ok_or_else(|| LineError::bad("no `usage` object"))?;
    let t = usage(u)?;
    let mut call = RawCall::new(model, RawTokens::Reported(t));
    call.tier = service_tier(u);
    call.dedup = msg
        .get("id")
        .and_then(Value::as_str)
        .map(|id| Dedup::response(id, &t, replay));
    Ok(Some(call))
}

pub fn parse_message(v: &Value) -> Parsed {
    Ok(message_call(v, false)?.into_iter().collect())
}

fn custom_id(v: &Value) -> Result<String, LineError> {
    string(v, "custom_id")?.ok_or_else(|| LineError::bad("`custom_id` must be a string"))
}

pub fn parse_batch_result(v: &Value) -> Parsed {
    let id = custom_id(v)?;
    let result = &v["result"];
    let mut call = match result.get("type").and_then(Value::as_str) {
        Some("succeeded") => {
            let msg = result
                .get("message")
                .ok_or_else(|| LineError::bad("a succeeded result without `message`"))?;
            let mut c =
                message_call(msg, false)?.ok_or_else(|| LineError::bad("a succeeded result without a model"))?;
            // The message id identifies the response; the batch join needs the custom id.
            c.dedup = None;
            c
        }
        _ => RawCall::new(String::new(), RawTokens::NotBilled),
    };
    call.tier = Tier::Batch;
    call.dedup = Some(Dedup::batch(NAMESPACE, &id, true));
    Ok(vec![call])
}

/// Text of Anthropic content: a string, or blocks (text, tool results, tool inputs). Images and documents cannot
/// be counted offline and make the count inexact.
pub fn content_text(v: &Value, out: &mut String, inexact: &mut bool) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(blocks) => {
            for b in blocks {
                match b.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        if let Some(Value::String(t)) = b.get("text") {
                            out.push_str(t);
                        }
                    }
                    Some("tool_result") => {
                        if let Some(c) = b.get("content") {
                            content_text(c, out, inexact);
                        }
                    }
                    Some("tool_use") => {
                        if let Some(i) = b.get("input") {
                            out.push_str(&i.to_string());
                        }
                    }
                    _ => *inexact = true,
                }
            }
        }
        _ => {}
    }
}

pub fn parse_batch_request(v: &Value) -> Parsed {
    let params = &v["params"];
    let mut text = TextCall {
        // No public Claude tokenizer: the count is an estimate whatever the content.
        inexact: true,
        ..TextCall::default()
    };
    if let Some(system) = params.get("system") {
        content_text(system, &mut text.prompt, &mut text.inexact);
    }
    for m in params.get("messages").and_then(Value::as_array).into_iter().flatten() {
        if let Some(c) = m.get("content") {
            content_text(c, &mut text.prompt, &mut text.inexact);
        }
    }
    let mut call = RawCall::new(fields::model(params)?, RawTokens::Text(text));
    call.tier = Tier::Batch;
    call.dedup = Some(Dedup::batch(NAMESPACE, &custom_id(v)?, false));
    Ok(vec![call])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cache_writes_by_duration() {
        let u = json!({"input_tokens": 3, "cache_creation_input_tokens": 20000, "cache_read_input_tokens": 110000,
            "cache_creation": {"ephemeral_5m_input_tokens": 4000, "ephemeral_1h_input_tokens": 16000}, "output_tokens": 120});
        let t = usage(&u).unwrap();
        assert_eq!(
            (t.input, t.cache_read, t.cache_write_5m, t.cache_write_1h, t.output),
            (3, 110000, 4000, 16000, 120)
        );
        let no_breakdown = json!({"input_tokens": 200, "cache_creation_input_tokens": 50, "output_tokens": 75});
        let t = usage(&no_breakdown).unwrap();
        assert_eq!((t.cache_write_5m, t.cache_write_1h), (50, 0));
    }
}
