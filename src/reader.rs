//! The reader thread: every file in turn, in batches of about 2 MB of whole lines (several small files share one),
//! handed to the folding thread with the messages that open and close files, in input order. At most two batches
//! wait in the channel, so memory does not grow with the input; their buffers come back to be filled again. A
//! large plain file is not read here: it is handed over whole, and the workers read it in chunks (`whole_file`).

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};

use crate::call::FileNames;
use crate::input::{
    Batch, FileExt, LineReader, Lines, csv_head, named_file, needs_stream, project_folder, project_root, record_lines,
};

/// Bytes read per batch: big enough to keep every core busy, small enough to bound memory.
pub const BATCH_BYTES: usize = 2 << 20;
/// The first batch is smaller, and each next one twice the last up to `BATCH_BYTES`: the workers wait for the
/// first batch, so it should be quick to read.
const FIRST_BATCH_BYTES: usize = 256 << 10;

/// What the reader thread hands to the folding thread, in input order: a file is opened before any batch holds its
/// lines, and closed after the last such batch.
pub enum Read {
    Opened {
        file_no: usize,
        names: FileNames,
        /// The project the file's place names, for a log that names its own only by a hash (Gemini CLI's).
        project: Option<Arc<str>>,
    },
    Batch(Batch),
    Failed(String),
    /// Something about an input worth a warning.
    Note(String),
    Closed {
        label: String,
    },
    /// A large plain file, read by the workers themselves (`whole_file`).
    Whole {
        file_no: usize,
        file: File,
        len: u64,
    },
}

/// Files at least this large, plain and seekable, are read by the workers rather than by the reader thread.
const WHOLE_FILE_BYTES: u64 = 4 << 20;

/// An input opened: a large plain file that the workers read (`whole_file`), or a stream that this thread reads
/// (JSON lines, or a CSV export's rows).
enum Opened {
    Whole(File, u64),
    Stream(Lines),
    /// A database without a message: read, and said to hold none.
    Empty(LineReader),
}

/// Opens `path` (stdin for `-`) once, and decides how it is read: by the workers when it is a regular file, large,
/// and plain UTF-8 (gzip and UTF-16 can only be read in order). A device that is neither a file nor a stream is
/// refused (`named_file`).
fn open(path: &Path, max_line: usize) -> std::io::Result<Opened> {
    if path.as_os_str() == "-" {
        return Lines::open(Box::new(std::io::stdin()), None, max_line).map(Opened::Stream);
    }
    let file = File::open(path)?;
    let size = named_file(&file)?;
    // A database (OpenCode's) is read through SQLite, its rows handed on as lines; an OpenCode message file with
    // its step parts beside it, as one line.
    if size.is_some()
        && let Some((rows, n)) = record_lines(path)?
    {
        let reader = LineReader::new(rows, None)?.with_max_line(max_line);
        return Ok(if n == 0 {
            Opened::Empty(reader)
        } else {
            Opened::Stream(Lines::Json(reader))
        });
    }
    if let Some(len) = size
        && len >= WHOLE_FILE_BYTES
    {
        // A positioned read: on unix the stream, if it comes to that, still starts at the first byte.
        // Its first line too: a CSV export is read in order, record by record.
        let mut head = vec![0u8; 64 << 10];
        let got = file.read_at(&mut head, 0).unwrap_or(0);
        if got >= 8 && !needs_stream(&head[..got]) && !csv_head(&head[..got]) {
            return Ok(Opened::Whole(file, len));
        }
        // Elsewhere the read may have moved the file's cursor.
        #[cfg(not(unix))]
        std::io::Seek::rewind(&mut &file)?;
    }
    Lines::open(Box::new(file), size, max_line).map(Opened::Stream)
}

/// Small messages sent at once, so that the channel's bound counts batches, not files opened.
const MAX_EVENTS: usize = 1024;

/// The reader thread's state: the batch being filled, and the messages to send with it.
struct Reader<'a> {
    tx: &'a SyncSender<Vec<Read>>,
    recycled: &'a Receiver<Vec<u8>>,
    batch: Batch,
    out: Vec<Read>,
    /// Files whose lines are all in `batch`, closed once it is sent.
    ended: Vec<String>,
    /// Bytes to read into this batch.
    limit: usize,
    /// The longest line kept.
    max_line: usize,
    /// The project each Gemini CLI project folder met so far names: read once per folder.
    places: HashMap<PathBuf, Option<Arc<str>>>,
}

impl Reader<'_> {
    fn fresh(&self) -> Batch {
        Batch {
            buf: self.recycled.try_recv().unwrap_or_default(),
            lines: Vec::new(),
        }
    }

    /// Queues a message; sends the queue when it is long. False when the receiver is gone.
    fn event(&mut self, msg: Read) -> bool {
        self.out.push(msg);
        self.out.len() < MAX_EVENTS || self.send()
    }

    /// Sends the batch, when it holds lines, with the messages before it and the files it ends.
    fn flush(&mut self) -> bool {
        if !self.batch.lines.is_empty() {
            let fresh = self.fresh();
            let full = std::mem::replace(&mut self.batch, fresh);
            self.out.push(Read::Batch(full));
            self.limit = (self.limit * 2).min(BATCH_BYTES);
        }
        self.batch.buf.clear();
        let ended = std::mem::take(&mut self.ended);
        self.out.extend(ended.into_iter().map(|label| Read::Closed { label }));
        self.send()
    }

    fn send(&mut self) -> bool {
        self.out.is_empty() || self.tx.send(std::mem::take(&mut self.out)).is_ok()
    }

    /// The project `path`'s place names (the Gemini CLI project folder it lies in), if any.
    fn place(&mut self, path: &Path) -> Option<Arc<str>> {
        let folder = project_folder(path)?;
        self.places
            .entry(folder.to_path_buf())
            .or_insert_with(|| project_root(folder).map(Arc::from))
            .clone()
    }

    /// Reads one file into batches; false when the receiver is gone.
    fn file(&mut self, file_no: usize, path: &Path) -> bool {
        let label = file_label(path);
        let project = self.place(path);
        let mut reader = match open(path, self.max_line) {
            Ok(Opened::Stream(r)) => r,
            Ok(Opened::Empty(r)) => {
                let note = format!("{label}: a database without any message yet: no calls");
                if !self.event(Read::Note(note)) {
                    return false;
                }
                Lines::Json(r)
            }
            Ok(Opened::Whole(file, len)) => {
                let names = names(path, &label);
                // The batch read so far goes first, so that lines stay in input order.
                if !self.flush()
                    || !self.event(Read::Opened {
                        file_no,
                        names,
                        project,
                    })
                {
                    return false;
                }
                self.out.push(Read::Whole { file_no, file, len });
                self.out.push(Read::Closed { label });
                return self.send();
            }
            Err(e) => return self.event(Read::Failed(format!("{label}: cannot read: {e}"))),
        };
        let names = names(path, &label);
        if !self.event(Read::Opened {
            file_no,
            names,
            project,
        }) {
            return false;
        }
        loop {
            match reader.fill(&mut self.batch, file_no, self.limit) {
                Ok(done) => {
                    if done {
                        self.ended.push(label.clone());
                    }
                    if self.batch.buf.len() >= self.limit && !self.flush() {
                        return false;
                    }
                    if done {
                        return true;
                    }
                }
                Err(e) => {
                    // The lines read before the failure are still used.
                    let msg = format!("{label}: read failed after line {}: {e}", reader.lines_read());
                    self.ended.push(label);
                    return self.flush() && self.event(Read::Failed(msg));
                }
            }
        }
    }
}

/// Reads every file in turn into batches of about `BATCH_BYTES` (several small files share one), lines of at most
/// `max_line` bytes, into `tx`; stops early when the receiver is gone. Buffers of batches that are done with come
/// back through `recycled`.
pub fn read_all(files: &[PathBuf], max_line: usize, tx: &SyncSender<Vec<Read>>, recycled: &Receiver<Vec<u8>>) {
    let mut r = Reader {
        tx,
        recycled,
        batch: Batch::default(),
        out: Vec::new(),
        ended: Vec::new(),
        limit: FIRST_BATCH_BYTES,
        max_line,
        places: HashMap::new(),
    };
    r.batch = r.fresh();
    for (file_no, path) in files.iter().enumerate() {
        if !r.file(file_no, path) {
            return;
        }
    }
    r.flush();
}

/// How a file is named in reports: its label, and the session of calls that name none.
fn names(path: &Path, label: &str) -> FileNames {
    let session_fallback = path
        .file_name()
        .map_or(label.to_string(), |n| n.to_string_lossy().into_owned());
    FileNames {
        label: label.to_string(),
        session_fallback,
    }
}

pub fn file_label(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}
