//! `tokencost compare`: what the same logged workload would have cost on other models, cheapest first.
//!
//! Each target re-reads the logs with every call priced on that model: text without usage is counted with the
//! target's tokenizer (exact for OpenAI encodings); reported usage is kept when the target counts tokens the same
//! way and is otherwise scaled by the tokenizers' ratios to o200k_base, and labelled as estimated.

use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::call::GroupBy;
use crate::config::{CompareArgs, priced_models};
use crate::diag::Diag;
use crate::engine::Engine;
use crate::error::Exit;
use crate::fmt::thousands;
use crate::output;
use crate::output::view::{Cell, Column, Digits, Part, Shown, View};
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
    Ok(report::build(&analysis, table, GroupBy::Model)?.totals)
}

pub fn run(table: &PriceTable, args: CompareArgs) -> Result<Exit> {
    super::refuse_output_over_input(&args.to, &args.inputs)?;
    let targets = priced_models(table, &args.models)?;
    let mut diag = Diag::new(args.quiet);
    let logged = run_once(table, &args, None, &mut diag)?;
    diag.finish();
    // The logs are read once per target: their warnings were already shown.
    let mut quiet = Diag::new(true);
    let base = logged.cost().0;
    let relative = |c: Decimal| report::ratio(c, base);
    let mut rows = vec![Ranked {
        model: "as logged".into(),
        relative_cost: relative(base),
        totals: logged,
    }];
    for &t in &targets {
        let totals = run_once(table, &args, Some(t), &mut quiet)?;
        rows.push(Ranked {
            model: table.model(t).full_id(),
            relative_cost: relative(totals.cost().0),
            totals,
        });
    }
    rows.sort_by(|a, b| {
        a.totals
            .cost()
            .cmp(&b.totals.cost())
            .then_with(|| a.model.cmp(&b.model))
    });
    let mut v = view(&rows);
    v.tail.extend(super::self_hosted_notes(table, &targets));
    output::render(&v, args.format, &args.to)?;
    Ok(if diag.errors > 0 { Exit::Failure } else { Exit::Success })
}

/// The ranking as a view: CSV has the token buckets and the ratio's digits, the table reads the prompt as one sum.
#[allow(clippy::ptr_arg)] // the Vec is the JSON document: a slice cannot be a `dyn Document`
fn view(rows: &Vec<Ranked>) -> View<'_> {
    let mut v = View::new(
        vec![
            Column::both("model", "model"),
            Column::machine("relative_cost"),
            Column::both("calls", "calls").right(),
            Column::machine("input_tokens"),
            Column::machine("cached_input_tokens"),
            Column::machine("cache_write_tokens"),
            Column::human("prompt tokens").right(),
            Column::both("output_tokens", "output tokens").right(),
            Column::both("cost_usd", "cost").right(),
            Column::human("vs logged").right(),
            Column::both("marginal_cost_usd", "marginal (est.)").right().pair(),
            Column::machine("estimated_calls"),
            Column::human("estimated counts").right(),
        ],
        rows,
    );
    for r in rows {
        let t = &r.totals;
        let relative = |shown| Cell::opt(r.relative_cost, |x| Cell::Float(x, shown, Digits::Ratio));
        v.rows.push(vec![
            Cell::text(r.model.as_str()),
            relative(Shown::Plain),
            Cell::Int(t.calls),
            Cell::Int(t.input_tokens),
            Cell::Int(t.cached_input_tokens),
            Cell::Int(t.cache_write_tokens),
            Cell::Int(
                t.input_tokens
                    .saturating_add(t.cached_input_tokens)
                    .saturating_add(t.cache_write_tokens),
            ),
            Cell::Int(t.output_tokens),
            Cell::opt(t.cost_usd, Cell::Usd),
            relative(Shown::Times(2)),
            Cell::range(
                Cell::opt(t.marginal_cost_usd_low, Cell::Usd),
                Cell::opt(t.marginal_cost_usd_high, Cell::Usd),
            ),
            Cell::Int(t.estimated_calls),
            Cell::text(format!("{} of {}", thousands(t.estimated_calls), thousands(t.calls))),
        ]);
    }
    v.tail.push(Part::line(
        "Prices in force on each call's date. Token counts moved between tokenizers are estimates; cache and batch use are kept as logged.",
    ));
    v
}
