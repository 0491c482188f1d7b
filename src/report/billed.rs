//! What a report was billed at: each price row used with every rate it lists, and the token sums of every price
//! bucket (model, row, service tier, long-context level) with the rates applied to it. With these, another run's
//! tokens can be priced at this report's rows, and this report's tokens at another's: `diff` splits a change in
//! cost into price and usage this way, from a report kept as a CI artifact as well as from logs.
//!
//! The price types may grow fields; they are read here through a few small functions, never built.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::call::{BucketKey, Sums, Tier};
use crate::money::Usd;
use crate::pricing::{PriceRow, PriceTable, Rates, TierRates, bucket_cost};

/// The rates of one service tier at one prompt-size level, USD per 1M tokens, one per billing bucket.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BucketRates {
    pub input: Usd,
    pub cached_input: Usd,
    pub cache_write_5m: Usd,
    pub cache_write_1h: Usd,
    pub output: Usd,
}

/// The rates of every service tier at one level.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TierTable {
    pub standard: BucketRates,
    pub batch: BucketRates,
    /// None where the row sells no such tier: a call in it is billed at `standard`.
    pub priority: Option<BucketRates>,
    pub flex: Option<BucketRates>,
}

/// A long-context level: its rates apply to the whole request once the prompt is above `above_tokens`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelRates {
    pub above_tokens: u64,
    pub rates_usd_per_m: TierTable,
}

/// The calls of one price bucket: what was billed, at which row, tier, level and rates.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BilledBucket {
    /// `provider/id`, as `pricing.prices` names the model.
    pub model: String,
    /// The price row's date: with `model`, the key of its entry in `pricing.prices`.
    pub as_of: String,
    /// `standard`, `batch`, `priority` or `flex`.
    pub tier: &'static str,
    /// 0 below every long-context threshold, else the 1-based level of the row's `long_context`.
    pub level: u8,
    /// The threshold the level is above; None at level 0.
    pub above_tokens: Option<u64>,
    /// The rates applied (a tier the row does not sell shows the standard rates it was billed at).
    pub rates_usd_per_m: BucketRates,
    pub calls: u64,
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_5m_tokens: u64,
    pub cache_write_1h_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: Usd,
}

fn bucket_rates(r: &Rates) -> BucketRates {
    BucketRates {
        input: Usd(r.input.normalize()),
        cached_input: Usd(r.cached_input.normalize()),
        cache_write_5m: Usd(r.cache_write_5m.normalize()),
        cache_write_1h: Usd(r.cache_write_1h.normalize()),
        output: Usd(r.output.normalize()),
    }
}

fn tier_table(t: &TierRates) -> TierTable {
    TierTable {
        standard: bucket_rates(&t.standard),
        batch: bucket_rates(&t.batch),
        priority: t.priority.as_ref().map(bucket_rates),
        flex: t.flex.as_ref().map(bucket_rates),
    }
}

/// The rates below every threshold, in every tier.
pub(super) fn base_rates(row: &PriceRow) -> TierTable {
    tier_table(&row.base)
}

/// The row's long-context levels, lowest threshold first.
pub(super) fn levels(row: &PriceRow) -> Vec<LevelRates> {
    row.long_context
        .iter()
        .map(|lc| LevelRates {
            above_tokens: lc.above,
            rates_usd_per_m: tier_table(&lc.rates),
        })
        .collect()
}

/// The threshold a level is above: None at level 0.
fn threshold(row: &PriceRow, level: u8) -> Option<u64> {
    let i = usize::from(level).checked_sub(1)?;
    row.long_context.get(i).map(|lc| lc.above)
}

/// Every bucket of the run, by model name, row date, tier and level.
pub(super) fn buckets(table: &PriceTable, all: &BTreeMap<BucketKey, Sums>) -> Vec<BilledBucket> {
    let mut keyed: Vec<((String, usize, Tier, u8), BilledBucket)> = all
        .iter()
        .map(|(key, sums)| {
            let model = table.model(key.model);
            let row = &model.prices[key.row];
            let t = &sums.tokens;
            let bucket = BilledBucket {
                model: model.full_id(),
                as_of: row.as_of.to_string(),
                tier: key.tier.name(),
                level: key.level,
                above_tokens: threshold(row, key.level),
                rates_usd_per_m: bucket_rates(row.rates_at(key.level, key.tier)),
                calls: sums.calls,
                input_tokens: t.input,
                cached_input_tokens: t.cache_read,
                cache_write_5m_tokens: t.cache_write_5m,
                cache_write_1h_tokens: t.cache_write_1h,
                output_tokens: t.output,
                cost_usd: Usd(bucket_cost(table, key, sums)),
            };
            ((bucket.model.clone(), key.row, key.tier, key.level), bucket)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, b)| b).collect()
}
