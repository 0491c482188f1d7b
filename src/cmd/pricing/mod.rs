//! `tokencost pricing list` and `tokencost pricing check`; `import` and `update` write price files.

mod import;
mod update;

pub use import::import;
pub use update::update;

use anyhow::Result;
use serde::Serialize;

use crate::config::ListConfig;
use crate::diag::Diag;
use crate::error::Exit;
use crate::fmt::{shown, thousands};
use crate::output;
use crate::output::view::{Cell, Column, Part, View};
use crate::pricing::{self, Model, PriceTable, Tokenizer};

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
    /// `given`, `derived` or `proxy`: where the estimate comes from.
    marginal_method: Option<&'static str>,
    /// What the estimate rests on: its source, or the serving model's architecture and assumptions.
    marginal_basis: Option<String>,
    source: String,
}

fn listed(m: &Model, table: &PriceTable) -> Listed {
    let est = table.marginal_for(m);
    let row = &m.prices[m.prices.len() - 1];
    let r = row.rates();
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
        long_context: (!row.long_context.is_empty()).then(|| {
            let levels: Vec<String> = row
                .long_context
                .iter()
                .map(|lc| {
                    let r = &lc.rates.standard;
                    format!("above {}: {}/{}", lc.above, r.input.normalize(), r.output.normalize())
                })
                .collect();
            levels.join("; ")
        }),
        tokenizer: match m.tokenizer {
            Tokenizer::Exact(e) => e.name().to_string(),
            Tokenizer::Estimate(r) => format!("estimate (o200k_base x {r})"),
        },
        context_window: m.context_window,
        marginal_estimate: est.map(|e| e.id.clone()),
        marginal_method: est.map(|e| e.method.name()),
        marginal_basis: est.map(|e| e.source.clone()),
        source: row.source.clone(),
    }
}

/// The listing as a view: CSV adds each row's source; `-` stands for a missing value in the table.
#[allow(clippy::ptr_arg)] // the Vec is the JSON document: a slice cannot be a `dyn Document`
fn view<'a>(rows: &'a Vec<Listed>, layers: &[String]) -> View<'a> {
    let mut v = View::new(
        vec![
            Column::both("provider", "provider"),
            Column::both("model", "model"),
            Column::both("as_of", "as of"),
            Column::both("input", "input").right(),
            Column::both("output", "output").right(),
            Column::both("cached_input", "cached").right(),
            Column::both("cache_write_5m", "write 5m").right(),
            Column::both("cache_write_1h", "write 1h").right(),
            Column::both("batch_factor", "batch").right(),
            Column::both("long_context", "long context"),
            Column::both("tokenizer", "tokenizer"),
            Column::both("marginal_estimate", "marginal est."),
            Column::both("marginal_method", "method"),
            Column::machine("marginal_basis"),
            Column::machine("source"),
        ],
        rows,
    );
    v.absent = "-";
    for r in rows {
        let text = |s: &str| Cell::text(s.to_string());
        v.rows.push(vec![
            text(&r.provider),
            text(&r.model),
            text(&r.as_of),
            text(&r.input),
            text(&r.output),
            text(&r.cached_input),
            text(&r.cache_write_5m),
            text(&r.cache_write_1h),
            text(&r.batch_factor),
            Cell::opt(r.long_context.as_deref(), text),
            text(&r.tokenizer),
            Cell::opt(r.marginal_estimate.as_deref(), text),
            Cell::opt(r.marginal_method, text),
            Cell::opt(r.marginal_basis.as_deref(), text),
            text(&r.source),
        ]);
    }
    v.tail.push(Part::line(
        "USD per 1M tokens, the newest row of each model; batch = fraction of list price paid in batch. --format json adds aliases, patterns and sources.",
    ));
    v.tail.push(Part::line(format!(
        "Price layers, later over earlier: {}.",
        layers.join(" + ")
    )));
    v
}

pub fn list(cfg: ListConfig) -> Result<Exit> {
    let rows: Vec<Listed> = cfg
        .table
        .models
        .iter()
        .filter(|m| cfg.provider.as_ref().is_none_or(|p| &m.provider == p))
        .map(|m| listed(m, &cfg.table))
        .collect();
    output::render(&view(&rows, &cfg.table.layers), cfg.format, &cfg.to)?;
    Ok(Exit::Success)
}

/// Problems `pricing check` prints before it only counts the rest: a table with a broken alias list can have a
/// problem for every pair of models, and a million lines help no one.
const CHECK_SHOWN: usize = 100;

pub fn check(paths: &[std::path::PathBuf]) -> Result<Exit> {
    match pricing::load(paths) {
        Ok(t) => {
            let line = format!(
                "ok: {} models from {} providers, {} marginal estimates ({})",
                t.models.len(),
                t.providers.len(),
                t.marginal.len(),
                t.layers.join(" + ")
            );
            output::with_output(&output::Destination::Stdout, |w| Ok(writeln!(w, "{}", shown(&line))?))?;
            let diag = Diag::new(false);
            for n in t.override_notes.iter().take(CHECK_SHOWN) {
                diag.warn(n);
            }
            if let Some(more) = t.override_notes.len().checked_sub(CHECK_SHOWN).filter(|n| *n > 0) {
                diag.warn(&format!("{} more raised prices not shown", thousands(more as u64)));
            }
            Ok(Exit::Success)
        }
        Err(problems) => {
            let diag = Diag::new(false);
            for p in problems.iter().take(CHECK_SHOWN) {
                diag.always(&p.to_string());
            }
            if problems.len() > CHECK_SHOWN {
                let more = (problems.len() - CHECK_SHOWN) as u64;
                diag.always(&format!("tokencost: {} more problems not shown", thousands(more)));
            }
            diag.always(&format!(
                "tokencost: {} problems in the price tables",
                thousands(problems.len() as u64)
            ));
            Ok(Exit::Failure)
        }
    }
}
