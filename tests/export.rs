//! The per-call export end to end: the columns of `analyze --by call` (names, order and values worked out by
//! hand), calls without a price as rows, and `--format jsonl` as input again: two machines' logs exported apart
//! and analysed together give the report of one run over all the logs, a response logged on both counted once.

mod common;

use common::tokencost;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/export");
/// Machine A: an OpenAI chat log and an Anthropic messages log. Machine B: a copy of one of A's responses, a
/// native batch call with a project, a call of a model with no price, and a bundled model's call.
const A: [&str; 2] = ["a/chat.jsonl", "a/claude.jsonl"];
const B: [&str; 1] = ["b/chat.jsonl"];

/// Runs `tokencost analyze` in `dir` with the fixtures' prices; returns stdout.
fn analyze(dir: &Path, args: &[&str]) -> String {
    let prices = format!("{FIXTURES}/prices.yaml");
    let out = tokencost()
        .current_dir(dir)
        .args(["analyze", "--pricing", &prices])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fixtures() -> &'static Path {
    Path::new(FIXTURES)
}

const HEADER: &str = "call,file,line,timestamp,session,project,provider,model,batch,service_tier,response_id,\
price_as_of,token_source,calls,input_tokens,cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,\
output_tokens,cost_usd,priced,";

/// The cells of a CSV line up to `priced`: none of them is quoted (no commas in these names and figures).
fn head_cells(line: &str) -> Vec<&str> {
    line.split(',').take(21).collect()
}

#[test]
fn by_call_has_the_export_columns_in_order_with_values_worked_out_by_hand() {
    let all: Vec<&str> = A.iter().chain(&B).copied().collect();
    let mut args = all.clone();
    args.extend(["--by", "call", "--format", "csv"]);
    let out = analyze(fixtures(), &args);
    let mut lines = out.lines();
    assert!(lines.next().unwrap().starts_with(HEADER), "{out}");
    let rows: Vec<Vec<&str>> = lines.map(head_cells).collect();
    let hex = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    // b/chat.jsonl:1 is a copy of a/chat.jsonl:1 (the same response id): one row, the copy whose file sorts first.
    assert_eq!(rows.len(), 6, "{out}");
    let expect: [&[&str]; 6] = [
        // 2024-06-01, before the price change: 1000 x $1/M + 100 x $2/M = $0.0012.
        &[
            "a/chat.jsonl:1",
            "a/chat.jsonl",
            "1",
            "2024-06-01T12:00:00Z",
            "",
            "",
            "exampleai",
            "ex-1",
            "false",
            "standard",
            "*",
            "2024-01-01",
            "reported",
            "1",
            "1000",
            "0",
            "0",
            "0",
            "100",
            "0.0012",
            "true",
        ],
        // Priority, after the change: 2000 x $6/M + 500 x $12/M = $0.012 + $0.006 = $0.018.
        &[
            "a/chat.jsonl:2",
            "a/chat.jsonl",
            "2",
            "2024-08-01T12:00:00Z",
            "",
            "",
            "exampleai",
            "ex-1",
            "false",
            "priority",
            "*",
            "2024-07-01",
            "reported",
            "1",
            "2000",
            "0",
            "0",
            "0",
            "500",
            "0.018",
            "true",
        ],
        // No date: the newest row. 100 x $3 + 4000 cached x $0.3 + 1000 written x $3.75 + 50 x $6, per 1M:
        // (300 + 1200 + 3750 + 300) / 1e6 = $0.00555.
        &[
            "a/claude.jsonl:1",
            "a/claude.jsonl",
            "1",
            "",
            "",
            "",
            "exampleai",
            "ex-1",
            "false",
            "standard",
            "*",
            "2024-07-01",
            "reported",
            "1",
            "100",
            "4000",
            "1000",
            "0",
            "50",
            "0.00555",
            "true",
        ],
        // Batch, 2024-03-01: 10000 x $0.5/M + 1000 x $1/M = $0.006.
        &[
            "b/chat.jsonl:2",
            "b/chat.jsonl",
            "2",
            "2024-03-01T00:00:00Z",
            "s-b",
            "/home/u/app",
            "exampleai",
            "ex-1",
            "true",
            "batch",
            "",
            "2024-01-01",
            "reported",
            "1",
            "10000",
            "0",
            "0",
            "0",
            "1000",
            "0.006",
            "true",
        ],
        // No price: a row with its tokens, no cost, no provider, no price date.
        &[
            "b/chat.jsonl:3",
            "b/chat.jsonl",
            "3",
            "2024-03-02T00:00:00Z",
            "s-b",
            "",
            "",
            "mystery-9",
            "false",
            "standard",
            "",
            "",
            "reported",
            "1",
            "10",
            "0",
            "0",
            "0",
            "5",
            "",
            "false",
        ],
        // Bundled gpt-4o-mini (row of 2024-07-18): 24 x $0.15/M + 2 x $0.6/M = $0.0000048.
        &[
            "b/chat.jsonl:4",
            "b/chat.jsonl",
            "4",
            "2024-08-28T15:14:49Z",
            "",
            "",
            "openai",
            "gpt-4o-mini-2024-07-18",
            "false",
            "standard",
            "*",
            "2024-07-18",
            "reported",
            "1",
            "24",
            "0",
            "0",
            "0",
            "2",
            "0.0000048",
            "true",
        ],
    ];
    for (row, want) in rows.iter().zip(expect) {
        for (i, (got, want)) in row.iter().zip(want).enumerate() {
            if *want == "*" {
                assert!(hex(got), "column {i} of {row:?}: not 32 hex digits");
            } else {
                assert_eq!(got, want, "column {i} of {row:?}");
            }
        }
    }
    // The three ids differ: they identify different responses.
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[10]).filter(|s| !s.is_empty()).collect();
    assert_eq!(ids.len(), 4, "{rows:?}");
    // Calls without a price stay out of the total (the priced calls' $0.0012 + $0.018 + $0.00555 + $0.006 +
    // $0.0000048 = $0.0307548) but not out of the rows.
    let text = analyze(fixtures(), &[&all[..], &["--by", "call", "--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["totals"]["cost_usd"].to_string(), "0.0307548");
    let unpriced = &json["groups"][4];
    assert_eq!(unpriced["model"], "mystery-9");
    assert!(unpriced["cost_usd"].is_null(), "{unpriced}");
    assert_eq!(unpriced["priced"], false);
    assert_eq!(json["groups"][0]["priced"], true);
    assert_eq!(json["groups"][1]["service_tier"], "priority");
    // The JSON rows hold the same fields in the same order as the CSV.
    let first = &text[text.find("\"groups\"").unwrap()..];
    let first = &first[..first.find('}').unwrap()];
    let at = |k: &str| {
        first
            .find(&format!("\"{k}\":"))
            .unwrap_or_else(|| panic!("no {k} in {first}"))
    };
    let order = HEADER.trim_end_matches(',').replacen("call", "key", 1);
    let positions: Vec<usize> = order.split(',').map(at).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first}");
}

/// Exports each machine's logs with `--format jsonl` (and with `-o x.jsonl`), into `dir`.
fn export_machines(dir: &Path) {
    let a = dir.join("a.jsonl");
    let b = dir.join("b.jsonl");
    let mut args: Vec<&str> = A.to_vec();
    args.extend(["-o", a.to_str().unwrap()]);
    analyze(fixtures(), &args);
    let out = analyze(fixtures(), &[B[0], "--format", "jsonl"]);
    std::fs::write(&b, out).unwrap();
}

#[test]
fn exports_of_two_machines_analysed_together_give_the_report_of_all_their_logs() {
    let dir = tempdir("round-trip");
    export_machines(&dir);
    let raw: Vec<String> = A.iter().chain(&B).map(|f| format!("{FIXTURES}/{f}")).collect();
    let raw: Vec<&str> = raw.iter().map(String::as_str).collect();
    let exports = ["a.jsonl", "b.jsonl"];
    // Rows besides the header: two priced models and the unpriced one; five days (the Anthropic call has no date:
    // `unknown`); three sessions (two files named chat.jsonl, one per machine, are one session by name); two
    // projects (`app`, `unknown`).
    for (by, rows) in [("model", 3), ("day", 5), ("session", 3), ("project", 2)] {
        let one = analyze(&dir, &[&raw[..], &["--by", by, "--format", "csv"]].concat());
        let two = analyze(&dir, &[&exports[..], &["--by", by, "--format", "csv"]].concat());
        assert_eq!(one, two, "--by {by}");
        assert_eq!(one.lines().count(), rows + 1, "--by {by}: {one}");
    }
    let json = |inputs: &[&str]| -> serde_json::Value {
        let mut v: serde_json::Value =
            serde_json::from_str(&analyze(&dir, &[inputs, &["--format", "json"]].concat())).unwrap();
        // The summary says what was read (files, lines by format, copies seen): it differs by design.
        v.as_object_mut().unwrap().remove("summary");
        v
    };
    let (one, two) = (json(&raw), json(&exports));
    assert_eq!(one, two);
    assert_eq!(one["totals"]["calls"], 5);
    assert_eq!(one["totals"]["cost_usd"].to_string(), "0.0307548");
}

#[test]
fn the_export_holds_no_prompt_text_and_reads_back_the_same_calls() {
    let out = analyze(fixtures(), &[A[0], A[1], B[0], "--format", "jsonl"]);
    assert!(!out.contains("secret"), "{out}");
    insta::assert_snapshot!("export_jsonl", out);
    let dir = tempdir("again");
    std::fs::write(dir.join("all.jsonl"), &out).unwrap();
    // The export of the export is the export (file names aside, which it does not hold).
    assert_eq!(analyze(&dir, &["all.jsonl", "--format", "jsonl"]), out);
}

#[test]
fn by_call_output_is_the_same_at_any_thread_count() {
    let run = |threads: &str| {
        analyze(
            fixtures(),
            &[
                A[0],
                A[1],
                B[0],
                "--by",
                "call",
                "--format",
                "csv",
                "--threads",
                threads,
            ],
        )
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
fn jsonl_is_refused_where_it_has_no_meaning() {
    let prices = format!("{FIXTURES}/prices.yaml");
    let out = tokencost()
        .current_dir(fixtures())
        .args([
            "analyze",
            "--pricing",
            &prices,
            A[0],
            "--by",
            "day",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format jsonl writes one line per call"));
    let out = tokencost()
        .args(["pricing", "list", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format jsonl is written by `analyze` only"));
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("export-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn by_call_rows_spilled_to_disk_are_written_the_same_in_every_format() {
    // Every fixture of every format, read twice: copies of one response in different runs, calls that waited for
    // de-duplication merged back among the rest in input order, and unpriced calls among priced ones.
    let run = |format: &str, extra: &[&str]| {
        let out = tokencost()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "analyze",
                "fixtures/formats",
                "fixtures/gateways",
                "fixtures/hand.jsonl",
                "fixtures/formats",
            ])
            .args(["--by", "call", "--format", format])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    for format in ["csv", "json", "jsonl", "table"] {
        let memory = run(format, &[]);
        assert!(memory.len() > 1000, "{format}");
        for bound in ["1", "3"] {
            assert!(
                memory == run(format, &["--spill-after", bound]),
                "{format} --spill-after {bound}"
            );
        }
    }
}
