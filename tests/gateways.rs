//! Team gateways and observability exports end to end: LiteLLM spend logs (JSON lines and CSV) and logging payloads,
//! Langfuse observations (JSON lines and CSV), Bedrock invocation logs, Helicone and OpenRouter records, on fixtures
//! of their real shapes with our own content. Every expected bill is worked out by hand below from the bundled
//! prices (USD per 1M tokens, the rows in force on 2026-11-25); "per 1M" sums are divided by 1,000,000. The figures
//! are compared as the exact decimals the JSON report writes.

mod common;
use common::keys;
use serde_json::Value;

const G: &str = "fixtures/gateways";

/// The text every fixture puts in its prompts and completions: it must never reach any output.
const MARKER: &str = "MARKER-PROMPT-TEXT";

fn run(args: &[&str]) -> (Value, String) {
    let out = common::tokencost()
        .arg("analyze")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success();
    let o = out.get_output();
    (
        serde_json::from_slice(&o.stdout).unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn report(args: &[&str]) -> Value {
    run(args).0
}

/// A JSON number as the exact decimal it was written with.
fn dec(v: &Value) -> String {
    assert!(v.is_number(), "not a number: {v}");
    v.to_string()
}

fn group<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {:?}", keys(r)))
}

// litellm_spend_logs.jsonl (LiteLLM_SpendLogs rows as JSON lines)
// 1. gpt-4o-2024-08-06 (openai; 2.50 in, 10 out): prompt 5000, none cached, completion 1200:
//    5000 x 2.50 + 1200 x 10 = 12500 + 12000 = 24500 -> $0.0245; LiteLLM says spend $0.0243. team-ml, sess-ml-1.
//    The row carries `model` and `messages`: it is a record of a call, not a bare request whose text is counted.
// 2. claude-3-5-sonnet-20241022 (anthropic; 3 in, 0.30 cache read, 3.75 cache write, 15 out): prompt 12000 holding
//    8000 cache reads and 2000 cache writes (metadata.usage_object), so 2000 fresh; completion 500:
//    2000 x 3 + 8000 x 0.30 + 2000 x 3.75 + 500 x 15 = 6000 + 2400 + 7500 + 7500 = 23400 -> $0.0234; spend $0.0186.
//    team-web, tags chat and prod.
// 3. a failed request, no tokens: no call.
// 4. gpt-4o-2024-08-06, metadata as a JSON string (as a database export writes it): prompt 2048 of which 1024
//    cached, completion 100: 1024 x 2.50 + 1024 x 1.25 + 100 x 10 = 2560 + 1280 + 1000 = 4840 -> $0.00484;
//    spend $0.00484. team-ml.
// Total $0.0245 + $0.0234 + $0.00484 = $0.05274; reported $0.0243 + $0.0186 + $0.00484 = $0.04774; reported less
// list -$0.005. team-ml: list $0.02934, reported $0.02914, -$0.0002; team-web: $0.0234, $0.0186, -$0.0048.
#[test]
fn litellm_spend_log_rows_are_billed_from_their_usage_not_their_text() {
    let r = report(&[&format!("{G}/litellm_spend_logs.jsonl")]);
    let t = &r["totals"];
    assert_eq!(t["calls"], 3);
    assert_eq!(dec(&t["cost_usd"]), "0.05274");
    assert_eq!(dec(&t["reported_cost_usd"]), "0.04774");
    assert_eq!(dec(&t["reported_minus_list_usd"]), "-0.005");
    assert_eq!(t["reported_cost_calls"], 3);
    assert_eq!(
        (t["input_tokens"].as_u64(), t["cached_input_tokens"].as_u64()),
        (Some(5000 + 2000 + 1024), Some(8000 + 1024))
    );
    assert_eq!(t["cache_write_tokens"], 2000);
    assert_eq!(t["output_tokens"], 1200 + 500 + 100);
    assert_eq!(
        r["summary"]["lines_by_format"],
        serde_json::json!({"litellm-spend-log": 4})
    );
    assert_eq!(r["summary"]["skipped_lines"], 0);

    let by_team = report(&[&format!("{G}/litellm_spend_logs.jsonl"), "--by", "team"]);
    assert_eq!(keys(&by_team), ["team-ml", "team-web"]);
    let ml = group(&by_team, "team-ml");
    assert_eq!(
        (dec(&ml["cost_usd"]), dec(&ml["reported_cost_usd"])),
        ("0.02934".into(), "0.02914".into())
    );
    assert_eq!(dec(&ml["reported_minus_list_usd"]), "-0.0002");
    let web = group(&by_team, "team-web");
    assert_eq!(
        (dec(&web["cost_usd"]), dec(&web["reported_cost_usd"])),
        ("0.0234".into(), "0.0186".into())
    );

    let by_call = report(&[&format!("{G}/litellm_spend_logs.jsonl"), "--by", "call"]);
    let lines: Vec<u64> = by_call["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 4], "the failed request is no call");
    assert!(
        by_call["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["token_source"] == "reported")
    );

    let by_session = report(&[&format!("{G}/litellm_spend_logs.jsonl"), "--by", "session"]);
    assert_eq!(keys(&by_session), ["sess-ml-1", "sess-web-1"]);
}

/// The mis-read this format fixes, alone: one spend-log row with its messages. Counted as a bare request, its two
/// short messages came to a few dozen tokens, about $0.0000017; its usage says $0.0245 at list price.
#[test]
fn one_spend_log_row_is_not_a_bare_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spend.jsonl");
    let first = std::fs::read_to_string(format!("{G}/litellm_spend_logs.jsonl")).unwrap();
    std::fs::write(&path, first.lines().next().unwrap()).unwrap();
    let (r, stderr) = run(&[path.to_str().unwrap()]);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.0245");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.0243");
    assert_eq!(r["totals"]["counted_calls"], 0);
    assert!(r["summary"]["lines_by_format"].get("openai-request").is_none());
    assert!(!stderr.contains("warning"), "{stderr}");
}

// litellm_spend_logs.csv (the same table exported as CSV; line numbers are the file's)
// line 2-3. gpt-4o-mini (0.15 in, 0.60 out), a prompt cell over two lines: prompt 10000, completion 2000:
//    10000 x 0.15 + 2000 x 0.60 = 1500 + 1200 = 2700 -> $0.0027; spend $0.0027.
// line 4. a failed request, no tokens: no call.
// line 5. a row of 4 cells under a header of 21: reported with its line, skipped.
// line 6. gpt-4o-mini: 2000 x 0.15 + 1000 x 0.60 = 300 + 600 = 900 -> $0.0009; spend $0.0009.
// Total $0.0036, reported $0.0036, difference 0.
#[test]
fn a_litellm_csv_export_is_read_by_its_header() {
    let out = common::tokencost()
        .args([
            "analyze",
            &format!("{G}/litellm_spend_logs.csv"),
            "--format",
            "json",
            "--by",
            "call",
        ])
        .assert()
        .success();
    let o = out.get_output();
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.0036");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.0036");
    assert_eq!(dec(&r["totals"]["reported_minus_list_usd"]), "0");
    let lines: Vec<u64> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 6]);
    assert_eq!(r["summary"]["skipped_lines"], 1);
    assert!(
        stderr.contains("litellm_spend_logs.csv:5: a CSV row of 4 cells under a header of 21"),
        "{stderr}"
    );
    // A broken row is said, and the rest is read: under --strict the run says so by its exit code.
    common::tokencost()
        .args(["analyze", &format!("{G}/litellm_spend_logs.csv"), "--strict"])
        .assert()
        .code(3);
}

/// The same rows as CSV on stdin: detected by the header, not the file name.
#[test]
fn csv_on_stdin_is_detected_by_its_header() {
    let csv = std::fs::read(format!("{G}/litellm_spend_logs.csv")).unwrap();
    let out = common::tokencost()
        .args(["analyze", "-", "--format", "json"])
        .write_stdin(csv)
        .assert()
        .success();
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.0036");
}

// litellm_payload.jsonl (StandardLoggingPayload)
// 1. claude-3-5-haiku-20241022 (anthropic; 0.80 in, 4 out): 1000 x 0.80 + 500 x 4 = 800 + 2000 = 2800 -> $0.0028;
//    response_cost $0.0042: LiteLLM charged $0.0014 above list. Team from metadata.user_api_key_team_id.
// 2. the same prompt served from LiteLLM's cache (`cache_hit`): no provider call, no call.
#[test]
fn litellm_payloads_and_cache_hits() {
    let r = report(&[&format!("{G}/litellm_payload.jsonl"), "--by", "team"]);
    assert_eq!(keys(&r), ["team-web"]);
    let t = &r["totals"];
    assert_eq!(t["calls"], 1);
    assert_eq!(dec(&t["cost_usd"]), "0.0028");
    assert_eq!(dec(&t["reported_cost_usd"]), "0.0042");
    assert_eq!(dec(&t["reported_minus_list_usd"]), "0.0014");
    assert_eq!(r["summary"]["not_billed"], 0);
}

// langfuse_observations.jsonl
// 1. GENERATION gpt-4o-2024-08-06: usage_details input 3000, input_cached_tokens 1000, output 400 (reasoning 0;
//    total 4400 repeats them): 3000 x 2.50 + 1000 x 1.25 + 400 x 10 = 7500 + 1250 + 4000 = 12750 -> $0.01275;
//    total_cost $0.01, so Langfuse's figure is $0.00275 below list. Started 2026-11-25 09:15:00.123456 UTC.
// 2. a SPAN: no call.
// 3. GENERATION claude-3-5-haiku-20241022: input 1000, output 200: 800 + 800 = 1600 -> $0.0016; no cost stated.
//    Its `input_image_tokens` key is not known: said once, not priced.
// Total $0.01435; reported $0.01 for 1 call.
#[test]
fn langfuse_generations_are_calls_and_spans_are_not() {
    let (r, stderr) = run(&[&format!("{G}/langfuse_observations.jsonl"), "--by", "model"]);
    let t = &r["totals"];
    assert_eq!(t["calls"], 2);
    assert_eq!(dec(&t["cost_usd"]), "0.01435");
    assert_eq!(dec(&t["reported_cost_usd"]), "0.01");
    assert_eq!(t["reported_cost_calls"], 1);
    assert_eq!(dec(&t["reported_minus_list_usd"]), "-0.00275");
    let haiku = group(&r, "anthropic/claude-3-5-haiku-20241022");
    assert_eq!(dec(&haiku["cost_usd"]), "0.0016");
    assert!(haiku.get("reported_cost_usd").is_none(), "never 0 for unknown: {haiku}");
    assert_eq!(stderr.matches("input_image_tokens").count(), 1, "{stderr}");
    assert!(
        !stderr.contains("without a time zone"),
        "Langfuse documents its times as UTC: {stderr}"
    );
    let by_day = report(&[&format!("{G}/langfuse_observations.jsonl"), "--by", "day"]);
    assert_eq!(keys(&by_day), ["2026-11-25"]);
}

// langfuse_observations.csv
// 1. GENERATION gpt-4o-mini: input 4000, output 1000: 600 + 600 = 1200 -> $0.0012; total_cost $0.0012.
// 2. an EVENT: no call.
#[test]
fn a_langfuse_csv_export() {
    let r = report(&[&format!("{G}/langfuse_observations.csv"), "--by", "session"]);
    assert_eq!(keys(&r), ["lf-sess-9"]);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.0012");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.0012");
    assert_eq!(
        r["summary"]["lines_by_format"],
        serde_json::json!({"langfuse-observation": 2})
    );
}

// bedrock_invocations.jsonl (Bedrock prices: Claude 3.5 Sonnet v2 3 in, 0.30 cache read, 3.75 cache write, 15 out;
// Claude 3.5 Haiku 0.80 in, 0.08 cache read, 4 out)
// 1. us.anthropic.claude-3-5-sonnet-20241022-v2:0 (a cross-region profile): input 2000, cache reads 5000, cache
//    writes 1000, output 300: 6000 + 1500 + 3750 + 4500 = 15750 -> $0.01575. Tags env=prod, project=search.
// 2. an inference-profile ARN of eu.anthropic.claude-3-5-haiku-20241022-v1:0: input 10000, output 1000:
//    8000 + 4000 = 12000 -> $0.012. Tag env=dev.
// 3. a throttled invocation (errorCode, no output): no call.
// 4. anthropic.claude-3-5-haiku-20241022-v1:0 by Converse, cache reads in the body's usage: input 500, cache
//    reads 4000, output 100: 400 + 320 + 400 = 1120 -> $0.00112. No tags.
// Total $0.02887; Bedrock states no cost, so there is no reported cost anywhere.
#[test]
fn bedrock_invocation_logs() {
    let r = report(&[&format!("{G}/bedrock_invocations.jsonl")]);
    let t = &r["totals"];
    assert_eq!(t["calls"], 3);
    assert_eq!(dec(&t["cost_usd"]), "0.02887");
    assert!(t.get("reported_cost_usd").is_none() && t.get("reported_minus_list_usd").is_none());
    // The ARN is cut to its profile id; the bundled Bedrock table lists the cross-region profiles themselves (at the
    // same rates as the models here), and each call is priced at the entry of the id it names.
    assert_eq!(
        keys(&r),
        [
            "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0",
            "bedrock/eu.anthropic.claude-3-5-haiku-20241022-v1:0",
            "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0"
        ]
    );
    assert_eq!(
        dec(&group(&r, "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0")["cost_usd"]),
        "0.01575"
    );
    assert_eq!(
        dec(&group(&r, "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0")["cost_usd"]),
        "0.00112"
    );
    let by_tag = report(&[&format!("{G}/bedrock_invocations.jsonl"), "--by", "tag"]);
    assert_eq!(keys(&by_tag), ["env=prod, project=search", "env=dev", "unknown"]);
    assert_eq!(dec(&group(&by_tag, "env=dev")["cost_usd"]), "0.012");
    // No column of reported cost in a CSV of logs that state none.
    let csv = common::tokencost()
        .args(["analyze", &format!("{G}/bedrock_invocations.jsonl"), "--format", "csv"])
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&csv.get_output().stdout).into_owned();
    assert!(!csv.lines().next().unwrap().contains("reported"), "{csv}");
}

// helicone_export.jsonl
// 1. gpt-4o-mini: prompt 20000 holding 10000 cache reads, completion 1000:
//    10000 x 0.15 + 10000 x 0.075 + 1000 x 0.60 = 1500 + 750 + 600 = 2850 -> $0.00285; cost $0.00285.
//    Session h-sess-1 (Helicone-Session-Id), tag feature=summarise.
// 2. status 500, no tokens: no call.
#[test]
fn helicone_exports() {
    let r = report(&[&format!("{G}/helicone_export.jsonl"), "--by", "session"]);
    assert_eq!(keys(&r), ["h-sess-1"]);
    assert_eq!(r["totals"]["calls"], 1);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.00285");
    assert_eq!(dec(&r["totals"]["reported_minus_list_usd"]), "0");
    let by_tag = report(&[&format!("{G}/helicone_export.jsonl"), "--by", "tag"]);
    assert_eq!(keys(&by_tag), ["feature=summarise"]);
}

// helicone_export.csv (the export tool's CSV: response_id, request_properties, response_status)
// 1. gpt-4o-mini: prompt 3000, completion 500: 450 + 300 = 750 -> $0.00075; cost $0.00075. Tag feature=rewrite.
// 2. status 429, no tokens: no call.
// helicone_export.json (its JSON: one array, each record pretty-printed over many lines)
// line 2. gpt-4o-2024-08-06: prompt 1500 holding 1024 cache reads, completion 250:
//    476 x 2.50 + 1024 x 1.25 + 250 x 10 = 1190 + 1280 + 2500 = 4970 -> $0.00497; cost $0.00494: $0.00003 below.
// line 28. gpt-4o-mini: 1000 x 0.15 + 100 x 0.60 = 150 + 60 = 210 -> $0.00021; cost $0.00021.
#[test]
fn helicone_csv_and_json_exports() {
    let r = report(&[&format!("{G}/helicone_export.csv"), "--by", "tag"]);
    assert_eq!(keys(&r), ["feature=rewrite"]);
    assert_eq!(r["totals"]["calls"], 1);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.00075");
    let r = report(&[&format!("{G}/helicone_export.json"), "--by", "call"]);
    let lines: Vec<u64> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 28]);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.00518");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.00515");
    assert_eq!(dec(&r["totals"]["reported_minus_list_usd"]), "-0.00003");
    assert_eq!(dec(&r["groups"][0]["reported_minus_list_usd"]), "-0.00003");
}

/// The same records exported twice, as JSON lines and as CSV: each is counted once.
#[test]
fn a_record_in_two_exports_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("again.csv");
    std::fs::write(
        &csv,
        "request_id,spend,prompt_tokens,completion_tokens,startTime,model,custom_llm_provider,team_id\n\
         chatcmpl-gw-0001,0.0243,5000,1200,2026-11-25T10:00:00.000Z,gpt-4o-2024-08-06,openai,team-ml\n",
    )
    .unwrap();
    let r = report(&[&format!("{G}/litellm_spend_logs.jsonl"), csv.to_str().unwrap()]);
    assert_eq!(r["totals"]["calls"], 3);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.05274");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.04774");
    assert_eq!(r["summary"]["duplicate_lines"], 1);
}

/// An OpenAI-compatible response whose usage states its cost (OpenRouter's in-response accounting).
/// gpt-4o-mini: prompt 2000 of which 1000 cached, completion 100: 1000 x 0.15 + 1000 x 0.075 + 100 x 0.60
/// = 150 + 75 + 60 = 285 -> $0.000285; usage.cost $0.0003.
#[test]
fn usage_cost_in_a_response() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("responses.jsonl");
    std::fs::write(
        &path,
        r#"{"id":"gen-x1","object":"chat.completion","created":1795651200,"model":"openai/gpt-4o-mini","choices":[],"usage":{"prompt_tokens":2000,"completion_tokens":100,"prompt_tokens_details":{"cached_tokens":1000},"cost":0.0003}}"#,
    )
    .unwrap();
    let r = report(&[path.to_str().unwrap()]);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.000285");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.0003");
    assert_eq!(dec(&r["totals"]["reported_minus_list_usd"]), "0.000015");
}

/// A stated cost that is no cost in USD is said once and left out; the call's usage still counts.
#[test]
fn a_stated_cost_that_is_none_costs_the_call_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spend.jsonl");
    let line = r#"{"request_id":"r-bad-%","spend":"%COST%","prompt_tokens":5000,"completion_tokens":1200,"model":"gpt-4o-2024-08-06","custom_llm_provider":"openai","startTime":"2026-11-25T10:00:00Z"}"#;
    let text: Vec<String> = ["n/a", "-1"]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            line.replace('%', "")
                .replace("COST", c)
                .replace("r-bad-", &format!("r-bad-{i}"))
        })
        .collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    let (r, stderr) = run(&[path.to_str().unwrap()]);
    assert_eq!(r["totals"]["calls"], 2);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.049");
    assert!(r["totals"].get("reported_cost_usd").is_none());
    assert_eq!(
        stderr.matches("LiteLLM: `spend` must be a cost in USD").count(),
        1,
        "{stderr}"
    );
}

// openrouter_generations.jsonl
// 1. {"data": ...}, openai/gpt-4o-mini: native prompt 1000, completion 300: 150 + 180 = 330 -> $0.00033;
//    total_cost $0.00033.
// 2. mystery-lab/unlisted-model-7b: no list price. Never $0: unpriced, out of the totals, with the $0.0021
//    OpenRouter charged beside it.
#[test]
fn openrouter_generations_and_an_unpriced_model_with_a_stated_cost() {
    let (r, stderr) = run(&[&format!("{G}/openrouter_generations.jsonl")]);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.00033");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.00033");
    assert_eq!(r["summary"]["unpriced_calls"], 1);
    let u = &r["unpriced"][0];
    assert_eq!(u["model"], "mystery-lab/unlisted-model-7b");
    assert_eq!(dec(&u["reported_cost_usd"]), "0.0021");
    assert!(
        stderr.contains("no price for model `mystery-lab/unlisted-model-7b`"),
        "{stderr}"
    );
}

/// A line of no known shape that states usage is said to be unrecognised: neither priced by guess nor counted as
/// the text of a request.
#[test]
fn usage_of_an_unknown_shape_is_not_priced_by_guess() {
    let (r, stderr) = run(&[&format!("{G}/unknown_usage.jsonl")]);
    assert_eq!(r["totals"]["calls"], 0);
    assert_eq!(r["summary"]["skipped"]["unrecognised line"], 1);
    assert!(
        stderr.contains("unknown_usage.jsonl:1: a record with usage (`prompt_tokens`) of no known format"),
        "{stderr}"
    );
}

// The whole folder: every file above, once each (the CSV files found by their headers), 17 priced calls:
// $0.05274 + $0.0036 + $0.0028 + $0.01435 + $0.0012 + $0.02887 + $0.00285 + $0.00075 + $0.00518 + $0.00033
// = $0.11267. Reported: $0.04774 + $0.0036 + $0.0042 + $0.01 + $0.0012 + $0.00285 + $0.00075 + $0.00515
// + $0.00033 = $0.07582 over 13 calls.
#[test]
fn a_folder_of_exports_and_its_order() {
    let r = report(&[G]);
    assert_eq!(r["summary"]["files"], 11);
    assert_eq!(r["totals"]["calls"], 17);
    assert_eq!(dec(&r["totals"]["cost_usd"]), "0.11267");
    assert_eq!(dec(&r["totals"]["reported_cost_usd"]), "0.07582");
    assert_eq!(r["totals"]["reported_cost_calls"], 13);
    // The same bytes whatever the thread count and the order the files are named in.
    let mut files: Vec<String> = std::fs::read_dir(G)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let forward = common::tokencost()
        .args(["analyze", "--by", "tag", "--format", "csv", "--threads", "1"])
        .args(&files)
        .output()
        .unwrap();
    files.reverse();
    let backward = common::tokencost()
        .args(["analyze", "--by", "tag", "--format", "csv", "--threads", "4"])
        .args(&files)
        .output()
        .unwrap();
    assert!(!forward.stdout.is_empty());
    assert_eq!(forward.stdout, backward.stdout);
}

/// No prompt or completion text in any output: every format, every grouping, stdout and stderr.
#[test]
fn no_prompt_text_in_any_output() {
    for format in ["table", "csv", "json", "markdown"] {
        for by in ["model", "call", "session", "team", "tag"] {
            let out = common::tokencost()
                .env("COLUMNS", "400")
                .args(["analyze", G, "--format", format, "--by", by])
                .output()
                .unwrap();
            for stream in [&out.stdout, &out.stderr] {
                let text = String::from_utf8_lossy(stream);
                assert!(!text.contains(MARKER), "{format} --by {by}: {text}");
                assert!(!text.contains("MARKER"), "{format} --by {by}");
            }
        }
    }
}

/// The reported-cost columns as people and scripts read them.
#[test]
fn reported_cost_in_every_format() {
    for format in ["table", "csv", "markdown"] {
        let out = common::tokencost()
            .env_remove("COLUMNS")
            .args([
                "analyze",
                &format!("{G}/litellm_spend_logs.jsonl"),
                "--by",
                "team",
                "--format",
                format,
            ])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        insta::assert_snapshot!(format!("gateways_by_team_{format}"), text);
    }
}
