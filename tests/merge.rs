//! `analyze --partial` and `merge`, end to end through the binary: any split of the inputs into partials, merged in
//! any order, prints the report of one run over all of them, byte for byte; partials that disagree, or are damaged,
//! are refused with the file named.
//!
//! The inputs (fixtures/merge/) are four logs of several formats: native lines with sessions, cache reads and
//! writes, a batch call and an unpriced model (`acme-llm-1`, in two files); one OpenAI response (`chatcmpl-DUP1`)
//! logged on both machines; a Claude Code stream whose provisional line is on one machine and its final `result` line
//! on another; an OpenAI Batch whose requests and results are in different files.

mod common;

use common::tokencost;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const INPUTS: [&str; 4] = [
    "fixtures/merge/machine-a.jsonl",
    "fixtures/merge/machine-b.jsonl",
    "fixtures/merge/batch-in.jsonl",
    "fixtures/merge/batch-out.jsonl",
];

/// stdout of a successful run.
fn ok(args: &[&str]) -> Vec<u8> {
    let out = tokencost().args(args).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "tokencost {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Exit code and stderr of a run that must fail.
fn refused(args: &[&str]) -> (i32, String) {
    let out = tokencost().args(args).output().expect("the binary runs");
    assert!(!out.status.success(), "tokencost {args:?} should fail");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn analyze(inputs: &[&str], by: &str, format: &str) -> Vec<u8> {
    let mut args = vec!["analyze", "--by", by, "--format", format, "-q"];
    args.extend_from_slice(inputs);
    ok(&args)
}

/// Writes a partial of `inputs` (given in this order) to `to`.
fn partial(inputs: &[&str], by: &str, to: &Path, extra: &[&str]) {
    let to = to.to_str().unwrap();
    let mut args = vec!["analyze", "--by", by, "-q", "--partial", to];
    args.extend_from_slice(extra);
    args.extend_from_slice(inputs);
    ok(&args);
}

fn merge(parts: &[&PathBuf], format: &str) -> Vec<u8> {
    let mut args = vec!["merge", "--format", format, "-q"];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    ok(&args)
}

/// Every split of `0..n` into non-empty blocks, each block's members ascending.
fn splits(n: usize) -> Vec<Vec<Vec<usize>>> {
    // Restricted growth strings: element i goes to block g[i] <= 1 + max of g[..i].
    fn grow(i: usize, n: usize, g: &mut Vec<usize>, out: &mut Vec<Vec<Vec<usize>>>) {
        if i == n {
            let blocks = g.iter().max().map_or(0, |m| m + 1);
            out.push((0..blocks).map(|b| (0..n).filter(|&x| g[x] == b).collect()).collect());
            return;
        }
        let top = g.iter().max().map_or(0, |m| m + 1);
        for b in 0..=top {
            g.push(b);
            grow(i + 1, n, g, out);
            g.pop();
        }
    }
    let mut out = Vec::new();
    grow(0, n, &mut Vec::new(), &mut out);
    out
}

/// Every order of `0..n`.
fn orders(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in orders(n - 1) {
        for at in 0..=rest.len() {
            let mut o = rest.clone();
            o.insert(at, n - 1);
            out.push(o);
        }
    }
    out
}

#[test]
fn the_helpers_count_every_split_and_order() {
    // Bell(4) = 15 splits; ordered, 1 x 1 + 7 x 2 + 6 x 6 + 1 x 24 = 75 (the Fubini number of 4).
    let s = splits(4);
    assert_eq!(s.len(), 15);
    assert_eq!(s.iter().map(|b| orders(b.len()).len()).sum::<usize>(), 75);
}

/// For one grouping: a partial of every non-empty subset of the inputs (named in reverse order), then every split
/// merged in every order in JSON, and in one order in CSV, against the single run.
fn every_split_merges_to_the_single_run(by: &str) {
    let dir = tempfile::tempdir().unwrap();
    let single_json = analyze(&INPUTS, by, "json");
    let single_csv = analyze(&INPUTS, by, "csv");
    // The single run itself does not depend on the order the files are named in.
    let reversed: Vec<&str> = INPUTS.iter().rev().copied().collect();
    assert_eq!(
        analyze(&reversed, by, "json"),
        single_json,
        "analyze --by {by} in reverse order"
    );
    let mut parts: BTreeMap<Vec<usize>, PathBuf> = BTreeMap::new();
    for split in splits(INPUTS.len()) {
        for block in &split {
            parts.entry(block.clone()).or_insert_with(|| {
                let path = dir.path().join(format!("{by}-{block:?}.part"));
                let files: Vec<&str> = block.iter().rev().map(|&i| INPUTS[i]).collect();
                partial(&files, by, &path, &[]);
                path
            });
        }
    }
    let mut merged = 0;
    for split in splits(INPUTS.len()) {
        for order in orders(split.len()) {
            let files: Vec<&PathBuf> = order.iter().map(|&b| &parts[&split[b]]).collect();
            let got = merge(&files, "json");
            assert!(
                got == single_json,
                "--by {by}: split {split:?} merged in order {order:?} differs in JSON"
            );
            merged += 1;
        }
        let files: Vec<&PathBuf> = split.iter().rev().map(|b| &parts[b]).collect();
        assert!(
            merge(&files, "csv") == single_csv,
            "--by {by}: split {split:?} differs in CSV"
        );
    }
    assert_eq!(merged, 75);
}

#[test]
fn every_split_by_model() {
    every_split_merges_to_the_single_run("model");
}

#[test]
fn every_split_by_session() {
    every_split_merges_to_the_single_run("session");
}

#[test]
fn every_split_by_day() {
    every_split_merges_to_the_single_run("day");
}

/// `--by call`: the rows of every part, in the order of their files' names and lines, whichever machine read
/// them; and the export (`--format jsonl`) of the merge is the export of the single run.
#[test]
fn every_split_by_call() {
    every_split_merges_to_the_single_run("call");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.part"), dir.path().join("b.part"));
    partial(&INPUTS[2..], "call", &a, &[]);
    partial(&INPUTS[..2], "call", &b, &[]);
    let single = ok(&[&["analyze", "-q", "--format", "jsonl"], &INPUTS[..]].concat());
    assert!(merge(&[&a, &b], "jsonl") == single, "the merged export differs");
    // A row per call: the 8 priced and 2 unpriced calls that `merged_figures_count_each_response_once` works out,
    // and no row for a copy, a superseded stream line or a request not billed.
    let text = String::from_utf8(merge(&[&b, &a], "csv")).unwrap();
    assert_eq!(text.lines().count() - 1, 10, "{text}");
}

/// JSON Lines is an export of calls: a merge of other groupings has none to write.
#[test]
fn jsonl_of_a_merge_by_model_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.part");
    partial(&INPUTS, "model", &p, &[]);
    let (code, err) = refused(&["merge", "--format", "jsonl", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--format jsonl"), "{err}");
}

#[test]
fn merged_figures_count_each_response_once() {
    let dir = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = INPUTS
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let p = dir.path().join(format!("{i}.part"));
            partial(&[input], "session", &p, &[]);
            p
        })
        .collect();
    let out = merge(&parts.iter().collect::<Vec<_>>(), "json");
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let s = &r["summary"];
    // Priced calls: gpt-4o (run-1); chatcmpl-DUP1 once, though on both machines; the stream of ses-one from its
    // final line (its provisional line on machine A replaced); haiku (run-2); the batch line of gpt-4o-mini; ses-two's
    // provisional message (two copies of msg_Sx2, once); batch b-1 from its result; b-2 from its request. 8.
    assert_eq!(s["priced_calls"], 8);
    // acme-llm-1 on machine A and in batch-out.jsonl.
    assert_eq!(s["unpriced_calls"], 2);
    // DUP1's second copy, msg_Sx2's second copy, b-1's request beside its result, b-3's request beside its expired
    // result.
    assert_eq!(s["duplicate_lines"], 4);
    assert_eq!(s["superseded_lines"], 1);
    assert_eq!(s["not_billed"], 1);
    // Input: 1000 + (400 - 100 cached) + 1200 + 300 + 10000 + 10 + 31 + 102 (b-2's request, counted; see
    // tests/formats.rs) = 12943. Cached: 2000 + 100 + 4500 = 6600. Output: 100 + 40 + 45 + 30 + 1000 + 80 + 8 = 1303.
    let t = &r["totals"];
    assert_eq!(t["input_tokens"], 12943);
    assert_eq!(t["cached_input_tokens"], 6600);
    assert_eq!(t["cache_write_tokens"], 300 + 1000);
    assert_eq!(t["output_tokens"], 1303);
    let groups = r["groups"].as_array().unwrap();
    let group = |key: &str| groups.iter().find(|g| g["key"] == key).unwrap();
    // run-1 is gpt-4o-2024-08-06 alone: 1000 x $2.50 + 2000 x $1.25 + 100 x $10 per 1M = $0.006.
    let run1 = group("run-1");
    assert_eq!(run1["cost_usd"].to_string(), "0.006");
    // Sessions show the project they ran in, by its last path component: run-1's priced call names /home/a/app
    // (its unpriced call, /home/a/other, is no part of the session's sums), run-2 /srv/b/api.
    assert_eq!(run1["project"], "app");
    assert_eq!(group("run-2")["project"], "api");
    // DUP1 is kept from machine A: equal copies fall to the smaller session name, their files' names.
    let a = group("machine-a.jsonl");
    assert_eq!(a["input_tokens"], 300);
    assert!(groups.iter().all(|g| g["key"] != "machine-b.jsonl" || g["calls"] == 1));
}

#[test]
fn partials_hold_no_prompt_or_completion_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("all.part");
    partial(&INPUTS, "session", &p, &[]);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.starts_with(r#"{"format":"tokencost-partial","version":1,"#),
        "{}",
        &text[..80]
    );
    // A system prompt of the batch requests, a batch completion, a stream's result text and its message text.
    for secret in ["aaaaaaaaaaaaaaaaaaaa", "Done.", "All checks pass.", r#""text":"ok""#] {
        assert!(!text.contains(secret), "the partial holds `{secret}`");
    }
    // `--partial -` writes the same lines to stdout.
    let mut args = vec!["analyze", "--by", "session", "-q", "--partial", "-"];
    args.extend_from_slice(&INPUTS);
    assert!(ok(&args) == text.as_bytes());
}

#[test]
fn partials_made_with_other_settings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.part"),
        dir.path().join("b.part"),
        dir.path().join("c.part"),
    );
    partial(&INPUTS[..2], "model", &a, &[]);
    partial(
        &INPUTS[2..],
        "model",
        &b,
        &["--pricing", "fixtures/pricing/history.yaml"],
    );
    partial(&INPUTS[2..], "day", &c, &[]);
    let (code, err) = refused(&["merge", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("a.part and ") && err.contains("b.part were made with different price tables"),
        "{err}"
    );
    let (code, err) = refused(&["merge", c.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("c.part and ") && err.contains("a.part were made with different --by (day and model)"),
        "{err}"
    );
    // The same prices as the partial's, but not the merge's own.
    let (code, err) = refused(&["merge", b.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("b.part was made with a different price table"), "{err}");
    // With the same layer, the merge goes through.
    ok(&[
        "merge",
        "--pricing",
        "fixtures/pricing/history.yaml",
        b.to_str().unwrap(),
    ]);
    // Filters must agree too.
    let d = dir.path().join("d.part");
    partial(&INPUTS[2..], "model", &d, &["--since", "2024-09-02"]);
    let (code, err) = refused(&["merge", a.to_str().unwrap(), d.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("different --since (none and 2024-09-02T00:00:00Z)"),
        "{err}"
    );
}

#[test]
fn damaged_partials_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.part");
    partial(&INPUTS, "model", &good, &[]);
    let text = std::fs::read_to_string(&good).unwrap();
    let check = |name: &str, content: &str, want: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let (code, err) = refused(&["merge", p.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(&format!("{}", p.display())), "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    };
    check("empty.part", "", "empty: not a partial result");
    check(
        "log.part",
        &std::fs::read_to_string(INPUTS[0]).unwrap(),
        ":1: not a partial result",
    );
    check("cut.part", &text[..text.len() / 2], "cut short");
    check(
        "cut-at-line.part",
        &text[..text.rfind("{\"end\"").unwrap()],
        "cut short",
    );
    // One figure changed: the digest on the last line no longer matches.
    check(
        "edited.part",
        &text.replacen("\"calls\":1", "\"calls\":9", 1),
        "damaged",
    );
    let newer = text.replacen("\"version\":1", "\"version\":99", 1);
    check(
        "newer.part",
        &newer,
        "format version 99; this tokencost reads version 1",
    );
    // A damaged line with a matching digest (written by something else than tokencost): named by its line.
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("{\"group\"")).unwrap();
    let mut body: Vec<String> = lines[..lines.len() - 1].iter().map(|l| l.to_string()).collect();
    body[at] = body[at].replacen("\"model\":", "\"model\":99999999", 1);
    let mut joined: String = body.iter().map(|l| format!("{l}\n")).collect();
    let digest = xxhash_rust::xxh3::xxh3_128(joined.as_bytes());
    joined.push_str(&format!(
        "{{\"end\":{{\"lines\":{},\"xxh3\":\"{digest:032x}\"}}}}\n",
        body.len()
    ));
    check("index.part", &joined, &format!(":{}: model number 99999999", at + 1));
}

#[test]
fn an_empty_partial_merges_to_nothing_added() {
    let dir = tempfile::tempdir().unwrap();
    let empty_log = dir.path().join("empty.jsonl");
    std::fs::write(&empty_log, "").unwrap();
    let (e, a) = (dir.path().join("e.part"), dir.path().join("a.part"));
    partial(&[empty_log.to_str().unwrap()], "model", &e, &[]);
    partial(&INPUTS, "model", &a, &[]);
    let mut with_empty: Vec<&str> = INPUTS.to_vec();
    with_empty.push(empty_log.to_str().unwrap());
    assert!(merge(&[&e, &a], "json") == analyze(&with_empty, "model", "json"));
    assert!(merge(&[&e], "csv") == analyze(&[empty_log.to_str().unwrap()], "model", "csv"));
}

/// Past the bound of waiting copies and sessions, partials and the merge go through temporary files: the report is
/// the same.
#[test]
fn spilled_partials_merge_to_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    for by in ["session", "model"] {
        let single = analyze(&INPUTS, by, "json");
        let parts: Vec<PathBuf> = [&INPUTS[..2], &INPUTS[2..]]
            .iter()
            .enumerate()
            .map(|(i, inputs)| {
                let p = dir.path().join(format!("{by}-{i}.part"));
                partial(inputs, by, &p, &["--spill-after", "1"]);
                p
            })
            .collect();
        let mut args = vec!["merge", "--format", "json", "-q", "--spill-after", "1"];
        args.extend(parts.iter().map(|p| p.to_str().unwrap()));
        assert!(ok(&args) == single, "--by {by} spilled");
    }
}

/// Figures no log could give, in a partial whose digest is right (written by something else than tokencost): the
/// merge ends in a clear error or a report, never a panic.
#[test]
fn hostile_figures_in_a_partial_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.part");
    partial(&INPUTS, "model", &good, &[]);
    let text = std::fs::read_to_string(&good).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let body: Vec<String> = lines[..lines.len() - 1]
        .iter()
        .map(|l| l.replace("\"calls\":1,", &format!("\"calls\":{},", u64::MAX)))
        .collect();
    assert!(body.iter().any(|l| l.contains(&u64::MAX.to_string())));
    let mut joined: String = body.iter().map(|l| format!("{l}\n")).collect();
    let digest = xxhash_rust::xxh3::xxh3_128(joined.as_bytes());
    joined.push_str(&format!(
        "{{\"end\":{{\"lines\":{},\"xxh3\":\"{digest:032x}\"}}}}\n",
        body.len()
    ));
    let p = dir.path().join("hostile.part");
    std::fs::write(&p, &joined).unwrap();
    let out = tokencost()
        .args(["merge", "--format", "json", p.to_str().unwrap(), p.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    // The same partial twice: each bucket's calls, u64::MAX twice, saturate rather than overflow.
    assert!(out.status.success(), "{err}");
    assert!(err.contains("is in both"), "{err}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["totals"]["calls"], u64::MAX);
    // A count in the summary that no log could hold is refused, with its line.
    let stats_at = lines.iter().position(|l| l.starts_with("{\"stats\"")).unwrap();
    let mut body: Vec<String> = lines[..lines.len() - 1].iter().map(|l| l.to_string()).collect();
    let mut stats: serde_json::Value = serde_json::from_str(&body[stats_at]).unwrap();
    stats["stats"]["lines"] = (u64::MAX / 10).into();
    body[stats_at] = stats.to_string();
    let mut joined: String = body.iter().map(|l| format!("{l}\n")).collect();
    let digest = xxhash_rust::xxh3::xxh3_128(joined.as_bytes());
    joined.push_str(&format!(
        "{{\"end\":{{\"lines\":{},\"xxh3\":\"{digest:032x}\"}}}}\n",
        body.len()
    ));
    std::fs::write(&p, &joined).unwrap();
    let (code, err) = refused(&["merge", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("hostile.part:{}: a count of", stats_at + 1)),
        "{err}"
    );
}
