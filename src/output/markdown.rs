//! `--format markdown`: a report for a pull-request comment or a CI job summary (`$GITHUB_STEP_SUMMARY`):
//! a headline, the cost table, budgets with their verdicts, and what could not be priced.

use std::io::Write;

use super::Render;
use super::table::{cells, header};
use crate::fmt::{count_of, thousands, usd};
use crate::report::Report;

pub struct Markdown;

/// Table cells may not contain a raw `|` or a line break.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn row(w: &mut dyn Write, cells: &[String]) -> std::io::Result<()> {
    let parts: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    writeln!(w, "| {} |", parts.join(" | "))
}

impl Render for Markdown {
    fn render(&self, r: &Report, w: &mut dyn Write) -> anyhow::Result<()> {
        let t = &r.totals;
        let over = r.budgets.iter().filter(|b| b.over).count();
        let verdict = match (r.budgets.is_empty(), over) {
            (true, _) => String::new(),
            (false, 0) => " — within budget".into(),
            (false, n) => format!(" — over {}", count_of(n as u64, "budget")),
        };
        writeln!(w, "## tokencost: {} at list prices{verdict}\n", usd(t.cost_usd))?;
        let s = &r.summary;
        write!(
            w,
            "{} priced from {} in {}",
            count_of(s.priced_calls, "call"),
            count_of(s.lines, "line"),
            count_of(s.files, "file")
        )?;
        if let (Some(lo), Some(hi), Some(ml), Some(mh)) =
            (t.token_tax_usd_low, t.token_tax_usd_high, t.markup_low, t.markup_high)
        {
            write!(
                w,
                "; estimated markup {ml:.1}x-{mh:.1}x, token tax {}-{}",
                usd(lo),
                usd(hi)
            )?;
        }
        writeln!(w, ".\n")?;
        let header: Vec<String> = header(r.by).into_iter().map(String::from).collect();
        row(w, &header)?;
        writeln!(w, "|---|{}", "--:|".repeat(header.len() - 1))?;
        for g in &r.groups {
            row(w, &cells(g))?;
        }
        let mut total = cells(t);
        for c in &mut total {
            *c = format!("**{c}**");
        }
        row(w, &total)?;
        if !r.budgets.is_empty() {
            writeln!(w, "\n### Budgets\n")?;
            row(w, &["budget".into(), "limit".into(), "actual".into(), "status".into()])?;
            writeln!(w, "|---|--:|--:|---|")?;
            for b in &r.budgets {
                let subject = if b.kind == "model" {
                    b.subject.clone()
                } else {
                    b.kind.to_string()
                };
                let actual = b.actual_usd.map_or("n/a".into(), usd) + if b.projected { " (projected)" } else { "" };
                let status = if b.over { "**over**" } else { "ok" };
                row(w, &[subject, usd(b.limit_usd), actual, status.into()])?;
            }
            for b in r.budgets.iter().filter(|b| b.over && !b.offenders.is_empty()) {
                let list: Vec<String> = b
                    .offenders
                    .iter()
                    .map(|o| format!("`{}` {}", cell(&o.name), usd(o.cost_usd)))
                    .collect();
                writeln!(w, "\n{} budget, largest: {}.", b.kind, list.join(", "))?;
            }
        }
        if !r.unpriced.is_empty() {
            writeln!(w, "\n### Not priced\n")?;
            for u in &r.unpriced {
                writeln!(
                    w,
                    "- `{}` ({}): {}, {} input and {} output tokens, not in the totals",
                    cell(&u.model),
                    u.reason,
                    count_of(u.calls, "call"),
                    thousands(u.input_tokens + u.cached_input_tokens + u.cache_write_tokens),
                    thousands(u.output_tokens)
                )?;
            }
        }
        if t.estimated_calls > 0 {
            writeln!(
                w,
                "\n{} estimated token counts (no usage logged and no exact tokenizer for their content).",
                if t.estimated_calls == 1 {
                    "1 call has".to_string()
                } else {
                    format!("{} calls have", thousands(t.estimated_calls))
                }
            )?;
        }
        if s.skipped_lines > 0 {
            writeln!(
                w,
                "\n{} could not be read (see the job log).",
                count_of(s.skipped_lines, "line")
            )?;
        }
        writeln!(
            w,
            "\n<sub>Prices: {} table. Marginal cost, markup and token tax are estimates, shown low-high.</sub>",
            r.pricing.layers.join(" + ")
        )?;
        Ok(())
    }
}
