//! A model's dated price rows: the per-bucket rates, the batch factor, and an optional long-context tier that
//! takes any rate it leaves out from its row.

use rust_decimal::Decimal;

use super::{FileCx, Loader, to_decimal};
use crate::pricing::lines::Span;
use crate::pricing::schema::{LongContextDef, PriceDef};
use crate::pricing::{LongContext, PriceRow, Provider, Rates};

impl Loader {
    pub(super) fn row(&mut self, cx: &FileCx, def: &PriceDef, span: Span, provider: &Provider) -> Option<PriceRow> {
        let as_of = self.date(cx.name, cx.line(span, "as_of"), def.as_of.as_deref());
        let mut fields = RateFields::of_row(def);
        // An illustrative source may quote an input price alone; such rows never price a log.
        let output_listed = fields.output.is_some() || !provider.illustrative;
        if !output_listed {
            fields.output = Some(0.0);
        }
        let rates = self.rates(cx, span, None, fields);
        let batch_default = provider.batch_factor;
        let batch_factor = match def.batch_factor {
            None => Some(batch_default),
            Some(b) => {
                let d = to_decimal(b).filter(|d| *d > Decimal::ZERO && *d <= Decimal::ONE);
                if d.is_none() {
                    self.problem(
                        cx.name,
                        cx.line(span, "batch_factor"),
                        format!("batch_factor must be in (0, 1], got {b}"),
                    );
                }
                d
            }
        };
        let long_context = match (&def.long_context, &rates) {
            (Some(lc), Some(base)) => Some(self.long_context(cx, lc, span, base)?),
            _ => None,
        };
        if def.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.problem(cx.name, span.0 + 1, "every price row needs a `source`".into());
            return None;
        }
        Some(PriceRow {
            as_of: as_of?,
            rates: rates?,
            batch_factor: batch_factor?,
            long_context,
            source: def.source.clone().unwrap_or_default(),
            output_listed,
        })
    }

    fn long_context(&mut self, cx: &FileCx, lc: &LongContextDef, row: Span, base: &Rates) -> Option<LongContext> {
        let line = cx.line(row, "long_context");
        let span = (line - 1, row.1);
        let rates = self.rates(cx, span, Some(base), RateFields::of_tier(lc));
        match lc.above {
            Some(above) if above > 0 => Some(LongContext { above, rates: rates? }),
            _ => {
                self.problem(
                    cx.name,
                    line,
                    "`long_context` needs `above`: the prompt size in tokens where it starts".into(),
                );
                None
            }
        }
    }

    /// A price in USD per million tokens: finite and not negative.
    fn price(&mut self, file: &str, line: usize, what: &str, v: f64) -> Option<Decimal> {
        if !v.is_finite() || v < 0.0 {
            self.problem(
                file,
                line,
                format!("`{what}` must be a finite price of 0 or more, got {v}"),
            );
            return None;
        }
        let d = to_decimal(v);
        if d.is_none() {
            self.problem(file, line, format!("`{what}` is too large: {v}"));
        }
        d
    }

    fn rates(&mut self, cx: &FileCx, span: Span, base: Option<&Rates>, def: RateFields) -> Option<Rates> {
        let mut ok = true;
        let mut get = |l: &mut Self, key: &str, v: Option<f64>| -> Option<Decimal> {
            let line = cx.line(span, key);
            match v {
                Some(v) => {
                    let r = l.price(cx.name, line, key, v);
                    ok &= r.is_some();
                    r
                }
                None => None,
            }
        };
        let input = get(self, "input", def.input);
        let output = get(self, "output", def.output);
        let cached = get(self, "cached_input", def.cached_input);
        let w5 = get(self, "cache_write_5m", def.cache_write_5m);
        let w1 = get(self, "cache_write_1h", def.cache_write_1h);
        let (Some(input), Some(output)) = (input.or(base.map(|b| b.input)), output.or(base.map(|b| b.output))) else {
            if ok {
                self.problem(
                    cx.name,
                    span.0 + 1,
                    "a price row needs both `input` and `output`".into(),
                );
            }
            return None;
        };
        // Unlisted cache rates: a cache read costs what the base row says, else the input price (no discount);
        // a write costs the input price (no surcharge); a 1-hour write, the 5-minute one.
        let cached_input = cached.or(base.map(|b| b.cached_input)).unwrap_or(input);
        let cache_write_5m = w5.or(base.map(|b| b.cache_write_5m)).unwrap_or(input);
        let cache_write_1h = w1.or(base.map(|b| b.cache_write_1h)).unwrap_or(cache_write_5m);
        ok.then_some(Rates {
            input,
            output,
            cached_input,
            cache_write_5m,
            cache_write_1h,
        })
    }
}

/// The rate fields shared by a price row and its long-context tier.
struct RateFields {
    input: Option<f64>,
    output: Option<f64>,
    cached_input: Option<f64>,
    cache_write_5m: Option<f64>,
    cache_write_1h: Option<f64>,
}

impl RateFields {
    fn of_row(d: &PriceDef) -> Self {
        RateFields {
            input: d.input,
            output: d.output,
            cached_input: d.cached_input,
            cache_write_5m: d.cache_write_5m,
            cache_write_1h: d.cache_write_1h,
        }
    }

    fn of_tier(d: &LongContextDef) -> Self {
        RateFields {
            input: d.input,
            output: d.output,
            cached_input: d.cached_input,
            cache_write_5m: d.cache_write_5m,
            cache_write_1h: d.cache_write_1h,
        }
    }
}
