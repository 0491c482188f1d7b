//! `--color`: overruns and errors in red, warnings and unpriced models in yellow, on a terminal only (`auto`) or
//! when asked (`always`); never in CSV, JSON or Markdown, never with `never`, and never in a pipe by default.
//! fixtures/hand.jsonl costs $0.0387 and has one model without a price (acme-llm-1).

mod common;

use common::tokencost;

const HAND: &str = "fixtures/hand.jsonl";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";

fn run(args: &[&str]) -> (String, String) {
    let out = tokencost().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn always_colours_overruns_warnings_and_unpriced_models() {
    let (out, err) = run(&["analyze", HAND, "--budget", "0.01", "--color", "always"]);
    assert!(
        err.contains(&format!(
            "{RED}tokencost: total budget $0.0100 exceeded: the logs cost $0.0387\x1b[0m"
        )),
        "{err:?}"
    );
    assert!(
        err.contains(&format!(
            "{YELLOW}tokencost: warning:\x1b[0m no price for model `acme-llm-1`"
        )),
        "{err:?}"
    );
    assert!(
        out.contains(&format!("{YELLOW}Unpriced, not in the totals: acme-llm-1")),
        "{out:?}"
    );
    let (_, err) = run(&["analyze", "no-such.jsonl", "--color", "always"]);
    assert!(
        err.contains(&format!("{RED}tokencost: error:\x1b[0m no-such.jsonl")),
        "{err:?}"
    );
}

#[test]
fn no_colour_in_pipes_by_default_with_never_or_in_machine_formats() {
    for args in [
        &["analyze", HAND, "--budget", "0.01"][..],
        &["analyze", HAND, "--budget", "0.01", "--color", "never"][..],
    ] {
        let (out, err) = run(args);
        assert!(
            !out.contains('\x1b') && !err.contains('\x1b'),
            "{args:?}: {out:?} {err:?}"
        );
    }
    for format in ["csv", "json", "markdown"] {
        let (out, _) = run(&["analyze", HAND, "--format", format, "--color", "always"]);
        assert!(!out.contains('\x1b'), "{format}: {out:?}");
    }
    // NO_COLOR turns `auto` off; `always` is still obeyed.
    let out = tokencost()
        .args(["analyze", HAND, "--budget", "0.01"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8(out.stderr).unwrap().contains('\x1b'));
    let out = tokencost()
        .args(["analyze", HAND, "--budget", "0.01", "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stderr).unwrap().contains(RED));
}

/// A log's text cannot switch colour on: escapes in a model name are shown, not sent.
#[test]
fn text_from_the_logs_stays_escaped_inside_colour() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("x.jsonl");
    std::fs::write(
        &log,
        "{\"model\":\"evil\\u001b[32m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}\n",
    )
    .unwrap();
    let (out, err) = run(&["analyze", log.to_str().unwrap(), "--color", "always"]);
    assert!(
        !out.contains("\x1b[32m") && !err.contains("\x1b[32m"),
        "{out:?} {err:?}"
    );
    assert!(err.contains("evil\\u{1b}[32m"), "{err:?}");
}
