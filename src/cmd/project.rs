//! `tokencost project`: what an agent session will cost on each model before it runs, per session and per month,
//! beside its estimated marginal cost, and the break-even against a flat-rate plan.

use anyhow::{Result, bail};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::call::{GroupBy, Resolution};
use crate::config::{ProjectArgs, ShapeSource, plan};
use crate::diag::Diag;
use crate::engine::Engine;
use crate::error::Exit;
use crate::fmt::{count_of, thousands, usd};
use crate::money::Usd;
use crate::output;
use crate::output::view::{Cell, Column, Digits, Part, Shown, View};
use crate::pricing::{Plan, PriceTable};
use crate::project::{Fitted, Shape, fit, project};

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

fn ratio(a: Decimal, b: Decimal) -> Option<f64> {
    (b > Decimal::ZERO).then(|| (a / b).to_f64()).flatten()
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
    names
        .iter()
        .map(|n| match table.resolve(n) {
            Resolution::Found(i) => Ok(i),
            Resolution::Ambiguous(c) => bail!("model `{n}` is ambiguous: {}", c.join(", ")),
            Resolution::Unknown => bail!("no price for model `{n}` (see `tokencost pricing list`)"),
        })
        .collect()
}

/// Reads the logs (as `analyze` does) and fits a session shape to their sessions.
fn fit_logs(table: &PriceTable, paths: &[std::path::PathBuf], threads: usize) -> Result<(Fitted, Exit)> {
    let mut diag = Diag::new(false);
    let mut engine = Engine::new(table, GroupBy::Session, threads)?;
    engine.trace = true;
    let analysis = engine.run(paths, &mut diag);
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
    let mut rows = Vec::new();
    for i in models(table, &args.models)? {
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
            let p = project(table, model, row, shape, args.cache);
            let month = args.sessions_per_month.map(|n| Usd(p.cost * Decimal::from(n)));
            let range = plan.and_then(|pl| pl.cheaper_range(p.cost));
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
    output::render(&view(&out), args.format, &args.to)?;
    Ok(exit)
}

fn describe(s: &Shape) -> String {
    format!(
        "{} calls, base prompt {} tokens, +{} per call, {} output tokens per call",
        thousands(s.calls),
        thousands(s.base_prompt_tokens),
        thousands(s.growth_tokens_per_call),
        thousands(s.output_tokens_per_call)
    )
}

fn columns(out: &Output) -> Vec<Column> {
    let per_month = match out.sessions_per_month {
        Some(1) => Column::both("cost_usd_per_month", "per month (1 session)"),
        Some(_) => Column::both("cost_usd_per_month", "per month"),
        None => Column::machine("cost_usd_per_month"),
    };
    let mut c = vec![
        Column::both("model", "model"),
        Column::both("shape", "shape"),
        Column::machine("price_as_of"),
        Column::machine("input_tokens"),
        Column::machine("cached_input_tokens"),
        Column::machine("cache_write_tokens"),
        Column::human("prompt tokens").right(),
        Column::both("output_tokens", "output tokens").right(),
        Column::both("cost_usd_per_session", "per session").right(),
        Column::both("marginal_cost_usd", "marginal (est.)").right().pair(),
        Column::both("markup", "markup (est.)").right().pair(),
        per_month.right(),
        Column::machine("plan_break_even_sessions"),
        Column::machine("plan_cheaper_until_sessions"),
    ];
    if out.plan.is_some() {
        c.push(Column::human("plan break-even").right());
    }
    c
}

/// The projection as a view: the session shape before the table, the plan and the caveat after it.
fn view(out: &Output) -> View<'_> {
    let mut v = View::new(columns(out), out);
    let float = |x: Option<f64>, shown| Cell::opt(x, |x| Cell::Float(x, shown, Digits::Json));
    for r in &out.rows {
        let mut cells = vec![
            Cell::text(r.model.as_str()),
            Cell::text(r.shape),
            Cell::text(r.price_as_of.as_str()),
            Cell::Int(r.input_tokens),
            Cell::Int(r.cached_input_tokens),
            Cell::Int(r.cache_write_tokens),
            Cell::Int(r.input_tokens + r.cached_input_tokens + r.cache_write_tokens),
            Cell::Int(r.output_tokens),
            Cell::Usd(r.cost_usd_per_session),
            Cell::range(
                Cell::opt(r.marginal_cost_usd_low, Cell::Usd),
                Cell::opt(r.marginal_cost_usd_high, Cell::Usd),
            ),
            Cell::range(
                float(r.markup_low, Shown::Times(1)),
                float(r.markup_high, Shown::Times(1)),
            ),
            Cell::opt(r.cost_usd_per_month, Cell::Usd),
            float(r.plan_break_even_sessions, Shown::Plain),
            float(r.plan_cheaper_until_sessions, Shown::Plain),
        ];
        if out.plan.is_some() {
            let range = r.plan_break_even_sessions.map(|f| (f, r.plan_cheaper_until_sessions));
            cells.push(Cell::text(Plan::describe(range, "sessions/month")));
        }
        v.rows.push(cells);
    }
    v.head
        .push(Part::line(format!("Session shape ({}):", out.shape_source)));
    for (name, s) in &out.shapes {
        v.head.push(Part::item(format!("{name}: {}", describe(s))));
    }
    v.head.push(Part::line(format!(
        "Prompt caching: {}",
        if out.cache {
            "on (each call reads the previous prompt from the cache)"
        } else {
            "off"
        }
    )));
    if let Some(n) = out.sessions_per_month {
        v.tail.push(Part::line(format!(
            "Per month: {} sessions at list prices.",
            thousands(n)
        )));
    }
    if let Some(p) = &out.plan {
        v.tail.push(Part::line(format!(
            "{} costs {} a month{}; the break-even column says where it is cheaper than paying list prices.{}",
            p.name,
            usd(p.monthly_usd),
            p.included_usd
                .map(|i| format!(" and includes {} of usage", usd(i)))
                .unwrap_or_default(),
            p.fair_use
                .as_ref()
                .map(|f| format!(" Its terms: {f}."))
                .unwrap_or_default()
        )));
    }
    v.tail
        .push(Part::line("Marginal cost and markup are estimates, shown low-high."));
    v
}
