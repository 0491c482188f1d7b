//! OpenCode's SQLite database (`~/.local/share/opencode/opencode.db`, `opencode-<channel>.db` for other release
//! channels), read through the SQLite compiled into tokencost: no system library is needed.
//!
//! Each row of its `message` table (`id`, `session_id`, `data`: the message as JSON text without its id and
//! session) is handed on as one line, the message with `id` and `sessionID` put back, in id order (OpenCode's ids
//! grow with time), so `opencode.rs` reads rows and legacy message files alike. The message's `step-finish` parts
//! (rows of the `part` table: `message_id`, `data`), which hold each step's usage, go with it under
//! `opencode::STEPS`, in part id order. A row that is not a JSON object is handed on as it is and reported at its
//! line, which is its place in that order; a part that is not JSON is no step. The database is opened read-only;
//! OpenCode may keep writing to it.

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::opencode::{STEPS, step};

/// The first bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The messages of `path`, as lines, and how many there are, when it is a SQLite database; `None` for any other
/// file (or one too short to tell).
pub fn lines(path: &Path) -> io::Result<Option<(Box<dyn Read + Send>, u64)>> {
    let mut head = [0u8; 16];
    if File::open(path)?.read_exact(&mut head).is_err() || &head != MAGIC {
        return Ok(None);
    }
    let (text, rows) = messages(path).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(Some((Box::new(io::Cursor::new(text)), rows)))
}

fn messages(path: &Path) -> Result<(Vec<u8>, u64), String> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = Connection::open_with_flags(path, flags).map_err(|e| format!("cannot open the SQLite database: {e}"))?;
    // OpenCode writes while it runs: wait a little for its lock rather than fail.
    db.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| format!("SQLite: {e}"))?;
    let has_table: bool = db
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'message'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| format!("cannot read the SQLite database: {e}"))?;
    if !has_table {
        return Err("a SQLite database without a `message` table: not an OpenCode database".into());
    }
    let mut steps = step_parts(&db)?;
    let mut stmt = db
        .prepare("SELECT id, session_id, data FROM message ORDER BY id")
        .map_err(|e| format!("the `message` table is not OpenCode's: {e}"))?;
    let mut rows = stmt
        .query([])
        .map_err(|e| format!("cannot read the `message` table: {e}"))?;
    let (mut out, mut n) = (Vec::new(), 0);
    while let Some(row) = rows
        .next()
        .map_err(|e| format!("cannot read the `message` table: {e}"))?
    {
        let text = |i: usize| row.get_ref(i).ok().and_then(text_of);
        let data = text(2).unwrap_or_default();
        match serde_json::from_str::<Value>(&data) {
            Ok(Value::Object(mut m)) => {
                for (key, col) in [("id", 0), ("sessionID", 1)] {
                    if let Some(v) = text(col) {
                        m.entry(key).or_insert(Value::String(v));
                    }
                }
                if let Some(s) = text(0).and_then(|id| steps.remove(&id)) {
                    m.insert(STEPS.to_string(), Value::Array(s));
                }
                serde_json::to_writer(&mut out, &Value::Object(m)).map_err(|e| e.to_string())?;
            }
            // Reported where it stands; its text stays on one line.
            _ => out.extend(data.bytes().map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b })),
        }
        out.push(b'\n');
        n += 1;
    }
    Ok((out, n))
}

fn text_of(v: rusqlite::types::ValueRef<'_>) -> Option<String> {
    match v {
        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
            Some(String::from_utf8_lossy(t).into_owned())
        }
        _ => None,
    }
}

/// The `step-finish` parts of every message, by message id, each message's in part id order (OpenCode's part
/// ids grow with time); none when the database has no `part` table (a message is then billed its own counts).
/// Only parts that mention `step-finish` are parsed: the others (text, tool output) are most of the table.
fn step_parts(db: &Connection) -> Result<HashMap<String, Vec<Value>>, String> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    let has_table: bool = db
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'part'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| format!("cannot read the SQLite database: {e}"))?;
    if !has_table {
        return Ok(out);
    }
    let read = |e: rusqlite::Error| format!("cannot read the `part` table: {e}");
    let mut stmt = db
        .prepare("SELECT message_id, data FROM part WHERE data LIKE '%step-finish%' ORDER BY message_id, id")
        .map_err(|e| format!("the `part` table is not OpenCode's: {e}"))?;
    let mut rows = stmt.query([]).map_err(read)?;
    while let Some(row) = rows.next().map_err(read)? {
        let (Some(message), Some(data)) = (
            row.get_ref(0).ok().and_then(text_of),
            row.get_ref(1).ok().and_then(text_of),
        ) else {
            continue;
        };
        if let Some(s) = serde_json::from_str::<Value>(&data).ok().as_ref().and_then(step) {
            out.entry(message).or_default().push(s);
        }
    }
    Ok(out)
}
