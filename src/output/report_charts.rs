//! `analyze`'s charts, drawn by the HTML report: the headline figures, cost over time by model, cost beside the
//! estimated marginal cost per group with the markup range, and the token buckets per group. Estimates are named as
//! such with their basis; a model without a price is shown as one, never as $0.

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;

use super::chart::{Category, Chart, Figure, Kind, Series, Unit, Value};
use crate::call::GroupBy;
use crate::fmt::{count_of, thousands, usd};
use crate::money::Usd;
use crate::report::{CostOverTime, Report, Row};

/// Groups drawn in a per-group chart; the table lists them all.
const MOST_GROUPS: usize = 20;
/// Models given a colour of their own over time; the rest are summed as one.
const MOST_MODELS: usize = 7;

fn f(u: Usd) -> f64 {
    u.0.to_f64().unwrap_or(0.0)
}

fn range(lo: Option<Usd>, hi: Option<Usd>) -> Option<(Usd, Usd)> {
    Some((lo?, hi?))
}

fn figures(r: &Report) -> Chart {
    let t = &r.totals;
    let mut figs = vec![
        Figure {
            id: "total-cost",
            label: "Cost at list prices".into(),
            shown: usd(t.cost()),
            exact: t.cost().to_string(),
            estimate: false,
        },
        Figure {
            id: "priced-calls",
            label: "Priced calls".into(),
            shown: thousands(r.summary.priced_calls),
            exact: r.summary.priced_calls.to_string(),
            estimate: false,
        },
    ];
    if let Some((lo, hi)) = range(t.marginal_cost_usd_low, t.marginal_cost_usd_high) {
        figs.push(Figure {
            id: "marginal-cost",
            label: "Marginal cost".into(),
            shown: format!("{}-{}", usd(lo), usd(hi)),
            exact: format!("{lo}-{hi}"),
            estimate: true,
        });
    }
    if let (Some(lo), Some(hi)) = (t.token_tax_share_low, t.token_tax_share_high) {
        figs.push(Figure {
            id: "token-tax-share",
            label: "Token tax share".into(),
            shown: format!("{:.0}%-{:.0}%", lo * 100.0, hi * 100.0),
            exact: format!("{lo}-{hi}"),
            estimate: true,
        });
    }
    if r.summary.unpriced_calls > 0 {
        figs.push(Figure {
            id: "unpriced-calls",
            label: "Calls without a price".into(),
            shown: thousands(r.summary.unpriced_calls),
            exact: r.summary.unpriced_calls.to_string(),
            estimate: false,
        });
    }
    let mut c = Chart::new(
        "Summary",
        "The total cost at list prices, the calls priced, and the estimates of marginal cost and token tax.",
        Kind::Figures(figs),
    );
    if t.token_tax_share_low.is_some() {
        c = c.note(
            "Token tax: what was paid minus the estimated marginal cost of serving it, as a share of what was paid \
             for models with an estimate. Estimates are shown low-high.",
        );
    }
    if r.summary.unpriced_calls > 0 {
        c = c.note("Calls of models without a price are left out of every dollar figure: they are not $0.");
    }
    c
}

/// The period a day falls in at this granularity, as `--by day/week/month` names it.
fn period(day: NaiveDate, by: GroupBy, week_start: Weekday) -> String {
    match by {
        GroupBy::Week => {
            let back = day.weekday().days_since(week_start);
            (day - chrono::Days::new(u64::from(back))).to_string()
        }
        GroupBy::Month => format!("{:04}-{:02}", day.year(), day.month()),
        _ => day.to_string(),
    }
}

/// The first day of the period `day` falls in.
fn period_start(day: NaiveDate, by: GroupBy, week_start: Weekday) -> NaiveDate {
    match by {
        GroupBy::Week => day - chrono::Days::new(u64::from(day.weekday().days_since(week_start))),
        GroupBy::Month => day.with_day(1).unwrap_or(day),
        _ => day,
    }
}

/// The first day of the period after the one `start` begins (None past the calendar's end).
fn next_period(start: NaiveDate, by: GroupBy) -> Option<NaiveDate> {
    match by {
        GroupBy::Week => start.checked_add_days(chrono::Days::new(7)),
        GroupBy::Month => start.checked_add_months(chrono::Months::new(1)),
        _ => start.succ_opt(),
    }
}

/// Days for up to two months, weeks for up to half a year, months beyond.
fn granularity(first: NaiveDate, last: NaiveDate) -> GroupBy {
    match (last - first).num_days() {
        ..=62 => GroupBy::Day,
        63..=182 => GroupBy::Week,
        _ => GroupBy::Month,
    }
}

fn over_time(o: &CostOverTime) -> Option<Chart> {
    let dated = || o.days.iter().filter_map(|d| d.day);
    let (first, last) = (dated().min()?, dated().max()?);
    let by = granularity(first, last);
    // Models by what they cost over the whole span, dearest first; the rest share one series.
    let mut by_model: BTreeMap<&str, rust_decimal::Decimal> = BTreeMap::new();
    for d in &o.days {
        *by_model.entry(d.model.as_str()).or_default() += d.cost_usd.0;
    }
    let mut models: Vec<(&str, rust_decimal::Decimal)> = by_model.into_iter().collect();
    models.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let named = models.len().min(if models.len() > MOST_MODELS + 1 {
        MOST_MODELS
    } else {
        MOST_MODELS + 1
    });
    let mut series: Vec<Series> = models[..named].iter().map(|m| Series::new(m.0)).collect();
    let others = models.len() - named;
    if others > 0 {
        series.push(Series::new(format!("{} other models", others)));
    }
    let slot = |model: &str| models[..named].iter().position(|m| m.0 == model).unwrap_or(named);
    // Every period from the first to the last, empty ones too, so that time reads evenly; undated calls last.
    let zeros = || vec![rust_decimal::Decimal::ZERO; series.len()];
    let mut periods: BTreeMap<String, Vec<rust_decimal::Decimal>> = BTreeMap::new();
    let mut start = period_start(first, by, o.week_start);
    while start <= last {
        periods.insert(period(start, by, o.week_start), zeros());
        let Some(next) = next_period(start, by) else { break };
        start = next;
    }
    let mut undated = zeros();
    for d in &o.days {
        let cell = match d.day {
            Some(day) => &mut periods.entry(period(day, by, o.week_start)).or_insert_with(zeros)[slot(&d.model)],
            None => &mut undated[slot(&d.model)],
        };
        *cell += d.cost_usd.0;
    }
    let to_cat = |label: String, v: Vec<rust_decimal::Decimal>| Category {
        label,
        values: v.into_iter().map(|x| Value::Point(x.to_f64().unwrap_or(0.0))).collect(),
        note: None,
    };
    let mut cats: Vec<Category> = periods.into_iter().map(|(k, v)| to_cat(k, v)).collect();
    let has_undated = o.days.iter().any(|d| d.day.is_none());
    if has_undated {
        cats.push(to_cat("no date".into(), undated));
    }
    let unit_name = by.name();
    let mut c = Chart::new(
        format!("Cost per {unit_name}, by model"),
        format!(
            "Stacked columns of the cost at list prices per {unit_name} from {first} to {last}, one colour per model."
        ),
        Kind::Columns {
            unit: Unit::Usd,
            series,
            categories: cats,
        },
    );
    if by == GroupBy::Week {
        c = c.note(format!("Weeks are named by their first day, a {}.", o.week_start));
    }
    if has_undated {
        c = c.note("The last column, `no date`, holds the calls logged without a timestamp.");
    }
    Some(c)
}

/// The groups a per-group chart draws, and a note when some are left out.
fn shown_groups(r: &Report) -> (&[Row], Option<String>) {
    let n = r.groups.len().min(MOST_GROUPS);
    let all = r.groups.len() as u64 + r.rest.as_ref().map_or(0, |rest| rest.rows);
    let note = (all > n as u64).then(|| {
        let listed = match r.rest {
            None => "the table below lists them all",
            Some(_) => "the table below lists as many as --top asks",
        };
        format!(
            "The first {n} of {} in the table's order; {listed}.",
            count_of(all, r.by.name())
        )
    });
    (&r.groups[..n], note)
}

fn cost_and_marginal(r: &Report) -> Chart {
    let (groups, left_out) = shown_groups(r);
    let mut cats: Vec<Category> = groups
        .iter()
        .map(|g| {
            let marginal = match range(g.marginal_cost_usd_low, g.marginal_cost_usd_high) {
                Some((lo, hi)) => Value::Range(f(lo), f(hi)),
                None => Value::Missing("no estimate"),
            };
            let note = match (g.markup_low, g.markup_high) {
                (Some(lo), Some(hi)) => format!("markup {lo:.1}x-{hi:.1}x (est.)"),
                _ => "no marginal-cost estimate".into(),
            };
            Category {
                label: g.key.clone(),
                values: vec![
                    g.cost_usd.map_or(Value::Missing("no price"), |c| Value::Point(f(c))),
                    marginal,
                ],
                note: Some(note),
            }
        })
        .collect();
    if r.by == GroupBy::Model {
        cats.extend(r.unpriced.iter().map(|u| Category {
            label: u.model.clone(),
            values: vec![Value::Missing("no price"), Value::None],
            note: Some(format!("{}, not in the totals", count_of(u.calls, "call"))),
        }));
    }
    let by = r.by.name();
    let mut c = Chart::new(
        format!("Cost and estimated marginal cost, per {by}"),
        format!(
            "For each {by}, a bar of the cost at list prices and beside it the estimated marginal cost of serving the \
             same tokens as a low-high range, with the markup range it implies."
        ),
        Kind::Bars {
            unit: Unit::Usd,
            stacked: false,
            log: false,
            series: vec![Series::new("cost at list prices"), Series::estimate("marginal cost")],
            categories: cats,
        },
    )
    .note("Marginal cost and markup are estimates, low-high; markup = cost / marginal cost.");
    for e in &r.pricing.marginal_estimates {
        c = c.note(format!(
            "Estimate {} ({}, as of {}): {}",
            e.id, e.marginal_method, e.as_of, e.marginal_basis
        ));
    }
    if let Some(n) = left_out {
        c = c.note(n);
    }
    c
}

fn tokens(r: &Report) -> Chart {
    let (groups, left_out) = shown_groups(r);
    let buckets = |i: u64, c: u64, w: u64, o: u64| [i, c, w, o].map(|x| Value::Point(x as f64)).to_vec();
    let mut cats: Vec<Category> = groups
        .iter()
        .map(|g| Category {
            label: g.key.clone(),
            values: buckets(
                g.input_tokens,
                g.cached_input_tokens,
                g.cache_write_tokens,
                g.output_tokens,
            ),
            note: None,
        })
        .collect();
    if r.by == GroupBy::Model {
        cats.extend(r.unpriced.iter().map(|u| Category {
            label: u.model.clone(),
            values: buckets(
                u.input_tokens,
                u.cached_input_tokens,
                u.cache_write_tokens,
                u.output_tokens,
            ),
            note: Some("no price".into()),
        }));
    }
    let by = r.by.name();
    let mut c = Chart::new(
        format!("Tokens per {by}"),
        format!(
            "For each {by}, one bar of its tokens stacked by bucket: fresh input, cached input, cache writes, output."
        ),
        Kind::Bars {
            unit: Unit::Tokens,
            stacked: true,
            log: false,
            series: ["fresh input", "cached input", "cache write", "output"]
                .map(Series::new)
                .to_vec(),
            categories: cats,
        },
    );
    if let Some(n) = left_out {
        c = c.note(n);
    }
    c
}

/// The charts of a report, in the order the page shows them.
pub fn charts(r: &Report) -> Vec<Chart> {
    let mut out = vec![figures(r)];
    out.extend(r.over_time.as_ref().and_then(over_time));
    if !r.groups.is_empty() || !r.unpriced.is_empty() {
        out.push(cost_and_marginal(r));
        out.push(tokens(r));
    }
    out
}
