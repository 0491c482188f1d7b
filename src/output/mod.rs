//! The rendering layer of every command: a command builds a `View`, and one exporter per `--format` renders it to
//! any `Write`.

mod cell;
pub mod chart;
mod csv;
mod html;
mod json;
mod jsonl;
pub mod markdown;
mod report;
mod report_charts;
mod report_notes;
mod table;
pub mod view;
mod write;

pub use csv::write_total_row;
pub use json::write_json;
pub use jsonl::Lines;
pub use report::{StreamedReport, report_view, streamed_view};
pub use table::keep_every_column;
pub use write::{Destination, with_output};

use std::io::Write;

use view::View;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    Html,
    /// One line per call in tokencost's own input format (`analyze` only).
    Jsonl,
}

impl Format {
    /// The format a file name asks for by its extension; None when it names none (`.txt`, no or another extension).
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "jsonl" => Some(Format::Jsonl),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
        }
    }
}

/// One output format, written once for every view.
pub trait Exporter {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()>;
}

pub fn exporter(format: Format) -> &'static dyn Exporter {
    match format {
        Format::Table => &table::Table,
        Format::Csv => &csv::Csv,
        Format::Json => &json::Json,
        Format::Markdown => &markdown::Markdown,
        Format::Html => &html::Html,
        Format::Jsonl => &jsonl::Jsonl,
    }
}

/// Renders `view` in `format` to where the output goes.
pub fn render(view: &View, format: Format, to: &Destination) -> anyhow::Result<()> {
    // Rows read one at a time are written by the formats that write a row at a time; the others are given theirs
    // whole.
    if view.streamed.is_some() && !matches!(format, Format::Csv | Format::Json | Format::Jsonl) {
        anyhow::bail!("{} is not written a row at a time", format.name());
    }
    // Only a table people read on stdout is narrowed to their terminal; a file keeps every column.
    if let (Format::Table, Destination::Stdout) = (format, to) {
        return with_output(to, |w| table::Fitted(table::stdout_width()).export(view, w));
    }
    with_output(to, |w| exporter(format).export(view, w))
}
