//! LiteLLM's price fields mapped onto a row of the table. A field name is a base rate, then an optional
//! `_above_<N>k_tokens` long-context level, then an optional service tier: `input_cost_per_token`,
//! `cache_read_input_token_cost_above_272k_tokens_priority`, `cache_creation_input_token_cost_above_1hr_batches`.
//! Any other cost field (audio, images, seconds, the `_ultrafast`, `_decisions` and `_balanced` tiers) prices
//! something a token row cannot, and is counted as ignored.

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::litellm::per_million;

/// The rates of one tier, in the order of `RATE_NAMES`; `None` where LiteLLM lists nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rates(pub [Option<Decimal>; 6]);

/// The table's names for the six rates, in `Rates` order.
pub const RATE_NAMES: [&str; 6] = [
    "input",
    "output",
    "cached_input",
    "cache_write_5m",
    "cache_write_1h",
    "cache_write_12h",
];

/// Standard, batch, priority and flex rates of one prompt-size level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Level(pub [Rates; 4]);

pub const STANDARD: usize = 0;
pub const BATCH: usize = 1;
pub const PRIORITY: usize = 2;
pub const FLEX: usize = 3;

/// One entry's prices: the base level and the long-context levels by their threshold in tokens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub base: Level,
    pub long: BTreeMap<u64, Level>,
}

/// What reading an entry's fields found besides its row.
#[derive(Debug, Default)]
pub struct Read {
    pub row: Row,
    /// Cost fields that no rate of the table holds.
    pub ignored: Vec<String>,
    /// Rates of 0 other than input and output: placeholders, left out (a free cache write is not a price).
    pub zeros: Vec<String>,
    /// Rate fields whose value is not a price (a string, a negative number).
    pub malformed: Vec<String>,
}

/// The base rate a field name starts with. `_cache_hit` is DeepSeek's older name for a cache read.
fn base_rate(name: &str) -> Option<usize> {
    Some(match name {
        "input_cost_per_token" => 0,
        "output_cost_per_token" => 1,
        "cache_read_input_token_cost" | "input_cost_per_token_cache_hit" => 2,
        "cache_creation_input_token_cost" => 3,
        "cache_creation_input_token_cost_above_1hr" => 4,
        "cache_creation_input_token_cost_above_12hr" => 5,
        _ => return None,
    })
}

/// `(rate, level threshold, tier)` of a field the table can hold.
pub fn parse_name(name: &str) -> Option<(usize, Option<u64>, usize)> {
    let (rest, tier) = [("_batches", BATCH), ("_priority", PRIORITY), ("_flex", FLEX)]
        .iter()
        .find_map(|(suffix, tier)| name.strip_suffix(suffix).map(|r| (r, *tier)))
        .unwrap_or((name, STANDARD));
    let (rest, above) = match rest.strip_suffix("k_tokens").and_then(|r| r.rsplit_once("_above_")) {
        Some((r, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            (r, Some(n.parse::<u64>().ok()?.checked_mul(1000)?))
        }
        _ => (rest, None),
    };
    base_rate(rest).map(|rate| (rate, above, tier))
}

/// Reads every price field of one entry.
pub fn read(entry: &Map<String, Value>) -> Read {
    let mut out = Read::default();
    // The cache-hit name only counts where the entry gives no `cache_read_input_token_cost`.
    let has_read = entry.contains_key("cache_read_input_token_cost");
    for (name, value) in entry {
        let Some((rate, above, tier)) = parse_name(name) else {
            if name.contains("cost") {
                out.ignored.push(name.clone());
            }
            continue;
        };
        if name == "input_cost_per_token_cache_hit" && has_read {
            continue;
        }
        let Some(d) = per_million(value) else {
            out.malformed.push(name.clone());
            continue;
        };
        let is_token_price = rate <= 1 && above.is_none() && tier == STANDARD;
        if d.is_zero() && !is_token_price {
            out.zeros.push(name.clone());
            continue;
        }
        let level = match above {
            None => &mut out.row.base,
            Some(n) => out.row.long.entry(n).or_default(),
        };
        level.0[tier].0[rate] = Some(d);
    }
    out
}

impl Row {
    /// Both rows' rates together, when every rate that both list agrees: two keys of one model where one lists
    /// a tier the other leaves out.
    pub fn union(&self, other: &Row) -> Option<Row> {
        fn level(a: &Level, b: &Level) -> Option<Level> {
            let mut out = a.clone();
            for (t, tier) in b.0.iter().enumerate() {
                for (i, v) in tier.0.iter().enumerate() {
                    match (out.0[t].0[i], v) {
                        (Some(x), Some(y)) if x != *y => return None,
                        (None, Some(y)) => out.0[t].0[i] = Some(*y),
                        _ => {}
                    }
                }
            }
            Some(out)
        }
        let mut out = Row {
            base: level(&self.base, &other.base)?,
            long: self.long.clone(),
        };
        for (above, l) in &other.long {
            let merged = match out.long.get(above) {
                Some(mine) => level(mine, l)?,
                None => l.clone(),
            };
            out.long.insert(*above, merged);
        }
        Some(out)
    }

    /// The standard input and output rates, which every imported row has.
    pub fn input_output(&self) -> (Option<Decimal>, Option<Decimal>) {
        let s = &self.base.0[STANDARD].0;
        (s[0], s[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_into_rate_level_and_tier() {
        assert_eq!(parse_name("input_cost_per_token"), Some((0, None, STANDARD)));
        assert_eq!(parse_name("output_cost_per_token_batches"), Some((1, None, BATCH)));
        assert_eq!(
            parse_name("cache_read_input_token_cost_above_272k_tokens_priority"),
            Some((2, Some(272_000), PRIORITY))
        );
        assert_eq!(
            parse_name("cache_creation_input_token_cost_above_12hr_above_272k_tokens_flex"),
            Some((5, Some(272_000), FLEX))
        );
        assert_eq!(
            parse_name("cache_creation_input_token_cost_above_1hr_above_200k_tokens"),
            Some((4, Some(200_000), STANDARD))
        );
        assert_eq!(
            parse_name("cache_creation_input_token_cost_above_1hr"),
            Some((4, None, STANDARD))
        );
        assert_eq!(parse_name("input_cost_per_token_ultrafast"), None);
        assert_eq!(parse_name("input_cost_per_token_above_272k_tokens_decisions"), None);
        assert_eq!(parse_name("input_cost_per_audio_token"), None);
        assert_eq!(parse_name("input_cost_per_token_above_k_tokens"), None);
    }

    #[test]
    fn zero_rates_other_than_input_and_output_are_left_out() {
        let entry: Map<String, Value> = serde_json::from_str(
            r#"{"input_cost_per_token": 2.8e-07, "output_cost_per_token": 0, "cache_creation_input_token_cost": 0.0,
                "cache_read_input_token_cost": 2.8e-08, "input_cost_per_token_cache_hit": 1e-08,
                "output_cost_per_reasoning_token": 1e-06, "input_cost_per_token_batches": "half"}"#,
        )
        .unwrap();
        let r = read(&entry);
        let s = &r.row.base.0[STANDARD].0;
        assert_eq!(s[0].unwrap().to_string(), "0.28");
        assert_eq!(s[1].unwrap().to_string(), "0");
        assert_eq!(s[2].unwrap().to_string(), "0.028");
        assert_eq!(s[3], None);
        assert_eq!(r.zeros, vec!["cache_creation_input_token_cost"]);
        assert_eq!(r.ignored, vec!["output_cost_per_reasoning_token"]);
        assert_eq!(r.malformed, vec!["input_cost_per_token_batches"]);
    }
}
