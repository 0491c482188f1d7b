//! OpenCode messages: one a file in the legacy store (`storage/message/<sessionID>/msg_*.json`, pretty-printed),
//! or one a row of the `message` table of its SQLite database (`opencode_db.rs` hands each row over as a line).
//!
//! An assistant message is a call: `modelID` at `providerID`, `tokens: {input, output, reasoning, cache: {read,
//! write}}` in disjoint buckets (reasoning is billed as output), `time.created` in epoch milliseconds; the session
//! is `sessionID`, the project `path.root`. `cost` is OpenCode's own figure, often 0: the bill is priced from the
//! tokens. A fork copies its parent's messages under new ids with everything else the same, and a message may be in
//! both the legacy store and the database, so a message is identified by what it says (model, creation time and
//! counts), and only the copy with the oldest id, the original, is kept.

use serde_json::Value;

use super::fields::{string, timestamp, tokens};
use super::{LineError, Parsed, RawCall, RawTokens, shared};
use crate::call::{Dedup, Tokens};

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
    let t = match v.get("tokens") {
        Some(t) if t.is_object() => t,
        _ => return Ok(Vec::new()),
    };
    let usage = Tokens {
        input: tokens(t, "input")?,
        cache_read: tokens(t, "cache.read")?,
        cache_write_5m: tokens(t, "cache.write")?,
        output: tokens(t, "output")?.saturating_add(tokens(t, "reasoning")?),
        ..Tokens::default()
    };
    // A message aborted before its first response has no counts: no call was billed.
    if usage == Tokens::default() {
        return Ok(Vec::new());
    }
    let model = string(v, "modelID")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| LineError::bad("an assistant message with `tokens` but no `modelID`"))?;
    let provider_id = string(v, "providerID")?.unwrap_or_default();
    let mut call = RawCall::new(shared(&model), RawTokens::Reported(usage));
    call.provider = provider(&provider_id);
    call.session = string(v, "sessionID")?.filter(|s| !s.is_empty()).map(|s| shared(&s));
    let time = &v["time"];
    call.timestamp = timestamp(time, "created")?;
    call.project = match v.get("path").and_then(|p| p.get("root")) {
        Some(Value::String(r)) if !r.is_empty() => Some(shared(r)),
        _ => None,
    };
    let identity = format!(
        "{provider_id}\u{0}{model}\u{0}{}\u{0}{}\u{0}{usage:?}",
        time.get("created").map(Value::to_string).unwrap_or_default(),
        time.get("completed").map(Value::to_string).unwrap_or_default(),
    );
    let id = string(v, "id")?.unwrap_or_default();
    let mut dedup = Dedup::response(&identity, &Tokens::default(), false).within("opencode");
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

    #[test]
    fn older_ids_are_made_first() {
        assert!(id_time("msg_0196a1b2c3d4ZZZZ") < id_time("msg_0196a1b2c3d5AAAA"));
        assert_eq!(id_time("m1"), u64::MAX);
    }
}
