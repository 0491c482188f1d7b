//! Scales from figures to pixels, their ticks, and how a figure of each unit reads on an axis or beside a bar.

use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

use crate::fmt::{thousands, usd};
use crate::money::Usd;
use crate::output::chart::Unit;
use crate::output::view::{Cell, Digits, Shown};

/// A figure beside a bar: dollars exactly as the table rounds them (from the figure's shortest decimal digits, so
/// $1.315 reads $1.32 there and here), prices per 1M tokens as the markup table shows them, anything else as on an
/// axis.
pub fn value(unit: Unit, v: f64) -> String {
    match (unit, Decimal::from_f64(v)) {
        (Unit::Usd, Some(d)) => usd(Usd(d)),
        (Unit::UsdPerM, _) => Cell::Float(v, Shown::PerMillion, Digits::Json).human(""),
        _ => label(unit, v),
    }
}

/// A figure on an axis: dollars to four significant places at most, tokens in thousands or millions.
pub fn label(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Usd | Unit::UsdPerM => {
            let sign = if v < 0.0 { "-" } else { "" };
            let a = v.abs();
            let body = if a >= 100.0 {
                thousands(a.round() as u64)
            } else if a >= 1.0 {
                format!("{a:.2}")
            } else if a == 0.0 {
                "0".into()
            } else {
                // Four significant digits: $0.0001234 stays readable.
                let places = (4 - a.log10().floor() as i32 - 1).clamp(2, 9) as usize;
                trim(format!("{a:.places$}"))
            };
            format!("{sign}${body}")
        }
        Unit::Tokens => compact(v),
        Unit::Share => format!("{:.0}%", v * 100.0),
    }
}

/// Trailing zeros of a decimal fraction dropped, down to two places.
fn trim(s: String) -> String {
    let Some(dot) = s.find('.') else { return s };
    let mut end = s.len();
    while end > dot + 3 && s.as_bytes()[end - 1] == b'0' {
        end -= 1;
    }
    s[..end].to_string()
}

/// Tokens on an axis: 1.2k, 3.4M.
fn compact(v: f64) -> String {
    let a = v.abs();
    let (d, suffix) = if a >= 1e9 {
        (1e9, "B")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let s = format!("{:.1}", v / d);
    format!("{}{suffix}", s.strip_suffix(".0").unwrap_or(&s))
}

/// A scale from a domain of figures to a length of pixels, linear or logarithmic.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    lo: f64,
    hi: f64,
    len: f64,
    log: bool,
}

/// 1, 2 or 5 times a power of ten at or above `x`.
fn nice(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&v| v >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

impl Scale {
    /// A linear scale over `[min(lo, 0), max(hi, 0)]`, its ends rounded out to tick steps.
    pub fn linear(lo: f64, hi: f64, len: f64) -> Scale {
        let (lo, hi) = (lo.min(0.0), hi.max(0.0));
        let step = nice((hi - lo) / 5.0);
        // A figure a rounding error past a tick stays on it.
        let lo = (lo / step + 1e-9).floor() * step;
        let hi = ((hi / step - 1e-9).ceil() * step).max(lo + step);
        Scale {
            lo,
            hi,
            len,
            log: false,
        }
    }

    /// A logarithmic scale over whole decades around `[lo, hi]` (both above zero).
    pub fn log(lo: f64, hi: f64, len: f64) -> Scale {
        let lo = 10f64.powf(lo.max(1e-12).log10().floor());
        let hi = 10f64.powf(hi.max(lo * 10.0).log10().ceil());
        Scale { lo, hi, len, log: true }
    }

    /// Where `v` falls, in pixels from the scale's start, clamped to it.
    pub fn at(&self, v: f64) -> f64 {
        let t = if self.log {
            let v = v.max(self.lo);
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        (t.clamp(0.0, 1.0)) * self.len
    }

    /// The figures to mark on the axis.
    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            let mut out = Vec::new();
            let mut v = self.lo;
            while v <= self.hi * (1.0 + 1e-9) {
                out.push(v);
                v *= 10.0;
            }
            return out;
        }
        let step = nice((self.hi - self.lo) / 5.0);
        let n = ((self.hi - self.lo) / step).round() as i64;
        (0..=n).map(|i| self.lo + step * i as f64).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_money_and_tokens() {
        assert_eq!(label(Unit::Usd, 0.6804), "$0.6804");
        assert_eq!(label(Unit::Usd, 0.000025), "$0.000025");
        assert_eq!(label(Unit::Usd, 12.345), "$12.35");
        assert_eq!(label(Unit::Usd, 1234.4), "$1,234");
        assert_eq!(label(Unit::Usd, -0.5), "-$0.50");
        assert_eq!(label(Unit::Tokens, 1500.0), "1.5k");
        assert_eq!(label(Unit::Tokens, 2_000_000.0), "2M");
        assert_eq!(label(Unit::Share, 0.783), "78%");
    }

    #[test]
    fn values_beside_bars_round_as_the_table_does() {
        assert_eq!(value(Unit::Usd, 1.315), "$1.32");
        assert_eq!(value(Unit::Usd, 0.16), "$0.1600");
        assert_eq!(value(Unit::Tokens, 1500.0), "1.5k");
        assert_eq!(value(Unit::UsdPerM, 15.0), "$15");
    }

    #[test]
    fn linear_scales_start_at_zero_and_end_on_a_tick() {
        let s = Scale::linear(0.0, 0.68, 100.0);
        let ticks: Vec<String> = s.ticks().iter().map(|&t| label(Unit::Usd, t)).collect();
        assert_eq!(ticks, ["$0", "$0.20", "$0.40", "$0.60", "$0.80"]);
        assert_eq!(s.at(0.4), 50.0);
        let s = Scale::linear(-0.04, 0.1, 150.0);
        let ticks: Vec<String> = s.ticks().iter().map(|&t| label(Unit::Usd, t)).collect();
        assert_eq!(ticks, ["-$0.05", "$0", "$0.05", "$0.10"]);
        assert!((s.at(0.0) - 50.0).abs() < 1e-9 && s.at(-0.05) == 0.0);
    }

    #[test]
    fn log_scales_cover_whole_decades() {
        let s = Scale::log(0.3, 15.0, 300.0);
        assert_eq!(s.ticks(), vec![0.1, 1.0, 10.0, 100.0]);
        assert!((s.at(1.0) - 100.0).abs() < 1e-9);
    }
}
