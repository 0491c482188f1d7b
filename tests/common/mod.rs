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

/// The binary with no user price layer: its data directories point where nothing exists, so a `pricing update`
/// layer on the machine running the tests never changes what they see.
pub fn tokencost() -> assert_cmd::Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("tokencost");
    let nowhere = concat!(env!("CARGO_TARGET_TMPDIR"), "/no-user-data");
    c.env("XDG_DATA_HOME", nowhere)
        .env("HOME", nowhere)
        .env("LOCALAPPDATA", nowhere);
    c
}
