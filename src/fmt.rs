//! How numbers are shown to people: digits grouped, dollars rounded for reading. Every renderer (through the
//! view's cells) and every message uses these, so a figure reads the same on stderr, in a table and in Markdown.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::Usd;

/// `n` and `word`, pluralised with an "s" unless `n` is 1: "1 call", "2 calls".
pub fn count_of(n: u64, word: &str) -> String {
    format!("{} {word}{}", thousands(n), if n == 1 { "" } else { "s" })
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Dollars for reading: cents from $1 up, four decimals from a cent up, and two significant digits below a
/// cent, so a small figure is never shown as a false zero. Halves round away from zero, as people round money.
pub fn usd(u: Usd) -> String {
    let d = u.0;
    let abs = d.abs();
    let mut dp = 4;
    if abs >= Decimal::ONE {
        dp = 2;
    } else if !abs.is_zero() {
        while dp < 12 && abs < Decimal::new(1, dp - 1) {
            dp += 1;
        }
    }
    let rounded = abs.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let sign = if d.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${:.*}", dp as usize, rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn dollars_keep_two_significant_digits_below_a_cent() {
        let u = |s: &str| usd(Usd(s.parse().unwrap()));
        assert_eq!(u("1234.567"), "$1234.57");
        assert_eq!(u("20"), "$20.00");
        assert_eq!(u("0.13625"), "$0.1363");
        assert_eq!(u("0.0387098"), "$0.0387");
        assert_eq!(u("0.00003606"), "$0.000036");
        assert_eq!(u("0.0000048"), "$0.0000048");
        assert_eq!(u("0"), "$0.0000");
        assert_eq!(u("-0.00336"), "-$0.0034");
    }
}
