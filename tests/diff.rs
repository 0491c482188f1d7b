//! `tokencost diff`: one run against another, split into price and usage, with its CI gate; and the billed buckets
//! the JSON report of `analyze` carries for it.
//!
//! The runs in `fixtures/diff/` are priced with `fixtures/diff/prices.yaml` alone, in USD per 1M tokens:
//! judge 2 in / 8 out from 2025-01-01 and 2.5 / 8 from 2025-06-01; writer 3 / 15; legacy 10 / 30; helper 0.5 / 2.
//!
//! base.jsonl (2025-05-10, sessions s1 and s2):
//!   judge  2 x (100,000 in, 10,000 out): 2 x (0.2 + 0.08)   = 0.56
//!   writer 2 x (10,000 in, 2,000 out):   2 x (0.03 + 0.03)  = 0.12
//!   legacy 1 x (1,000 in, 1,000 out):    0.01 + 0.03        = 0.04    total 0.72, 5 calls
//! head_price.jsonl: the same calls on 2025-06-10, judge at 2.5 in: 2 x (0.25 + 0.08) = 0.66; total 0.82
//! head_more.jsonl: base plus one writer call (session s3): writer 0.18; total 0.78, 6 calls, 3 sessions
//! head_models.jsonl: 2025-05-10, legacy gone, helper new: 20,000 x 0.5 + 5,000 x 2 = 0.01 + 0.01 = 0.02;
//!   total 0.56 + 0.12 + 0.02 = 0.70
//! head.jsonl: 2025-06-10, all of it: judge 0.66, writer 3 calls 0.18, helper 0.02; total 0.86, 6 calls, 3 sessions
//! head_noise.jsonl: base with one input token more on a writer call: +1 x 3 / 1M = +0.000003

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

const PRICES: &str = "fixtures/diff/prices.yaml";
const BASE: &str = "fixtures/diff/base.jsonl";
const HEAD: &str = "fixtures/diff/head.jsonl";

fn tokencost() -> Command {
    let mut c = cargo_bin_cmd!("tokencost");
    c.env_remove("GITHUB_ACTIONS").env("NO_COLOR", "1");
    c
}

/// Runs diff BASE HEAD with the test prices; returns (exit code, stdout, stderr).
fn diff(base: &str, head: &str, args: &[&str]) -> (i32, String, String) {
    diff_with(tokencost(), base, head, args)
}

fn diff_with(mut c: Command, base: &str, head: &str, args: &[&str]) -> (i32, String, String) {
    let out = c
        .args(["diff", base, head, "--pricing", PRICES])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The JSON document of a diff that exits 0.
fn json(base: &str, head: &str, args: &[&str]) -> Value {
    let mut a = vec!["--format", "json"];
    a.extend(args);
    let (code, out, err) = diff(base, head, &a);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// An exact decimal as JSON carries it.
fn usd(v: &Value) -> String {
    v.to_string()
}

fn group<'a>(doc: &'a Value, key: &str) -> &'a Value {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key}"))
}

fn model<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["effects"]["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == name)
        .unwrap_or_else(|| panic!("no model {name}"))
}

#[test]
fn a_price_change_between_the_runs_dates_is_all_price_effect() {
    let d = json(BASE, "fixtures/diff/head_price.jsonl", &[]);
    let t = &d["totals"];
    // 0.82 - 0.72 = 0.10, 0.10 / 0.72 = 13.888...%
    assert_eq!(
        (usd(&t["base_usd"]), usd(&t["head_usd"])),
        ("0.72".into(), "0.82".into())
    );
    assert_eq!(
        (usd(&t["change_usd"]), usd(&t["change_pct"])),
        ("0.1".into(), "13.89".into())
    );
    // The same tokens at June's prices against May's: exactly judge's rise, 2 x 100,000 x (2.5 - 2) / 1M = 0.10.
    assert_eq!(usd(&d["effects"]["price_usd"]), "0.1");
    assert_eq!(usd(&d["effects"]["usage_usd"]), "0");
    let judge = model(&d, "evalco/judge");
    assert_eq!(
        (&judge["base_as_of"], &judge["head_as_of"]),
        (&"2025-01-01".into(), &"2025-06-01".into())
    );
    assert_eq!(usd(&judge["head_at_base_prices_usd"]), "0.56");
    assert_eq!(group(&d, "evalco/writer")["status"], "unchanged");
    assert_eq!(group(&d, "evalco/judge")["status"], "changed");
}

#[test]
fn more_calls_at_the_same_prices_are_all_usage_and_not_a_rise_per_call() {
    let d = json(BASE, "fixtures/diff/head_more.jsonl", &[]);
    // 0.78 - 0.72 = 0.06, 0.06 / 0.72 = 8.333...%
    assert_eq!(usd(&d["totals"]["change_usd"]), "0.06");
    assert_eq!(usd(&d["totals"]["change_pct"]), "8.33");
    assert_eq!(usd(&d["effects"]["price_usd"]), "0");
    assert_eq!(usd(&d["effects"]["usage_usd"]), "0.06");
    let w = group(&d, "evalco/writer");
    assert_eq!((&w["base"]["calls"], &w["head"]["calls"]), (&2.into(), &3.into()));
    assert_eq!(
        (&w["base"]["input_tokens"], &w["head"]["input_tokens"]),
        (&20000.into(), &30000.into())
    );
    // Per call: 0.72 / 5 = 0.144 against 0.78 / 6 = 0.13: -0.014, -0.014 / 0.144 = -9.7222...%
    let d = json(BASE, "fixtures/diff/head_more.jsonl", &["--per", "call"]);
    assert_eq!(d["per"], "call");
    let t = &d["totals"];
    assert_eq!(
        (usd(&t["base_usd"]), usd(&t["head_usd"])),
        ("0.144".into(), "0.13".into())
    );
    assert_eq!(
        (usd(&t["change_usd"]), usd(&t["change_pct"])),
        ("-0.014".into(), "-9.72".into())
    );
    // Per session: 0.72 / 2 = 0.36 against 0.78 / 3 = 0.26.
    let d = json(BASE, "fixtures/diff/head_more.jsonl", &["--per", "session"]);
    assert_eq!(usd(&d["totals"]["change_usd"]), "-0.1");
    // The bigger suite fails a zero-rise gate on its total, not per call.
    assert_eq!(diff(BASE, "fixtures/diff/head_more.jsonl", &["--fail-above", "0"]).0, 1);
    let per_call = ["--fail-above", "0", "--per", "call"];
    assert_eq!(diff(BASE, "fixtures/diff/head_more.jsonl", &per_call).0, 0);
}

#[test]
fn a_model_added_and_a_model_removed() {
    let d = json(BASE, "fixtures/diff/head_models.jsonl", &[]);
    let legacy = group(&d, "evalco/legacy");
    assert_eq!(legacy["status"], "removed");
    assert!(legacy["head"].is_null());
    assert_eq!(
        (usd(&legacy["change_usd"]), usd(&legacy["change_pct"])),
        ("-0.04".into(), "-100.0".into())
    );
    let helper = group(&d, "evalco/helper");
    assert_eq!(helper["status"], "added");
    assert!(helper["base"].is_null() && helper["change_pct"].is_null());
    assert_eq!(usd(&helper["head_usd"]), "0.02");
    // 0.70 - 0.72 = -0.02: all usage (+0.02 helper, -0.04 legacy), no price moved.
    assert_eq!(usd(&d["totals"]["change_usd"]), "-0.02");
    assert_eq!(usd(&d["effects"]["price_usd"]), "0");
    assert_eq!(usd(&d["effects"]["usage_usd"]), "-0.02");
    // helper has no BASE price row: its whole cost is usage, and the output says so.
    let h = model(&d, "evalco/helper");
    assert_eq!(h["new_in_head"], true);
    assert!(h["base_as_of"].is_null());
    assert_eq!(
        (usd(&h["price_usd"]), usd(&h["usage_usd"])),
        ("0".into(), "0.02".into())
    );
    let (_, table, _) = diff(BASE, "fixtures/diff/head_models.jsonl", &[]);
    assert!(
        table.contains("evalco/helper is new in head: base has no price for it, so its whole cost is usage."),
        "{table}"
    );
}

#[test]
fn price_and_usage_add_up_to_the_change() {
    let d = json(BASE, HEAD, &[]);
    // 0.86 - 0.72 = 0.14, 0.14 / 0.72 = 19.444...%
    assert_eq!(usd(&d["totals"]["change_usd"]), "0.14");
    assert_eq!(usd(&d["totals"]["change_pct"]), "19.44");
    // HEAD at BASE's rows: judge 2 x 0.28 = 0.56, writer 0.18, helper keeps its own 0.02 (no BASE row): 0.76.
    // Price 0.86 - 0.76 = 0.10; usage 0.76 - 0.72 = 0.04; 0.10 + 0.04 = 0.14.
    let e = &d["effects"];
    assert_eq!(usd(&e["head_at_base_prices_usd"]), "0.76");
    assert_eq!(
        (usd(&e["price_usd"]), usd(&e["usage_usd"])),
        ("0.1".into(), "0.04".into())
    );
    for (name, price, usage) in [
        ("evalco/judge", "0.1", "0"),
        ("evalco/writer", "0", "0.06"),
        ("evalco/helper", "0", "0.02"),
        ("evalco/legacy", "0", "-0.04"),
    ] {
        let m = model(&d, name);
        assert_eq!(
            (usd(&m["price_usd"]), usd(&m["usage_usd"])),
            (price.into(), usage.into()),
            "{name}"
        );
    }
    // Groups that moved most first: judge +0.10, writer +0.06, legacy -0.04, helper +0.02.
    let keys: Vec<&str> = d["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["evalco/judge", "evalco/writer", "evalco/legacy", "evalco/helper"]
    );
}

#[test]
fn thresholds_on_both_sides_of_the_limit() {
    // +19.444...% and +$0.14.
    for (args, code) in [
        (vec!["--fail-above", "19.4"], 1),
        (vec!["--fail-above", "19.5"], 0),
        (vec!["--fail-above-usd", "0.1399"], 1),
        (vec!["--fail-above-usd", "0.14"], 0),
        (vec!["--warn-above", "19", "--fail-above", "20"], 0),
    ] {
        let (got, _, err) = diff(BASE, HEAD, &args);
        assert_eq!(got, code, "{args:?}: {err}");
    }
    let (_, _, err) = diff(BASE, HEAD, &["--fail-above", "19.4", "--base-label", "main"]);
    assert!(
        err.contains("+19.44% ($0.1400) vs main: a rise of 19.44% is above --fail-above 19.4%"),
        "{err}"
    );
    assert!(!err.contains("::error"), "{err}");
    let (_, _, err) = diff(BASE, HEAD, &["--warn-above", "19"]);
    assert!(
        err.contains("warning") && err.contains("above --warn-above 19%"),
        "{err}"
    );
}

#[test]
fn under_github_actions_a_warning_and_a_failure_are_annotations_escaped() {
    let mut c = tokencost();
    c.env("GITHUB_ACTIONS", "true");
    let (code, _, err) = diff_with(c, BASE, HEAD, &["--fail-above", "10", "--base-label", "main"]);
    assert_eq!(code, 1);
    // `%` is `%25` in a workflow command's message.
    assert!(
        err.contains(
            "::error title=tokencost diff::+19.44%25 ($0.1400) vs main: a rise of 19.44%25 is above --fail-above 10%25\n"
        ),
        "{err}"
    );
    let mut c = tokencost();
    c.env("GITHUB_ACTIONS", "true");
    let (code, _, err) = diff_with(c, BASE, HEAD, &["--warn-above", "10"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("::warning title=tokencost diff::+19.44%25 ($0.1400) vs base: "),
        "{err}"
    );
    assert!(!err.contains("::error"), "{err}");
}

#[test]
fn a_change_within_min_change_usd_is_noise() {
    // +0.000003, 0.000003 / 0.72 = 0.0004166...%: above a zero limit, but below a cent.
    let noise = "fixtures/diff/head_noise.jsonl";
    assert_eq!(diff(BASE, noise, &["--fail-above", "0"]).0, 1);
    let quiet = ["--fail-above", "0", "--min-change-usd", "0.01", "--base-label", "main"];
    let (code, out, err) = diff(BASE, noise, &[&quiet[..], &["--format", "markdown"]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        // `\$`: a bare `$` opens math on GitHub.
        "<!-- tokencost-diff -->\n\nNo change in cost beyond \\$0.0100 vs main: +\\$0.0000030 (+0.00%).\n"
    );
    let (_, csv, _) = diff(BASE, noise, &[&quiet[..], &["--format", "csv"]].concat());
    assert_eq!(
        csv.lines().count(),
        4,
        "the header and every group, no TOTAL row: {csv}"
    );
    assert!(csv.contains("evalco/writer,changed,2,2,20000,"), "{csv}");
    let d = json(BASE, noise, &quiet);
    assert_eq!(d["verdict"]["moved"], false);
    assert_eq!(usd(&d["totals"]["change_usd"]), "0.000003");
}

#[test]
fn a_report_read_back_equals_the_logs_analysed_directly() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("base.json");
    let report = report.to_str().unwrap();
    tokencost()
        .args(["analyze", BASE, "--pricing", PRICES, "-o", report])
        .assert()
        .success();
    let mut from_report = json(report, HEAD, &[]);
    let from_logs = json(BASE, HEAD, &[]);
    assert_eq!(from_report["base"]["kind"], "report");
    from_report["base"]["path"] = BASE.into();
    from_report["base"]["kind"] = "logs".into();
    assert_eq!(from_report, from_logs);
    // A report against the logs it was made from: nothing moved.
    let same = json(report, BASE, &[]);
    assert_eq!(usd(&same["totals"]["change_usd"]), "0");
    assert!(
        same["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["status"] == "unchanged")
    );
    // A compacted report, its keys sorted, is still a report.
    let text = std::fs::read_to_string(report).unwrap();
    let compact = dir.path().join("compact.json");
    let v: Value = serde_json::from_str(&text).unwrap();
    std::fs::write(&compact, serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(json(compact.to_str().unwrap(), BASE, &[])["base"]["kind"], "report");
}

#[test]
fn an_incompatible_report_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokencost()
        .args(["analyze", BASE, "--pricing", PRICES, "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let write = |name: &str, v: &Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
        p.to_str().unwrap().to_string()
    };
    let mut old = report.clone();
    old.as_object_mut().unwrap().remove("schema_version");
    old.as_object_mut().unwrap().remove("billed");
    let old = write("old.json", &old);
    let (code, _, err) = diff(&old, HEAD, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("old.json: a report without a schema version"), "{err}");
    let mut newer = report.clone();
    newer["schema_version"] = 3.into();
    let newer = write("newer.json", &newer);
    let (code, _, err) = diff(HEAD, &newer, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("newer.json: report schema version 3"), "{err}");
    // A report grouped otherwise than the diff asks.
    let current = write("current.json", &report);
    let (code, _, err) = diff(&current, HEAD, &["--by", "session"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("current.json: the report is grouped by model, the diff by session"),
        "{err}"
    );
    // Figures no report of analyze holds.
    let mut bad = report.clone();
    bad["billed"][0]["cost_usd"] = serde_json::from_str("-1").unwrap();
    let bad = write("bad.json", &bad);
    let (code, _, err) = diff(&bad, HEAD, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.json: not a report of analyze"), "{err}");
    let mut level = report.clone();
    level["billed"][0]["level"] = 9.into();
    let level = write("level.json", &level);
    let (code, _, err) = diff(&level, HEAD, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("level.json: billed bucket of evalco/judge has an unknown tier or level"),
        "{err}"
    );
    let bare = write("bare.json", &serde_json::json!({"schema_version": 2}));
    assert_eq!(diff(&bare, HEAD, &[]).0, 2);
}

#[test]
fn an_unreadable_path_or_a_run_without_calls_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = diff("fixtures/diff/missing.jsonl", HEAD, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read fixtures/diff/missing.jsonl"), "{err}");
    let empty = dir.path().to_str().unwrap();
    let (code, _, err) = diff(BASE, empty, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("the run read no call"), "{err}");
}

#[test]
fn groups_by_session_and_day() {
    let d = json(BASE, HEAD, &["--by", "session"]);
    // s1: judge 0.28 + writer 0.06 = 0.34 -> judge 0.33 + writer 0.06 = 0.39.
    assert_eq!(
        (usd(&group(&d, "s1")["base_usd"]), usd(&group(&d, "s1")["head_usd"])),
        ("0.34".into(), "0.39".into())
    );
    assert_eq!(group(&d, "s3")["status"], "added");
    // By day the runs share no day: May's is removed, June's added.
    let d = json(BASE, HEAD, &["--by", "day"]);
    assert_eq!(group(&d, "2025-05-10")["status"], "removed");
    assert_eq!(usd(&group(&d, "2025-06-10")["head_usd"]), "0.86");
}

#[test]
fn the_markdown_comment_has_its_marker_headline_and_top_groups() {
    let (_, md, _) = diff(
        BASE,
        HEAD,
        &["--format", "markdown", "--base-label", "main", "--top", "2"],
    );
    let mut lines = md.lines();
    assert_eq!(lines.next(), Some("<!-- tokencost-diff -->"));
    assert!(md.contains("## +19.44% (\\$0.1400) vs main\n"), "{md}");
    assert!(md.contains("| evalco/writer | 2 → 3 |"), "{md}");
    assert!(!md.contains("| evalco/legacy | 1 → - |"), "{md}");
    assert!(md.contains("2 groups more moved less"), "{md}");
}

#[test]
fn snapshots_of_every_format() {
    for format in ["table", "csv", "json", "markdown"] {
        let (code, out, err) = diff(BASE, HEAD, &["--base-label", "main", "--format", format]);
        assert_eq!(code, 0, "{err}");
        insta::assert_snapshot!(format!("diff_{format}"), out);
    }
}

#[test]
fn the_report_carries_its_billed_buckets_and_price_rows() {
    let out = tokencost()
        .args([
            "analyze",
            "fixtures/tiers/openai_responses.jsonl",
            "--pricing",
            "fixtures/tiers",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["schema_version"], 2);
    assert_eq!(r["tokencost_version"], env!("CARGO_PKG_VERSION"));
    let billed = r["billed"].as_array().unwrap();
    let tiers: Vec<(&str, u64)> = billed
        .iter()
        .map(|b| (b["tier"].as_str().unwrap(), b["level"].as_u64().unwrap()))
        .collect();
    assert_eq!(tiers, [("standard", 0), ("priority", 0), ("priority", 1), ("flex", 1)]);
    // Flex above 272k: 300,000 prompt with 100,000 cached, 1,000 out at the level's flex rates 2.5 / 0.25 / 11.25:
    // 200000 x 2.5 + 100000 x 0.25 + 1000 x 11.25 = 536,250 -> $0.53625
    let flex = &billed[3];
    assert_eq!(flex["above_tokens"], 272000);
    assert_eq!(
        (&flex["input_tokens"], &flex["cached_input_tokens"]),
        (&200000.into(), &100000.into())
    );
    assert_eq!(usd(&flex["rates_usd_per_m"]["input"]), "2.5");
    assert_eq!(usd(&flex["rates_usd_per_m"]["cached_input"]), "0.25");
    assert_eq!(usd(&flex["cost_usd"]), "0.53625");
    // Priority above 272k: no priority rates at that level, so the level's standard ones, 5 in / 22.5 out.
    assert_eq!(usd(&billed[2]["rates_usd_per_m"]["output"]), "22.5");
    let row = &r["pricing"]["prices"][0];
    assert_eq!(row["model"], "openai/gpt-5.4");
    assert_eq!(usd(&row["rates_usd_per_m"]["priority"]["input"]), "5");
    assert_eq!(usd(&row["rates_usd_per_m"]["batch"]["cached_input"]), "0.13");
    assert_eq!(row["long_context"][0]["above_tokens"], 272000);
    assert!(row["long_context"][0]["rates_usd_per_m"]["priority"].is_null());
}

#[test]
fn help() {
    let out = tokencost()
        .args(["diff", "--help"])
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    insta::assert_snapshot!("diff_help", String::from_utf8(out.stdout).unwrap());
}
