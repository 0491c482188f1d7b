//! A model's dated price rows: the per-bucket rates, the batch rates (explicit or a factor), the priority and flex
//! service tiers, and long-context levels that take any rate they leave out from their row.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FileCx, Loader, to_decimal};
use crate::pricing::lines::Span;
use crate::pricing::schema::{LongContextDef, PriceDef, RatesDef};
use crate::pricing::{LongContext, PriceRow, Provider, Rates, TierRates};

impl Loader {
    pub(super) fn row(&mut self, cx: &FileCx, def: &PriceDef, span: Span, provider: &Provider) -> Option<PriceRow> {
        // The line of `as_of` only matters for a problem, so a good date does not look for it.
        let as_of = match def.as_of.as_deref().map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d")) {
            Some(Ok(d)) => Some(d),
            _ => self.date(cx.name, cx.line(span, "as_of"), def.as_of.as_deref()),
        };
        let mut fields = def.rates();
        // An illustrative source may quote an input price alone; such rows never price a log.
        let output_listed = fields.output.is_some() || !provider.illustrative;
        if !output_listed {
            fields.output = Some(0.0);
        }
        let batch_factor = match def.batch_factor {
            None => Some(provider.batch_factor),
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
        let extra = Tiers {
            batch: def.batch.as_ref(),
            priority: def.priority.as_ref(),
            flex: def.flex.as_ref(),
        };
        let base = self
            .rates(cx, span, None, fields)
            .and_then(|r| self.tiers(cx, span, r, &extra, batch_factor?));
        let mut long_context = Vec::new();
        if let Some(lcs) = &def.long_context {
            let lcs = lcs.as_slice();
            let items = cx.items(span, "long_context", lcs.len());
            let lc_span = cx.y.block(cx.line(span, "long_context") - 1, span.1);
            let item = |i: usize| if lcs.len() > 1 { items[i] } else { lc_span };
            // Checked apart from the rates, so that a bad rate elsewhere does not hide it.
            for i in 1..lcs.len() {
                if let (Some(a), Some(b)) = (lcs[i - 1].above, lcs[i].above)
                    && a >= b
                {
                    let msg = "long-context levels must be listed by `above`, ascending".into();
                    self.problem(cx.name, cx.line(item(i), "above"), msg);
                    return None;
                }
            }
            let base = base.as_ref()?;
            for (i, lc) in lcs.iter().enumerate() {
                long_context.push(self.long_context(cx, lc, item(i), base, batch_factor?)?);
            }
        }
        if def.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.problem(cx.name, span.0 + 1, "every price row needs a `source`".into());
            return None;
        }
        Some(PriceRow {
            as_of: as_of?,
            base: base?,
            batch_factor: batch_factor?,
            long_context,
            source: def.source.clone().unwrap_or_default(),
            output_listed,
        })
    }

    fn long_context(
        &mut self,
        cx: &FileCx,
        lc: &LongContextDef,
        span: Span,
        base: &TierRates,
        batch_factor: Decimal,
    ) -> Option<LongContext> {
        let standard = self.rates(cx, span, Some(&base.standard), lc.rates());
        let extra = Tiers {
            batch: lc.batch.as_ref(),
            priority: lc.priority.as_ref(),
            flex: lc.flex.as_ref(),
        };
        let rates = standard.and_then(|s| self.tiers(cx, span, s, &extra, batch_factor));
        match lc.above {
            Some(above) if above > 0 => Some(LongContext { above, rates: rates? }),
            _ => {
                self.problem(
                    cx.name,
                    cx.line(span, "long_context"),
                    "`long_context` needs `above`: the prompt size in tokens where it starts".into(),
                );
                None
            }
        }
    }

    /// The service tiers of one level. A batch rate the table leaves out is the standard rate times the batch
    /// factor; a priority or flex rate left out is the level's standard rate, and a long-context level without its
    /// own priority or flex block has none (a call in that tier is billed at the level's standard rates).
    fn tiers(
        &mut self,
        cx: &FileCx,
        span: Span,
        standard: Rates,
        extra: &Tiers,
        batch_factor: Decimal,
    ) -> Option<TierRates> {
        let scaled = standard.scaled(batch_factor);
        let batch = match extra.batch {
            None => scaled,
            Some(def) => self.rates(cx, sub_span(cx, span, "batch"), Some(&scaled), def.clone())?,
        };
        let tier = |l: &mut Self, key: &str, def: Option<&RatesDef>| -> Option<Option<Rates>> {
            match def {
                None => Some(None),
                Some(def) => l
                    .rates(cx, sub_span(cx, span, key), Some(&standard), def.clone())
                    .map(Some),
            }
        };
        let priority = tier(self, "priority", extra.priority)?;
        let flex = tier(self, "flex", extra.flex)?;
        Some(TierRates {
            standard,
            batch,
            priority,
            flex,
        })
    }

    /// A price in USD per million tokens: finite and not negative. The line is looked up only for a problem.
    fn price(&mut self, cx: &FileCx, span: Span, what: &str, v: f64) -> Option<Decimal> {
        if !v.is_finite() || v < 0.0 {
            let line = cx.line(span, what);
            self.problem(
                cx.name,
                line,
                format!("`{what}` must be a finite price of 0 or more, got {v}"),
            );
            return None;
        }
        if v > 1e6 {
            // A dollar a token at most: any token count a log can hold then prices exactly.
            let line = cx.line(span, what);
            self.problem(
                cx.name,
                line,
                format!("`{what}` is above $1,000,000 per 1M tokens: {v}"),
            );
            return None;
        }
        let d = to_decimal(v);
        if d.is_none() {
            let line = cx.line(span, what);
            self.problem(cx.name, line, format!("`{what}` is too large: {v}"));
        }
        d
    }

    fn rates(&mut self, cx: &FileCx, span: Span, base: Option<&Rates>, def: RatesDef) -> Option<Rates> {
        let mut ok = true;
        let mut get = |l: &mut Self, key: &str, v: Option<f64>| -> Option<Decimal> {
            let r = l.price(cx, span, key, v?);
            ok &= r.is_some();
            r
        };
        let input = get(self, "input", def.input);
        let output = get(self, "output", def.output);
        let cached = get(self, "cached_input", def.cached_input);
        let w5 = get(self, "cache_write_5m", def.cache_write_5m);
        let w1 = get(self, "cache_write_1h", def.cache_write_1h);
        let w12 = get(self, "cache_write_12h", def.cache_write_12h);
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
        // a write costs the input price (no surcharge); a 1-hour write, the 5-minute one; a 12-hour write, the
        // 1-hour one.
        let cached_input = cached.or(base.map(|b| b.cached_input)).unwrap_or(input);
        let cache_write_5m = w5.or(base.map(|b| b.cache_write_5m)).unwrap_or(input);
        let cache_write_1h = w1.or(base.map(|b| b.cache_write_1h)).unwrap_or(cache_write_5m);
        let cache_write_12h = w12.or(base.map(|b| b.cache_write_12h)).unwrap_or(cache_write_1h);
        let listed = [
            def.input,
            def.output,
            def.cached_input,
            def.cache_write_5m,
            def.cache_write_1h,
            def.cache_write_12h,
        ]
        .iter()
        .enumerate()
        .fold(0u8, |m, (i, v)| if v.is_some() { m | 1 << i } else { m });
        ok.then_some(Rates {
            listed,
            input,
            output,
            cached_input,
            cache_write_5m,
            cache_write_1h,
            cache_write_12h,
        })
    }
}

/// The optional tier blocks of a row or of one long-context level.
struct Tiers<'a> {
    batch: Option<&'a RatesDef>,
    priority: Option<&'a RatesDef>,
    flex: Option<&'a RatesDef>,
}

/// The lines of a nested block (`batch:`, `priority:`) inside `span`, for problems inside it.
fn sub_span(cx: &FileCx, span: Span, key: &str) -> Span {
    cx.y.key_line(span, key).map_or(span, |k| cx.y.block(k, span.1))
}

impl Rates {
    pub(super) fn scaled(&self, f: Decimal) -> Rates {
        Rates {
            // Derived from a factor: nothing here is stated.
            listed: 0,
            input: self.input * f,
            output: self.output * f,
            cached_input: self.cached_input * f,
            cache_write_5m: self.cache_write_5m * f,
            cache_write_1h: self.cache_write_1h * f,
            cache_write_12h: self.cache_write_12h * f,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::problems_of;

    #[test]
    fn tier_blocks_and_levels_report_their_own_lines() {
        let text = "provider:\n  id: acme\nmodels:\n  - id: a\n    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: 2\n        priority:\n          input: -5\n        long_context:\n          - above: 500\n            input: 3\n          - above: 100\n            input: 2\n        source: s\n";
        assert_eq!(
            problems_of(text),
            vec![
                "user.yaml:10: `input` must be a finite price of 0 or more, got -5",
                "user.yaml:14: long-context levels must be listed by `above`, ascending",
            ]
        );
    }

    #[test]
    fn a_misspelt_rate_inside_a_tier_is_named() {
        let text = "provider:\n  id: acme\nmodels:\n  - id: a\n    prices:\n      - as_of: 2024-01-01\n        input: 1\n        output: 2\n        flex: {inptu: 1}\n        source: s\n";
        let p = problems_of(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("user.yaml:") && p[0].contains("unknown field `inptu`"),
            "{p:?}"
        );
    }
}
