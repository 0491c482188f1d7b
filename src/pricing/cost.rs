//! Dollars from integer token sums. Every sum is priced once, in exact decimals, so a total never depends on the
//! order calls were added in or on the thread count.

use rust_decimal::Decimal;

use super::{Marginal, PriceRow, PriceTable, Range, Rates};
use crate::call::{BucketKey, Sums, Tier, Tokens};
use std::collections::BTreeMap;

const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

fn times(tokens: u64, per_million: Decimal) -> Decimal {
    Decimal::from(tokens)
        .checked_mul(per_million)
        .map(|d| d / MILLION)
        .unwrap_or(Decimal::MAX)
}

impl Rates {
    fn cost(&self, t: &Tokens) -> Decimal {
        times(t.input, self.input)
            + times(t.cache_read, self.cached_input)
            + times(t.cache_write_5m, self.cache_write_5m)
            + times(t.cache_write_1h, self.cache_write_1h)
            + times(t.output, self.output)
    }
}

impl PriceRow {
    /// The prompt-size level a request is billed at: 0 below every long-context threshold, else the 1-based index
    /// of the highest threshold its prompt exceeds. The level prices the whole request, not the excess.
    pub fn level(&self, prompt_tokens: u64) -> u8 {
        let n = self.long_context.iter().filter(|lc| prompt_tokens > lc.above).count();
        u8::try_from(n).unwrap_or(u8::MAX)
    }

    /// The rates of one level and service tier.
    pub fn rates_at(&self, level: u8, tier: Tier) -> &Rates {
        let tiers = match usize::from(level).checked_sub(1) {
            None => &self.base,
            Some(i) => &self.long_context[i.min(self.long_context.len() - 1)].rates,
        };
        tiers.get(tier)
    }

    /// The list-price cost of `t`, all billed at one level and one service tier.
    pub fn cost(&self, t: &Tokens, level: u8, tier: Tier) -> Decimal {
        self.rates_at(level, tier).cost(t)
    }
}

/// The estimated cost of serving `t`, low and high.
pub fn marginal_cost(m: &Marginal, cache_read_factor: Range, t: &Tokens) -> Range {
    let fresh = t.input + t.cache_write_5m + t.cache_write_1h;
    let one = |input: Decimal, output: Decimal, cached: Decimal| {
        times(fresh, input) + times(t.cache_read, input * cached) + times(t.output, output)
    };
    Range {
        low: one(m.input.low, m.output.low, cache_read_factor.low),
        high: one(m.input.high, m.output.high, cache_read_factor.high),
    }
}

/// The list-price cost of one bucket of sums.
pub fn bucket_cost(table: &PriceTable, key: &BucketKey, sums: &Sums) -> Decimal {
    let row = &table.model(key.model).prices[key.row];
    row.cost(&sums.tokens, key.level, key.tier)
}

/// The list-price cost of many buckets.
pub fn buckets_cost(table: &PriceTable, buckets: &BTreeMap<BucketKey, Sums>) -> Decimal {
    buckets.iter().map(|(k, s)| bucket_cost(table, k, s)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::{LongContext, TierRates};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn rates(i: &str, o: &str) -> Rates {
        Rates {
            listed: 0b11_1111,
            input: d(i),
            output: d(o),
            cached_input: d(i) / d("10"),
            cache_write_5m: d(i) * d("1.25"),
            cache_write_1h: d(i) * d("2"),
            cache_write_12h: d(i) * d("2"),
        }
    }

    fn tiers(i: &str, o: &str) -> TierRates {
        let standard = rates(i, o);
        TierRates {
            batch: Rates {
                input: standard.input / d("2"),
                output: standard.output / d("2"),
                ..standard
            },
            priority: Some(rates("5", "30")),
            flex: None,
            standard,
        }
    }

    fn sonnet() -> PriceRow {
        PriceRow {
            as_of: chrono::NaiveDate::from_ymd_opt(2025, 9, 29).unwrap(),
            base: tiers("3", "15"),
            batch_factor: d("0.5"),
            long_context: vec![
                LongContext {
                    above: 200_000,
                    rates: tiers("6", "22.5"),
                },
                LongContext {
                    above: 500_000,
                    rates: tiers("8", "30"),
                },
            ],
            source: String::new(),
            output_listed: true,
        }
    }

    #[test]
    fn buckets_at_their_rates() {
        let t = Tokens {
            input: 1_000,
            cache_read: 10_000,
            cache_write_5m: 2_000,
            cache_write_1h: 1_000,
            output: 500,
        };
        // 1000*3 + 10000*0.3 + 2000*3.75 + 1000*6 + 500*15 = 3000+3000+7500+6000+7500 = 27000 -> $0.027
        assert_eq!(sonnet().cost(&t, 0, Tier::Standard), d("0.027"));
        // Batch lists input and output at half; the cache rates are the standard ones here:
        // 1000*1.5 + 3000 + 7500 + 6000 + 500*7.5 = 21750 -> $0.02175
        assert_eq!(sonnet().cost(&t, 0, Tier::Batch), d("0.02175"));
        // Priority at 5/30: 1000*5 + 10000*0.5 + 2000*6.25 + 1000*10 + 500*30 = 5000+5000+12500+10000+15000
        assert_eq!(sonnet().cost(&t, 0, Tier::Priority), d("0.0475"));
        // No flex tier: the standard rates.
        assert_eq!(sonnet().cost(&t, 0, Tier::Flex), d("0.027"));
    }

    #[test]
    fn long_context_prices_the_whole_request_at_the_highest_level_passed() {
        let row = sonnet();
        let t = Tokens {
            input: 150_000,
            cache_read: 60_000,
            output: 1_000,
            ..Default::default()
        };
        assert_eq!(row.level(t.prompt()), 1);
        // 150000*6 + 60000*0.6 + 1000*22.5 = 900000 + 36000 + 22500 = 958500 -> $0.9585
        assert_eq!(row.cost(&t, 1, Tier::Standard), d("0.9585"));
        assert_eq!(row.level(200_000), 0);
        assert_eq!(row.level(200_001), 1);
        assert_eq!(row.level(500_001), 2);
        // 500001 fresh input at $8: 4.000008
        let big = Tokens {
            input: 500_001,
            ..Default::default()
        };
        assert_eq!(row.cost(&big, 2, Tier::Standard), d("4.000008"));
    }
}
