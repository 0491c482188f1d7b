//! Merging partial results: every partial is read twice, first whole to check it (its header, its files, its last
//! line's count and digest), then piece by piece into one fold, which settles the waiting copies of all of them
//! together.
//!
//! The merge numbers the files of all partials in one order that does not depend on the order the partials are
//! named in: by file name (as a directory's files are read), then by the partial's digest when two machines read
//! files of the same name. So places, and every tie-break that ends on one, mean the same in any order.

use anyhow::{Context, Result, bail};
use rustc_hash::FxHashMap as HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::Xxh3;

use super::lines::{self, FileLine, Line, Renumber};
use super::{FORMAT, Header, VERSION, fingerprint};
use crate::diag::Diag;
use crate::fold::{Analysis, Fold};
use crate::pricing::PriceTable;

/// The longest line read from a partial: far above any line a partial holds (a group's buckets, a call).
const MAX_LINE: u64 = 64 << 20;

/// A partial checked whole: its header, its files, and the digest of its lines.
struct Partial {
    path: PathBuf,
    header: Header,
    files: Vec<FileLine>,
    digest: String,
}

/// Lines of a file, each with its number, none longer than `MAX_LINE`.
struct Lines {
    r: BufReader<File>,
    no: u64,
    label: String,
}

impl Lines {
    fn open(path: &Path) -> Result<Lines> {
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Lines {
            r: BufReader::with_capacity(1 << 16, file),
            no: 0,
            label: path.display().to_string(),
        })
    }

    /// The next line, with its newline if it has one; none at the end.
    fn next(&mut self, buf: &mut Vec<u8>) -> Result<bool> {
        buf.clear();
        let n = (&mut self.r)
            .take(MAX_LINE + 1)
            .read_until(b'\n', buf)
            .with_context(|| format!("cannot read {}", self.label))?;
        if n == 0 {
            return Ok(false);
        }
        self.no += 1;
        if n as u64 > MAX_LINE {
            bail!(
                "{}:{}: a line longer than any partial result holds",
                self.label,
                self.no
            );
        }
        Ok(true)
    }

    /// An error about the current line.
    fn bad(&self, what: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("{}:{}: {what}", self.label, self.no)
    }
}

fn parse(l: &Lines, buf: &[u8]) -> Result<Line> {
    serde_json::from_slice(buf).map_err(|e| l.bad(format_args!("damaged: {e}")))
}

impl Partial {
    /// Reads a partial whole, checking its header and its last line.
    fn open(path: &Path) -> Result<Partial> {
        let mut l = Lines::open(path)?;
        let mut buf = Vec::new();
        if !l.next(&mut buf)? {
            bail!(
                "{}: empty: not a partial result (`tokencost analyze --partial` writes them)",
                l.label
            );
        }
        let header = read_header(&l, &buf)?;
        let mut files = Vec::new();
        let mut hash = Xxh3::new();
        hash.update(&buf);
        let mut before_last = 1;
        // The line before the one just read is hashed once the next one shows it was not the last.
        let mut last = Vec::new();
        while l.next(&mut last)? {
            if last.starts_with(br#"{"file":"#) {
                match parse(&l, &last)? {
                    Line::File(f) => files.push(f),
                    _ => return Err(l.bad("damaged: not a file line")),
                }
            }
            std::mem::swap(&mut buf, &mut last);
            if l.no > 2 {
                hash.update(&last);
                before_last += 1;
            }
        }
        let cut = || {
            anyhow::anyhow!(
                "{}: cut short: it does not end with the line that closes a partial result",
                l.label
            )
        };
        if l.no < 2 || buf.last() != Some(&b'\n') {
            return Err(cut());
        }
        let Ok(Line::End(end)) = serde_json::from_slice::<Line>(&buf) else {
            return Err(cut());
        };
        if end.lines != before_last || end.xxh3 != format!("{:032x}", hash.digest128()) {
            bail!(
                "{}: damaged: its {before_last} lines do not match the count and digest on its last line (edited, or \
                 cut and joined?)",
                l.label
            );
        }
        Ok(Partial {
            path: path.to_path_buf(),
            header,
            files,
            digest: end.xxh3,
        })
    }

    /// Reads the partial's pieces into `fold`, its files numbered as `numbers` says.
    fn absorb(&self, fold: &mut Fold, table: &PriceTable, numbers: &Numbers) -> Result<()> {
        let mut l = Lines::open(&self.path)?;
        let mut buf = Vec::new();
        l.next(&mut buf)?;
        while l.next(&mut buf)? {
            let line = parse(&l, &buf)?;
            if let Some(piece) = lines::piece(line, table, numbers).map_err(|e| l.bad(e))? {
                fold.absorb(piece);
            }
        }
        Ok(())
    }
}

fn read_header(l: &Lines, buf: &[u8]) -> Result<Header> {
    let not = || {
        l.bad(format_args!(
            "not a partial result: its first line is not a `{FORMAT}` header"
        ))
    };
    let v: serde_json::Value = serde_json::from_slice(buf).map_err(|_| not())?;
    if v.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(not());
    }
    match v.get("version").and_then(|v| v.as_u64()) {
        Some(n) if n == u64::from(VERSION) => {}
        n => bail!(
            "{}: a partial result of format version {}; this tokencost reads version {VERSION}: make the partials \
             and merge them with the same tokencost",
            l.label,
            n.map_or("unknown".to_string(), |n| n.to_string())
        ),
    }
    serde_json::from_value(v).map_err(|e| l.bad(format_args!("damaged header: {e}")))
}

/// One partial's file numbers, as the merge's.
struct Numbers(HashMap<usize, usize>);

impl Renumber for Numbers {
    fn file(&self, no: usize) -> Option<usize> {
        self.0.get(&no).copied()
    }
}

/// Merges the partials at `paths` into one analysis, as one run over all their inputs would fold them. Refuses
/// partials that disagree with each other, or with `table`, on what they were made with.
pub fn merge(
    paths: &[PathBuf],
    table: &PriceTable,
    timeline: bool,
    spill_at: Option<usize>,
    diag: &mut Diag,
) -> Result<(Header, Analysis)> {
    let parts: Vec<Partial> = paths.iter().map(|p| Partial::open(p)).collect::<Result<_>>()?;
    let Some(first) = parts.first() else {
        bail!("no partial result to merge");
    };
    for p in &parts[1..] {
        if let Some((what, a, b)) = first.header.differs(&p.header) {
            bail!(
                "{} and {} were made with different {what} ({a} and {b}): partials merge only when made with the \
                 same settings",
                first.path.display(),
                p.path.display()
            );
        }
    }
    let here = fingerprint(table);
    if first.header.prices != here {
        bail!(
            "{} was made with a different price table (fingerprint {}) than this merge loaded ({here}): give merge \
             the same --pricing files and config as analyze had",
            first.path.display(),
            first.header.prices
        );
    }
    let by = first.header.by()?;
    let filter = first.header.filter()?;
    // Every file of every partial, in the merge's order: by name, then by the partial's digest.
    let mut all: Vec<(&Path, &str, &str, usize, usize)> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        for (j, f) in p.files.iter().enumerate() {
            all.push((Path::new(&f.label), &f.session_fallback, &p.digest, i, j));
        }
    }
    all.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    for w in all.windows(2) {
        if w[0].0 == w[1].0 && w[0].3 != w[1].3 {
            diag.warn(&format!(
                "{} is in both {} and {}: the calls of each are counted (a response with an id once)",
                w[0].0.display(),
                parts[w[0].3].path.display(),
                parts[w[1].3].path.display()
            ));
        }
    }
    let mut fold = Fold::new(table, by, filter);
    if timeline {
        fold = fold.with_timeline();
    }
    if let Some(n) = spill_at {
        fold = fold.with_spill_at(n);
    }
    let mut numbers: Vec<Numbers> = parts.iter().map(|_| Numbers(HashMap::default())).collect();
    for (global, &(_, _, _, i, j)) in all.iter().enumerate() {
        let f = &parts[i].files[j];
        if numbers[i].0.insert(f.no, global).is_some() {
            bail!(
                "{}: damaged: file number {} is listed twice",
                parts[i].path.display(),
                f.no
            );
        }
        fold.file_known(global, lines::file_names(f));
    }
    for (p, n) in parts.iter().zip(&numbers) {
        p.absorb(&mut fold, table, n)?;
    }
    let analysis = fold.finish();
    crate::engine::say_spills(&analysis.stats, diag);
    Ok((first.header.clone(), analysis))
}
