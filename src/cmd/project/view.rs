//! `project`'s view: the session shape before the table, the token buckets and exact figures for CSV, the plan's
//! break-even and the caveats for people.

use super::Output;
use crate::fmt::{thousands, usd};
use crate::output::chart::{Chart, Kind, Line, Unit};
use crate::output::view::{Cell, Column, Digits, Part, Shown, View};
use crate::pricing::Plan;
use crate::project::Shape;

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

/// Models drawn; the table lists them all.
const CHARTED: usize = 10;

/// The cost of a session as its calls grow, one line per model (and shape), in the table's order.
fn chart(out: &Output) -> Option<Chart> {
    let drawn: Vec<&super::Row> = out.rows.iter().filter(|r| !r.curve.is_empty()).take(CHARTED).collect();
    if drawn.is_empty() {
        return None;
    }
    let several = out.shapes.len() > 1;
    let lines = drawn
        .iter()
        .map(|r| Line {
            name: if several {
                format!("{} ({})", r.model, r.shape)
            } else {
                r.model.clone()
            },
            points: r.curve.clone(),
        })
        .collect();
    let mut c = Chart::new(
        "Cost of a session as its calls grow",
        "For each model, the list-price cost of the session's first calls, from none to all of them: each call \
         re-sends the prompt so far, so the cost grows faster than the number of calls.",
        Kind::Lines {
            x_title: "calls in the session".into(),
            unit: Unit::Usd,
            lines,
        },
    );
    let with_curve = out.rows.iter().filter(|r| !r.curve.is_empty()).count();
    if with_curve > drawn.len() {
        c = c.note(format!(
            "The first {} of {} rows, cheapest first; the table lists them all.",
            drawn.len(),
            with_curve
        ));
    }
    Some(c)
}

/// The projection as a view: the session shape before the table, the plan and the caveat after it.
pub(super) fn view(out: &Output) -> View<'_> {
    let mut v = View::new(columns(out), out);
    v.charts.extend(chart(out));
    let float = |x: Option<f64>, shown| Cell::opt(x, |x| Cell::Float(x, shown, Digits::Json));
    for r in &out.rows {
        let mut cells = vec![
            Cell::text(r.model.as_str()),
            Cell::text(r.shape),
            Cell::text(r.price_as_of.as_str()),
            Cell::Int(r.input_tokens),
            Cell::Int(r.cached_input_tokens),
            Cell::Int(r.cache_write_tokens),
            Cell::Int(
                r.input_tokens
                    .saturating_add(r.cached_input_tokens)
                    .saturating_add(r.cache_write_tokens),
            ),
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
