//! Validated settings built from the command line; nothing after this module sees clap.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

use crate::cli::{AnalyzeArgs, ByArg, EncodingArg, FormatArg, PricingArgs};
use crate::engine::GroupBy;
use crate::error::PricingError;
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
    pub table: PriceTable,
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
        let table = price_table(&args.pricing).context("cannot load price tables")?;
        Ok(AnalyzeConfig {
            inputs: args.inputs,
            format: args.format.into(),
            output: args.output,
            by,
            threads,
            quiet: args.quiet,
            table,
        })
    }
}
