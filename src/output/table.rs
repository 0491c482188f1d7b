//! `--format table`: a terminal table for reading, with the view's notes under it. Money is rounded here only;
//! the CSV and JSON formats carry full precision. Cells (through `Cell::human`) and notes are shown through
//! `fmt::shown`: text from the logs cannot send the terminal a control sequence or start a line.
//!
//! On a terminal narrower than the table, the columns a view marks `droppable` are left out, highest level first,
//! and a line says which (`--wide` keeps them all); a table still too wide wraps its text cells. Output to a file or
//! a pipe is never narrowed unless `COLUMNS` asks for a width.

use comfy_table::{CellAlignment, ContentArrangement, Table as Grid, presets};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::Exporter;
use super::view::{Align, Media, PartKind, View};
use crate::fmt::colour::{self, Paint};
use crate::fmt::shown;

/// A table at its full width: `Table` itself, and what `Fitted` falls back to without a width.
pub struct Table;

/// A table on stdout: narrowed to a width of characters when there is one, and in colour when stdout takes it.
pub struct Fitted(pub Option<usize>);

/// `--wide`, a choice of presentation the command line makes once for the whole run.
static WIDE: AtomicBool = AtomicBool::new(false);

/// Keeps every column however narrow the terminal (`--wide`).
pub fn keep_every_column(wide: bool) {
    WIDE.store(wide, Ordering::Relaxed);
}

/// The width a table on stdout must fit: `COLUMNS` when set, else the terminal's when stdout is one; none with
/// `--wide`, or in a pipe or file.
pub fn stdout_width() -> Option<usize> {
    if WIDE.load(Ordering::Relaxed) {
        return None;
    }
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
    {
        return (n > 0).then_some(n);
    }
    let out = std::io::stdout();
    if !out.is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(&out).map(|(w, _)| usize::from(w.0))
}

/// A terminal table in the style every command uses, of the view's human columns at or below `level` (`u8::MAX`:
/// all of them).
fn grid(view: &View, level: u8) -> Grid {
    let shown_cols: Vec<usize> = view
        .human_columns()
        .filter(|(_, c, _)| c.drop <= level)
        .map(|(i, _, _)| i)
        .collect();
    let mut g = Grid::new();
    g.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(
            view.human_columns()
                .filter(|(_, c, _)| c.drop <= level)
                .map(|(_, _, t)| t.to_string())
                .collect::<Vec<_>>(),
        );
    for row in view.rows.iter().chain(&view.total) {
        g.add_row(
            shown_cols
                .iter()
                .map(|&i| row[i].human(view.absent))
                .collect::<Vec<_>>(),
        );
    }
    for (n, &i) in shown_cols.iter().enumerate() {
        if let (Align::Right, Some(col)) = (view.columns[i].align, g.column_mut(n)) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    g
}

/// The widest line of a rendered table, in characters.
fn width_of(g: &Grid) -> usize {
    g.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// The table at `width` or less if it can be: droppable columns left out, highest level first, then text cells
/// wrapped. Returns the table and the titles of the columns left out.
fn fitted(view: &View, width: Option<usize>) -> (Grid, Vec<String>) {
    let full = grid(view, u8::MAX);
    let Some(width) = width else {
        return (full, Vec::new());
    };
    if width_of(&full) <= width {
        return (full, Vec::new());
    }
    let mut levels: Vec<u8> = view
        .human_columns()
        .map(|(_, c, _)| c.drop)
        .filter(|&d| d > 0)
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut g = full;
    let mut level = u8::MAX;
    // Drop the highest level left, then the next, until the table fits or only columns of level 0 remain.
    while width_of(&g) > width {
        let Some(next) = levels.pop() else { break };
        level = next - 1;
        g = grid(view, level);
    }
    let left_out = view
        .human_columns()
        .filter(|(_, c, _)| c.drop > level)
        .map(|(_, _, t)| t.to_string())
        .collect();
    if width_of(&g) > width {
        g.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    (g, left_out)
}

fn parts(w: &mut dyn Write, parts: &[super::view::Part], width: Option<usize>, paint: bool) -> anyhow::Result<()> {
    for p in parts.iter().filter(|p| p.media != Media::Markdown) {
        match &p.kind {
            PartKind::Line(s) if p.alert && paint => writeln!(w, "{}", colour::stdout(Paint::Yellow, &shown(s)))?,
            PartKind::Line(s) | PartKind::Title(s) | PartKind::Heading(s) => writeln!(w, "{}", shown(s))?,
            PartKind::Item(s) => writeln!(w, "  {}", shown(s))?,
            PartKind::Blank => writeln!(w)?,
            PartKind::Table(v) => table(w, v, width)?,
        }
    }
    Ok(())
}

fn table(w: &mut dyn Write, view: &View, width: Option<usize>) -> anyhow::Result<()> {
    let (g, left_out) = fitted(view, width);
    writeln!(w, "{g}")?;
    if !left_out.is_empty() {
        writeln!(w, "Hidden at this width: {}; --wide shows them.", left_out.join(", "))?;
    }
    Ok(())
}

fn export(view: &View, w: &mut dyn Write, width: Option<usize>, paint: bool) -> anyhow::Result<()> {
    parts(w, &view.head, width, paint)?;
    // A view whose columns are all for machines says everything to people in its parts.
    if view.human_columns().next().is_some() {
        table(w, view, width)?;
    }
    parts(w, &view.tail, width, paint)
}

impl Exporter for Table {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        export(view, w, None, false)
    }
}

impl Exporter for Fitted {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        export(view, w, self.0, true)
    }
}
