//! An imported row as the table writes it, and how it compares with a row already there. A rate LiteLLM does not
//! list is unknown, not a change: only the rates it lists are compared, with the existing row's rates as the loader
//! reads them (unlisted ones given their defaults), so a hand-written row that spells out what an import leaves to
//! the defaults is not taken for a price change.

use rust_decimal::Decimal;

use super::fields::{BATCH, FLEX, Level, PRIORITY, RATE_NAMES, Rates, Row, STANDARD};
use super::write::exact_f64;
use crate::call::Tier;
use crate::pricing::load::effective_row;
use crate::pricing::schema::{LongContextDef, OneOrMany, PriceDef, RatesDef};
use crate::pricing::{PriceRow, Provider, Rates as Effective, TierRates};

/// The suffix that marks a row an import wrote: such a row may be replaced by a later import of the same date.
pub const IMPORTED: &str = "; imported";

pub fn is_imported(def: &PriceDef) -> bool {
    def.source.as_deref().is_some_and(|s| s.ends_with(IMPORTED))
}

fn field(r: &Effective, i: usize) -> Decimal {
    [
        r.input,
        r.output,
        r.cached_input,
        r.cache_write_5m,
        r.cache_write_1h,
        r.cache_write_12h,
    ][i]
}

fn level_differs(new: &Level, old: &TierRates) -> bool {
    let tiers = [Tier::Standard, Tier::Batch, Tier::Priority, Tier::Flex];
    new.0.iter().zip(tiers).any(|(rates, tier)| {
        let old = old.get(tier);
        rates
            .0
            .iter()
            .enumerate()
            .any(|(i, v)| v.is_some_and(|v| v != field(old, i)))
    })
}

/// Whether LiteLLM's row says something else than `old` does: a listed rate that differs, or a long-context
/// level that `old` lacks.
pub fn differs(new: &Row, old: &PriceRow) -> bool {
    level_differs(&new.base, &old.base)
        || new.long.iter().any(
            |(above, level)| match old.long_context.iter().find(|l| l.above == *above) {
                Some(l) => level_differs(level, &l.rates),
                None => true,
            },
        )
}

fn rates_def(r: &Rates) -> RatesDef {
    let f = |i: usize| r.0[i].and_then(exact_f64);
    RatesDef {
        input: f(0),
        output: f(1),
        cached_input: f(2),
        cache_write_5m: f(3),
        cache_write_1h: f(4),
        cache_write_12h: f(5),
    }
}

fn block(r: &Rates) -> Option<RatesDef> {
    r.0.iter().any(Option::is_some).then(|| rates_def(r))
}

/// The row written for an import: every rate LiteLLM lists, less the tier rates that only repeat their defaults
/// (a batch rate equal to the standard one times the provider's batch factor).
pub fn row_def(row: &Row, as_of: &str, source: String, provider: &Provider) -> PriceDef {
    let s = rates_def(&row.base.0[STANDARD]);
    let levels: Vec<LongContextDef> = row
        .long
        .iter()
        .map(|(above, l)| {
            let r = rates_def(&l.0[STANDARD]);
            LongContextDef {
                above: Some(*above),
                input: r.input,
                output: r.output,
                cached_input: r.cached_input,
                cache_write_5m: r.cache_write_5m,
                cache_write_1h: r.cache_write_1h,
                cache_write_12h: r.cache_write_12h,
                batch: block(&l.0[BATCH]),
                priority: block(&l.0[PRIORITY]),
                flex: block(&l.0[FLEX]),
            }
        })
        .collect();
    let mut def = PriceDef {
        as_of: Some(as_of.to_string()),
        input: s.input,
        output: s.output,
        cached_input: s.cached_input,
        cache_write_5m: s.cache_write_5m,
        cache_write_1h: s.cache_write_1h,
        cache_write_12h: s.cache_write_12h,
        batch_factor: None,
        batch: block(&row.base.0[BATCH]),
        priority: block(&row.base.0[PRIORITY]),
        flex: block(&row.base.0[FLEX]),
        long_context: match levels.len() {
            0 => None,
            1 => levels.into_iter().next().map(OneOrMany::One),
            _ => Some(OneOrMany::Many(levels)),
        },
        source: Some(source),
    };
    trim(&mut def, provider);
    def
}

/// Two rows that bill every call alike, whichever of their rates are stated and which follow the defaults.
fn same(a: &PriceRow, b: &PriceRow) -> bool {
    fn billed(t: &TierRates) -> TierRates {
        let unmarked = |r: &Effective| Effective { listed: 0, ..*r };
        TierRates {
            standard: unmarked(&t.standard),
            batch: unmarked(&t.batch),
            priority: t.priority.as_ref().map(unmarked),
            flex: t.flex.as_ref().map(unmarked),
        }
    }
    billed(&a.base) == billed(&b.base)
        && a.long_context.len() == b.long_context.len()
        && a.long_context
            .iter()
            .zip(&b.long_context)
            .all(|(x, y)| x.above == y.above && billed(&x.rates) == billed(&y.rates))
}

/// The tier blocks of a row or of one of its levels.
fn blocks(def: &mut PriceDef, level: Option<usize>) -> [&mut Option<RatesDef>; 3] {
    match (level, def.long_context.as_mut()) {
        (Some(0), Some(OneOrMany::One(l))) => [&mut l.batch, &mut l.priority, &mut l.flex],
        (Some(i), Some(OneOrMany::Many(ls))) if i < ls.len() => {
            let l = &mut ls[i];
            [&mut l.batch, &mut l.priority, &mut l.flex]
        }
        _ => [&mut def.batch, &mut def.priority, &mut def.flex],
    }
}

fn slot(r: &mut RatesDef, i: usize) -> &mut Option<f64> {
    match i {
        0 => &mut r.input,
        1 => &mut r.output,
        2 => &mut r.cached_input,
        3 => &mut r.cache_write_5m,
        4 => &mut r.cache_write_1h,
        _ => &mut r.cache_write_12h,
    }
}

/// Leaves out each tier rate whose absence bills the same, then each tier block left empty.
fn trim(def: &mut PriceDef, provider: &Provider) {
    let Ok(full) = effective_row(def, provider) else {
        return;
    };
    let levels = def.long_context.as_ref().map_or(0, |l| l.as_slice().len());
    for level in std::iter::once(None).chain((0..levels).map(Some)) {
        for b in 0..3 {
            for i in 0..RATE_NAMES.len() {
                let taken = {
                    let bs = blocks(def, level);
                    bs[b].as_mut().and_then(|r| slot(r, i).take())
                };
                let Some(v) = taken else { continue };
                let still = effective_row(def, provider).is_ok_and(|r| same(&r, &full));
                if !still {
                    let bs = blocks(def, level);
                    if let Some(r) = bs[b].as_mut() {
                        *slot(r, i) = Some(v);
                    }
                }
            }
            let bs = blocks(def, level);
            if bs[b].as_ref().is_some_and(|r| *r == RatesDef::default()) {
                *bs[b] = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn provider(batch: &str) -> Provider {
        Provider {
            name: "p".into(),
            batch_factor: Decimal::from_str(batch).unwrap(),
            estimate_ratio: 1.0,
            illustrative: false,
            platform: false,
        }
    }

    fn d(s: &str) -> Option<Decimal> {
        Some(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn batch_rates_that_repeat_the_factor_are_left_out() {
        let mut row = Row::default();
        row.base.0[STANDARD].0 = [d("2.5"), d("10"), d("1.25"), None, None, None];
        row.base.0[BATCH].0 = [d("1.25"), d("5"), d("0.5"), None, None, None];
        row.base.0[PRIORITY].0 = [d("4.25"), d("10"), None, None, None, None];
        let def = row_def(&row, "2026-01-01", "s".into(), &provider("0.5"));
        // Half of 1.25 is 0.625, so the batch cache read stays; input and output batch rates are the factor's.
        assert_eq!(
            def.batch,
            Some(RatesDef {
                cached_input: Some(0.5),
                ..RatesDef::default()
            })
        );
        // Priority output equals the standard output: left out.
        assert_eq!(
            def.priority,
            Some(RatesDef {
                input: Some(4.25),
                ..RatesDef::default()
            })
        );
        let def = row_def(&row, "2026-01-01", "s".into(), &provider("1"));
        assert_eq!(def.batch.unwrap().input, Some(1.25));
    }

    #[test]
    fn only_listed_rates_are_compared() {
        let old = PriceDef {
            as_of: Some("2025-01-01".into()),
            input: Some(3.0),
            output: Some(15.0),
            cached_input: Some(0.3),
            cache_write_1h: Some(6.0),
            source: Some("hand".into()),
            ..PriceDef::default()
        };
        let old = effective_row(&old, &provider("0.5")).unwrap();
        let mut row = Row::default();
        row.base.0[STANDARD].0 = [d("3"), d("15.0"), None, None, None, None];
        assert!(!differs(&row, &old));
        row.base.0[STANDARD].0[4] = d("6");
        assert!(!differs(&row, &old));
        row.base.0[BATCH].0[0] = d("1.5");
        assert!(!differs(&row, &old), "1.5 is 3 x 0.5");
        row.base.0[STANDARD].0[3] = d("3.75");
        assert!(differs(&row, &old), "the 5-minute write defaults to the input price, 3");
        row.base.0[STANDARD].0[3] = None;
        row.long.insert(200_000, Level::default());
        assert!(differs(&row, &old), "a long-context level the old row lacks");
    }
}
