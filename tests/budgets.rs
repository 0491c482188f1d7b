//! Budgets in CI: every budget kind within and over, every exit code, the config file and its precedence,
//! GitHub Actions annotations and the Markdown report.
//!
//! fixtures/hand.jsonl costs $0.0387098 in all (see tests/cli.rs for the arithmetic): by session s1 $0.034135
//! (0.03375 + 0.000385), s2 $0.00057, hand.jsonl $0.0040048 (0.004 + 0.0000048); by model claude-sonnet-4-5
//! $0.03375, gpt-4o-2024-08-06 $0.004, gpt-4 $0.00057, gpt-4o $0.000385, gpt-4o-mini $0.0000048. One call
//! (acme-llm-1) has no price.

mod common;

use assert_cmd::Command;
use std::path::Path;

const HAND: &str = "fixtures/hand.jsonl";

fn tokencost() -> Command {
    let mut c = common::tokencost();
    c.env_remove("GITHUB_ACTIONS");
    c
}

/// Runs analyze and returns (exit code, stdout, stderr).
fn analyze(dir: Option<&Path>, args: &[&str]) -> (i32, String, String) {
    let mut c = tokencost();
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let out = c.arg("analyze").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn hand() -> String {
    std::fs::canonicalize(HAND).unwrap().to_string_lossy().into_owned()
}

#[test]
fn within_every_budget_exits_0() {
    let (code, _, err) = analyze(
        None,
        &[
            HAND,
            "--budget",
            "0.04",
            "--session-budget",
            "0.035",
            "--model-budget",
            "claude-sonnet-4-5=0.034",
            "--monthly-budget",
            "100",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("exceeded"), "{err}");
}

#[test]
fn each_budget_kind_overrun_exits_1_and_names_itself() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--budget", "0.03"],
            "total budget $0.0300 exceeded: the logs cost $0.0387",
        ),
        (
            &["--session-budget", "0.03"],
            "session budget $0.0300 exceeded: the dearest session cost $0.0341",
        ),
        (
            &["--model-budget", "claude-sonnet-4-5-20250929=0.03"],
            "budget $0.0300 for claude-sonnet-4-5-20250929 (anthropic/claude-sonnet-4-5) exceeded: it cost $0.0338",
        ),
    ];
    for (flags, message) in cases {
        let (code, out, err) = analyze(None, &[&[HAND][..], flags].concat());
        assert_eq!(code, 1, "{flags:?}: {err}");
        assert!(err.contains(message), "{flags:?}: {err}");
        assert!(out.contains("total"), "stdout still carries the report");
    }
    // The session budget names the sessions over it, dearest first: only s1 ($0.034135) is over $0.03.
    let (_, _, err) = analyze(None, &[HAND, "--session-budget", "0.003"]);
    let after = err.split("session budget").nth(1).unwrap();
    let s1 = after.find("  s1: $0.0341").unwrap();
    let file = after.find("  hand.jsonl: $0.0040").unwrap();
    assert!(s1 < file, "{err}");
    assert!(!after.contains("  s2:"), "s2 ($0.00057) is within $0.003: {err}");
}

/// A log of two gpt-4o calls of 1M input tokens each ($2.50 apiece), at the given times.
fn two_calls(dir: &Path, name: &str, times: [&str; 2]) -> std::path::PathBuf {
    let path = dir.join(name);
    let line = |t: &str| format!(r#"{{"model":"gpt-4o","timestamp":"{t}","usage":{{"input_tokens":1000000}}}}"#);
    std::fs::write(&path, format!("{}\n{}\n", line(times[0]), line(times[1]))).unwrap();
    path
}

#[test]
fn monthly_budget_is_a_projection_over_the_span_of_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    // Two gpt-4o calls of 1M input tokens at $2.50 each, ten days apart: $5 over 10 days -> $15 per 30 days.
    let log = two_calls(
        dir.path(),
        "ten-days.jsonl",
        ["2025-01-01T00:00:00Z", "2025-01-11T00:00:00Z"],
    );
    let p = log.to_str().unwrap();
    let (code, out, err) = analyze(None, &[p, "--monthly-budget", "14", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("monthly budget $14.00 exceeded: the logs project to $15.00 a month (a projection over 30 days)"),
        "{err}"
    );
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["budgets"][0]["projected"], true);
    assert_eq!(analyze(None, &[p, "--monthly-budget", "16"]).0, 0);
    // Logs spanning under a day count as one day's usage: $5 in an hour -> $150 a month, not $3,600.
    let short = two_calls(
        dir.path(),
        "hour.jsonl",
        ["2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z"],
    );
    let (code, _, err) = analyze(None, &[short.to_str().unwrap(), "--monthly-budget", "100"]);
    assert_eq!(code, 1);
    assert!(err.contains("project to $150.00 a month"), "{err}");
}

#[test]
fn bad_usage_and_unreadable_input_exit_2() {
    for args in [
        vec![HAND, "--model-budget", "gpt-4o"],
        vec![HAND, "--model-budget", "gpt-4o=lots"],
        vec![HAND, "--model-budget", "no-such-model=1"],
        vec![HAND, "--budget", "-1"],
        vec![HAND, "--threads", "0"],
        vec!["no/such/file.jsonl", "--budget", "100"],
    ] {
        let (code, _, err) = analyze(None, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    // An unreadable input outranks an overrun: the figures are incomplete.
    let (code, _, _) = analyze(None, &[HAND, "no/such/file.jsonl", "--budget", "0.01"]);
    assert_eq!(code, 2);
}

#[test]
fn strict_fails_on_unpriced_models_and_skipped_lines_with_exit_3() {
    let (code, _, err) = analyze(None, &[HAND]);
    assert_eq!(code, 0, "unpriced models only warn by default");
    assert!(err.contains("warning: no price for model `acme-llm-1`"));
    let (code, _, err) = analyze(None, &[HAND, "--strict"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("--strict: 1 call without a price and 0 lines that could not be read"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("broken.jsonl");
    std::fs::write(
        &log,
        "{\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":10}}\n{broken\n",
    )
    .unwrap();
    let p = log.to_str().unwrap();
    assert_eq!(analyze(None, &[p]).0, 0);
    assert_eq!(analyze(None, &[p, "--strict"]).0, 3);
    // --strict outranks an overrun.
    assert_eq!(analyze(None, &[HAND, "--strict", "--budget", "0.01"]).0, 3);
}

#[test]
fn config_file_and_its_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let hand = hand();
    std::fs::create_dir(dir.path().join("prices")).unwrap();
    std::fs::write(
        dir.path().join("prices/acme.yaml"),
        "provider:\n  id: acme\nmodels:\n  - id: acme-llm-1\n    prices:\n      - {as_of: 2025-01-01, input: 1, output: 2, source: acme}\n",
    )
    .unwrap();
    // tokencost.yaml in the current directory: a total budget, a model budget and pricing relative to the file.
    std::fs::write(
        dir.path().join("tokencost.yaml"),
        "budget: 0.03\nmodel_budgets:\n  gpt-4: 1\npricing: [prices]\nstrict: true\n",
    )
    .unwrap();
    let (code, out, err) = analyze(Some(dir.path()), &[&hand, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    // acme-llm-1 is priced by the config's table: 100 x $1 + 50 x $2 = $0.0002 more, and --strict has nothing to fail.
    assert!((r["totals"]["cost_usd"].as_f64().unwrap() - (0.0387098 + 0.0002)).abs() < 1e-12);
    assert_eq!(r["budgets"].as_array().unwrap().len(), 2);
    // A flag overrides the file's value.
    assert_eq!(analyze(Some(dir.path()), &[&hand, "--budget", "0.05"]).0, 0);
    // --config names another file; the current directory's is then not read.
    std::fs::write(dir.path().join("loose.yaml"), "budget: 1\n").unwrap();
    let (code, _, err) = analyze(Some(dir.path()), &[&hand, "--config", "loose.yaml"]);
    assert_eq!(code, 0, "{err}");
    // A mistake in the file is bad usage, pointing at its line.
    std::fs::write(dir.path().join("typo.yaml"), "budget: 1\nsesion_budget: 2\n").unwrap();
    let (code, _, err) = analyze(Some(dir.path()), &[&hand, "--config", "typo.yaml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("typo.yaml:2:") && err.contains("unknown field `sesion_budget`"),
        "{err}"
    );
}

#[test]
fn github_actions_annotations() {
    let out = tokencost()
        .env("GITHUB_ACTIONS", "true")
        .args(["analyze", HAND, "--budget", "0.01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("::error title=tokencost budget::total budget $0.0100 exceeded: the logs cost $0.0387"),
        "{err}"
    );
    let (_, _, plain) = analyze(None, &[HAND, "--budget", "0.01"]);
    assert!(!plain.contains("::error"), "{plain}");
}

#[test]
fn markdown_report_snapshot() {
    let (code, out, _) = analyze(
        None,
        &[
            HAND,
            "--format",
            "markdown",
            "--budget",
            "0.03",
            "--session-budget",
            "0.05",
            "--model-budget",
            "gpt-4o=0.01",
        ],
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("hand_markdown", out);
}

/// A budget is the decimal typed, read from its text: more digits than an f64 holds survive, on the command line
/// and in `tokencost.yaml`, and bad values are refused with the messages they always had.
#[test]
fn budgets_are_exact_decimals_from_the_text_typed() {
    let limit = |out: &str, kind: &str| -> String {
        let r: serde_json::Value = serde_json::from_str(out).unwrap();
        let b = r["budgets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["kind"] == kind)
            .unwrap();
        b["limit_usd"].to_string()
    };
    let (code, out, _) = analyze(
        None,
        &[
            HAND,
            "--format",
            "json",
            "--budget",
            "0.12345678901234567891",
            "--model-budget",
            "gpt-4o=0.1",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(limit(&out, "total"), "0.12345678901234567891");
    assert_eq!(limit(&out, "model"), "0.1");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tokencost.yaml"),
        "budget: 10000000000000000001\nsession_budget: 0.3\n",
    )
    .unwrap();
    let (_, out, err) = analyze(Some(dir.path()), &[&hand(), "--format", "json"]);
    assert_eq!(limit(&out, "total"), "10000000000000000001", "{err}");
    assert_eq!(limit(&out, "session"), "0.3");
    let (code, _, err) = analyze(None, &[HAND, "--budget", "abc"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid value 'abc' for '--budget <USD>': invalid float literal"),
        "{err}"
    );
    let (_, _, err) = analyze(None, &[HAND, "--budget=nan"]);
    assert!(
        err.contains("--budget must be an amount of 0 or more, got NaN"),
        "{err}"
    );
    let (_, _, err) = analyze(None, &[HAND, "--model-budget", "gpt-4o=lots"]);
    assert!(
        err.contains("--model-budget `gpt-4o=lots`: `lots` is not a number"),
        "{err}"
    );
}
