//! End-to-end tests of the real binary. Expected figures are worked out by hand in each test, from the prices in
//! `pricing/` and the token counts in `fixtures/token-counts.jsonl` (made with OpenAI's own tiktoken).

mod common;
use assert_cmd::Command;
use common::{close, keys};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

fn tokencost() -> Command {
    common::tokencost()
}

/// Runs to success and returns stdout and stderr.
fn ok(args: &[&str]) -> (String, String) {
    let out = tokencost().args(args).assert().success().get_output().clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&ok(&a).0).unwrap()
}

fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    (dir, path)
}

fn group<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {report:#}"))
}

const HAND: &str = "fixtures/hand.jsonl";

// fixtures/hand.jsonl, line by line:
// 1. gpt-4o-2024-08-06 response: prompt 1000 of which 400 cached, completion 200 (2024-10-27)
//    $2.50 x 600 + $1.25 x 400 + $10 x 200 = 1500 + 500 + 2000 = 4000 per 1M -> $0.004
// 2. [request, response] gpt-4o-mini: prompt 24, completion 2 -> $0.15 x 24 + $0.60 x 2 = 4.8 per 1M -> $0.0000048
// 3. native claude-sonnet-4-5: input 3000, cache read 20000, 5m write 1000, 1h write 500, output 800
//    $3 x 3000 + $0.30 x 20000 + $3.75 x 1000 + $6 x 500 + $15 x 800 = 9000 + 6000 + 3750 + 3000 + 12000 -> $0.03375
// 4. native gpt-4o without usage: the chat of reference row public-0264 (102 o200k tokens with framing) and the
//    completion of row public-0000 (13 tokens); no timestamp -> newest row $2.50/$10: 255 + 130 -> $0.000385
// 5. acme-llm-1: not in any table -> unpriced, 100 input and 50 output tokens
// 6. native gpt-4 (cl100k_base) prompt of row public-0002 (19 tokens) -> $30 x 19 = 570 -> $0.00057
// Total: 0.004 + 0.0000048 + 0.03375 + 0.000385 + 0.00057 = $0.0387098
// Marginal (gpt-4o estimate: input $0.30-0.50, output 1.4x-3.2x of it = $0.42-1.60, cache reads 0-0.1x input):
//   line 1: low 600 x 0.30 + 200 x 0.42 = 264; high 600 x 0.50 + 400 x 0.05 + 200 x 1.60 = 640 (per 1M)
//   line 4: low 102 x 0.30 + 13 x 0.42 = 36.06; high 102 x 0.50 + 13 x 1.60 = 71.8
//   (gpt-4o alone: $0.00030006 - $0.0007118, on $0.004385 of cost)
// The other models take the serving model's estimates that cover them by name (pricing/marginal.yaml):
//   line 2, gpt-4o-mini (proxy-gpt-4o-mini: input $0.007716-0.01543, output $0.04557-0.09849):
//     low 24 x 0.007716 + 2 x 0.04557 = 0.276324; high 24 x 0.01543 + 2 x 0.09849 = 0.5673
//   line 3, claude-sonnet-4-5 (proxy-claude-sonnet: input $0.04479-0.3583, output $0.09976-1.198), cache writes
//     costed as input, cache reads at 0-0.1x input:
//     low 4500 x 0.04479 + 800 x 0.09976 = 281.363; high 4500 x 0.3583 + 20000 x 0.03583 + 800 x 1.198 = 3287.35
//   line 6, gpt-4: none (about 1.8T parameters, 280B active by SemiAnalysis's estimate: no open stand-in)
//   total: low 264 + 36.06 + 0.276324 + 281.363 = 581.699324 -> $0.000581699324;
//          high 640 + 71.8 + 0.5673 + 3287.35 = 3999.7173 -> $0.0039997173;
//   on $0.0387098 - $0.00057 (gpt-4) = $0.0381398 of cost with an estimate
const COVERED: f64 = 0.0381398;
const TOTAL_COST: f64 = 0.0387098;

#[test]
fn hand_fixture_json_totals() {
    let r = json(&["analyze", HAND]);
    let t = &r["totals"];
    assert_eq!(t["calls"], 5);
    assert_eq!(t["input_tokens"], 600 + 24 + 3000 + 102 + 19);
    assert_eq!(t["cached_input_tokens"], 400 + 20000);
    assert_eq!(t["cache_write_tokens"], 1500);
    assert_eq!(t["output_tokens"], 200 + 2 + 800 + 13);
    close(&t["cost_usd"], TOTAL_COST);
    close(&t["marginal_cost_usd_low"], 0.000581699324);
    close(&t["marginal_cost_usd_high"], 0.0039997173);
    close(&t["markup_low"], COVERED / 0.0039997173);
    close(&t["markup_high"], COVERED / 0.000581699324);
    close(&t["token_tax_usd_low"], COVERED - 0.0039997173);
    close(&t["token_tax_usd_high"], COVERED - 0.000581699324);
    close(&t["cost_without_estimate_usd"], TOTAL_COST - COVERED);
    assert!(
        group(&r, "openai/gpt-4")["markup_low"].is_null(),
        "no estimate: null, not zero"
    );
    assert_eq!(t["marginal_method"], "given+proxy");
    assert_eq!(t["counted_calls"], 2);

    let g = group(&r, "openai/gpt-4o-2024-08-06");
    close(&g["cost_usd"], 0.004);
    close(&g["markup_low"], 0.004 / 0.00064);
    close(&g["markup_high"], 0.004 / 0.000264);
    assert_eq!(g["marginal_method"], "given");
    let sonnet = group(&r, "anthropic/claude-sonnet-4-5");
    close(&sonnet["cost_usd"], 0.03375);
    close(&sonnet["markup_low"], 0.03375 / 0.00328735);
    assert_eq!(sonnet["marginal_method"], "proxy");
    assert!(
        sonnet["marginal_basis"]
            .as_str()
            .unwrap()
            .starts_with("proxy-claude-sonnet: ")
    );
    let counted = group(&r, "openai/gpt-4o");
    assert_eq!(
        (counted["input_tokens"].as_u64(), counted["output_tokens"].as_u64()),
        (Some(102), Some(13))
    );

    let unpriced = r["unpriced"].as_array().unwrap();
    assert_eq!(unpriced.len(), 1);
    assert_eq!(unpriced[0]["model"], "acme-llm-1");
    assert_eq!(
        (
            unpriced[0]["calls"].as_u64(),
            unpriced[0]["input_tokens"].as_u64(),
            unpriced[0]["output_tokens"].as_u64()
        ),
        (Some(1), Some(100), Some(50))
    );
    assert!(
        r["pricing"]["prices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["source"].as_str().is_some_and(|s| !s.is_empty()))
    );
}

#[test]
fn hand_fixture_csv_has_full_precision() {
    let (out, _) = ok(&["analyze", HAND, "--format", "csv"]);
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &header[..8],
        [
            "model",
            "calls",
            "input_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "output_tokens",
            "cost_usd"
        ]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    // No TOTAL row by default: a spreadsheet's sum of the cost column is the total, $0.0387098 (tests/cli.rs's
    // arithmetic above), summed here as exact decimals.
    assert!(records.iter().all(|r| &r[0] != "TOTAL"));
    let sum: rust_decimal::Decimal = records
        .iter()
        .filter(|r| !r[col("cost_usd")].is_empty())
        .map(|r| r[col("cost_usd")].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(sum.to_string(), "0.0387098");
    // The model without a price is a row of its own: its tokens, an empty cost, priced=false.
    let acme = records.iter().find(|r| &r[0] == "acme-llm-1").unwrap();
    assert_eq!(
        (&acme[col("calls")], &acme[col("cost_usd")], &acme[col("priced")]),
        ("1", "", "false")
    );
    assert_eq!((&acme[col("input_tokens")], &acme[col("output_tokens")]), ("100", "50"));
    assert!(
        records
            .iter()
            .filter(|r| &r[0] != "acme-llm-1")
            .all(|r| &r[col("priced")] == "true")
    );
    // Ratios to 4 decimals: claude-sonnet-4-5's markup is 0.03375 / 0.00328735 = 10.26662...
    let claude = records.iter().find(|r| &r[0] == "anthropic/claude-sonnet-4-5").unwrap();
    assert_eq!(&claude[col("markup_low")], "10.2666");
    let (out, _) = ok(&["analyze", HAND, "--format", "csv", "--total-row"]);
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let total = records.last().unwrap();
    assert_eq!(&total[0], "TOTAL");
    assert_eq!(&total[col("cost_usd")], "0.0387098");
    assert_eq!(&total[col("marginal_cost_usd_low")], "0.000581699324");
    assert_eq!(&total[col("marginal_cost_usd_high")], "0.0039997173");
    let mini = records.iter().find(|r| &r[0] == "openai/gpt-4o-mini").unwrap();
    assert_eq!(&mini[col("cost_usd")], "0.0000048");
    assert_eq!(&mini[col("marginal_method")], "proxy");
    let gpt4 = records.iter().find(|r| &r[0] == "openai/gpt-4").unwrap();
    assert_eq!(&gpt4[col("markup_low")], "", "no estimate: empty, not zero");
}

#[test]
fn hand_fixture_table_and_warning() {
    let (out, err) = ok(&["analyze", HAND]);
    let total = out.lines().find(|l| l.contains("total")).unwrap();
    // $0.0387098 -> $0.0387; markup 0.0381398 / 0.0039997173 = 9.54 and / 0.000581699324 = 65.57
    assert!(total.contains("$0.0387") && total.contains("9.5x-65.6x"), "{total}");
    assert!(out.contains("Unpriced, not in the totals: acme-llm-1"), "{out}");
    // The request without a timestamp takes gpt-4o-mini's newest row: the one of 2026-11-20 that adds its priority
    // tier at the same standard rates.
    assert!(out.contains("5 rows, in force from 2023-03-14 to 2026-11-20"), "{out}");
    assert!(err.contains("no price for model `acme-llm-1`"), "{err}");
    assert!(
        err.contains("6 lines in 1 file: 5 calls priced, 1 unpriced, 0 lines skipped"),
        "{err}"
    );
}

#[test]
fn snapshots_of_every_format() {
    for (format, name) in [("table", "hand_table"), ("csv", "hand_csv"), ("json", "hand_json")] {
        let (out, _) = ok(&["analyze", HAND, "--format", format]);
        insta::assert_snapshot!(name, out);
    }
    let (out, _) = ok(&["analyze", HAND, "--by", "call", "--format", "csv"]);
    insta::assert_snapshot!("hand_by_call_csv", out);
    let (help, _) = ok(&["analyze", "--help"]);
    insta::assert_snapshot!("analyze_help", help);
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    for by in ["model", "session", "call"] {
        for format in ["table", "csv", "json"] {
            let args = |threads: &'static str| {
                vec![
                    "analyze",
                    HAND,
                    "fixtures/sample.jsonl",
                    "--by",
                    by,
                    "--format",
                    format,
                    "--threads",
                    threads,
                ]
            };
            let one = ok(&args("1")).0;
            assert_eq!(one, ok(&args("2")).0, "--by {by} --format {format}");
            assert_eq!(one, ok(&args("8")).0, "--by {by} --format {format}");
        }
    }
}

#[test]
fn groups_by_session_day_provider_and_call() {
    let r = json(&["analyze", HAND, "--by", "session"]);
    // s1: claude (0.03375) + gpt-4o (0.000385); lines without a session fall under their file name.
    close(&group(&r, "s1")["cost_usd"], 0.03375 + 0.000385);
    close(&group(&r, "s2")["cost_usd"], 0.00057);
    close(&group(&r, "hand.jsonl")["cost_usd"], 0.004 + 0.0000048);

    let r = json(&["analyze", HAND, "--by", "day"]);
    let days: Vec<&str> = keys(&r);
    // created 1724858089 = 2024-08-28, 1730000000 = 2024-10-27 (UTC); the gpt-4o line has no timestamp.
    assert_eq!(
        days,
        ["2024-03-01", "2024-08-28", "2024-10-27", "2025-10-01", "unknown"]
    );

    let r = json(&["analyze", HAND, "--by", "provider"]);
    close(&group(&r, "anthropic")["cost_usd"], 0.03375);
    close(&group(&r, "openai")["cost_usd"], TOTAL_COST - 0.03375);

    let r = json(&["analyze", HAND, "--by", "call"]);
    let g = group(&r, "fixtures/hand.jsonl:4");
    assert_eq!(
        (g["file"].as_str(), g["line"].as_u64(), g["model"].as_str()),
        (Some("fixtures/hand.jsonl"), Some(4), Some("gpt-4o"))
    );
    assert_eq!(g["token_source"], "counted");
    assert_eq!(group(&r, "fixtures/hand.jsonl:1")["token_source"], "reported");
}

#[test]
fn dated_prices_follow_the_call_date() {
    let log = r#"{"model":"gpt-4o","timestamp":"2024-07-01T00:00:00Z","usage":{"input_tokens":1000,"output_tokens":100}}
{"model":"gpt-4o","timestamp":"2024-11-01T00:00:00Z","usage":{"input_tokens":1000,"output_tokens":100}}
"#;
    let (_d, path) = write_temp("dated.jsonl", log);
    let r = json(&["analyze", path.to_str().unwrap(), "--by", "day"]);
    // July 2024: $5/$15 -> 5000 + 1500 = 6500 per 1M; November 2024: $2.50/$10 -> 2500 + 1000 = 3500 per 1M.
    close(&group(&r, "2024-07-01")["cost_usd"], 0.0065);
    close(&group(&r, "2024-11-01")["cost_usd"], 0.0035);
}

#[test]
fn long_context_and_batch_rates() {
    let log = r#"{"model":"claude-sonnet-4-5-20250929","session":"long","usage":{"input_tokens":150000,"cached_input_tokens":60000,"output_tokens":1000}}
{"model":"claude-sonnet-4-5-20250929","session":"edge","usage":{"input_tokens":200000,"output_tokens":1000}}
{"model":"claude-sonnet-4-5-20250929","session":"batch","batch":true,"usage":{"input_tokens":1000,"output_tokens":1000}}
"#;
    let (_d, path) = write_temp("tiers.jsonl", log);
    let r = json(&["analyze", path.to_str().unwrap(), "--by", "session"]);
    // Prompt 210,000 > 200,000: the whole request at $6 / $0.60 / $22.50: 900000 + 36000 + 22500 -> $0.9585
    close(&group(&r, "long")["cost_usd"], 0.9585);
    // Exactly 200,000 is not above the threshold: $3 x 200000 + $15 x 1000 = 615000 -> $0.615
    close(&group(&r, "edge")["cost_usd"], 0.615);
    // Batch: half of $3 x 1000 + $15 x 1000 = 18000 / 2 -> $0.009
    close(&group(&r, "batch")["cost_usd"], 0.009);
}

#[test]
fn a_user_table_adds_and_overrides_models() {
    let yaml = "provider:\n  id: acme\nmodels:\n  - id: acme-llm-1\n    prices:\n      - as_of: 2025-01-01\n        input: 1.0\n        output: 2.0\n        source: acme price page\n";
    let (_d, path) = write_temp("acme.yaml", yaml);
    let r = json(&["analyze", HAND, "--pricing", path.to_str().unwrap()]);
    // 100 x $1 + 50 x $2 = 200 per 1M -> $0.0002 more, and nothing unpriced.
    close(&r["totals"]["cost_usd"], TOTAL_COST + 0.0002);
    assert_eq!(r["unpriced"].as_array().unwrap().len(), 0);
    assert_eq!(r["pricing"]["layers"][1], path.to_str().unwrap());

    let cheaper = "provider:\n  id: openai\nmodels:\n  - id: gpt-4\n    aliases: [gpt-4-0613]\n    tokenizer: cl100k_base\n    prices:\n      - {as_of: 2023-01-01, input: 10, output: 20, source: negotiated}\n";
    let (_d2, p2) = write_temp("cheap.yaml", cheaper);
    let r = json(&["analyze", HAND, "--pricing", p2.to_str().unwrap()]);
    // gpt-4 now $10: 19 x 10 = 190 instead of 570 per 1M.
    close(&r["totals"]["cost_usd"], TOTAL_COST - 0.00057 + 0.00019);
}

#[test]
fn pricing_check_lists_every_problem() {
    let yaml = "provider:\n  id: acme\nmodels:\n  - id: a\n    prices:\n      - as_of: 2025-01-01\n        input: -3\n        output: 2\n        source: s\n  - id: b\n    marginal: nope\n    prices:\n      - as_of: 2025-01-01\n        input: .nan\n        output: 2\n        source: s\n";
    let (_d, path) = write_temp("bad.yaml", yaml);
    let p = path.to_str().unwrap();
    let out = tokencost()
        .args(["pricing", "check", p])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!("{p}:7: `input` must be a finite price of 0 or more, got -3")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{p}:14: `input` must be a finite price of 0 or more, got NaN")),
        "{err}"
    );
    assert!(err.contains("3 problems"), "{err}");
    // The same table given to analyze stops before any work, with the same list.
    let out = tokencost()
        .args(["analyze", HAND, "--pricing", p])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains(":7: `input` must be a finite price")
    );
    tokencost()
        .args(["pricing", "check", "no/such/file.yaml"])
        .assert()
        .code(2);

    let (good, _) = ok(&["pricing", "check", "pricing"]);
    assert!(good.starts_with("ok: "), "{good}");
}

#[test]
fn pricing_list_filters_by_provider() {
    let (out, _) = ok(&["pricing", "list", "--provider", "anthropic", "--format", "csv"]);
    assert!(out.lines().skip(1).all(|l| l.starts_with("anthropic,")), "{out}");
    assert!(
        out.contains("anthropic,claude-sonnet-4-5,2025-09-29,3,15,0.3,3.75,6,0.5,above 200000: 6/22.5"),
        "{out}"
    );
    tokencost()
        .args(["pricing", "list", "--provider", "nobody"])
        .assert()
        .code(2);
}

#[test]
fn count_matches_tiktoken() {
    // Reference rows public-0000 (13 / 13) and public-0004 (o200k 17, cl100k 27).
    let text = "The marginal cost of inference keeps falling while list prices stay sticky.";
    tokencost()
        .arg("count")
        .write_stdin(text)
        .assert()
        .success()
        .stdout("13\n");
    let jp = "東京の天気は晴れです。明日は雨が降るでしょう。";
    tokencost()
        .args(["count", "--model", "gpt-4"])
        .write_stdin(jp)
        .assert()
        .success()
        .stdout("27\n");
    tokencost()
        .args(["count", "--model", "gpt-4o-2024-08-06"])
        .write_stdin(jp)
        .assert()
        .success()
        .stdout("17\n");
    tokencost()
        .args(["count", "--encoding", "cl100k_base"])
        .write_stdin(jp)
        .assert()
        .success()
        .stdout("27\n");
    tokencost()
        .args(["count", "--model", "no-such-model"])
        .write_stdin(jp)
        .assert()
        .code(2);
}

#[test]
fn bad_lines_are_reported_and_the_rest_is_counted() {
    let log = "{\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":1000,\"output_tokens\":0}}\n{not json\n{\"hello\":1}\n{\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":-1}}\n\n";
    let (_d, path) = write_temp("bad.jsonl", log);
    let p = path.to_str().unwrap();
    let (out, err) = ok(&["analyze", p, "--format", "json"]);
    let r: Value = serde_json::from_str(&out).unwrap();
    close(&r["totals"]["cost_usd"], 0.0025);
    assert!(err.contains(&format!("{p}:2: invalid JSON")), "{err}");
    assert!(
        err.contains(&format!("{p}:3: not a log line of any known format")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{p}:4: `input_tokens` must be a whole number of tokens")),
        "{err}"
    );
    assert_eq!(r["summary"]["skipped_lines"], 3);
    assert_eq!(r["summary"]["lines"], 5);
}

#[test]
fn an_unreadable_input_fails_the_run_but_not_the_report() {
    let out = tokencost()
        .args(["analyze", "no/such.jsonl", HAND, "--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    close(&r["totals"]["cost_usd"], TOTAL_COST);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no/such.jsonl: cannot read")
    );
}

#[test]
fn prompt_text_never_appears_in_any_output() {
    let canary = "CANARY-7f3a";
    let log = format!(
        "{{\"model\":\"gpt-4o\",\"session\":\"s\",\"messages\":[{{\"role\":\"user\",\"content\":\"{canary}\"}}],\"completion\":\"{canary}\"}}\n\
         {{\"model\":\"mystery-{canary}\",\"prompt\":\"{canary}\"}}\n\
         {{\"model\":\"gpt-4o\",\"usage\":{{\"input_tokens\":\"{canary}\"}}}}\n\
         {{\"{canary}\": \"{canary}\"}}\n\
         [{{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":\"{canary}\"}}]}},{{\"choices\":[{{\"message\":{{\"content\":\"{canary}\"}}}}]}}]\n"
    );
    let (_d, path) = write_temp("private.jsonl", &log);
    for by in ["model", "call", "session"] {
        for format in ["table", "csv", "json"] {
            let (out, err) = ok(&["analyze", path.to_str().unwrap(), "--by", by, "--format", format]);
            // The model name is the one field a report must show; everything else stays private.
            let out = out.replace(&format!("mystery-{canary}"), "");
            let err = err.replace(&format!("mystery-{canary}"), "");
            assert!(
                !out.contains(canary) && !err.contains(canary),
                "--by {by} --format {format}:\n{out}\n{err}"
            );
        }
    }
}

#[test]
fn output_file_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("logs/nested");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(HAND, sub.join("a.jsonl")).unwrap();
    std::fs::copy(HAND, dir.path().join("logs/b.jsonl")).unwrap();
    std::fs::write(dir.path().join("logs/notes.txt"), "not a log").unwrap();
    let report = dir.path().join("report.json");
    let (out, _) = ok(&[
        "analyze",
        dir.path().join("logs").to_str().unwrap(),
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert!(out.is_empty());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    // Two copies of the same log: the two OpenAI responses carry ids (chatcmpl-H1a, chatcmpl-H2b) and are the
    // same responses, counted once ($0.004 + $0.0000048); the four lines without ids count twice.
    close(&r["totals"]["cost_usd"], 2.0 * TOTAL_COST - 0.004 - 0.0000048);
    assert_eq!(r["summary"]["duplicate_lines"], 2);
    assert_eq!(r["summary"]["files"], 2);
}

/// JSON and CSV carry the same digits of every dollar figure: money is never rounded through a float. The
/// marginal-cost figures of this log have 18 to 21 significant digits, more than an f64 holds; the cost is worked
/// out by hand from the list prices (Llama 3.1 405B on Together at $3.50/$3.50, GPT-4o 2024-08-06 at
/// $2.50/$1.25 cached/$10, GPT-4o mini at $0.15/$0.60 per 1M).
#[test]
fn json_and_csv_carry_the_same_digits() {
    let args = |format| {
        vec![
            "analyze",
            "fixtures/large_usage.jsonl",
            "--format",
            format,
            "--total-row",
        ]
    };
    let (csv, _) = ok(&args("csv"));
    let (json, _) = ok(&args("json"));
    let report: Value = serde_json::from_str(&json).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let json_rows: Vec<&Value> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&report["totals"]])
        .collect();
    assert_eq!(rows.len(), json_rows.len());
    let mut long = 0;
    for (row, j) in rows.iter().zip(&json_rows) {
        for (name, cell) in header.iter().zip(row) {
            if !name.ends_with("_usd") && !name.contains("_usd_") {
                continue;
            }
            let digits = if j[name].is_null() {
                String::new()
            } else {
                j[name].to_string()
            };
            assert_eq!(*cell, digits, "{name}");
            long += usize::from(cell.chars().filter(char::is_ascii_digit).count() > 17);
        }
    }
    assert!(long >= 4, "the fixture must have figures an f64 cannot hold");
    assert_eq!(report["totals"]["cost_usd"].to_string(), "66112.1111058");
    assert_eq!(rows.last().unwrap()[7], "66112.1111058");
}

// A table on a terminal of 80 columns leaves out the token buckets and the estimates beside the markup, says so,
// and keeps its figures: the sample's total is $0.6804 at any width. `--wide` shows every column.
#[test]
fn a_table_fits_the_terminal_and_wide_shows_every_column() {
    let run = |more: &[&str]| {
        let out = tokencost()
            .env("COLUMNS", "80")
            .args(["analyze", "fixtures/sample.jsonl"])
            .args(more)
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let narrow = run(&[]);
    let table: Vec<&str> = narrow
        .lines()
        .take_while(|l| !l.starts_with("Hidden at this width"))
        .collect();
    assert!(table.iter().all(|l| l.chars().count() <= 80), "{narrow}");
    assert!(table[1].contains("model") && table[1].contains("cost") && table[1].contains("markup (est.)"));
    assert!(!table[1].contains("cached input"), "{narrow}");
    assert!(narrow.contains("│ total "), "{narrow}");
    assert!(narrow.contains("$0.6804"), "{narrow}");
    assert!(narrow.contains(
        "Hidden at this width: input, cached input, cache write, output, marginal (est.), token tax (est.); \
         --wide shows them."
    ));
    let wide = run(&["--wide"]);
    assert!(wide.lines().nth(1).unwrap().contains("cached input"), "{wide}");
    assert!(!wide.contains("Hidden at this width"), "{wide}");
}

// Completion scripts and the manual page come from the same definition the parser uses: every shell's script names
// the subcommands and flags, the bash one is valid bash, the page is roff with the commands in it.
#[test]
fn completions_and_the_manual_page_describe_the_command_line() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (out, _) = ok(&["completions", shell]);
        for word in ["analyze", "pricing", "wide"] {
            assert!(out.contains(word), "{shell} script lacks {word}");
        }
    }
    let (bash, _) = ok(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("tokencost.bash");
    std::fs::write(&script, bash).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(check.success(), "bash -n rejects the script");
    let (page, _) = ok(&["man"]);
    assert!(page.contains(".TH tokencost 1"), "{page}");
    assert!(page.contains("analyze") && page.contains("diff"), "{page}");
    tokencost().args(["completions", "tcsh"]).assert().code(2);
}

// Names typed on the command line: every unknown model of `compare --models` in one error, each with the closest
// names the table has; `--provider` in any case; an unknown provider with the closest ids.
#[test]
fn unknown_names_are_all_reported_with_suggestions() {
    let out = tokencost()
        .args([
            "compare",
            "fixtures/sample.jsonl",
            "--models",
            "gpt-4o,claude-sonet-4-5,zzz-unheard-of",
        ])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(err.contains("2 of the models named cannot be priced"), "{err}");
    assert!(
        err.contains("no price for model `claude-sonet-4-5` (did you mean `claude-sonnet-4-5`"),
        "{err}"
    );
    assert!(err.contains("no price for model `zzz-unheard-of`"), "{err}");
    let (list, _) = ok(&["pricing", "list", "--provider", "OpenAI", "--format", "csv"]);
    assert!(list.lines().nth(1).unwrap().starts_with("openai,"), "{list}");
    let out = tokencost().args(["markup", "--provider", "antropic"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        err.contains("no provider `antropic` (did you mean `anthropic`?); known: anthropic,"),
        "{err}"
    );
}

/// An OpenAI response at `created` (Unix seconds) with 1000 prompt and 100 completion tokens.
fn response_at(id: &str, created: i64) -> String {
    format!(
        r#"{{"id":"{id}","object":"chat.completion","created":{created},"model":"gpt-4o-2024-08-06","choices":[],"usage":{{"prompt_tokens":1000,"completion_tokens":100,"total_tokens":1100}}}}"#
    )
}

// Dates as people type them. Calls on 2025-01-31 12:00 UTC, 2025-02-01 12:00 UTC, and 3 and 10 days before now:
// `--until 2025-01` keeps the whole of January (1 call), `--since 2025-02 --until 2025` the rest of 2025 (1),
// `--since 7d` only the call 3 days old (1, and stderr says from when), `--until today` all four, Unix seconds for
// 2025-02-01 the last three; `--timezone utc` in any case; a form it does not read is an error listing the forms.
#[test]
fn dates_people_type_are_read() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let log = [
        response_at("d1", 1_738_324_800), // 2025-01-31T12:00:00Z
        response_at("d2", 1_738_411_200), // 2025-02-01T12:00:00Z
        response_at("d3", now - 3 * 86_400),
        response_at("d4", now - 10 * 86_400),
    ]
    .join("\n");
    let (_dir, path) = write_temp("dated.jsonl", &(log + "\n"));
    let path = path.to_str().unwrap();
    let calls = |more: &[&str]| -> (u64, String) {
        let out = tokencost()
            .args(["analyze", path, "--format", "json", "--timezone", "utc"])
            .args(more)
            .assert()
            .success();
        let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        (r["totals"]["calls"].as_u64().unwrap(), err)
    };
    assert_eq!(calls(&["--until", "2025-01"]).0, 1);
    assert_eq!(calls(&["--since", "2025-02", "--until", "2025"]).0, 1);
    let (n, err) = calls(&["--since", "7d"]);
    assert_eq!(n, 1);
    assert!(err.contains("--since 7d: from "), "{err}");
    assert_eq!(calls(&["--until", "today"]).0, 4);
    assert_eq!(calls(&["--since", "1738368000"]).0, 3); // 2025-02-01T00:00:00Z
    let out = tokencost()
        .args(["analyze", path, "--since", "31/01/2025"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        err.contains("--since `31/01/2025` is not a time tokencost reads; give a date (2025-01-31)"),
        "{err}"
    );
}
