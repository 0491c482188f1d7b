//! The smaller commands' settings, validated: `markup` (which date), `compare` (which logs), `count` (which
//! tokenizer) and `pricing list` (which provider).

use anyhow::{Result, bail};
use chrono::{NaiveDate, Utc};
use std::path::PathBuf;

use super::{Target, date, price_table, threads};
use crate::call::Resolution;
use crate::cli::{CompareCliArgs, CountArgs, MarkupCliArgs};
use crate::cli::{OutputArgs, PricingArgs};
use crate::output::{Destination, Format};
use crate::pricing::{PriceTable, Tokenizer};
use crate::tokenize::Encoding;

/// `tokencost markup`, validated.
pub struct MarkupArgs {
    pub as_of: NaiveDate,
    pub provider: Option<String>,
    pub format: Format,
    pub to: Destination,
    pub explain: bool,
}

pub fn markup(args: MarkupCliArgs) -> Result<(PriceTable, MarkupArgs)> {
    let target = Target::new(&args.out)?;
    let as_of = match &args.as_of {
        Some(s) => date("--as-of", s)?,
        None => Utc::now().date_naive(),
    };
    let table = price_table(&args.pricing)?;
    let provider = super::provider_arg(&table, args.provider)?;
    Ok((
        table,
        MarkupArgs {
            as_of,
            provider,
            format: target.or_table(),
            to: target.to,
            explain: args.explain,
        },
    ))
}

/// `tokencost compare`, validated.
pub struct CompareArgs {
    pub inputs: Vec<PathBuf>,
    pub models: Vec<String>,
    pub format: Format,
    pub to: Destination,
    pub threads: usize,
    pub quiet: bool,
}

pub fn compare(args: CompareCliArgs) -> Result<(PriceTable, CompareArgs)> {
    let target = Target::new(&args.out)?;
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        bail!("compare reads its logs once per model, so it cannot read stdin; give files or directories");
    }
    let table = super::price_table_with(&args.pricing, &args.models, &args.gpus)?;
    let threads = threads(args.threads, args.quiet)?;
    Ok((
        table,
        CompareArgs {
            inputs: args.inputs,
            models: args.models,
            format: target.or_table(),
            to: target.to,
            threads,
            quiet: args.quiet,
        },
    ))
}

/// `tokencost count`, validated.
pub struct CountConfig {
    pub inputs: Vec<PathBuf>,
    pub encoding: Encoding,
    /// A model without a public tokenizer: o200k_base counts scaled by this ratio, an estimate.
    pub ratio: Option<f64>,
    /// The model named with `--model`, for the note that its counts are estimates.
    pub model: Option<String>,
    /// None: one plain count per line, as `count` has always printed.
    pub format: Option<Format>,
    pub to: Destination,
    /// The largest input counted, in bytes.
    pub max_bytes: u64,
}

impl CountConfig {
    pub fn new(args: CountArgs) -> Result<Self> {
        let target = Target::new(&args.out)?;
        let (encoding, ratio) = match (&args.model, args.encoding) {
            (Some(m), _) => {
                let table = price_table(&args.pricing)?;
                match table.resolve(m) {
                    Resolution::Found(i) => match table.model(i).tokenizer {
                        Tokenizer::Exact(e) => (e, None),
                        Tokenizer::Estimate(r) => (Encoding::O200kBase, Some(r)),
                    },
                    Resolution::Ambiguous(c) => bail!("model `{m}` is ambiguous: {}", c.join(", ")),
                    Resolution::Unknown | Resolution::NotListed(_) => {
                        bail!("unknown model `{m}`; use --encoding o200k_base or cl100k_base")
                    }
                }
            }
            (None, e) => (e.map_or(Encoding::O200kBase, Encoding::from), None),
        };
        Ok(CountConfig {
            inputs: args.inputs,
            encoding,
            ratio,
            model: args.model,
            format: target.format,
            to: target.to,
            max_bytes: args.max_bytes,
        })
    }
}

/// `tokencost pricing list`, validated.
pub struct ListConfig {
    pub table: PriceTable,
    pub provider: Option<String>,
    pub format: Format,
    pub to: Destination,
}

impl ListConfig {
    pub fn new(provider: Option<String>, out: &OutputArgs, pricing: &PricingArgs) -> Result<Self> {
        let target = Target::new(out)?;
        let table = price_table(pricing)?;
        let provider = super::provider_arg(&table, provider)?;
        Ok(ListConfig {
            table,
            provider,
            format: target.or_table(),
            to: target.to,
        })
    }
}

/// `tokencost pricing diff`, validated: the listing's settings and the first date shown.
pub struct DiffConfig {
    pub list: ListConfig,
    pub since: NaiveDate,
}

impl DiffConfig {
    pub fn new(
        since: Option<String>,
        provider: Option<String>,
        out: &OutputArgs,
        pricing: &PricingArgs,
    ) -> Result<Self> {
        let list = ListConfig::new(provider, out, pricing)?;
        let since = match since {
            Some(s) => date("--since", &s)?,
            None => crate::pricing::diff::newest_date(&list.table).unwrap_or(NaiveDate::MIN),
        };
        Ok(DiffConfig { list, since })
    }
}
