//! Reads LiteLLM's `model_prices_and_context_window.json`: one object per key, prices in USD per token. Numbers
//! keep the text they were written with (serde_json's `arbitrary_precision`), so `3e-07` becomes exactly 0.3 per
//! million tokens, never the float nearest to it.

use anyhow::{Result, bail};
use rust_decimal::Decimal;
use serde_json::{Map, Number, Value};
use std::str::FromStr;

/// The whole table, its keys in sorted order (serde_json's map), so that everything built from it is too.
pub struct Table {
    pub entries: Map<String, Value>,
}

/// Parses the JSON text and checks it is a LiteLLM price table, not some other JSON (an error page, a redirect's
/// body): an object whose entries name a `litellm_provider` and carry per-token prices.
pub fn parse(text: &str, name: &str) -> Result<Table> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => bail!("{name}:{}: not JSON: {e}", e.line()),
    };
    let Value::Object(entries) = value else {
        bail!("{name}: not a LiteLLM price table: the JSON is not an object of models");
    };
    let priced = entries
        .values()
        .filter(|v| v.get("litellm_provider").is_some_and(Value::is_string) && v.get("input_cost_per_token").is_some())
        .count();
    if priced == 0 {
        bail!("{name}: not a LiteLLM price table: no entry has a `litellm_provider` and an `input_cost_per_token`");
    }
    Ok(Table { entries })
}

/// A per-token price as an exact decimal per million tokens: `None` for anything that is not a finite number of 0
/// or more that a decimal can hold.
pub fn per_million(v: &Value) -> Option<Decimal> {
    let Value::Number(n) = v else { return None };
    let d = exact(n)?;
    if d.is_sign_negative() && !d.is_zero() {
        return None;
    }
    d.checked_mul(Decimal::from(1_000_000)).map(|d| d.normalize())
}

/// The number as written: `3e-07`, `0.000168`, `1`.
fn exact(n: &Number) -> Option<Decimal> {
    let text = n.to_string();
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()
    } else {
        Decimal::from_str(&text).ok()
    }
}

/// A token count (`max_input_tokens`): a whole number, however it is written (`128000`, `128000.0`).
pub fn count(v: &Value) -> Option<u64> {
    let Value::Number(n) = v else { return None };
    let d = exact(n)?;
    if d.fract().is_zero() && !d.is_sign_negative() {
        u64::try_from(d).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn prices_are_exact_per_million() {
        assert_eq!(per_million(&num("3e-07")).unwrap().to_string(), "0.3");
        assert_eq!(per_million(&num("1.71875e-06")).unwrap().to_string(), "1.71875");
        assert_eq!(per_million(&num("0.000168")).unwrap().to_string(), "168");
        assert_eq!(per_million(&num("3.4375e-07")).unwrap().to_string(), "0.34375");
        assert_eq!(per_million(&num("0")).unwrap().to_string(), "0");
        assert_eq!(per_million(&num("0.0")).unwrap().to_string(), "0");
        assert_eq!(per_million(&num("-1e-06")), None);
        assert_eq!(per_million(&num("\"1e-06\"")), None);
        assert_eq!(per_million(&num("1e300")), None);
    }

    #[test]
    fn counts_are_whole() {
        assert_eq!(count(&num("128000")), Some(128000));
        assert_eq!(count(&num("1048576.0")), Some(1048576));
        assert_eq!(count(&num("1.5")), None);
        assert_eq!(count(&num("\"max input tokens\"")), None);
    }

    #[test]
    fn other_json_is_refused() {
        let e = |t: &str| parse(t, "t.json").err().unwrap().to_string();
        assert!(e("<html>").starts_with("t.json:1: not JSON"), "{}", e("<html>"));
        assert!(e("[1, 2]").contains("not an object"));
        assert!(e(r#"{"a": {"mode": "chat"}}"#).contains("no entry has"));
        assert!(
            parse(
                r#"{"a": {"litellm_provider": "openai", "input_cost_per_token": 1e-6}}"#,
                "t"
            )
            .is_ok()
        );
    }
}
