//! A large plain file is read by the workers themselves, a chunk each at a time (`input::read_chunk`), instead of by
//! the reader thread: the kernel's copy of the bytes, which is most of the work when counting is cached, then runs
//! on every core, and each chunk is parsed while it is still in the cache of the core that read it. Results are
//! folded in file order; the workers run at most `WINDOW` chunks ahead of the fold, so memory stays bounded.

use indicatif::ProgressBar;
use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Condvar, Mutex};

use crate::diag::Diag;
use crate::engine::{Engine, LineResult, OpenFile, fold_line, process};
use crate::fold::Fold;
use crate::input::{ChunkBuf, LineError, read_chunk};

/// Bytes a worker reads at a time: well within a core's cache.
const CHUNK_BYTES: u64 = 1 << 20;
/// Chunks read and parsed ahead of the one being folded.
const WINDOW: u64 = 16;

/// Which chunk goes next, and how far the fold has got.
struct Progress {
    next: u64,
    folded: u64,
    stop: bool,
}

struct Shared<'a> {
    file: &'a File,
    len: u64,
    chunks: u64,
    progress: Mutex<Progress>,
    moved: Condvar,
}

type ChunkResult = io::Result<Vec<LineResult>>;

impl Engine<'_> {
    /// Reads, parses and counts the file `file` of `len` bytes on every worker, and folds its lines in order.
    pub(crate) fn fold_whole(
        &self,
        fold: &mut Fold,
        diag: &mut Diag,
        (open, file_no): (&mut OpenFile, usize),
        (file, len): (&File, u64),
        bar: Option<&ProgressBar>,
    ) {
        let shared = Shared {
            file,
            len,
            chunks: len.div_ceil(CHUNK_BYTES),
            progress: Mutex::new(Progress {
                next: 0,
                folded: 0,
                stop: false,
            }),
            moved: Condvar::new(),
        };
        let (tx, rx) = channel::<(u64, ChunkResult)>();
        std::thread::scope(|scope| {
            let shared = &shared;
            let feeder = std::thread::Builder::new()
                .name("tokencost chunks".into())
                .spawn_scoped(scope, move || {
                    self.pool.broadcast(|_| self.work(shared, &tx));
                });
            if let Err(e) = feeder {
                diag.error(&format!(
                    "{}: cannot start the thread that hands out its chunks: {e}",
                    open.label
                ));
                fold.file_unreadable();
            }
            let mut waiting = BTreeMap::new();
            let mut number = 0;
            let mut next = 0;
            let mut stopped = false;
            for (k, result) in rx {
                // After a failed read, what the workers still send is dropped.
                if stopped {
                    continue;
                }
                waiting.insert(k, result);
                while let Some(result) = waiting.remove(&next) {
                    next += 1;
                    match result {
                        Ok(lines) => {
                            for line in lines {
                                number += 1;
                                let line = self.in_order(&mut open.context, line);
                                fold_line(fold, diag, &open.label, (file_no, number), line);
                            }
                        }
                        Err(e) => {
                            // The lines before the failure are still used; none after it.
                            diag.error(&format!("{}: read failed after line {number}: {e}", open.label));
                            fold.file_unreadable();
                            stopped = true;
                        }
                    }
                    if let Some(b) = bar {
                        b.inc(CHUNK_BYTES.min(len - (next - 1) * CHUNK_BYTES));
                        b.set_message(format!("{} lines", fold.stats().lines));
                    }
                    let mut p = shared.progress.lock().unwrap_or_else(|p| p.into_inner());
                    p.folded = next;
                    p.stop = stopped;
                    shared.moved.notify_all();
                    if stopped {
                        waiting.clear();
                        break;
                    }
                }
            }
        });
    }

    /// One worker: takes the next chunk while the fold is not too far behind, reads it, and sends its lines' results.
    fn work(&self, shared: &Shared, tx: &Sender<(u64, ChunkResult)>) {
        let mut buf = ChunkBuf::default();
        loop {
            let k = {
                let mut p = shared.progress.lock().unwrap_or_else(|p| p.into_inner());
                while !p.stop && p.next < shared.chunks && p.next >= p.folded + WINDOW {
                    p = shared.moved.wait(p).unwrap_or_else(|p| p.into_inner());
                }
                if p.stop || p.next >= shared.chunks {
                    return;
                }
                p.next += 1;
                p.next - 1
            };
            let start = k * CHUNK_BYTES;
            let end = (start + CHUNK_BYTES).min(shared.len);
            let result = read_chunk(shared.file, (start, end), self.max_line, &mut buf).map(|lines| {
                lines
                    .iter()
                    .map(|l| match l {
                        Some(l) => process(buf.bytes(l), self.table, self.retarget),
                        None => Err(LineError::too_long(self.max_line)),
                    })
                    .collect()
            });
            if tx.send((k, result)).is_err() {
                return;
            }
        }
    }
}
