//! tokencost's own JSON Lines format, for logs a user writes themselves. One call per line:
//!
//! ```json
//! {"model": "gpt-4o", "session": "s1", "timestamp": "2024-08-01T12:00:00Z",
//!  "messages": [{"role": "user", "content": "..."}], "prompt": "...", "completion": "...", "batch": false,
//!  "usage": {"input_tokens": 0, "cached_input_tokens": 0, "cache_write_tokens": 0, "cache_write_1h_tokens": 0,
//!            "output_tokens": 0}}
//! ```
//! Only `model` is required. `usage` buckets are disjoint: `input_tokens` excludes cached and cache-write tokens.
//! Without `usage`, `messages` (chat framing) and `prompt` (plain text) are counted as input, `completion` as output.
//!
//! `analyze --format jsonl` writes this format, one line per counted call, so that its export is input again. It
//! adds fields a hand-written log may use too: `project`, `branch`, `team`, `tag`, `service_tier` (over `batch`),
//! `reported_cost_usd`, `token_source` (`reported`, `counted`, `estimated`: how the first read got the usage);
//! `price` (the `provider/id` of the entry that billed the call: the call is looked up by it, so it is priced as
//! it was) or, for a call whose log stated a provider that does not list it, `provider`; and `response_id` with
//! `dedup_rank`, the identity and rank of a response that may have been logged more than once. `response_id` is
//! the 32 hex digits of the 128-bit hash tokencost de-duplicates by (the id text itself is not kept): copies of
//! one response exported from two machines' logs carry the same digits, and only the best one counts.

use serde_json::Value;
use std::sync::Arc;

use super::fields::{self, chat_messages, string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, TextCall};
use crate::call::{Dedup, Tier, TokenSource, Tokens};

pub fn detect(v: &Value) -> bool {
    v.get("model").is_some_and(Value::is_string)
        && v.get("object").is_none()
        && v.get("type").is_none()
        && ["messages", "prompt", "completion", "usage"]
            .iter()
            .any(|k| v.get(k).is_some())
        // Text to count beside usage stated in another shape is a log this reader does not know: not priced by guess.
        && (v.get("usage").is_some() || super::gateway::usage_key(v).is_none())
}

fn text(v: &Value, key: &str) -> Result<String, LineError> {
    Ok(string(v, key)?.unwrap_or_default())
}

pub fn parse(v: &Value) -> Parsed {
    let tokens = match v.get("usage").filter(|u| !u.is_null()) {
        Some(u) => {
            if !u.is_object() {
                return Err(LineError::bad("`usage` must be an object"));
            }
            RawTokens::Reported(Tokens {
                input: tokens(u, "input_tokens")?,
                cache_read: tokens(u, "cached_input_tokens")?,
                cache_write_5m: tokens(u, "cache_write_tokens")?,
                cache_write_1h: tokens(u, "cache_write_1h_tokens")?,
                output: tokens(u, "output_tokens")?,
            })
        }
        None => {
            let mut call = TextCall {
                prompt: text(v, "prompt")?,
                completion: text(v, "completion")?,
                ..TextCall::default()
            };
            if let Some(m) = v.get("messages").filter(|m| !m.is_null()) {
                call.messages = chat_messages(m.clone(), &mut call.inexact)?;
            }
            RawTokens::Text(call)
        }
    };
    let batch = match v.get("batch") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(LineError::bad("`batch` must be true or false")),
    };
    let mut call = RawCall::new(fields::model(v)?, tokens);
    call.session = string(v, "session")?.map(Arc::from);
    call.timestamp = timestamp(v, "timestamp")?;
    call.tier = match string(v, "service_tier")? {
        Some(t) => Tier::from_service_tier(&t),
        None if batch => Tier::Batch,
        None => Tier::Standard,
    };
    let name = |key: &str| -> Result<Option<Arc<str>>, LineError> { Ok(string(v, key)?.as_deref().map(super::shared)) };
    call.project = name("project")?;
    call.branch = name("branch")?;
    call.team = name("team")?;
    call.tag = name("tag")?;
    call.price_name = name("price")?;
    if call.price_name.is_none() {
        call.provider = string(v, "provider")?.as_deref().and_then(stated_provider);
    }
    call.reported_cost = super::gateway::cost(v, "reported_cost_usd")?;
    call.source = match string(v, "token_source")?.as_deref() {
        None | Some("reported") => None,
        Some("counted") => Some(TokenSource::Counted),
        Some("estimated") => Some(TokenSource::Estimated),
        Some(_) => return Err(LineError::bad("`token_source` must be reported, counted or estimated")),
    };
    if let Some(id) = string(v, "response_id")? {
        call.dedup = Some(dedup(&id, v.get("dedup_rank"))?);
    }
    Ok(vec![call])
}

/// The provider id a line states, as the readers of other formats name it; `None` for one no reader states.
fn stated_provider(p: &str) -> Option<&'static str> {
    const IDS: &[&str] = &[
        "openai",
        "anthropic",
        "google",
        "vertex",
        "bedrock",
        "azure",
        "mistral",
        "deepseek",
        "xai",
        "together",
        "fireworks",
        "groq",
        "deepinfra",
    ];
    IDS.iter()
        .copied()
        .find(|id| *id == p)
        .or_else(|| crate::pricing::litellm_provider(p))
}

/// A response's identity as the export writes it: 32 hex digits of the key, and `[kind, main, size]` for its rank.
fn dedup(id: &str, rank: Option<&Value>) -> Result<Dedup, LineError> {
    let bad = || LineError::bad("`response_id` must be 32 hex digits and `dedup_rank` three whole numbers");
    if id.len() != 32 {
        return Err(bad());
    }
    let key = u128::from_str_radix(id, 16).map_err(|_| bad())?;
    let rank = match rank {
        None | Some(Value::Null) => (2, 1, 0),
        Some(Value::Array(a)) if a.len() == 3 => {
            let n = |i: usize| a[i].as_u64().ok_or_else(bad);
            let small = |i: usize| n(i).and_then(|x| u8::try_from(x).map_err(|_| bad()));
            (small(0)?, small(1)?, n(2)?)
        }
        Some(_) => return Err(bad()),
    };
    Ok(Dedup { key, rank })
}
