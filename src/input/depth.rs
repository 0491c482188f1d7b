//! Lines nested deeper than the JSON parser follows. serde_json stops at 128 levels, which keeps its recursion off
//! the end of the stack; but a call whose metadata or tool schema is nested that deep is still a call, with its
//! usage a few levels down. Such a line is read again with every array or object below `KEPT_DEPTH` written as
//! `null`: no format reads anything that deep, and text counted from the line is marked an estimate.

/// Levels of arrays and objects kept; one opened below this is read as `null`. Well inside serde_json's 128.
pub const KEPT_DEPTH: usize = 100;

/// `text` with every array or object that opens `KEPT_DEPTH` levels down replaced by `null`, and `None` when
/// nothing is that deep. Brackets inside strings are text; a line whose brackets do not balance is left to the
/// parser, which says what is wrong with it.
pub(super) fn flattened(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    // While a too-deep container is skipped: how many levels of it are open.
    let mut skipping = 0usize;
    let mut cut = false;
    for &b in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            if skipping == 0 {
                out.push(b);
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' if skipping > 0 => skipping += 1,
            b'[' | b'{' if depth == KEPT_DEPTH => {
                skipping = 1;
                cut = true;
                out.extend_from_slice(b"null");
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' if skipping > 0 => {
                skipping -= 1;
                continue;
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if skipping == 0 {
            out.push(b);
        }
    }
    cut.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn nested(n: usize, inner: &str) -> String {
        format!("{}{inner}{}", "[".repeat(n), "]".repeat(n))
    }

    #[test]
    fn only_what_is_too_deep_becomes_null() {
        assert_eq!(flattened(nested(KEPT_DEPTH, "1").as_bytes()), None);
        let deep = format!(r#"{{"a":{},"s":"[[{{\"]"}}"#, nested(100_000, r#"{"x":"]]"}"#));
        let flat = flattened(deep.as_bytes()).unwrap();
        let v: Value = serde_json::from_slice(&flat).unwrap();
        assert_eq!(v["s"], "[[{\"]");
        let mut at = &v["a"];
        for _ in 1..KEPT_DEPTH {
            at = &at[0];
        }
        assert_eq!(at, &Value::Null);
        // Whatever serde_json can parse is never flattened.
        assert!(serde_json::from_str::<Value>(&nested(KEPT_DEPTH, "1")).is_ok());
    }
}
