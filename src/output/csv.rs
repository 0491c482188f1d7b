//! `--format csv`: one row per group, then a `TOTAL` row. The key column is named after `--by`; money is written
//! in full precision, and an empty cell means "no estimate".

use std::io::Write;

use super::Render;
use crate::money::Usd;
use crate::report::{Report, Row};

pub struct Csv;

const COLUMNS: [&str; 18] = [
    "calls",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "cost_usd",
    "marginal_cost_usd_low",
    "marginal_cost_usd_high",
    "markup_low",
    "markup_high",
    "token_tax_usd_low",
    "token_tax_usd_high",
    "token_tax_share_low",
    "token_tax_share_high",
    "cost_without_estimate_usd",
    "counted_calls",
    "estimated_calls",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn cells(r: &Row, per_call: bool) -> Vec<String> {
    let mut c = vec![r.key.clone()];
    if per_call {
        c.push(opt(r.file.as_ref()));
        c.push(opt(r.line));
        c.push(opt(r.model.as_ref()));
        c.push(opt(r.token_source));
    }
    let usd = |u: Option<Usd>| opt(u);
    c.extend([
        r.calls.to_string(),
        r.input_tokens.to_string(),
        r.cached_input_tokens.to_string(),
        r.cache_write_tokens.to_string(),
        r.cache_write_1h_tokens.to_string(),
        r.output_tokens.to_string(),
        r.cost_usd.to_string(),
        usd(r.marginal_cost_usd_low),
        usd(r.marginal_cost_usd_high),
        opt(r.markup_low),
        opt(r.markup_high),
        usd(r.token_tax_usd_low),
        usd(r.token_tax_usd_high),
        opt(r.token_tax_share_low),
        opt(r.token_tax_share_high),
        r.cost_without_estimate_usd.to_string(),
        r.counted_calls.to_string(),
        r.estimated_calls.to_string(),
    ]);
    c
}

impl Render for Csv {
    fn render(&self, report: &Report, w: &mut dyn Write) -> anyhow::Result<()> {
        let per_call = report.by == "call";
        let mut out = ::csv::Writer::from_writer(w);
        let mut header = vec![report.by];
        if per_call {
            header.extend(["file", "line", "model", "token_source"]);
        }
        header.extend(COLUMNS);
        out.write_record(&header)?;
        for r in &report.groups {
            out.write_record(cells(r, per_call))?;
        }
        let mut total = cells(&report.totals, per_call);
        total[0] = "TOTAL".into();
        out.write_record(total)?;
        out.flush()?;
        Ok(())
    }
}
