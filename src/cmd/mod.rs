//! One module per subcommand, each with its own `run`.

pub mod analyze;
pub mod compare;
pub mod count;
pub mod markup;
pub mod pricing;
pub mod project;

use anyhow::{Context, Result};
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A value as one pretty-printed JSON document.
pub fn write_json<T: Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)?;
    Ok(())
}

/// Rows as CSV, the header taken from the first row's field names.
pub fn write_csv<T: Serialize>(w: &mut dyn Write, rows: &[T]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    for r in rows {
        out.serialize(r)?;
    }
    out.flush()?;
    Ok(())
}

/// Runs `f` on a buffered writer to `path`, or to stdout when there is none, and flushes it.
pub fn with_output(path: Option<&Path>, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match path {
        Some(p) => {
            let file = File::create(p).with_context(|| format!("cannot write {}", p.display()))?;
            let mut w = BufWriter::new(file);
            f(&mut w)?;
            w.flush().with_context(|| format!("cannot write {}", p.display()))
        }
        None => {
            let mut w = BufWriter::new(io::stdout().lock());
            f(&mut w)?;
            Ok(w.flush()?)
        }
    }
}
