//! `analyze`'s view of the `Report`: the cost table, and around it what the terminal and a Markdown document each
//! add (prices used, estimates, plan, budgets, what could not be priced).

use super::report_notes::{doc, document_notes, terminal_notes};
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};

use super::view::{Cell, Column, Digits, Part, PartKind, RowStream, Shown, View};
use crate::budget::BudgetResult;
use crate::call::GroupBy;
use crate::fmt::{count_of, usd};
use crate::report::{BilledBucket, PlanBreakEven, PricingInfo, RowReader, Summary};
use crate::report::{Report, Row, UnpricedRow};

/// The columns of the report's rows. The reported-cost columns are there when any call stated its own cost, and
/// the project beside each session when any session's log names one: a report of logs that state neither is as it
/// always was.
fn columns(by: &'static str, per_call: bool, reported: bool, projects: bool) -> Vec<Column> {
    let mut c = vec![Column::both(by, by)];
    if projects {
        c.push(Column::both("project", "project"));
    }
    if per_call {
        // The export's contract: these names in this order (README, "Output contract").
        c.extend([
            Column::machine("file"),
            Column::machine("line"),
            Column::machine("timestamp"),
            Column::machine("session"),
            Column::machine("project"),
            Column::machine("provider"),
            Column::both("model", "model"),
            Column::machine("batch"),
            Column::machine("service_tier"),
            Column::machine("response_id"),
            Column::machine("price_as_of"),
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
        Column::machine("priced"),
    ]);
    // After `priced`: the rows of models without a price fill the columns up to it by position.
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

/// A row's cells; `priced` is its `priced` column (empty for the totals, which hold priced calls only).
fn cells<'a>(r: &'a Row, per_call: bool, priced: Cell<'a>, (reported, projects): (bool, bool)) -> Vec<Cell<'a>> {
    let usd = |lo: Option<_>, hi: Option<_>| Cell::range(Cell::opt(lo, Cell::Usd), Cell::opt(hi, Cell::Usd));
    let float = |v: Option<f64>, shown| Cell::opt(v, |v| Cell::Float(v, shown, Digits::Ratio));
    let mut c = vec![Cell::text(r.key.as_str())];
    if projects {
        // Blank, not n/a, for the totals and a session whose log names no project.
        c.push(r.project.as_deref().map_or(Cell::Empty, Cell::text));
    }
    if per_call {
        let text = |s: &'a Option<String>| Cell::opt(s.as_deref(), Cell::text);
        match &r.call {
            Some(k) => c.extend([
                Cell::text(k.file.as_str()),
                Cell::Int(k.line),
                text(&k.timestamp),
                text(&k.session),
                text(&k.project),
                text(&k.provider),
                Cell::text(k.model.as_str()),
                Cell::text(if k.batch { "true" } else { "false" }),
                Cell::text(k.service_tier),
                text(&k.response_id),
                text(&k.price_as_of),
                Cell::text(k.token_source),
            ]),
            None => c.extend((0..12).map(|_| Cell::Empty)),
        }
    }
    c.extend([
        Cell::Int(r.calls),
        Cell::Int(r.input_tokens),
        Cell::Int(r.cached_input_tokens),
        Cell::Int(r.cache_write_tokens),
        Cell::Int(r.cache_write_1h_tokens),
        Cell::Int(r.output_tokens),
        Cell::opt(r.cost_usd, Cell::Usd),
        priced,
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
    if r.priced == Some(false) {
        // A call without a price: the estimates of a cost there is none of stay empty, as for `--by model`.
        let at = c.len() - 5;
        c[at] = Cell::Empty;
    }
    c
}

/// A model without a price as a CSV row: its calls and tokens, an empty cost, `priced` false, the cost its log
/// stated when the report has that column; the cells after (estimates of a cost there is none of) empty.
fn unpriced_cells(u: &UnpricedRow, width: usize, reported: bool) -> Vec<Cell<'_>> {
    let mut c = vec![
        Cell::text(u.model.as_str()),
        Cell::Int(u.calls),
        Cell::Int(u.input_tokens),
        Cell::Int(u.cached_input_tokens),
        Cell::Int(u.cache_write_tokens),
        Cell::Empty,
        Cell::Int(u.output_tokens),
        Cell::Empty,
        Cell::text("false"),
    ];
    if reported {
        c.push(Cell::opt(u.reported_cost_usd, Cell::Usd));
    }
    c.resize_with(width, || Cell::Empty);
    c
}

/// A group's or a call's cells, `priced` true unless the row is a call without a price.
fn row_cells(g: &Row, per_call: bool, shown: (bool, bool)) -> Vec<Cell<'_>> {
    let priced = if g.priced == Some(false) { "false" } else { "true" };
    cells(g, per_call, Cell::text(priced), shown)
}

/// A report whose rows are still to be read (`--by call`'s calls, or more groups than are held in memory): CSV,
/// JSON and JSON Lines write each row as it is priced, so a million rows never sit in memory as rows and cells.
pub struct StreamedReport<'r> {
    pub report: &'r Report,
    pub rows: &'r RowReader<'r>,
}

/// The report's JSON, its groups read as they are written: the same fields, in the same order, as `Report`'s.
#[derive(Serialize)]
struct StreamedDoc<'r> {
    schema_version: u32,
    tokencost_version: &'static str,
    by: GroupBy,
    totals: &'r Row,
    groups: Groups<'r>,
    unpriced: &'r [UnpricedRow],
    #[serde(skip_serializing_if = "Option::is_none")]
    unpriced_other: Option<&'r UnpricedRow>,
    pricing: &'r PricingInfo,
    summary: &'r Summary,
    billed: &'r [BilledBucket],
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'r PlanBreakEven>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    budgets: &'r [BudgetResult],
}

struct Groups<'r>(&'r RowReader<'r>);

impl Serialize for Groups<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut failed = None;
        let read = self.0.each_row(&mut |row| {
            seq.serialize_element(row).map_err(|e| {
                failed = Some(e);
                anyhow::anyhow!("a row could not be written")
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(|e| S::Error::custom(format!("{e:#}")))?;
        seq.end()
    }
}

impl Serialize for StreamedReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        StreamedDoc {
            schema_version: r.schema_version,
            tokencost_version: r.tokencost_version,
            by: r.by,
            totals: &r.totals,
            groups: Groups(self.rows),
            unpriced: &r.unpriced,
            unpriced_other: r.unpriced_other.as_ref(),
            pricing: &r.pricing,
            summary: &r.summary,
            billed: &r.billed,
            plan: r.plan.as_ref(),
            budgets: &r.budgets,
        }
        .serialize(s)
    }
}

impl RowStream for StreamedReport<'_> {
    fn each(&self, f: &mut dyn FnMut(&[Cell]) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let r = self.report;
        let reported = r.totals.reported_cost_usd.is_some();
        let per_call = r.by == GroupBy::Call;
        self.rows
            .each_row(&mut |row| f(&row_cells(row, per_call, (reported, r.projects))))
    }
}

impl super::Lines for StreamedReport<'_> {
    fn write_lines(&self, w: &mut dyn std::io::Write) -> anyhow::Result<()> {
        self.rows.each_row(&mut |row| super::jsonl::write_row(w, row))
    }
}

/// The view of a report whose rows are read as they are written (CSV, JSON and JSON Lines only).
pub fn streamed_view<'r>(s: &'r StreamedReport<'r>) -> View<'r> {
    let mut v = report_view(s.report);
    v.document = Some(s);
    v.lines = Some(s);
    v.streamed = Some(s);
    v
}

/// The report as a view; its JSON is the `Report` itself.
pub fn report_view(r: &Report) -> View<'_> {
    let per_call = r.by == GroupBy::Call;
    let reported = r.totals.reported_cost_usd.is_some();
    // `--by call` rows have their project among the call's own columns.
    let projects = r.projects && !per_call;
    let mut v = View::new(columns(r.by.name(), per_call, reported, projects), r);
    v.rows = r
        .groups
        .iter()
        .map(|g| row_cells(g, per_call, (reported, projects)))
        .collect();
    v.total = Some(cells(&r.totals, per_call, Cell::Empty, (reported, projects)));
    if r.by == GroupBy::Model {
        v.machine_rows = r
            .unpriced
            .iter()
            .chain(&r.unpriced_other)
            .map(|u| unpriced_cells(u, v.columns.len(), reported))
            .collect();
    }
    v.head = headline(r);
    v.tail = rest(r).into_iter().collect();
    v.tail.extend(terminal_notes(r));
    v.tail.extend(document_notes(r));
    v.charts = super::report_charts::charts(r);
    if per_call {
        v.lines = Some(r);
    }
    v
}

/// What the rows shown leave out, said right under them.
fn rest(r: &Report) -> Option<Part<'static>> {
    let rest = r.rest.as_ref()?;
    let shown = r.groups.len() as u64;
    let total = shown + rest.rows;
    let order = match r.by {
        GroupBy::Call => "in the order they were read",
        GroupBy::Day | GroupBy::Week | GroupBy::Month => "in order",
        _ => "dearest first",
    };
    Some(Part::line(format!(
        "Showing the first {} of {} ({order}); the other {} cost {} together. CSV, JSON and JSON Lines list \
         every row; --top sets how many rows are shown here (0: all).",
        crate::fmt::thousands(shown),
        match r.by {
            GroupBy::Branch => format!("{} branches", crate::fmt::thousands(total)),
            by => count_of(total, by.name()),
        },
        crate::fmt::thousands(rest.rows),
        usd(rest.cost_usd),
    )))
}

/// The Markdown headline: the total, the budgets' verdict, and what was read.
fn headline(r: &Report) -> Vec<Part<'static>> {
    let t = &r.totals;
    let over = r.budgets.iter().filter(|b| b.over).count();
    let s = &r.summary;
    // What was not read can hide any amount: a verdict on the rest says so rather than "within budget".
    let missing = match (s.unreadable_files, s.skipped_lines) {
        (0, 0) => None,
        (0, l) => Some(format!("{} could not be read", count_of(l, "line"))),
        (f, _) => Some(format!("{} could not be read", count_of(f, "file"))),
    };
    let nothing = s.priced_calls == 0 && s.unpriced_calls == 0;
    let verdict = match (r.budgets.is_empty(), over, missing) {
        (true, _, None) => String::new(),
        (_, _, Some(m)) if nothing => format!(" — incomplete: {m}; no call was read"),
        (true, _, Some(m)) => format!(" — incomplete: {m}"),
        (false, 0, None) if nothing => " — no call was read: nothing checked".into(),
        (false, 0, None) => " — within budget".into(),
        (false, 0, Some(m)) => format!(" — incomplete: {m}; within budget on what was read"),
        (false, n, _) => format!(" — over {}", count_of(n as u64, "budget")),
    };
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
            usd(t.cost())
        ))),
        doc(PartKind::Line(format!("{summary}."))),
    ]
}
