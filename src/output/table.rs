//! `--format table`: a terminal table for reading. Money is rounded to 4 decimal places here only; the CSV and
//! JSON formats carry full precision.

use comfy_table::{CellAlignment, ContentArrangement, Table as Grid, presets};
use std::io::Write;

use super::Render;
use crate::fmt::{count_of, markup_range, thousands, usd, usd_range};
use crate::pricing::Plan;
use crate::report::{Report, Row};

pub struct Table;

/// A terminal table in the style every command uses.
pub fn grid<T: Into<comfy_table::Row>>(header: T) -> Grid {
    let mut g = Grid::new();
    g.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    g
}

/// Numbers read best right-aligned.
pub fn right_align(g: &mut Grid, columns: std::ops::Range<usize>) {
    for i in columns {
        if let Some(c) = g.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// The column titles, after the group key's, shared with the Markdown renderer; `cells` fills them.
pub fn header(by: &str) -> Vec<&str> {
    let columns = [
        "calls",
        "input",
        "cached input",
        "cache write",
        "output",
        "cost",
        "marginal (est.)",
        "markup (est.)",
        "token tax (est.)",
    ];
    std::iter::once(by).chain(columns).collect()
}

pub fn cells(r: &Row) -> Vec<String> {
    vec![
        r.key.clone(),
        thousands(r.calls),
        thousands(r.input_tokens),
        thousands(r.cached_input_tokens),
        thousands(r.cache_write_tokens),
        thousands(r.output_tokens),
        usd(r.cost_usd),
        usd_range(r.marginal_cost_usd_low, r.marginal_cost_usd_high),
        markup_range(r.markup_low, r.markup_high),
        usd_range(r.token_tax_usd_low, r.token_tax_usd_high),
    ]
}

impl Render for Table {
    fn render(&self, report: &Report, w: &mut dyn Write) -> anyhow::Result<()> {
        let mut grid = grid(header(report.by));
        for r in &report.groups {
            grid.add_row(cells(r));
        }
        grid.add_row(cells(&report.totals));
        right_align(&mut grid, 1..10);
        writeln!(w, "{grid}")?;
        let t = &report.totals;
        let dates: Vec<&str> = report.pricing.prices.iter().map(|p| p.as_of.as_str()).collect();
        if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
            let rows = match dates.len() {
                1 => format!("one row, in force from {first}"),
                n => format!("{n} rows, in force from {first} to {last}"),
            };
            writeln!(
                w,
                "Prices: {} table, {rows} (--format json lists each with its source).",
                report.pricing.layers.join(" + "),
            )?;
        }
        writeln!(
            w,
            "Marginal cost, markup and token tax are estimates, shown low-high; n/a: no estimate for that model."
        )?;
        if let (Some(lo), Some(hi), Some(slo), Some(shi)) = (
            t.token_tax_usd_low,
            t.token_tax_usd_high,
            t.token_tax_share_low,
            t.token_tax_share_high,
        ) {
            writeln!(
                w,
                "Token tax (paid minus estimated marginal cost): {}-{}, {:.0}%-{:.0}% of what was paid for models with an estimate.",
                usd(lo),
                usd(hi),
                slo * 100.0,
                shi * 100.0
            )?;
        }
        if t.cost_without_estimate_usd.0 > rust_decimal::Decimal::ZERO {
            writeln!(
                w,
                "{} of the cost is for models without a marginal-cost estimate and is left out of markup and token tax.",
                usd(t.cost_without_estimate_usd)
            )?;
        }
        if t.estimated_calls > 0 {
            writeln!(
                w,
                "{} estimated token counts (no usage logged and no exact tokenizer for their content).",
                if t.estimated_calls == 1 {
                    "1 call has".to_string()
                } else {
                    format!("{} calls have", thousands(t.estimated_calls))
                }
            )?;
        }
        if let Some(p) = &report.plan {
            let included = p
                .included_usd
                .map(|i| format!(", {} of usage included", usd(i)))
                .unwrap_or_default();
            let average = format!(
                "these logs' average of {} per session and {} per 1M tokens",
                p.cost_usd_per_session.map_or("n/a".into(), usd),
                p.cost_usd_per_million_tokens.map_or("n/a".into(), usd),
            );
            match p.break_even_sessions_per_month {
                None => writeln!(
                    w,
                    "{} ({} a month{included}) is never cheaper than list prices, at {average}.",
                    p.name,
                    usd(p.monthly_usd)
                )?,
                Some(from) => {
                    let sessions = Some((from, p.cheaper_until_sessions_per_month));
                    let tokens = p
                        .break_even_tokens_per_month
                        .map(|f| (f / 1e6, p.cheaper_until_tokens_per_month.map(|t| t / 1e6)));
                    writeln!(
                        w,
                        "{} ({} a month{included}) is cheaper than list prices {} or {} a month, at {average}.",
                        p.name,
                        usd(p.monthly_usd),
                        Plan::describe(sessions, "sessions"),
                        Plan::describe(tokens, "M tokens"),
                    )?
                }
            }
        }
        for u in &report.unpriced {
            writeln!(
                w,
                "Unpriced, not in the totals: {} ({}): {}, {} input, {} output tokens.",
                u.model,
                u.reason,
                count_of(u.calls, "call"),
                thousands(u.input_tokens + u.cached_input_tokens + u.cache_write_tokens),
                thousands(u.output_tokens)
            )?;
        }
        Ok(())
    }
}
