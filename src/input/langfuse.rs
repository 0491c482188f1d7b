//! Langfuse observations, as its blob-storage export writes them (`observations_v2/`, JSON lines or CSV): `id`,
//! `trace_id`, `type`, `start_time` (`YYYY-MM-DD HH:MM:SS.ffffff`, UTC without a zone), `provided_model_name`,
//! `usage_details` (a map of counts), `total_cost` (Langfuse's own price), `cost_details`, `session_id`.
//!
//! Only `GENERATION` observations are LLM calls: spans and events are read and hold none. `usage_details` keys are
//! disjoint, as Langfuse's integrations write them (cached and reasoning tokens taken out of `input` and `output`,
//! so that each key is priced on its own): `input`, `output`, the cache reads and writes, reasoning. A key not known
//! here is not priced, and said once when the run ends.

use serde_json::Value;

use super::gateway::{self, count, name, object, text, time};
use super::{LineError, Parsed, RawCall, RawTokens};
use crate::call::{Dedup, Tokens};

pub fn detect(v: &Value) -> bool {
    v.get("trace_id").is_some()
        && v.get("type").is_some()
        && (v.get("usage_details").is_some() || v.get("provided_model_name").is_some())
}

/// The bucket a `usage_details` key counts in; `None` for a total, which repeats the others.
enum Bucket {
    Input,
    CacheRead,
    CacheWrite,
    Output,
    Total,
}

fn bucket(key: &str) -> Option<Bucket> {
    Some(match key {
        "input" | "input_tokens" | "prompt_tokens" | "input_audio" | "input_audio_tokens" => Bucket::Input,
        "input_cached_tokens" | "input_cache_read" | "cache_read_input_tokens" | "input_cached" => Bucket::CacheRead,
        "input_cache_creation" | "cache_creation_input_tokens" | "input_cache_write" => Bucket::CacheWrite,
        "output"
        | "output_tokens"
        | "completion_tokens"
        | "output_reasoning_tokens"
        | "output_reasoning"
        | "reasoning_tokens"
        | "output_audio"
        | "output_audio_tokens" => Bucket::Output,
        "total" | "total_tokens" => Bucket::Total,
        _ => return None,
    })
}

fn usage(u: &Value) -> Result<Tokens, LineError> {
    let mut t = Tokens::default();
    for key in u.as_object().into_iter().flat_map(|o| o.keys()) {
        let n = count(u, key)?;
        let slot = match bucket(key) {
            Some(Bucket::Input) => &mut t.input,
            Some(Bucket::CacheRead) => &mut t.cache_read,
            Some(Bucket::CacheWrite) => &mut t.cache_write_5m,
            Some(Bucket::Output) => &mut t.output,
            Some(Bucket::Total) => continue,
            None => {
                if n > 0 {
                    gateway::unknown_key("Langfuse usage_details", key);
                }
                continue;
            }
        };
        *slot = slot.saturating_add(n);
    }
    Ok(t)
}

pub fn parse(v: &Value) -> Parsed {
    let kind = text(v, "type")?.unwrap_or_default();
    if !kind.eq_ignore_ascii_case("GENERATION") {
        return Ok(Vec::new());
    }
    let model = match text(v, "provided_model_name")? {
        Some(m) if !m.trim().is_empty() => m,
        _ => text(v, "model")?
            .filter(|m| !m.trim().is_empty())
            .ok_or_else(|| LineError::bad("a generation without `provided_model_name`"))?,
    };
    let tokens = match object(v, "usage_details")? {
        Some(u) => usage(&u)?,
        None => Tokens::default(),
    };
    let mut call = RawCall::new(super::shared(&model), RawTokens::Reported(tokens));
    call.timestamp = time(v, "start_time", true)?;
    call.session = name(v, "session_id")?;
    call.reported_cost = match gateway::stated_cost(v, "total_cost", "Langfuse") {
        Some(c) => Some(c),
        None => match object(v, "cost_details")? {
            Some(d) => gateway::stated_cost(&d, "total", "Langfuse"),
            None => None,
        },
    };
    if let Some(id) = text(v, "id")? {
        call.dedup = Some(Dedup::response(&id, &tokens, false).within("langfuse"));
    }
    Ok(vec![call])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_generations_are_calls() {
        let span = json!({"id": "o1", "trace_id": "t", "type": "SPAN", "provided_model_name": null});
        assert_eq!(parse(&span), Ok(vec![]));
        let g = json!({"id": "o2", "trace_id": "t", "type": "GENERATION", "provided_model_name": "gpt-4o",
            "usage_details": {"input": 100, "input_cached_tokens": 50, "output": 10, "output_reasoning_tokens": 5,
            "total": 165}, "total_cost": "0.001", "start_time": "2025-01-02 03:04:05.000006"});
        let c = &parse(&g).unwrap()[0];
        assert_eq!(
            c.tokens,
            RawTokens::Reported(Tokens {
                input: 100,
                cache_read: 50,
                output: 15,
                ..Tokens::default()
            })
        );
        assert_eq!(c.timestamp.unwrap().to_rfc3339(), "2025-01-02T03:04:05.000006+00:00");
    }
}
