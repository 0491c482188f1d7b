//! Typed cells of a view: each format decides how a value reads, so a figure is rounded for people in one place
//! and written with every digit for machines in another. Text cells may hold anything a log said: people see it
//! through `fmt::shown` (no control sequences, no CI commands), CSV through `csv::neutral` (no formulas).

use std::borrow::Cow;

use crate::fmt::{shown, thousands, usd};
use crate::money::Usd;

/// How a float reads in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A multiple with this many decimals: `2.50x`.
    Times(usize),
    /// Dollars per 1M tokens, to 4 decimals without trailing zeros: `$0.15`.
    PerMillion,
    /// A signed percentage for people, `-25%`; the plain number in CSV.
    Percent,
    /// A share as a percentage with this many decimals: `0.153` reads `15.3%`.
    Share(usize),
    /// A plain number with this many decimals.
    Fixed(usize),
    /// As CSV writes it.
    Plain,
}

/// How a float's digits are written in CSV: a ratio rounded to `RATIO_DECIMALS` places (its further digits are
/// noise to a reader and to a spreadsheet), or the shortest digits that read back to the same float as JSON writes
/// them (`1.0`), for commands whose CSV mirrors their JSON rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digits {
    Ratio,
    Json,
}

/// Decimal places of a ratio (markup, token-tax share, relative cost) in CSV; money keeps every digit.
pub const RATIO_DECIMALS: u32 = 4;

/// One cell, typed: each format decides how it reads.
#[derive(Debug, Clone)]
pub enum Cell<'a> {
    /// No value: the view's `absent` text for people, an empty CSV cell.
    Empty,
    Text(Cow<'a, str>),
    /// Text that matters most in its table (an overrun): bold in Markdown, plain elsewhere.
    Strong(Cow<'a, str>),
    /// Digits grouped for people, plain in CSV.
    Int(u64),
    /// Rounded for people (`fmt::usd`), every digit in CSV.
    Usd(Usd),
    Float(f64, Shown, Digits),
    /// A low-high pair: one `low-high` cell for people (absent unless both ends are there), two CSV cells.
    Range(Box<Cell<'a>>, Box<Cell<'a>>),
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Self {
        Cell::Text(s.into())
    }

    /// `Empty` when there is no value.
    pub fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Cell<'a>) -> Self {
        v.map_or(Cell::Empty, f)
    }

    pub fn range(lo: Cell<'a>, hi: Cell<'a>) -> Self {
        Cell::Range(Box::new(lo), Box::new(hi))
    }

    /// What people read; `absent` stands for a missing value.
    pub fn human(&self, absent: &str) -> String {
        match self {
            Cell::Empty => absent.to_string(),
            Cell::Text(s) | Cell::Strong(s) => shown(s).into_owned(),
            Cell::Int(n) => thousands(*n),
            Cell::Usd(u) => usd(*u),
            Cell::Float(v, Shown::Times(places), _) => format!("{v:.places$}x"),
            Cell::Float(v, Shown::PerMillion, _) => per_million(*v),
            Cell::Float(v, Shown::Percent, _) => format!("{v:+}%"),
            Cell::Float(v, Shown::Share(places), _) if v.is_finite() => format!("{:.places$}%", v * 100.0),
            Cell::Float(v, Shown::Fixed(places), _) if v.is_finite() => format!("{v:.places$}"),
            Cell::Float(_, Shown::Share(_) | Shown::Fixed(_), _) => absent.to_string(),
            Cell::Float(_, Shown::Plain, _) => self.machine_one(),
            Cell::Range(lo, hi) => match (lo.as_ref(), hi.as_ref()) {
                (Cell::Empty, _) | (_, Cell::Empty) => absent.to_string(),
                (l, h) => format!("{}-{}", l.human(absent), h.human(absent)),
            },
        }
    }

    /// The CSV cells: one, or two for a range.
    pub fn machine(&self, out: &mut Vec<String>) {
        match self {
            Cell::Range(lo, hi) => {
                lo.machine(out);
                hi.machine(out);
            }
            c => out.push(c.machine_one()),
        }
    }

    fn machine_one(&self) -> String {
        match self {
            Cell::Empty | Cell::Range(..) => String::new(),
            Cell::Text(s) | Cell::Strong(s) => super::csv::neutral(s),
            Cell::Int(n) => n.to_string(),
            Cell::Usd(u) => u.to_string(),
            Cell::Float(v, _, Digits::Ratio) => rust_decimal::Decimal::from_f64_retain(*v)
                .map_or_else(String::new, |d| d.round_dp(RATIO_DECIMALS).normalize().to_string()),
            // serde_json writes a non-finite float as `null`: an empty cell, as a JSON null is.
            Cell::Float(v, _, Digits::Json) if !v.is_finite() => String::new(),
            Cell::Float(v, _, Digits::Json) => serde_json::to_string(v).unwrap_or_default(),
        }
    }
}

/// A price per 1M tokens from a float, as the markup table shows it: 4 decimals, trailing zeros dropped.
fn per_million(v: f64) -> String {
    let d = rust_decimal::Decimal::from_f64_retain(v);
    format!(
        "${}",
        d.map_or(v.to_string(), |d| d.round_dp(4).normalize().to_string())
    )
}
