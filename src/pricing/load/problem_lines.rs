//! The line of every kind of problem a price file can have: each case is written so that the line a careless
//! lookup would find (the enclosing item, the block's parent, a key of the same name elsewhere) is a different one.

use super::problems_of;

const ROW: &str = "      - {as_of: 2024-01-01, input: 1, output: 2, source: s}\n";

fn model(body: &str) -> String {
    format!("provider:\n  id: acme\nmodels:\n  - id: m\n{body}")
}

/// (file, the line of its one problem, the start of the message).
fn cases() -> Vec<(String, usize, &'static str)> {
    vec![
        ("provider:\n  id: acme\nmodels: [\n".into(), 4, "invalid YAML"),
        ("\n\n".into(), 1, "the file is empty"),
        ("- a\n".into(), 1, "expected a mapping"),
        ("provider:\n  id: acme\nfoo: 1\n".into(), 3, "unknown field `foo`"),
        ("provider:\n  id: acme\nmodels: 3\n".into(), 3, "`models` must be a list"),
        (format!("models:\n  - id: m\n    prices:\n{ROW}"), 1, "`models` needs a `provider`"),
        // Problems inside the provider block: its line, not the block's first.
        (format!("provider:\n  id: acme\n  nmae: Acme\nmodels:\n  - id: m\n    prices:\n{ROW}"), 3, "unknown field `nmae`"),
        ("provider:\n  id: acme\n  batch_factor: [1]\n".into(), 3, "invalid type: sequence"),
        ("provider:\n  name: x\n  id: a/b\n".into(), 3, "provider id `a/b`"),
        ("provider:\n  id: acme\n  batch_factor: 2\n".into(), 3, "batch_factor must be in (0, 1]"),
        ("provider:\n  id: acme\n  estimate_ratio: -1\n".into(), 3, "estimate_ratio must be"),
        ("cache_read_factor:\n  low: 0.1\n  hihg: 0.2\n".into(), 3, "unknown field `hihg`"),
        ("cache_read_factor: {low: 0.5, high: 0.2}\n".into(), 1, "`cache_read_factor` needs"),
        // A model's own problems.
        (model(&format!("    inptu: 3\n    prices:\n{ROW}")), 5, "unknown field `inptu`"),
        (model(&format!("    tokenizer: klingon\n    prices:\n{ROW}")), 5, "unknown tokenizer"),
        (model(&format!("    deprecation_date: soon\n    prices:\n{ROW}")), 5, "`deprecation_date` must be"),
        (model("    prices: []\n"), 4, "model `m` has no `prices`"),
        (model(&format!("    aliases: [a, M]\n    prices:\n{ROW}")), 5, "alias `M` repeats"),
        (model(&format!("    marginal: nope\n    prices:\n{ROW}")), 5, "model `m` names unknown marginal"),
        (format!("provider:\n  id: acme\nmodels:\n  - id: m\n    prices:\n{ROW}  - id: n\n    prices:\n{ROW}  - id: m\n    prices:\n{ROW}"), 10, "duplicate model id `m` (first defined at line 4)"),
        (format!("provider:\n  id: acme\nmodels:\n  - id: m\n    prices:\n{ROW}  - id: n\n    aliases: [m]\n    prices:\n{ROW}"), 7, "`m` of model `n` overlaps"),
        // A price row's problems.
        (model(&format!("    prices:\n{ROW}{ROW}")), 7, "two price rows of `m`"),
        (model("    prices:\n      - as_of: 2024-13-01\n        input: 1\n        output: 2\n        source: s\n"), 6, "`as_of` must be a date"),
        (model("    prices:\n      - input: 1\n        output: 2\n        source: s\n"), 6, "missing `as_of`"),
        (model("    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: 2\n"), 6, "every price row needs a `source`"),
        (model("    prices:\n      - as_of: 2024-01-01\n        source: s\n        input: 1\n"), 6, "a price row needs both"),
        (model("    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: -2\n        source: s\n"), 8, "`output` must be a finite price"),
        (model("    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: 2e7\n        source: s\n"), 8, "`output` is above $1,000,000"),
        (model("    prices:\n      - as_of: 2024-01-01\n        input: 79000000000000000000000000000\n        output: 2\n        source: s\n"), 7, "`input` is above $1,000,000"),
        (model("    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: 2\n        source: s\n        batch_factor: 2\n"), 10, "batch_factor must be in (0, 1]"),
        // A tier block written before the row's own rates: the problem is in the block, not at the row's key.
        (model("    prices:\n      - as_of: 2024-01-01\n        priority:\n          input: -5\n        input: 1\n        output: 2\n        source: s\n"), 8, "`input` must be a finite price"),
        (model("    prices:\n      - as_of: 2024-01-01\n        batch: {input: -5}\n        input: 1\n        output: 2\n        source: s\n"), 7, "`input` must be a finite price"),
        (model("    prices:\n      - as_of: 2024-01-01\n        long_context:\n          above: 100\n          input: -5\n        input: 1\n        output: 2\n        source: s\n"), 9, "`input` must be a finite price"),
        (model("    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: 2\n        long_context:\n          - above: 500\n          - above: 100\n        source: s\n"), 11, "long-context levels must be listed"),
        (model("    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: 2\n        long_context:\n          input: 3\n        source: s\n"), 9, "`long_context` needs `above`"),
        // Estimates, profiles and plans.
        ("marginal:\n  - id: e\n    input: {low: 1, high: 2}\n    output: {low: 3, high: 1}\n    source: s\n    as_of: 2024-01-01\n".into(), 4, "`output` needs finite low <= high"),
        ("marginal:\n  - id: e\n    input: {low: 1, high: 2}\n    output: {low: 1, high: 3}\n    as_of: 2024-01-01\n".into(), 2, "estimate `e` needs a `source`"),
        ("profiles:\n  - id: p\n    source: s\n    calls: 0\n    base_prompt_tokens: 1\n    growth_tokens_per_call: 1\n    output_tokens_per_call: 1\n".into(), 4, "profile `p`: `calls` must be"),
        ("plans:\n  - id: p\n    as_of: 2024-01-01\n    source: s\n    monthly_usd: -1\n".into(), 5, "`monthly_usd` must be a finite amount"),
    ]
}

#[test]
fn every_kind_of_problem_names_its_line() {
    let mut wrong = Vec::new();
    for (text, line, start) in cases() {
        let p = problems_of(&text);
        let want = format!("user.yaml:{line}: {start}");
        if p.len() != 1 || !p[0].starts_with(&want) {
            wrong.push(format!("want `{want}...`, got {p:?} for\n{text}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn a_byte_order_mark_starts_a_file_like_any_other() {
    let text = format!("\u{feff}provider:\n  id: acme\n  nmae: x\nmodels:\n  - id: m\n    prices:\n{ROW}");
    assert_eq!(
        problems_of(&text),
        [
            "user.yaml:3: unknown field `nmae`, expected one of `id`, `name`, `note`, `batch_factor`, `estimate_ratio`, `illustrative`, `platform`"
        ]
    );
    assert!(
        problems_of(&format!(
            "\u{feff}provider:\n  id: acme\nmodels:\n  - id: m\n    prices:\n{ROW}"
        ))
        .is_empty()
    );
}
