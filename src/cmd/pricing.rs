//! `tokencost pricing list` and `tokencost pricing check`.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{FormatArg, PricingArgs};
use crate::config::price_table;
use crate::error::Exit;
use crate::output::table::{grid, right_align};
use crate::output::{with_output, write_json};
use crate::pricing::{self, Model, Tokenizer};

/// One model's current price row, as listed.
#[derive(Serialize)]
struct Listed {
    provider: String,
    model: String,
    aliases: Vec<String>,
    patterns: Vec<String>,
    as_of: String,
    input: String,
    output: String,
    cached_input: String,
    cache_write_5m: String,
    cache_write_1h: String,
    batch_factor: String,
    long_context: Option<String>,
    tokenizer: String,
    context_window: Option<u64>,
    marginal_estimate: Option<String>,
    source: String,
}

const CSV_HEADER: [&str; 13] = [
    "provider",
    "model",
    "as_of",
    "input",
    "output",
    "cached_input",
    "cache_write_5m",
    "cache_write_1h",
    "batch_factor",
    "long_context",
    "tokenizer",
    "marginal_estimate",
    "source",
];
const TABLE_HEADER: [&str; 12] = [
    "provider",
    "model",
    "as of",
    "input",
    "output",
    "cached",
    "write 5m",
    "write 1h",
    "batch",
    "long context",
    "tokenizer",
    "marginal est.",
];

impl Listed {
    /// The fields both listings show, in order; `none` stands for an absent value.
    fn cells(&self, none: &str) -> Vec<String> {
        vec![
            self.provider.clone(),
            self.model.clone(),
            self.as_of.clone(),
            self.input.clone(),
            self.output.clone(),
            self.cached_input.clone(),
            self.cache_write_5m.clone(),
            self.cache_write_1h.clone(),
            self.batch_factor.clone(),
            self.long_context.clone().unwrap_or_else(|| none.to_string()),
            self.tokenizer.clone(),
            self.marginal_estimate.clone().unwrap_or_else(|| none.to_string()),
        ]
    }
}

fn listed(m: &Model) -> Listed {
    let row = &m.prices[m.prices.len() - 1];
    let r = &row.rates;
    Listed {
        provider: m.provider.clone(),
        model: m.id.clone(),
        aliases: m.aliases.clone(),
        patterns: m.patterns.clone(),
        as_of: row.as_of.to_string(),
        input: r.input.normalize().to_string(),
        // An illustrative source may give no output price: never shown as a zero.
        output: if row.output_listed {
            r.output.normalize().to_string()
        } else {
            "n/a".into()
        },
        cached_input: r.cached_input.normalize().to_string(),
        cache_write_5m: r.cache_write_5m.normalize().to_string(),
        cache_write_1h: r.cache_write_1h.normalize().to_string(),
        batch_factor: row.batch_factor.normalize().to_string(),
        long_context: row.long_context.as_ref().map(|lc| {
            format!(
                "above {}: {}/{}",
                lc.above,
                lc.rates.input.normalize(),
                lc.rates.output.normalize()
            )
        }),
        tokenizer: match m.tokenizer {
            Tokenizer::Exact(e) => e.name().to_string(),
            Tokenizer::Estimate(r) => format!("estimate (o200k_base x {r})"),
        },
        context_window: m.context_window,
        marginal_estimate: m.marginal.clone(),
        source: row.source.clone(),
    }
}

pub fn list(provider: Option<String>, format: FormatArg, args: &PricingArgs) -> Result<Exit> {
    let table = price_table(args)?;
    let rows: Vec<Listed> = table
        .models
        .iter()
        .filter(|m| provider.as_ref().is_none_or(|p| &m.provider == p))
        .map(listed)
        .collect();
    if rows.is_empty() && provider.is_some() {
        let known: Vec<&String> = table.providers.keys().collect();
        anyhow::bail!(
            "no provider `{}`; known: {}",
            provider.unwrap_or_default(),
            known.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    with_output(None, |w| match format {
        FormatArg::Json => write_json(w, &rows),
        FormatArg::Csv => {
            let mut out = csv::Writer::from_writer(w);
            out.write_record(CSV_HEADER)?;
            for r in &rows {
                let mut cells = r.cells("");
                cells.push(r.source.clone());
                out.write_record(cells)?;
            }
            out.flush()?;
            Ok(())
        }
        FormatArg::Table => {
            let mut t = grid(TABLE_HEADER);
            for r in &rows {
                t.add_row(r.cells("-"));
            }
            right_align(&mut t, 3..9);
            writeln!(w, "{t}")?;
            writeln!(
                w,
                "USD per 1M tokens, the newest row of each model; batch = fraction of list price paid in batch. --format json adds aliases, patterns and sources."
            )?;
            Ok(())
        }
    })?;
    Ok(Exit::Success)
}

pub fn check(paths: &[std::path::PathBuf]) -> Result<Exit> {
    match pricing::load(paths) {
        Ok(t) => {
            println!(
                "ok: {} models from {} providers, {} marginal estimates ({})",
                t.models.len(),
                t.providers.len(),
                t.marginal.len(),
                t.layers.join(" + ")
            );
            Ok(Exit::Success)
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("tokencost: {} problems in the price tables", problems.len());
            Ok(Exit::Failure)
        }
    }
}
