//! Helicone exports (`@helicone/export`: JSON, JSON lines or CSV; records of its request table): `request_id` or
//! `response_id`, `request_created_at`, `model`, `provider`, `prompt_tokens`, `completion_tokens`,
//! `prompt_cache_read_tokens`, `prompt_cache_write_tokens`, `cost` (Helicone's own price, USD), `status` or
//! `response_status`, `properties` or `request_properties` (the caller's custom properties: `Helicone-Session-Id`
//! is the session, the rest are tags).
//!
//! Cache reads and writes are taken out of `prompt_tokens` when it holds them (OpenAI's way), else `prompt_tokens`
//! is fresh input (`gateway::prompt_buckets`). Reasoning is part of `completion_tokens`. A failed request (a status
//! of 400 or more) with no tokens is no call. Request and response bodies are never read.

use serde_json::Value;

use super::gateway::{self, count, object, pairs, tag_key, text, time};
use super::{LineError, Parsed, RawCall, RawTokens};
use crate::call::{Dedup, Tokens};

pub fn detect(v: &Value) -> bool {
    v.get("request_created_at").is_some() && (v.get("request_id").is_some() || v.get("response_id").is_some())
}

/// The custom property that names a session, however a client spelled it.
fn is_session(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "helicone-session-id" || k == "session_id" || k == "session"
}

pub fn parse(v: &Value) -> Parsed {
    let tokens = gateway::prompt_buckets(
        count(v, "prompt_tokens")?,
        count(v, "prompt_cache_read_tokens")?,
        count(v, "prompt_cache_write_tokens")?,
        count(v, "completion_tokens")?,
    );
    let status = gateway::get(v, "status").or_else(|| gateway::get(v, "response_status"));
    if gateway::failed(status) && tokens == Tokens::default() {
        return Ok(Vec::new());
    }
    let model = text(v, "model")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| LineError::bad("no `model`"))?;
    let mut call = RawCall::new(super::shared(&model), RawTokens::Reported(tokens));
    call.provider = text(v, "provider")?
        .map(|p| p.to_ascii_lowercase())
        .as_deref()
        .and_then(crate::pricing::litellm_provider);
    call.timestamp = time(v, "request_created_at", true)?;
    call.reported_cost = gateway::stated_cost(v, "cost", "Helicone");
    let props = match object(v, "properties")? {
        Some(p) => Some(p),
        None => object(v, "request_properties")?,
    };
    if let Some(props) = props {
        let session = props.as_object().into_iter().flatten().find(|(k, _)| is_session(k));
        call.session = session.and_then(|(_, s)| s.as_str()).map(super::shared);
        let rest: Vec<String> = pairs(&props)
            .into_iter()
            .filter(|p| !p.split_once('=').is_some_and(|(k, _)| is_session(k)))
            .collect();
        call.tag = tag_key(rest);
    }
    let id = match text(v, "request_id")? {
        Some(id) => Some(id),
        None => text(v, "response_id")?,
    };
    if let Some(id) = id {
        call.dedup = Some(Dedup::response(&id, &tokens, false).within("helicone"));
    }
    Ok(vec![call])
}
