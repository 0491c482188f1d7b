//! Price tables and marginal-cost estimates: the validated, in-memory form of the YAML under `pricing/`.
//!
//! `load` builds a `PriceTable` from the bundled files plus any user overrides; `resolve` maps a logged model
//! name, and the provider the log states if any, to a table entry; `cost` turns integer token sums into dollars.

mod cost;
pub mod diff;
mod estimates;
pub mod import;
mod lines;
mod load;
mod plans;
mod resolve;
mod schema;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use crate::call::Tier;
use crate::tokenize::Encoding;

pub use cost::{bucket_cost, buckets_cost, marginal_cost};
pub use load::{Problem, bundled_files, load, load_text, load_texts, load_with};
pub use plans::{Plan, Profile};
pub(crate) use resolve::glob_match;
pub use resolve::litellm_provider;

/// A low-high range of dollars per million tokens (or of a plain factor).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub low: Decimal,
    pub high: Decimal,
}

/// How tokens are counted for a model whose log carries no usage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tokenizer {
    /// Exactly, with this OpenAI encoding.
    Exact(Encoding),
    /// An o200k_base count times the provider's ratio, labelled as an estimate.
    Estimate(f64),
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    /// Fraction of list price paid for batch requests.
    pub batch_factor: Decimal,
    pub estimate_ratio: f64,
    /// Reference prices only: never matched to a logged model name.
    pub illustrative: bool,
    /// Serves other vendors' models: answers a bare name only when no first-party provider lists it.
    pub platform: bool,
}

/// Per-bucket prices in USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub input: Decimal,
    pub output: Decimal,
    pub cached_input: Decimal,
    pub cache_write_5m: Decimal,
    pub cache_write_1h: Decimal,
    /// Listed by some providers; no log format reports 12-hour writes apart yet, so it prices nothing today.
    pub cache_write_12h: Decimal,
    /// Which of the six rates the table states, in field order (bit 0 = input); the others follow the defaulting
    /// rules. `pricing diff` compares stated rates only.
    pub listed: u8,
}

/// The rates of one prompt-size level in every service tier.
#[derive(Debug, Clone, PartialEq)]
pub struct TierRates {
    pub standard: Rates,
    /// Explicit where the table lists them, else the standard rates times the row's batch factor.
    pub batch: Rates,
    /// Where the provider sells the tier; a call in an unlisted tier is billed at the standard rates.
    pub priority: Option<Rates>,
    pub flex: Option<Rates>,
}

impl TierRates {
    pub fn get(&self, tier: Tier) -> &Rates {
        match tier {
            Tier::Standard => &self.standard,
            Tier::Batch => &self.batch,
            Tier::Priority => self.priority.as_ref().unwrap_or(&self.standard),
            Tier::Flex => self.flex.as_ref().unwrap_or(&self.standard),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LongContext {
    /// The tier applies to the whole request once its prompt tokens exceed this.
    pub above: u64,
    pub rates: TierRates,
}

/// One dated price row: in force from `as_of` until the model's next row.
#[derive(Debug, Clone)]
pub struct PriceRow {
    pub as_of: NaiveDate,
    /// Rates below every long-context threshold.
    pub base: TierRates,
    pub batch_factor: Decimal,
    /// Long-context levels, by `above` ascending: a request is billed at the highest level its prompt exceeds.
    pub long_context: Vec<LongContext>,
    pub source: String,
    /// False when the source gives no output price (illustrative rows only): `rates.output` is then meaningless.
    pub output_listed: bool,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub provider: String,
    pub id: String,
    pub aliases: Vec<String>,
    pub patterns: Vec<String>,
    pub tokenizer: Tokenizer,
    pub context_window: Option<u64>,
    pub deprecation_date: Option<NaiveDate>,
    pub marginal: Option<String>,
    /// Sorted by `as_of`, never empty.
    pub prices: Vec<PriceRow>,
}

impl PriceRow {
    /// The standard rates below every threshold: what lists and markups quote.
    pub fn rates(&self) -> &Rates {
        &self.base.standard
    }
}

impl Model {
    /// `provider/id`, the name reports use.
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.provider, self.id)
    }

    /// The index of the row in force on `date`, if any row had started by then.
    pub fn row_in_force(&self, date: NaiveDate) -> Option<usize> {
        // Rows are sorted by date: a binary search, whatever the number of rows.
        self.prices.partition_point(|r| r.as_of <= date).checked_sub(1)
    }

    /// The index of the price row in force on `date`; the newest row when the call has no date, the earliest
    /// when the call predates every row.
    pub fn row_at(&self, date: Option<NaiveDate>) -> usize {
        match date {
            None => self.prices.len() - 1,
            Some(d) => self.row_in_force(d).unwrap_or(0),
        }
    }
}

/// A marginal-cost estimate for serving one model family.
#[derive(Debug, Clone)]
pub struct Marginal {
    pub id: String,
    pub input: Range,
    pub output: Range,
    pub source: String,
    pub as_of: NaiveDate,
    /// How a hardware-derived range was computed, for `markup --explain`.
    pub derivation: Option<String>,
    pub method: Method,
    /// Lowercase name patterns of the priced models it covers when they name no estimate.
    pub models: Vec<String>,
    /// The serving model's name for a derived or proxy figure.
    pub serving_model: Option<String>,
}

/// Where a marginal-cost estimate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// A sourced figure (an essay's estimate, published throughput on stated hardware).
    Given,
    /// The serving model on the model's own, open architecture.
    Derived,
    /// The serving model on a named open architecture standing in for a closed model.
    Proxy,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Given => "given",
            Method::Derived => "derived",
            Method::Proxy => "proxy",
        }
    }

    /// Whether the figure applies on `date`: a sourced figure always, one computed by the serving model only from
    /// the day it was made (so that a past date shows the estimates of its time).
    pub fn applies(self, as_of: NaiveDate, date: NaiveDate) -> bool {
        self == Method::Given || as_of <= date
    }
}

/// The whole price table: every provider, model and estimate, validated and indexed for lookup.
#[derive(Debug, Default)]
pub struct PriceTable {
    pub providers: BTreeMap<String, Provider>,
    pub models: Vec<Model>,
    pub marginal: BTreeMap<String, Marginal>,
    /// Fraction of the input estimate that a cached input token costs to serve.
    pub cache_read_factor: Option<Range>,
    pub profiles: BTreeMap<String, Profile>,
    pub plans: BTreeMap<String, Plan>,
    /// Where the table came from: "bundled", then each override path.
    pub layers: Vec<String>,
    /// Where a user's model sets a price above the row it replaces, one line each (`pricing check` warns).
    pub override_notes: Vec<String>,
    /// (lowercase name pattern, estimate id), in the order tried for a model that names no estimate.
    pub estimate_patterns: Vec<(String, String)>,
    index: resolve::Index,
}

impl PriceTable {
    pub fn model(&self, idx: usize) -> &Model {
        &self.models[idx]
    }

    /// The model's estimate: the one it names, else the first whose name patterns match its id.
    pub fn marginal_for(&self, model: &Model) -> Option<&Marginal> {
        match &model.marginal {
            Some(m) => self.marginal.get(m),
            None if self.estimate_patterns.is_empty() => None,
            None => {
                let name = model.id.to_lowercase();
                let (_, id) = (self.estimate_patterns.iter()).find(|(p, _)| resolve::glob_match(p, &name))?;
                self.marginal.get(id)
            }
        }
    }

    pub fn cache_read_factor(&self) -> Range {
        self.cache_read_factor.unwrap_or(Range {
            low: Decimal::ZERO,
            high: Decimal::ZERO,
        })
    }
}
