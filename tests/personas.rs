//! Three people trying tokencost for the first time, each with the command they would type, and what they wanted
//! from it. Figures are worked out by hand from the fixtures' documented arithmetic.
//!
//! - A Claude Code user asking what last month cost: fixtures/agents/home's Claude Code transcript holds msg_A01
//!   (2026-03-08T07:30Z, $0.0036) and msg_A02 (2026-03-08T18:00Z, $0.00165): March 2026 cost $0.00525
//!   (tests/agents.rs has the arithmetic); April nothing.
//! - A platform engineer adding the README's CI budget step: tests/budgets.rs runs it on the README's sample, under
//!   and over budget; here the same step on logs without sessions (plain API responses) passes when under budget.
//! - Someone exporting a CSV for finance: the rows of `--format csv` sum to the report's total; the model without
//!   a price is a row of its own, never a $0 inside the sum.

mod common;

use common::tokencost;
use std::path::PathBuf;

fn home() -> PathBuf {
    std::fs::canonicalize("fixtures/agents/home").unwrap()
}

#[test]
fn a_claude_code_user_asks_what_march_cost() {
    let out = tokencost()
        .env("HOME", home())
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .args([
            "analyze", "--source", "claude", "--since", "2026-03", "--until", "2026-04", "--format", "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["totals"]["cost_usd"], serde_json::json!(0.00525));
    assert_eq!(r["totals"]["calls"], 2);
    // In words on the terminal too, month and all.
    let out = tokencost()
        .env("HOME", home())
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .args([
            "analyze", "--source", "claude", "--since", "2026-03", "--until", "2026-04", "--by", "month",
        ])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let row = table
        .lines()
        .find(|l| l.contains("2026-03"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains("$0.0053"), "{row}");
}

#[test]
fn a_platform_engineer_gates_plain_api_logs_on_a_session_budget() {
    // Two plain responses of $0.0035 each (1,000 input, 100 output on gpt-4o-2024-08-06 at $2.50/$10): $0.007 in
    // all, well under a $2 session budget and a $25 total; the file is not one session.
    let dir = tempfile::tempdir().unwrap();
    let line = |id: &str| {
        format!(
            r#"{{"id":"{id}","object":"chat.completion","created":1730000000,"model":"gpt-4o-2024-08-06","usage":{{"prompt_tokens":1000,"completion_tokens":100}}}}"#
        )
    };
    std::fs::write(dir.path().join("eval.jsonl"), format!("{}\n{}\n", line("a"), line("b"))).unwrap();
    let md = dir.path().join("cost.md");
    let out = tokencost()
        .current_dir(dir.path())
        .args([
            "analyze",
            "eval.jsonl",
            "--format",
            "markdown",
            "-o",
            "cost.md",
            "--budget",
            "25",
            "--session-budget",
            "2",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    let report = std::fs::read_to_string(md).unwrap();
    assert!(
        report.starts_with("## tokencost: $0.0070 at list prices — within budget"),
        "{report}"
    );
    assert!(err.contains("the session budget checked nothing"), "{err}");
}

#[test]
fn finance_sums_the_csv_and_sees_what_has_no_price() {
    let out = tokencost()
        .args(["analyze", "fixtures/hand.jsonl", "-o", "-", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let sum: rust_decimal::Decimal = records
        .iter()
        .filter(|r| &r[col("priced")] == "true")
        .map(|r| r[col("cost_usd")].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    // tests/cli.rs: fixtures/hand.jsonl costs $0.0387098 at list prices.
    assert_eq!(sum.to_string(), "0.0387098");
    let unpriced: Vec<&str> = records
        .iter()
        .filter(|r| &r[col("priced")] == "false")
        .map(|r| &r[0])
        .collect();
    assert_eq!(unpriced, ["acme-llm-1"]);
    assert!(records.iter().all(|r| &r[0] != "TOTAL"));
}
