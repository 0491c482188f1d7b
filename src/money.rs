//! Money, exact: US dollars as decimals from price tables to every output, never through a float.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// US dollars, exact. Displayed and serialised with the same digits, without trailing zeros: a JSON report carries
/// exactly the figure its CSV twin does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Usd(pub Decimal);

impl Serialize for Usd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // serde_json's arbitrary-precision numbers keep every digit of the decimal: a JSON number, not a string,
        // and not rounded to the nearest f64.
        let digits = self.0.normalize().to_string();
        serde_json::Number::from_str(&digits)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_carries_every_digit_csv_does() {
        let u = Usd(Decimal::from_str("155.1973973050939729").unwrap());
        assert_eq!(serde_json::to_string(&u).unwrap(), "155.1973973050939729");
        assert_eq!(u.to_string(), "155.1973973050939729");
        let zero = Usd(Decimal::from_str("0.000").unwrap());
        assert_eq!(serde_json::to_string(&zero).unwrap(), "0");
        let neg = Usd(Decimal::from_str("-0.50").unwrap());
        assert_eq!(serde_json::to_string(&neg).unwrap(), "-0.5");
    }
}
