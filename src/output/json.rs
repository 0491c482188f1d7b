//! `--format json`: the command's own serde document (the `Report` for `analyze`, the rows for the others), one
//! pretty-printed JSON document.

use std::io::Write;

use super::Exporter;
use super::view::View;

pub struct Json;

impl Exporter for Json {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        match view.document {
            Some(doc) => doc.write_json(w),
            None => anyhow::bail!("this output has no JSON document"),
        }
    }
}
