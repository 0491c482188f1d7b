//! `tokencost project`: what an agent session will cost on each model before it runs, per session and per month,
//! beside its estimated marginal cost, and the break-even against a flat-rate plan.

mod view;

use view::view;

use anyhow::{Result, bail};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::call::GroupBy;
use crate::config::{ProjectArgs, ShapeSource, plan, priced_models};
use crate::diag::Diag;
use crate::engine::Engine;
use crate::error::{Exit, TooLarge};
use crate::fmt::count_of;
use crate::money::Usd;
use crate::output;
use crate::pricing::PriceTable;
use crate::project::{Fitted, Shape, fit, project};
use crate::report::{plan_range, ratio};

#[derive(Debug, Serialize)]
struct Row {
    model: String,
    /// `p50` or `p90` for fitted shapes, else `given`.
    shape: &'static str,
    price_as_of: String,
    input_tokens: u64,
    cached_input_tokens: u64,
    cache_write_tokens: u64,
    output_tokens: u64,
    cost_usd_per_session: Usd,
    marginal_cost_usd_low: Option<Usd>,
    marginal_cost_usd_high: Option<Usd>,
    markup_low: Option<f64>,
    markup_high: Option<f64>,
    cost_usd_per_month: Option<Usd>,
    /// Sessions a month from which the plan's flat rate is cheaper than list prices (null: never).
    plan_break_even_sessions: Option<f64>,
    /// Where the plan's included usage runs out, if it includes only so much.
    plan_cheaper_until_sessions: Option<f64>,
    /// The session's cost after each number of calls, sampled, for the HTML report's chart; not in JSON or CSV.
    #[serde(skip)]
    curve: Vec<(f64, f64)>,
}

/// Points of a curve: at most this many numbers of calls.
const CURVE_POINTS: u64 = 40;

/// The cost of the session's first k calls, for k from 0 to all of them (at most `CURVE_POINTS` steps).
fn curve(
    table: &PriceTable,
    model: &crate::pricing::Model,
    row: &crate::pricing::PriceRow,
    shape: &Shape,
    cache: bool,
) -> Result<Vec<(f64, f64)>> {
    use rust_decimal::prelude::ToPrimitive;
    let steps = shape.calls.min(CURVE_POINTS);
    let mut out = vec![(0.0, 0.0)];
    for i in 1..=steps {
        let calls = (i * shape.calls).div_ceil(steps);
        let p = project(table, model, row, &Shape { calls, ..*shape }, cache)?;
        out.push((calls as f64, p.cost.to_f64().unwrap_or(0.0)));
    }
    Ok(out)
}

#[derive(Debug, Serialize)]
struct PlanOut {
    id: String,
    name: String,
    monthly_usd: Usd,
    included_usd: Option<Usd>,
    fair_use: Option<String>,
    source: String,
}

#[derive(Debug, Serialize)]
struct Output {
    shape_source: String,
    shapes: Vec<(&'static str, Shape)>,
    cache: bool,
    sessions_per_month: Option<u64>,
    plan: Option<PlanOut>,
    rows: Vec<Row>,
}

/// The models to project: those named (which must have a price), else every model with a price that can price logs.
fn models(table: &PriceTable, names: &Option<Vec<String>>) -> Result<Vec<usize>> {
    let Some(names) = names else {
        return Ok((0..table.models.len())
            .filter(|&i| {
                !table
                    .providers
                    .get(&table.models[i].provider)
                    .is_some_and(|p| p.illustrative)
            })
            .collect());
    };
    priced_models(table, names)
}

/// Reads the logs (as `analyze` does) and fits a session shape to their sessions.
fn fit_logs(table: &PriceTable, paths: &[std::path::PathBuf], threads: usize) -> Result<(Fitted, Exit)> {
    let mut diag = Diag::new(false);
    let mut engine = Engine::new(table, GroupBy::Session, threads)?;
    engine.trace = true;
    let analysis = engine.run(paths, &mut diag);
    diag.finish();
    let exit = if diag.errors > 0 { Exit::Failure } else { Exit::Success };
    match analysis.trace.as_deref().and_then(fit) {
        Some(f) => Ok((f, exit)),
        None => bail!("no calls in the logs to fit a session shape to"),
    }
}

pub fn run(table: &PriceTable, args: ProjectArgs) -> Result<Exit> {
    let plan = plan(table, &args.plan)?;
    let mut exit = Exit::Success;
    let (label, shapes): (String, Vec<(&'static str, Shape)>) = match &args.source {
        ShapeSource::Given { label, shape } => (label.clone(), vec![("given", *shape)]),
        ShapeSource::Logs { paths, threads } => {
            super::refuse_output_over_input(&args.to, paths)?;
            let (f, e) = fit_logs(table, paths, *threads)?;
            exit = e;
            (
                format!(
                    "fitted from {}: median and 90th percentile",
                    count_of(f.sessions, "logged session")
                ),
                vec![("p50", f.p50), ("p90", f.p90)],
            )
        }
    };
    for (_, shape) in &shapes {
        shape.check()?;
    }
    let mut rows = Vec::new();
    let chosen = models(table, &args.models)?;
    for &i in &chosen {
        let model = table.model(i);
        let row_idx = match args.as_of {
            Some(d) => match model.row_in_force(d) {
                Some(r) => r,
                None => continue,
            },
            None => model.prices.len() - 1,
        };
        let row = &model.prices[row_idx];
        for (name, shape) in &shapes {
            let p = project(table, model, row, shape, args.cache)?;
            let month = args
                .sessions_per_month
                .map(|n| TooLarge::mul(p.cost, Decimal::from(n), "the cost per month").map(Usd))
                .transpose()?;
            let range = plan.and_then(|pl| plan_range(pl, p.cost));
            rows.push(Row {
                model: model.full_id(),
                shape: name,
                price_as_of: row.as_of.to_string(),
                input_tokens: p.tokens.input,
                cached_input_tokens: p.tokens.cache_read,
                cache_write_tokens: p.tokens.cache_write_5m + p.tokens.cache_write_1h,
                output_tokens: p.tokens.output,
                cost_usd_per_session: Usd(p.cost),
                marginal_cost_usd_low: p.marginal.map(|m| Usd(m.low)),
                marginal_cost_usd_high: p.marginal.map(|m| Usd(m.high)),
                markup_low: p.marginal.and_then(|m| ratio(p.cost, m.high)),
                markup_high: p.marginal.and_then(|m| ratio(p.cost, m.low)),
                cost_usd_per_month: month,
                plan_break_even_sessions: range.map(|r| r.0),
                plan_cheaper_until_sessions: range.and_then(|r| r.1),
                curve: if args.format == output::Format::Html {
                    curve(table, model, row, shape, args.cache)?
                } else {
                    Vec::new()
                },
            });
        }
    }
    if rows.is_empty() {
        bail!("no model has a price in force on that date");
    }
    rows.sort_by(|a, b| (a.shape, a.cost_usd_per_session, &a.model).cmp(&(b.shape, b.cost_usd_per_session, &b.model)));
    let out = Output {
        shape_source: label,
        shapes,
        cache: args.cache,
        sessions_per_month: args.sessions_per_month,
        plan: plan.map(|p| PlanOut {
            id: p.id.clone(),
            name: p.name.clone(),
            monthly_usd: Usd(p.monthly_usd),
            included_usd: p.included_usd.map(Usd),
            fair_use: p.fair_use.clone(),
            source: p.source.clone(),
        }),
        rows,
    };
    let mut v = view(&out);
    v.tail.extend(super::self_hosted_notes(table, &chosen));
    output::render(&v, args.format, &args.to)?;
    Ok(exit)
}
