//! `tokencost sql`: every dialect generates a script; every line ending in `;` ends a statement and no other
//! does, even with price sources that carry `;`, quotes and line breaks; the price rows of a hand-made table are
//! the per-token rates worked out by hand; an unpriced call is NULL in the view, never 0; a pattern that cannot be
//! matched in every engine is refused with a message naming it. The engines themselves run the scripts in
//! `tests/sql_engines.rs`.

mod common;

use common::tokencost;

const PRICES: &str = "fixtures/sql/prices.yaml";

fn script(dialect: &str, extra: &[&str]) -> String {
    let out = tokencost()
        .args(["sql", "--dialect", dialect, "--pricing", PRICES])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{dialect}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The statements of a script split as a client splits it: at each line ending in `;`.
fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in script.lines() {
        cur.push(line);
        if line.ends_with(';') {
            let body: Vec<&str> = cur.iter().filter(|l| !l.starts_with("--")).copied().collect();
            out.push(body.join("\n").trim().to_string());
            cur.clear();
        }
    }
    assert!(
        cur.iter().all(|l| l.trim().is_empty() || l.starts_with("--")),
        "text after the last statement: {cur:?}"
    );
    out
}

/// Every statement starts with one of the script's own keywords: a split inside a literal would leave a piece
/// starting with data instead.
fn check_split(dialect: &str, s: &str) -> Vec<String> {
    let all = statements(s);
    for st in &all {
        assert!(
            ["CREATE ", "INSERT INTO ", "DROP "].iter().any(|k| st.starts_with(k)),
            "{dialect}: a piece that is no statement: {:?}",
            &st[..st.len().min(120)]
        );
        assert_eq!(
            st.matches(";\n").count(),
            0,
            "{dialect}: a `;` line inside {:?}",
            &st[..80]
        );
    }
    // One statement per start: every CREATE/INSERT/DROP at the start of a line is a new statement.
    let starts = s
        .lines()
        .filter(|l| ["CREATE ", "INSERT INTO ", "DROP "].iter().any(|k| l.starts_with(k)))
        .count();
    assert_eq!(starts, all.len(), "{dialect}");
    all
}

#[test]
fn every_dialect_generates_and_splits_on_line_ends() {
    for dialect in ["duckdb", "clickhouse", "spark", "postgres"] {
        let s = script(dialect, &[]);
        assert!(s.starts_with("-- tokencost prices for "), "{dialect}");
        let all = check_split(dialect, &s);
        let view = all.last().unwrap();
        assert!(view.contains("tokencost_call_costs AS"), "{dialect}");
        // The view reads the calls' identifying and token columns, never the export's cost columns.
        for col in ["cost_usd", "marginal_cost_usd_low", "price_as_of", "priced"] {
            let quoted = if matches!(dialect, "duckdb" | "postgres") {
                format!("c.\"{col}\"")
            } else {
                format!("c.`{col}`")
            };
            assert!(!view.contains(&quoted), "{dialect}: the view reads {col}");
        }
        // Every table the view reads is created and filled before it.
        for t in [
            "tokencost_providers",
            "tokencost_routes",
            "tokencost_estimates",
            "tokencost_models",
            "tokencost_prices",
            "tokencost_names",
            "tokencost_patterns",
        ] {
            let created = all.iter().position(|st| {
                st.starts_with(&format!("CREATE TABLE {t} ("))
                    || st.starts_with(&format!("CREATE OR REPLACE TEMPORARY VIEW {t} AS"))
            });
            assert!(created.is_some(), "{dialect}: {t} is not created");
            assert!(view.contains(t), "{dialect}: the view does not read {t}");
        }
    }
}

#[test]
fn sources_with_semicolons_quotes_and_line_breaks_stay_inside_their_statement() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.yaml");
    std::fs::write(
        &path,
        "provider:\n  id: hostile\nmodels:\n  - id: o'brien;\n    aliases: [\"semi;\"]\n    tokenizer: o200k_base\n    \
         prices:\n      - as_of: 2025-01-01\n        input: 1\n        output: 2\n        \
         source: \"line one;\\nline two; DROP TABLE x;\\n\\\\';\"\n",
    )
    .unwrap();
    for dialect in ["duckdb", "clickhouse", "spark", "postgres"] {
        let s = script(dialect, &["--pricing", path.to_str().unwrap()]);
        check_split(dialect, &s);
        assert!(s.contains("'o''brien;'"), "{dialect}: the id is not one quoted literal");
    }
}

#[test]
fn price_rows_are_the_per_token_rates_worked_by_hand() {
    let s = script("duckdb", &[]);
    let model_key = s
        .lines()
        .find(|l| l.contains(", 'acme', 'acme-large', "))
        .and_then(|l| l.strip_prefix('('))
        .and_then(|l| l.split(',').next())
        .expect("acme-large in tokencost_models")
        .to_string();
    let rows: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with(&format!("({model_key}, ")) && l.contains("'20"))
        .collect();
    // Two dated rows: the first with no long-context level (4 tiers), the second with one (2 levels x 4 tiers).
    assert_eq!(rows.len(), 4 + 8, "{rows:#?}");
    let k = &model_key;
    // 2025-01-01, from any earlier day (NULL) until 2025-06-01 = day 20240 (19723 days to 2024-01-01, + 366 + 151).
    // Standard: $2, $0.2, $2.5, $4, $8 per 1M = 0.000002, 0.0000002, 0.0000025, 0.000004, 0.000008 a token.
    assert!(
        rows.contains(
            &format!(
                "({k}, 0, '2025-01-01', NULL, 20240, false, 0, NULL, NULL, 'standard', 0.000002, 0.0000002, 0.0000025, \
             0.000004, 0.000008),"
            )
            .as_str()
        )
    );
    // Batch at the provider's 0.5 on every bucket: 0.000001, 0.0000001, 0.00000125, 0.000002, 0.000004.
    assert!(
        rows.contains(
            &format!(
                "({k}, 0, '2025-01-01', NULL, 20240, false, 0, NULL, NULL, 'batch', 0.000001, 0.0000001, 0.00000125, \
             0.000002, 0.000004),"
            )
            .as_str()
        )
    );
    // 2025-06-01, the newest, below 100,000 prompt tokens, priority: $1.5 input, $0.15 cached, $6 output; the cache
    // writes it leaves out are the standard ones ($1.25, $2).
    assert!(rows.iter().any(|r| r.starts_with(&format!(
        "({k}, 1, '2025-06-01', 20240, NULL, true, 0, NULL, 100000, 'priority', 0.0000015, 0.00000015, 0.00000125, \
         0.000002, 0.000006)"
    ))));
    // Above 100,000 prompt tokens, standard: $2, $0.2, and output $6; cache writes as the row's ($1.25, $2).
    assert!(rows.iter().any(|r| r.starts_with(&format!(
        "({k}, 1, '2025-06-01', 20240, NULL, true, 1, 100000, NULL, 'standard', 0.000002, 0.0000002, 0.00000125, \
         0.000002, 0.000006)"
    ))));
    // A flex call is billed at the standard rates where the row sells no flex tier.
    assert!(rows.iter().any(|r| r.starts_with(&format!(
        "({k}, 1, '2025-06-01', 20240, NULL, true, 0, NULL, 100000, 'flex', 0.000001, 0.0000001, 0.00000125, \
         0.000002, 0.000004)"
    ))));
}

#[test]
fn unpriced_calls_are_null_in_the_view_never_zero() {
    for dialect in ["duckdb", "clickhouse", "spark", "postgres"] {
        let s = script(dialect, &[]);
        let view = statements(&s).pop().unwrap();
        let (_, unpriced) = view.rsplit_once("UNION ALL").unwrap();
        assert!(unpriced.contains("WHERE w.model_key IS NULL"), "{dialect}");
        // Cost and both marginal costs of the unpriced branch are typed NULLs.
        assert_eq!(unpriced.matches("CAST(NULL AS ").count(), 9, "{dialect}: {unpriced}");
        assert!(!view.contains("COALESCE(w.cost_usd") && !view.contains("ifNull(w.cost_usd"));
    }
}

#[test]
fn the_view_for_duckdb() {
    let s = script("duckdb", &[]);
    insta::assert_snapshot!(statements(&s).pop().unwrap());
}

#[test]
fn a_pattern_no_engine_can_match_alike_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.yaml");
    std::fs::write(
        &path,
        "provider:\n  id: odd\nmodels:\n  - id: odd-1\n    patterns: [\"odd-[1]*\"]\n    tokenizer: o200k_base\n    \
         prices:\n      - as_of: 2025-01-01\n        input: 1\n        output: 2\n        source: test\n",
    )
    .unwrap();
    let out = tokencost()
        .args(["sql", "--dialect", "duckdb", "--pricing", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the pattern `odd-[1]*` of odd/odd-1"), "{err}");
}
