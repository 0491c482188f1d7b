//! Command-line paths expanded to the files read: a directory becomes its log files, recursively, in name order.
//!
//! A walk follows links, so it keeps the identity of every directory and file it has read (device and inode on
//! unix, the canonical path elsewhere) and enters or reads none twice: a link back up the tree would otherwise
//! loop without end. It opens nothing it finds that is not a regular file: a FIFO without a writer would wait
//! forever, and a character device such as `/dev/zero` would never end. Paths named on the command line are taken
//! as given: that is how pipes come in.

use std::collections::HashSet;
use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};

/// Extensions read when walking a directory; a file named on the command line is read whatever its name.
const LOG_EXTENSIONS: &[&str] = &["jsonl", "json", "ndjson"];

/// What the command-line paths expand to.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The files to read, in order.
    pub files: Vec<PathBuf>,
    /// Directories that could not be listed: the run reports them and goes on.
    pub errors: Vec<(PathBuf, io::Error)>,
    /// What a walk passed over and why, for warnings.
    pub notes: Vec<String>,
}

/// Expands command-line paths: a directory becomes its log files, recursively; `-` is stdin. The files come out
/// in name order.
pub fn expand_paths(paths: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    for p in paths {
        if p.as_os_str() == "-" || !p.is_dir() {
            out.files.push(p.clone());
            continue;
        }
        // Each path named is walked on its own: naming a directory twice reads it twice, as asked.
        let mut walk = Walk {
            out: &mut out,
            seen: HashSet::new(),
        };
        let before = walk.out.files.len();
        if let Ok(meta) = std::fs::metadata(p) {
            walk.seen.insert(identity(p, &meta));
        }
        walk.dir(p);
        if out.files.len() == before {
            out.notes.push(format!(
                "{}: no log files here (*.jsonl, *.json, *.ndjson, or the same with .gz or .zst)",
                p.display()
            ));
        }
    }
    // Files are read in name order whatever order they were named in, so that every output (`--by call`'s rows
    // included, and which of two equal copies of a response is kept) is the same for the same files, and a merge
    // of partial results, which orders files by name too, gives the same report.
    out.files.sort();
    out
}

/// `x.jsonl`, `x.json`, `x.ndjson`, and the same with `.gz` or `.zst`, whether or not the rest of the name is UTF-8;
/// OpenCode's databases; and `x.csv` when it is a known export.
fn is_log_name(p: &Path) -> bool {
    let Some(name) = p.file_name() else {
        return false;
    };
    // Bytes that are not UTF-8 become U+FFFD; the extension, being ASCII, is unchanged.
    let name = name.to_string_lossy();
    // OpenCode's databases: `opencode.db`, `opencode-<channel>.db`.
    if name.starts_with("opencode") && name.ends_with(".db") {
        return true;
    }
    if name.ends_with(".csv") {
        return csv_export(p);
    }
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let name = name.strip_suffix(".zst").unwrap_or(name);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| LOG_EXTENSIONS.contains(&ext))
}

/// A plain `.csv` file whose first line is the header of a known export (a directory may hold other CSV files,
/// which are no logs).
fn csv_export(p: &Path) -> bool {
    use std::io::Read;
    // Only a regular file is opened: a FIFO would wait for a writer.
    if !std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(p).and_then(|f| f.take(64 << 10).read_to_end(&mut head));
    read.is_ok() && super::csv_rows::csv_head(&head)
}

/// What a file is, as far as a walk cares: the same identity is the same file, whatever path led to it.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

#[cfg(unix)]
fn identity(_: &Path, meta: &Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Elsewhere the canonical path, with every link resolved; a path that cannot be resolved stands for itself.
#[cfg(not(unix))]
fn identity(path: &Path, _: &Metadata) -> Identity {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// What a file that is neither a directory nor a regular file is, in a message.
#[cfg(unix)]
pub fn file_kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
pub fn file_kind(_: &Metadata) -> &'static str {
    "a device"
}

struct Walk<'a> {
    out: &'a mut Expanded,
    /// Every directory entered and file taken in this walk.
    seen: HashSet<Identity>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => return self.out.errors.push((dir.to_path_buf(), e)),
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            // Follows links: a link is read as what it points to.
            let meta = match std::fs::metadata(&p) {
                Ok(m) => m,
                // A link to nowhere: opening it says why it cannot be read.
                Err(_) if is_log_name(&p) => {
                    self.out.files.push(p);
                    continue;
                }
                Err(_) => continue,
            };
            if meta.is_dir() {
                if self.first_time(&p, &meta) {
                    self.dir(&p);
                }
                continue;
            }
            if !is_log_name(&p) {
                continue;
            }
            if !meta.is_file() {
                let kind = file_kind(&meta);
                self.out
                    .notes
                    .push(format!("{}: not a regular file ({kind}): not read", p.display()));
            } else if self.first_time(&p, &meta) {
                self.out.files.push(p);
            }
        }
    }

    /// True the first time this walk meets a directory or file; later meetings are noted and passed over.
    fn first_time(&mut self, p: &Path, meta: &Metadata) -> bool {
        let new = self.seen.insert(identity(p, meta));
        if !new {
            self.out.notes.push(format!(
                "{}: already read through another path: not read again",
                p.display()
            ));
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_names() {
        for (name, log) in [
            ("a.jsonl", true),
            ("a.json.gz", true),
            ("a.ndjson", true),
            ("a.txt", false),
            ("jsonl", false),
            ("a.gz", false),
            ("opencode.db", true),
            ("opencode-beta.db", true),
            ("cache.db", false),
        ] {
            assert_eq!(is_log_name(Path::new(name)), log, "{name}");
        }
    }
}
