//! A user's model that replaces a bundled one keeps what it does not set: the names (aliases, patterns), the
//! tokenizer, context window, retirement date and marginal estimate, and, in each of its price rows, the rates it
//! leaves out. A left-out cache rate follows the replaced row's multiplier (a negotiated input price of $2 on a
//! model whose cache reads cost half of input gives $1 cache reads, not $2); left-out batch, priority, flex and
//! long-context rates follow it too, scaled as the input and output prices were.
//!
//! What an override sets above the row it replaces is noted, for `pricing check` to warn about: lowering one price
//! while another bucket rises is more often a slip than a deal.

use rust_decimal::Decimal;

use crate::pricing::schema::ModelDef;
use crate::pricing::{LongContext, Model, PriceRow, Rates, TierRates};

/// Bits of `Rates::listed`, in field order.
const CACHED: u8 = 1 << 2;
const WRITE_5M: u8 = 1 << 3;
const WRITE_1H: u8 = 1 << 4;
const WRITE_12H: u8 = 1 << 5;

/// Fills what `def` left out of `new` from `old`, the model it replaces; returns what it raised, one line each.
pub(super) fn inherit(new: &mut Model, def: &ModelDef, old: &Model) -> Vec<String> {
    if def.aliases.is_empty() {
        new.aliases = old.aliases.clone();
    }
    if def.patterns.is_empty() {
        new.patterns = old.patterns.clone();
    }
    if def.tokenizer.is_none() {
        new.tokenizer = old.tokenizer;
    }
    new.context_window = new.context_window.or(old.context_window);
    new.deprecation_date = new.deprecation_date.or(old.deprecation_date);
    if new.marginal.is_none() {
        new.marginal = old.marginal.clone();
    }
    let mut raised = Vec::new();
    for (row, row_def) in new.prices.iter_mut().zip(sorted_defs(def)) {
        let was = &old.prices[old.row_at(Some(row.as_of))];
        fill_row(row, row_def, was);
        for (bucket, before, after) in buckets(&was.base.standard, &row.base.standard) {
            if after > before {
                raised.push(format!(
                    "{}/{} from {}: {bucket} rises from ${} to ${} per 1M tokens over the row it replaces ({})",
                    new.provider,
                    new.id,
                    row.as_of,
                    before.normalize(),
                    after.normalize(),
                    was.source
                ));
            }
        }
    }
    raised
}

/// The model's row definitions in the order its rows were sorted to (by date; dates are unique or the model
/// was refused).
fn sorted_defs(def: &ModelDef) -> Vec<&crate::pricing::schema::PriceDef> {
    let mut defs: Vec<_> = def.prices.iter().collect();
    defs.sort_by(|a, b| a.as_of.cmp(&b.as_of));
    defs
}

fn fill_row(row: &mut PriceRow, def: &crate::pricing::schema::PriceDef, was: &PriceRow) {
    let (fi, fo) = factors(&was.base.standard, &row.base.standard);
    let standard = fill_rates(&row.base.standard, &was.base.standard, fi);
    // Tiers the user did not write were derived from the standard rates they did: derive them again from the
    // filled ones, or take the replaced row's, scaled.
    let batch = if def.batch.is_none() && def.batch_factor.is_none() {
        scale(&was.base.batch, fi, fo)
    } else if def.batch.is_none() {
        standard.scaled(row.batch_factor)
    } else {
        row.base.batch
    };
    let priority = match (&def.priority, &was.base.priority) {
        (None, Some(p)) => Some(scale(p, fi, fo)),
        _ => row.base.priority,
    };
    let flex = match (&def.flex, &was.base.flex) {
        (None, Some(p)) => Some(scale(p, fi, fo)),
        _ => row.base.flex,
    };
    row.base = TierRates {
        standard,
        batch,
        priority,
        flex,
    };
    if def.long_context.is_none() && row.long_context.is_empty() {
        row.long_context = was
            .long_context
            .iter()
            .map(|lc| LongContext {
                above: lc.above,
                rates: TierRates {
                    standard: scale(&lc.rates.standard, fi, fo),
                    batch: scale(&lc.rates.batch, fi, fo),
                    priority: lc.rates.priority.as_ref().map(|r| scale(r, fi, fo)),
                    flex: lc.rates.flex.as_ref().map(|r| scale(r, fi, fo)),
                },
            })
            .collect();
    }
    if def.batch_factor.is_none() {
        row.batch_factor = was.batch_factor;
    }
}

/// How the user's input and output prices compare with the replaced row's, as (new, old) pairs applied by
/// multiplying first (so that 6 x 2 / 3 is exactly 4); 1 where the replaced price is 0.
#[derive(Clone, Copy)]
struct Factor(Decimal, Decimal);

impl Factor {
    fn apply(self, x: Decimal) -> Decimal {
        x.checked_mul(self.0)
            .map_or(x / self.1 * self.0, |p| p / self.1)
            .normalize()
    }
}

fn factors(was: &Rates, now: &Rates) -> (Factor, Factor) {
    let f = |a: Decimal, b: Decimal| {
        if a.is_zero() {
            Factor(Decimal::ONE, Decimal::ONE)
        } else {
            Factor(b, a)
        }
    };
    (f(was.input, now.input), f(was.output, now.output))
}

/// The user's rates, with each cache rate they left out at the replaced row's multiplier of input.
fn fill_rates(now: &Rates, was: &Rates, fi: Factor) -> Rates {
    let pick = |bit: u8, mine: Decimal, theirs: Decimal| {
        if now.listed & bit != 0 { mine } else { fi.apply(theirs) }
    };
    Rates {
        cached_input: pick(CACHED, now.cached_input, was.cached_input),
        cache_write_5m: pick(WRITE_5M, now.cache_write_5m, was.cache_write_5m),
        cache_write_1h: pick(WRITE_1H, now.cache_write_1h, was.cache_write_1h),
        cache_write_12h: pick(WRITE_12H, now.cache_write_12h, was.cache_write_12h),
        ..*now
    }
}

/// Rates scaled as input (`fi`: input and every cache rate) and output (`fo`) were.
fn scale(r: &Rates, fi: Factor, fo: Factor) -> Rates {
    Rates {
        listed: 0,
        input: fi.apply(r.input),
        output: fo.apply(r.output),
        cached_input: fi.apply(r.cached_input),
        cache_write_5m: fi.apply(r.cache_write_5m),
        cache_write_1h: fi.apply(r.cache_write_1h),
        cache_write_12h: fi.apply(r.cache_write_12h),
    }
}

fn buckets(was: &Rates, now: &Rates) -> [(&'static str, Decimal, Decimal); 5] {
    [
        ("input", was.input, now.input),
        ("output", was.output, now.output),
        ("cached_input", was.cached_input, now.cached_input),
        ("cache_write_5m", was.cache_write_5m, now.cache_write_5m),
        ("cache_write_1h", was.cache_write_1h, now.cache_write_1h),
    ]
}
