//! `--format table`: a terminal table for reading, with the view's notes under it. Money is rounded here only;
//! the CSV and JSON formats carry full precision. Cells (through `Cell::human`) and notes are shown through
//! `fmt::shown`: text from the logs cannot send the terminal a control sequence or start a line.

use comfy_table::{CellAlignment, ContentArrangement, Table as Grid, presets};
use std::io::Write;

use super::Exporter;
use super::view::{Align, Media, PartKind, View};
use crate::fmt::shown;

pub struct Table;

/// A terminal table in the style every command uses.
fn grid(view: &View) -> Grid {
    let mut g = Grid::new();
    g.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(view.human_columns().map(|(_, _, t)| t.to_string()).collect::<Vec<_>>());
    for row in view.rows.iter().chain(&view.total) {
        g.add_row(view.human_row(row));
    }
    for (i, (_, c, _)) in view.human_columns().enumerate() {
        if let (Align::Right, Some(col)) = (c.align, g.column_mut(i)) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    g
}

fn parts(w: &mut dyn Write, parts: &[super::view::Part]) -> anyhow::Result<()> {
    for p in parts.iter().filter(|p| p.media != Media::Markdown) {
        match &p.kind {
            PartKind::Line(s) | PartKind::Title(s) | PartKind::Heading(s) => writeln!(w, "{}", shown(s))?,
            PartKind::Item(s) => writeln!(w, "  {}", shown(s))?,
            PartKind::Blank => writeln!(w)?,
            PartKind::Table(v) => writeln!(w, "{}", grid(v))?,
        }
    }
    Ok(())
}

impl Exporter for Table {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        parts(w, &view.head)?;
        // A view whose columns are all for machines says everything to people in its parts.
        if view.human_columns().next().is_some() {
            writeln!(w, "{}", grid(view))?;
        }
        parts(w, &view.tail)
    }
}
