//! The CI gate on a change in cost: quiet at or below `--min-change-usd`, a failure above `--fail-above` (percent)
//! or `--fail-above-usd`, a warning above `--warn-above`. Only rises are judged; limits are exclusive ("above"),
//! and compared with the exact decimals, not the rounded figures shown.

use rust_decimal::Decimal;

use super::changes::{Change, Verdict};
use crate::config::Gates;
use crate::fmt::usd;
use crate::money::Usd;

/// Whether a rise is above a percentage limit. A rise from nothing has no percentage: it is above every limit.
fn above_pct(c: &Change, limit: Decimal) -> bool {
    c.change_usd.0 > Decimal::ZERO && c.pct.is_none_or(|p| p > limit)
}

/// The change as a reason names it.
fn rise(c: &Change) -> String {
    match c.pct {
        Some(p) => format!("a rise of {}%", p.round_dp(2).normalize()),
        None => format!("a rise from {} to {}", usd(c.base_usd), usd(c.head_usd)),
    }
}

/// Judges the totals' change.
pub fn judge(g: &Gates, totals: &Change) -> Verdict {
    let moved = totals.change_usd.0.abs() > g.min_change;
    let mut fail = Vec::new();
    let mut warn = Vec::new();
    if moved {
        if let Some(l) = g.fail_pct.filter(|&l| above_pct(totals, l)) {
            fail.push(format!("{} is above --fail-above {}%", rise(totals), l.normalize()));
        }
        if let Some(l) = g.fail_usd.filter(|&l| totals.change_usd.0 > l) {
            fail.push(format!(
                "a rise of {} is above --fail-above-usd {}",
                usd(totals.change_usd),
                usd(Usd(l))
            ));
        }
        if let Some(l) = g.warn_pct.filter(|&l| fail.is_empty() && above_pct(totals, l)) {
            warn.push(format!("{} is above --warn-above {}%", rise(totals), l.normalize()));
        }
    }
    let level = match (fail.is_empty(), warn.is_empty()) {
        (false, _) => "fail",
        (true, false) => "warn",
        (true, true) => "ok",
    };
    fail.extend(warn);
    Verdict {
        level,
        moved,
        reasons: fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// A total going from 0.72 to 0.86: +0.14, +19.444...%.
    fn totals(base: &str, head: &str) -> Change {
        let (b, h) = (d(base), d(head));
        Change {
            key: "total".into(),
            status: "changed",
            base: None,
            head: None,
            base_usd: Usd(b),
            head_usd: Usd(h),
            change_usd: Usd(h - b),
            change_pct: None,
            pct: (!b.is_zero()).then(|| (h - b) / b * Decimal::ONE_HUNDRED),
        }
    }

    fn gates(fail: Option<&str>, warn: Option<&str>, usd: Option<&str>, min: &str) -> Gates {
        Gates {
            fail_pct: fail.map(d),
            warn_pct: warn.map(d),
            fail_usd: usd.map(d),
            min_change: d(min),
        }
    }

    #[test]
    fn limits_are_exclusive_on_both_sides() {
        let t = totals("0.72", "0.86");
        assert_eq!(judge(&gates(Some("19.4"), None, None, "0"), &t).level, "fail");
        assert_eq!(judge(&gates(Some("19.5"), None, None, "0"), &t).level, "ok");
        // +$0.14 is not above 0.14, and is above 0.1399.
        assert_eq!(judge(&gates(None, None, Some("0.14"), "0"), &t).level, "ok");
        assert_eq!(judge(&gates(None, None, Some("0.1399"), "0"), &t).level, "fail");
        let v = judge(&gates(Some("25"), Some("19"), None, "0"), &t);
        assert_eq!((v.level, v.reasons.len()), ("warn", 1));
        assert_eq!(v.reasons[0], "a rise of 19.44% is above --warn-above 19%");
    }

    #[test]
    fn a_fall_never_fails_and_noise_is_quiet() {
        let fall = totals("0.86", "0.72");
        assert_eq!(judge(&gates(Some("0"), Some("0"), Some("0"), "0"), &fall).level, "ok");
        let noise = totals("0.72", "0.720003");
        let v = judge(&gates(Some("0"), None, None, "0.01"), &noise);
        assert_eq!((v.level, v.moved), ("ok", false));
        assert_eq!(judge(&gates(Some("0"), None, None, "0"), &noise).level, "fail");
    }

    #[test]
    fn a_rise_from_nothing_is_above_any_percentage() {
        let v = judge(&gates(Some("1000"), None, None, "0"), &totals("0", "0.02"));
        assert_eq!(v.level, "fail");
        assert_eq!(
            v.reasons[0],
            "a rise from $0.0000 to $0.0200 is above --fail-above 1000%"
        );
    }
}
