//! OpenRouter generation records (`GET /api/v1/generation`, one a line, bare or wrapped in `{"data": ...}`): `id`,
//! `created_at`, `model` (`vendor/name`), `provider_name`, `total_cost` (what OpenRouter charged, USD),
//! `native_tokens_prompt`, `native_tokens_completion`, `native_tokens_reasoning`, `native_tokens_cached`.
//!
//! The native counts are the serving provider's own, the ones it bills: the prompt holds the cached tokens and the
//! completion holds the reasoning, as OpenAI counts them. OpenRouter's normalised `tokens_prompt` /
//! `tokens_completion` are its own tokenizer's and are not read.

use serde_json::Value;

use super::gateway::{self, count, text, time};
use super::{LineError, Parsed, RawCall, RawTokens};
use crate::call::Dedup;

/// The record itself, unwrapped from the API's `data` when it is wrapped.
fn record(v: &Value) -> &Value {
    match v.get("data") {
        Some(d) if d.get("native_tokens_prompt").is_some() => d,
        _ => v,
    }
}

pub fn detect(v: &Value) -> bool {
    record(v).get("native_tokens_prompt").is_some()
}

pub fn parse(v: &Value) -> Parsed {
    let v = record(v);
    let tokens = gateway::prompt_buckets(
        count(v, "native_tokens_prompt")?,
        count(v, "native_tokens_cached")?,
        0,
        count(v, "native_tokens_completion")?,
    );
    let model = text(v, "model")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| LineError::bad("no `model`"))?;
    let mut call = RawCall::new(super::shared(&model), RawTokens::Reported(tokens));
    call.timestamp = time(v, "created_at", false)?;
    call.reported_cost = gateway::stated_cost(v, "total_cost", "OpenRouter");
    if let Some(id) = text(v, "id")? {
        call.dedup = Some(Dedup::response(&id, &tokens, false).within("openrouter"));
    }
    Ok(vec![call])
}
