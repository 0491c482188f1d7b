//! The notes around `analyze`'s table: the terminal says which prices were used, what the estimates mean, where a
//! plan breaks even and what was left unpriced; a Markdown document adds the budgets and how the run went.

use std::borrow::Cow;

use super::markdown::{code, text};
use super::view::{Cell, Column, Media, Part, PartKind, View};
use crate::budget::{BudgetKind, BudgetResult};
use crate::diag::LISTED;
use crate::fmt::{count_of, thousands, usd, usd_apart};
use crate::money::Usd;
use crate::pricing::Plan;
use crate::report::{Report, UnpricedRow};

fn table_line(s: String) -> Part<'static> {
    Part::of(Media::Table, PartKind::Line(s))
}

pub(super) fn doc(kind: PartKind<'_>) -> Part<'_> {
    Part::of(Media::Markdown, kind)
}

/// "N calls have estimated token counts", said the same way in both formats.
fn estimated(n: u64) -> String {
    let who: Cow<str> = if n == 1 {
        "1 call has".into()
    } else {
        format!("{} calls have", thousands(n)).into()
    };
    format!("{who} estimated token counts (no usage logged and no exact tokenizer for their content).")
}

pub(super) fn terminal_notes(r: &Report) -> Vec<Part<'static>> {
    let mut out = Vec::new();
    let t = &r.totals;
    let dates: Vec<&str> = r.pricing.prices.iter().map(|p| p.as_of.as_str()).collect();
    if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
        let rows = match dates.len() {
            1 => format!("one row, in force from {first}"),
            n => format!("{n} rows, in force from {first} to {last}"),
        };
        out.push(table_line(format!(
            "Prices: {} table, {rows} (--format json lists each with its source).",
            r.pricing.layers.join(" + "),
        )));
    }
    out.push(table_line(
        "Marginal cost, markup and token tax are estimates, shown low-high; n/a: no estimate for that model.".into(),
    ));
    if let (Some(lo), Some(hi), Some(slo), Some(shi)) = (
        t.token_tax_usd_low,
        t.token_tax_usd_high,
        t.token_tax_share_low,
        t.token_tax_share_high,
    ) {
        out.push(table_line(format!(
            "Token tax (paid minus estimated marginal cost): {}-{}, {:.0}%-{:.0}% of what was paid for models with an estimate.",
            usd(lo),
            usd(hi),
            slo * 100.0,
            shi * 100.0
        )));
    }
    if t.cost_without_estimate_usd.0 > rust_decimal::Decimal::ZERO {
        out.push(table_line(format!(
            "{} of the cost is for models without a marginal-cost estimate and is left out of markup and token tax.",
            usd(t.cost_without_estimate_usd)
        )));
    }
    if t.estimated_calls > 0 {
        out.push(table_line(estimated(t.estimated_calls)));
    }
    if let Some(line) = reported_note(r, str::to_string) {
        out.push(table_line(line));
    }
    if let Some(p) = &r.plan {
        let included = p
            .included_usd
            .map(|i| format!(", {} of usage included", usd(i)))
            .unwrap_or_default();
        let average = format!(
            "these logs' average of {} per session and {} per 1M tokens",
            p.cost_usd_per_session.map_or("n/a".into(), usd),
            p.cost_usd_per_million_tokens.map_or("n/a".into(), usd),
        );
        let head = format!("{} ({} a month{included})", p.name, usd(p.monthly_usd));
        out.push(table_line(match p.break_even_sessions_per_month {
            None => format!("{head} is never cheaper than list prices, at {average}."),
            Some(from) => {
                let sessions = Some((from, p.cheaper_until_sessions_per_month));
                let tokens = p
                    .break_even_tokens_per_month
                    .map(|f| (f / 1e6, p.cheaper_until_tokens_per_month.map(|t| t / 1e6)));
                format!(
                    "{head} is cheaper than list prices {} or {} a month, at {average}.",
                    Plan::describe(sessions, "sessions"),
                    Plan::describe(tokens, "M tokens"),
                )
            }
        }));
    }
    for u in r.unpriced.iter().take(LISTED) {
        out.push(
            table_line(format!(
                "Unpriced, not in the totals: {} ({}): {}, {} input, {} output tokens.",
                u.model,
                u.reason,
                count_of(u.calls, "call"),
                thousands(prompt(u)),
                thousands(u.output_tokens)
            ))
            .alerting(),
        );
    }
    if let Some(n) = more_unpriced(r, "--format json") {
        out.push(table_line(format!("{n}.")));
    }
    out
}

/// What the reported-cost columns are, with the totals they add up to; none when no call stated its cost.
/// `name` writes a model's name as the format needs it.
fn reported_note(r: &Report, name: impl Fn(&str) -> String) -> Option<String> {
    let t = &r.totals;
    let reported = t.reported_cost_usd?;
    let diff = t.reported_minus_list_usd.unwrap_or_default();
    let unpriced: Vec<String> = r
        .unpriced
        .iter()
        .filter_map(|u| u.reported_cost_usd.map(|c| format!("{} {}", name(&u.model), usd(c))))
        .collect();
    let unpriced = if unpriced.is_empty() {
        String::new()
    } else {
        format!(
            " Stated by calls without a list price, not in the totals: {}.",
            unpriced.join(", ")
        )
    };
    Some(format!(
        "Reported cost: what the logs themselves say {} cost, {}; reported - list: that less the list price of the same calls, {}. n/a where no call of the row stated one.{unpriced}",
        count_of(t.reported_cost_calls, "call"),
        usd(reported),
        usd(diff),
    ))
}

/// An unpriced model's prompt tokens, in every input bucket.
fn prompt(u: &UnpricedRow) -> u64 {
    u.input_tokens
        .saturating_add(u.cached_input_tokens)
        .saturating_add(u.cache_write_tokens)
}

/// "N more models without a price, not in the totals", past the first `LISTED`, with the calls of the models
/// past the names the report keeps; and where the JSON report lists them (`json`).
fn more_unpriced(r: &Report, json: &str) -> Option<String> {
    let more = r.unpriced.len().saturating_sub(LISTED) as u64;
    let mut line = match (more, &r.unpriced_other) {
        (0, None) => return None,
        (_, None) => format!("{} more models without a price", thousands(more)),
        (_, Some(other)) => format!(
            "{} more models without a price, and {} of the models past the first {} names (in name order), \
             summed together",
            thousands(more),
            count_of(other.calls, "call"),
            thousands(r.unpriced.len() as u64)
        ),
    };
    let listed = match r.unpriced_other {
        None => "lists them all",
        Some(_) => "lists them by name, the rest as one",
    };
    line.push_str(&format!(", not in the totals ({json} {listed})"));
    Some(line)
}

/// The budgets as a table of their own: limit, actual figure, verdict.
fn budgets(r: &Report) -> View<'_> {
    let mut v = View::table(vec![
        Column::human("budget"),
        Column::human("limit").right(),
        Column::human("actual").right(),
        Column::human("status"),
    ]);
    for b in &r.budgets {
        let subject: Cow<str> = match b.kind {
            BudgetKind::Model => b.subject.as_str().into(),
            kind => kind.name().into(),
        };
        let (limit, actual) = match b.actual_usd {
            Some(a) => usd_apart(b.limit_usd, a),
            None => (usd(b.limit_usd), "n/a".into()),
        };
        let projected = if b.projected { " (projected)" } else { "" };
        let status = if b.over {
            Cell::Strong("over".into())
        } else {
            Cell::text("ok")
        };
        v.rows.push(vec![
            Cell::Text(subject),
            Cell::text(limit),
            Cell::text(actual + projected),
            status,
        ]);
    }
    v
}

/// What an offender cost: for a session budget, with the digits that show it above the limit.
pub(crate) fn offender_cost(b: &BudgetResult, cost: Usd) -> String {
    match b.kind {
        BudgetKind::Session => usd_apart(b.limit_usd, cost).1,
        _ => usd(cost),
    }
}

pub(super) fn document_notes(r: &Report) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    if !r.budgets.is_empty() {
        out.push(doc(PartKind::Heading("Budgets".into())));
        out.push(doc(PartKind::Table(Box::new(budgets(r)))));
        for b in r.budgets.iter().filter(|b| b.over && !b.offenders.is_empty()) {
            let list: Vec<String> = b
                .offenders
                .iter()
                .map(|o| format!("{} {}", code(&o.name), offender_cost(b, o.cost_usd)))
                .collect();
            out.push(doc(PartKind::Line(format!(
                "{} budget, largest: {}.",
                b.kind.name(),
                list.join(", ")
            ))));
        }
    }
    if !r.unpriced.is_empty() {
        out.push(doc(PartKind::Heading("Not priced".into())));
        for u in r.unpriced.iter().take(LISTED) {
            out.push(doc(PartKind::Item(format!(
                "{} ({}): {}, {} input and {} output tokens, not in the totals",
                code(&u.model),
                text(&u.reason),
                count_of(u.calls, "call"),
                thousands(prompt(u)),
                thousands(u.output_tokens)
            ))));
        }
        if let Some(n) = more_unpriced(r, "the JSON report") {
            out.push(doc(PartKind::Item(n)));
        }
    }
    let (t, s) = (&r.totals, &r.summary);
    if t.estimated_calls > 0 {
        out.push(doc(PartKind::Line(estimated(t.estimated_calls))));
    }
    if let Some(line) = reported_note(r, code) {
        out.push(doc(PartKind::Line(line)));
    }
    if s.skipped_lines > 0 {
        out.push(doc(PartKind::Line(format!(
            "{} could not be read (see the job log).",
            count_of(s.skipped_lines, "line")
        ))));
    }
    out.push(doc(PartKind::Line(format!(
        "<sub>Prices: {} table. Marginal cost, markup and token tax are estimates, shown low-high.</sub>",
        text(&r.pricing.layers.join(" + "))
    ))));
    out
}
