//! `--format json`: the `Report` as one pretty-printed JSON document.

use std::io::Write;

use super::Render;
use super::write_json;
use crate::report::Report;

pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report, w: &mut dyn Write) -> anyhow::Result<()> {
        write_json(w, report)
    }
}
