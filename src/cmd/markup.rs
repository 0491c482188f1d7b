//! `tokencost markup`: list price beside estimated marginal cost, per model, as of a date.

use anyhow::Result;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use std::io::Write;

use crate::config::MarkupArgs;
use crate::error::Exit;
use crate::fmt::markup_range;
use crate::output::Format;
use crate::output::table::{grid, right_align};
use crate::output::{with_output, write_csv, write_json};
use crate::pricing::{PriceTable, Range};

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
    pub estimate_source: String,
    pub price_source: String,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

/// price / high .. price / low; none when an estimate is zero.
fn markup(price: Decimal, m: Range) -> Option<(f64, f64)> {
    (m.low > Decimal::ZERO).then(|| (f(price / m.high), f(price / m.low)))
}

/// Every model with a marginal-cost estimate and a price in force on `date`, dearest markup first.
pub fn rows(table: &PriceTable, date: NaiveDate, provider: Option<&str>) -> Vec<MarkupRow> {
    let mut rows = Vec::new();
    for m in &table.models {
        if provider.is_some_and(|p| p != m.provider) {
            continue;
        }
        let (Some(est), Some(r)) = (table.marginal_for(m), m.row_in_force(date)) else {
            continue;
        };
        let row = &m.prices[r];
        let Some((in_lo, in_hi)) = markup(row.rates.input, est.input) else {
            continue;
        };
        let out = row
            .output_listed
            .then(|| markup(row.rates.output, est.output))
            .flatten();
        rows.push(MarkupRow {
            provider: m.provider.clone(),
            model: m.id.clone(),
            as_of: row.as_of.to_string(),
            input_usd_per_m: f(row.rates.input),
            output_usd_per_m: row.output_listed.then(|| f(row.rates.output)),
            marginal_input_usd_per_m_low: f(est.input.low),
            marginal_input_usd_per_m_high: f(est.input.high),
            marginal_output_usd_per_m_low: f(est.output.low),
            marginal_output_usd_per_m_high: f(est.output.high),
            input_markup_low: in_lo,
            input_markup_high: in_hi,
            output_markup_low: out.map(|o| o.0),
            output_markup_high: out.map(|o| o.1),
            estimate: est.id.clone(),
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

fn money(v: f64) -> String {
    format!(
        "${}",
        Decimal::from_f64_retain(v).map_or(v.to_string(), |d| d.round_dp(4).normalize().to_string())
    )
}

pub fn run(table: &PriceTable, args: MarkupArgs) -> Result<Exit> {
    let rows = rows(table, args.as_of, args.provider.as_deref());
    if rows.is_empty() {
        anyhow::bail!(
            "no model with a price in force on {} and a marginal-cost estimate",
            args.as_of
        );
    }
    with_output(None, |w| match args.format {
        Format::Json => write_json(w, &rows),
        Format::Csv => write_csv(w, &rows),
        // Markdown is offered by `analyze` only; these commands take table, CSV or JSON.
        Format::Table | Format::Markdown => table_out(w, &rows, table, &args),
    })?;
    Ok(Exit::Success)
}

fn table_out(w: &mut dyn Write, rows: &[MarkupRow], table: &PriceTable, args: &MarkupArgs) -> Result<()> {
    let mut t = grid([
        "model",
        "price as of",
        "input $/1M",
        "output $/1M",
        "marginal input (est.)",
        "marginal output (est.)",
        "input markup",
        "output markup",
    ]);
    for r in rows {
        t.add_row([
            format!("{}/{}", r.provider, r.model),
            r.as_of.clone(),
            money(r.input_usd_per_m),
            r.output_usd_per_m.map_or("n/a".into(), money),
            format!(
                "{}-{}",
                money(r.marginal_input_usd_per_m_low),
                money(r.marginal_input_usd_per_m_high)
            ),
            format!(
                "{}-{}",
                money(r.marginal_output_usd_per_m_low),
                money(r.marginal_output_usd_per_m_high)
            ),
            markup_range(Some(r.input_markup_low), Some(r.input_markup_high)),
            markup_range(r.output_markup_low, r.output_markup_high),
        ]);
    }
    right_align(&mut t, 2..8);
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "List prices in force on {}. Marginal costs are estimates; markup = price / marginal cost, from price / high to price / low.",
        args.as_of
    )?;
    if !args.explain {
        writeln!(w, "--explain shows each estimate's source and derivation.")?;
        return Ok(());
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        if !seen.insert(r.estimate.clone()) {
            continue;
        }
        let e = &table.marginal[&r.estimate];
        writeln!(w, "\n{} (as of {}): {}", e.id, e.as_of, e.source)?;
        match &e.derivation {
            Some(d) => writeln!(w, "  {}", d.replace('\n', "\n  "))?,
            None => writeln!(
                w,
                "  input ${}-{} per 1M, output ${}-{} per 1M, as given",
                e.input.low.normalize(),
                e.input.high.normalize(),
                e.output.low.normalize(),
                e.output.high.normalize()
            )?,
        }
    }
    Ok(())
}
