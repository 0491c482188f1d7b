//! Gemini `generateContent` responses (`usageMetadata`, `modelVersion`) and Gemini batch files: requests
//! (`key`, `request.contents`), counted as an estimate, and results (`key`, `response.usageMetadata`), joined by
//! `key` and billed at the batch rate.
//!
//! Usage: `promptTokenCount` includes `cachedContentTokenCount`; output = `candidatesTokenCount` +
//! `thoughtsTokenCount` (thinking is billed as output); `toolUsePromptTokenCount` is input.

use serde_json::Value;

use super::fields::{string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall};
use crate::call::{Dedup, Tier, Tokens};

const NAMESPACE: &str = "gemini-batch";

/// What a batch request without a `model` is listed as: the model is set on the batch job, not in the file.
pub const UNNAMED_BATCH_MODEL: &str = "gemini-batch-request (model not in the file)";

pub fn is_response(v: &Value) -> bool {
    v.get("usageMetadata").is_some() || (v.get("candidates").is_some() && v.get("modelVersion").is_some())
}

pub fn is_batch_input(v: &Value) -> bool {
    v.get("key").is_some() && v.get("request").and_then(|r| r.get("contents")).is_some()
}

pub fn is_batch_output(v: &Value) -> bool {
    v.get("key").is_some() && v.get("response").and_then(|r| r.get("usageMetadata")).is_some()
}

pub fn usage(u: &Value) -> Result<Tokens, LineError> {
    let prompt = tokens(u, "promptTokenCount")?;
    let cached = tokens(u, "cachedContentTokenCount")?;
    if cached > prompt {
        return Err(LineError::bad("`cachedContentTokenCount` exceeds `promptTokenCount`"));
    }
    Ok(Tokens {
        input: (prompt - cached).saturating_add(tokens(u, "toolUsePromptTokenCount")?),
        cache_read: cached,
        output: tokens(u, "candidatesTokenCount")?.saturating_add(tokens(u, "thoughtsTokenCount")?),
        ..Tokens::default()
    })
}

fn model_name(v: &Value, key: &str) -> Result<Option<String>, LineError> {
    Ok(string(v, key)?.map(|m| m.strip_prefix("models/").unwrap_or(&m).to_string()))
}

fn response_call(v: &Value) -> Result<RawCall, LineError> {
    let u = v
        .get("usageMetadata")
        .filter(|u| u.is_object())
        .ok_or_else(|| LineError::bad("no `usageMetadata`"))?;
    let model = model_name(v, "modelVersion")?.ok_or_else(|| LineError::bad("no `modelVersion`"))?;
    let t = usage(u)?;
    let mut call = RawCall::new(model, RawTokens::Reported(t));
    call.timestamp = timestamp(v, "createTime")?;
    // The Gemini API states the tier in `serviceTier`; Vertex in `trafficType` (`ON_DEMAND_PRIORITY`, ...).
    call.tier = ["serviceTier", "trafficType"]
        .iter()
        .filter_map(|k| u.get(*k).and_then(Value::as_str))
        .map(Tier::from_service_tier)
        .find(|t| *t != Tier::Standard)
        .unwrap_or_default();
    call.dedup = v
        .get("responseId")
        .and_then(Value::as_str)
        .map(|id| Dedup::response(id, &t, false));
    Ok(call)
}

pub fn parse_response(v: &Value) -> Parsed {
    Ok(vec![response_call(v)?])
}

fn key(v: &Value) -> Result<String, LineError> {
    string(v, "key")?.ok_or_else(|| LineError::bad("`key` must be a string"))
}

pub fn parse_batch_output(v: &Value) -> Parsed {
    let mut call = response_call(&v["response"])?;
    call.tier = Tier::Batch;
    call.dedup = Some(Dedup::batch(NAMESPACE, &key(v)?, true));
    Ok(vec![call])
}

fn parts_text(content: &Value, out: &mut String, inexact: &mut bool) {
    for p in content.get("parts").and_then(Value::as_array).into_iter().flatten() {
        match p.get("text") {
            Some(Value::String(t)) => out.push_str(t),
            _ => *inexact = true,
        }
    }
}

pub fn parse_batch_input(v: &Value) -> Parsed {
    let req = &v["request"];
    let mut text = TextCall {
        // Gemini's tokenizer is not bundled: always an estimate.
        inexact: true,
        ..TextCall::default()
    };
    if let Some(si) = req.get("systemInstruction") {
        parts_text(si, &mut text.prompt, &mut text.inexact);
    }
    for c in req.get("contents").and_then(Value::as_array).into_iter().flatten() {
        parts_text(c, &mut text.prompt, &mut text.inexact);
    }
    let model = model_name(req, "model")?.unwrap_or_else(|| UNNAMED_BATCH_MODEL.to_string());
    let mut call = RawCall::new(model, RawTokens::Text(text));
    call.tier = Tier::Batch;
    call.dedup = Some(Dedup::batch(NAMESPACE, &key(v)?, false));
    Ok(vec![call])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thoughts_are_output_and_cache_is_taken_out_of_the_prompt() {
        let u = json!({"promptTokenCount": 5000, "candidatesTokenCount": 30, "cachedContentTokenCount": 4200,
            "thoughtsTokenCount": 12, "totalTokenCount": 5042});
        let t = usage(&u).unwrap();
        assert_eq!((t.input, t.cache_read, t.output), (800, 4200, 42));
    }
}
