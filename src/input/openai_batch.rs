//! OpenAI Batch API files, billed at the batch rate.
//!
//! Input lines (`custom_id`, `method`, `url`, `body`) carry no usage: their request is counted. Output lines
//! (`custom_id`, `response`, `error`) carry the response with its usage. When both files are read, a request and
//! its result share the `custom_id` and only the result is counted; an expired, cancelled or failed result marks
//! its request as not billed.

use serde_json::Value;
use std::sync::Arc;

use super::fields::{self, string};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall, openai_chat, openai_responses};
use crate::call::{Dedup, Tier};

const NAMESPACE: &str = "openai-batch";

pub fn is_input(v: &Value) -> bool {
    v.get("custom_id").is_some() && v.get("method").is_some() && v.get("url").is_some() && v.get("body").is_some()
}

pub fn is_output(v: &Value) -> bool {
    v.get("custom_id").is_some() && v.get("response").is_some() && v.get("error").is_some()
}

fn custom_id(v: &Value) -> Result<String, LineError> {
    string(v, "custom_id")?.ok_or_else(|| LineError::bad("no `custom_id`"))
}

pub fn parse_input(v: &Value) -> Parsed {
    let body = &v["body"];
    let text = if body.get("messages").is_some() {
        openai_chat::request_text(body)?
    } else if body.get("input").is_some() && body.get("model").is_some() && v["url"] != "/v1/embeddings" {
        openai_responses::request_text(body)?
    } else {
        // Embeddings and other endpoints: the `input` text, counted plainly.
        let mut t = TextCall::default();
        match body.get("input") {
            Some(Value::String(s)) => t.prompt.push_str(s),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .for_each(|s| t.prompt.push_str(s)),
            _ => t.inexact = true,
        }
        t
    };
    let mut call = RawCall::new(fields::model(body)?, RawTokens::Text(text));
    call.session = openai_chat::session(body)?.map(Arc::from);
    call.tier = Tier::Batch;
    call.dedup = Some(Dedup::batch(NAMESPACE, &custom_id(v)?, false));
    Ok(vec![call])
}

pub fn parse_output(v: &Value) -> Parsed {
    let id = custom_id(v)?;
    let body = v.get("response").and_then(|r| r.get("body")).filter(|b| b.is_object());
    let status = v
        .get("response")
        .and_then(|r| r.get("status_code"))
        .and_then(Value::as_u64);
    let failed = v.get("error").is_some_and(|e| !e.is_null()) || status.is_some_and(|s| s != 200);
    let mut call = match body {
        Some(b) if !failed && b.get("object").and_then(Value::as_str) == Some("response") => {
            openai_responses::response_call(b)?.ok_or_else(|| LineError::bad("a batch response without usage"))?
        }
        Some(b) if !failed => openai_chat::response_call(b)?,
        // Not billed; the record still answers for its request line.
        _ => {
            let model = body.and_then(|b| fields::model(b).ok()).unwrap_or_default();
            RawCall::new(model, RawTokens::NotBilled)
        }
    };
    call.tier = Tier::Batch;
    call.dedup = Some(Dedup::batch(NAMESPACE, &id, true));
    Ok(vec![call])
}
