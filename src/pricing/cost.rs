//! Dollars from integer token sums. Every sum is priced once, in exact decimals, so a total never depends on the
//! order calls were added in or on the thread count.

use rust_decimal::Decimal;

use super::{Marginal, PriceRow, PriceTable, Range, Rates};
use crate::call::{BucketKey, Sums, Tokens};
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
    /// Whether a request with this prompt is billed at the long-context tier (the whole request, not the excess).
    pub fn is_long(&self, prompt_tokens: u64) -> bool {
        self.long_context.as_ref().is_some_and(|lc| prompt_tokens > lc.above)
    }

    /// The list-price cost of `t`, all billed at one tier and one batch status.
    pub fn cost(&self, t: &Tokens, long: bool, batch: bool) -> Decimal {
        let rates = match (&self.long_context, long) {
            (Some(lc), true) => &lc.rates,
            _ => &self.rates,
        };
        let c = rates.cost(t);
        if batch { c * self.batch_factor } else { c }
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
    row.cost(&sums.tokens, key.long, key.batch)
}

/// The list-price cost of many buckets.
pub fn buckets_cost(table: &PriceTable, buckets: &BTreeMap<BucketKey, Sums>) -> Decimal {
    buckets.iter().map(|(k, s)| bucket_cost(table, k, s)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::LongContext;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn rates(i: &str, o: &str) -> Rates {
        Rates {
            input: d(i),
            output: d(o),
            cached_input: d(i) / d("10"),
            cache_write_5m: d(i) * d("1.25"),
            cache_write_1h: d(i) * d("2"),
        }
    }

    fn sonnet() -> PriceRow {
        PriceRow {
            as_of: chrono::NaiveDate::from_ymd_opt(2025, 9, 29).unwrap(),
            rates: rates("3", "15"),
            batch_factor: d("0.5"),
            long_context: Some(LongContext {
                above: 200_000,
                rates: rates("6", "22.5"),
            }),
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
        assert_eq!(sonnet().cost(&t, false, false), d("0.027"));
        assert_eq!(sonnet().cost(&t, false, true), d("0.0135"));
    }

    #[test]
    fn long_context_prices_the_whole_request() {
        let row = sonnet();
        let t = Tokens {
            input: 150_000,
            cache_read: 60_000,
            output: 1_000,
            ..Default::default()
        };
        assert!(row.is_long(t.prompt()));
        // 150000*6 + 60000*0.6 + 1000*22.5 = 900000 + 36000 + 22500 = 958500 -> $0.9585
        assert_eq!(row.cost(&t, true, false), d("0.9585"));
        assert!(!row.is_long(200_000));
    }
}
