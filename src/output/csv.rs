//! `--format csv`: the view's machine columns, one record per row, then the rows only CSV writes (models without a
//! price), and with `--total-row` the totals keyed `TOTAL`. Money is written with every digit (the digits JSON
//! carries), ratios to `RATIO_DECIMALS` places, and an empty cell means "no value".
//!
//! A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula, so a model or session name from
//! the logs could run one on the machine that opens the report. Text cells are neutralised as OWASP recommends (a
//! leading `'`); numbers are numbers and are written as they are, `-25.0` included.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Exporter;
use super::view::{Cell, View};
use crate::fmt::shown;

/// What a spreadsheet reads as the start of a formula. OWASP lists TAB and CR too: `shown` has escaped those, so no
/// cell begins with one.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

/// A text cell as CSV writes it: control characters escaped as a terminal shows them (a report is read with `cat`
/// as often as with a spreadsheet), and a leading `'` before anything a spreadsheet would run.
pub(super) fn neutral(s: &str) -> String {
    let s = shown(s);
    if s.starts_with(FORMULA_START) {
        format!("'{s}")
    } else {
        s.into_owned()
    }
}

pub struct Csv;

/// `--total-row`, a choice the command line makes once for the whole run.
static TOTAL_ROW: AtomicBool = AtomicBool::new(false);

/// Ends CSV with the totals keyed `TOTAL` (`--total-row`).
pub fn write_total_row(on: bool) {
    TOTAL_ROW.store(on, Ordering::Relaxed);
}

fn record<'a>(view: &View, row: &[Cell<'a>]) -> Vec<String> {
    let mut out = Vec::with_capacity(row.len() + 4);
    for (c, cell) in view.columns.iter().zip(row) {
        match (c.name, cell) {
            (None, _) => {}
            // A pair without a value is still two cells.
            (Some(_), Cell::Empty) if c.pair => out.extend([String::new(), String::new()]),
            (Some(_), cell) => cell.machine(&mut out),
        }
    }
    out
}

impl Exporter for Csv {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        let mut out = ::csv::Writer::from_writer(w);
        let mut header = Vec::new();
        for c in &view.columns {
            match c.name {
                Some(name) if c.pair => header.extend([format!("{name}_low"), format!("{name}_high")]),
                Some(name) => header.push(name.to_string()),
                None => {}
            }
        }
        out.write_record(&header)?;
        for row in &view.rows {
            out.write_record(record(view, row))?;
        }
        if let Some(rows) = view.streamed {
            rows.each(&mut |cells| Ok(out.write_record(record(view, cells))?))?;
        }
        for row in &view.machine_rows {
            out.write_record(record(view, row))?;
        }
        if let Some(total) = view.total.as_ref().filter(|_| TOTAL_ROW.load(Ordering::Relaxed)) {
            let mut cells = record(view, total);
            if let Some(key) = cells.first_mut() {
                *key = "TOTAL".into();
            }
            out.write_record(cells)?;
        }
        out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::neutral;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_neutralised() {
        assert_eq!(neutral("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for s in ["+1", "-2+3", "@SUM(A1)"] {
            assert_eq!(neutral(s), format!("'{s}"));
        }
        assert_eq!(neutral("\tx"), "\\u{9}x");
        assert_eq!(neutral("a\nb"), "a\\u{a}b");
        assert_eq!(neutral("openai/gpt-4o"), "openai/gpt-4o");
        assert_eq!(neutral("a=b"), "a=b");
    }
}
