//! Gemini CLI chat recordings (`~/.gemini/tmp/<projectHash>/chats/session-*.json` and `*.jsonl`).
//!
//! A `.json` recording is one document, `{sessionId, projectHash, startTime, lastUpdated, messages: [...]}`
//! (pretty-printed: `pretty.rs` puts it on one line). A `.jsonl` recording is a header line with the same fields,
//! then message records, `{"$set": {...}}` updates (whose `messages`, when present, is the whole list again) and
//! `{"$rewindTo": id}` marks. A message is written again, whole, each time it changes: the last copy of an `id`
//! wins. A rewind drops messages from the conversation, not from the bill: their calls were made and paid for.
//!
//! Calls are the `gemini` messages with `tokens` (`TokensSummary`): `input` is the prompt and includes `cached`;
//! `thoughts` are billed as output beside `output`; `tool` (tool-use prompt tokens) is input. The session is
//! `sessionId`. The project is the directory the session ran in, as the folder the recording lies in names it
//! (`gemini_project.rs`); a recording names it only by `projectHash`, the SHA-256 of its path, shown otherwise as
//! `hash ` and the hash's first 12 digits.

use serde_json::Value;

use super::context::{Keep, Meta, Pending, Step};
use super::fields::{string, timestamp, tokens};
use super::{LineError, RawCall, RawTokens, shared};
use crate::call::{Dedup, Tokens};

const NAMESPACE: &str = "gemini-cli";

const MESSAGE_TYPES: [&str; 5] = ["user", "gemini", "info", "error", "warning"];

pub fn detect(v: &Value) -> bool {
    let header = v.get("sessionId").is_some_and(Value::is_string) && v.get("projectHash").is_some();
    let update = v.get("$set").is_some_and(Value::is_object) || v.get("$rewindTo").is_some();
    header || update || is_message(v)
}

fn is_message(v: &Value) -> bool {
    v.get("id").is_some_and(Value::is_string)
        && v.get("timestamp").is_some()
        && v.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| MESSAGE_TYPES.contains(&t))
}

pub fn parse(v: &Value) -> Result<Vec<Step>, LineError> {
    let mut steps = Vec::new();
    if let Some(session) = string(v, "sessionId")?.filter(|s| !s.is_empty()) {
        let project = match v.get("projectHash") {
            Some(Value::String(p)) if !p.is_empty() => Some(shared(&hash_label(p))),
            _ => None,
        };
        steps.push(Step::Meta(Box::new(Meta {
            session: shared(&session),
            project_by_hash: project.is_some(),
            project,
            branch: None,
            replay_until: None,
        })));
    }
    let messages = match v.get("$set") {
        Some(set) => set.get("messages"),
        None => v.get("messages"),
    };
    match messages {
        Some(Value::Array(list)) => {
            for m in list {
                steps.extend(message(m)?);
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(LineError::bad("`messages` must be an array")),
    }
    if is_message(v) {
        steps.extend(message(v)?);
    }
    Ok(steps)
}

/// A project hash as shown: short, and said to be a hash (not a directory); 12 hex digits keep 100,000 projects
/// apart.
fn hash_label(hash: &str) -> String {
    let short: String = hash.chars().take(12).collect();
    format!("hash {short}")
}

/// A message's call: a `gemini` reply with token counts; anything else is none.
fn message(m: &Value) -> Result<Option<Step>, LineError> {
    if m.get("type").and_then(Value::as_str) != Some("gemini") {
        return Ok(None);
    }
    let t = match m.get("tokens") {
        Some(t) if t.is_object() => t,
        // A reply still streaming, or one that failed, has no counts yet.
        _ => return Ok(None),
    };
    let input = tokens(t, "input")?;
    let cached = tokens(t, "cached")?;
    if cached > input {
        return Err(LineError::bad("`tokens.cached` is larger than `tokens.input`"));
    }
    let usage = Tokens {
        input: (input - cached).saturating_add(tokens(t, "tool")?),
        cache_read: cached,
        output: tokens(t, "output")?.saturating_add(tokens(t, "thoughts")?),
        ..Tokens::default()
    };
    if usage == Tokens::default() {
        return Ok(None);
    }
    let model = string(m, "model")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| LineError::bad("a Gemini reply with `tokens` but no `model`"))?;
    let mut call = RawCall::new(shared(&model), RawTokens::Reported(usage));
    call.timestamp = timestamp(m, "timestamp")?;
    call.dedup = string(m, "id")?
        .filter(|id| !id.is_empty())
        .map(|id| Dedup::response(&id, &Tokens::default(), false).within(NAMESPACE));
    Ok(Some(Step::Call(Box::new(Pending {
        keep: Keep::Latest,
        ..Pending::new(call)
    }))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_bills_its_prompt_less_the_cache_and_its_thoughts_as_output() {
        let v: Value = serde_json::from_str(
            r#"{"id":"m1","timestamp":"2026-03-10T09:00:00Z","type":"gemini","model":"gemini-2.5-pro",
                "tokens":{"input":1000,"output":300,"cached":200,"thoughts":50,"tool":7,"total":1357}}"#,
        )
        .unwrap();
        assert!(detect(&v));
        let steps = parse(&v).unwrap();
        let Step::Call(p) = &steps[0] else { panic!("{steps:?}") };
        assert_eq!(
            p.call.tokens,
            RawTokens::Reported(Tokens {
                input: 807,
                cache_read: 200,
                output: 350,
                ..Tokens::default()
            })
        );
        // A user message is read and holds no call.
        let user: Value =
            serde_json::from_str(r#"{"id":"u1","timestamp":"2026-03-10T09:00:00Z","type":"user","content":"x"}"#)
                .unwrap();
        assert!(detect(&user) && parse(&user).unwrap().is_empty());
    }
}
