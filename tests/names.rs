//! Model names as clouds write them, through the binary: each call is priced by the provider that billed it. The
//! prices are the test's own (`fixtures/names/prices/`, figures no real table has), layered over the bundled
//! tables under the same provider and model ids, so the figures below do not move when the bundled tables do.
//! USD per 1M tokens; "per 1M" sums are divided by 1,000,000.

mod common;
use assert_cmd::cargo::cargo_bin_cmd;
use common::{close, keys};
use serde_json::Value;

const PRICES: &str = "fixtures/names/prices";

fn report(log: &str, more: &[&str]) -> Value {
    let out = cargo_bin_cmd!("tokencost")
        .args(["analyze", log, "--pricing", PRICES, "--format", "json"])
        .args(more)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

// otel_bedrock.jsonl, Bedrock at $3.30 input, $0.33 cache read, $4.125 cache write, $16.50 output:
// 1. `gen_ai.provider.name: aws.bedrock`, an inference-profile ARN: the id after its last `/`. Input 12000
//    includes 8000 cache reads and 1000 cache writes: 3000 x 3.30 + 8000 x 0.33 + 1000 x 4.125 + 500 x 16.50
//    = 9900 + 2640 + 4125 + 8250 = 24915
// 2. `aws.bedrock` with Anthropic's own name, which Bedrock does not list: unpriced (not at Anthropic's price)
// 3. no provider stated, a regional Bedrock id: Bedrock's entry. 2000 x 3.30 + 100 x 16.50 = 6600 + 1650 = 8250
// 4. span 2 exported again: the same response, counted once
// Every span has a response id, so each waits for the end of the input: with `--spill-after 1` they go through
// the spill records, and the unpriced one must come back with its reason, not priced again from its name.
#[test]
fn a_bedrock_span_is_priced_by_bedrock() {
    let log = "fixtures/names/otel_bedrock.jsonl";
    let r = report(log, &[]);
    assert_eq!(r, report(log, &["--spill-after", "1"]));
    assert_eq!(r["summary"]["duplicate_lines"], 1);
    let t = &r["totals"];
    close(&t["cost_usd"], (24915.0 + 8250.0) / 1e6);
    assert_eq!(t["calls"], 2);
    assert_eq!(keys(&r), ["bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0"]);
    let unpriced = r["unpriced"].as_array().unwrap();
    assert_eq!(unpriced.len(), 1);
    assert_eq!(unpriced[0]["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(
        unpriced[0]["reason"],
        "not listed by bedrock, the provider the log names"
    );
    assert_eq!(
        (
            unpriced[0]["input_tokens"].as_u64(),
            unpriced[0]["output_tokens"].as_u64()
        ),
        (Some(700), Some(50))
    );
}

// anthropic_vertex.jsonl, Anthropic Messages responses from Vertex, whose `@` names are Vertex's alone:
// 1. claude-opus-4-5@20251101, listed with its date at $5.50 / $0.55 cached / $27.50:
//    1000 x 5.50 + 2000 x 0.55 + 300 x 27.50 = 5500 + 1100 + 8250 = 14850
// 2. claude-haiku-4-5@20260115, a snapshot date no table lists (as a newer snapshot would be written): Vertex's
//    claude-haiku-4-5 at $1.10 / $5.50:
//    4000 x 1.10 + 200 x 5.50 = 4400 + 1100 = 5500
#[test]
fn a_vertex_name_in_an_anthropic_response_is_priced_by_vertex() {
    let r = report("fixtures/names/anthropic_vertex.jsonl", &[]);
    close(&r["totals"]["cost_usd"], (14850.0 + 5500.0) / 1e6);
    assert_eq!(keys(&r), ["vertex/claude-opus-4-5@20251101", "vertex/claude-haiku-4-5"]);
    close(&r["groups"][0]["cost_usd"], 14850.0 / 1e6);
    close(&r["groups"][1]["cost_usd"], 5500.0 / 1e6);
    assert_eq!(r["unpriced"].as_array().unwrap().len(), 0);
}
