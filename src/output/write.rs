//! Where rendered output goes: stdout or a file, buffered and flushed, and the generic JSON and CSV writers.

use anyhow::{Context, Result};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A value as one pretty-printed JSON document.
pub fn write_json<T: Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)?;
    Ok(())
}

/// Rows as CSV, the header taken from the first row's field names. Each row goes through JSON first, so that money
/// keeps exactly the digits the JSON output carries (`Usd` is an arbitrary-precision JSON number, which the CSV
/// serializer cannot take directly).
pub fn write_csv<T: Serialize>(w: &mut dyn Write, rows: &[T]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    for (i, r) in rows.iter().enumerate() {
        let Fields(fields) = serde_json::from_str(&serde_json::to_string(r)?)?;
        if i == 0 {
            out.write_record(fields.iter().map(|(k, _)| k))?;
        }
        out.write_record(fields.iter().map(|(_, v)| cell(v)))?;
    }
    out.flush()?;
    Ok(())
}

/// A CSV cell of a JSON value: numbers with their digits, strings as they are, null as an empty cell.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON object's fields in the order they were written (serde_json's own map sorts them).
struct Fields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(Visit)
    }
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
