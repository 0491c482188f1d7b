//! Text from the logs is shown, never obeyed: model names, sessions, file names and budget keys that carry line
//! breaks, terminal escape sequences, bidi overrides, CI workflow commands, spreadsheet formulas or Markdown reach
//! every output escaped. Each hostile log is written by the test into a temporary directory.

use assert_cmd::cargo::cargo_bin_cmd;
use std::path::{Path, PathBuf};

/// A session whose line break would start a line with a GitHub Actions workflow command.
const SESSION: &str = "run-1\n::error::pwned by a session";
/// A model name that retitles the window, clears the screen, backspaces, reverses the text after it, and carries
/// both forms of workflow command.
const MODEL: &str =
    "evil\r\n::warning::pwned\u{1b}]0;owned\u{7}\u{1b}[2J\u{8}\u{7f}\u{9b}31m\u{202e}exe.txt ##[error]old form";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str], github: bool) -> Out {
    let mut c = cargo_bin_cmd!("tokencost");
    c.current_dir(dir).env_remove("GITHUB_ACTIONS");
    if github {
        c.env("GITHUB_ACTIONS", "true");
    }
    let out = c.args(args).output().unwrap();
    Out {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A log line of `model` in `session` with `input` fresh input tokens.
fn call(model: &str, session: &str, input: u64) -> String {
    serde_json::json!({"model": model, "session": session, "usage": {"input_tokens": input, "output_tokens": 0}})
        .to_string()
}

fn write(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

/// Every line as the GitHub Actions runner splits them (CR, LF or CRLF): none may begin with `::` after white
/// space (save the program's own budget annotation), and none may hold the older `##[` form anywhere.
fn no_workflow_commands(what: &str, text: &str) {
    for line in text.split(['\r', '\n']) {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::") || t.starts_with("::error title=tokencost budget::"),
            "{what}: a line starts a workflow command: {line:?}\n{text}"
        );
        assert!(!line.contains("##["), "{what}: `##[` in {line:?}");
    }
}

/// Nothing a terminal acts on: no control character but the line feeds between lines, no bidi formatting.
fn nothing_a_terminal_obeys(what: &str, text: &str) {
    let bidi =
        |c: char| matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || bidi(c))
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in\n{text}");
}

#[test]
fn a_line_break_in_log_data_never_starts_a_workflow_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // gpt-4o at $2.50/M: 1,000,000 input tokens cost $2.50, over every budget below; MODEL has no price.
    let log = write(
        d,
        "log\n::error::pwned by a file name.jsonl",
        &[call("gpt-4o", SESSION, 1_000_000), call(MODEL, SESSION, 10)],
    );
    let log = log.to_str().unwrap();
    // A price table may name a model anything: a budget key that resolves through such an alias reaches the
    // annotation itself.
    std::fs::write(
        d.join("prices.yaml"),
        "provider:\n  id: acme\nmodels:\n  - id: m\n    aliases: [\"bad\\n::error::key ##[x]\"]\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 1, source: s}\n",
    )
    .unwrap();
    let budget_key = "bad\n::error::key ##[x]=0.001";
    let lines = write(d, "acme.jsonl", &[call("acme/m", "s", 1_000_000)]);
    let mut seen = Vec::new();
    for format in ["table", "csv", "markdown", "json"] {
        for by in ["model", "session", "call"] {
            let args = [
                "analyze",
                log,
                "--format",
                format,
                "--by",
                by,
                "--budget",
                "0.001",
                "--session-budget",
                "0.001",
            ];
            let out = run(d, &args, true);
            assert_eq!(out.code, 1, "{format} by {by}: {}", out.stderr);
            no_workflow_commands(&format!("{format} by {by}, stdout"), &out.stdout);
            no_workflow_commands(&format!("{format} by {by}, stderr"), &out.stderr);
            seen.push(out.stderr);
        }
    }
    // The session still names itself, escaped: its offender line and the unpriced model's warning are there.
    assert!(
        seen[1].contains("  run-1\\u{a}::error::pwned by a session: $2.50"),
        "{}",
        seen[1]
    );
    assert!(seen[1].contains("no price for model `evil\\u{d}\\u{a}"), "{}", seen[1]);

    let pricing = ["--pricing", "prices.yaml"];
    let lines = lines.to_str().unwrap();
    let out = run(
        d,
        &[&["analyze", lines, "--model-budget", budget_key][..], &pricing].concat(),
        true,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    no_workflow_commands("model budget, stderr", &out.stderr);
    // The annotation carries the key as the runner decodes it: the line break percent-encoded, on one line.
    let annotation = out
        .stderr
        .lines()
        .find(|l| l.starts_with("::error title=tokencost budget::"))
        .unwrap();
    assert!(
        annotation.contains("for bad%0A::error::key #\\u{23}[x] (acme/m) exceeded"),
        "{annotation}"
    );

    // A key that names no model is an error that quotes it, escaped.
    let out = run(d, &["analyze", lines, "--model-budget", "nope\n::error::x=1"], true);
    assert_eq!(out.code, 2);
    no_workflow_commands("error", &out.stderr);
    assert!(out.stderr.contains("`nope\\u{a}::error::x`"), "{}", out.stderr);
}

#[test]
fn terminal_sequences_from_log_data_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let session = "s\u{1b}[2J\u{1b}]0;retitled\u{7}\u{202e}";
    let log = write(
        d,
        "log\u{1b}[31m.jsonl",
        &[
            call("gpt-4o", session, 1000),
            call(MODEL, session, 10),
            "{not json".into(),
        ],
    );
    let log = log.to_str().unwrap();
    for format in ["table", "csv", "markdown"] {
        for by in ["model", "session", "call"] {
            let out = run(
                d,
                &["analyze", log, "--format", format, "--by", by, "--session-budget", "0"],
                false,
            );
            assert_eq!(out.code, 1, "{}", out.stderr);
            nothing_a_terminal_obeys(&format!("{format} by {by}, stdout"), &out.stdout);
            nothing_a_terminal_obeys(&format!("{format} by {by}, stderr"), &out.stderr);
            if by != "model" || format != "csv" {
                assert!(out.stdout.contains("\\u{1b}"), "{format} by {by}: {}", out.stdout);
            }
        }
    }
    // JSON keeps every string exactly; what a terminal acts on is written as a JSON escape.
    let out = run(d, &["analyze", log, "--format", "json", "--by", "session"], false);
    nothing_a_terminal_obeys("json", &out.stdout);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["groups"][0]["key"], session);
    assert_eq!(report["unpriced"][0]["model"], MODEL);
    // The file name in a bad line's message, on stderr.
    assert!(
        out.stderr.contains("log\\u{1b}[31m.jsonl:3: invalid JSON"),
        "{}",
        out.stderr
    );
}

#[test]
fn csv_text_from_the_logs_cannot_start_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // acme/cheap costs $1/M input and is estimated at $5-10/M to serve: its token tax is negative, a number that
    // must stay a number.
    std::fs::write(
        d.join("prices.yaml"),
        "provider:\n  id: acme\nmodels:\n  - id: cheap\n    marginal: dear\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 1, source: s}\nmarginal:\n  - id: dear\n    input: {low: 5, high: 10}\n    output: {low: 5, high: 10}\n    source: s\n    as_of: 2024-01-01\n",
    )
    .unwrap();
    let sessions = [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\tcmd",
        "plain",
    ];
    let lines: Vec<String> = sessions.iter().map(|s| call("acme/cheap", s, 1_000_000)).collect();
    let log = write(d, "log.jsonl", &lines);
    let out = run(
        d,
        &[
            "analyze",
            log.to_str().unwrap(),
            "--by",
            "session",
            "--format",
            "csv",
            "--total-row",
            "--pricing",
            "prices.yaml",
        ],
        false,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut rows = csv::Reader::from_reader(out.stdout.as_bytes());
    let header = rows.headers().unwrap().clone();
    let tax = header.iter().position(|h| h == "token_tax_usd_low").unwrap();
    let mut keys = Vec::new();
    for r in rows.records() {
        let r = r.unwrap();
        keys.push(r[0].to_string());
        // $1 paid, $10 estimated at most: -9, written as a number.
        assert_eq!(
            r[tax].parse::<f64>().unwrap(),
            if &r[0] == "TOTAL" { -54.0 } else { -9.0 },
            "{r:?}"
        );
    }
    keys.sort();
    assert_eq!(
        keys,
        [
            "'+1+1",
            "'-2+3",
            "'=HYPERLINK(\"http://evil.example\",\"x\")",
            "'@SUM(A1:A9)",
            "TOTAL",
            "\\u{9}cmd",
            "plain"
        ]
    );
}

/// The cells of a Markdown table row, split where GitHub splits them: at pipes not escaped by a backslash.
fn cells(row: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n - 1
}

#[test]
fn markdown_from_the_logs_is_never_markup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let unpriced = [
        "<img src=x onerror=alert(1)>",
        "cc @octocat",
        "[approve](https://evil.example)",
        "a`b``c",
        "# heading",
    ];
    let mut lines: Vec<String> = unpriced.iter().map(|m| call(m, "s", 10)).collect();
    lines.push(call(
        "gpt-4o",
        "x | y **bold** <b>hi</b> @team ![i](https://evil.example/i.png)",
        1000,
    ));
    let log = write(d, "log.jsonl", &lines);
    let out = run(
        d,
        &[
            "analyze",
            log.to_str().unwrap(),
            "--by",
            "session",
            "--format",
            "markdown",
        ],
        false,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = &out.stdout;
    // Outside code spans, nothing is markup.
    let prose: String = md.lines().filter(|l| !l.starts_with("- `")).collect();
    for raw in ["<img", "<b>", "@octocat", "@team", "[approve](", "![i](", "**bold**"] {
        assert!(!prose.contains(raw), "{raw} is raw in\n{md}");
    }
    // Every table row has the table's 10 cells: the session's `|` did not split one.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert!(rows.len() >= 4, "{md}");
    for r in rows.iter().take(4) {
        assert_eq!(cells(r), 10, "{r}");
    }
    assert!(
        md.contains("| x \\| y \\*\\*bold\\*\\* \\<b\\>hi\\</b\\> @&#8203;team !\\[i\\](https://evil.example/i.png) |"),
        "{md}"
    );
    // Unpriced names are code spans whose fence is longer than any run of backticks inside.
    assert!(md.contains("- ```a`b``c``` (unknown)"), "{md}");
    assert!(md.contains("- `<img src=x onerror=alert(1)>` (unknown)"), "{md}");
    assert!(md.contains("- `# heading` (unknown)"), "{md}");
}
