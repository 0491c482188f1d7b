//! Calls to current models, each in its provider's own log format and name form, priced at the bundled tables'
//! rows (`pricing/*.yaml`, dated 2026-11-20 from LiteLLM 1.110.2 unless said otherwise). USD per 1M tokens; each
//! "per 1M" sum below is divided by 1,000,000. If a bundled price changes, the figure here must be worked out again
//! from the table, by hand.

mod common;
use common::{close, tokencost};
use serde_json::Value;

fn report(log: &str) -> Value {
    let out = tokencost()
        .args(["analyze", log, "--format", "json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// The cost of the group keyed `key`.
fn cost<'a>(r: &'a Value, key: &str) -> &'a Value {
    let g = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {r:#}"));
    &g["cost_usd"]
}

// openai_compatible.jsonl, Chat Completions responses from OpenAI and OpenAI-compatible servers:
// 1. gpt-5.1-2025-11-13 (OpenAI, by gpt-5.1's pattern) at 1.25 / 0.125 cached / 10: 10000 prompt tokens of which
//    4000 cached, 2000 completion (reasoning inside): 6000 x 1.25 + 4000 x 0.125 + 2000 x 10 = 7500 + 500 + 20000
//    = 28000
// 2. grok-4.20 (xAI) at 1.25 / 0.20 / 2.50: 4000 x 1.25 + 1000 x 0.2 + 800 x 2.5 = 5000 + 200 + 2000 = 7200
// 3. deepseek-chat (DeepSeek, row of 2025-09-29) at 0.28 / 0.028 / 0.42, its cache hits in DeepSeek's own
//    `prompt_cache_hit_tokens`: 4000 x 0.28 + 6000 x 0.028 + 1000 x 0.42 = 1120 + 168 + 420 = 1708
// 4. mistral-large-latest (Mistral, row of 2025-12-02) at 0.50 / 1.50: 2000 x 0.5 + 1000 x 1.5 = 2500
// 5. accounts/fireworks/models/kimi-k2-instruct (Fireworks) at 0.60 / 2.50: 600 + 2500 = 3100
// 6. azure/gpt-5.1 (LiteLLM's prefix: Azure's row) at 1.25 / 10: 3000 x 1.25 + 500 x 10 = 3750 + 5000 = 8750
// 7. openai/gpt-oss-120b: OpenAI does not sell it and three hosts do (DeepInfra, Groq, Together); the log does not
//    say which served it, so it stays unpriced with its candidates, never at a guessed host's price.
#[test]
fn openai_compatible_servers_are_priced_by_their_provider() {
    let r = report("fixtures/current/openai_compatible.jsonl");
    close(cost(&r, "openai/gpt-5.1-2025-11-13"), 28000.0 / 1e6);
    close(cost(&r, "xai/grok-4.20"), 7200.0 / 1e6);
    close(cost(&r, "deepseek/deepseek-chat"), 1708.0 / 1e6);
    close(cost(&r, "mistral/mistral-large-latest"), 2500.0 / 1e6);
    close(
        cost(&r, "fireworks/accounts/fireworks/models/kimi-k2-instruct"),
        3100.0 / 1e6,
    );
    close(cost(&r, "azure/gpt-5.1"), 8750.0 / 1e6);
    close(
        &r["totals"]["cost_usd"],
        (28000.0 + 7200.0 + 1708.0 + 2500.0 + 3100.0 + 8750.0) / 1e6,
    );
    let unpriced = r["unpriced"].as_array().unwrap();
    assert_eq!(unpriced.len(), 1);
    assert_eq!(unpriced[0]["model"], "openai/gpt-oss-120b");
    let reason = unpriced[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("ambiguous") && reason.contains("groq/openai/gpt-oss-120b"),
        "{reason}"
    );
}

// anthropic.jsonl, Messages API responses:
// 1. claude-opus-4-5-20251101 (Anthropic) at 5 / 0.50 cache read / 6.25 cache write / 25: 3000 x 5 + 20000 x 0.5 +
//    1000 x 6.25 + 1500 x 25 = 15000 + 10000 + 6250 + 37500 = 68750
// 2. claude-sonnet-4-5@20250929, Vertex's name (listed with its date) at 3 / 15: 1000 x 3 + 200 x 15 = 6000
#[test]
fn claude_is_priced_by_anthropic_or_by_vertex_as_named() {
    let r = report("fixtures/current/anthropic.jsonl");
    close(cost(&r, "anthropic/claude-opus-4-5-20251101"), 68750.0 / 1e6);
    close(cost(&r, "vertex/claude-sonnet-4-5@20250929"), 6000.0 / 1e6);
}

// bedrock_otel.jsonl, an OTel GenAI span from Bedrock with an inference-profile ARN for Claude Opus 4.5, at
// Bedrock's regional rates 5.50 / 0.55 cache read / 6.875 cache write / 27.50. Input 12000 includes 8000 cache
// reads and 1000 cache writes: 3000 x 5.5 + 8000 x 0.55 + 1000 x 6.875 + 500 x 27.5 = 16500 + 4400 + 6875 + 13750
// = 41525
#[test]
fn a_bedrock_span_is_priced_at_bedrock_regional_rates() {
    let r = report("fixtures/current/bedrock_otel.jsonl");
    close(
        cost(&r, "bedrock/us.anthropic.claude-opus-4-5-20251101-v1:0"),
        41525.0 / 1e6,
    );
}

// gemini.jsonl, generateContent responses:
// 1. gemini-3.1-pro-preview with a 250,000-token prompt, above its 200,000 threshold: the whole request at 4 / 18.
//    Thoughts bill as output: 250000 x 4 + (1000 + 500) x 18 = 1000000 + 27000 = 1027000
// 2. gemini-3-flash-preview at 0.50 / 0.05 cached / 3: 8000 prompt tokens of which 6000 cached, 400 output:
//    2000 x 0.5 + 6000 x 0.05 + 400 x 3 = 1000 + 300 + 1200 = 2500
#[test]
fn gemini_3_is_priced_with_its_long_context_level() {
    let r = report("fixtures/current/gemini.jsonl");
    close(cost(&r, "google/gemini-3.1-pro-preview"), 1027000.0 / 1e6);
    close(cost(&r, "google/gemini-3-flash-preview"), 2500.0 / 1e6);
}
