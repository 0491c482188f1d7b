//! `diff`'s view. CSV carries every group with both runs' calls and tokens; people read a headline ("+7.48%
//! ($0.0209) vs main"), the price and usage effects, the groups that moved most and each model's split. Markdown
//! opens with a hidden marker, so a CI step can find and update its one pull-request comment; when nothing moved
//! beyond `--min-change-usd` it is a single line.

use rust_decimal::{Decimal, RoundingStrategy};

use super::changes::{Change, DiffDoc, ModelSplit};
use crate::fmt::{count_of, thousands, usd};
use crate::money::Usd;
use crate::output::markdown::code;
use crate::output::view::{Cell, Column, Digits, Media, Part, PartKind, Shown, View};

/// The first line of the Markdown document: what a CI step looks for to update its comment instead of adding one.
pub const MARKER: &str = "<!-- tokencost-diff -->";

/// Dollars with their sign: `+$0.0209`, `-$0.0040`.
fn signed(u: Usd) -> String {
    if u.0 > Decimal::ZERO {
        format!("+{}", usd(u))
    } else {
        usd(u)
    }
}

/// A percentage for people, `+7.48%`; `new` for a group only HEAD has.
fn percent(c: &Change) -> String {
    match c.pct {
        Some(p) => {
            let r = p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let sign = if r < Decimal::ZERO { "-" } else { "+" };
            format!("{sign}{:.2}%", r.abs())
        }
        None if c.status == "added" => "new".into(),
        None => "n/a".into(),
    }
}

/// " per call", " per session", or nothing.
fn per(doc: &DiffDoc) -> String {
    match doc.per {
        "run" => String::new(),
        p => format!(" per {p}"),
    }
}

/// "+7.48% ($0.0209) vs main"; from nothing, "+$0.0209 vs main".
pub fn headline(doc: &DiffDoc) -> String {
    let t = &doc.totals;
    let per = per(doc);
    match t.pct {
        Some(_) => format!("{} ({}{per}) vs {}", percent(t), usd(t.change_usd), doc.base_label),
        None => format!("{}{per} vs {}", signed(t.change_usd), doc.base_label),
    }
}

/// The one line said when nothing moved beyond the noise floor.
fn quiet_line(doc: &DiffDoc, min_change: Usd) -> String {
    let t = &doc.totals;
    let per = per(doc);
    if t.change_usd.0.is_zero() {
        return format!(
            "No change in cost{per} vs {}: {} in both runs.",
            doc.base_label,
            usd(t.head_usd)
        );
    }
    format!(
        "No change in cost{per} beyond {} vs {}: {} ({}).",
        usd(min_change),
        doc.base_label,
        signed(t.change_usd),
        percent(t)
    )
}

/// Machine columns only: the CSV of every group.
fn columns(by: &'static str) -> Vec<Column> {
    let mut c = vec![Column::machine(by), Column::machine("status")];
    c.extend(["base_calls", "head_calls"].map(Column::machine));
    for side in ["base", "head"] {
        let names: [&'static str; 5] = if side == "base" {
            [
                "base_input_tokens",
                "base_cached_input_tokens",
                "base_cache_write_tokens",
                "base_cache_write_1h_tokens",
                "base_output_tokens",
            ]
        } else {
            [
                "head_input_tokens",
                "head_cached_input_tokens",
                "head_cache_write_tokens",
                "head_cache_write_1h_tokens",
                "head_output_tokens",
            ]
        };
        c.extend(names.map(Column::machine));
    }
    c.extend(["base_usd", "head_usd", "change_usd", "change_pct"].map(Column::machine));
    c
}

fn cells(c: &Change) -> Vec<Cell<'_>> {
    let mut out = vec![Cell::text(c.key.as_str()), Cell::text(c.status)];
    out.push(Cell::opt(c.base.as_ref(), |s| Cell::Int(s.calls)));
    out.push(Cell::opt(c.head.as_ref(), |s| Cell::Int(s.calls)));
    for side in [&c.base, &c.head] {
        let s = side.as_ref();
        out.push(Cell::opt(s, |s| Cell::Int(s.input_tokens)));
        out.push(Cell::opt(s, |s| Cell::Int(s.cached_input_tokens)));
        out.push(Cell::opt(s, |s| Cell::Int(s.cache_write_tokens)));
        out.push(Cell::opt(s, |s| Cell::Int(s.cache_write_1h_tokens)));
        out.push(Cell::opt(s, |s| Cell::Int(s.output_tokens)));
    }
    out.extend([Cell::Usd(c.base_usd), Cell::Usd(c.head_usd), Cell::Usd(c.change_usd)]);
    out.push(Cell::opt(c.change_pct, |p| Cell::Float(p, Shown::Plain, Digits::Json)));
    out
}

/// The groups that moved most, and the totals, for people.
fn groups_table<'a>(doc: &'a DiffDoc, by: &'static str, top: usize) -> View<'a> {
    let per = per(doc);
    let mut v = View::table(vec![
        Column::human(by),
        Column::human("calls").right(),
        Column::human(format!("{}{per}", doc.base_label)).right(),
        Column::human(format!("head{per}")).right(),
        Column::human("change").right(),
        Column::human("change %").right(),
    ]);
    let calls = |c: &Change| {
        let n = |s: &Option<super::changes::Side>| s.as_ref().map_or("-".to_string(), |s| thousands(s.calls));
        Cell::text(format!("{} → {}", n(&c.base), n(&c.head)))
    };
    let row = |c: &'a Change| {
        vec![
            Cell::text(c.key.as_str()),
            calls(c),
            Cell::Usd(c.base_usd),
            Cell::Usd(c.head_usd),
            Cell::text(signed(c.change_usd)),
            Cell::text(percent(c)),
        ]
    };
    let shown = if top == 0 { doc.groups.len() } else { top };
    v.rows = doc.groups.iter().take(shown).map(row).collect();
    v.total = Some(row(&doc.totals));
    v
}

/// Each model's price and usage effect, for people.
fn models_table<'a>(doc: &'a DiffDoc) -> View<'a> {
    let mut v = View::table(vec![
        Column::human("model"),
        Column::human(format!("{} prices", doc.base_label)),
        Column::human("head prices"),
        Column::human(doc.base_label.clone()).right(),
        Column::human("head").right(),
        Column::human("price effect").right(),
        Column::human("usage effect").right(),
    ]);
    v.absent = "-";
    let date = |d: &'a Option<String>| Cell::opt(d.as_deref(), Cell::text);
    v.rows = doc
        .effects
        .by_model
        .iter()
        .map(|m: &ModelSplit| {
            vec![
                Cell::text(m.model.as_str()),
                date(&m.base_as_of),
                date(&m.head_as_of),
                Cell::Usd(m.base_usd),
                Cell::Usd(m.head_usd),
                Cell::text(signed(m.price_usd)),
                Cell::text(signed(m.usage_usd)),
            ]
        })
        .collect();
    let e = &doc.effects;
    v.total = Some(vec![
        Cell::text("total"),
        Cell::Empty,
        Cell::Empty,
        Cell::Usd(doc.totals.base_usd),
        Cell::Usd(doc.totals.head_usd),
        Cell::text(signed(e.price_usd)),
        Cell::text(signed(e.usage_usd)),
    ]);
    v
}

/// A part said the same in both human formats, with a model name shown as code in Markdown.
fn both_with_name(plain: String, marked: String) -> [Part<'static>; 2] {
    [
        Part::of(Media::Table, PartKind::Item(plain)),
        Part::of(Media::Markdown, PartKind::Item(marked)),
    ]
}

fn runs_line(doc: &DiffDoc) -> String {
    let side = |name: &str, r: &super::changes::RunInfo| {
        format!(
            "{name} {} ({}, {})",
            usd(r.cost_usd),
            count_of(r.priced_calls, "priced call"),
            count_of(r.sessions, "session")
        )
    };
    format!("{}; {}.", side(&doc.base_label, &doc.base), side("head", &doc.head))
}

/// The whole view: `by` names the first CSV column, `top` limits the groups people see, `min_change` is the noise
/// floor the quiet line names.
pub fn view<'a>(doc: &'a DiffDoc, by: &'static str, top: usize, min_change: Usd) -> View<'a> {
    let mut v = View::new(columns(by), doc);
    v.absent = "-";
    v.rows = doc.groups.iter().map(cells).collect();
    v.total = Some(cells(&doc.totals));
    v.head.push(Part::of(Media::Markdown, PartKind::Line(MARKER.into())));
    if !doc.verdict.moved {
        v.head.push(Part::line(quiet_line(doc, min_change)));
        return v;
    }
    v.charts = super::charts::charts(doc, by, top);
    v.head.push(Part::of(Media::Both, PartKind::Title(headline(doc))));
    v.head.push(Part::line(runs_line(doc)));
    let e = &doc.effects;
    let l = &doc.base_label;
    v.head.push(Part::line(format!(
        "Price effect {}: head's tokens at head's prices against the same tokens at {l}'s. Usage effect {}: head's \
         tokens against {l}'s, both at {l}'s prices.",
        signed(e.price_usd),
        signed(e.usage_usd),
    )));
    match doc.verdict.level {
        "fail" => v
            .head
            .push(Part::line(format!("Fails: {}.", doc.verdict.reasons.join("; ")))),
        "warn" => v
            .head
            .push(Part::line(format!("Warning: {}.", doc.verdict.reasons.join("; ")))),
        _ => {}
    }
    v.head.push(Part::blank());
    v.head.push(Part::of(
        Media::Both,
        PartKind::Heading("Groups that moved most".into()),
    ));
    v.head.push(Part::of(
        Media::Both,
        PartKind::Table(Box::new(groups_table(doc, by, top))),
    ));
    let hidden = doc.groups.len().saturating_sub(if top == 0 { usize::MAX } else { top });
    if hidden > 0 {
        v.head.push(Part::line(format!(
            "{} more moved less (CSV and JSON list every group).",
            count_of(hidden as u64, "group")
        )));
    }
    v.tail.push(Part::blank());
    v.tail.push(Part::of(
        Media::Both,
        PartKind::Heading("Price and usage, per model".into()),
    ));
    v.tail
        .push(Part::of(Media::Both, PartKind::Table(Box::new(models_table(doc)))));
    for m in e.by_model.iter().filter(|m| m.new_in_head) {
        let says =
            |name: String| format!("{name} is new in head: {l} has no price for it, so its whole cost is usage.");
        v.tail
            .extend(both_with_name(says(m.model.clone()), says(code(&m.model))));
    }
    if doc.per != "run" {
        v.tail.push(Part::line(format!(
            "Per {}: each run's dollar figures are divided by its own {}, so a bigger suite is not a rise by itself.",
            doc.per,
            if doc.per == "call" { "priced calls" } else { "sessions" }
        )));
    }
    v
}
