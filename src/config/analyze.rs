//! `tokencost analyze`'s settings: grouping, time window, plan, budgets and price layers, validated.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

use super::agents::find_logs;
use super::budgets::{Flags, budgets, file_config};
use super::{Target, plan, price_table, threads};
use crate::budget::Budgets;
use crate::call::GroupBy;
use crate::cli::{AnalyzeArgs, ByArg, WeekdayArg};
use crate::discover::Discovery;
use crate::fold::Filter;
use crate::output::{Destination, Format};
use crate::pricing::{Plan, PriceTable};

pub struct AnalyzeConfig {
    pub inputs: Vec<PathBuf>,
    /// The agents' logs found, when no input was named (see `agents.rs`).
    pub found: Option<Discovery>,
    pub format: Format,
    pub to: Destination,
    pub by: GroupBy,
    pub threads: usize,
    pub quiet: bool,
    pub filter: Filter,
    pub plan: Option<Plan>,
    pub budgets: Budgets,
    pub strict: bool,
    /// Count without the piece and message caches.
    pub no_cache: bool,
    /// Count without the message cache.
    pub no_message_cache: bool,
    /// Waiting responses held in memory before they go to a temporary file (default: the fold's own bound).
    pub spill_after: Option<usize>,
    /// Rows the table, Markdown and HTML show (0: all).
    pub top: usize,
    /// Print budget overruns as GitHub Actions `::error::` annotations too.
    pub annotate: bool,
    /// The longest line read, in bytes.
    pub max_line: usize,
    /// Write a partial result here instead of the report.
    pub partial: Option<PathBuf>,
    pub table: PriceTable,
}

fn weekday(d: WeekdayArg) -> chrono::Weekday {
    use chrono::Weekday::*;
    match d {
        WeekdayArg::Monday => Mon,
        WeekdayArg::Tuesday => Tue,
        WeekdayArg::Wednesday => Wed,
        WeekdayArg::Thursday => Thu,
        WeekdayArg::Friday => Fri,
        WeekdayArg::Saturday => Sat,
        WeekdayArg::Sunday => Sun,
    }
}

impl AnalyzeConfig {
    pub fn new(args: AnalyzeArgs) -> Result<Self> {
        let target = Target::new(&args.out)?;
        let threads = threads(args.threads, args.quiet)?;
        if args.max_line_bytes == 0 {
            bail!("--max-line-bytes must be at least 1");
        }
        let by = match args.by {
            ByArg::Model => GroupBy::Model,
            ByArg::Provider => GroupBy::Provider,
            ByArg::Session => GroupBy::Session,
            ByArg::Day => GroupBy::Day,
            ByArg::Week => GroupBy::Week,
            ByArg::Month => GroupBy::Month,
            ByArg::Project => GroupBy::Project,
            ByArg::Branch => GroupBy::Branch,
            ByArg::Team => GroupBy::Team,
            ByArg::Tag => GroupBy::Tag,
            ByArg::Call => GroupBy::Call,
        };
        // The export is of calls: `--by` has nothing else to mean for it.
        let by = match (target.format, by) {
            (Some(crate::output::Format::Jsonl), GroupBy::Model | GroupBy::Call) => GroupBy::Call,
            (Some(crate::output::Format::Jsonl), other) => bail!(
                "--format jsonl writes one line per call: it takes no --by {} (leave --by out, or --by call)",
                other.name()
            ),
            _ => by,
        };
        let timezone = super::when::timezone(&args.timezone)?;
        let now = Utc::now();
        let bound = |flag: &str, s: &str, end: bool| -> Result<DateTime<Utc>> {
            let (t, said) = super::when::bound(flag, s, timezone, end, now)?;
            if let Some(said) = said {
                crate::diag::Diag::new(args.quiet).info(&format!("tokencost: {said}"));
            }
            Ok(t)
        };
        let filter = Filter {
            since: args.since.as_deref().map(|s| bound("--since", s, false)).transpose()?,
            until: args.until.as_deref().map(|s| bound("--until", s, true)).transpose()?,
            timezone,
            week_start: weekday(args.start_of_week),
        };
        // An empty window would pass every gate on an empty report: it is a mistake, not a question.
        if let (Some(since), Some(until)) = (filter.since, filter.until)
            && since >= until
        {
            bail!(
                "--since {} is not before --until {} ({since} to {until}): no call could be in that window",
                args.since.as_deref().unwrap_or_default(),
                args.until.as_deref().unwrap_or_default()
            );
        }
        let (file, file_path) = file_config(args.pricing.config.as_deref())?;
        let table = price_table(&args.pricing).context("cannot load price tables")?;
        let flags = Flags {
            total: args.budget.as_deref(),
            session: args.session_budget.as_deref(),
            models: &args.model_budget,
            monthly: args.monthly_budget.as_deref(),
            file_sessions: args.session_from == crate::cli::SessionFrom::File,
        };
        let budgets = budgets(flags, &file, file_path.as_deref(), &table)?;
        let (inputs, found) = match args.inputs.is_empty() {
            true => find_logs(&args.source, filter.since)?,
            false => (args.inputs, None),
        };
        Ok(AnalyzeConfig {
            inputs,
            found,
            format: target.or_table(),
            to: target.to,
            by,
            threads,
            quiet: args.quiet,
            filter,
            plan: plan(&table, &args.plan)?.cloned(),
            budgets,
            strict: args.strict || file.strict.unwrap_or(false),
            no_cache: args.no_cache,
            no_message_cache: args.no_message_cache,
            spill_after: args.spill_after,
            top: args.top,
            annotate: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            max_line: args.max_line_bytes,
            partial: args.partial,
            table,
        })
    }
}
