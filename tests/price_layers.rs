//! Price layers a user writes, hostile or merely unlucky: a byte-order mark, bytes that are not UTF-8, numbers
//! too wide for YAML's integers, names that collide with the bundled tables', directories of layers. Each must
//! either price exactly as written or stop the run with the file and line of what is wrong: never a silent $0.

mod common;

use std::path::{Path, PathBuf};

use common::tokencost;

/// One call of `gpt-4o-2024-08-06`: 1,000 input tokens, 200 output tokens.
const CALL: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1730000000,"model":"gpt-4o-2024-08-06","usage":{"prompt_tokens":1000,"completion_tokens":200,"total_tokens":1200}}"#;

/// A layer of provider `acme` with one model `m` at $1 / $2 per 1M tokens, and `extra` lines inside the model.
fn acme(extra: &str) -> String {
    format!(
        "provider:\n  id: acme\nmodels:\n  - id: m\n{extra}    prices:\n      - {{as_of: 2024-01-01, input: 1, output: 2, source: s}}\n"
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Exit code, stdout and stderr of a run.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = tokencost().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check(path: &Path) -> (i32, String, String) {
    run(&["pricing", "check", path.to_str().unwrap()])
}

#[test]
fn a_layer_starting_with_a_byte_order_mark_is_read() {
    let d = tempfile::tempdir().unwrap();
    let layer = format!("\u{feff}{}", acme("    aliases: [acme-model]\n"));
    let p = write(d.path(), "bom.yaml", layer.as_bytes());
    let (code, out, err) = check(&p);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok: "), "{out}");
    // And it prices: 1,000 x $1 + 200 x $2 per 1M.
    let log = write(
        d.path(),
        "log.jsonl",
        CALL.replace("gpt-4o-2024-08-06", "acme-model").as_bytes(),
    );
    let (code, out, err) = run(&[
        "analyze",
        log.to_str().unwrap(),
        "--pricing",
        p.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["totals"]["cost_usd"].to_string(), "0.0014", "{out}");
}

#[test]
fn a_layer_that_is_not_utf8_is_named_with_its_line_and_offset() {
    let d = tempfile::tempdir().unwrap();
    let layer = acme("    note: caf\u{e9}\n");
    let at = layer.find('\u{e9}').unwrap();
    // Latin-1's single byte for `é`, where UTF-8 has two.
    let mut bytes = layer.as_bytes()[..at].to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(&layer.as_bytes()[at + 2..]);
    let p = write(d.path(), "latin1.yaml", &bytes);
    let (code, _, err) = check(&p);
    assert_eq!(code, 2);
    let want = format!(
        "{}:5: the file is not UTF-8: invalid byte 0xe9 at byte offset {at}",
        p.display()
    );
    assert!(err.contains(&want), "{err}");
    let p = write(d.path(), "utf16.yaml", b"\xff\xfep\x00r\x00");
    let (code, _, err) = check(&p);
    assert_eq!(code, 2);
    assert!(err.contains(":1: the file is UTF-16"), "{err}");
}

#[test]
fn a_price_too_wide_for_an_integer_gets_the_price_bound_message() {
    let d = tempfile::tempdir().unwrap();
    let row = "      - as_of: 2024-01-01\n        input: 79000000000000000000000000000\n        output: -79000000000000000000000000000\n        source: s\n";
    let p = write(
        d.path(),
        "huge.yaml",
        format!("provider:\n  id: acme\nmodels:\n  - id: m\n    prices:\n{row}").as_bytes(),
    );
    let (code, _, err) = check(&p);
    assert_eq!(code, 2);
    let p = p.display();
    assert!(
        err.contains(&format!(
            "{p}:7: `input` is above $1,000,000 per 1M tokens: 79000000000000000000000000000"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{p}:8: `output` must be a finite price of 0 or more")),
        "{err}"
    );
    assert!(!err.contains("u128"), "{err}");
}

#[test]
fn markup_of_an_unknown_provider_says_so_and_suggests_close_names() {
    let (code, _, err) = run(&["markup", "--provider", "opnai"]);
    assert_eq!(code, 2);
    assert!(err.contains("no provider `opnai` (did you mean `openai`?)"), "{err}");
    assert!(!err.contains("estimate"), "{err}");
}

#[test]
fn a_layer_alias_equal_to_a_bundled_name_stops_the_run_instead_of_costing_nothing() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "mine.yaml",
        acme("    aliases: [gpt-4o-2024-08-06]\n").as_bytes(),
    );
    let log = write(d.path(), "log.jsonl", CALL.as_bytes());
    let want = format!(
        "{}:5: `gpt-4o-2024-08-06`, the alias of model `acme/m`, is also a name of `openai/gpt-4o-2024-08-06`",
        p.display()
    );
    let (code, out, err) = check(&p);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains(&want), "{err}");
    // A budget the call would break can never pass on a $0 total: the run fails before it prices anything.
    let (log, p) = (log.to_str().unwrap(), p.to_str().unwrap());
    let (code, out, err) = run(&["analyze", log, "--pricing", p, "--budget", "0.0001"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains(&want), "{err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn two_files_of_one_directory_defining_one_model_are_an_error_naming_both() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("prices");
    write(&dir, "a.yaml", acme("").as_bytes());
    let row = "    prices:\n      - {as_of: 2024-01-01, input: 3, output: 4, source: s}\n";
    let second = format!("provider:\n  id: acme\nmodels:\n  - id: other\n{row}  - id: m\n{row}");
    write(&dir, "b.yaml", second.as_bytes());
    let (code, out, err) = check(&dir);
    assert_eq!(code, 2, "{out}");
    let (a, b) = (dir.join("a.yaml"), dir.join("b.yaml"));
    let want = format!("{}:7: model `acme/m` is also defined in {}:4", b.display(), a.display());
    assert!(err.contains(&want), "{err}");
    // Two layers named apart still override in order: the later is the user's correction of the earlier.
    let d2 = tempfile::tempdir().unwrap();
    let a2 = write(d2.path(), "a.yaml", acme("").as_bytes());
    let b2 = write(d2.path(), "b.yaml", acme("").replace("input: 1", "input: 5").as_bytes());
    let (code, _, err) = run(&["pricing", "check", a2.to_str().unwrap(), b2.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_sub_directory_of_a_price_directory_is_named_not_skipped() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("prices");
    write(&dir, "a.yaml", acme("").as_bytes());
    write(&dir, "extra/b.yaml", acme("").replace("id: m", "id: n").as_bytes());
    // Hidden directories (a `.git`) are no price layer and say nothing.
    write(&dir, ".git/config.yaml", b"not: prices\n");
    let (code, out, err) = check(&dir);
    assert_eq!(code, 2, "{out}");
    let want = format!(
        "{}:1: `extra` is a sub-directory: a price layer is the .yaml files directly in {}",
        dir.join("extra").display(),
        dir.display()
    );
    assert!(err.contains(&want), "{err}");
    assert!(!err.contains(".git"), "{err}");
    assert!(err.contains("1 problems"), "{err}");
}

/// A layer of `models` models with an alias each, and one model of `rows` dated rows: both once took time
/// quadratic in their number (how long it takes is measured by the benchmark, not here).
fn large_layer(models: usize, rows: usize) -> String {
    let mut s = String::from("provider:\n  id: bulk\nmodels:\n");
    for i in 0..models {
        s.push_str(&format!(
            "  - id: bulk-{i}\n    aliases: [bulk-alias-{i}]\n    prices:\n      - {{as_of: 2024-01-01, input: 1.5, output: 2, source: generated}}\n"
        ));
    }
    s.push_str("  - id: many-rows\n    prices:\n");
    for i in 0..rows {
        s.push_str(&format!(
            "      - {{as_of: {}, input: {}, output: 2, source: generated}}\n",
            chrono_day(i),
            i % 7
        ));
    }
    s
}

/// The `i`th day from 1900-01-01, as YYYY-MM-DD (28-day months: every date valid and distinct).
fn chrono_day(i: usize) -> String {
    format!("{:04}-{:02}-{:02}", 1900 + i / 336, 1 + (i / 28) % 12, 1 + i % 28)
}

#[test]
fn a_large_generated_table_loads_whole_and_a_late_duplicate_is_still_found() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "large.yaml", large_layer(20_000, 20_000).as_bytes());
    let (code, out, err) = check(&p);
    assert_eq!(code, 0, "{err}");
    let small = check(&write(d.path(), "small.yaml", large_layer(0, 1).as_bytes())).1;
    let n = |s: &str| s.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap();
    assert_eq!(n(&out), n(&small) + 20_000, "{out}");
    // The last row repeating the first row's date is found at its line, however many rows come between.
    let mut text = large_layer(20_000, 20_000);
    text.push_str("      - {as_of: 1900-01-01, input: 1, output: 2, source: generated}\n");
    let p = write(d.path(), "dup.yaml", text.as_bytes());
    let (code, _, err) = check(&p);
    assert_eq!(code, 2);
    let line = text.lines().count();
    assert!(
        err.contains(&format!(
            "dup.yaml:{line}: two price rows of `many-rows` start on 1900-01-01"
        )),
        "{err}"
    );
}
