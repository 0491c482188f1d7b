//! Partial results: `analyze --partial` writes a fold's state at the end of its input, before de-duplication is
//! settled, and `merge` folds any number of them into the report one run over all their inputs would give.
//!
//! A partial is JSON Lines: a header (the format's name and version, the fingerprint of the price table, the
//! grouping and the filters), the files read, then the pieces of the fold (`lines.rs`), and a last line with the
//! number of lines before it and their digest, so that a partial cut short or altered is refused, not merged.
//! Nothing in it is text of a prompt or a completion: the fold never holds any.

mod lines;
mod merge;

pub use merge::merge;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use xxhash_rust::xxh3::Xxh3;

use crate::call::GroupBy;
use crate::fold::{Filter, Fold};
use crate::output::{Destination, with_output};
use crate::pricing::PriceTable;
use lines::{EndLine, Line};

/// The header's format name.
pub const FORMAT: &str = "tokencost-partial";
/// The version of the format: bumped whenever a line changes meaning, so that partials of another version are
/// refused rather than misread.
pub const VERSION: u32 = 1;

/// The first line of a partial: what must agree for partials to merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// The tokencost that wrote it (for people; partials of one format version merge whatever it is).
    pub tokencost_version: String,
    /// The fingerprint of the price table in force (`fingerprint`).
    pub prices: String,
    pub by: String,
    pub since: Option<String>,
    pub until: Option<String>,
    pub timezone: String,
    pub week_start: String,
}

/// A hash of everything in the loaded price table that prices a call or names a model: providers, models with
/// their names, patterns and dated rows, marginal estimates. The files it came from and their paths do not count, so
/// machines that keep the same prices in different places agree.
pub fn fingerprint(table: &PriceTable) -> String {
    let text = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        table.providers, table.models, table.marginal, table.cache_read_factor, table.estimate_patterns
    );
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

fn instant(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

impl Header {
    pub fn new(table: &PriceTable, by: GroupBy, filter: &Filter) -> Header {
        Header {
            format: FORMAT.into(),
            version: VERSION,
            tokencost_version: env!("CARGO_PKG_VERSION").into(),
            prices: fingerprint(table),
            by: by.name().into(),
            since: instant(filter.since),
            until: instant(filter.until),
            timezone: filter.timezone.name().into(),
            week_start: filter.week_start.to_string(),
        }
    }

    /// The first setting in which two partials differ, as `(what, this one's, the other's)`.
    pub fn differs(&self, o: &Header) -> Option<(&'static str, String, String)> {
        let none = || "none".to_string();
        let settings = [
            ("price tables (fingerprints)", Some(&self.prices), Some(&o.prices)),
            ("--by", Some(&self.by), Some(&o.by)),
            ("--since", self.since.as_ref(), o.since.as_ref()),
            ("--until", self.until.as_ref(), o.until.as_ref()),
            ("--timezone", Some(&self.timezone), Some(&o.timezone)),
            ("--start-of-week", Some(&self.week_start), Some(&o.week_start)),
        ];
        (settings.into_iter()).find(|(_, a, b)| a != b).map(|(what, a, b)| {
            let shown = |s: Option<&String>| s.cloned().unwrap_or_else(none);
            (what, shown(a), shown(b))
        })
    }

    /// The grouping the partial was made with.
    pub fn by(&self) -> Result<GroupBy> {
        use GroupBy::*;
        [
            Model, Provider, Session, Day, Week, Month, Project, Branch, Team, Tag, Call,
        ]
        .into_iter()
        .find(|g| g.name() == self.by)
        .with_context(|| format!("no grouping `{}`", self.by))
    }

    /// The filters the partial was made with.
    pub fn filter(&self) -> Result<Filter> {
        let time = |s: &Option<String>| -> Result<Option<DateTime<Utc>>> {
            (s.as_deref())
                .map(|s| {
                    DateTime::parse_from_rfc3339(s)
                        .map(|t| t.with_timezone(&Utc))
                        .with_context(|| format!("`{s}` is not a time"))
                })
                .transpose()
        };
        Ok(Filter {
            since: time(&self.since)?,
            until: time(&self.until)?,
            timezone: (self.timezone.parse()).map_err(|_| anyhow::anyhow!("no time zone `{}`", self.timezone))?,
            week_start: (self.week_start.parse()).map_err(|_| anyhow::anyhow!("no weekday `{}`", self.week_start))?,
        })
    }
}

/// A writer that counts the lines it is given and hashes their bytes, for the last line.
struct Digest<'w> {
    inner: &'w mut dyn Write,
    hash: Xxh3,
    lines: u64,
    buf: Vec<u8>,
}

impl Digest<'_> {
    fn line<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, value).map_err(io::Error::other)?;
        self.buf.push(b'\n');
        self.hash.update(&self.buf);
        self.lines += 1;
        self.inner.write_all(&self.buf)
    }
}

/// Writes `fold`'s state to `to` as a partial result (a file is written beside itself and renamed into place once
/// complete). Returns the number of lines written.
pub fn write(to: &Destination, header: &Header, fold: Fold) -> Result<u64> {
    let mut written = 0;
    with_output(to, |w| {
        let mut d = Digest {
            inner: w,
            hash: Xxh3::new(),
            lines: 0,
            buf: Vec::new(),
        };
        d.line(header)?;
        fold.into_pieces(&mut |piece| d.line(&lines::line(piece)))
            .context("cannot read back a temporary file")?;
        let end = Line::End(EndLine {
            lines: d.lines,
            xxh3: format!("{:032x}", d.hash.digest128()),
        });
        written = d.lines + 1;
        d.line(&end)?;
        Ok(())
    })?;
    if written == 0 {
        bail!("the partial result was not written (its reader went away)");
    }
    Ok(written)
}
