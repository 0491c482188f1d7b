//! `tokencost merge`'s settings: the partials, where the report goes, and the price table to check them against.

use anyhow::{Context, Result};
use std::path::PathBuf;

use super::{Target, price_table};
use crate::cli::MergeArgs;
use crate::output::{Destination, Format};
use crate::pricing::PriceTable;

pub struct MergeConfig {
    pub partials: Vec<PathBuf>,
    pub format: Format,
    pub to: Destination,
    pub quiet: bool,
    /// Waiting responses held in memory before they go to a temporary file (default: the fold's own bound).
    pub spill_after: Option<usize>,
    /// Rows the table, Markdown and HTML show (0: all).
    pub top: usize,
    /// Loaded as analyze loads it: the partials must have been made with the same table.
    pub table: PriceTable,
}

impl MergeConfig {
    pub fn new(args: MergeArgs) -> Result<Self> {
        let target = Target::new(&args.out)?;
        let table = price_table(&args.pricing).context("cannot load price tables")?;
        Ok(MergeConfig {
            partials: args.partials,
            format: target.or_table(),
            to: target.to,
            quiet: args.quiet,
            spill_after: args.spill_after,
            top: args.top,
            table,
        })
    }
}
