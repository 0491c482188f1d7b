//! LiteLLM proxy logs: rows of its `LiteLLM_SpendLogs` table (exported as JSON lines or CSV), and the
//! StandardLoggingPayload its S3/GCS loggers write.
//!
//! A spend-log row: `request_id`, `call_type`, `spend` (LiteLLM's own price, USD), `prompt_tokens`,
//! `completion_tokens`, `startTime`, `model`, `custom_llm_provider`, `team_id`, `session_id`, `status`,
//! `request_tags`, `metadata` (JSON; the per-request cache and reasoning counts are in `metadata.usage_object`:
//! `prompt_tokens_details.cached_tokens` or `cache_read_input_tokens`, `cache_creation_input_tokens`,
//! `completion_tokens_details.reasoning_tokens`). The payload: `id`, `response_cost`, `prompt_tokens`,
//! `completion_tokens`, `startTime` (Unix seconds), `model`, `status`, `cache_hit`, `metadata` (the caller's
//! `user_api_key_team_id`, and the same `usage_object`).
//!
//! LiteLLM counts cache reads and writes inside `prompt_tokens`, as OpenAI does; reasoning is inside
//! `completion_tokens` and billed as output. A row also carries the request's `messages`: they are never read.
//! A failed request with no tokens is no call, and so is a response LiteLLM served from its own cache
//! (`cache_hit`): no provider billed it.

use serde_json::Value;

use super::gateway::{self, count, failed, name, object, tag_key, text, time};
use super::{LineError, Parsed, RawCall, RawTokens};
use crate::call::{Dedup, Tokens};

/// A spend-log row: LiteLLM's own price beside the request id.
pub fn is_spend_log(v: &Value) -> bool {
    v.get("spend").is_some() && v.get("request_id").is_some()
}

/// A StandardLoggingPayload: its cost and usage beside the call type.
pub fn is_payload(v: &Value) -> bool {
    v.get("response_cost").is_some() && v.get("call_type").is_some()
}

/// Buckets from the row's counts and the usage object in its metadata.
fn buckets(v: &Value, meta: Option<&Value>) -> Result<Tokens, LineError> {
    let usage = meta.and_then(|m| m.get("usage_object")).filter(|u| u.is_object());
    let (read, write) = match usage {
        Some(u) => {
            let read = count(u, "prompt_tokens_details.cached_tokens")?.max(count(u, "cache_read_input_tokens")?);
            (read, count(u, "cache_creation_input_tokens")?)
        }
        None => (0, 0),
    };
    Ok(gateway::prompt_buckets(
        count(v, "prompt_tokens")?,
        read,
        write,
        count(v, "completion_tokens")?,
    ))
}

/// The call a row or payload describes; `id`, `cost` and `team` are the keys its form names them by.
fn call(v: &Value, id: &str, cost_key: &str, team: Option<&str>) -> Parsed {
    let meta = object(v, "metadata")?;
    let tokens = buckets(v, meta.as_ref())?;
    let status = gateway::get(v, "status");
    if failed(status) && tokens == Tokens::default() {
        return Ok(Vec::new());
    }
    let model = text(v, "model")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| LineError::bad("no `model`"))?;
    if gateway::yes(v, "cache_hit") {
        // Served from LiteLLM's own cache: no provider was called, nothing billed.
        return Ok(Vec::new());
    }
    let mut call = RawCall::new(super::shared(&model), RawTokens::Reported(tokens));
    call.provider = text(v, "custom_llm_provider")?
        .as_deref()
        .and_then(crate::pricing::litellm_provider);
    call.timestamp = time(v, "startTime", false)?;
    call.reported_cost = gateway::stated_cost(v, cost_key, "LiteLLM");
    call.team = match team {
        Some(key) => name(v, key)?,
        None => meta
            .as_ref()
            .map(|m| name(m, "user_api_key_team_id"))
            .transpose()?
            .flatten(),
    };
    call.tag = tag_key(gateway::list(v, "request_tags")?);
    if let Some(id) = text(v, id)? {
        call.dedup = Some(Dedup::response(&id, &tokens, false).within("litellm"));
    }
    Ok(vec![call])
}

pub fn parse_spend_log(v: &Value) -> Parsed {
    let mut calls = call(v, "request_id", "spend", Some("team_id"))?;
    for c in &mut calls {
        c.session = name(v, "session_id")?;
    }
    Ok(calls)
}

pub fn parse_payload(v: &Value) -> Parsed {
    let mut calls = call(v, "id", "response_cost", None)?;
    for c in &mut calls {
        c.session = name(v, "trace_id")?;
    }
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cache_counts_come_out_of_the_prompt() {
        let v = json!({"request_id": "r1", "spend": 0.01, "model": "gpt-4o", "prompt_tokens": 3000,
            "completion_tokens": 200, "metadata": {"usage_object": {"prompt_tokens_details": {"cached_tokens": 2048},
            "completion_tokens_details": {"reasoning_tokens": 64}}}});
        let c = &parse_spend_log(&v).unwrap()[0];
        assert_eq!(
            c.tokens,
            RawTokens::Reported(Tokens {
                input: 952,
                cache_read: 2048,
                output: 200,
                ..Tokens::default()
            })
        );
        assert_eq!(c.reported_cost, Some("0.01".parse().unwrap()));
    }

    #[test]
    fn a_failure_without_tokens_is_no_call() {
        let v = json!({"request_id": "r2", "spend": 0, "model": "gpt-4o", "status": "failure",
            "prompt_tokens": 0, "completion_tokens": 0});
        assert_eq!(parse_spend_log(&v), Ok(vec![]));
    }
}
