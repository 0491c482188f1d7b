//! `tokencost diff`'s settings: the two runs, the grouping and scale they are compared at, the thresholds of the
//! CI gate as exact decimals, and the price tables any logs among them are read with (as `analyze` reads them).

use anyhow::{Context, Result, bail};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use std::path::PathBuf;

use super::budgets::usd;
use super::{Target, price_table, threads};
use crate::call::GroupBy;
use crate::cli::{DiffArgs, DiffByArg, PerArg};
use crate::output::{Destination, Format};
use crate::pricing::PriceTable;

/// What each run's figures are divided by before they are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// The runs' totals as they are.
    Run,
    /// Each run's cost per priced call.
    Call,
    /// Each run's cost per session.
    Session,
}

impl Per {
    pub fn name(self) -> &'static str {
        match self {
            Per::Run => "run",
            Per::Call => "call",
            Per::Session => "session",
        }
    }
}

/// The CI gate: rises above a limit fail, above a warning level warn, and changes of `min_change` USD or less are
/// noise whatever their percentage.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// Percent.
    pub fail_pct: Option<Decimal>,
    /// Percent.
    pub warn_pct: Option<Decimal>,
    pub fail_usd: Option<Decimal>,
    pub min_change: Decimal,
}

pub struct RunDiffConfig {
    pub base: PathBuf,
    pub head: PathBuf,
    /// None: the grouping of a report among the runs, else model.
    pub by: Option<GroupBy>,
    pub per: Per,
    pub gates: Gates,
    pub base_label: String,
    /// Groups people see; 0 for all.
    pub top: usize,
    pub format: Format,
    pub to: Destination,
    pub timezone: Tz,
    pub threads: usize,
    pub quiet: bool,
    /// Print warnings and failures as GitHub Actions `::warning::` / `::error::` commands too.
    pub annotate: bool,
    /// What logs among the runs are priced with; a report carries its own rates.
    pub table: PriceTable,
}

impl RunDiffConfig {
    pub fn new(args: DiffArgs) -> Result<Self> {
        let target = Target::new(&args.out)?;
        if args.base.as_os_str() == "-" && args.head.as_os_str() == "-" {
            bail!("BASE and HEAD cannot both be stdin");
        }
        // The label is shown in headlines, Markdown and CI annotations: one line of text.
        if args.base_label.trim().is_empty() || args.base_label.chars().any(char::is_control) {
            bail!("--base-label must be one line of text, got {:?}", args.base_label);
        }
        let by = args.by.map(|b| match b {
            DiffByArg::Model => GroupBy::Model,
            DiffByArg::Provider => GroupBy::Provider,
            DiffByArg::Session => GroupBy::Session,
            DiffByArg::Day => GroupBy::Day,
        });
        let per = match args.per {
            None => Per::Run,
            Some(PerArg::Call) => Per::Call,
            Some(PerArg::Session) => Per::Session,
        };
        let amount = |flag: &str, v: &Option<String>| v.as_deref().map(|s| usd(flag, s)).transpose();
        let gates = Gates {
            fail_pct: amount("--fail-above", &args.fail_above)?,
            warn_pct: amount("--warn-above", &args.warn_above)?,
            fail_usd: amount("--fail-above-usd", &args.fail_above_usd)?,
            min_change: amount("--min-change-usd", &args.min_change_usd)?.unwrap_or_default(),
        };
        let timezone: Tz = super::when::timezone(&args.timezone)?;
        let table = price_table(&args.pricing).context("cannot load price tables")?;
        Ok(RunDiffConfig {
            base: args.base,
            head: args.head,
            by,
            per,
            gates,
            base_label: args.base_label,
            top: args.top,
            format: target.or_table(),
            to: target.to,
            timezone,
            threads: threads(args.threads, args.quiet)?,
            quiet: args.quiet,
            annotate: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            table,
        })
    }
}
