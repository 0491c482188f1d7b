//! OpenCode messages: one a file in the legacy store (`storage/message/<sessionID>/msg_*.json`, pretty-printed),
//! or one a row of the `message` table of its SQLite database (`opencode_db.rs` hands each row over as a line).
//!
//! An assistant message is a call: `modelID` at `providerID`, `tokens: {input, output, reasoning, cache: {read,
//! write}}` in disjoint buckets (reasoning is billed as output), `time.created` in epoch milliseconds; the session
//! is `sessionID`, the project `path.root`.
//!
//! A message may take several steps (a model's reply, its tool calls run, the model called again), each a
//! request billed on its own. OpenCode records each step's usage and cost in a `step-finish` part of the message,
//! adds each step's cost to the message's `cost`, but overwrites the message's `tokens` with the last step's
//! (opencode `session/processor.ts`, `finish-step`): the message's own counts under-count every message of more
//! than one step. The readers of the database and of the legacy store therefore put the message's `step-finish`
//! parts beside it, under `STEPS`, and a message with steps is billed their sum; one without (an older OpenCode,
//! a store whose parts were removed) is billed its own counts. `cost` is OpenCode's own figure, often 0 (a plan
//! not billed per token): a non-zero one is kept as the reported cost beside the list price, never instead of it.
//!
//! A fork copies its parent's messages and parts under new ids with everything else the same, and a message may
//! be in both the legacy store and the database, so a message is identified by what it says (model, times and its
//! own counts), and one copy is kept: one whose steps were read over one without, then the one with the oldest
//! id, the original.

use serde_json::Value;

use super::fields::{string, timestamp, tokens};
use super::gateway::stated_cost;
use super::{LineError, Parsed, RawCall, RawTokens, shared};
use crate::call::{Dedup, Tokens};

/// The key under which the readers put a message's `step-finish` parts, each as `{"tokens": ..., "cost": ...}`:
/// not a key of OpenCode's own.
pub const STEPS: &str = "tokencost:steps";

/// A part's usage, when it is a `step-finish` part (a text, tool or other part holds none): its `tokens` and
/// `cost`, and nothing else of it.
pub fn step(part: &Value) -> Option<Value> {
    if part.get("type").and_then(Value::as_str) != Some("step-finish") {
        return None;
    }
    let mut step = serde_json::Map::new();
    for key in ["tokens", "cost"] {
        if let Some(v) = part.get(key) {
            step.insert(key.to_string(), v.clone());
        }
    }
    Some(Value::Object(step))
}

/// Usage in disjoint buckets from OpenCode's `tokens` object (a message's or a step's).
fn usage(t: &Value) -> Result<Tokens, LineError> {
    Ok(Tokens {
        input: tokens(t, "input")?,
        cache_read: tokens(t, "cache.read")?,
        cache_write_5m: tokens(t, "cache.write")?,
        output: tokens(t, "output")?.saturating_add(tokens(t, "reasoning")?),
        ..Tokens::default()
    })
}

/// The sum of the steps' usage.
fn steps_usage(steps: &[Value]) -> Result<Tokens, LineError> {
    let mut sum = Tokens::default();
    for s in steps {
        let t = match s.get("tokens") {
            Some(t) if t.is_object() => usage(t)?,
            _ => Tokens::default(),
        };
        sum.input = sum.input.saturating_add(t.input);
        sum.cache_read = sum.cache_read.saturating_add(t.cache_read);
        sum.cache_write_5m = sum.cache_write_5m.saturating_add(t.cache_write_5m);
        sum.output = sum.output.saturating_add(t.output);
    }
    Ok(sum)
}

/// A message (`role`), or one of the records beside messages in OpenCode's store, which hold no call: a message
/// part (`messageID`) or a session (`projectID`, `directory`).
pub fn detect(v: &Value) -> bool {
    let session = v.get("sessionID").is_some_and(Value::is_string);
    let message = session && v.get("role").is_some_and(Value::is_string) && v.get("time").is_some_and(Value::is_object);
    let part = session && v.get("messageID").is_some_and(Value::is_string);
    let info = v.get("projectID").is_some_and(Value::is_string) && v.get("directory").is_some();
    message || part || info
}

/// The price-table provider of an OpenCode provider id, when the two agree; a gateway's models are priced by name.
fn provider(id: &str) -> Option<&'static str> {
    match id {
        "anthropic" => Some("anthropic"),
        "openai" => Some("openai"),
        "google" => Some("google"),
        _ => None,
    }
}

pub fn parse(v: &Value) -> Parsed {
    if v.get("role").and_then(Value::as_str) != Some("assistant") {
        return Ok(Vec::new());
    }
    let own = match v.get("tokens") {
        Some(t) if t.is_object() => usage(t)?,
        _ => Tokens::default(),
    };
    let steps = v.get(STEPS).and_then(Value::as_array).filter(|s| !s.is_empty());
    let billed = match steps {
        Some(s) => steps_usage(s)?,
        None => own,
    };
    // A message aborted before its first response has no counts: no call was billed.
    if billed == Tokens::default() {
        return Ok(Vec::new());
    }
    let model = string(v, "modelID")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| LineError::bad("an assistant message with `tokens` but no `modelID`"))?;
    let provider_id = string(v, "providerID")?.unwrap_or_default();
    let mut call = RawCall::new(shared(&model), RawTokens::Reported(billed));
    call.provider = provider(&provider_id);
    call.session = string(v, "sessionID")?.filter(|s| !s.is_empty()).map(|s| shared(&s));
    let time = &v["time"];
    call.timestamp = timestamp(time, "created")?;
    call.project = match v.get("path").and_then(|p| p.get("root")) {
        Some(Value::String(r)) if !r.is_empty() => Some(shared(r)),
        _ => None,
    };
    // 0 is what OpenCode writes when it does not know the price (or the plan is not billed per token).
    call.reported_cost = stated_cost(v, "cost", "OpenCode").filter(|c| !c.is_zero());
    // The message's own counts, not the steps' sum: a copy whose parts are missing is still the same message.
    let identity = format!(
        "{provider_id}\u{0}{model}\u{0}{}\u{0}{}\u{0}{own:?}",
        time.get("created").map(Value::to_string).unwrap_or_default(),
        time.get("completed").map(Value::to_string).unwrap_or_default(),
    );
    let id = string(v, "id")?.unwrap_or_default();
    let mut dedup = Dedup::response(&identity, &Tokens::default(), false).within("opencode");
    dedup.rank.1 = u8::from(steps.is_some());
    dedup.rank.2 = u64::MAX - id_time(&id);
    call.dedup = Some(dedup);
    Ok(vec![call])
}

/// When an OpenCode message id was made: ids are `msg_` and 12 hex digits of a time-ordered counter, then random
/// letters. An id of another shape counts as made last.
fn id_time(id: &str) -> u64 {
    id.strip_prefix("msg_")
        .and_then(|rest| rest.get(..12))
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two steps of 100 in, 10 out and 300 in, 20 out (5 reasoning): 400 in, 35 out, where the message's own
    /// counts (its last step) say 300 in, 25 out. The copy without steps is the same message, ranked below.
    #[test]
    fn a_message_with_steps_is_billed_their_sum() {
        let tokens = |i: u64, o: u64, r: u64| serde_json::json!({"input": i, "output": o, "reasoning": r});
        let mut m = serde_json::json!({
            "id": "msg_0197a0000001x", "sessionID": "ses_1", "role": "assistant", "modelID": "gpt-5",
            "providerID": "openai", "time": {"created": 1773050005000_u64}, "tokens": tokens(300, 20, 5), "cost": 0,
        });
        let bare = parse(&m).unwrap().remove(0);
        m[STEPS] = serde_json::json!([
            {"tokens": tokens(100, 10, 0), "cost": 0.25},
            {"tokens": tokens(300, 20, 5), "cost": 0.5},
            {"cost": 0},
        ]);
        let summed = parse(&m).unwrap().remove(0);
        let billed = |c: &RawCall| match &c.tokens {
            RawTokens::Reported(t) => (t.input, t.output),
            other => panic!("{other:?}"),
        };
        assert_eq!(billed(&bare), (300, 25));
        assert_eq!(billed(&summed), (400, 35));
        let (a, b) = (bare.dedup.unwrap(), summed.dedup.unwrap());
        assert_eq!(a.key, b.key);
        assert!(b.rank > a.rank);
        // A cost of 0 states nothing.
        assert_eq!(bare.reported_cost, None);
    }

    #[test]
    fn older_ids_are_made_first() {
        assert!(id_time("msg_0196a1b2c3d4ZZZZ") < id_time("msg_0196a1b2c3d5AAAA"));
        assert_eq!(id_time("m1"), u64::MAX);
    }
}
