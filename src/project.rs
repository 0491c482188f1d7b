//! The cost of an agent session before it runs: call k (from 0) sends `base + k x growth` prompt tokens and returns
//! `output` tokens, so input grows quadratically with the number of calls. With prompt caching, each call reads the
//! previous call's prompt from the cache and writes the `growth` new tokens to it.
//!
//! A shape whose session holds more tokens than a count can (2^64 - 1) is refused rather than counted up to that
//! and priced as if it were all; costs are summed with a check.

use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::call::{Tier, Tokens, Traced};
use crate::error::TooLarge;
use crate::fmt::thousands;
use crate::pricing::{Model, PriceRow, PriceTable, Range};
use crate::report::checked_marginal;

/// The shape of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub calls: u64,
    pub base_prompt_tokens: u64,
    pub growth_tokens_per_call: u64,
    pub output_tokens_per_call: u64,
}

impl Shape {
    /// Refuses a session with more prompt or output tokens than a count holds, worked out exactly:
    /// `calls x base + growth x calls x (calls - 1) / 2` prompt tokens and `calls x output` output tokens.
    pub fn check(&self) -> anyhow::Result<()> {
        let [n, base, growth, output] = [
            self.calls,
            self.base_prompt_tokens,
            self.growth_tokens_per_call,
            self.output_tokens_per_call,
        ]
        .map(u128::from);
        let prompt = n.checked_mul(base).and_then(|b| {
            let pairs = n.checked_mul(n.saturating_sub(1))? / 2;
            b.checked_add(growth.checked_mul(pairs)?)
        });
        let fits = |t: Option<u128>| t.is_some_and(|t| t <= u128::from(u64::MAX));
        if !fits(prompt) || !fits(n.checked_mul(output)) {
            anyhow::bail!(
                "a session of {} calls, {} prompt tokens at first, {} more per call and {} output tokens per call holds more than {} tokens: too many to count",
                thousands(self.calls),
                thousands(self.base_prompt_tokens),
                thousands(self.growth_tokens_per_call),
                thousands(self.output_tokens_per_call),
                thousands(u64::MAX)
            );
        }
        Ok(())
    }

    fn prompt(&self, k: u64) -> u64 {
        self.base_prompt_tokens
            .saturating_add(k.saturating_mul(self.growth_tokens_per_call))
    }

    /// The buckets call `k` is billed in.
    fn call_tokens(&self, k: u64, cache: bool) -> Tokens {
        let prompt = self.prompt(k);
        let mut t = Tokens {
            output: self.output_tokens_per_call,
            ..Tokens::default()
        };
        match (cache, k) {
            (false, _) => t.input = prompt,
            (true, 0) => t.cache_write_5m = prompt,
            (true, _) => {
                t.cache_read = self.prompt(k - 1);
                t.cache_write_5m = prompt - t.cache_read;
            }
        }
        t
    }
}

/// One session of `shape` on one model.
#[derive(Debug, Clone)]
pub struct Projection {
    pub tokens: Tokens,
    pub cost: Decimal,
    pub marginal: Option<Range>,
}

/// Prices one session call by call, so a call whose prompt crosses a long-context threshold is billed at that tier.
/// The shape has passed `Shape::check`, so the token sums are exact.
pub fn project(
    table: &PriceTable,
    model: &Model,
    row: &PriceRow,
    shape: &Shape,
    cache: bool,
) -> Result<Projection, TooLarge> {
    let mut tokens = Tokens::default();
    let mut cost = Decimal::ZERO;
    for k in 0..shape.calls {
        let t = shape.call_tokens(k, cache);
        let call = row.cost(&t, row.level(t.prompt()), Tier::Standard);
        cost = TooLarge::add(cost, call, "the cost of a session")?;
        tokens.add(&t);
    }
    let marginal = table
        .marginal_for(model)
        .map(|m| checked_marginal(m, table.cache_read_factor(), &tokens))
        .transpose()?;
    Ok(Projection { tokens, cost, marginal })
}

/// Shapes fitted from logs: each session's calls, first prompt, mean growth per call and mean output, summarised
/// over sessions as the median (p50) and the 90th percentile (p90), each parameter on its own.
#[derive(Debug, Clone, Serialize)]
pub struct Fitted {
    pub sessions: u64,
    pub p50: Shape,
    pub p90: Shape,
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: u64) -> u64 {
    let rank = (p * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

pub fn fit(calls: &[Traced]) -> Option<Fitted> {
    let mut sessions: BTreeMap<&str, Vec<&Traced>> = BTreeMap::new();
    for c in calls {
        sessions.entry(&c.session).or_default().push(c);
    }
    if sessions.is_empty() {
        return None;
    }
    let mut params: [Vec<u64>; 4] = Default::default();
    for list in sessions.values() {
        let n = list.len() as u64;
        let (first, last) = (list[0].prompt, list[list.len() - 1].prompt);
        let growth = if n > 1 {
            last.saturating_sub(first).div_ceil(n - 1)
        } else {
            0
        };
        let output = list.iter().map(|c| c.output).sum::<u64>().div_ceil(n);
        for (v, x) in params.iter_mut().zip([n, first, growth, output]) {
            v.push(x);
        }
    }
    for v in &mut params {
        v.sort_unstable();
    }
    let shape = |p| Shape {
        calls: percentile(&params[0], p),
        base_prompt_tokens: percentile(&params[1], p),
        growth_tokens_per_call: percentile(&params[2], p),
        output_tokens_per_call: percentile(&params[3], p),
    };
    Some(Fitted {
        sessions: sessions.len() as u64,
        p50: shape(50),
        p90: shape(90),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_grows_quadratically() {
        let s = Shape {
            calls: 10,
            base_prompt_tokens: 2000,
            growth_tokens_per_call: 500,
            output_tokens_per_call: 300,
        };
        // sum_{k=0..9} (2000 + 500k) = 20000 + 500 x 45 = 42500
        let total: u64 = (0..10).map(|k| s.call_tokens(k, false).input).sum();
        assert_eq!(total, 42_500);
        // With caching the same tokens are sent, split into reads and writes: writes 2000 + 9 x 500 = 6500.
        let cached: Vec<Tokens> = (0..10).map(|k| s.call_tokens(k, true)).collect();
        assert_eq!(cached.iter().map(|t| t.cache_write_5m).sum::<u64>(), 6_500);
        assert_eq!(cached.iter().map(|t| t.prompt()).sum::<u64>(), 42_500);
    }

    #[test]
    fn a_session_beyond_a_count_is_refused_not_saturated() {
        let shape = |calls, base, growth, output| Shape {
            calls,
            base_prompt_tokens: base,
            growth_tokens_per_call: growth,
            output_tokens_per_call: output,
        };
        assert!(shape(10, 2000, 500, 300).check().is_ok());
        // 1,000,000 calls x 18,446,744,073,709 = 1.8e19, just under 2^64 - 1; one token more per call is over.
        assert!(shape(1_000_000, 18_446_744_073_709, 0, 0).check().is_ok());
        assert!(shape(1_000_000, 18_446_744_073_710, 0, 0).check().is_err());
        assert!(shape(2, u64::MAX, 0, 0).check().is_err());
        // growth x 1,000,000 x 999,999 / 2: 1.5e19 at 30,000,000 a call, 2.0e19 at 40,000,000.
        assert!(shape(1_000_000, 0, 30_000_000, 0).check().is_ok());
        assert!(shape(1_000_000, 0, 40_000_000, 0).check().is_err());
        assert!(shape(3, 0, 0, u64::MAX / 2).check().is_err());
        assert!(shape(u64::MAX, u64::MAX, u64::MAX, u64::MAX).check().is_err());
    }

    #[test]
    fn fits_sessions() {
        let t = |s: &str, prompt, output| Traced {
            session: s.into(),
            prompt,
            output,
        };
        // a: 3 calls 1000, 1500, 2000 -> growth 500, output mean 100; b: 1 call 4000, output 300.
        let calls = [
            t("a", 1000, 100),
            t("a", 1500, 50),
            t("a", 2000, 150),
            t("b", 4000, 300),
        ];
        let f = fit(&calls).unwrap();
        assert_eq!(f.sessions, 2);
        assert_eq!(
            (f.p50.calls, f.p50.base_prompt_tokens, f.p50.growth_tokens_per_call),
            (1, 1000, 0)
        );
        assert_eq!(
            (f.p90.calls, f.p90.base_prompt_tokens, f.p90.growth_tokens_per_call),
            (3, 4000, 500)
        );
        assert_eq!((f.p50.output_tokens_per_call, f.p90.output_tokens_per_call), (100, 300));
    }
}
