//! What a command shows, before any format: columns, typed cells, rows, and the parts printed around the table.
//!
//! A command builds a `View`; each exporter renders it once. A column has a machine name (CSV header) and a human
//! title (table and Markdown header); either may be absent, so CSV can carry exact figures that the table folds
//! into one readable cell. JSON is the command's own serde document, carried by the view as it is.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

pub use super::cell::{Cell, Digits, Shown};
pub use super::chart::Chart;

/// A command's serde document: what `--format json` writes.
pub trait Document {
    fn write_json(&self, w: &mut dyn Write) -> anyhow::Result<()>;
}

impl<T: Serialize> Document for T {
    fn write_json(&self, w: &mut dyn Write) -> anyhow::Result<()> {
        super::write_json(w, self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Numbers read best right-aligned.
    Right,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// The CSV header; a range column writes `{name}_low` and `{name}_high`. None: not in CSV.
    pub name: Option<&'static str>,
    /// The table and Markdown header. None: not shown to people.
    pub title: Option<Cow<'static, str>>,
    pub align: Align,
    /// A low-high column: two CSV columns, `{name}_low` and `{name}_high`, one cell for people.
    pub pair: bool,
    /// How soon the terminal table leaves the column out when it is wider than the terminal: 0 never, and the
    /// highest level first. Other formats show every column.
    pub drop: u8,
}

impl Column {
    pub fn both(name: &'static str, title: impl Into<Cow<'static, str>>) -> Self {
        Column {
            name: Some(name),
            title: Some(title.into()),
            align: Align::Left,
            pair: false,
            drop: 0,
        }
    }

    /// A column only CSV writes (exact figures, or fields too wide for a terminal).
    pub fn machine(name: &'static str) -> Self {
        Column {
            name: Some(name),
            title: None,
            align: Align::Left,
            pair: false,
            drop: 0,
        }
    }

    /// A column only people see (a sum or a phrase made for reading).
    pub fn human(title: impl Into<Cow<'static, str>>) -> Self {
        Column {
            name: None,
            title: Some(title.into()),
            align: Align::Left,
            pair: false,
            drop: 0,
        }
    }

    pub fn right(mut self) -> Self {
        self.align = Align::Right;
        self
    }

    /// Its cells are `Cell::Range`s.
    pub fn pair(mut self) -> Self {
        self.pair = true;
        self
    }

    /// Left out of a terminal table too narrow for it, before columns of lower levels (see `drop`).
    pub fn droppable(mut self, level: u8) -> Self {
        self.drop = level;
        self
    }
}

/// Which human formats show a part: the terminal table and the Markdown document may say things differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Both,
    Table,
    Markdown,
}

#[derive(Debug)]
pub enum PartKind<'a> {
    /// A line of text: a line under the table, a paragraph in Markdown.
    Line(String),
    /// An empty line in the table; Markdown separates its blocks anyway.
    Blank,
    /// A document's headline (`##`) and a section's heading (`###`) in Markdown.
    Title(String),
    Heading(String),
    /// A list item: indented in the table, `- ` in Markdown; consecutive items form one list.
    Item(String),
    /// A table of its own (its parts are not rendered).
    Table(Box<View<'a>>),
}

/// Text before or after the table, for people: CSV and JSON leave it out.
#[derive(Debug)]
pub struct Part<'a> {
    pub media: Media,
    pub kind: PartKind<'a>,
    /// Something a reader must not miss (a model without a price): in colour on a terminal.
    pub alert: bool,
}

impl<'a> Part<'a> {
    pub fn line(s: impl Into<String>) -> Self {
        Part {
            media: Media::Both,
            kind: PartKind::Line(s.into()),
            alert: false,
        }
    }

    pub fn item(s: impl Into<String>) -> Self {
        Part {
            media: Media::Both,
            kind: PartKind::Item(s.into()),
            alert: false,
        }
    }

    pub fn blank() -> Self {
        Part {
            media: Media::Both,
            kind: PartKind::Blank,
            alert: false,
        }
    }

    pub fn of(media: Media, kind: PartKind<'a>) -> Self {
        Part {
            media,
            kind,
            alert: false,
        }
    }

    /// This part, marked as something a reader must not miss.
    pub fn alerting(mut self) -> Self {
        self.alert = true;
        self
    }
}

/// A command's output before it is rendered.
pub struct View<'a> {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell<'a>>>,
    /// A closing row of totals: bold in Markdown, keyed `TOTAL` in CSV's first column (only with `--total-row`:
    /// a total inside the data doubles a spreadsheet's sum).
    pub total: Option<Vec<Cell<'a>>>,
    /// Rows only CSV writes, after the others: what people read in the notes instead (models without a price).
    pub machine_rows: Vec<Vec<Cell<'a>>>,
    /// What people read for a missing value.
    pub absent: &'static str,
    pub head: Vec<Part<'a>>,
    pub tail: Vec<Part<'a>>,
    /// What `--format json` writes; None for a table inside a view.
    pub document: Option<&'a dyn Document>,
    /// Drawn above the table by the HTML report; the other formats leave them out.
    pub charts: Vec<Chart>,
    /// What `--format jsonl` writes: `analyze`'s calls as input again; None for every other view.
    pub lines: Option<&'a dyn super::Lines>,
    /// Rows still to be read, written by CSV after `rows`, one at a time (`analyze --by call`): the formats that
    /// lay out a whole table are given their rows in `rows` instead.
    pub streamed: Option<&'a dyn RowStream>,
}

/// Rows produced one at a time, each handed to `f` as its cells, in the view's columns.
pub trait RowStream {
    fn each(&self, f: &mut dyn FnMut(&[Cell]) -> anyhow::Result<()>) -> anyhow::Result<()>;
}

impl std::fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("columns", &self.columns)
            .field("rows", &self.rows.len())
            .finish_non_exhaustive()
    }
}

impl<'a> View<'a> {
    pub fn new(columns: Vec<Column>, document: &'a dyn Document) -> Self {
        View {
            document: Some(document),
            ..View::table(columns)
        }
    }

    /// A table with no document: a part of a bigger view.
    pub fn table(columns: Vec<Column>) -> Self {
        View {
            columns,
            rows: Vec::new(),
            total: None,
            machine_rows: Vec::new(),
            absent: "n/a",
            head: Vec::new(),
            tail: Vec::new(),
            document: None,
            charts: Vec::new(),
            lines: None,
            streamed: None,
        }
    }

    /// The columns people see, by index, with their titles.
    pub fn human_columns(&self) -> impl Iterator<Item = (usize, &Column, &str)> {
        self.columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.title.as_deref().map(|t| (i, c, t)))
    }

    /// A row's cells as people read them, in the order of `human_columns`.
    pub fn human_row(&self, row: &[Cell]) -> Vec<String> {
        self.human_columns()
            .map(|(i, _, _)| row[i].human(self.absent))
            .collect()
    }
}
