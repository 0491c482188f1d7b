//! Claude Code session transcripts (`~/.claude/projects/<project>/<sessionId>.jsonl`, subagent files included).
//!
//! Only `assistant` lines with a real model and usage are calls; user, system, summary and other lines are read and
//! passed over, and `<synthetic>` API-error placeholders are not calls. Claude Code writes one line per content
//! block, each repeating the message's usage (early ones can be streaming snapshots), and a sidechain may replay a
//! parent's message: all share `message.id`, so the response is counted once, from its fullest main-thread copy.
//! The session is `sessionId`; `costUSD` (old versions) is ignored in favour of the price tables.

use serde_json::Value;
use std::sync::Arc;

use super::fields::{string, timestamp};
use super::{Parsed, anthropic};

const KEYS: [&str; 4] = ["sessionId", "requestId", "costUSD", "parentUuid"];

pub fn detect(v: &Value) -> bool {
    let summary = v.get("type").and_then(Value::as_str) == Some("summary") && v.get("leafUuid").is_some();
    let entry = v.get("timestamp").is_some()
        && v.get("message").is_some_and(Value::is_object)
        && KEYS.iter().any(|k| v.get(k).is_some());
    summary || entry
}

pub fn parse(v: &Value) -> Parsed {
    if v.get("type").and_then(Value::as_str) != Some("assistant")
        || v.get("isApiErrorMessage").and_then(Value::as_bool) == Some(true)
    {
        return Ok(Vec::new());
    }
    let msg = &v["message"];
    if msg.get("usage").is_none_or(Value::is_null) {
        return Ok(Vec::new());
    }
    let replay = v.get("isSidechain").and_then(Value::as_bool) == Some(true);
    let Some(mut call) = anthropic::message_call(msg, replay)? else {
        return Ok(Vec::new());
    };
    call.session = string(v, "sessionId")?.map(Arc::from);
    // Where the call was made is no part of its bill: a value of another type is passed over, not an error.
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(Arc::from)
    };
    call.project = text("cwd");
    call.branch = text("gitBranch");
    call.timestamp = timestamp(v, "timestamp")?;
    Ok(vec![call])
}
