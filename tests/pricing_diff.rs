//! `tokencost pricing diff` on a hand-made price history (`fixtures/pricing/history.yaml`).

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

fn diff(args: &[&str]) -> Value {
    let out = cargo_bin_cmd!("tokencost")
        .args([
            "pricing",
            "diff",
            "--pricing",
            "fixtures/pricing/history.yaml",
            "--provider",
            "history",
        ])
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn a_cut_a_new_tier_and_a_new_model() {
    let v = diff(&["--since", "2025-06-01"]);
    assert_eq!(v["since"], "2025-06-01");
    let got: Vec<String> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}: {} -> {} ({})",
                c["as_of"].as_str().unwrap(),
                c["model"].as_str().unwrap(),
                c["what"].as_str().unwrap(),
                c["old_usd_per_m"],
                c["new_usd_per_m"],
                c["change_percent"]
            )
        })
        .collect();
    // alpha: input 4 -> 3 is -25%; output and cached input are unchanged; the priority tier is new. beta is new.
    assert_eq!(
        got,
        [
            "2025-09-01 alpha input: 4 -> 3 (-25.0)",
            "2025-09-01 alpha priority input: null -> 6 (null)",
            "2025-09-01 alpha priority output: null -> 32 (null)",
            "2025-09-01 beta new model: null -> 0.5 (null)",
        ]
    );
    assert_eq!(v["changes"][0]["previous_as_of"], "2025-03-01");
}

#[test]
fn since_defaults_to_the_newest_row_and_earlier_dates_add_first_rows() {
    // The newest row of the whole table (bundled included) is at least as new as this history's.
    let v = diff(&[]);
    assert!(v["since"].as_str().unwrap() >= "2025-09-01", "{v}");
    let all = diff(&["--since", "2025-01-01"]);
    let models: Vec<&str> = all["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["what"].as_str().unwrap())
        .collect();
    assert_eq!(
        models.first(),
        Some(&"new model"),
        "alpha's first row is listed as new: {all}"
    );
    assert_eq!(all["changes"].as_array().unwrap().len(), 5);
}

#[test]
fn a_bad_date_is_an_error_naming_the_flag() {
    let out = cargo_bin_cmd!("tokencost")
        .args(["pricing", "diff", "--since", "2025-13-01"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--since") && err.contains("2025-13-01"), "{err}");
}
