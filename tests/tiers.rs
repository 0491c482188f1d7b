//! Service tiers, explicit batch rates and long-context levels, end to end. The prices in `fixtures/tiers/` are
//! copied by hand from LiteLLM 1.110.2 (gpt-5.4, gemini-2.5-pro) and from tokencost's long-context row for
//! claude-sonnet-4-5; each expected cost below is worked out from them by hand, in USD per 1M tokens.

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

/// The cost of each call of `file`, in line order, as exact decimal strings.
fn costs(file: &str) -> Vec<String> {
    let out = cargo_bin_cmd!("tokencost")
        .args([
            "analyze",
            file,
            "--pricing",
            "fixtures/tiers",
            "--by",
            "call",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["summary"]["unpriced_calls"], 0, "{v}");
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["cost_usd"].to_string())
        .collect()
}

#[test]
fn openai_priority_flex_and_the_272k_level() {
    let got = costs("fixtures/tiers/openai_responses.jsonl");
    // 1. priority, 10,000 in (4,000 cached), 2,000 out: 6000 x 5 + 4000 x 0.5 + 2000 x 30 = 92,000
    // 2. flex, 300,000 in (100,000 cached), 1,000 out, above 272k: the level's flex rates 2.5 / 0.25 / 11.25:
    //    200000 x 2.5 + 100000 x 0.25 + 1000 x 11.25 = 500,000 + 25,000 + 11,250 = 536,250
    // 3. priority above 272k: the table lists no priority rates for that level, so the level's standard rates:
    //    280000 x 5 + 100 x 22.5 = 1,402,250
    // 4. `default` is the standard tier: 1000 x 2.5 + 100 x 15 = 4,000
    assert_eq!(got, ["0.092", "0.53625", "1.40225", "0.004"]);
}

#[test]
fn openai_batch_uses_the_explicit_batch_rates_at_each_level() {
    let got = costs("fixtures/tiers/openai_batch_output.jsonl");
    // 1. 300,000 prompt (50,000 cached), 2,000 out, above 272k at the level's batch rates 2.5 / 0.25 / 11.25:
    //    250000 x 2.5 + 50000 x 0.25 + 2000 x 11.25 = 625,000 + 12,500 + 22,500 = 660,000
    // 2. 10,000 prompt (5,000 cached), 1,000 out at 1.25 / 0.13 / 7.5. A cached batch token is listed at 0.13,
    //    not half of 0.25: 5000 x 1.25 + 5000 x 0.13 + 1000 x 7.5 = 6,250 + 650 + 7,500 = 14,400
    assert_eq!(got, ["0.66", "0.0144"]);
}

#[test]
fn gemini_service_tier_and_vertex_traffic_type() {
    let got = costs("fixtures/tiers/gemini.jsonl");
    // 1. serviceTier flex, 250,000 prompt (50,000 cached), 1,000 + 1,000 thinking out, above 200k at the level's
    //    flex rates 1.25 / 0.25 / 7.5: 200000 x 1.25 + 50000 x 0.25 + 2000 x 7.5 = 250,000 + 12,500 + 15,000
    // 2. serviceTier priority, 1,000 in, 100 out: 1000 x 2.25 + 100 x 18 = 4,050
    // 3. trafficType ON_DEMAND_PRIORITY, 300,000 prompt (100,000 cached), 500 out, above 200k at 4.5 / 0.45 / 27:
    //    200000 x 4.5 + 100000 x 0.45 + 500 x 27 = 900,000 + 45,000 + 13,500 = 958,500
    assert_eq!(got, ["0.2775", "0.00405", "0.9585"]);
}

#[test]
fn anthropic_batch_above_200k_halves_the_long_context_rates() {
    let got = costs("fixtures/tiers/anthropic_batch_results.jsonl");
    // 150,000 fresh + 40,000 cache read + 20,000 one-hour write = 210,000 prompt tokens, above 200k:
    // (150000 x 6 + 40000 x 0.6 + 20000 x 12 + 1000 x 22.5) x 0.5 = 1,186,500 x 0.5 = 593,250
    assert_eq!(got, ["0.59325"]);
}
