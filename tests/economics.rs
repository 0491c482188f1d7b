//! Markup, token tax, projections, plans and what-if repricing, end to end, with the arithmetic written out.

mod common;
use common::close;
use serde_json::Value;

fn run(args: &[&str]) -> String {
    let out = common::tokencost().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&run(&a)).unwrap()
}

/// The seed table: list price as of mid-2024 over the article's marginal estimate.
/// GPT-4o $5.00 / $0.30-0.50 = 10.0x-16.7x; Claude 3.5 Sonnet $3.00 / $0.20-0.40 = 7.5x-15.0x;
/// Gemini 1.5 Pro $3.50 / $0.25-0.45 = 7.8x-14.0x; Llama 3.1 405B (via API) $2.00 / $0.15-0.30 = 6.7x-13.3x.
#[test]
fn markup_reproduces_the_seed_table() {
    let out = run(&["markup", "--as-of", "2024-07-01"]);
    for (model, range) in [
        ("openai/gpt-4o ", "10.0x-16.7x"),
        ("anthropic/claude-3-5-sonnet-20240620", "7.5x-15.0x"),
        ("google/gemini-1.5-pro", "7.8x-14.0x"),
        ("article/llama-3.1-405b-via-api", "6.7x-13.3x"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(model))
            .unwrap_or_else(|| panic!("no {model} in\n{out}"));
        assert!(line.contains(range), "{model}: {line}");
    }
    let rows = json(&["markup", "--as-of", "2024-07-01"]);
    let gpt = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "gpt-4o")
        .unwrap();
    close(&gpt["input_markup_low"], 5.0 / 0.5);
    close(&gpt["input_markup_high"], 5.0 / 0.3);
    assert_eq!(gpt["as_of"], "2024-05-13");
    // Models that had no price by then are not listed.
    assert!(!out.contains("claude-sonnet-4-5"));
}

#[test]
fn markup_explains_hardware_estimates() {
    let out = run(&["markup", "--provider", "together", "--explain"]);
    // 8 GPUs x $2.00 / (8061 tok/s x 3600 x 1.0) x 1e6 = $0.5514 per 1M (low end of llama-3.1-405b input)
    assert!(out.contains("8 GPUs x $2-3.99 per GPU-hour"), "{out}");
    assert!(out.contains("6940-8061 tokens/s -> $0.5514-2.1294 per 1M"), "{out}");
    // Together's Llama 3.1 405B at $3.50 over that estimate: 3.5 / 2.1294 = 1.6x, 3.5 / 0.5514 = 6.3x.
    assert!(
        out.lines()
            .any(|l| l.contains("together/llama-3.1-405b-instruct-turbo") && l.contains("1.6x-6.3x")),
        "{out}"
    );
}

/// The session of the projection tests: 10 calls, base 2,000, growth 500, 300 output tokens per call.
const SHAPE: &[&str] = &[
    "project",
    "--calls",
    "10",
    "--base-prompt",
    "2000",
    "--growth",
    "500",
    "--output",
    "300",
];

/// 10 calls, base 2,000, growth 500 per step, 300 output per call, on GPT-4o's newest price ($2.50 / $10):
/// input sum_{k=0..9} (2000 + 500k) = 42,500 tokens -> $0.10625; output 3,000 -> $0.03; $0.13625 per session.
#[test]
fn project_writes_the_sum_out() {
    let r = json(
        &[
            SHAPE,
            &[
                "--models",
                "gpt-4o",
                "--sessions-per-month",
                "1000",
                "--plan",
                "perplexity-pro",
            ],
        ]
        .concat(),
    );
    let row = &r["rows"][0];
    assert_eq!(row["input_tokens"], 42_500);
    assert_eq!(row["output_tokens"], 3_000);
    close(&row["cost_usd_per_session"], 0.13625);
    close(&row["cost_usd_per_month"], 136.25);
    // Perplexity Pro at $20 a month, no usage cap in dollars: cheaper above 20 / 0.13625 = 146.8 sessions.
    close(&row["plan_break_even_sessions"], 20.0 / 0.13625);
    assert!(row["plan_cheaper_until_sessions"].is_null());
    // Marginal (gpt-4o estimate): 42,500 x $0.30-0.50 + 3,000 x $0.42-1.60 = $0.01401-0.02605 per session.
    close(&row["marginal_cost_usd_low"], (42_500.0 * 0.30 + 3_000.0 * 0.42) / 1e6);
    close(&row["marginal_cost_usd_high"], (42_500.0 * 0.50 + 3_000.0 * 1.60) / 1e6);
}

/// With caching on Claude Sonnet 4.5 ($3 input, $0.30 cache read, $3.75 cache write, $15 output), same shape:
/// writes: 2,000 + 9 x 500 = 6,500 -> $0.024375; reads: sum_{k=1..9} (2000 + 500(k-1)) = 18,000 + 500 x 36 = 36,000
/// -> $0.0108; output 3,000 -> $0.045; total $0.080175 (without caching: 42,500 x $3 + $0.045 = $0.1725).
#[test]
fn project_with_prompt_caching() {
    let args = [SHAPE, &["--models", "claude-sonnet-4-5"]].concat();
    let cached = json(&[&args[..], &["--cache"]].concat());
    let row = &cached["rows"][0];
    assert_eq!(
        (row["cache_write_tokens"].as_u64(), row["cached_input_tokens"].as_u64()),
        (Some(6_500), Some(36_000))
    );
    close(&row["cost_usd_per_session"], 0.080175);
    close(&json(&args)["rows"][0]["cost_usd_per_session"], 0.1725);
}

#[test]
fn project_profiles_and_fitting() {
    // The bundled research-agent profile: 120 calls, base 5,000, +1,200 a call, 500 output, on GPT-4o-mini
    // ($0.15 / $0.60): input 120 x 5000 + 1200 x (119 x 120 / 2) = 600,000 + 8,568,000 = 9,168,000 -> $1.3752;
    // output 60,000 -> $0.036; $1.4112 per session.
    let r = json(&["project", "--profile", "research-agent", "--models", "gpt-4o-mini"]);
    assert_eq!(r["rows"][0]["input_tokens"], 9_168_000);
    close(&r["rows"][0]["cost_usd_per_session"], 1.4112);

    // Fitted from the Claude Code fixture: one session of 3 calls with prompts 2010 (msg_Cx1: 10 + 2000 written),
    // 2505 (msg_Cx2: 5 + 2000 read + 500 written) and 100 (msg_Cx3, in the file read first): base 100, growth
    // ceil((2505 - 100) / 2) = 1203, output ceil((50 + 250 + 120) / 3) = 140.
    let r = json(&[
        "project",
        "--from",
        "fixtures/formats/claude_code",
        "--models",
        "gpt-4o",
    ]);
    let p50 = &r["shapes"][0][1];
    assert_eq!(r["shapes"][0][0], "p50");
    assert_eq!(
        (
            p50["calls"].as_u64(),
            p50["base_prompt_tokens"].as_u64(),
            p50["growth_tokens_per_call"].as_u64(),
            p50["output_tokens_per_call"].as_u64()
        ),
        (Some(3), Some(100), Some(1203), Some(140))
    );
    common::tokencost()
        .args(["project", "--profile", "nope"])
        .assert()
        .code(2);
    common::tokencost().args(["project", "--plan", "nope"]).assert().code(2);
}

#[test]
fn analyze_shows_token_tax_share_and_plan_break_even() {
    // fixtures/hand.jsonl: $0.0387098 paid, every call with an estimate, marginal $0.00059086028-0.00513495272
    // (worked out in tests/cli.rs), so the tax is (0.0387098 - 0.00513495272) / 0.0387098 = 86.7% to
    // (0.0387098 - 0.00059086028) / 0.0387098 = 98.5% of it.
    let r = json(&["analyze", "fixtures/hand.jsonl", "--plan", "perplexity-pro"]);
    close(
        &r["totals"]["token_tax_share_low"],
        (0.0387098 - 0.00513495272) / 0.0387098,
    );
    close(
        &r["totals"]["token_tax_share_high"],
        (0.0387098 - 0.00059086028) / 0.0387098,
    );
    // Sessions: s1, s2 (acme-llm-1 is unpriced but still a call of s2) and hand.jsonl (lines without a session):
    // $0.0387098 / 3 per session; Perplexity Pro $20: 20 / (0.0387098 / 3) = 1550.0 sessions.
    assert_eq!(r["plan"]["sessions"], 3);
    close(&r["plan"]["break_even_sessions_per_month"], 20.0 / (0.0387098 / 3.0));
    let table = run(&["analyze", "fixtures/hand.jsonl", "--plan", "perplexity-pro"]);
    assert!(table.contains("87%-98% of what was paid"), "{table}");
    assert!(
        table.contains("Perplexity Pro ($20.00 a month) is cheaper than list prices above 1550.0 sessions"),
        "{table}"
    );
    // Replit Core includes $25 of usage for its $25: at list prices it is never the cheaper way to pay.
    let r = json(&["analyze", "fixtures/hand.jsonl", "--plan", "replit-core"]);
    assert!(r["plan"]["break_even_sessions_per_month"].is_null());
    let table = run(&["analyze", "fixtures/hand.jsonl", "--plan", "replit-core"]);
    assert!(
        table.contains("Replit Core ($25.00 a month, $25.00 of usage included) is never cheaper than list prices"),
        "{table}"
    );
}

#[test]
fn compare_recounts_text_exactly_and_scales_reported_usage() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    let hand = std::fs::read_to_string("fixtures/hand.jsonl").unwrap();
    // Line 4 of the hand fixture: a gpt-4o chat (reference row public-0264) and a completion (public-0000), no usage.
    std::fs::write(&log, hand.lines().nth(3).unwrap()).unwrap();
    let rows = json(&[
        "compare",
        log.to_str().unwrap(),
        "--models",
        "gpt-4,claude-3-5-sonnet-20241022",
    ]);
    let row = |m: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["model"] == m)
            .unwrap()
            .clone()
    };
    // On gpt-4 the text is counted with cl100k_base: 109 prompt tokens (reference), 13 completion tokens:
    // 109 x $30 + 13 x $60 = 3270 + 780 -> $0.00405, and the count is exact.
    let gpt4 = row("openai/gpt-4");
    assert_eq!(
        (gpt4["input_tokens"].as_u64(), gpt4["output_tokens"].as_u64()),
        (Some(109), Some(13))
    );
    close(&gpt4["cost_usd"], 0.00405);
    assert_eq!(gpt4["estimated_calls"], 0);
    // As logged (gpt-4o, $2.50 / $10): 102 x 2.5 + 13 x 10 = 385 -> $0.000385; relative cost 0.00405 / 0.000385.
    close(&gpt4["relative_cost"], 0.00405 / 0.000385);
    // On Claude the count is an estimate: o200k 102 and 13, times 1.25 = 127.5 -> 128 and 16.25 -> 16.
    let claude = row("anthropic/claude-3-5-sonnet-20241022");
    assert_eq!(
        (claude["input_tokens"].as_u64(), claude["output_tokens"].as_u64()),
        (Some(128), Some(16))
    );
    assert_eq!(claude["estimated_calls"], 1);

    // Reported usage moves by the ratio of the tokenizers: the Claude line of the hand fixture (3000 input,
    // 20000 cached, 1000 + 500 written, 800 output) on gpt-4o-2024-08-06 is scaled by 1 / 1.25 = 0.8:
    // 2400 x 2.50 + 16000 x 1.25 + (800 + 400) x 2.50 + 640 x 10 = 6000 + 20000 + 3000 + 6400 -> $0.0354
    std::fs::write(&log, hand.lines().nth(2).unwrap()).unwrap();
    let rows = json(&["compare", log.to_str().unwrap(), "--models", "gpt-4o-2024-08-06"]);
    let moved = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "openai/gpt-4o-2024-08-06")
        .unwrap();
    close(&moved["cost_usd"], 0.0354);
    assert_eq!(moved["estimated_calls"], 1);
}
