//! The scripts of `tokencost sql` run in real engines: DuckDB, ClickHouse (chDB, its engine in-process) and Spark
//! SQL (pyspark in local mode), through `tests/sql/engine.py`. Each loads the `--by call` CSV export of the
//! fixtures in `fixtures/sql/` with its own type inference, runs the script, and must give, call by call, the
//! price row, tier and cost tokencost gives, NULL for the unpriced call, and a total equal to tokencost's own to
//! the last digit.
//!
//! The engines come from the Python named by `TOKENCOST_SQL_PYTHON` (a virtual environment with the pinned
//! `tests/sql/requirements.txt`; `.ci/run` makes one). Without it the test says loudly that it is skipped and
//! passes, unless `TOKENCOST_REQUIRE_SQL_ENGINES=1`, as CI sets once it has installed them.

mod common;

use common::tokencost;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;

const PRICES: &str = "fixtures/sql/prices.yaml";
const FIXTURES: &str = "fixtures/sql";
/// The fixtures' `--by call` CSV export (`extra`: more global flags), as this build writes it.
fn export(extra: &[&str]) -> Vec<u8> {
    let out = tokencost()
        .args(extra)
        .args([
            "analyze",
            FIXTURES,
            "--pricing",
            PRICES,
            "--by",
            "call",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The export written to `dir`, for an engine to load as `tokencost_calls`.
fn calls_csv(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("calls.csv");
    std::fs::write(&path, export(&[])).unwrap();
    path
}

fn required() -> bool {
    std::env::var("TOKENCOST_REQUIRE_SQL_ENGINES").as_deref() == Ok("1")
}

fn skip(why: &str) {
    if required() {
        panic!("TOKENCOST_REQUIRE_SQL_ENGINES=1 but {why}");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: the SQL scripts were not run in DuckDB, ClickHouse and Spark: {why}.\n\
         Set TOKENCOST_SQL_PYTHON to the Python of a virtual environment with tests/sql/requirements.txt.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}

fn python() -> Option<PathBuf> {
    match std::env::var_os("TOKENCOST_SQL_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            skip("TOKENCOST_SQL_PYTHON is not set");
            None
        }
    }
}

/// Whether the engine's Python package imports; a panic when CI requires it.
fn has_engine(python: &PathBuf, module: &str) -> bool {
    let ok = Command::new(python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(&format!("`import {module}` fails in {}", python.display()));
    }
    ok
}

/// A decimal as text, without trailing zeros: how two engines' exact figures compare.
fn exact(s: &str) -> String {
    Decimal::from_str(s)
        .unwrap_or_else(|e| panic!("{s:?} is no decimal: {e}"))
        .normalize()
        .to_string()
}

/// tokencost's own figures: per call (by its `call` key) the cost, and the TOTAL row's cost.
fn tokencost_figures() -> (BTreeMap<String, String>, String) {
    let text = String::from_utf8(export(&["--total-row"])).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (call, cost) = (col("call"), col("cost_usd"));
    let mut per_call = BTreeMap::new();
    let mut total = None;
    for r in rows.records() {
        let r = r.unwrap();
        if &r[call] == "TOTAL" {
            total = Some(exact(&r[cost]));
        } else if !r[cost].is_empty() {
            per_call.insert(r[call].to_string(), exact(&r[cost]));
        }
    }
    (per_call, total.expect("a TOTAL row"))
}

fn run_engine(python: &PathBuf, engine: &str, dialect: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join(format!("{dialect}.sql"));
    let out = tokencost()
        .args(["sql", "--dialect", dialect, "--pricing", PRICES, "-o"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(python)
        .arg("tests/sql/engine.py")
        .arg(engine)
        .arg(&script)
        .arg(calls_csv(dir.path()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{engine}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("{engine}: {} s in the engine", doc["seconds"]);
    doc
}

fn check(engine: &str, doc: &serde_json::Value) {
    let (per_call, total) = tokencost_figures();
    // Worked by hand from fixtures/sql/prices.yaml and the bundled GPT-4o rows (USD per 1M tokens):
    //  1  2025-03-01, the first row: 1000x2 + 2000x0.2 + 400x2.5 + 100x4 + 500x8 = 7800      -> 0.0078
    //  2  a pattern's name, 2025-07-02, the second row: 1000x1 + 500x4 = 3000               -> 0.003
    //  3  prompt 110,000 > 100,000, the whole call at the long-context level:
    //     90000x2 + 20000x0.2 + 1000x6 = 190000                                             -> 0.19
    //  4  batch at 0.5: 10000x0.5 + 2000x2 = 9000                                           -> 0.009
    //  5  no timestamp, the newest row: 1000x1 + 100x4 = 1400                               -> 0.0014
    //  6  2024-06-01, before every row, the first: 1000x2 + 100x8 = 2800                    -> 0.0028
    //  7  mystery-model-9: no price                                                         -> NULL
    //  8  gpt-4o 2024-06-01 at $5/$15: 5000 + 1500                                          -> 0.0065
    //  9  openai/gpt-4o 2024-11-01 at $2.50/$10: 2500 + 1000                                -> 0.0035
    // 10  2025-06-01T00:30+02:00 is 2025-05-31 in UTC: the first row, 2800                  -> 0.0028
    // 11  2025-06-01T00:00Z: the second row, 1400                                           -> 0.0014
    //  r  gpt-4o priority on 2026-11-25: 6000x4.25 + 4000x2.125 + 500x17 = 42500             -> 0.0425
    // Total: 0.0078+0.003+0.19+0.009+0.0014+0.0028+0.0065+0.0035+0.0028+0.0014+0.0425 = 0.2707
    assert_eq!(total, "0.2707", "tokencost's own total");
    assert_eq!(
        exact(doc["total"].as_str().unwrap()),
        total,
        "{engine}: the sum of cost_usd"
    );
    assert_eq!(doc["rows"], 12, "{engine}");
    let calls = doc["calls"].as_array().unwrap();
    let mut priced = 0;
    for c in calls {
        let key = c["call"].as_str().unwrap();
        match per_call.get(key) {
            Some(want) => {
                let got = c["cost_usd"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{engine}: {key} unpriced: {c}"));
                assert_eq!(&exact(got), want, "{engine}: {key}");
                priced += 1;
            }
            None => {
                assert_eq!(key, "fixtures/sql/calls.jsonl:7", "{engine}");
                assert!(
                    c["cost_usd"].is_null(),
                    "{engine}: {key} must be NULL, is {}",
                    c["cost_usd"]
                );
                assert!(
                    c["marginal_low"].is_null() && c["marginal_high"].is_null(),
                    "{engine}: {c}"
                );
                assert_eq!(c["unpriced_reason"], "unknown", "{engine}");
            }
        }
    }
    assert_eq!(priced, per_call.len(), "{engine}: every call tokencost priced");
    let by_key = |k: &str| calls.iter().find(|c| c["call"] == k).unwrap();
    let row = |k: &str| {
        let c = by_key(k);
        (
            c["price_as_of"].as_str().unwrap().to_string(),
            c["billed_tier"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        row("fixtures/sql/calls.jsonl:1"),
        ("2025-01-01".into(), "standard".into()),
        "{engine}"
    );
    assert_eq!(
        row("fixtures/sql/calls.jsonl:4"),
        ("2025-06-01".into(), "batch".into()),
        "{engine}"
    );
    assert_eq!(
        row("fixtures/sql/calls.jsonl:10"),
        ("2025-01-01".into(), "standard".into()),
        "{engine}"
    );
    assert_eq!(
        row("fixtures/sql/responses.jsonl:1"),
        ("2026-11-20".into(), "priority".into()),
        "{engine}"
    );
    assert_eq!(
        by_key("fixtures/sql/calls.jsonl:9")["resolved_model"],
        "gpt-4o",
        "{engine}"
    );
    // Marginal estimates, GPT-4o's only (acme names none): $0.30-0.50 input and $0.42-1.60 output per 1M, a cached
    // token at 0-0.1 of the input figure. Calls 8 and 9: 1000x0.3 + 100x0.42 = 342 and 1000x0.5 + 100x1.6 = 660
    // each; the priority call: 6000x0.3 + 4000x0 + 500x0.42 = 2010 and 6000x0.5 + 4000x0.05 + 500x1.6 = 4000.
    // Low 342+342+2010 = 2694 -> 0.002694; high 660+660+4000 = 5320 -> 0.00532.
    let (low, high) = tokencost_marginal();
    assert_eq!(
        (low.as_str(), high.as_str()),
        ("0.002694", "0.00532"),
        "tokencost's own marginal totals"
    );
    assert_eq!(exact(doc["marginal_low"].as_str().unwrap()), low, "{engine}");
    assert_eq!(exact(doc["marginal_high"].as_str().unwrap()), high, "{engine}");
}

/// tokencost's total marginal cost, low and high, from its JSON report (written with every digit).
fn tokencost_marginal() -> (String, String) {
    let out = tokencost()
        .args(["analyze", FIXTURES, "--pricing", PRICES, "--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| {
        let at = text.find(&format!("\"{name}\": ")).unwrap() + name.len() + 4;
        let end = text[at..].find([',', '\n']).unwrap();
        exact(&text[at..at + end])
    };
    (field("marginal_cost_usd_low"), field("marginal_cost_usd_high"))
}

#[test]
fn duckdb_clickhouse_and_spark_price_the_fixtures_as_tokencost_does() {
    let Some(python) = python() else { return };
    for (engine, module, dialect) in [
        ("duckdb", "duckdb", "duckdb"),
        ("clickhouse", "chdb", "clickhouse"),
        ("spark", "pyspark", "spark"),
    ] {
        if has_engine(&python, module) {
            let doc = run_engine(&python, engine, dialect);
            check(engine, &doc);
        }
    }
}
