//! OpenCode's legacy store: a message is a file, `storage/message/<sessionID>/msg_*.json`, and each of its parts
//! another, `storage/part/<messageID>/prt_*.json`. The usage of each step of a message is in its `step-finish`
//! parts (see `opencode.rs`), so an assistant message's file is read with them: handed on as one line, the
//! message with its steps under `opencode::STEPS`, in part file name order (OpenCode's part ids grow with time).
//!
//! A message without such parts, or a file that is not one JSON object, is left to the ordinary reader (which
//! reports what is wrong with it, at its line). Parts that cannot be read or parsed are no steps: the message is
//! then billed from what can be read, at worst its own counts.

use serde_json::Value;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::opencode::{STEPS, step};

/// A message file larger than this is not an OpenCode message: it is left to the ordinary reader, which reads
/// any file in bounded pieces.
const MAX_MESSAGE_BYTES: u64 = 16 << 20;

/// The folder of a message file's parts, when `path` is named as a legacy message file is:
/// `<storage>/message/<sessionID>/msg_<id>.json` has its parts in `<storage>/part/msg_<id>/`.
fn parts_dir(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".json").filter(|s| s.starts_with("msg_"))?;
    let session = path.parent()?;
    let messages = session.parent()?;
    if messages.file_name()? != "message" {
        return None;
    }
    Some(messages.parent()?.join("part").join(stem))
}

/// The `step-finish` parts in `dir`, in file name order.
fn steps(dir: &Path) -> Vec<Value> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .filter(|p| fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_MESSAGE_BYTES))
        .filter_map(|p| fs::read(p).ok())
        .filter_map(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter_map(|part| step(&part))
        .collect()
}

/// An assistant message of the legacy store with its steps, as one line, when `path` is one and has steps;
/// `None` for any other file.
pub fn lines(path: &Path) -> io::Result<Option<(Box<dyn Read + Send>, u64)>> {
    let Some(dir) = parts_dir(path) else {
        return Ok(None);
    };
    if fs::metadata(path)?.len() > MAX_MESSAGE_BYTES || !dir.is_dir() {
        return Ok(None);
    }
    let Ok(Value::Object(mut message)) = serde_json::from_slice::<Value>(&fs::read(path)?) else {
        return Ok(None);
    };
    if message.get("role").and_then(Value::as_str) != Some("assistant") {
        return Ok(None);
    }
    let steps = steps(&dir);
    if steps.is_empty() {
        return Ok(None);
    }
    message.insert(STEPS.to_string(), Value::Array(steps));
    let mut line = serde_json::to_vec(&Value::Object(message)).map_err(io::Error::other)?;
    line.push(b'\n');
    Ok(Some((Box::new(io::Cursor::new(line)), 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_message_files_of_the_store_have_parts() {
        assert_eq!(
            parts_dir(Path::new("/d/storage/message/ses_1/msg_01ab.json")),
            Some(PathBuf::from("/d/storage/part/msg_01ab"))
        );
        assert_eq!(parts_dir(Path::new("/d/storage/part/msg_01ab/prt_1.json")), None);
        assert_eq!(parts_dir(Path::new("/d/logs/ses_1/msg_01ab.json")), None);
        assert_eq!(parts_dir(Path::new("/d/storage/message/ses_1/other.json")), None);
    }
}
