//! Bad input never crashes, never loses data, never lies: each malformed input end to end through the binary,
//! determinism across thread counts, order-independent money (a property test), and privacy.

mod common;

use proptest::prelude::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A good line: gpt-4o, 1,000 input tokens at $2.50/M = $0.0025.
const GOOD: &str = r#"{"model":"gpt-4o","usage":{"input_tokens":1000,"output_tokens":0}}"#;

struct Run {
    code: i32,
    report: Value,
    stderr: String,
}

fn analyze(paths: &[&Path], extra: &[&str]) -> Run {
    let out = common::tokencost()
        .arg("analyze")
        .args(paths)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        report: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

fn cost(r: &Run) -> f64 {
    r.report["totals"]["cost_usd"].as_f64().unwrap()
}

#[test]
fn a_truncated_last_line_is_reported_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    // A log still being written: its last line stops mid-object, without a newline.
    let p = file(
        dir.path(),
        "live.jsonl",
        format!("{GOOD}\n{GOOD}\n{{\"model\":\"gpt-4o\",\"usa").as_bytes(),
    );
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, 0);
    assert!((cost(&r) - 0.005).abs() < 1e-12);
    assert!(
        r.stderr.contains(&format!("{}:3: invalid JSON", p.display())),
        "{}",
        r.stderr
    );
}

/// Invalid UTF-8 inside a string is read as U+FFFD (text garbled there must not cost the call); outside any string
/// the line is no JSON, and is reported.
#[test]
fn invalid_utf8_is_replaced_in_text_and_reported_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(b"{\"model\":\"gpt-4o\",\"prompt\":\"\xff\xfe\"}\n");
    bytes.extend_from_slice(b"{\"model\":\"gpt-4o\",\xff\"prompt\":\"x\"}\n");
    bytes.extend_from_slice(format!("{GOOD}\n").as_bytes());
    let p = file(dir.path(), "latin1.jsonl", &bytes);
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, 0);
    assert_eq!(r.report["totals"]["calls"], 3);
    // Two good lines, and a prompt of two replacement characters counted as a few tokens more.
    assert!(cost(&r) > 0.005 && cost(&r) < 0.00501, "{}", cost(&r));
    assert!(
        r.stderr.contains(&format!("{}:3: invalid JSON", p.display())),
        "{}",
        r.stderr
    );
    assert_eq!(r.report["summary"]["skipped_lines"], 1);
}

#[test]
fn a_cut_emoji_or_an_enormous_number_loses_no_call() {
    let dir = tempfile::tempdir().unwrap();
    // JavaScript writes a string cut inside an emoji with a lone surrogate escape; a number beyond f64 is still
    // JSON. Neither is in a field a price needs, so neither may cost the call.
    let transcript = concat!(
        r#"{"type":"user","timestamp":"2025-10-01T10:00:00Z","sessionId":"s","parentUuid":null,"#,
        r#""message":{"role":"user","content":[{"type":"tool_result","content":"cut \ud83d"}]},"n":1e400}"#,
        "\n",
        r#"{"type":"assistant","timestamp":"2025-10-01T10:00:05Z","sessionId":"s","requestId":"r","#,
        r#""message":{"id":"msg_1","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"\udc00"}],"#,
        r#""usage":{"input_tokens":1000,"output_tokens":0}},"n":-1e999}"#,
        "\n",
    );
    // A request whose text is counted: "hi \ud83d" reads as "hi \u{fffd}", 2 o200k_base tokens (tiktoken).
    let request = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi \ud83d"}]}"#;
    let a = file(dir.path(), "session.jsonl", transcript.as_bytes());
    let b = file(dir.path(), "requests.jsonl", format!("{request}\n").as_bytes());
    let r = analyze(&[&a, &b], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.report["totals"]["calls"], 2, "{}", r.stderr);
    // Sonnet 4.5: 1,000 x $3/M = $0.003; gpt-4o: 3 + (3 + "user" 1 + 2) = 9 tokens x $2.50/M = $0.0000225.
    assert_eq!(r.report["totals"]["input_tokens"], 1009);
    assert!((cost(&r) - 0.0030225).abs() < 1e-12, "{}", cost(&r));
}

#[test]
fn a_50_mb_line_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let pad = "x".repeat(50 << 20);
    let text = format!(
        "{{\"model\":\"gpt-4o\",\"usage\":{{\"input_tokens\":1000,\"output_tokens\":0}},\"note\":\"{pad}\"}}\n{GOOD}\n"
    );
    let p = file(dir.path(), "huge.jsonl", text.as_bytes());
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!((cost(&r) - 0.005).abs() < 1e-12);
    assert_eq!(r.report["summary"]["lines"], 2);
}

/// A file large enough to be read by the workers in chunks at their own offsets: every line is counted once, in its
/// place, whatever the line lengths and line ends, the thread count, and whether it is read as a file or from stdin
/// (which is read in order by one thread).
#[test]
fn a_large_file_read_in_chunks_loses_and_repeats_no_line() {
    let dir = tempfile::tempdir().unwrap();
    let lines = 60_000;
    let bad = [1, 20_011, 41_999, lines];
    let mut text = String::new();
    for i in 1..=lines {
        let end = if i == lines {
            ""
        } else if i % 7 == 0 {
            "\r\n"
        } else {
            "\n"
        };
        // The first lines are 256 bytes, so that lines start at the first byte of a chunk; then lengths vary, so
        // that chunks end at every offset of a line.
        let length = if i <= 24_000 { 256 } else { 100 + i * 37 % 301 };
        let line = if bad.contains(&i) {
            format!("{{\"model\":\"gpt-4o\",\"usa{}", "x".repeat(length - 22 - end.len()))
        } else {
            let pad = "x".repeat(length - GOOD.len() - 9 - end.len());
            GOOD.replace("}}", &format!("}},\"pad\":\"{pad}\"}}"))
        };
        assert_eq!(line.len() + end.len(), length);
        text.push_str(&line);
        text.push_str(end);
    }
    assert!(text.len() > 9 << 20, "{} bytes", text.len());
    let p = file(dir.path(), "large.jsonl", text.as_bytes());
    let good = lines - bad.len();
    let mut reports = Vec::new();
    for threads in ["1", "2", "8"] {
        let r = analyze(&[&p], &["--threads", threads]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.report["totals"]["calls"], good);
        assert_eq!(r.report["totals"]["input_tokens"], good * 1000);
        assert!((cost(&r) - good as f64 * 0.0025).abs() < 1e-9, "{}", cost(&r));
        assert_eq!(r.report["summary"]["lines"], lines);
        for i in bad {
            let said = format!("{}:{i}: invalid JSON", p.display());
            assert!(r.stderr.contains(&said), "{said} in {}", r.stderr);
        }
        reports.push(r.report);
    }
    assert!(
        reports.windows(2).all(|w| w[0] == w[1]),
        "reports differ between thread counts"
    );
    let piped = common::tokencost()
        .args(["analyze", "-", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    let piped: Value = serde_json::from_slice(&piped.stdout).unwrap();
    for r in &reports {
        assert_eq!(r["totals"], piped["totals"]);
        assert_eq!(r["groups"], piped["groups"]);
        assert_eq!(r["summary"], piped["summary"]);
    }
}

/// Nesting past the parser's depth is read with its deepest parts as `null` (a call beside them keeps its usage);
/// what is left here is no call, and each line is named for what it is.
#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let inside = format!(
        "{{\"model\":\"gpt-4o\",\"messages\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let p = file(
        dir.path(),
        "deep.jsonl",
        format!("{deep}\n{inside}\n{GOOD}\n").as_bytes(),
    );
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!((cost(&r) - 0.0025).abs() < 1e-12);
    assert_eq!(r.report["summary"]["skipped_lines"], 2);
    assert!(
        r.stderr
            .contains(&format!("{}:1: not a log line of any known format", p.display())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("{}:2: each message must be an object", p.display())),
        "{}",
        r.stderr
    );
}

#[test]
fn an_empty_file_is_an_empty_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "empty.jsonl", b"");
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, 0);
    assert_eq!(r.report["totals"]["calls"], 0);
    assert_eq!(cost(&r), 0.0);
    assert_eq!(r.report["summary"]["files"], 1);
}

#[test]
fn binary_garbage_is_reported_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    // A deterministic pseudo-random byte stream with NULs, newlines and high bytes.
    let mut x: u32 = 0x9e37_79b9;
    let garbage: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(&garbage);
    bytes.extend_from_slice(format!("\n{GOOD}\n").as_bytes());
    let p = file(dir.path(), "garbage.jsonl", &bytes);
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!((cost(&r) - 0.005).abs() < 1e-12);
    let skipped = r.report["summary"]["skipped_lines"].as_u64().unwrap();
    assert!(skipped > 100, "{skipped}");
    assert!(r.stderr.contains("more bad lines not shown"), "{}", r.stderr);
}

// Symbolic links are made this way on unix only.
#[cfg(unix)]
#[test]
fn an_unreadable_file_inside_a_directory_fails_the_run_but_not_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.jsonl", format!("{GOOD}\n").as_bytes());
    // A link to nowhere cannot be opened, whoever runs the tests (permissions do not stop root).
    std::os::unix::fs::symlink(dir.path().join("missing-target"), dir.path().join("b.jsonl")).unwrap();
    file(dir.path(), "c.jsonl", format!("{GOOD}\n").as_bytes());
    let r = analyze(&[dir.path()], &[]);
    assert_eq!(r.code, 2);
    assert!((cost(&r) - 0.005).abs() < 1e-12);
    assert!(r.stderr.contains("b.jsonl: cannot read"), "{}", r.stderr);
}

#[test]
fn impossible_token_counts_and_missing_models_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        GOOD,
        r#"{"model":"gpt-4o","usage":{"input_tokens":-1}}"#,
        r#"{"model":"gpt-4o","usage":{"input_tokens":1e30}}"#,
        r#"{"model":"gpt-4o","usage":{"output_tokens":"12"}}"#,
        r#"{"model":"gpt-4o","usage":{"output_tokens":2.5}}"#,
        r#"{"object":"chat.completion","usage":{"prompt_tokens":10,"completion_tokens":1}}"#,
        r#"{"usage":{"input_tokens":5}}"#,
        r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","usage":{"input_tokens":99999999999999}}"#,
    ];
    let p = file(dir.path(), "bad-numbers.jsonl", (lines.join("\n") + "\n").as_bytes());
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!((cost(&r) - 0.0025).abs() < 1e-12);
    let at = |n: usize, what: &str| {
        let want = format!("{}:{n}: {what}", p.display());
        assert!(r.stderr.contains(&want), "no `{want}` in\n{}", r.stderr);
    };
    at(
        2,
        "`input_tokens` must be a whole number of tokens from 0 to 10000000000, got -1",
    );
    at(
        3,
        "`input_tokens` must be a whole number of tokens from 0 to 10000000000, got 1e+30",
    );
    at(
        4,
        "`output_tokens` must be a whole number of tokens from 0 to 10000000000, got a string",
    );
    at(
        5,
        "`output_tokens` must be a whole number of tokens from 0 to 10000000000, got 2.5",
    );
    // Line 6 names no model, line 7 is no known shape, line 8 claims more tokens than any call has: all skipped
    // (the first five per file are shown).
    assert_eq!(r.report["summary"]["skipped_lines"], 7);
    let r = analyze(&[&p], &["--strict"]);
    assert_eq!(r.code, 3);
}

#[test]
fn a_missing_model_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(
        dir.path(),
        "no-model.jsonl",
        b"{\"object\":\"chat.completion\",\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1}}\n{\"usage\":{\"input_tokens\":5}}\n",
    );
    let r = analyze(&[&p], &[]);
    assert!(
        r.stderr.contains(&format!("{}:1: no `model`", p.display())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("{}:2: not a log line of any known format", p.display())),
        "{}",
        r.stderr
    );
}

#[test]
fn every_format_is_byte_identical_across_thread_counts() {
    let inputs = [
        "fixtures/formats",
        "fixtures/hand.jsonl",
        "fixtures/sample.jsonl",
        "fixtures/agents",
    ];
    for format in ["table", "csv", "json", "markdown"] {
        let groupings = ["model", "session", "day", "call", "week", "month", "project", "branch"];
        for by in groupings {
            let run = |threads: &str| {
                let out = common::tokencost()
                    .arg("analyze")
                    .args(inputs)
                    .args(["--format", format, "--by", by, "--threads", threads])
                    .output()
                    .unwrap();
                out.stdout
            };
            let one = run("1");
            assert!(!one.is_empty());
            assert_eq!(one, run("2"), "{format} --by {by}");
            assert_eq!(one, run("8"), "{format} --by {by}");
            assert_eq!(one, run("1"), "{format} --by {by}: a second run");
        }
    }
}

/// The canary stands in every prompt, completion, system and tool field of every format, and in fields where
/// it does not belong (a token count): it must never be printed.
#[test]
fn responses_written_to_temporary_files_give_the_same_report() {
    // Past a bound, responses waiting for de-duplication go to sorted runs on disk and are merged back at the end;
    // a bound of 1 or 2 makes a run of almost every response, and copies of one response land in different runs.
    let inputs = [
        "fixtures/formats",
        "fixtures/hand.jsonl",
        "fixtures/sample.jsonl",
        "fixtures/formats",
        "fixtures/agents",
    ];
    for by in ["model", "session", "day", "call", "project", "branch"] {
        let run = |extra: &[&str]| {
            let out = common::tokencost()
                .arg("analyze")
                .args(inputs)
                .args(["--format", "json", "--by", by])
                .args(extra)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0));
            (out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
        };
        let (memory, summary) = run(&[]);
        let report: Value = serde_json::from_slice(&memory).unwrap();
        assert!(
            report["summary"]["duplicate_lines"].as_u64().unwrap_or(0) > 10,
            "{report}"
        );
        for bound in ["1", "2", "5"] {
            let (spilled, spilled_summary) = run(&["--spill-after", bound]);
            assert_eq!(memory, spilled, "--by {by} --spill-after {bound}");
            assert_eq!(summary, spilled_summary, "--by {by} --spill-after {bound}");
        }
    }
}

#[test]
fn no_prompt_text_in_any_output_or_error() {
    const C: &str = "CANARY-b41d";
    let lines = vec![
        format!(
            r#"{{"model":"gpt-4o","messages":[{{"role":"system","content":"{C}"}},{{"role":"user","name":"{C}","content":[{{"type":"text","text":"{C}"}}]}}],"prompt":"{C}","completion":"{C}"}}"#
        ),
        format!(
            r#"[{{"model":"gpt-4o","messages":[{{"role":"user","content":"{C}"}}],"tools":[{{"type":"function","function":{{"name":"{C}","description":"{C}"}}}}]}},{{"object":"chat.completion","model":"gpt-4o","choices":[{{"message":{{"content":"{C}","tool_calls":[{{"function":{{"name":"{C}","arguments":"{C}"}}}}]}}}}]}}]"#
        ),
        format!(
            r#"{{"object":"response","model":"gpt-4.1","instructions":"{C}","output":[{{"type":"message","content":[{{"type":"output_text","text":"{C}"}}]}}],"usage":{{"input_tokens":5,"output_tokens":5}}}}"#
        ),
        format!(
            r#"{{"custom_id":"c1","method":"POST","url":"/v1/chat/completions","body":{{"model":"gpt-4o-mini","messages":[{{"role":"user","content":"{C}"}}]}}}}"#
        ),
        format!(
            r#"{{"custom_id":"a1","params":{{"model":"claude-haiku-4-5","system":"{C}","messages":[{{"role":"user","content":[{{"type":"text","text":"{C}"}},{{"type":"tool_result","content":"{C}"}}]}}]}}}}"#
        ),
        format!(
            r#"{{"type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{{"type":"text","text":"{C}"}},{{"type":"thinking","thinking":"{C}"}}],"usage":{{"input_tokens":1,"output_tokens":1}}}}"#
        ),
        // Its `cwd` is the project, which `--by project`, `--by session` and the `--by call` export show: a path, not
        // prompt text.
        format!(
            r#"{{"type":"assistant","sessionId":"s","timestamp":"2025-01-01T00:00:00Z","message":{{"id":"m1","model":"claude-haiku-4-5","content":[{{"type":"text","text":"{C}"}}],"usage":{{"input_tokens":1,"output_tokens":1}}}},"cwd":"/home/dev/app"}}"#
        ),
        format!(
            r#"{{"type":"user","sessionId":"s","timestamp":"2025-01-01T00:00:00Z","message":{{"role":"user","content":"{C}"}}}}"#
        ),
        format!(
            r#"{{"type":"result","session_id":"s2","result":"{C}","modelUsage":{{"claude-haiku-4-5":{{"inputTokens":1,"outputTokens":1}}}}}}"#
        ),
        format!(
            r#"{{"key":"k","request":{{"contents":[{{"parts":[{{"text":"{C}"}}]}}],"systemInstruction":{{"parts":[{{"text":"{C}"}}]}}}}}}"#
        ),
        format!(
            r#"{{"candidates":[{{"content":{{"parts":[{{"text":"{C}"}}]}}}}],"usageMetadata":{{"promptTokenCount":3,"candidatesTokenCount":1}},"modelVersion":"gemini-2.5-flash"}}"#
        ),
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"attributes":[{{"key":"gen_ai.request.model","value":{{"stringValue":"gpt-4o"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"3"}}}},{{"key":"gen_ai.prompt.0.content","value":{{"stringValue":"{C}"}}}},{{"key":"gen_ai.input.messages","value":{{"stringValue":"{C}"}}}}]}}]}}]}}]}}"#
        ),
        // Codex CLI rollouts: instructions, messages, reasoning and tool output are text; so is a model name
        // that a usage line never resolves against.
        format!(
            r#"{{"timestamp":"2026-03-07T09:00:00Z","type":"session_meta","payload":{{"id":"s3","instructions":"{C}","originator":"{C}"}}}}"#
        ),
        format!(
            r#"{{"timestamp":"2026-03-07T09:00:01Z","type":"turn_context","payload":{{"model":"gpt-5","user_instructions":"{C}","developer_instructions":"{C}"}}}}"#
        ),
        format!(
            r#"{{"timestamp":"2026-03-07T09:00:02Z","type":"response_item","payload":{{"type":"message","role":"user","content":[{{"type":"input_text","text":"{C}"}}]}}}}"#
        ),
        format!(
            r#"{{"timestamp":"2026-03-07T09:00:03Z","type":"response_item","payload":{{"type":"reasoning","summary":[{{"type":"summary_text","text":"{C}"}}],"encrypted_content":"{C}"}}}}"#
        ),
        format!(
            r#"{{"timestamp":"2026-03-07T09:00:04Z","type":"event_msg","payload":{{"type":"agent_message","message":"{C}"}}}}"#
        ),
        format!(r#"{{"timestamp":"2026-03-07T09:00:05Z","type":"compacted","payload":{{"message":"{C}"}}}}"#),
        format!(
            r#"{{"timestamp":"2026-03-07T09:00:06Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":"{C}"}}}}}}}}"#
        ),
        format!(
            r#"{{"timestamp":"2026-03-07T09:00:07Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":9,"output_tokens":1}}}}}}}}"#
        ),
        // Where it does not belong: in token counts, a timestamp, a batch flag, or as a whole line.
        format!(r#"{{"model":"gpt-4o","usage":{{"input_tokens":"{C}"}}}}"#),
        format!(r#"{{"model":"gpt-4o","timestamp":"{C}","prompt":"x"}}"#),
        format!(r#"{{"model":"gpt-4o","batch":"{C}","prompt":"x"}}"#),
        format!(r#"{{"object":"chat.completion","model":"gpt-4o","usage":{{"prompt_tokens":"{C}"}}}}"#),
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"attributes":[{{"key":"gen_ai.request.model","value":{{"stringValue":"gpt-4o"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"stringValue":"{C}"}}}}]}}]}}]}}]}}"#
        ),
        format!(r#"{{"{C}":"{C}"}}"#),
        format!("{C} {C}"),
        format!(r#"{{"model":"gpt-4o","prompt":"{C}"#),
    ];
    // The working directory (`cwd`) is not prompt text: it is the call's project, which `--by project` and the
    // per-call export (`--by call`) show by design.
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "private.jsonl", (lines.join("\n") + "\n").as_bytes());
    for format in ["table", "csv", "json", "markdown", "jsonl"] {
        for by in ["model", "call", "session", "day"] {
            if format == "jsonl" && by != "call" {
                continue;
            }
            let out = common::tokencost()
                .args(["analyze", p.to_str().unwrap(), "--format", format, "--by", by])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
            assert!(!text.contains(C), "--format {format} --by {by}:\n{text}");
        }
    }
    for cmd in [
        vec!["compare", "--models", "gpt-4"],
        vec!["project", "--models", "gpt-4o", "--from"],
    ] {
        let out = common::tokencost().args(&cmd).arg(&p).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains(C), "{cmd:?}:\n{text}");
    }
}

/// Random calls on models with long-context tiers, dated prices, cache buckets and batch rates.
fn calls() -> impl Strategy<Value = Vec<String>> {
    let models = prop::sample::select(vec![
        "gpt-4o",
        "gpt-4o-mini",
        "claude-sonnet-4-5",
        "claude-3-5-haiku-20241022",
        "gemini-2.5-pro",
        "deepseek-chat",
        "unpriced-model",
    ]);
    let call = (
        models,
        0u64..300_000,
        0u64..50_000,
        0u64..5_000,
        0u64..20_000,
        0u32..800,
        any::<bool>(),
        0u8..4,
    );
    prop::collection::vec(call, 1..40).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (m, input, cached, write, output, day, batch, session))| {
                format!(
                    r#"{{"model":"{m}","session":"s{session}","timestamp":"{}","batch":{batch},"usage":{{"input_tokens":{input},"cached_input_tokens":{cached},"cache_write_tokens":{write},"output_tokens":{output}}},"n":{i}}}"#,
                    chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(day))
                )
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Totals are exact: they do not depend on the order calls are read in.
    #[test]
    fn money_does_not_depend_on_order(lines in calls(), seed in any::<u64>()) {
        let dir = tempfile::tempdir().unwrap();
        let a = file(dir.path(), "a.jsonl", (lines.join("\n") + "\n").as_bytes());
        let mut shuffled = lines.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let b = file(dir.path(), "b.jsonl", (shuffled.join("\n") + "\n").as_bytes());
        for by in ["model", "session", "day"] {
            let ra = analyze(&[&a], &["--by", by, "--quiet"]);
            let rb = analyze(&[&b], &["--by", by, "--quiet"]);
            prop_assert_eq!(&ra.report["totals"], &rb.report["totals"]);
            prop_assert_eq!(&ra.report["groups"], &rb.report["groups"]);
            prop_assert_eq!(&ra.report["unpriced"], &rb.report["unpriced"]);
        }
    }
}
