//! The YAML schema of price and marginal-cost files, exactly as written on disk.
//!
//! A file's top level holds `provider` with its `models`, and/or `cache_read_factor` and `marginal` estimates;
//! `load.rs` reads each part on its own so that one bad item does not hide the others' problems.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDef {
    pub id: String,
    pub name: Option<String>,
    /// Fraction of the list price paid for batch requests (0.5 = 50% off).
    pub batch_factor: Option<f64>,
    /// Multiplier on an o200k_base count that estimates this provider's token count.
    pub estimate_ratio: Option<f64>,
    /// Reference prices (e.g. a published article's figures): shown by `markup`, never used to price a log.
    pub illustrative: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDef {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    pub tokenizer: Option<String>,
    pub context_window: Option<u64>,
    pub marginal: Option<String>,
    #[serde(default)]
    pub prices: Vec<PriceDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceDef {
    pub as_of: Option<String>,
    pub input: Option<f64>,
    pub output: Option<f64>,
    pub cached_input: Option<f64>,
    pub cache_write_5m: Option<f64>,
    pub cache_write_1h: Option<f64>,
    pub batch_factor: Option<f64>,
    pub long_context: Option<LongContextDef>,
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LongContextDef {
    pub above: Option<u64>,
    pub input: Option<f64>,
    pub output: Option<f64>,
    pub cached_input: Option<f64>,
    pub cache_write_5m: Option<f64>,
    pub cache_write_1h: Option<f64>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RangeDef {
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarginalDef {
    pub id: String,
    pub input: Option<RangeDef>,
    pub output: Option<RangeDef>,
    pub output_ratio: Option<RangeDef>,
    pub hardware: Option<HardwareDef>,
    pub source: Option<String>,
    pub as_of: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwareDef {
    /// What hardware the figures are for.
    pub description: Option<String>,
    pub gpus: u32,
    pub gpu_hourly_usd: RangeDef,
    pub utilization: RangeDef,
    pub input_tokens_per_second: RangeDef,
    pub output_tokens_per_second: RangeDef,
}

/// An agent-session shape for `tokencost project`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDef {
    pub id: String,
    pub description: Option<String>,
    pub calls: u64,
    pub base_prompt_tokens: u64,
    pub growth_tokens_per_call: u64,
    pub output_tokens_per_call: u64,
    pub source: Option<String>,
}

/// A flat-rate subscription plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDef {
    pub id: String,
    pub name: Option<String>,
    pub monthly_usd: f64,
    /// Usage at list price the plan includes each month, where it states one.
    pub included_usd: Option<f64>,
    /// The plan's fair-use terms, in words.
    pub fair_use: Option<String>,
    pub source: Option<String>,
    pub as_of: Option<String>,
}
