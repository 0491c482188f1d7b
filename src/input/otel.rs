//! OpenTelemetry GenAI spans exported as OTLP/JSON lines (the OTel file exporter: one `TracesData` per line).
//!
//! Every span with GenAI usage attributes is a call. Current names (`gen_ai.usage.input_tokens`,
//! `gen_ai.usage.output_tokens`, `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens`)
//! and older ones (`gen_ai.usage.prompt_tokens`, `gen_ai.usage.completion_tokens`,
//! `gen_ai.usage.cache_read_input_tokens`) are read. Input tokens SHOULD include cached ones, and are taken as
//! including them unless they are fewer than the cache figures. Model: `gen_ai.response.model`, else
//! `gen_ai.request.model`; session: `gen_ai.conversation.id`, else OpenLLMetry's association `session_id`;
//! timestamp: the span's start. The provider (`gen_ai.provider.name`, formerly `gen_ai.system`) is passed on as the
//! price table's provider id, so that `aws.bedrock` prices a Claude id at Bedrock's rates.

use serde_json::Value;
use std::collections::HashMap;

use super::{LineError, Parsed, RawCall, RawTokens};
use crate::call::{Dedup, Tokens};
use crate::input::fields::MAX_TOKENS;

pub fn detect(v: &Value) -> bool {
    v.get("resourceSpans").is_some()
}

/// An OTLP `AnyValue`: strings as they are; numbers (int64 travels as a decimal string) as text too.
fn any_value(v: &Value) -> Option<String> {
    for k in ["stringValue", "intValue", "doubleValue", "boolValue"] {
        match v.get(k) {
            Some(Value::String(s)) => return Some(s.clone()),
            Some(other @ (Value::Number(_) | Value::Bool(_))) => return Some(other.to_string()),
            _ => {}
        }
    }
    None
}

fn attributes(span: &Value) -> HashMap<&str, String> {
    let mut out = HashMap::new();
    for a in span.get("attributes").and_then(Value::as_array).into_iter().flatten() {
        if let (Some(k), Some(v)) = (a.get("key").and_then(Value::as_str), a.get("value").and_then(any_value)) {
            out.insert(k, v);
        }
    }
    out
}

/// The semantic conventions' provider names, current and former, with the price table's provider id for each.
/// `gcp.gen_ai` ("any Google endpoint") is left out: it does not say whether Vertex or the Gemini API billed the
/// call, so the model name decides.
const PROVIDERS: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("anthropic", "anthropic"),
    ("aws.bedrock", "bedrock"),
    ("azure.ai.openai", "azure"),
    ("az.ai.openai", "azure"),
    ("azure.ai.inference", "azure"),
    ("az.ai.inference", "azure"),
    ("gcp.gemini", "google"),
    ("gemini", "google"),
    ("gcp.vertex_ai", "vertex"),
    ("vertex_ai", "vertex"),
    ("mistral_ai", "mistral"),
    ("deepseek", "deepseek"),
    ("x_ai", "xai"),
    ("xai", "xai"),
    ("groq", "groq"),
    ("cohere", "cohere"),
    ("perplexity", "perplexity"),
    ("ibm.watsonx.ai", "watsonx"),
];

/// The provider id for an OTel provider name; case is ignored, as some instrumentations write `OpenAI`.
fn provider_id(name: &str) -> Option<&'static str> {
    PROVIDERS
        .iter()
        .find(|(otel, _)| otel.eq_ignore_ascii_case(name.trim()))
        .map(|&(_, id)| id)
}

fn count(attrs: &HashMap<&str, String>, names: &[&str]) -> Result<Option<u64>, LineError> {
    for name in names {
        if let Some(v) = attrs.get(name) {
            return match v.parse::<u64>() {
                Ok(n) if n <= MAX_TOKENS => Ok(Some(n)),
                _ => Err(LineError::bad(format!(
                    "`{name}` must be a whole number of tokens from 0 to {MAX_TOKENS}"
                ))),
            };
        }
    }
    Ok(None)
}

fn span_call(span: &Value) -> Result<Option<RawCall>, LineError> {
    let a = attributes(span);
    let input = count(&a, &["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"])?;
    let output = count(&a, &["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"])?;
    if input.is_none() && output.is_none() {
        return Ok(None);
    }
    let read = count(
        &a,
        &[
            "gen_ai.usage.cache_read.input_tokens",
            "gen_ai.usage.cache_read_input_tokens",
        ],
    )?;
    let write = count(
        &a,
        &[
            "gen_ai.usage.cache_creation.input_tokens",
            "gen_ai.usage.cache_creation_input_tokens",
        ],
    )?;
    let (input, read, write) = (input.unwrap_or(0), read.unwrap_or(0), write.unwrap_or(0));
    let cached = read.saturating_add(write);
    let t = Tokens {
        input: if input >= cached { input - cached } else { input },
        cache_read: read,
        cache_write_5m: write,
        cache_write_1h: 0,
        output: output.unwrap_or(0),
    };
    let model = a
        .get("gen_ai.response.model")
        .or_else(|| a.get("gen_ai.request.model"))
        .cloned()
        .ok_or_else(|| {
            LineError::bad("a GenAI span with usage but no `gen_ai.response.model` or `gen_ai.request.model`")
        })?;
    let mut call = RawCall::new(model, RawTokens::Reported(t));
    call.provider = a
        .get("gen_ai.provider.name")
        .or_else(|| a.get("gen_ai.system"))
        .and_then(|p| provider_id(p));
    call.session = a
        .get("gen_ai.conversation.id")
        .or_else(|| a.get("traceloop.association.properties.session_id"))
        .map(|s| s.as_str().into());
    let start = span.get("startTimeUnixNano").and_then(|s| match s {
        Value::String(s) => s.parse::<i64>().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    });
    call.timestamp = start.map(chrono::DateTime::from_timestamp_nanos);
    call.dedup = a.get("gen_ai.response.id").map(|id| Dedup::response(id, &t, false));
    Ok(Some(call))
}

pub fn parse(v: &Value) -> Parsed {
    let mut calls = Vec::new();
    for rs in v["resourceSpans"].as_array().into_iter().flatten() {
        let scopes = rs.get("scopeSpans").or_else(|| rs.get("instrumentationLibrarySpans"));
        for ss in scopes.and_then(Value::as_array).into_iter().flatten() {
            for span in ss.get("spans").and_then(Value::as_array).into_iter().flatten() {
                calls.extend(span_call(span)?);
            }
        }
    }
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_become_table_ids() {
        let cases = [
            ("openai", Some("openai")),
            ("OpenAI", Some("openai")),
            ("anthropic", Some("anthropic")),
            ("aws.bedrock", Some("bedrock")),
            ("azure.ai.openai", Some("azure")),
            ("az.ai.inference", Some("azure")),
            ("gcp.gemini", Some("google")),
            ("gcp.vertex_ai", Some("vertex")),
            ("gcp.gen_ai", None),
            ("mistral_ai", Some("mistral")),
            ("deepseek", Some("deepseek")),
            ("x_ai", Some("xai")),
            ("groq", Some("groq")),
            ("my-proxy", None),
        ];
        for (name, want) in cases {
            assert_eq!(provider_id(name), want, "{name}");
        }
    }

    /// The current attribute wins over the former one, even when only the former names a known provider.
    #[test]
    fn a_span_carries_its_provider() {
        let span = |attrs: &str| {
            let line = format!(
                r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"attributes":[{attrs}{{"key":"gen_ai.request.model","value":{{"stringValue":"m"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"1"}}}}]}}]}}]}}]}}"#
            );
            let v: Value = serde_json::from_str(&line).unwrap();
            parse(&v).unwrap()[0].provider
        };
        let attr = |k: &str, v: &str| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}},"#);
        assert_eq!(span(&attr("gen_ai.provider.name", "aws.bedrock")), Some("bedrock"));
        assert_eq!(span(&attr("gen_ai.system", "gcp.vertex_ai")), Some("vertex"));
        let both = attr("gen_ai.provider.name", "gcp.gen_ai") + &attr("gen_ai.system", "openai");
        assert_eq!(span(&both), None);
        assert_eq!(span(""), None);
    }
}
