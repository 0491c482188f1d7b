//! Validated settings built from the command line; nothing after this module sees clap.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::path::PathBuf;

use crate::cli::{AnalyzeArgs, ByArg, EncodingArg, FormatArg, PricingArgs};
use crate::engine::GroupBy;
use crate::error::PricingError;
use crate::fold::Filter;
use crate::output::Format;
use crate::pricing::{self, PriceTable};
use crate::tokenize::Encoding;

pub struct AnalyzeConfig {
    pub inputs: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub by: GroupBy,
    pub threads: usize,
    pub quiet: bool,
    pub filter: Filter,
    pub table: PriceTable,
}

/// A `--since`/`--until` bound: an RFC 3339 instant, or a date taken at midnight in `tz` (the next midnight when
/// `end_of_day`, so that `--until 2025-01-31` includes that whole day).
fn bound(flag: &str, s: &str, tz: Tz, end_of_day: bool) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("{flag} `{s}` is neither a date (YYYY-MM-DD) nor an RFC 3339 timestamp"))?;
    let date = if end_of_day {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    let local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{flag} `{s}`: midnight does not exist in {tz}"))
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        }
    }
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Encoding {
        match e {
            EncodingArg::O200kBase => Encoding::O200kBase,
            EncodingArg::Cl100kBase => Encoding::Cl100kBase,
        }
    }
}

/// The bundled tables with the user's layers on top; every problem is reported, not only the first.
pub fn price_table(args: &PricingArgs) -> Result<PriceTable> {
    pricing::load(&args.pricing).map_err(|p| PricingError(p).into())
}

impl AnalyzeConfig {
    pub fn new(args: AnalyzeArgs) -> Result<Self> {
        let threads = match args.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let by = match args.by {
            ByArg::Model => GroupBy::Model,
            ByArg::Provider => GroupBy::Provider,
            ByArg::Session => GroupBy::Session,
            ByArg::Day => GroupBy::Day,
            ByArg::Call => GroupBy::Call,
        };
        let timezone: Tz = args.timezone.parse().map_err(|_| {
            anyhow::anyhow!(
                "--timezone `{}` is not an IANA time zone name (e.g. Europe/Berlin)",
                args.timezone
            )
        })?;
        let filter = Filter {
            since: args
                .since
                .as_deref()
                .map(|s| bound("--since", s, timezone, false))
                .transpose()?,
            until: args
                .until
                .as_deref()
                .map(|s| bound("--until", s, timezone, true))
                .transpose()?,
            timezone,
        };
        let table = price_table(&args.pricing).context("cannot load price tables")?;
        Ok(AnalyzeConfig {
            inputs: args.inputs,
            format: args.format.into(),
            output: args.output,
            by,
            threads,
            quiet: args.quiet,
            filter,
            table,
        })
    }
}
