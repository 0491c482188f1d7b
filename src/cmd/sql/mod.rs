//! `tokencost sql --dialect ENGINE`: a self-contained SQL script that puts tokencost's prices, name resolution and
//! marginal estimates into tables and prices the rows of `tokencost_calls` in the view `tokencost_call_costs`, so
//! that calls kept in a warehouse are priced where they are, by tokencost's rules.
//!
//! `tables.rs` works out the tables' rows from the loaded price table, `view.rs` writes the view, `dialect.rs`
//! holds what differs between engines. Every statement ends with `;` at the end of a line and no other line does,
//! so a client may split the script on such lines.

mod dialect;
mod tables;
mod view;

use anyhow::Result;
use std::fmt::Write as _;

use crate::config::SqlConfig;
use crate::error::Exit;
use crate::output::with_output;
use crate::pricing::PriceTable;
use dialect::{Dialect, Type};
use tables::{Table, Value};

pub use view::CALL_COLUMNS;

/// Rows per INSERT statement: large enough to load quickly, small enough for every engine's parser.
const ROWS_PER_INSERT: usize = 500;

pub fn run(table: &PriceTable, cfg: SqlConfig) -> Result<Exit> {
    let text = script(table, cfg.dialect.into())?;
    with_output(&cfg.to, |w| Ok(w.write_all(text.as_bytes())?))?;
    Ok(Exit::Success)
}

/// The whole script for one engine.
fn script(table: &PriceTable, d: Dialect) -> Result<String> {
    let t = tables::build(table)?;
    let mut out = header(table, d, &t);
    if let Some(stmt) = d.drop("VIEW", "tokencost_call_costs") {
        out.push_str(&stmt);
        out.push_str("\n\n");
    }
    if d != Dialect::Spark {
        let cols: Vec<(&str, Type)> = view::CALL_COLUMNS.iter().map(|c| (*c, Type::Text)).collect();
        let create = d.create_table("tokencost_calls", &cols);
        let quoted = create.replacen("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1);
        // The export's column names, quoted: some are keywords.
        let quoted = CALL_COLUMNS.iter().fold(quoted, |s, c| {
            s.replace(&format!("    {c} "), &format!("    {} ", d.ident(c)))
        });
        out.push_str(&quoted);
        out.push_str("\n\n");
    }
    for table in &t.tables {
        let scale = match table.name {
            "tokencost_models" => t.marginal_scale,
            _ => t.rate_scale,
        };
        fill(&mut out, d, table, scale);
    }
    out.push_str(&view::view(d, t.rate_scale, t.marginal_scale));
    out.push('\n');
    Ok(out)
}

/// What the script is, how to load `tokencost_calls`, and what it does not reproduce.
fn header(table: &PriceTable, d: Dialect, t: &tables::Tables) -> String {
    let mut h = String::new();
    // A comment line ending in `;` would end a statement for a client that splits the script: no line may.
    let mut line = |s: &str| {
        debug_assert!(!s.ends_with(';'), "{s}");
        let _ = if s.is_empty() {
            writeln!(h, "--")
        } else {
            writeln!(h, "-- {s}")
        };
    };
    line(&format!(
        "tokencost prices for {}, written by `tokencost sql`.",
        d.name()
    ));
    // A path may hold any character: a line break in one would end the comment.
    let layers: String = (table.layers.join(", ").chars())
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    line(&format!("Price layers: {layers}."));
    line("");
    line("Tables: tokencost_providers, tokencost_models (with marginal estimates, USD per token), tokencost_prices");
    line("(every dated row at every long-context level and service tier, USD per token), tokencost_names (names");
    line("resolved by tokencost itself) and tokencost_patterns (`*` patterns, most literal characters first,");
    line("first-party providers before platforms). The view tokencost_call_costs prices each row of tokencost_calls,");
    line("which has the columns of `tokencost analyze FILES --by call --format csv`, from its timestamp, provider,");
    line("model, batch, service_tier and token columns only. A call whose model has no price gets a NULL cost and");
    line("an unpriced_reason, never 0. Marginal costs are estimates (marginal_method, marginal_basis).");
    line("As in the export, cache_write_tokens counts every cache write and cache_write_1h_tokens the 1-hour part,");
    line("input_tokens is fresh input only, cached_input_tokens the cache reads.");
    line("");
    match d {
        Dialect::Duckdb => {
            line("Load the export first, or insert into the table this script creates:");
            line("  CREATE TABLE tokencost_calls AS SELECT * FROM read_csv('calls.csv', all_varchar = true)");
        }
        Dialect::Clickhouse => {
            line("Insert the export into the table this script creates, e.g. with clickhouse-client:");
            line("  INSERT INTO tokencost_calls SELECT * FROM file('calls.csv', CSVWithNames)");
        }
        Dialect::Spark => {
            line("Tables are temporary views. Register the export as tokencost_calls before running this script:");
            line("  CREATE TEMPORARY VIEW tokencost_calls USING csv OPTIONS (path 'calls.csv', header 'true')");
        }
        Dialect::Postgres => {
            line("Insert the export into the table this script creates, e.g. with psql:");
            line("  \\copy tokencost_calls FROM 'calls.csv' WITH (FORMAT csv, HEADER true)");
        }
    }
    line("");
    line("Timestamps are read at their own offset (RFC 3339); one without an offset, or a column the engine read as");
    line("a timestamp, is read in the session's time zone: use UTC sessions for tokencost's dates.");
    line("Not reproduced in SQL: a name neither listed in tokencost_names nor matched by a pattern is unpriced.");
    line("tokencost_names lists every id and alias, with dotted versions, Bedrock regions and provider prefixes");
    line("(openai/, together_ai/, ...), as tokencost resolves them; other cloud name forms (ARNs, Vertex paths and");
    line("@dates, Fireworks paths) and names with a `/`, `@` or `:` are not matched by pattern, while tokencost");
    line("resolves them by its rules. Rows are priced as they are: copies of one response are not de-duplicated.");
    line(&format!(
        "Costs carry {} digits after the point, exactly; marginal costs {}{}.",
        t.rate_scale,
        t.marginal_scale,
        if t.marginal_rounded {
            " (the per-token estimates rounded to that)"
        } else {
            ", exactly"
        }
    ));
    h.push('\n');
    h
}

/// Creates one table and fills it; in Spark, a temporary view over its values.
fn fill(out: &mut String, d: Dialect, table: &Table, scale: u32) {
    let cols: Vec<(&str, Type)> = (table.cols.iter())
        .map(|(c, t)| match t {
            Type::Decimal(_) => (*c, Type::Decimal(scale)),
            t => (*c, *t),
        })
        .collect();
    let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
    if d == Dialect::Spark {
        let select: Vec<String> = (cols.iter())
            .map(|(c, t)| format!("CAST({c} AS {}) AS {c}", d.ty(*t)))
            .collect();
        let _ = write!(
            out,
            "CREATE OR REPLACE TEMPORARY VIEW {} AS\nSELECT {}\n",
            table.name,
            select.join(", ")
        );
        let rows: Vec<String> = table.rows.iter().map(|r| row(d, r)).collect();
        if rows.is_empty() {
            // VALUES needs a row: one of NULLs, filtered out.
            let nulls = vec!["NULL"; names.len()].join(", ");
            let _ = writeln!(out, "FROM VALUES ({nulls}) AS v({}) WHERE false;\n", names.join(", "));
        } else {
            let _ = writeln!(out, "FROM VALUES\n{}\nAS v({});\n", rows.join(",\n"), names.join(", "));
        }
        return;
    }
    if let Some(stmt) = d.drop("TABLE", table.name) {
        out.push_str(&stmt);
        out.push('\n');
    }
    out.push_str(&d.create_table(table.name, &cols));
    out.push('\n');
    for chunk in table.rows.chunks(ROWS_PER_INSERT) {
        let rows: Vec<String> = chunk.iter().map(|r| row(d, r)).collect();
        let _ = writeln!(
            out,
            "INSERT INTO {} ({}) VALUES\n{};",
            table.name,
            names.join(", "),
            rows.join(",\n")
        );
    }
    out.push('\n');
}

fn row(d: Dialect, r: &[Value]) -> String {
    let cells: Vec<String> = r
        .iter()
        .map(|v| match v {
            Value::Null => "NULL".to_string(),
            Value::Text(s) => d.string(s),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Dec(x) => x.normalize().to_string(),
        })
        .collect();
    format!("({})", cells.join(", "))
}
