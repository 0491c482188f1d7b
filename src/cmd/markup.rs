//! `tokencost markup`: list price beside estimated marginal cost, per model, as of a date.

use anyhow::Result;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::config::MarkupArgs;
use crate::error::Exit;
use crate::output;
use crate::output::chart::{Category, Chart, Kind, Series, Unit, Value};
use crate::output::view::{Cell, Column, Digits, Part, Shown, View};
use crate::pricing::{PriceTable, Range};
use crate::report::ratio;

/// One model's markup: list price over the marginal-cost estimate, low .. high.
#[derive(Debug, Serialize)]
pub struct MarkupRow {
    pub provider: String,
    pub model: String,
    /// The date the price row came into force.
    pub as_of: String,
    pub input_usd_per_m: f64,
    /// None when the price source quotes no output price.
    pub output_usd_per_m: Option<f64>,
    pub marginal_input_usd_per_m_low: f64,
    pub marginal_input_usd_per_m_high: f64,
    pub marginal_output_usd_per_m_low: f64,
    pub marginal_output_usd_per_m_high: f64,
    pub input_markup_low: f64,
    pub input_markup_high: f64,
    pub output_markup_low: Option<f64>,
    pub output_markup_high: Option<f64>,
    pub estimate: String,
    /// `given`, `derived` or `proxy`.
    pub marginal_method: &'static str,
    /// What the estimate rests on (its source).
    pub marginal_basis: String,
    pub estimate_source: String,
    pub price_source: String,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

/// price / high .. price / low; none when an estimate is zero. A tiny estimate gives a huge markup, not a panic.
fn markup(price: Decimal, m: Range) -> Option<(f64, f64)> {
    Some((ratio(price, m.high)?, ratio(price, m.low)?))
}

/// Every model with a marginal-cost estimate and a price in force on `date`, dearest markup first. Estimates the
/// serving model made (derived, proxy) apply from their own date on; sourced ones on any date.
pub fn rows(table: &PriceTable, date: NaiveDate, provider: Option<&str>) -> Vec<MarkupRow> {
    let mut rows = Vec::new();
    for m in &table.models {
        if provider.is_some_and(|p| p != m.provider) {
            continue;
        }
        let (Some(est), Some(r)) = (table.marginal_for(m), m.row_in_force(date)) else {
            continue;
        };
        // An estimate the serving model made later is not applied to an earlier date's prices.
        if !est.method.applies(est.as_of, date) {
            continue;
        }
        let row = &m.prices[r];
        let Some((in_lo, in_hi)) = markup(row.rates().input, est.input) else {
            continue;
        };
        let out = row
            .output_listed
            .then(|| markup(row.rates().output, est.output))
            .flatten();
        rows.push(MarkupRow {
            provider: m.provider.clone(),
            model: m.id.clone(),
            as_of: row.as_of.to_string(),
            input_usd_per_m: f(row.rates().input),
            output_usd_per_m: row.output_listed.then(|| f(row.rates().output)),
            marginal_input_usd_per_m_low: f(est.input.low),
            marginal_input_usd_per_m_high: f(est.input.high),
            marginal_output_usd_per_m_low: f(est.output.low),
            marginal_output_usd_per_m_high: f(est.output.high),
            input_markup_low: in_lo,
            input_markup_high: in_hi,
            output_markup_low: out.map(|o| o.0),
            output_markup_high: out.map(|o| o.1),
            estimate: est.id.clone(),
            marginal_method: est.method.name(),
            marginal_basis: est.source.clone(),
            estimate_source: est.source.clone(),
            price_source: row.source.clone(),
        });
    }
    rows.sort_by(|a, b| {
        b.input_markup_high
            .total_cmp(&a.input_markup_high)
            .then_with(|| (&a.provider, &a.model).cmp(&(&b.provider, &b.model)))
    });
    rows
}

pub fn run(table: &PriceTable, args: MarkupArgs) -> Result<Exit> {
    // A provider the tables do not know is a mistake of its own, not a lack of estimates.
    if let Some(p) = &args.provider
        && !table.models.iter().any(|m| &m.provider == p)
    {
        let known: Vec<&str> = table.providers.keys().map(String::as_str).collect();
        anyhow::bail!("no provider `{p}`; known: {}", known.join(", "));
    }
    let rows = rows(table, args.as_of, args.provider.as_deref());
    if rows.is_empty() {
        let of = args
            .provider
            .as_ref()
            .map_or(String::new(), |p| format!(" of provider `{p}`"));
        anyhow::bail!(
            "no model{of} with a price in force on {} and a marginal-cost estimate",
            args.as_of
        );
    }
    output::render(&view(&rows, table, &args), args.format, &args.to)?;
    Ok(Exit::Success)
}

/// Models drawn in a chart; the table lists them all.
const CHARTED: usize = 30;

/// Price against the estimated marginal cost per model, input and output, on a log scale (they differ by orders of
/// magnitude): the HTML report's charts.
fn charts(rows: &[MarkupRow], as_of: NaiveDate) -> Vec<Chart> {
    let shown = &rows[..rows.len().min(CHARTED)];
    let chart = |side: &str,
                 price: &dyn Fn(&MarkupRow) -> Option<f64>,
                 low: &dyn Fn(&MarkupRow) -> f64,
                 high: &dyn Fn(&MarkupRow) -> f64,
                 markup: &dyn Fn(&MarkupRow) -> Option<(f64, f64)>| {
        let lower = side.to_lowercase();
        let categories = shown
            .iter()
            .map(|r| Category {
                label: format!("{}/{}", r.provider, r.model),
                values: vec![
                    price(r).map_or(Value::Missing("no listed price"), Value::Point),
                    Value::Range(low(r), high(r)),
                ],
                note: Some(markup(r).map_or("no markup".into(), |(lo, hi)| {
                    format!("markup {lo:.1}x-{hi:.1}x (est.)")
                })),
            })
            .collect();
        let mut c = Chart::new(
            format!("{side} price and estimated marginal cost, $ per 1M tokens"),
            format!(
                "For each model, its list {lower} price in force on {as_of} and beside it the estimated marginal cost of \
                 serving {lower} tokens as a low-high range, on a logarithmic scale; the markup is price / marginal cost."
            ),
            Kind::Bars {
                unit: Unit::UsdPerM,
                stacked: false,
                log: true,
                series: vec![Series::new(format!("{lower} list price")), Series::estimate(format!("marginal {lower} cost"))],
                categories,
            },
        )
        .note("Logarithmic scale: each grid line is ten times the one before. Marginal costs are estimates, low-high.");
        if rows.len() > shown.len() {
            c = c.note(format!(
                "The first {} of {} models, dearest markup first; the table lists them all.",
                shown.len(),
                rows.len()
            ));
        }
        c
    };
    vec![
        chart(
            "Input",
            &|r| Some(r.input_usd_per_m),
            &|r| r.marginal_input_usd_per_m_low,
            &|r| r.marginal_input_usd_per_m_high,
            &|r| Some((r.input_markup_low, r.input_markup_high)),
        ),
        chart(
            "Output",
            &|r| r.output_usd_per_m,
            &|r| r.marginal_output_usd_per_m_low,
            &|r| r.marginal_output_usd_per_m_high,
            &|r| Some((r.output_markup_low?, r.output_markup_high?)),
        ),
    ]
}

/// The rows as a view: CSV has provider and model apart and every source, the table a readable subset.
#[allow(clippy::ptr_arg)] // the Vec is the JSON document: a slice cannot be a `dyn Document`
fn view<'a>(rows: &'a Vec<MarkupRow>, table: &PriceTable, args: &MarkupArgs) -> View<'a> {
    let mut v = View::new(
        vec![
            Column::machine("provider"),
            Column::machine("model"),
            Column::human("model"),
            Column::both("as_of", "price as of"),
            Column::both("input_usd_per_m", "input $/1M").right(),
            Column::both("output_usd_per_m", "output $/1M").right(),
            Column::both("marginal_input_usd_per_m", "marginal input (est.)")
                .right()
                .pair(),
            Column::both("marginal_output_usd_per_m", "marginal output (est.)")
                .right()
                .pair(),
            Column::both("input_markup", "input markup").right().pair(),
            Column::both("output_markup", "output markup").right().pair(),
            Column::machine("estimate"),
            Column::both("marginal_method", "method"),
            Column::machine("marginal_basis"),
            Column::machine("estimate_source"),
            Column::machine("price_source"),
        ],
        rows,
    );
    let price = |x: f64| Cell::Float(x, Shown::PerMillion, Digits::Json);
    let times = |x: f64| Cell::Float(x, Shown::Times(1), Digits::Json);
    for r in rows {
        v.rows.push(vec![
            Cell::text(r.provider.as_str()),
            Cell::text(r.model.as_str()),
            Cell::text(format!("{}/{}", r.provider, r.model)),
            Cell::text(r.as_of.as_str()),
            price(r.input_usd_per_m),
            Cell::opt(r.output_usd_per_m, price),
            Cell::range(
                price(r.marginal_input_usd_per_m_low),
                price(r.marginal_input_usd_per_m_high),
            ),
            Cell::range(
                price(r.marginal_output_usd_per_m_low),
                price(r.marginal_output_usd_per_m_high),
            ),
            Cell::range(times(r.input_markup_low), times(r.input_markup_high)),
            Cell::range(
                Cell::opt(r.output_markup_low, times),
                Cell::opt(r.output_markup_high, times),
            ),
            Cell::text(r.estimate.as_str()),
            Cell::text(r.marginal_method),
            Cell::text(r.marginal_basis.as_str()),
            Cell::text(r.estimate_source.as_str()),
            Cell::text(r.price_source.as_str()),
        ]);
    }
    v.charts = charts(rows, args.as_of);
    v.tail.push(Part::line(format!(
        "List prices in force on {}. Marginal costs are estimates; markup = price / marginal cost, from price / high to price / low.",
        args.as_of
    )));
    if !args.explain {
        v.tail
            .push(Part::line("--explain shows each estimate's source and derivation."));
        return v;
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        if !seen.insert(r.estimate.clone()) {
            continue;
        }
        let e = &table.marginal[&r.estimate];
        v.tail.push(Part::blank());
        v.tail
            .push(Part::line(format!("{} (as of {}): {}", e.id, e.as_of, e.source)));
        // One item per line of the derivation: a part is one line, so that a line break in it can only be shown
        // escaped.
        match &e.derivation {
            Some(d) => v.tail.extend(d.lines().map(Part::item)),
            None => v.tail.push(Part::item(format!(
                "input ${}-{} per 1M, output ${}-{} per 1M, as given",
                e.input.low.normalize(),
                e.input.high.normalize(),
                e.output.low.normalize(),
                e.output.high.normalize()
            ))),
        }
    }
    v
}
