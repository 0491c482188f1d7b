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
fn analyze(path: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = common::tokencost()
        .env_remove("GITHUB_ACTIONS")
        .arg("analyze")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
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
        let r: Value = serde_json::from_str(&out).unwrap();
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
        let r: Value = serde_json::from_str(&out).unwrap();
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
    // Sessions with projects (short names made across runs), projects as keys, days in order, tags and models.
    for (by, format) in [
        ("session", "json"),
        ("session", "markdown"),
        ("session", "csv"),
        ("project", "table"),
        ("day", "csv"),
        ("tag", "json"),
        ("model", "html"),
    ] {
        let run = |extra: &[&str]| {
            let out = common::tokencost()
                .env_remove("GITHUB_ACTIONS")
                .arg("analyze")
                .args(inputs)
                .args(["--by", by, "--format", format, "--session-budget", "0.0001"])
                .args(extra)
                .output()
                .unwrap();
            let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
            (out.status.code(), text(out.stdout), text(out.stderr))
        };
        let memory = run(&[]);
        assert_eq!(memory.0, Some(1), "{}", memory.2);
        // Sessions of the agents' logs name their projects, shortened across every session's.
        let project = match format {
            "json" => "\"project\": \"tokencost\"",
            "markdown" => "| tokencost |",
            _ => ",tokencost,",
        };
        assert!(by != "session" || memory.1.contains(project), "{}", memory.1);
        for bound in ["1", "3"] {
            assert_eq!(
                memory,
                run(&["--spill-after", bound]),
                "--by {by} {format} --spill-after {bound}"
            );
        }
    }
}

#[test]
fn people_read_the_first_rows_and_what_the_rest_cost() {
    let dir = tempfile::tempdir().unwrap();
    let path = log(dir.path());
    // The three dearest sessions are s199 ($1.00), s198 ($0.995) and s197 ($0.99): $2.985 of the $100.50, so the
    // other 197 cost $97.515.
    for bound in [None, Some("1"), Some("5")] {
        for format in ["table", "markdown"] {
            let mut args = vec!["--by", "session", "--format", format, "--top", "3"];
            args.extend(bound.iter().flat_map(|b| ["--spill-after", b]));
            let (code, out, err) = analyze(&path, &args);
            assert_eq!(code, Some(0), "{err}");
            // Markdown escapes its dollars.
            let out = out.replace("\\$", "$");
            let shown: Vec<&str> = ["s199", "s198", "s197", "s196", "s000"]
                .into_iter()
                .filter(|s| out.contains(s))
                .collect();
            assert_eq!(shown, ["s199", "s198", "s197"], "{format} {bound:?}:\n{out}");
            assert!(
                out.contains(
                    "Showing the first 3 of 200 sessions (dearest first); the other 197 cost $97.52 together."
                ),
                "{format} {bound:?}:\n{out}"
            );
            // The totals are of every session.
            assert!(out.contains("$100.50"), "{out}");
        }
        // CSV carries every row whatever --top says.
        let mut args = vec!["--by", "session", "--format", "csv", "--top", "3"];
        args.extend(bound.iter().flat_map(|b| ["--spill-after", b]));
        let (_, out, _) = analyze(&path, &args);
        assert_eq!(out.lines().count(), 1 + 200);
    }
    // 0 shows every row, and so does a --top above the count: no line about the rest.
    for top in ["0", "200"] {
        let (_, out, _) = analyze(&path, &["--by", "session", "--top", top]);
        assert!(out.contains("s000") && !out.contains("Showing the first"), "{out}");
    }
}

#[test]
fn a_log_of_more_unpriced_names_than_are_kept_sums_the_rest_together() {
    // 70,000 models no table lists, one call each of 10 input and 5 output tokens: the first 65,536 names in name
    // order are listed (m00000 to m65535), the other 4,464 summed together: 44,640 input and 22,320 output tokens.
    let dir = tempfile::tempdir().unwrap();
    let line = |i: usize| {
        format!(r#"{{"model":"m{i:05}","session":"s","usage":{{"input_tokens":10,"output_tokens":5}}}}"#) + "\n"
    };
    let forward: String = (0..70_000).map(line).collect();
    let backward: String = (0..70_000).rev().map(line).collect();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&a, &forward).unwrap();
    std::fs::write(&b, &backward).unwrap();
    let (code, out, err) = analyze(&a, &["--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    let listed = r["unpriced"].as_array().unwrap();
    assert_eq!(listed.len(), 65_536);
    assert_eq!(
        (listed[0]["model"].as_str(), listed[65_535]["model"].as_str()),
        (Some("m00000"), Some("m65535"))
    );
    let other = &r["unpriced_other"];
    assert_eq!(other["model"], "(other models without a price)");
    assert_eq!(
        (other["calls"].as_u64(), other["input_tokens"].as_u64()),
        (Some(4_464), Some(44_640))
    );
    assert_eq!(other["output_tokens"], 22_320);
    assert_eq!(r["summary"]["unpriced_calls"], 70_000);
    assert!(
        err.contains("4,464 calls of models without a price past the first 65,536 names"),
        "{err}"
    );
    // The same calls in the other order give the same report but for the file's name.
    let (_, back, _) = analyze(&b, &["--format", "json"]);
    assert_eq!(back.replace("b.jsonl", "a.jsonl"), out);
    // Two machines, each with part of the names (even and odd; or 68,000 names from either end, each part past
    // the bound on its own, the names between read by both), merge to the report of one run over both files.
    for (name, keep) in [
        ("alternate", (|i: usize| i.is_multiple_of(2)) as fn(usize) -> bool),
        ("ends", |i: usize| i < 68_000),
    ] {
        let other = |i: usize| if name == "ends" { i >= 2_000 } else { i % 2 == 1 };
        let p1: String = (0..70_000).filter(|&i| keep(i)).map(line).collect();
        let p2: String = (0..70_000).filter(|&i| other(i)).map(line).collect();
        let (f1, f2) = (dir.path().join("p1.jsonl"), dir.path().join("p2.jsonl"));
        std::fs::write(&f1, p1).unwrap();
        std::fs::write(&f2, p2).unwrap();
        let run = |args: &[&str]| {
            let out = common::tokencost().args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let s = |p: &Path| p.to_str().unwrap().to_string();
        let (q1, q2) = (s(&dir.path().join("1.part")), s(&dir.path().join("2.part")));
        run(&["analyze", &s(&f1), "--partial", &q1]);
        run(&["analyze", &s(&f2), "--partial", &q2]);
        let merged = run(&["merge", &q2, &q1, "--format", "json"]);
        let single = run(&["analyze", &s(&f1), &s(&f2), "--format", "json"]);
        assert!(merged == single, "{name}");
    }
    // The table says where the rest went.
    let (_, table, _) = analyze(&a, &[]);
    assert!(
        table.contains("and 4,464 calls of the models past the first 65,536 names (in name order), summed together"),
        "{table}"
    );
}
