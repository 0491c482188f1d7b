//! End-to-end tests of `tokencost marginal`: predictions on measured serving rows, the held-out errors MARGINAL.md
//! states, and the cost estimate against DeepSeek's published production figures.

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use std::io::Write;

const MEASUREMENTS: &str = "fixtures/marginal/measurements.csv";

fn tokencost() -> Command {
    cargo_bin_cmd!("tokencost")
}

fn json(args: &[&str]) -> Value {
    let out = tokencost()
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Within `share` of `want`, either way.
fn near(got: f64, want: f64, share: f64) -> bool {
    (got - want).abs() <= want.abs() * share
}

#[test]
fn estimate_reproduces_deepseeks_production_costs() {
    // DeepSeek (open-infra-index, 2025-02): V3/R1 on H800 at $2 per GPU-hour, 20-22 tokens/s per user, 56.3% of
    // input tokens from the prompt cache; node-hours split between prefill and decode give about $0.06 per 1M input
    // tokens (cache hits included) and $0.30 per 1M output tokens. The low end is the fully busy case they report.
    let doc = json(&[
        "marginal",
        "estimate",
        "deepseek-v3",
        "--gpu",
        "h800",
        "--gpu-hour",
        "2",
        "--tokens-per-second-per-user",
        "21",
        "--cache-hit",
        "0.563",
    ]);
    let low = &doc["cases"][0];
    assert_eq!(low["case"], "low");
    let (input, output) = (f(&low["usd_per_m_input"]), f(&low["usd_per_m_output"]));
    assert!(near(input, 0.06, 0.30), "input {input}");
    assert!(near(output, 0.30, 0.30), "output {output}");
    // The decode deployment keeps each user at 21 tokens/s or more: a step within 1/21 s.
    assert!(f(&low["decode"]["seconds"]) <= 1.0 / 21.0);
    // The cost is the GPU-second over the tokens it makes: $2 / 3600 / (tokens/s per GPU) x 1M.
    let tps = f(&low["decode"]["tokens_per_s_per_gpu"]);
    assert!(near(output, 2.0 / 3600.0 / tps * 1e6, 1e-9));
    // The high end pays the same hour half busy: twice the cost.
    let high = &doc["cases"][1];
    assert!(near(f(&high["usd_per_m_output"]), 2.0 * output, 1e-9));
}

#[test]
fn estimate_defaults_rise_from_owned_to_rented_and_explain_shows_the_arithmetic() {
    let doc = json(&["marginal", "estimate", "llama-3.3-70b"]);
    let (low, high) = (&doc["cases"][0], &doc["cases"][1]);
    // Low: H100 owned at $1.30, 20 tokens/s per user, fully busy; high: rental, 50 tokens/s, half busy.
    assert_eq!(
        (f(&low["usd_per_gpu_hour"]), f(&low["tokens_per_s_per_user"])),
        (1.3, 20.0)
    );
    assert_eq!(
        (f(&high["tokens_per_s_per_user"]), f(&high["utilization"])),
        (50.0, 0.5)
    );
    assert!(f(&high["usd_per_m_output"]) > f(&low["usd_per_m_output"]));
    assert!(f(&high["usd_per_m_input"]) > f(&low["usd_per_m_input"]));

    let out = tokencost()
        .args(["marginal", "estimate", "llama-3.3-70b", "--explain"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("low: $1.30 per GPU-hour (owned (TCO)) = $0.000361 per GPU-second"),
        "{text}"
    );
    assert!(
        text.contains("per 1M output tokens") && text.contains("per 1M input tokens"),
        "{text}"
    );

    // A model it has no architecture for says how to give one.
    let out = tokencost()
        .args(["marginal", "estimate", "no-such-model"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("no-such-model") && err.contains("--arch"), "{err}");
}

#[test]
fn predict_adds_its_columns_and_names_rows_it_cannot_predict() {
    let text = std::fs::read_to_string(MEASUREMENTS).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    // Two aggregated Llama 3.1 8B rows on one H100 (file lines 2 and 3 below), then a disaggregated row without its
    // decode batch (line 4), then the first row again with a model nobody has (line 5).
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("llama_3_1_8b_instruct_h100_sxm_trtllm_agg_1024x512_c8_tp1"))
        .take(1)
        .chain(
            text.lines()
                .filter(|l| l.contains("llama_3_1_8b_instruct_h100_sxm_trtllm_agg_2048x512_c8_tp1"))
                .take(1),
        )
        .chain(
            text.lines()
                .filter(|l| {
                    l.starts_with("2026_03_25_deepseek_r1_gb200_trtllm_fp4_disagg_1024x8192_c2048_tp4_0_ep4_0_352,")
                })
                .take(1),
        )
        .collect();
    assert_eq!(rows.len(), 3);
    let unknown = rows[0].replace("meta-llama/Llama-3.1-8B-Instruct", "acme/unknown-7b");
    let input = format!("{header}\n{}\n{}\n{}\n{unknown}\n", rows[0], rows[1], rows[2]);
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(input.as_bytes()).unwrap();
    let path = file.path().to_str().unwrap();

    let out = tokencost()
        .args(["marginal", "predict", path, "--gpu-hour", "3.6"])
        .assert()
        .code(4);
    let (stdout, stderr) = (out.get_output().stdout.clone(), out.get_output().stderr.clone());
    let err = String::from_utf8(stderr).unwrap();
    assert!(
        err.contains(&format!("{path}:4: a disaggregated row needs `decode_batch_size`")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{path}:5: ")) && err.contains("acme/unknown-7b"),
        "{err}"
    );

    let mut reader = csv::Reader::from_reader(stdout.as_slice());
    let head = reader.headers().unwrap().clone();
    let added = [
        "predicted_ttft_ms",
        "predicted_tpot_ms",
        "output_tokens_per_s_per_gpu",
        "usd_per_m_input",
        "usd_per_m_output",
    ];
    assert_eq!(head.len(), header.split(',').count() + 5);
    assert!(head.iter().rev().take(5).eq(added.iter().rev().copied()));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2, "the two predictable rows, in order");
    let col =
        |r: &csv::StringRecord, name: &str| -> f64 { r[head.iter().position(|h| h == name).unwrap()].parse().unwrap() };
    for r in &records {
        // Every input column is passed through as it was.
        assert!(input.contains(&r.iter().take(head.len() - 5).collect::<Vec<_>>().join(",")));
        // Within the 80th-percentile TPOT error MARGINAL.md states for this family (17.9%), with room.
        let (tpot, measured) = (col(r, "predicted_tpot_ms"), col(r, "silicon_tpot_ms"));
        assert!(near(tpot, measured, 0.25), "{tpot} vs {measured}");
        // At $3.6 per GPU-hour a GPU-second costs $0.001, and it makes output tokens (tokens/s per GPU) and input
        // tokens (isl / osl as many): input x out_tps x isl / osl + output x out_tps = $0.001 x 1M = 1000.
        let tps = col(r, "output_tokens_per_s_per_gpu");
        let ratio = col(r, "isl") / col(r, "osl");
        let spent = col(r, "usd_per_m_input") * tps * ratio + col(r, "usd_per_m_output") * tps;
        assert!(near(spent, 1000.0, 1e-4), "{spent}");
    }
}

/// The rows of MARGINAL.md's error table: evaluation, group, TTFT median and TPOT median, in percent.
fn stated_errors() -> Vec<(String, String, f64, f64)> {
    let doc = std::fs::read_to_string("MARGINAL.md").unwrap();
    let pct = |s: &str| s.trim().trim_end_matches('%').parse::<f64>().unwrap();
    doc.lines()
        .filter(|l| l.starts_with("| ") && l.ends_with('%') || l.starts_with("| ") && l.ends_with("% |"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].to_string(), cells[1].to_string(), pct(cells[3]), pct(cells[5]))
        })
        .collect()
}

#[test]
fn calibration_errors_stay_within_what_marginal_md_states() {
    let doc = json(&["marginal", "calibrate", MEASUREMENTS]);
    let stated = stated_errors();
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(stated.len(), groups.len(), "every group measured is in the doc");
    for g in groups {
        let (eval, group) = (g["evaluation"].as_str().unwrap(), g["group"].as_str().unwrap());
        let (_, _, ttft, tpot) = stated
            .iter()
            .find(|s| s.0 == eval && s.1 == group)
            .unwrap_or_else(|| panic!("{eval} / {group} not in MARGINAL.md"));
        // The doc rounds to 0.1 percentage points.
        assert!(
            f(&g["ttft_median"]) * 100.0 <= ttft + 0.05,
            "{eval} / {group}: TTFT {}",
            g["ttft_median"]
        );
        assert!(
            f(&g["tpot_median"]) * 100.0 <= tpot + 0.05,
            "{eval} / {group}: TPOT {}",
            g["tpot_median"]
        );
    }
    // The headline: held out, time per output token within the target of a fifth, pooled over each kind of
    // group; first tokens within the target of 30% when a GPU is held out and within 31% when a model family is
    // (MARGINAL.md: 27.8% and 30.4%), and an engine held out (which gets constants fitted to the other engines'
    // scheduling) no worse than MARGINAL.md's 56.8%.
    let pooled: Vec<&Value> = groups.iter().filter(|g| g["group"] == "every group, pooled").collect();
    assert_eq!(pooled.len(), 3);
    assert!(pooled.iter().all(|g| f(&g["tpot_median"]) <= 0.20), "{pooled:?}");
    let ttft = |eval: &str| f(&pooled.iter().find(|g| g["evaluation"] == eval).unwrap()["ttft_median"]);
    assert!(ttft("GPU held out") <= 0.30 && ttft("model family held out") <= 0.31);
    assert!(ttft("engine held out") <= 0.57);
}

/// A `derived` or `proxy` estimate of pricing/marginal.yaml: id, serving model, its GPU (when not the default),
/// widen, input and output low-high.
type ServingEstimate = (String, String, Option<String>, f64, [f64; 2], [f64; 2]);

fn serving_estimates() -> Vec<ServingEstimate> {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string("pricing/marginal.yaml").unwrap()).unwrap();
    let pair = |v: &serde_yaml::Value| [v["low"].as_f64().unwrap(), v["high"].as_f64().unwrap()];
    yaml["marginal"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|e| matches!(e["method"].as_str(), Some("derived" | "proxy")))
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["serving_model"].as_str().unwrap().to_string(),
                e["serving_gpu"].as_str().map(str::to_string),
                e["widen"].as_f64().unwrap_or(1.0),
                pair(&e["input"]),
                pair(&e["output"]),
            )
        })
        .collect()
}

#[test]
fn derived_and_proxy_estimates_are_what_the_serving_model_gives() {
    let estimates = serving_estimates();
    assert!(estimates.len() >= 30, "{}", estimates.len());
    for (id, model, gpu, widen, input, output) in estimates {
        // tools/serving_estimates.py writes `marginal estimate MODEL [--gpu GPU]` at its defaults to 4 significant
        // digits, the low end divided and the high end multiplied by `widen`.
        let mut args = vec!["marginal", "estimate", &model];
        if let Some(gpu) = &gpu {
            args.extend(["--gpu", gpu]);
        }
        let doc = json(&args);
        let (low, high) = (&doc["cases"][0], &doc["cases"][1]);
        let want_in = [f(&low["usd_per_m_input"]) / widen, f(&high["usd_per_m_input"]) * widen];
        let want_out = [
            f(&low["usd_per_m_output"]) / widen,
            f(&high["usd_per_m_output"]) * widen,
        ];
        for (got, want) in input.iter().chain(&output).zip(want_in.iter().chain(&want_out)) {
            assert!(
                near(*got, *want, 0.001),
                "{id}: {got} in pricing/marginal.yaml, the serving model gives {want}"
            );
        }
    }
}

#[test]
fn priced_chat_models_carry_an_estimate_with_its_method() {
    let out = tokencost()
        .args(["pricing", "list", "--format", "json"])
        .assert()
        .success();
    let rows: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let find = |provider: &str, model: &str| {
        rows.iter()
            .find(|r| r["provider"] == provider && r["model"] == model)
            .unwrap_or_else(|| panic!("{model}"))
    };
    // A sourced mid-2024 figure stays given; an open model gets its own architecture; a closed one a named proxy.
    assert_eq!(find("openai", "gpt-4o")["marginal_method"], "given");
    let llama = find("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo");
    assert_eq!(
        (&llama["marginal_estimate"], &llama["marginal_method"]),
        (&"serving-llama-3.3-70b".into(), &"derived".into())
    );
    let sonnet = find("anthropic", "claude-sonnet-4-5");
    assert_eq!(sonnet["marginal_method"], "proxy");
    let basis = sonnet["marginal_basis"].as_str().unwrap();
    assert!(basis.contains("deepseek-v3") && basis.contains("widened"), "{basis}");
    // Every model of the main chat families has one.
    for r in rows {
        let id = r["model"].as_str().unwrap();
        if ["claude", "gpt-4o", "gpt-5", "gemini", "deepseek", "qwen"]
            .iter()
            .any(|f| id.contains(f))
        {
            assert!(r["marginal_method"].is_string(), "{} {id}", r["provider"]);
        }
    }
}

/// Fragments of model names that mark what is not a text chat model, by kind: speech, images, vectors, safety
/// classifiers, rerankers, OCR, request routers. The test's own reading of "chat", independent of the program's.
const NOT_CHAT: [&str; 14] = [
    "audio",
    "voxtral",
    "whisper",
    "tts",
    "flux",
    "dall-e",
    "embed",
    "rerank",
    "moderation",
    "prompt-guard",
    "llama-guard",
    "content-safety",
    "ocr",
    "router",
];

#[test]
fn every_bundled_chat_model_has_an_estimate_and_the_others_say_what_they_are() {
    let out = tokencost()
        .args(["pricing", "list", "--format", "json"])
        .assert()
        .success();
    let rows: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.len() > 1000, "{}", rows.len());
    let (mut chat, mut other) = (0, 0);
    for r in rows {
        let (provider, id) = (r["provider"].as_str().unwrap(), r["model"].as_str().unwrap());
        let method = r["marginal_method"].as_str().unwrap_or("-");
        let basis = r["marginal_basis"].as_str().unwrap_or("");
        if NOT_CHAT.iter().any(|m| id.to_ascii_lowercase().contains(m)) {
            other += 1;
            // Not chat: an estimate if it has one, else `none` and a basis saying it is no chat model.
            assert!(
                ["given", "derived", "proxy"].contains(&method)
                    || method == "none" && basis.starts_with("not a text chat model"),
                "{provider} {id}: {method} {basis}"
            );
        } else {
            chat += 1;
            assert!(
                ["given", "derived", "proxy"].contains(&method),
                "{provider} {id} has no estimate ({method})"
            );
            assert!(!basis.is_empty(), "{provider} {id}: an estimate without its basis");
            assert!(r["marginal_estimate"].is_string(), "{provider} {id}");
        }
    }
    // Most priced models are chat models; a handful of speech, image, safety and OCR models are not.
    assert!(chat > 1400 && (10..100).contains(&other), "{chat} chat, {other} other");
    // GPT-4 has a proxy now: Llama 3.1 405B on B200, for its compute per token.
    let gpt4 = rows
        .iter()
        .find(|r| r["provider"] == "openai" && r["model"] == "gpt-4")
        .unwrap();
    assert_eq!(gpt4["marginal_method"], "proxy");
    assert!(
        gpt4["marginal_basis"].as_str().unwrap().contains("llama-3.1-405b"),
        "{}",
        gpt4["marginal_basis"]
    );
}

#[test]
fn markup_covers_todays_models_and_leaves_the_seed_date_alone() {
    let rows = json(&["markup", "--as-of", "2026-12-01"]);
    let rows = rows.as_array().unwrap();
    let sonnet = rows
        .iter()
        .find(|r| r["provider"] == "anthropic" && r["model"] == "claude-sonnet-4-5")
        .unwrap();
    assert_eq!(sonnet["marginal_method"], "proxy");
    // Sonnet 4.5 at $3 per 1M input over its estimate's high end: a markup of price / high.
    let high = f(&sonnet["marginal_input_usd_per_m_high"]);
    assert!(near(f(&sonnet["input_markup_low"]), 3.0 / high, 1e-9));
    // On 2024-07-01 only estimates of that time apply: none made by the serving model.
    let seed = json(&["markup", "--as-of", "2024-07-01"]);
    assert!(seed.as_array().unwrap().iter().all(|r| r["marginal_method"] == "given"));
}

#[test]
fn self_hosting_is_a_target_of_project_and_compare() {
    // The serving model's estimate for Llama 3.3 70B on H100s at $2.10 per GPU-hour; a self-hosted target is
    // priced at its high (low-load) end and carries the whole range as its marginal cost.
    let est = json(&[
        "marginal",
        "estimate",
        "llama-3.3-70b",
        "--gpu",
        "h100",
        "--gpu-hour",
        "2.10",
    ]);
    let (low, high) = (&est["cases"][0], &est["cases"][1]);
    let out = tokencost()
        .args([
            "project",
            "--models",
            "self:llama-3.3-70b@h100:2.10",
            "--calls",
            "2",
            "--base-prompt",
            "1000",
        ])
        .args(["--growth", "0", "--output", "100", "--format", "json"])
        .assert()
        .success();
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let row = &doc["rows"][0];
    assert_eq!(row["model"], "self/llama-3.3-70b@h100:2.10");
    // 2 calls of 1,000 prompt and 100 output tokens: 2,000 x input + 200 x output, per 1M.
    let per_session =
        |case: &Value| (2000.0 * f(&case["usd_per_m_input"]) + 200.0 * f(&case["usd_per_m_output"])) / 1e6;
    assert!(near(f(&row["cost_usd_per_session"]), per_session(high), 1e-6), "{row}");
    assert!(near(f(&row["marginal_cost_usd_low"]), per_session(low), 1e-6), "{row}");

    // compare names how it was priced, and a malformed target says what it should look like.
    let out = tokencost()
        .args([
            "compare",
            "fixtures/hand.jsonl",
            "--models",
            "self:llama-3.3-70b@h100:2.10",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("self/llama-3.3-70b@h100:2.10: self-hosted, priced at the low-load case"),
        "{text}"
    );
    let out = tokencost()
        .args(["project", "--models", "self:llama-3.3-70b"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("self:MODEL@GPU[:USD-PER-GPU-HOUR]"), "{err}");
}

/// The first row of the measurements whose id is `id`, as a header-keyed record.
fn measured_row(id: &str) -> (csv::StringRecord, csv::StringRecord) {
    let mut reader = csv::Reader::from_path(MEASUREMENTS).unwrap();
    let header = reader.headers().unwrap().clone();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == id)
        .unwrap_or_else(|| panic!("{id}"));
    (header, row)
}

/// The row with some columns replaced.
fn with(header: &csv::StringRecord, row: &csv::StringRecord, set: &[(&str, &str)]) -> String {
    let cells: Vec<String> = header
        .iter()
        .zip(row.iter())
        .map(|(h, v)| set.iter().find(|(k, _)| *k == h).map_or(v, |(_, n)| n).to_string())
        .map(|v| if v.contains(',') { format!("\"{v}\"") } else { v })
        .collect();
    cells.join(",")
}

/// `marginal predict` on rows: the exit code, stderr, and each predicted row's added columns by name.
fn predict_rows(header: &csv::StringRecord, rows: &[String]) -> (i32, String, Vec<Vec<(String, f64)>>) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let head: Vec<&str> = header.iter().collect();
    writeln!(file, "{}", head.join(",")).unwrap();
    for r in rows {
        writeln!(file, "{r}").unwrap();
    }
    let out = tokencost()
        .args(["marginal", "predict", file.path().to_str().unwrap()])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let names = reader.headers().unwrap().clone();
    let got = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            names
                .iter()
                .zip(r.iter())
                .skip(header.len())
                .map(|(n, v)| (n.to_string(), v.parse().unwrap()))
                .collect()
        })
        .collect();
    (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap(), got)
}

fn column(row: &[(String, f64)], name: &str) -> f64 {
    row.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn predict_reads_layouts_as_they_ran_and_refuses_ones_no_engine_runs() {
    // DeepSeek-R1 on B200 written as "tp 64, experts over 8 x 8": what ran is 8 GPUs, tp 8, experts over 8 (the
    // same row written so must predict the same); "attention DP 64 with 4 requests each" is 8 DP groups with 32
    // each (256 requests either way).
    let (header, tp) = measured_row("dsr1_b200_trtllm_fp8_agg_8192x1024_c4_cfg177");
    assert_eq!((&tp[13], &tp[16], &tp[17]), ("64", "8", "8"));
    let (_, dp) = measured_row("dsr1_b200_trtllm_fp4_agg_1024x8192_c256_cfg191");
    assert_eq!((&dp[12], &dp[15], &dp[16], &dp[17]), ("4", "64", "8", "8"));
    let (_, tp36) = measured_row("2026_04_06_deepseek_r1_gb200_trtllm_fp4_agg_1024x1024_c32_tp36_ep1_11");
    let rows = [
        with(&header, &tp, &[]),
        with(&header, &tp, &[("tp_size", "8"), ("moe_tp_size", "1")]),
        with(&header, &dp, &[]),
        with(
            &header,
            &dp,
            &[("batch_size", "32"), ("attention_dp_size", "8"), ("moe_tp_size", "1")],
        ),
        with(&header, &tp36, &[]),
    ];
    let (code, err, got) = predict_rows(&header, &rows);
    assert_eq!(code, 4, "{err}");
    // Line 6 of the file: DeepSeek's 128 heads do not split over 36 GPUs.
    assert!(
        err.contains(":6: tp_size 36 does not divide the model's 128 attention heads"),
        "{err}"
    );
    assert_eq!(got.len(), 4);
    assert_eq!(got[0], got[1]);
    assert_eq!(got[2], got[3]);
}

#[test]
fn disaggregated_first_tokens_wait_at_the_prefill_pool_once_it_is_the_bottleneck() {
    // DeepSeek-V3 on GB200, SGLang, 1,024-token prompts: 2 prefill workers of 8 GPUs, 32 decode GPUs. With
    // thousands of requests in flight the prefill pool bounds the throughput (Little's law: requests per second =
    // requests in flight / time per request), so doubling the requests in flight leaves the throughput where it
    // was and doubles the time each request takes, its wait for the first token included.
    let (header, row) = measured_row("dsr1_gb200_sglang_fp8_disagg_1024x1024_c2048_cfg523");
    let rows = [
        with(&header, &row, &[("decode_batch_size", "1024")]),
        with(&header, &row, &[("decode_batch_size", "2048")]),
    ];
    let (code, err, got) = predict_rows(&header, &rows);
    assert_eq!(code, 0, "{err}");
    let tps = |r: &[(String, f64)]| column(r, "output_tokens_per_s_per_gpu");
    assert!(near(tps(&got[1]), tps(&got[0]), 0.05), "{got:?}");
    // Time per request: first token, then 1,023 more tokens.
    let cycle = |r: &[(String, f64)]| column(r, "predicted_ttft_ms") + 1023.0 * column(r, "predicted_tpot_ms");
    assert!(near(cycle(&got[1]), 2.0 * cycle(&got[0]), 0.05), "{got:?}");
    // Most of that time is the wait for the first token: seconds, as measured at such loads.
    assert!(column(&got[1], "predicted_ttft_ms") > 10_000.0, "{got:?}");
}

#[test]
fn predict_runs_each_engines_collectives_at_its_own_latency() {
    // Llama 3.1 70B on B200 with one request in flight: the time per output token is a decode step, and an engine
    // changes it only through the latency of its collectives, two all-reduces in each of 80 layers under tensor
    // parallelism (serving/settings.yaml: `collective_latency`; an engine without one gets the roofline's
    // `comm_latency`). On one GPU there are none, and every engine decodes alike.
    let settings: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string("serving/settings.yaml").unwrap()).unwrap();
    let calibration = &settings["calibration"];
    let latency = |engine: &str| {
        calibration["collective_latency"][engine]
            .as_f64()
            .unwrap_or_else(|| calibration["roofline"]["comm_latency"].as_f64().unwrap())
    };
    let engines = ["trtllm", "vllm", "sglang", "an-engine-without-its-own"];
    let (header, row) = measured_row("2026_04_06_llama_3_1_70b_b200_sxm_trtllm_fp8_agg_1024x8192_c4_tp8_ep1_267");
    for tp in ["1", "8"] {
        let rows: Vec<String> = engines
            .iter()
            .map(|e| {
                with(
                    &header,
                    &row,
                    &[
                        ("backend", e),
                        ("batch_size", "1"),
                        ("tp_size", tp),
                        ("moe_tp_size", tp),
                    ],
                )
            })
            .collect();
        let (code, err, got) = predict_rows(&header, &rows);
        assert_eq!(code, 0, "{err}");
        let tpot: Vec<f64> = got.iter().map(|r| column(r, "predicted_tpot_ms")).collect();
        for (e, t) in engines.iter().zip(&tpot) {
            let per_collective = if tp == "8" { latency(e) - latency("vllm") } else { 0.0 };
            let want = tpot[1] + 2.0 * 80.0 * per_collective * 1000.0;
            assert!((t - want).abs() < 1e-5, "{e} at tp {tp}: {t} ms, want {want}");
        }
    }
    assert!(latency("trtllm") < latency("vllm") && latency("vllm") < latency("sglang"));
}
