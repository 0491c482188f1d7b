//! Where rendered output goes: stdout or a file, buffered and flushed.
//!
//! A reader that closes stdout early (`tokencost ... | head`) ends the output quietly and changes nothing else: the
//! command goes on to its verdict (budgets, exit code). A report for `-o FILE` is written to a temporary file beside
//! it and renamed over it once complete, so a failed write (a full disk) never leaves a truncated report that could
//! begin "within budget"; the old file stays as it was.

use anyhow::{Context, Result, bail};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where a command writes its output: `-o FILE`, or stdout (also `-o -`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// Runs `f` on a buffered writer to the destination and flushes it. Every error names the file; a closed pipe is
/// no error.
pub fn with_output(to: &Destination, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match to {
        Destination::Stdout => direct(io::stdout().lock(), f),
        Destination::File(p) => to_file(p, f).with_context(|| format!("cannot write {}", p.display())),
    }
}

/// A writer that remembers whether its reader went away.
struct Watched<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Watched<W> {
    fn saw<T>(&mut self, r: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &r {
            self.closed |= e.kind() == io::ErrorKind::BrokenPipe;
        }
        r
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        self.saw(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush();
        self.saw(r)
    }
}

/// Writes in place: stdout, a device, a pipe. A closed pipe ends the output without an error, whatever the format's
/// writer made of it (the CSV and JSON writers wrap the I/O error in their own).
fn direct(inner: impl Write, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut w = BufWriter::new(Watched { inner, closed: false });
    let r = f(&mut w).and_then(|()| Ok(w.flush()?));
    match r {
        Err(_) if w.get_ref().closed => Ok(()),
        r => r,
    }
}

fn to_file(p: &Path, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let existing = fs::metadata(p).ok();
    match &existing {
        // Renaming over a device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) would replace it with a file.
        Some(m) if !m.is_file() => return direct(File::create(p)?, f),
        // Renaming would succeed where writing would not: a read-only report stays as it is.
        Some(m) if m.permissions().readonly() => bail!("it is read-only"),
        _ => {}
    }
    // Through a link, to the file it names: the link stays a link.
    let target = fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // As `File::create` would create it (the umask applies), not the owner-only mode of a temporary file.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let Ok(mut tmp) = builder.tempfile_in(dir) else {
        // No temporary file beside it (a directory we may not write): the file itself, as before.
        return direct(File::create(p)?, f);
    };
    if let Some(m) = &existing {
        fs::set_permissions(tmp.path(), m.permissions())?;
    }
    let mut w = BufWriter::new(tmp.as_file_mut());
    f(&mut w)?;
    w.flush()?;
    drop(w);
    // Written to the disk before it replaces anything: a crash leaves the old report or the new one.
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

impl Destination {
    /// Refuses a `-o` file that is one of the files a command reads (by another name, or through a link): the report
    /// would replace the log it was made from.
    pub fn refuse_overwriting(&self, reads: &[PathBuf]) -> Result<()> {
        let Destination::File(out) = self else {
            return Ok(());
        };
        let Some(target) = identity(out) else {
            return Ok(()); // not there yet: no input
        };
        for input in reads.iter().filter(|p| p.as_os_str() != "-") {
            if identity(input).as_ref() == Some(&target) {
                bail!(
                    "-o {} is {}, which is being read: the report would replace it; write it to another file",
                    out.display(),
                    input.display()
                );
            }
        }
        Ok(())
    }
}

/// What makes a file itself, whatever its name: its device and inode on Unix (hard links too), else its canonical
/// path (links resolved).
#[cfg(unix)]
fn identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(p: &Path) -> Option<PathBuf> {
    fs::canonicalize(p).ok()
}
