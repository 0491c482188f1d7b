//! One configuration for every command: `tokencost.yaml`'s price layers apply to `analyze`, `compare`, `markup`,
//! `project` and `pricing list` alike, and stderr says once which file was read. Price overrides inherit what
//! they do not set, and `pricing check` warns when one raises a price.
//!
//! The figures are worked by hand from the rates written here and the bundled Claude Sonnet 4.5 row ($3 input,
//! $15 output, $0.30 cache reads, $3.75 5-minute writes, $6 1-hour writes per 1M tokens).

mod common;

use common::tokencost;
use std::path::Path;

/// One gpt-4o-2024-08-06 call: 1,000 input and 100 output tokens.
const GPT: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1730000000,"model":"gpt-4o-2024-08-06","usage":{"prompt_tokens":1000,"completion_tokens":100}}"#;

/// One call by an alias of claude-sonnet-4-5: 1,000 fresh input, 1,000 cache-read, 1,000 5-minute cache-write and
/// 100 output tokens.
const CLAUDE: &str = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"usage":{"input_tokens":1000,"cache_creation_input_tokens":1000,"cache_read_input_tokens":1000,"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":0},"output_tokens":100}}"#;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = tokencost().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A folder with a log, `tokencost.yaml` and a negotiated price for gpt-4o-2024-08-06: $5 input, $20 output.
fn folder() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("calls.jsonl"), format!("{GPT}\n")).unwrap();
    std::fs::write(d.path().join("tokencost.yaml"), "pricing: [prices/]\n").unwrap();
    std::fs::create_dir(d.path().join("prices")).unwrap();
    std::fs::write(
        d.path().join("prices/openai.yaml"),
        "provider: {id: openai}\nmodels:\n  - id: gpt-4o-2024-08-06\n    prices:\n      - as_of: 2024-01-01\n        input: 5\n        output: 20\n        source: our contract\n",
    )
    .unwrap();
    d
}

/// At $5/$20 the call costs 1,000 x $5/1M + 100 x $20/1M = $0.0070; at the bundled $2.50/$10 it would be $0.0035.
#[test]
fn every_command_prices_with_the_config_files_layers() {
    let d = folder();
    let (code, out, err) = run(d.path(), &["analyze", "calls.jsonl", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["totals"]["cost_usd"], serde_json::json!(0.007));
    assert_eq!(
        err.matches("tokencost: settings from tokencost.yaml").count(),
        1,
        "{err}"
    );

    let (code, out, err) = run(
        d.path(),
        &["compare", "calls.jsonl", "--models", "gpt-4o-mini", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let logged = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "as logged")
        .unwrap()
        .clone();
    assert_eq!(logged["cost_usd"], serde_json::json!(0.007), "{logged}");
    assert_eq!(err.matches("settings from tokencost.yaml").count(), 1, "{err}");

    for args in [
        &["markup", "--provider", "openai", "--format", "csv"][..],
        &["pricing", "list", "--provider", "openai", "--format", "csv"][..],
    ] {
        let (code, out, err) = run(d.path(), args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let row = out
            .lines()
            .find(|l| l.contains("gpt-4o-2024-08-06,") && !l.contains("ft:"))
            .unwrap();
        assert!(row.contains(",5,") || row.contains(",5.0,"), "{args:?}: {row}");
        assert!(err.contains("settings from tokencost.yaml"), "{args:?}: {err}");
    }
    // Without the file (another folder) the bundled price holds: $0.0035.
    let other = tempfile::tempdir().unwrap();
    std::fs::copy(d.path().join("calls.jsonl"), other.path().join("calls.jsonl")).unwrap();
    let (_, out, err) = run(other.path(), &["analyze", "calls.jsonl", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["totals"]["cost_usd"], serde_json::json!(0.0035));
    assert!(!err.contains("settings from"), "{err}");
}

/// A user's claude-sonnet-4-5 at $2 input and $15 output, setting nothing else. Inherited: cache reads at the
/// bundled 0.1x of input ($0.20), 5-minute writes at 1.25x ($2.50); the aliases (the log names
/// claude-sonnet-4-5-20250929) and the marginal estimate. The call: 1,000 x $2 + 1,000 x $0.20 + 1,000 x $2.50 +
/// 100 x $15 = $0.0062 (bundled: $0.00855). Before inheritance, cache rates fell back to input: $0.0075, dearer
/// than the bundled price it meant to lower.
#[test]
fn an_override_inherits_what_it_does_not_set() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("calls.jsonl"), format!("{CLAUDE}\n")).unwrap();
    let prices = d.path().join("prices.yaml");
    std::fs::write(
        &prices,
        "provider: {id: anthropic}\nmodels:\n  - id: claude-sonnet-4-5\n    prices:\n      - as_of: 2025-01-01\n        input: 2\n        output: 15\n        source: our contract\n",
    )
    .unwrap();
    let (code, out, err) = run(
        d.path(),
        &["analyze", "calls.jsonl", "--pricing", "prices.yaml", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["totals"]["cost_usd"], serde_json::json!(0.0062), "{}", v["totals"]);
    let g = &v["groups"][0];
    assert_eq!(g["key"], "anthropic/claude-sonnet-4-5");
    assert!(g["marginal_cost_usd_low"].is_number(), "the estimate is kept: {g}");
    assert_eq!(v["summary"]["unpriced_calls"], 0);
    // The override sets nothing above the bundled row: check is quiet.
    let (code, _, err) = run(d.path(), &["pricing", "check", "prices.yaml"]);
    assert_eq!(code, 0);
    assert!(!err.contains("warning"), "{err}");
    // A 5-minute write at $4 is above the bundled $3.75: check says so, naming the bucket and both prices.
    std::fs::write(
        &prices,
        "provider: {id: anthropic}\nmodels:\n  - id: claude-sonnet-4-5\n    prices:\n      - as_of: 2025-01-01\n        input: 2\n        output: 15\n        cache_write_5m: 4\n        source: our contract\n",
    )
    .unwrap();
    let (code, _, err) = run(d.path(), &["pricing", "check", "prices.yaml"]);
    assert_eq!(code, 0);
    assert!(
        err.contains(
            "anthropic/claude-sonnet-4-5 from 2025-01-01: cache_write_5m rises from $3.75 to $4 per 1M tokens"
        ),
        "{err}"
    );
}
