//! Helpers shared by the end-to-end tests.
#![allow(dead_code)] // each test binary uses its own subset

use serde_json::Value;

/// A JSON number equal to `want` up to floating-point rounding of an exact decimal.
pub fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!(
        (got - want).abs() <= want.abs() * 1e-12 + 1e-15,
        "got {got}, want {want}"
    );
}

/// The group keys of a JSON report, in order.
pub fn keys(report: &Value) -> Vec<&str> {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect()
}
