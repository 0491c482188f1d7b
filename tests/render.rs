//! Every command in every format, through the one rendering layer, and where `-o` writes what. Snapshots hold the
//! whole output of each command on a fixture; dates are pinned with `--as-of` so they do not depend on today.

mod common;

const HAND: &str = "fixtures/hand.jsonl";
const SAMPLE: &str = "fixtures/sample.jsonl";
const FORMATS: [&str; 4] = ["table", "csv", "json", "markdown"];

/// Runs to success and returns stdout.
fn ok(args: &[&str]) -> String {
    let out = common::tokencost().env("NO_COLOR", "1").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// Runs to a failure with this exit code and returns stderr.
fn fails(code: i32, args: &[&str]) -> String {
    let out = common::tokencost().args(args).assert().code(code);
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

/// Each command's arguments, with a name for its snapshots.
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("analyze_hand", vec!["analyze", HAND]),
        ("analyze_sample_plan", vec!["analyze", SAMPLE, "--plan", "cursor-pro"]),
        (
            "markup",
            vec!["markup", "--as-of", "2025-06-01", "--provider", "openai"],
        ),
        (
            "markup_explain",
            vec![
                "markup",
                "--as-of",
                "2024-09-01",
                "--provider",
                "anthropic",
                "--explain",
            ],
        ),
        (
            "project",
            vec![
                "project",
                "--calls",
                "10",
                "--base-prompt",
                "5000",
                "--growth",
                "1000",
                "--output",
                "300",
                "--models",
                "gpt-4o,claude-3-5-sonnet",
                "--as-of",
                "2024-10-01",
                "--sessions-per-month",
                "100",
                "--plan",
                "cursor-pro",
            ],
        ),
        (
            "compare",
            vec!["compare", SAMPLE, "--models", "gpt-4o,claude-3-5-haiku"],
        ),
        ("pricing_list", vec!["pricing", "list", "--provider", "anthropic"]),
        (
            "pricing_diff",
            vec![
                "pricing",
                "diff",
                "--pricing",
                "fixtures/pricing/history.yaml",
                "--provider",
                "history",
                "--since",
                "2025-01-01",
            ],
        ),
        ("count", vec!["count", "fixtures/token-counts.jsonl", HAND]),
    ]
}

#[test]
fn every_command_in_every_format() {
    for (name, args) in commands() {
        for format in FORMATS {
            let mut a = args.clone();
            a.extend(["--format", format]);
            let out = ok(&a);
            insta::assert_snapshot!(format!("{name}_{format}"), out);
        }
    }
}

#[test]
fn count_without_format_stays_plain() {
    assert_eq!(ok(&["count", "fixtures/token-counts.jsonl"]), "145553\n");
    let two = ok(&["count", "fixtures/token-counts.jsonl", HAND]);
    assert!(two.ends_with("\ttotal\n"), "{two}");
}

#[test]
fn the_extension_of_o_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    for (file, args) in [
        ("r.json", vec!["analyze", HAND]),
        ("m.json", vec!["markup", "--as-of", "2025-06-01"]),
    ] {
        let path = dir.path().join(file);
        let mut a = args.clone();
        a.extend(["-o", path.to_str().unwrap()]);
        assert_eq!(ok(&a), "");
        let mut b = args.clone();
        b.extend(["--format", "json"]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), ok(&b), "{file}");
    }
    for (ext, format) in [
        ("csv", "csv"),
        ("md", "markdown"),
        ("markdown", "markdown"),
        ("txt", "table"),
        ("out", "table"),
    ] {
        let path = dir.path().join(format!("report.{ext}"));
        ok(&["analyze", HAND, "-o", path.to_str().unwrap()]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            ok(&["analyze", HAND, "--format", format]),
            "{ext}"
        );
    }
    // project's `--output` is its output tokens: the file is `-o` or `--output-file`.
    let path = dir.path().join("p.csv");
    ok(&[
        "project",
        "--as-of",
        "2025-06-01",
        "--output-file",
        path.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("model,shape,"));
    let path = dir.path().join("c.json");
    ok(&["count", HAND, "-o", path.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&path).unwrap().contains("\"tokens\""));
}

#[test]
fn a_format_that_contradicts_the_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let err = fails(2, &["analyze", HAND, "-o", path.to_str().unwrap(), "--format", "csv"]);
    assert!(
        err.contains("--format csv") && err.contains("out.json") && err.contains("json"),
        "{err}"
    );
    assert!(!path.exists());
    let err = fails(2, &["pricing", "list", "-o", "x.md", "--format", "table"]);
    assert!(err.contains("--format table") && err.contains("x.md"), "{err}");
}

#[test]
fn dash_is_stdout() {
    assert_eq!(
        ok(&["analyze", HAND, "-o", "-", "--format", "csv"]),
        ok(&["analyze", HAND, "--format", "csv"])
    );
    assert_eq!(ok(&["pricing", "list", "-o", "-"]), ok(&["pricing", "list"]));
}

#[test]
fn an_unwritable_path_exits_2() {
    let err = fails(2, &["analyze", HAND, "-o", "/nonexistent-dir/report.json"]);
    assert!(err.contains("cannot write /nonexistent-dir/report.json"), "{err}");
    fails(2, &["count", HAND, "-o", "/nonexistent-dir/n.txt"]);
}

#[test]
fn markdown_escapes_pipes_in_cells() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("pipe.jsonl");
    std::fs::write(
        &log,
        r#"{"model":"gpt-4o","session":"a|b","timestamp":"2025-10-01T09:30:00Z","usage":{"input_tokens":10,"output_tokens":5}}"#,
    )
    .unwrap();
    let out = ok(&[
        "analyze",
        log.to_str().unwrap(),
        "--by",
        "session",
        "--format",
        "markdown",
    ]);
    assert!(out.contains("| a\\|b |"), "{out}");
}
