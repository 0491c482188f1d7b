//! The small commands' settings: `count` (which tokenizer) and `pricing list` (which provider), validated.

use anyhow::{Result, bail};
use std::path::PathBuf;

use super::{Target, price_table};
use crate::call::Resolution;
use crate::cli::CountArgs;
use crate::cli::{OutputArgs, PricingArgs};
use crate::output::{Destination, Format};
use crate::pricing::{PriceTable, Tokenizer};
use crate::tokenize::Encoding;

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
                    Resolution::Unknown => {
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
        if let Some(p) = &provider
            && !table.models.iter().any(|m| &m.provider == p)
        {
            let known: Vec<&str> = table.providers.keys().map(String::as_str).collect();
            bail!("no provider `{p}`; known: {}", known.join(", "));
        }
        Ok(ListConfig {
            table,
            provider,
            format: target.or_table(),
            to: target.to,
        })
    }
}
