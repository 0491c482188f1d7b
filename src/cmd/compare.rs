//! `tokencost compare`: what the same logged workload would have cost on other models, cheapest first.
//!
//! Each target re-reads the logs with every call priced on that model: text without usage is counted with the
//! target's tokenizer (exact for OpenAI encodings); reported usage is kept when the target counts tokens the same
//! way and is otherwise scaled by the tokenizers' ratios to o200k_base, and labelled as estimated.

use anyhow::{Result, bail};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::call::{GroupBy, Resolution};
use crate::config::CompareArgs;
use crate::diag::Diag;
use crate::engine::Engine;
use crate::error::Exit;
use crate::fmt::{thousands, usd, usd_range};
use crate::money::Usd;
use crate::output::Format;
use crate::output::table::{grid, right_align};
use crate::output::{with_output, write_json};
use crate::pricing::PriceTable;
use crate::report::{self, Row};

#[derive(Debug, Serialize)]
struct Ranked {
    /// `as logged` for the logs' own models, else the target model.
    model: String,
    /// Cost relative to the logs' own cost (1.0 = the same).
    relative_cost: Option<f64>,
    #[serde(flatten)]
    totals: Row,
}

fn run_once(table: &PriceTable, args: &CompareArgs, retarget: Option<usize>, diag: &mut Diag) -> Result<Row> {
    let mut engine = Engine::new(table, GroupBy::Model, args.threads)?;
    engine.retarget = retarget;
    let analysis = engine.run(&args.inputs, diag);
    Ok(report::build(&analysis, table, GroupBy::Model).totals)
}

pub fn run(table: &PriceTable, args: CompareArgs) -> Result<Exit> {
    let mut targets = Vec::new();
    for name in &args.models {
        match table.resolve(name) {
            Resolution::Found(i) => targets.push(i),
            Resolution::Ambiguous(c) => bail!("model `{name}` is ambiguous: {}", c.join(", ")),
            Resolution::Unknown => bail!("no price for model `{name}` (see `tokencost pricing list`)"),
        }
    }
    let mut diag = Diag::new(args.quiet);
    let logged = run_once(table, &args, None, &mut diag)?;
    // The logs are read once per target: their warnings were already shown.
    let mut quiet = Diag::new(true);
    let base = logged.cost_usd.0;
    let relative = |c: Decimal| (base > Decimal::ZERO).then(|| (c / base).to_f64()).flatten();
    let mut rows = vec![Ranked {
        model: "as logged".into(),
        relative_cost: relative(base),
        totals: logged,
    }];
    for t in targets {
        let totals = run_once(table, &args, Some(t), &mut quiet)?;
        rows.push(Ranked {
            model: table.model(t).full_id(),
            relative_cost: relative(totals.cost_usd.0),
            totals,
        });
    }
    rows.sort_by(|a, b| {
        a.totals
            .cost_usd
            .cmp(&b.totals.cost_usd)
            .then_with(|| a.model.cmp(&b.model))
    });
    with_output(None, |w| match args.format {
        Format::Json => write_json(w, &rows),
        Format::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record([
                "model",
                "relative_cost",
                "calls",
                "input_tokens",
                "cached_input_tokens",
                "cache_write_tokens",
                "output_tokens",
                "cost_usd",
                "marginal_cost_usd_low",
                "marginal_cost_usd_high",
                "estimated_calls",
            ])?;
            for r in &rows {
                let t = &r.totals;
                let o = |v: Option<Usd>| v.map(|u| u.to_string()).unwrap_or_default();
                c.write_record([
                    r.model.clone(),
                    r.relative_cost.map(|x| x.to_string()).unwrap_or_default(),
                    t.calls.to_string(),
                    t.input_tokens.to_string(),
                    t.cached_input_tokens.to_string(),
                    t.cache_write_tokens.to_string(),
                    t.output_tokens.to_string(),
                    t.cost_usd.to_string(),
                    o(t.marginal_cost_usd_low),
                    o(t.marginal_cost_usd_high),
                    t.estimated_calls.to_string(),
                ])?;
            }
            c.flush()?;
            Ok(())
        }
        // Markdown is offered by `analyze` only; these commands take table, CSV or JSON.
        Format::Table | Format::Markdown => {
            let mut t = grid([
                "model",
                "calls",
                "prompt tokens",
                "output tokens",
                "cost",
                "vs logged",
                "marginal (est.)",
                "estimated counts",
            ]);
            for r in &rows {
                let x = &r.totals;
                t.add_row([
                    r.model.clone(),
                    thousands(x.calls),
                    thousands(x.input_tokens + x.cached_input_tokens + x.cache_write_tokens),
                    thousands(x.output_tokens),
                    usd(x.cost_usd),
                    r.relative_cost.map_or("n/a".into(), |v| format!("{v:.2}x")),
                    usd_range(x.marginal_cost_usd_low, x.marginal_cost_usd_high),
                    format!("{} of {}", thousands(x.estimated_calls), thousands(x.calls)),
                ]);
            }
            right_align(&mut t, 1..8);
            writeln!(w, "{t}")?;
            writeln!(
                w,
                "Prices in force on each call's date. Token counts moved between tokenizers are estimates; cache and batch use are kept as logged."
            )?;
            Ok(())
        }
    })?;
    Ok(if diag.errors > 0 { Exit::Failure } else { Exit::Success })
}
