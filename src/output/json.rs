//! `--format json`: the `Report` as one pretty-printed JSON document.

use std::io::Write;

use super::Render;
use crate::report::Report;

pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report, w: &mut dyn Write) -> anyhow::Result<()> {
        serde_json::to_writer_pretty(&mut *w, report)?;
        writeln!(w)?;
        Ok(())
    }
}
