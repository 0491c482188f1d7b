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
    // The session budget names the sessions over it, dearest first: only s1 ($0.034135) is over $0.03. The
    // file's calls without a session count as one session only when asked.
    let (_, _, err) = analyze(None, &[HAND, "--session-budget", "0.003", "--session-from", "file"]);
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

/// The JSON report's budgets, from an analyze run of `args`.
fn budgets_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, out, err) = analyze(None, &[args, &["--format", "json"][..]].concat());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    (code, v["budgets"].clone(), err)
}

/// The names a budget's result lists as its offenders, in order.
fn offender_names(budget: &serde_json::Value) -> Vec<&str> {
    budget["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect()
}

/// `gpt-4o` names the model and its dated snapshots: the gpt-4o call ($0.000385) and the gpt-4o-2024-08-06 one
/// ($0.004) count, $0.004385 in all; gpt-4o-mini ($0.0000048) is another model and does not.
#[test]
fn a_model_budget_covers_dated_snapshots_not_other_models() {
    let (code, b, err) = budgets_json(&[HAND, "--model-budget", "gpt-4o=0.004"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(b[0]["actual_usd"], serde_json::json!(0.004385), "{b}");
    assert_eq!(b[0]["subject"], "gpt-4o (openai/gpt-4o and its dated snapshots)");
    assert_eq!(offender_names(&b[0]), ["openai/gpt-4o-2024-08-06", "openai/gpt-4o"]);
    assert!(
        err.contains("budget $0.0040 for gpt-4o (openai/gpt-4o and its dated snapshots) exceeded: it cost $0.0044"),
        "{err}"
    );
    // A name that is itself a snapshot covers that snapshot alone.
    let (code, b, _) = budgets_json(&[HAND, "--model-budget", "gpt-4o-2024-08-06=0.004"]);
    assert_eq!((code, b[0]["actual_usd"].clone()), (0, serde_json::json!(0.004)));
}

/// A glob covers every model it matches: `claude-*` is the claude-sonnet-4-5 call, $0.03375; `gpt-4o*` is
/// gpt-4o-2024-08-06, gpt-4o and gpt-4o-mini, $0.0043898.
#[test]
fn a_glob_budget_covers_every_model_it_matches() {
    let (code, b, err) = budgets_json(&[HAND, "--model-budget", "claude-*=0.03", "--model-budget", "gpt-4o*=1"]);
    assert_eq!(code, 1, "{err}");
    let by_subject = |s: &str| {
        b.as_array()
            .unwrap()
            .iter()
            .find(|x| x["subject"] == s)
            .unwrap()
            .clone()
    };
    assert_eq!(by_subject("claude-*")["actual_usd"], serde_json::json!(0.03375));
    assert_eq!(by_subject("claude-*")["over"], true);
    assert_eq!(by_subject("gpt-4o*")["actual_usd"], serde_json::json!(0.0043898));
    assert_eq!(by_subject("gpt-4o*")["over"], false);
}

/// A budget no call falls under checked nothing: a warning, and a failure under `--strict` (exit 3).
#[test]
fn a_budget_that_matches_no_call_warns_and_fails_under_strict() {
    let (code, b, err) = budgets_json(&[HAND, "--model-budget", "gemini-*=1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(b[0]["matched"], false);
    assert!(err.contains("the budget for gemini-* checked nothing"), "{err}");
    // The sample has no unpriced call and no bad line: only the budget can fail it.
    let (code, _, err) = analyze(
        None,
        &["fixtures/sample.jsonl", "--model-budget", "o3-mini=1", "--strict"],
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("1 budget checked nothing"), "{err}");
}

/// A key given twice is a mistake: on the command line and in `tokencost.yaml` alike (any case).
#[test]
fn a_repeated_budget_key_is_an_error() {
    let (code, _, err) = analyze(
        None,
        &[HAND, "--model-budget", "gpt-4o=1", "--model-budget", "GPT-4o=2"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--model-budget `GPT-4o` is given twice"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tokencost.yaml"),
        "model_budgets:\n  gpt-4o: 1\n  gpt-4o: 2\n",
    )
    .unwrap();
    let (code, _, err) = analyze(Some(dir.path()), &[&hand()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("tokencost.yaml") && err.contains("`gpt-4o` is given twice"),
        "{err}"
    );
    // The flag overrides the file's key: no repetition.
    std::fs::write(dir.path().join("tokencost.yaml"), "model_budgets:\n  gpt-4o: 1\n").unwrap();
    let (code, _, err) = analyze(Some(dir.path()), &[&hand(), "--model-budget", "gpt-4o=0.001"]);
    assert_eq!(code, 1, "{err}");
}

/// Calls without a session are outside session budgets (two priced calls of hand.jsonl, $0.0040048), with a
/// warning; `--session-from file` counts them as the session `hand.jsonl`.
#[test]
fn calls_without_a_session_are_outside_session_budgets_unless_asked() {
    let (code, b, err) = budgets_json(&[HAND, "--session-budget", "0.035"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(b[0]["unchecked_calls"], 2);
    assert!(
        err.contains("2 calls without a session of their own are outside the session budget"),
        "{err}"
    );
    // s2 costs $0.00057 and the file's calls $0.0040048: a $0.001 budget catches the file only when asked. s1
    // ($0.034135) is over either way.
    let (_, b, _) = budgets_json(&[HAND, "--session-budget", "0.001"]);
    assert_eq!(offender_names(&b[0]), ["s1"]);
    let (_, b, _) = budgets_json(&[HAND, "--session-budget", "0.001", "--session-from", "file"]);
    assert_eq!(offender_names(&b[0]), ["s1", "hand.jsonl"]);
    assert!(b[0].get("unchecked_calls").is_none(), "{b}");
}

/// A log of plain API responses has no sessions: a session budget on it checked nothing, says so, and passes
/// (fails under --strict) rather than judging the whole file as one session.
#[test]
fn a_session_budget_on_logs_without_sessions_checked_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("responses.jsonl");
    let line = r#"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06","usage":{"prompt_tokens":1000000,"completion_tokens":0}}"#;
    std::fs::write(&log, format!("{line}\n")).unwrap();
    let log = log.to_str().unwrap();
    // $2.50 of input, a $2 session budget: a file taken as a session would fail it.
    let (code, _, err) = analyze(None, &[log, "--session-budget", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("the session budget checked nothing"), "{err}");
    let (code, _, _) = analyze(None, &[log, "--session-budget", "2", "--strict"]);
    assert_eq!(code, 3);
    let (code, _, _) = analyze(None, &[log, "--session-budget", "2", "--session-from", "file"]);
    assert_eq!(code, 1);
}

/// The README's CI step (`--format markdown -o cost.md --budget 25 --session-budget 2`) passes on the README's
/// sample ($0.6804, dearest session $0.2526) and fails when the budget is under the total.
#[test]
fn the_readme_ci_example_passes_under_budget_and_fails_over() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("cost.md");
    let md_arg = md.to_str().unwrap();
    let sample = "fixtures/sample.jsonl";
    let ci = |budget: &str| {
        analyze(
            None,
            &[
                sample,
                "--format",
                "markdown",
                "-o",
                md_arg,
                "--budget",
                budget,
                "--session-budget",
                "2",
            ],
        )
    };
    let (code, _, err) = ci("25");
    assert_eq!(code, 0, "{err}");
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(
        report.starts_with("## tokencost: $0.6804 at list prices — within budget"),
        "{report}"
    );
    let (code, _, err) = ci("0.5");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("total budget $0.5000 exceeded: the logs cost $0.6804"),
        "{err}"
    );
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(
        report.starts_with("## tokencost: $0.6804 at list prices — over 1 budget"),
        "{report}"
    );
}

/// A report with an input that could not be read does not headline "within budget".
#[test]
fn the_markdown_headline_says_when_the_report_is_incomplete() {
    let (code, out, _) = analyze(
        None,
        &["no-such-log.jsonl", HAND, "--format", "markdown", "--budget", "1"],
    );
    assert_eq!(code, 2);
    assert!(
        out.starts_with("## tokencost: $0.0387 at list prices — incomplete: 1 file could not be read; within budget on what was read"),
        "{out}"
    );
    let (_, out, _) = analyze(None, &["no-such-log.jsonl", "--format", "markdown", "--budget", "1"]);
    assert!(
        out.starts_with(
            "## tokencost: $0.0000 at list prices — incomplete: 1 file could not be read; no call was read"
        ),
        "{out}"
    );
}
