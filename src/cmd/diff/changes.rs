//! The two runs side by side, as `diff`'s JSON document: totals and groups (base, head, change in dollars and
//! percent, calls and tokens of both), the change split into price and usage per model, and the gate's verdict.
//!
//! With `--per call` or `--per session` every dollar figure of a run is divided by that run's priced calls or
//! sessions (a group's figure is then its part of the average call's cost), rounded to 12 decimals; the price and
//! usage effects are differences of those figures, so they still add up to the change exactly.

use anyhow::{Result, bail};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::BTreeMap;

use super::effect::ModelEffect;
use super::run::{Group, Run};
use crate::config::Per;
use crate::money::Usd;

/// One run's calls and tokens in a group, and its cost as the run priced it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Side {
    pub calls: u64,
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_tokens: u64,
    pub cache_write_1h_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: Usd,
}

impl Side {
    fn of(g: &Group) -> Side {
        Side {
            calls: g.calls,
            input_tokens: g.input_tokens,
            cached_input_tokens: g.cached_input_tokens,
            cache_write_tokens: g.cache_write_tokens,
            cache_write_1h_tokens: g.cache_write_1h_tokens,
            output_tokens: g.output_tokens,
            cost_usd: Usd(g.cost_usd),
        }
    }
}

/// A group, or the totals, in both runs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub key: String,
    /// `added` (only in HEAD), `removed` (only in BASE), `changed` or `unchanged`.
    pub status: &'static str,
    pub base: Option<Side>,
    pub head: Option<Side>,
    /// The figures compared: the cost, or with `--per` the cost per call or session.
    pub base_usd: Usd,
    pub head_usd: Usd,
    pub change_usd: Usd,
    /// The change in percent of `base_usd`, rounded to 0.01; None when `base_usd` is 0.
    pub change_pct: Option<f64>,
    /// The percentage as an exact decimal, for the gate.
    #[serde(skip)]
    pub pct: Option<Decimal>,
}

/// What a run was and how big.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunInfo {
    pub path: String,
    /// `report` or `logs`.
    pub kind: &'static str,
    pub tokencost_version: String,
    pub calls: u64,
    pub priced_calls: u64,
    pub unpriced_calls: u64,
    pub sessions: u64,
    pub cost_usd: Usd,
}

/// One model's part of the change.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModelSplit {
    pub model: String,
    /// The price row each run priced the model at (the newest, if several); None where the run did not use it.
    pub base_as_of: Option<String>,
    pub head_as_of: Option<String>,
    pub base_usd: Usd,
    pub head_usd: Usd,
    /// HEAD's tokens at BASE's prices; HEAD's own cost for a model BASE did not use.
    pub head_at_base_prices_usd: Usd,
    pub price_usd: Usd,
    pub usage_usd: Usd,
    /// BASE did not use the model: there is no BASE price, so its whole cost is usage.
    pub new_in_head: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Effects {
    pub head_at_base_prices_usd: Usd,
    /// HEAD's tokens at HEAD's prices minus at BASE's.
    pub price_usd: Usd,
    /// HEAD's tokens minus BASE's, both at BASE's prices.
    pub usage_usd: Usd,
    pub by_model: Vec<ModelSplit>,
}

/// The gate's verdict.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verdict {
    /// `ok`, `warn` or `fail`.
    pub level: &'static str,
    /// Whether the change is more than `--min-change-usd` (any change, without it).
    pub moved: bool,
    pub reasons: Vec<String>,
}

/// `diff`'s JSON document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiffDoc {
    pub base_label: String,
    pub by: String,
    /// `run`, `call` or `session`: what the dollar figures are per.
    pub per: &'static str,
    pub base: RunInfo,
    pub head: RunInfo,
    pub totals: Change,
    pub effects: Effects,
    /// Every group of either run, those that moved most first.
    pub groups: Vec<Change>,
    pub verdict: Verdict,
}

/// What a run's figures are divided by.
fn divisor(run: &Run, per: Per) -> Result<u64> {
    let (n, what) = match per {
        Per::Run => return Ok(1),
        Per::Call => (run.totals.calls, "priced call"),
        Per::Session => (run.sessions, "session"),
    };
    if n == 0 {
        bail!("{}: no {what} to divide its cost by (--per {})", run.path, per.name());
    }
    Ok(n)
}

/// A run's figure at the scale compared.
fn scaled(x: Decimal, n: u64) -> Decimal {
    if n == 1 {
        return x;
    }
    (x / Decimal::from(n)).round_dp_with_strategy(12, RoundingStrategy::MidpointAwayFromZero)
}

/// The change in percent of `base`; None from 0 (and for a ratio too large to hold).
fn percent(base: Decimal, change: Decimal) -> Option<Decimal> {
    if base.is_zero() {
        return None;
    }
    change.checked_div(base)?.checked_mul(Decimal::ONE_HUNDRED)
}

fn change(key: String, base: Option<&Group>, head: Option<&Group>, n: (u64, u64)) -> Change {
    let cost = |g: Option<&Group>, n| g.map_or(Decimal::ZERO, |g| scaled(g.cost_usd, n));
    let (b, h) = (cost(base, n.0), cost(head, n.1));
    let pct = percent(b, h - b);
    let status = match (base, head) {
        (None, _) => "added",
        (_, None) => "removed",
        _ if h == b => "unchanged",
        _ => "changed",
    };
    Change {
        key,
        status,
        base: base.map(Side::of),
        head: head.map(Side::of),
        base_usd: Usd(b),
        head_usd: Usd(h),
        change_usd: Usd(h - b),
        change_pct: pct.and_then(|p| {
            p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                .to_f64()
        }),
        pct,
    }
}

fn info(run: &Run) -> RunInfo {
    RunInfo {
        path: run.path.clone(),
        kind: run.kind,
        tokencost_version: run.version.clone(),
        calls: run.calls,
        priced_calls: run.totals.calls,
        unpriced_calls: run.unpriced_calls,
        sessions: run.sessions,
        cost_usd: Usd(run.totals.cost_usd),
    }
}

/// The effects at the scale compared; the totals' head and base are the runs' own totals.
fn effects(models: &[ModelEffect], totals: &Change, n: (u64, u64)) -> Effects {
    let at_base: Decimal = models.iter().map(|m| m.head_at_base).sum();
    let at_base = scaled(at_base, n.1);
    let mut by_model: Vec<ModelSplit> = models
        .iter()
        .map(|m| {
            let (b, h, hb) = (scaled(m.base, n.0), scaled(m.head, n.1), scaled(m.head_at_base, n.1));
            ModelSplit {
                model: m.model.clone(),
                base_as_of: m.base_as_of.clone(),
                head_as_of: m.head_as_of.clone(),
                base_usd: Usd(b),
                head_usd: Usd(h),
                head_at_base_prices_usd: Usd(hb),
                price_usd: Usd(h - hb),
                usage_usd: Usd(hb - b),
                new_in_head: m.base_as_of.is_none(),
            }
        })
        .collect();
    by_model.sort_by(|a, b| {
        let moved = |m: &ModelSplit| (m.head_usd.0 - m.base_usd.0).abs();
        moved(b).cmp(&moved(a)).then_with(|| a.model.cmp(&b.model))
    });
    Effects {
        head_at_base_prices_usd: Usd(at_base),
        price_usd: Usd(totals.head_usd.0 - at_base),
        usage_usd: Usd(at_base - totals.base_usd.0),
        by_model,
    }
}

/// The document, with an empty verdict for the gate to fill.
pub fn compare(base: &Run, head: &Run, per: Per, label: &str, models: &[ModelEffect]) -> Result<DiffDoc> {
    let n = (divisor(base, per)?, divisor(head, per)?);
    let mut keys: BTreeMap<&str, (Option<&Group>, Option<&Group>)> = BTreeMap::new();
    for g in &base.groups {
        keys.entry(g.key.as_str()).or_default().0 = Some(g);
    }
    for g in &head.groups {
        keys.entry(g.key.as_str()).or_default().1 = Some(g);
    }
    let mut groups: Vec<Change> = keys
        .into_iter()
        .map(|(k, (b, h))| change(k.to_string(), b, h, n))
        .collect();
    groups.sort_by(|a, b| {
        (b.change_usd.0.abs())
            .cmp(&a.change_usd.0.abs())
            .then_with(|| a.key.cmp(&b.key))
    });
    let totals = change("total".into(), Some(&base.totals), Some(&head.totals), n);
    Ok(DiffDoc {
        base_label: label.to_string(),
        by: head.by.clone(),
        per: per.name(),
        base: info(base),
        head: info(head),
        effects: effects(models, &totals, n),
        totals,
        groups,
        verdict: Verdict {
            level: "ok",
            moved: false,
            reasons: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_unit_figures_round_to_twelve_places_and_keep_exact_totals() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(scaled(d("0.123456789012345678"), 1), d("0.123456789012345678"));
        // 1 / 3 = 0.333333333333|33...
        assert_eq!(scaled(d("1"), 3), d("0.333333333333"));
        assert_eq!(scaled(d("0.72"), 5), d("0.144"));
    }

    #[test]
    fn percent_of_nothing_is_none() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(percent(Decimal::ZERO, d("1")), None);
        // 0.14 / 0.72 x 100 = 19.444...
        assert_eq!(percent(d("0.72"), d("0.14")).map(|p| p.round_dp(2)), Some(d("19.44")));
    }
}
