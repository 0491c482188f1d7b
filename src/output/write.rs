//! Where rendered output goes: stdout or a file, buffered and flushed, and the JSON writer every document uses.

use anyhow::{Context, Result};
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

/// Where a command writes its output: `-o FILE`, or stdout (also `-o -`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// A value as one pretty-printed JSON document.
pub fn write_json<T: Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)?;
    Ok(())
}

/// Runs `f` on a buffered writer to the destination and flushes it.
pub fn with_output(to: &Destination, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match to {
        Destination::File(p) => {
            let file = File::create(p).with_context(|| format!("cannot write {}", p.display()))?;
            let mut w = BufWriter::new(file);
            f(&mut w)?;
            w.flush().with_context(|| format!("cannot write {}", p.display()))
        }
        Destination::Stdout => {
            let mut w = BufWriter::new(io::stdout().lock());
            f(&mut w)?;
            Ok(w.flush()?)
        }
    }
}
