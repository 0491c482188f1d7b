//! `--format csv`: the view's machine columns, one record per row, then the totals keyed `TOTAL`. Money is written
//! with every digit (the digits JSON carries), and an empty cell means "no value".

use std::io::Write;

use super::Exporter;
use super::view::{Cell, View};

pub struct Csv;

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
        if let Some(total) = &view.total {
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
