//! AWS Bedrock model-invocation logs (CloudWatch Logs or S3, one JSON record a line): `schemaType:
//! "ModelInvocationLog"`, `timestamp`, `requestId`, `operation`, `modelId`, `input.inputTokenCount`,
//! `output.outputTokenCount`, `requestMetadata` (the caller's tags).
//!
//! `modelId` is a model id (`anthropic.claude-...-v2:0`), a cross-region inference profile (`us.anthropic...`,
//! `eu.`, `apac.`, `global.`) or an ARN of either; the ARN is cut to its id here and the price lookup, told the
//! call was served by Bedrock, reads the rest. Bedrock counts input as Anthropic does, cache reads and writes apart:
//! they are `input.cacheReadInputTokenCount` / `cacheWriteInputTokenCount` where the record has them, else in the
//! response body's usage (`cache_read_input_tokens`, `cache_creation_input_tokens`, or Converse's
//! `cacheReadInputTokens`, `cacheWriteInputTokens`). The request and response bodies are never read otherwise.

use serde_json::Value;

use super::gateway::{count, get, object, pairs, tag_key, text, time};
use super::{LineError, Parsed, RawCall, RawTokens};
use crate::call::{Dedup, Tokens};

pub fn detect(v: &Value) -> bool {
    v.get("schemaType").and_then(Value::as_str) == Some("ModelInvocationLog")
}

/// The model id of a Bedrock ARN (`arn:aws:bedrock:REGION:ACCOUNT:inference-profile/us.anthropic.x`): what follows
/// its last `/`. An application inference profile's id names no model, and is kept whole.
fn model_id(id: &str) -> &str {
    match id.strip_prefix("arn:") {
        Some(rest) if !rest.contains("application-inference-profile/") => id.rsplit_once('/').map_or(id, |(_, m)| m),
        _ => id,
    }
}

/// Cache counts from the record's input, else from the response body's usage.
fn cache(v: &Value) -> Result<(u64, u64), LineError> {
    let read = count(v, "input.cacheReadInputTokenCount")?;
    let write = count(v, "input.cacheWriteInputTokenCount")?;
    if read > 0 || write > 0 {
        return Ok((read, write));
    }
    let Some(usage) = get(v, "output.outputBodyJson.usage") else {
        return Ok((0, 0));
    };
    let read = count(usage, "cache_read_input_tokens")?.max(count(usage, "cacheReadInputTokens")?);
    let write = count(usage, "cache_creation_input_tokens")?.max(count(usage, "cacheWriteInputTokens")?);
    Ok((read, write))
}

pub fn parse(v: &Value) -> Parsed {
    let input = count(v, "input.inputTokenCount")?;
    let output = count(v, "output.outputTokenCount")?;
    let (cache_read, cache_write) = cache(v)?;
    let tokens = Tokens {
        input,
        cache_read,
        cache_write_5m: cache_write,
        output,
        ..Tokens::default()
    };
    // A failed invocation is logged with its error and no output: nothing was billed.
    if tokens == Tokens::default() && (get(v, "errorCode").is_some() || get(v, "output").is_none()) {
        return Ok(Vec::new());
    }
    let id = text(v, "modelId")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| LineError::bad("no `modelId`"))?;
    let mut call = RawCall::new(super::shared(model_id(&id)), RawTokens::Reported(tokens));
    call.provider = Some("bedrock");
    call.timestamp = time(v, "timestamp", false)?;
    if let Some(meta) = object(v, "requestMetadata")? {
        call.tag = tag_key(pairs(&meta));
    }
    if let Some(id) = text(v, "requestId")? {
        call.dedup = Some(Dedup::response(&id, &tokens, false).within("bedrock"));
    }
    Ok(vec![call])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_cut_to_their_model() {
        assert_eq!(
            model_id("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-x-v1:0"),
            "us.anthropic.claude-x-v1:0"
        );
        assert_eq!(
            model_id("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-x-v1:0"),
            "anthropic.claude-x-v1:0"
        );
        let app = "arn:aws:bedrock:us-east-1:1:application-inference-profile/abc123";
        assert_eq!(model_id(app), app);
        assert_eq!(model_id("us.anthropic.claude-x-v1:0"), "us.anthropic.claude-x-v1:0");
    }
}
