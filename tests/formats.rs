//! Every log format end to end, on fixtures of real shape with our own content. Each expected total is worked out
//! by hand below from the bundled prices (USD per 1M tokens); "per 1M" sums are divided by 1,000,000.

mod common;
use common::{close, keys};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

fn report(args: &[&str]) -> Value {
    let out = common::tokencost()
        .arg("analyze")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn total(path: &str) -> Value {
    report(&[path])["totals"].clone()
}

fn calls_by_line(path: &str) -> Vec<(u64, Value)> {
    report(&[path, "--by", "call"])["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["line"].as_u64().unwrap(), g.clone()))
        .collect()
}

const F: &str = "fixtures/formats";

// openai_chat.jsonl
// 1. gpt-4o-2024-08-06: prompt 1500 (1024 cached), completion 300: 476 x 2.50 + 1024 x 1.25 + 300 x 10 = 5470
// 2. o3-mini: prompt 3000 (2048 cached), completion 900 incl. 640 reasoning: 952 x 1.10 + 2048 x 0.55 + 900 x 4.40
//    = 1047.2 + 1126.4 + 3960 = 6133.6
// 3. a stream chunk without usage: no call
// 4. the final chunk, gpt-4o-mini: 200 x 0.15 + 50 x 0.60 = 60
// 5. [request, response, metadata], gpt-4o on 2024-07-03 (launch price): 1000 x 5 + 100 x 15 = 6500
// 6. line 1 again, written with spaces: the same response id, counted once
// 7. a gpt-4o-mini request without response: reference chat public-0263 = 31 tokens: 31 x 0.15 = 4.65
const OPENAI_CHAT: f64 = (5470.0 + 6133.6 + 60.0 + 6500.0 + 4.65) / 1e6;

#[test]
fn openai_chat_completions() {
    let t = total(&format!("{F}/openai_chat.jsonl"));
    close(&t["cost_usd"], OPENAI_CHAT);
    assert_eq!(t["calls"], 5);
    assert_eq!(t["cached_input_tokens"], 1024 + 2048);
    assert_eq!(t["output_tokens"], 300 + 900 + 50 + 100);
    let calls = calls_by_line(&format!("{F}/openai_chat.jsonl"));
    let lines: Vec<u64> = calls.iter().map(|c| c.0).collect();
    assert_eq!(lines, [1, 2, 4, 5, 7]);
    assert_eq!(calls[4].1["token_source"], "counted");
    assert_eq!(calls[4].1["input_tokens"], 31);
    let r = report(&[&format!("{F}/openai_chat.jsonl")]);
    assert_eq!(r["summary"]["duplicate_lines"], 1);
}

// openai_responses.jsonl
// 1. gpt-4.1: input 10000 (8000 cached), output 500: 2000 x 2 + 8000 x 0.50 + 500 x 8 = 12000
// 2. o4-mini: input 5120 (4096 cached), output 410 (384 reasoning): 1024 x 1.10 + 4096 x 0.275 + 410 x 4.40
//    = 1126.4 + 1126.4 + 1804 = 4056.8
// 3. in progress, no usage yet: no call
#[test]
fn openai_responses() {
    let t = total(&format!("{F}/openai_responses.jsonl"));
    close(&t["cost_usd"], (12000.0 + 4056.8) / 1e6);
    assert_eq!(t["calls"], 2);
    let r = report(&[&format!("{F}/openai_responses.jsonl"), "--by", "session"]);
    close(&r["groups"][0]["cost_usd"], 0.012);
    assert_eq!(r["groups"][0]["key"], "conv_Ax");
}

// openai_batch/: gpt-4o-mini at the batch rate (50%)
// input.jsonl: b-1 (chat public-0263, 31 tokens), b-2 (public-0264, 102), b-3 (public-0279, 20)
// output.jsonl: b-3 expired (not billed); b-1 succeeded: prompt 31, completion 8
// Both files: b-1 from its result: (31 x 0.15 + 8 x 0.60) x 0.5 = 4.725; b-2 counted: 102 x 0.15 x 0.5 = 7.65;
// b-3 not billed. Input alone: (31 + 102 + 20) x 0.15 x 0.5 = 11.475. Output alone: 4.725.
#[test]
fn openai_batch_files_joined_by_custom_id() {
    let both = report(&[&format!("{F}/openai_batch")]);
    close(&both["totals"]["cost_usd"], (4.725 + 7.65) / 1e6);
    assert_eq!(both["totals"]["calls"], 2);
    assert_eq!(both["summary"]["not_billed"], 1);
    close(
        &total(&format!("{F}/openai_batch/input.jsonl"))["cost_usd"],
        11.475 / 1e6,
    );
    close(
        &total(&format!("{F}/openai_batch/output.jsonl"))["cost_usd"],
        4.725 / 1e6,
    );
    // The same two files in the other order join the same way.
    let swapped = report(&[
        &format!("{F}/openai_batch/output.jsonl"),
        &format!("{F}/openai_batch/input.jsonl"),
    ]);
    assert_eq!(swapped["totals"], both["totals"]);
}

// anthropic_messages.jsonl
// 1. claude-sonnet-4-5, 1-hour cache write: 50 x 3 + 10000 x 6 + 400 x 15 = 150 + 60000 + 6000 = 66150
// 2. claude-sonnet-4-5, prompt 180000 + 30000 cached = 210000 > 200000: the whole request at $6 / $0.60 / $22.50:
//    180000 x 6 + 30000 x 0.6 + 2000 x 22.5 = 1080000 + 18000 + 45000 = 1143000
// 3. claude-3-5-haiku (newest row $0.80 / $4), service_tier batch: (1000 x 0.8 + 200 x 4) x 0.5 = 800
#[test]
fn anthropic_messages() {
    let t = total(&format!("{F}/anthropic_messages.jsonl"));
    close(&t["cost_usd"], (66150.0 + 1_143_000.0 + 800.0) / 1e6);
    assert_eq!(t["cache_write_1h_tokens"], 10000);
    let calls = calls_by_line(&format!("{F}/anthropic_messages.jsonl"));
    close(&calls[1].1["cost_usd"], 1.143);
}

// anthropic_batch/: ab-1 succeeded on claude-haiku-4-5 ($1 / $5), batch: (20 x 1 + 10 x 5) x 0.5 = 35;
// ab-2 errored: not billed, so its request is not counted either.
#[test]
fn anthropic_message_batches() {
    let r = report(&[&format!("{F}/anthropic_batch")]);
    close(&r["totals"]["cost_usd"], 35.0 / 1e6);
    assert_eq!(r["summary"]["not_billed"], 1);
    // Requests alone: counted from their text, labelled as estimates.
    let req = report(&[&format!("{F}/anthropic_batch/requests.jsonl")]);
    assert_eq!(req["totals"]["estimated_calls"], 2);
    // Every output says so.
    for format in ["table", "markdown"] {
        let out = common::tokencost()
            .args([
                "analyze",
                &format!("{F}/anthropic_batch/requests.jsonl"),
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("2 calls have estimated token counts"), "{format}: {text}");
    }
}

// claude_code/ (the session transcript and its subagent file, read recursively), claude-sonnet-4-5:
// msg_Cx1 written twice (a streaming snapshot with output 1, then the full line): 10 x 3 + 2000 x 3.75 + 250 x 15
//   = 30 + 7500 + 3750 = 11280
// msg_Cx2 (1-hour cache write): 5 x 3 + 2000 x 0.3 + 500 x 6 + 120 x 15 = 15 + 600 + 3000 + 1800 = 5415; written
//   again with spaces, and replayed by the subagent's sidechain: counted once
// <synthetic> API error and summary lines: not calls
// msg_Cx3 (subagent, claude-haiku-4-5): 100 x 1 + 50 x 5 = 350
#[test]
fn claude_code_transcripts() {
    let r = report(&[&format!("{F}/claude_code")]);
    close(&r["totals"]["cost_usd"], (11280.0 + 5415.0 + 350.0) / 1e6);
    assert_eq!(r["totals"]["calls"], 3);
    assert_eq!(r["totals"]["output_tokens"], 250 + 120 + 50);
    assert_eq!(r["summary"]["duplicate_lines"], 3);
    assert_eq!(r["summary"]["files"], 2);
    let s = report(&[&format!("{F}/claude_code"), "--by", "session"]);
    assert_eq!(s["groups"].as_array().unwrap().len(), 1);
    assert_eq!(s["groups"][0]["key"], "0b5e3a1c-7d2f-4e8a-9c6b-1f2e3d4c5b6a");
    let calls = report(&[&format!("{F}/claude_code"), "--by", "call"]);
    let kept: Vec<u64> = calls["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["line"].as_u64().unwrap())
        .collect();
    // Files are read in name order (the session's folder sorts before its .jsonl): msg_Cx3 (line 2 of the subagent
    // file), the full copy of msg_Cx1 (line 3), the main-thread copy of msg_Cx2 (line 4) rather than its replay.
    assert_eq!(kept, [2, 3, 4]);
}

// claude_stream.jsonl, claude-sonnet-4-5:
// ses-one has a result line: its modelUsage is billed, the assistant snapshot is not:
//   1200 x 3 + 4500 x 0.3 + 300 x 3.75 + 45 x 15 = 3600 + 1350 + 1125 + 675 = 6750
// ses-two was cut short: its assistant lines count, once per message, the fullest copy: 10 x 3 + 80 x 15 = 1230
#[test]
fn claude_code_stream_json() {
    let r = report(&[&format!("{F}/claude_stream.jsonl"), "--by", "session"]);
    close(&r["totals"]["cost_usd"], (6750.0 + 1230.0) / 1e6);
    let g = r["groups"].as_array().unwrap();
    assert_eq!(
        (g[0]["key"].as_str(), g[1]["key"].as_str()),
        (Some("ses-one"), Some("ses-two"))
    );
    assert_eq!(r["summary"]["superseded_lines"], 1);
}

// gemini.jsonl
// 1. gemini-2.5-flash, thoughts billed as output: 34 x 0.30 + (418 + 438) x 2.50 = 10.2 + 2140 = 2150.2
// 2. gemini-2.5-pro, 4200 of 5000 prompt tokens cached: 800 x 1.25 + 4200 x 0.125 + (30 + 12) x 10
//    = 1000 + 525 + 420 = 1945
// 3. gemini-2.5-pro, prompt 250000 > 200000: 250000 x 2.50 + 1000 x 15 = 640000
#[test]
fn gemini_generate_content() {
    let t = total(&format!("{F}/gemini.jsonl"));
    close(&t["cost_usd"], (2150.2 + 1945.0 + 640_000.0) / 1e6);
    assert_eq!(t["output_tokens"], 418 + 438 + 42 + 1000);
}

// gemini_batch/: k-1 result on gemini-2.5-flash at 50%: (100 x 0.30 + 20 x 2.50) x 0.5 = 40
#[test]
fn gemini_batch_files() {
    let r = report(&[&format!("{F}/gemini_batch")]);
    close(&r["totals"]["cost_usd"], 40.0 / 1e6);
    assert_eq!(r["totals"]["calls"], 1);
}

// otel.jsonl
// 1. a gpt-4o-2024-08-06 span: input 1000 includes 600 cache reads: 400 x 2.50 + 600 x 1.25 + 100 x 10 = 2750;
//    the tool span beside it has no usage and is not a call
// 2. older attribute names, gpt-4o-mini: prompt 24, completion 9: 24 x 0.15 + 9 x 0.60 = 9
// 3. claude-sonnet-4-5: input 21550 = 6 fresh + 21300 cache reads + 244 cache writes:
//    6 x 3 + 21300 x 0.3 + 244 x 3.75 + 637 x 15 = 18 + 6390 + 915 + 9555 = 16878
#[test]
fn opentelemetry_genai_spans() {
    let r = report(&[&format!("{F}/otel.jsonl"), "--by", "session"]);
    close(&r["totals"]["cost_usd"], (2750.0 + 9.0 + 16878.0) / 1e6);
    assert_eq!(r["totals"]["calls"], 3);
    let keys: Vec<&str> = keys(&r);
    assert!(keys.contains(&"conv-ot-1") && keys.contains(&"sess-ot-2"), "{keys:?}");
}

/// Each format's fixture on its own, and what it adds to a mixed directory.
const PARTS: &[(&str, f64)] = &[
    ("openai_chat.jsonl", OPENAI_CHAT),
    ("openai_responses.jsonl", (12000.0 + 4056.8) / 1e6),
    ("openai_batch", (4.725 + 7.65) / 1e6),
    ("anthropic_messages.jsonl", (66150.0 + 1_143_000.0 + 800.0) / 1e6),
    ("anthropic_batch", 35.0 / 1e6),
    ("claude_code", (11280.0 + 5415.0 + 350.0) / 1e6),
    ("claude_stream.jsonl", (6750.0 + 1230.0) / 1e6),
    ("gemini.jsonl", (2150.2 + 1945.0 + 640_000.0) / 1e6),
    ("gemini_batch", 40.0 / 1e6),
    ("otel.jsonl", (2750.0 + 9.0 + 16878.0) / 1e6),
    ("../hand.jsonl", 0.0387098),
];

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy_tree(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

#[test]
fn a_mixed_directory_is_the_sum_of_its_formats() {
    let dir = tempfile::tempdir().unwrap();
    let mut sum = 0.0;
    let mut calls = 0;
    for (i, (part, cost)) in PARTS.iter().enumerate() {
        let src = Path::new(F).join(part);
        let alone = total(src.to_str().unwrap());
        close(&alone["cost_usd"], *cost);
        calls += alone["calls"].as_u64().unwrap();
        sum += cost;
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        copy_tree(&src, &dir.path().join(format!("{i:02}-{name}")));
    }
    let mixed = report(&[dir.path().to_str().unwrap()]);
    close(&mixed["totals"]["cost_usd"], sum);
    assert_eq!(mixed["totals"]["calls"].as_u64(), Some(calls));
    let formats = mixed["summary"]["lines_by_format"].as_object().unwrap();
    for f in [
        "openai-chat",
        "openai-pair",
        "openai-responses",
        "openai-batch-input",
        "openai-batch-output",
        "anthropic",
        "anthropic-batch-request",
        "anthropic-batch-result",
        "claude-code",
        "claude-stream-json",
        "gemini",
        "gemini-batch-input",
        "gemini-batch-output",
        "otel",
        "openai-request",
        "native",
    ] {
        assert!(formats.contains_key(f), "no {f} in {formats:?}");
    }
}

#[test]
fn gzip_files_read_like_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(format!("{F}/anthropic_messages.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.path().join("messages.jsonl.gz"), &gz).unwrap();
    let t = report(&[dir.path().to_str().unwrap()])["totals"].clone();
    close(&t["cost_usd"], (66150.0 + 1_143_000.0 + 800.0) / 1e6);

    // Cut short: the run reports the file and fails, whatever it could read.
    let cut = dir.path().join("cut.jsonl.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let out = common::tokencost()
        .args(["analyze", cut.to_str().unwrap()])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("cut.jsonl.gz: read failed"), "{err}");
}

#[test]
fn since_until_and_timezone() {
    let cc = format!("{F}/claude_code");
    // The transcript's calls are at 2025-10-20T10:00 UTC; the OTel spans on 2025-01-01, 2024-10-27 and 2025-10-08.
    let r = report(&[
        &cc,
        &format!("{F}/otel.jsonl"),
        "--since",
        "2025-10-01",
        "--until",
        "2025-10-20",
    ]);
    close(&r["totals"]["cost_usd"], (11280.0 + 5415.0 + 350.0 + 16878.0) / 1e6);
    assert_eq!(r["summary"]["filtered_out"], 2);
    let r = report(&[&cc, "--until", "2025-10-19"]);
    assert_eq!(r["totals"]["calls"], 0);
    // 10:00 UTC is already the next day in Auckland (UTC+13 in October).
    let r = report(&[&cc, "--by", "day", "--timezone", "Pacific/Auckland"]);
    assert_eq!(r["groups"][0]["key"], "2025-10-20");
    let r = report(&[
        &format!("{F}/otel.jsonl"),
        "--by",
        "day",
        "--timezone",
        "Pacific/Auckland",
    ]);
    let days: Vec<&str> = keys(&r);
    // 2024-10-27T03:33:20Z -> 16:33 NZDT; 2025-01-01T00:00Z -> 13:00; 2025-10-08T17:20:05Z -> 2025-10-09 06:20 NZDT
    assert_eq!(days, ["2024-10-27", "2025-01-01", "2025-10-09"]);
    common::tokencost()
        .args(["analyze", &cc, "--timezone", "Mars/Olympus"])
        .assert()
        .code(2);
    common::tokencost()
        .args(["analyze", &cc, "--since", "last tuesday"])
        .assert()
        .code(2);
}

#[test]
fn unknown_lines_are_reported_a_few_per_file_then_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.jsonl");
    let mut text = String::from("{\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":10,\"output_tokens\":0}}\n");
    for i in 0..8 {
        text.push_str(&format!("{{\"event\":\"heartbeat\",\"n\":{i}}}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let out = common::tokencost()
        .args(["analyze", path.to_str().unwrap()])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let p = path.to_str().unwrap();
    for line in 2..=6 {
        assert!(
            err.contains(&format!("{p}:{line}: not a log line of any known format")),
            "{err}"
        );
    }
    assert!(!err.contains(&format!("{p}:7:")), "{err}");
    assert!(err.contains(&format!("{p}: 3 more bad lines not shown")), "{err}");
    assert!(err.contains("8 lines skipped (unrecognised line: 8)"), "{err}");
}
