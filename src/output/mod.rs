//! Renderers of the one `Report` schema, one module per `--format`, all writing to any `Write`.

mod csv;
mod json;
mod markdown;
pub mod table;
mod write;

pub use write::{with_output, write_csv, write_json};

use std::io::Write;

use crate::report::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}

pub trait Render {
    fn render(&self, report: &Report, w: &mut dyn Write) -> anyhow::Result<()>;
}

pub fn renderer(format: Format) -> Box<dyn Render> {
    match format {
        Format::Table => Box::new(table::Table),
        Format::Csv => Box::new(csv::Csv),
        Format::Json => Box::new(json::Json),
        Format::Markdown => Box::new(markdown::Markdown),
    }
}
