//! A change in cost split into price and usage, per model: HEAD's tokens priced at BASE's rows against HEAD's own.
//!
//! price effect = cost(HEAD tokens at HEAD rows) - cost(HEAD tokens at BASE rows)
//! usage effect = cost(HEAD tokens at BASE rows) - cost(BASE tokens at BASE rows)
//!
//! Their sum is the change, exactly. A model only HEAD used has no BASE row: its tokens keep HEAD's prices, so its
//! whole cost is usage. Where BASE priced a model at several rows (its calls straddle a price change), HEAD's
//! tokens are priced at the newest of them, the price BASE ended on.

use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

use super::run::{Bucket, Rates, Row, Run};

const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// Dollars for `tokens` at `per_million`, as `pricing` prices a bucket, so that a run priced at its own rows here
/// costs exactly what its report says. Report figures are bounded when read: no product overflows.
fn times(tokens: u64, per_million: Decimal) -> Decimal {
    Decimal::from(tokens) * per_million / MILLION
}

fn cost(b: &Bucket, r: &Rates) -> Decimal {
    times(b.input_tokens, r.input)
        + times(b.cached_input_tokens, r.cached_input)
        + times(b.cache_write_5m_tokens, r.cache_write_5m)
        + times(b.cache_write_1h_tokens, r.cache_write_1h)
        + times(b.output_tokens, r.output)
}

/// A HEAD bucket's tokens at another row's rates, in the same service tier. The bucket's level says its prompts were
/// above `above_tokens`; at `row` they are billed at the highest level whose threshold is not above that. When the
/// two rows share their thresholds (as a model's rows do), that is the same level.
fn reprice(b: &Bucket, row: &Row) -> Decimal {
    let above = b.above_tokens.unwrap_or(0);
    let tiers = row
        .long_context
        .iter()
        .filter(|l| l.above_tokens <= above)
        .max_by_key(|l| l.above_tokens)
        .map_or(&row.rates_usd_per_m, |l| &l.rates_usd_per_m);
    cost(b, tiers.get(&b.tier))
}

/// One model's part of the change.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelEffect {
    pub model: String,
    /// The newest row each run priced the model at; None where the run did not use the model.
    pub base_as_of: Option<String>,
    pub head_as_of: Option<String>,
    pub base: Decimal,
    pub head: Decimal,
    /// HEAD's tokens at BASE's row; HEAD's own cost for a model BASE did not use.
    pub head_at_base: Decimal,
}

/// The newest row date of each model in a run's buckets.
fn newest_rows(run: &Run) -> BTreeMap<&str, &str> {
    let mut out: BTreeMap<&str, &str> = BTreeMap::new();
    for b in &run.buckets {
        let e = out.entry(b.model.as_str()).or_insert(b.as_of.as_str());
        // Dates are YYYY-MM-DD: their text order is their time order.
        if b.as_of.as_str() > *e {
            *e = b.as_of.as_str();
        }
    }
    out
}

/// Every model either run used, by name.
pub fn by_model(base: &Run, head: &Run) -> Vec<ModelEffect> {
    let base_rows = newest_rows(base);
    let head_rows = newest_rows(head);
    let models: BTreeSet<&str> = base_rows.keys().chain(head_rows.keys()).copied().collect();
    models
        .into_iter()
        .map(|m| {
            let base_row = base_rows.get(m).and_then(|as_of| base.row(m, as_of));
            let heads = head.buckets.iter().filter(|b| b.model == m);
            ModelEffect {
                model: m.to_string(),
                base_as_of: base_rows.get(m).map(|s| s.to_string()),
                head_as_of: head_rows.get(m).map(|s| s.to_string()),
                base: base.buckets.iter().filter(|b| b.model == m).map(|b| b.cost_usd).sum(),
                head: heads.clone().map(|b| b.cost_usd).sum(),
                head_at_base: heads.map(|b| base_row.map_or(b.cost_usd, |r| reprice(b, r))).sum(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::diff::run::{Level, Tiers};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn rates(input: &str, output: &str) -> Rates {
        Rates {
            input: d(input),
            cached_input: d(input) / d("10"),
            cache_write_5m: d(input),
            cache_write_1h: d(input),
            output: d(output),
        }
    }

    fn tiers(input: &str, output: &str) -> Tiers {
        Tiers {
            standard: rates(input, output),
            batch: rates("0.5", "2"),
            priority: None,
            flex: None,
        }
    }

    fn bucket(tier: &str, above: Option<u64>) -> Bucket {
        Bucket {
            model: "p/m".into(),
            as_of: "2025-01-01".into(),
            tier: tier.into(),
            level: u8::from(above.is_some()),
            above_tokens: above,
            input_tokens: 300_000,
            cached_input_tokens: 100_000,
            cache_write_5m_tokens: 0,
            cache_write_1h_tokens: 0,
            output_tokens: 1_000,
            cost_usd: Decimal::ZERO,
        }
    }

    fn row() -> Row {
        Row {
            model: "p/m".into(),
            as_of: "2025-06-01".into(),
            rates_usd_per_m: tiers("2", "8"),
            long_context: vec![Level {
                above_tokens: 200_000,
                rates_usd_per_m: tiers("4", "12"),
            }],
        }
    }

    #[test]
    fn a_bucket_is_repriced_in_its_tier_and_at_its_level() {
        // Below the threshold, standard: 300000 x 2 + 100000 x 0.2 + 1000 x 8 = 600,000 + 20,000 + 8,000 = 628,000
        assert_eq!(reprice(&bucket("standard", None), &row()), d("0.628"));
        // Above 200k: 300000 x 4 + 100000 x 0.4 + 1000 x 12 = 1,200,000 + 40,000 + 12,000 = 1,252,000
        assert_eq!(reprice(&bucket("standard", Some(200_000)), &row()), d("1.252"));
        // Batch: 300000 x 0.5 + 100000 x 0.05 + 1000 x 2 = 150,000 + 5,000 + 2,000 = 157,000
        assert_eq!(reprice(&bucket("batch", None), &row()), d("0.157"));
        // A tier the row does not sell bills at standard.
        assert_eq!(reprice(&bucket("priority", None), &row()), d("0.628"));
        // A level whose threshold the row does not have (above 128k here) stays below the row's 200k.
        assert_eq!(reprice(&bucket("standard", Some(128_000)), &row()), d("0.628"));
    }

    #[test]
    fn times_prices_as_the_report_does() {
        let table = crate::pricing::load_text(
            "test.yaml",
            "provider: {id: p}\nmodels:\n  - id: m\n    prices:\n      - {as_of: 2025-01-01, input: 2.5, output: 10, \
             cached_input: 1.25, source: s}\n",
        )
        .expect("a valid table");
        let i = table.models.iter().position(|m| m.id == "m").unwrap();
        let priced = table.model(i).prices[0].cost(
            &crate::call::Tokens {
                input: 333_333,
                cache_read: 7,
                output: 1_234_567,
                ..Default::default()
            },
            0,
            crate::call::Tier::Standard,
        );
        let b = Bucket {
            input_tokens: 333_333,
            cached_input_tokens: 7,
            output_tokens: 1_234_567,
            ..bucket("standard", None)
        };
        assert_eq!(cost(&b, &rates_of("2.5", "1.25", "10")), priced);
    }

    fn rates_of(input: &str, cached: &str, output: &str) -> Rates {
        Rates {
            cached_input: d(cached),
            ..rates(input, output)
        }
    }
}
