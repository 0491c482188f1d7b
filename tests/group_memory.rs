//! Bounded memory for every grouping: past `--spill-after N` sessions (like responses waiting for de-duplication)
//! go to sorted runs in temporary files and are merged back at the end. The report and the budget verdict must be
//! the same, byte for byte, as when everything is held in memory: in every format, grouping and bound.
//!
//! The log, generated here: 200 sessions `s000` to `s199`, each of two gpt-4o-2024-08-06 calls of
//! 1,000 × (k + 1) input tokens and none out, written in two passes so that a session's calls are far apart (and
//! land in different runs); then one call of a model without a price, in a session of its own. gpt-4o-2024-08-06
//! bills input at $2.50 per 1M tokens (pricing/openai.yaml), so session k costs 2 × 1,000 × (k + 1) × 2.5 / 1e6 =
//! $0.005 × (k + 1): the dearest, s199, $1.00, and all of them $0.005 × (1 + ... + 200) = $100.50. Over a $0.90
//! budget are the sessions with k + 1 > 180: s180 to s199, 20 of them, the dearest three s199 ($1.00), s198
//! ($0.995) and s197 ($0.99).

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

const SESSIONS: u64 = 200;

fn log(dir: &Path) -> PathBuf {
    let mut text = String::new();
    for _pass in 0..2 {
        for k in 0..SESSIONS {
            text.push_str(&format!(
                r#"{{"model":"gpt-4o-2024-08-06","session":"s{k:03}","timestamp":"2025-03-01T10:00:00Z","usage":{{"input_tokens":{},"output_tokens":0}}}}"#,
                1000 * (k + 1)
            ));
            text.push('\n');
        }
    }
    text.push_str(r#"{"model":"no-such-model-9","session":"alone","usage":{"input_tokens":5,"output_tokens":5}}"#);
    text.push('\n');
    let path = dir.join("sessions.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

/// (exit code, stdout, stderr) of `analyze` on `path` with `args`.
fn analyze(path: &Path, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let out = common::tokencost()
        .env_remove("GITHUB_ACTIONS")
        .arg("analyze")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn spilled_sessions_give_the_figures_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let path = log(dir.path());
    for bound in [None, Some("1"), Some("7")] {
        let mut args = vec!["--format", "json", "--session-budget", "0.9"];
        args.extend(bound.iter().flat_map(|b| ["--spill-after", b]));
        let (code, out, err) = analyze(&path, &args);
        assert_eq!(code, Some(1), "--spill-after {bound:?}: {err}");
        let r: Value = serde_json::from_slice(&out).unwrap();
        let s = &r["summary"];
        assert_eq!(
            (s["sessions"].as_u64(), s["calls"].as_u64(), s["priced_calls"].as_u64()),
            (Some(201), Some(401), Some(400)),
            "--spill-after {bound:?}"
        );
        common::close(&r["totals"]["cost_usd"], 100.5);
        let b = &r["budgets"][0];
        assert_eq!(b["kind"], "session");
        assert_eq!(b["over"], true);
        common::close(&b["actual_usd"], 1.0);
        let offenders: Vec<(&str, f64)> = b["offenders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["name"].as_str().unwrap(), o["cost_usd"].as_f64().unwrap()))
            .collect();
        assert_eq!(offenders, [("s199", 1.0), ("s198", 0.995), ("s197", 0.99)]);
        assert_eq!(b["note"], "20 sessions over the budget");
        assert!(err.contains("the dearest session cost $1.00"), "{err}");
        assert!(err.contains("  s199: "), "{err}");
    }
}

#[test]
fn a_budget_every_session_keeps_passes_spilled_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = log(dir.path());
    for bound in [None, Some("1"), Some("3")] {
        let mut args = vec!["--format", "json", "--session-budget", "1"];
        args.extend(bound.iter().flat_map(|b| ["--spill-after", b]));
        let (code, out, err) = analyze(&path, &args);
        // The dearest session costs exactly the limit: not over it.
        assert_eq!(code, Some(0), "--spill-after {bound:?}: {err}");
        let r: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(r["budgets"][0]["over"], false);
        assert_eq!(r["budgets"][0]["offenders"], serde_json::json!([]));
    }
}

#[test]
fn every_format_and_grouping_is_byte_identical_spilled() {
    let dir = tempfile::tempdir().unwrap();
    let path = log(dir.path());
    for by in ["model", "session", "call"] {
        for format in ["table", "csv", "json", "markdown"] {
            let base = ["--by", by, "--format", format, "--session-budget", "0.9"];
            let memory = analyze(&path, &base);
            assert_eq!(memory.0, Some(1), "--by {by} --format {format}: {}", memory.2);
            assert!(!memory.1.is_empty());
            // A run of every session, and runs of many (the rest still in memory at the end).
            for bound in ["1", "64"] {
                let spilled = analyze(&path, &[&base[..], &["--spill-after", bound]].concat());
                assert_eq!(memory, spilled, "--by {by} --format {format} --spill-after {bound}");
            }
        }
    }
}

#[test]
fn the_fixtures_with_session_budgets_are_byte_identical_spilled() {
    // Real formats, every fixture read twice (copies of one response in different runs), sessions of every kind.
    let inputs = [
        "fixtures/formats",
        "fixtures/hand.jsonl",
        "fixtures/agents",
        "fixtures/formats",
    ];
    for format in ["json", "markdown"] {
        let run = |extra: &[&str]| {
            let out = common::tokencost()
                .env_remove("GITHUB_ACTIONS")
                .arg("analyze")
                .args(inputs)
                .args(["--by", "session", "--format", format, "--session-budget", "0.0001"])
                .args(extra)
                .output()
                .unwrap();
            (out.status.code(), out.stdout, out.stderr)
        };
        let memory = run(&[]);
        assert_eq!(memory.0, Some(1), "{}", String::from_utf8_lossy(&memory.2));
        for bound in ["1", "3"] {
            assert_eq!(memory, run(&["--spill-after", bound]), "{format} --spill-after {bound}");
        }
    }
}
