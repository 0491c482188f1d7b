//! Inputs of hostile size give a clear answer: stderr stays short however many unknown models or bad lines there
//! are, figures too large for exact decimals are an error instead of a panic or a saturated bill, and messages say
//! what is wrong. Logs and price files are written by the tests into temporary directories.

use assert_cmd::cargo::cargo_bin_cmd;
use std::path::Path;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let out = cargo_bin_cmd!("tokencost")
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .output()
        .unwrap();
    Out {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A price file for `acme/m` at `price` USD per 1M tokens in and out, with an estimate of `estimate` per 1M.
fn prices(dir: &Path, price: &str, estimate: &str) {
    let text = format!(
        "provider:\n  id: acme\nmodels:\n  - id: m\n    marginal: e\n    prices:\n      - {{as_of: 2024-01-01, input: {price}, output: {price}, source: s}}\nmarginal:\n  - id: e\n    input: {{low: {estimate}, high: {estimate}}}\n    output: {{low: {estimate}, high: {estimate}}}\n    source: s\n    as_of: 2024-01-01\n"
    );
    std::fs::write(dir.join("prices.yaml"), text).unwrap();
}

#[test]
fn thousands_of_unknown_models_are_named_twenty_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..5_000)
        .map(|i| format!("{{\"model\":\"unknown-{i:05}\",\"usage\":{{\"input_tokens\":1,\"output_tokens\":0}}}}\n"))
        .collect();
    std::fs::write(dir.path().join("log.jsonl"), lines).unwrap();
    let out = run(dir.path(), &["analyze", "log.jsonl"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warnings = out.stderr.lines().filter(|l| l.contains("no price for model")).count();
    assert_eq!(warnings, 20, "{}", out.stderr);
    assert!(out.stderr.contains(
        "tokencost: warning: 4,980 more models without a price are left out of the totals (--format json lists them all)"
    ));
    assert!(out.stderr.lines().count() < 25, "{}", out.stderr);
    // The table's notes too; JSON lists every one.
    assert_eq!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with("Unpriced, not in the totals"))
            .count(),
        20
    );
    assert!(
        out.stdout
            .contains("4,980 more models without a price, not in the totals (--format json lists them all).")
    );
    let md = run(dir.path(), &["analyze", "log.jsonl", "--format", "markdown"]).stdout;
    assert_eq!(md.lines().filter(|l| l.starts_with("- `unknown-")).count(), 20, "{md}");
    let json = run(dir.path(), &["analyze", "log.jsonl", "--format", "json"]).stdout;
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["unpriced"].as_array().unwrap().len(), 5_000);
}

#[test]
fn bad_lines_in_many_files_are_shown_up_to_a_limit_per_run() {
    let dir = tempfile::tempdir().unwrap();
    for f in 0..300 {
        std::fs::write(dir.path().join(format!("f{f:03}.jsonl")), "{broken\n".repeat(10)).unwrap();
    }
    let out = run(dir.path(), &["analyze", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // 100 lines about bad lines, one count of the rest, the summary.
    assert_eq!(out.stderr.lines().count(), 102, "{}", out.stderr);
    // Every bad line is shown or counted, once.
    let number = |s: &str| s.replace(',', "").parse::<u64>().unwrap();
    let mut accounted = 0;
    for line in out.stderr.lines() {
        if line.contains(": invalid JSON") {
            accounted += 1;
        } else if let Some(rest) = line.split(".jsonl: ").nth(1) {
            accounted += number(rest.split(' ').next().unwrap());
        } else if let Some(rest) = line.strip_prefix("tokencost: warning: ") {
            assert!(rest.ends_with(" files not shown"), "{line}");
            accounted += number(rest.split(' ').next().unwrap());
        }
    }
    assert_eq!(accounted, 3_000, "{}", out.stderr);
    assert!(out.stderr.contains("3,000 lines skipped"), "{}", out.stderr);
}

#[test]
fn pricing_check_shows_a_hundred_problems_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    // 1,000 models claiming one alias: one problem for each model after the first.
    let mut yaml = String::from("provider:\n  id: acme\nmodels:\n");
    for i in 0..1_000 {
        yaml.push_str(&format!(
            "  - id: m{i}\n    aliases: [same]\n    prices:\n      - {{as_of: 2024-01-01, input: 1, output: 2, source: s}}\n"
        ));
    }
    std::fs::write(dir.path().join("p.yaml"), yaml).unwrap();
    let out = run(dir.path(), &["pricing", "check", "p.yaml"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 102, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("tokencost: 899 more problems not shown\ntokencost: 999 problems in the price tables")
    );
    // Elsewhere an invalid table is an error that names the first 20 problems.
    let out = run(dir.path(), &["pricing", "list", "--pricing", "p.yaml"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 22, "{}", out.stderr);
    assert!(out.stderr.ends_with("  and 979 more problems\n"), "{}", out.stderr);
}

#[test]
fn a_broken_budget_and_its_figure_never_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    // gpt-4o at $2.50/M: 8,416 input tokens cost $0.02104, over a $0.021 budget, though both round to $0.0210.
    std::fs::write(
        dir.path().join("log.jsonl"),
        "{\"model\":\"gpt-4o\",\"session\":\"s\",\"usage\":{\"input_tokens\":8416,\"output_tokens\":0}}\n",
    )
    .unwrap();
    let args = [
        "analyze",
        "log.jsonl",
        "--budget",
        "0.021",
        "--session-budget",
        "0.021",
        "--format",
        "markdown",
    ];
    let out = run(dir.path(), &args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("tokencost: total budget $0.02100 exceeded: the logs cost $0.02104"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("the dearest session cost $0.02104\n  s: $0.02104\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("| total | \\$0.02100 | \\$0.02104 | **over** |"),
        "{}",
        out.stdout
    );
}

#[test]
fn markup_names_an_unknown_provider() {
    let out = run(Path::new("."), &["markup", "--provider", "nope"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("tokencost: error: no provider `nope`; known: anthropic,"),
        "{}",
        out.stderr
    );
}

#[test]
fn prices_too_large_to_bill_exactly_are_refused_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 10^10 tokens in and out, the most a call may report.
    std::fs::write(
        d.join("log.jsonl"),
        "{\"model\":\"acme/m\",\"usage\":{\"input_tokens\":10000000000,\"cached_input_tokens\":10000000000,\"output_tokens\":10000000000}}\n",
    )
    .unwrap();
    prices(d, "1e19", "1");
    let out = run(d, &["pricing", "check", "prices.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("prices.yaml:7: `input` is above $1,000,000 per 1M tokens: 10000000000000000000")
    );
    for args in [
        &["analyze", "log.jsonl", "--pricing", "prices.yaml"][..],
        &["compare", "log.jsonl", "--models", "gpt-4o", "--pricing", "prices.yaml"],
        &["project", "--models", "gpt-4o", "--pricing", "prices.yaml"],
    ] {
        let out = run(d, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("invalid pricing:"), "{}", out.stderr);
    }
    // At the bound, $1 a token, the bill is exact: 3 x 10^10 tokens, $30,000,000,000.
    prices(d, "1000000", "1");
    let out = run(
        d,
        &[
            "analyze",
            "log.jsonl",
            "--pricing",
            "prices.yaml",
            "--format",
            "csv",
            "--total-row",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("\nTOTAL,1,10000000000,10000000000,0,0,10000000000,30000000000,"),
        "{}",
        out.stdout
    );
    // An estimate no price could reach is an error that says so.
    prices(d, "1", "1e25");
    for args in [
        &["analyze", "log.jsonl", "--pricing", "prices.yaml"][..],
        &["project", "--models", "acme/m", "--pricing", "prices.yaml"],
    ] {
        let out = run(d, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(
                "the marginal cost from estimate `e` (above $1,000,000 per 1M tokens) is too large to compute exactly"
            ),
            "{}",
            out.stderr
        );
    }
    // A markup over a tiny estimate is a large number, not a panic.
    prices(d, "1000000", "0.0000000000000000000001");
    let out = run(
        d,
        &[
            "markup",
            "--provider",
            "acme",
            "--pricing",
            "prices.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_projection_beyond_exact_figures_is_refused() {
    let here = Path::new(".");
    // 2^64 - 1 sessions a month of a long agent session on the dearest models.
    let out = run(
        here,
        &[
            "project",
            "--calls",
            "1000000",
            "--base-prompt",
            "18446744073709",
            "--growth",
            "0",
            "--output",
            "18446744073709",
            "--sessions-per-month",
            "18446744073709551615",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the cost per month is too large to compute exactly"),
        "{}",
        out.stderr
    );
    // A plan beside a session that costs next to nothing: never cheaper, no panic.
    let dir = tempfile::tempdir().unwrap();
    prices(dir.path(), "0.0000000000000000000001", "1");
    let out = run(
        dir.path(),
        &[
            "project",
            "--models",
            "acme/m",
            "--pricing",
            "prices.yaml",
            "--plan",
            "cursor-pro",
            "--calls",
            "1",
            "--base-prompt",
            "1",
            "--growth",
            "0",
            "--output",
            "0",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_session_beyond_a_token_count_is_refused_not_saturated() {
    let out = run(
        Path::new("."),
        &[
            "project",
            "--models",
            "gpt-4o",
            "--calls",
            "1000000",
            "--base-prompt",
            "18446744073709551615",
            "--growth",
            "1",
            "--output",
            "1",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "a session of 1,000,000 calls, 18,446,744,073,709,551,615 prompt tokens at first, 1 more per call and 1 output tokens per call holds more than 18,446,744,073,709,551,615 tokens: too many to count"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}
