//! The YAML schema of price and marginal-cost files, exactly as written on disk.
//!
//! A file's top level holds `provider` with its `models`, and/or `cache_read_factor` and `marginal` estimates;
//! `load.rs` reads each part on its own so that one bad item does not hide the others' problems.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDef {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Why the provider's settings are what they are, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Fraction of the list price paid for batch requests (0.5 = 50% off), for rows without explicit batch rates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_factor: Option<f64>,
    /// Multiplier on an o200k_base count that estimates this provider's token count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_ratio: Option<f64>,
    /// Reference prices (e.g. a published article's figures): shown by `markup`, never used to price a log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<bool>,
    /// A platform serving other vendors' models (a cloud, an inference host): its entries answer a bare model name
    /// only when no provider without `platform` lists that name. A qualified name (`bedrock/...`), a name form of
    /// its own, or the provider a log states still reach it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokenizer: Option<String>,
    /// The longest prompt the model takes, in tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    /// The date the provider retires the model (YYYY-MM-DD), where it has announced one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marginal: Option<String>,
    #[serde(default)]
    pub prices: Vec<PriceDef>,
}

/// One dated price row. Rates are USD per 1M tokens; an unlisted cache rate follows the rules in `rows.rs`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceDef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_12h: Option<f64>,
    /// Fraction of these rates paid in batch, for any bucket `batch` does not list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_factor: Option<f64>,
    /// Explicit batch rates per bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<RatesDef>,
    /// Priority service tier (OpenAI and Gemini `service_tier: priority`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<RatesDef>,
    /// Flex service tier (`service_tier: flex`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flex: Option<RatesDef>,
    /// Tiers for long prompts: one mapping, or a list with one entry per threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_context: Option<OneOrMany<LongContextDef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The per-bucket rates of a row or of one of its tiers; any may be left out.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RatesDef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_12h: Option<f64>,
}

/// A long-context tier: from `above` prompt tokens the whole request is billed at these rates; a rate it leaves
/// out is the row's.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LongContextDef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_12h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<RatesDef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<RatesDef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flex: Option<RatesDef>,
}

/// A value written either alone or as a list.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

/// By hand rather than `untagged`, so that a mistake inside the value keeps serde's own message; through a
/// visitor rather than a YAML value, so that any format (the bundled tables' JSON too) reads it.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        use serde::de::{MapAccess, SeqAccess, Visitor};
        use std::marker::PhantomData;

        struct OneOrManyVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping, or a list of mappings")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
        }

        d.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

impl<T> OneOrMany<T> {
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(t) => std::slice::from_ref(t),
            OneOrMany::Many(v) => v,
        }
    }
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
    /// `given` (a sourced figure, the default), `derived` (the serving model on the model's own architecture) or
    /// `proxy` (the serving model on a named open architecture standing in for a closed model).
    pub method: Option<String>,
    /// The `tokencost marginal estimate` model a derived or proxy figure was computed for.
    pub serving_model: Option<String>,
    /// The GPU a derived or proxy figure was computed on (`marginal estimate --gpu`), when not the default H100.
    pub serving_gpu: Option<String>,
    /// How much a proxy's range was widened each way (low / widen, high x widen) for want of a public estimate.
    pub widen: Option<f64>,
    /// Name patterns (`*` wildcard, case-insensitive) of the priced models this estimate covers when they name none.
    #[serde(default)]
    pub models: Vec<String>,
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

/// A whole file, every part typed: how the bundled tables are read from their JSON form. A user's file is read
/// part by part instead (`load/file.rs`), so that one bad part does not hide the others' problems.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileData {
    pub provider: Option<ProviderDef>,
    #[serde(default)]
    pub models: Vec<ModelDef>,
    pub cache_read_factor: Option<RangeDef>,
    #[serde(default)]
    pub marginal: Vec<MarginalDef>,
    #[serde(default)]
    pub profiles: Vec<ProfileDef>,
    #[serde(default)]
    pub plans: Vec<PlanDef>,
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

macro_rules! rates_of {
    ($t:ty) => {
        impl $t {
            /// The per-bucket rates this entry lists.
            pub fn rates(&self) -> RatesDef {
                RatesDef {
                    input: self.input,
                    output: self.output,
                    cached_input: self.cached_input,
                    cache_write_5m: self.cache_write_5m,
                    cache_write_1h: self.cache_write_1h,
                    cache_write_12h: self.cache_write_12h,
                }
            }
        }
    };
}
rates_of!(PriceDef);
rates_of!(LongContextDef);
