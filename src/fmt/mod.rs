//! How numbers and outside text are shown to people: digits grouped, dollars rounded for reading, text from the logs
//! escaped (`text`). Every renderer (through the view's cells) and every message uses these, so a figure reads the
//! same on stderr, in a table and in Markdown.

pub mod colour;
mod text;

pub use text::{annotation, shown};

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
    usd_to(u, places(u))
}

/// Two amounts set side by side (a limit and what broke it), as `usd` shows them unless that reads the same for
/// different amounts: then both to as many decimals as it takes, so "$0.0210 exceeded: the logs cost $0.0210" cannot
/// be printed.
pub fn usd_apart(a: Usd, b: Usd) -> (String, String) {
    let (x, y) = (usd(a), usd(b));
    if x != y || a == b {
        return (x, y);
    }
    let mut dp = places(a).max(places(b)) + 1;
    loop {
        let (x, y) = (usd_to(a, dp), usd_to(b, dp));
        if x != y || a == b || dp >= MAX_PLACES {
            return (x, y);
        }
        dp += 1;
    }
}

/// Decimals an exact decimal can have.
const MAX_PLACES: u32 = 28;

/// The decimals `usd` shows `u` with.
fn places(u: Usd) -> u32 {
    let abs = u.0.abs();
    if abs >= Decimal::ONE {
        return 2;
    }
    let mut dp = 4;
    if !abs.is_zero() {
        while dp < 12 && abs < Decimal::new(1, dp - 1) {
            dp += 1;
        }
    }
    dp
}

fn usd_to(u: Usd, dp: u32) -> String {
    let d = u.0;
    let rounded = d
        .abs()
        .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let sign = if d.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let digits = format!("{:.*}", dp as usize, rounded);
    // Dollars are grouped by thousands as counts are: `$6,736.45`.
    let (whole, cents) = digits.split_once('.').unwrap_or((&digits, ""));
    let whole = match whole.parse::<u64>() {
        Ok(n) => thousands(n),
        Err(_) => whole.to_string(),
    };
    match cents {
        "" => format!("{sign}${whole}"),
        _ => format!("{sign}${whole}.{cents}"),
    }
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
        assert_eq!(u("1234.567"), "$1,234.57");
        assert_eq!(u("-1234567.891"), "-$1,234,567.89");
        assert_eq!(u("999.999"), "$1,000.00");
        assert_eq!(u("20"), "$20.00");
        assert_eq!(u("0.13625"), "$0.1363");
        assert_eq!(u("0.0387098"), "$0.0387");
        assert_eq!(u("0.00003606"), "$0.000036");
        assert_eq!(u("0.0000048"), "$0.0000048");
        assert_eq!(u("0"), "$0.0000");
        assert_eq!(u("-0.00336"), "-$0.0034");
    }

    #[test]
    fn amounts_side_by_side_read_differently_when_they_differ() {
        let apart = |a: &str, b: &str| usd_apart(Usd(a.parse().unwrap()), Usd(b.parse().unwrap()));
        assert_eq!(apart("0.021", "0.02104"), ("$0.02100".into(), "$0.02104".into()));
        assert_eq!(apart("0.021", "0.0210001"), ("$0.0210000".into(), "$0.0210001".into()));
        assert_eq!(apart("25", "25.004"), ("$25.000".into(), "$25.004".into()));
        assert_eq!(apart("0.001", "2.5"), ("$0.0010".into(), "$2.50".into()));
        assert_eq!(apart("1", "1"), ("$1.00".into(), "$1.00".into()));
        let tiny = apart("0.0210000000000000000000000001", "0.0210000000000000000000000002");
        assert_ne!(tiny.0, tiny.1);
    }
}
