//! `analyze`'s view of the `Report`: the cost table, and around it what the terminal and a Markdown document each
//! add (prices used, estimates, plan, budgets, what could not be priced).

use super::report_notes::{doc, document_notes, terminal_notes};
use super::view::{Cell, Column, Digits, Part, PartKind, Shown, View};
use crate::call::GroupBy;
use crate::fmt::{count_of, usd};
use crate::report::{Report, Row};

/// The columns of the report's rows. The reported-cost columns are there when any call stated its own cost: a
/// report of logs that state none is as it always was.
fn columns(by: &'static str, per_call: bool, reported: bool) -> Vec<Column> {
    let mut c = vec![Column::both(by, by)];
    if per_call {
        c.extend([
            Column::machine("file"),
            Column::machine("line"),
            Column::both("model", "model"),
            Column::machine("token_source"),
        ]);
    }
    // On a narrow terminal the token buckets go first, then the estimates beside markup; the calls, the cost and
    // the markup stay.
    c.extend([
        Column::both("calls", "calls").right(),
        Column::both("input_tokens", "input").right().droppable(2),
        Column::both("cached_input_tokens", "cached input").right().droppable(3),
        Column::both("cache_write_tokens", "cache write").right().droppable(3),
        Column::machine("cache_write_1h_tokens"),
        Column::both("output_tokens", "output").right().droppable(2),
        Column::both("cost_usd", "cost").right(),
    ]);
    if reported {
        c.extend([
            Column::both("reported_cost_usd", "reported cost").right().droppable(1),
            Column::both("reported_minus_list_usd", "reported - list")
                .right()
                .droppable(1),
            Column::machine("reported_cost_calls"),
        ]);
    }
    c.extend([
        Column::both("marginal_cost_usd", "marginal (est.)")
            .right()
            .pair()
            .droppable(1),
        Column::both("markup", "markup (est.)").right().pair(),
        Column::both("token_tax_usd", "token tax (est.)")
            .right()
            .pair()
            .droppable(1),
        Column::machine("token_tax_share").pair(),
        Column::machine("cost_without_estimate_usd"),
        Column::machine("counted_calls"),
        Column::machine("estimated_calls"),
        Column::machine("marginal_method"),
        Column::machine("marginal_basis"),
    ]);
    c
}

fn cells(r: &Row, per_call: bool, reported: bool) -> Vec<Cell<'_>> {
    let usd = |lo: Option<_>, hi: Option<_>| Cell::range(Cell::opt(lo, Cell::Usd), Cell::opt(hi, Cell::Usd));
    let float = |v: Option<f64>, shown| Cell::opt(v, |v| Cell::Float(v, shown, Digits::Shortest));
    let mut c = vec![Cell::text(r.key.as_str())];
    if per_call {
        c.push(Cell::opt(r.file.as_deref(), Cell::text));
        c.push(Cell::opt(r.line, Cell::Int));
        c.push(Cell::opt(r.model.as_deref(), Cell::text));
        c.push(Cell::opt(r.token_source, Cell::text));
    }
    c.extend([
        Cell::Int(r.calls),
        Cell::Int(r.input_tokens),
        Cell::Int(r.cached_input_tokens),
        Cell::Int(r.cache_write_tokens),
        Cell::Int(r.cache_write_1h_tokens),
        Cell::Int(r.output_tokens),
        Cell::Usd(r.cost_usd),
    ]);
    if reported {
        c.extend([
            Cell::opt(r.reported_cost_usd, Cell::Usd),
            Cell::opt(r.reported_minus_list_usd, Cell::Usd),
            Cell::Int(r.reported_cost_calls),
        ]);
    }
    c.extend([
        usd(r.marginal_cost_usd_low, r.marginal_cost_usd_high),
        Cell::range(
            float(r.markup_low, Shown::Times(1)),
            float(r.markup_high, Shown::Times(1)),
        ),
        usd(r.token_tax_usd_low, r.token_tax_usd_high),
        Cell::range(
            float(r.token_tax_share_low, Shown::Plain),
            float(r.token_tax_share_high, Shown::Plain),
        ),
        Cell::Usd(r.cost_without_estimate_usd),
        Cell::Int(r.counted_calls),
        Cell::Int(r.estimated_calls),
        Cell::opt(r.marginal_method.as_deref(), Cell::text),
        Cell::opt(r.marginal_basis.as_deref(), Cell::text),
    ]);
    c
}

/// The report as a view; its JSON is the `Report` itself.
pub fn report_view(r: &Report) -> View<'_> {
    let per_call = r.by == GroupBy::Call;
    let reported = r.totals.reported_cost_usd.is_some();
    let mut v = View::new(columns(r.by.name(), per_call, reported), r);
    v.rows = r.groups.iter().map(|g| cells(g, per_call, reported)).collect();
    v.total = Some(cells(&r.totals, per_call, reported));
    v.head = headline(r);
    v.tail = terminal_notes(r);
    v.tail.extend(document_notes(r));
    v
}

/// The Markdown headline: the total, the budgets' verdict, and what was read.
fn headline(r: &Report) -> Vec<Part<'static>> {
    let t = &r.totals;
    let over = r.budgets.iter().filter(|b| b.over).count();
    let verdict = match (r.budgets.is_empty(), over) {
        (true, _) => String::new(),
        (false, 0) => " — within budget".into(),
        (false, n) => format!(" — over {}", count_of(n as u64, "budget")),
    };
    let s = &r.summary;
    let mut summary = format!(
        "{} priced from {} in {}",
        count_of(s.priced_calls, "call"),
        count_of(s.lines, "line"),
        count_of(s.files, "file")
    );
    if let (Some(lo), Some(hi), Some(ml), Some(mh)) =
        (t.token_tax_usd_low, t.token_tax_usd_high, t.markup_low, t.markup_high)
    {
        summary.push_str(&format!(
            "; estimated markup {ml:.1}x-{mh:.1}x, token tax {}-{}",
            usd(lo),
            usd(hi)
        ));
    }
    vec![
        doc(PartKind::Title(format!(
            "tokencost: {} at list prices{verdict}",
            usd(t.cost_usd)
        ))),
        doc(PartKind::Line(format!("{summary}."))),
    ]
}
