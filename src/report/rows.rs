//! A report's rows read as they are written, so that memory does not grow with them: `--by call`'s calls in input
//! order, and groups too many to hold (a million sessions) in the report's order, dearest first (days, weeks and
//! months in order), through sorted runs on disk.
//!
//! A spilled group is kept as its compact frame behind a sort key that orders as the report does: the cost,
//! greatest first, then the key. It is priced when it is read back, as `build` prices a group in memory, so the
//! rows are the same either way.

use rust_decimal::Decimal;
use std::cell::RefCell;
use std::io;

use super::{Lookup, Report, Row, call_row, group_row};
use crate::call::GroupBy;
use crate::fold::{CallRows, Group, decode_group, encode_group};
use crate::money::Usd;
use crate::pricing::PriceTable;
use crate::spill::{self, Keyed};

/// Rows still to be read.
pub enum Pending {
    /// `--by call`'s calls, in input order.
    Calls(CallRows),
    /// Groups in the report's order.
    Groups(Ordered),
}

/// Groups kept in the report's order: up to a bound in memory, then as sorted runs in temporary files.
pub struct Ordered {
    by: GroupBy,
    frames: Vec<Keyed>,
    runs: Vec<spill::Run>,
    spill_at: usize,
}

/// The digits of a decimal's magnitude as bytes that sort as the numbers do: how many digits before the point,
/// those digits, the digits after it (no trailing zeros), then a 0 that ends the number before anything follows.
fn magnitude(d: Decimal) -> Vec<u8> {
    let digits = d.mantissa().unsigned_abs().to_string();
    let scale = d.scale() as usize;
    let (int, frac) = if digits.len() > scale {
        let (i, f) = digits.split_at(digits.len() - scale);
        (i.trim_start_matches('0').to_string(), f.to_string())
    } else {
        (String::new(), format!("{}{digits}", "0".repeat(scale - digits.len())))
    };
    let mut out = vec![int.len() as u8];
    out.extend_from_slice(int.as_bytes());
    out.extend_from_slice(frac.trim_end_matches('0').as_bytes());
    out.push(0);
    out
}

/// Bytes that sort as `d` does: negative numbers first, the greater magnitude the lower.
fn ascending(d: Decimal) -> Vec<u8> {
    let mut m = magnitude(d);
    if d.is_sign_negative() && !d.is_zero() {
        m.iter_mut().for_each(|b| *b = !*b);
        m.insert(0, 0);
    } else {
        m.insert(0, 1);
    }
    m
}

/// The sort key of a group's row: days, weeks and months by their key; other groups by cost, greatest first,
/// then by key, as `build` orders rows in memory.
pub(super) fn sort_key(by: GroupBy, key: &str, cost: Decimal) -> Vec<u8> {
    match by {
        GroupBy::Day | GroupBy::Week | GroupBy::Month => key.as_bytes().to_vec(),
        _ => {
            // Every byte inverted reverses the order: the encoding is prefix-free, so two keys differ at a byte.
            let mut k: Vec<u8> = ascending(cost).into_iter().map(|b| !b).collect();
            k.extend_from_slice(key.as_bytes());
            k
        }
    }
}

impl Ordered {
    pub(super) fn new(by: GroupBy, spill_at: usize) -> Self {
        Ordered {
            by,
            frames: Vec::new(),
            runs: Vec::new(),
            spill_at: spill_at.max(1),
        }
    }

    /// Keeps a group whose row costs `cost`, writing the groups held out as a sorted run past the bound.
    pub(super) fn push(&mut self, g: &Group, cost: Decimal) -> io::Result<()> {
        self.frames
            .push(Keyed::new(&sort_key(self.by, &g.key, cost), &encode_group(g)));
        if self.frames.len() >= self.spill_at {
            self.frames.sort_unstable_by(|a, b| a.sort_key().cmp(b.sort_key()));
            let file = spill::write_frames(self.frames.iter().map(|k| &k.0))?;
            self.runs.push(Box::new(file));
            self.frames.clear();
        }
        Ok(())
    }

    /// Hands each group to `f`, in the report's order.
    fn each(mut self, mut f: impl FnMut(Group) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let lost = |e: io::Error| anyhow::anyhow!("cannot read back the report's rows from a temporary file: {e}");
        self.frames.sort_unstable_by(|a, b| a.sort_key().cmp(b.sort_key()));
        let mut memory = Vec::new();
        for k in std::mem::take(&mut self.frames) {
            spill::put_frame(&mut memory, &k.0)?;
        }
        let mut runs = std::mem::take(&mut self.runs);
        runs.push(Box::new(io::Cursor::new(memory)));
        let mut merge = spill::Merge::<Keyed>::new(runs).map_err(&lost)?;
        let mut one = Vec::new();
        while merge.next_key(&mut one).map_err(&lost)? {
            for k in &one {
                f(decode_group(k.rest()).map_err(&lost)?)?;
            }
        }
        Ok(())
    }
}

/// The rows still to be read, priced one at a time as they are read back: the output writes each as it comes
/// (CSV, JSON, JSON Lines), or keeps as many as people read (`Report::keep_rows`).
pub struct RowReader<'t> {
    pending: RefCell<Option<Pending>>,
    table: &'t PriceTable,
}

impl<'t> RowReader<'t> {
    pub fn new(pending: Pending, table: &'t PriceTable) -> Self {
        RowReader {
            pending: RefCell::new(Some(pending)),
            table,
        }
    }

    /// Hands each row to `f`, in the report's order. The rows are read once: a second pass is an error.
    pub fn each_row(&self, f: &mut dyn FnMut(&Row) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let pending = self.pending.borrow_mut().take();
        let pending = pending.ok_or_else(|| anyhow::anyhow!("the report's rows were already written"))?;
        let mut lookup = Lookup::new(self.table);
        match pending {
            Pending::Calls(calls) => calls.each(|c| f(&call_row(&mut lookup, &c)?)),
            Pending::Groups(groups) => groups.each(|g| f(&group_row(&mut lookup, &g)?)),
        }
    }

    /// Every row, in memory.
    pub fn collect(&self) -> anyhow::Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.each_row(&mut |r| {
            rows.push(r.clone());
            Ok(())
        })?;
        Ok(rows)
    }
}

/// The rows a report leaves out of what people read: how many, and what they cost together.
#[derive(Debug, Clone, PartialEq)]
pub struct Rest {
    pub rows: u64,
    pub cost_usd: Usd,
}

impl Report {
    /// Keeps the first `top` rows (0: every row), from `rows` when they are still to be read, and says what the
    /// others come to: the table, Markdown and HTML lay out what they show in memory, so they show so many.
    pub fn keep_rows(&mut self, rows: Option<&RowReader>, top: usize) -> anyhow::Result<()> {
        let top = if top == 0 { usize::MAX } else { top };
        let mut rest = Rest {
            rows: 0,
            cost_usd: Usd(Decimal::ZERO),
        };
        let mut add = |r: &Row| {
            rest.rows += 1;
            rest.cost_usd = Usd(rest.cost_usd.0.saturating_add(r.cost().0));
        };
        match rows {
            Some(rows) => rows.each_row(&mut |r| {
                match self.groups.len() < top {
                    true => self.groups.push(r.clone()),
                    false => add(r),
                }
                Ok(())
            })?,
            None if self.groups.len() > top => self.groups.drain(top..).for_each(|r| add(&r)),
            None => {}
        }
        self.rest = (rest.rows > 0).then_some(rest);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn sort_keys_order_as_the_numbers_do() {
        let numbers = [
            "-12.5",
            "-3",
            "-0.25",
            "0",
            "0.00001",
            "0.0001",
            "0.00012",
            "0.45",
            "0.5",
            "1",
            "1.0000001",
            "9.99",
            "10",
            "10.5",
            "123456789012345678.9",
        ];
        let keys: Vec<Vec<u8>> = numbers
            .iter()
            .map(|n| ascending(Decimal::from_str(n).unwrap()))
            .collect();
        for w in keys.windows(2) {
            assert!(w[0] < w[1], "{w:?}");
        }
        // The same number at another scale is the same key.
        assert_eq!(
            ascending(Decimal::from_str("1.50").unwrap()),
            ascending(Decimal::from_str("1.5").unwrap())
        );
        assert_eq!(ascending(Decimal::from_str("-0.0").unwrap()), ascending(Decimal::ZERO));
    }

    #[test]
    fn rows_sort_by_cost_greatest_first_then_by_key() {
        let k = |key: &str, cost: &str| sort_key(GroupBy::Session, key, Decimal::from_str(cost).unwrap());
        let mut keys = vec![k("b", "0.5"), k("a", "0.5"), k("c", "12"), k("ab", "0.05"), k("z", "0")];
        keys.sort();
        assert_eq!(
            keys,
            vec![k("c", "12"), k("a", "0.5"), k("b", "0.5"), k("ab", "0.05"), k("z", "0")]
        );
        // Days in order, whatever they cost.
        let d = |key: &str, cost: &str| sort_key(GroupBy::Day, key, Decimal::from_str(cost).unwrap());
        assert!(d("2026-01-01", "9") < d("2026-01-02", "1"));
    }
}
