//! The README's examples are the program's real output: each fenced block that starts with `$ tokencost ...` is run
//! and its output compared byte for byte (a block whose output is in the next fenced block is compared with that
//! one; a block marked "(abridged" right after it need only hold each of its lines). The first screen's sample is
//! run as a user sees it on an 80-column terminal, stdout then stderr.
//!
//! `TOKENCOST_README_UPDATE=1 cargo test --test readme` writes the real output into README.md instead, for review.

mod common;

use common::tokencost;

const README: &str = "README.md";

/// One example: where its expected output sits in the README, and the command's arguments.
struct Example {
    args: Vec<String>,
    /// Byte range of the expected output in the README text.
    expected: std::ops::Range<usize>,
    abridged: bool,
}

/// Fenced blocks as (start of content, end of content) byte offsets.
fn fences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("```") {
            match open.take() {
                None => open = Some(at + line.len()),
                Some(start) => out.push((start, at)),
            }
        }
        at += line.len();
    }
    out
}

fn examples(text: &str) -> Vec<Example> {
    let blocks = fences(text);
    let mut out = Vec::new();
    for (i, &(start, end)) in blocks.iter().enumerate() {
        let body = &text[start..end];
        if !body.starts_with("$ tokencost ") {
            continue;
        }
        let mut command = String::new();
        let mut consumed = 0;
        for line in body.split_inclusive('\n') {
            consumed += line.len();
            let l = line.trim_end();
            match l.strip_suffix('\\') {
                Some(head) => command.push_str(head),
                None => {
                    command.push_str(l);
                    break;
                }
            }
        }
        let args = command["$ tokencost ".len()..]
            .split_whitespace()
            .map(String::from)
            .collect();
        let expected = if consumed < body.len() {
            start + consumed..end
        } else {
            let (s, e) = blocks[i + 1];
            s..e
        };
        let after = &text[end..];
        let abridged = after
            .split_once('\n')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with("(abridged"));
        out.push(Example {
            args,
            expected,
            abridged,
        });
    }
    out
}

fn run(args: &[String], columns: Option<&str>, with_stderr: bool) -> String {
    let mut c = tokencost();
    c.args(args).env_remove("COLUMNS").env("NO_COLOR", "1");
    if let Some(cols) = columns {
        c.env("COLUMNS", cols);
    }
    let out = c.output().unwrap();
    let mut s = String::from_utf8(out.stdout).unwrap();
    if with_stderr {
        s.push_str(&String::from_utf8(out.stderr).unwrap());
    }
    s
}

/// The first screen's block: the first fenced block after "On an 80-column terminal".
fn first_screen(text: &str) -> std::ops::Range<usize> {
    let from = text
        .find("On an 80-column terminal")
        .expect("the first screen's sample");
    let (s, e) = fences(text).into_iter().find(|(s, _)| *s > from).unwrap();
    s..e
}

#[test]
fn every_readme_example_is_the_real_output() {
    let mut text = std::fs::read_to_string(README).unwrap();
    let update = std::env::var("TOKENCOST_README_UPDATE").is_ok_and(|v| v == "1");
    let mut wrong = Vec::new();
    // Replaced from the last to the first, so that earlier offsets stay valid.
    let mut cases: Vec<(std::ops::Range<usize>, String, String, bool)> = examples(&text)
        .into_iter()
        .map(|e| {
            let real = run(&e.args, None, false);
            (e.expected, e.args.join(" "), real, e.abridged)
        })
        .collect();
    let first = first_screen(&text);
    let sample = ["analyze", "fixtures/sample.jsonl"].map(String::from);
    cases.push((
        first,
        "analyze fixtures/sample.jsonl (80 columns)".into(),
        run(&sample, Some("80"), true),
        false,
    ));
    cases.sort_by_key(|c| std::cmp::Reverse(c.0.start));
    assert!(cases.len() >= 6, "the README's examples were not found");
    for (range, what, real, abridged) in cases {
        let expected = &text[range.clone()];
        let ok = if abridged {
            expected.lines().all(|l| real.lines().any(|r| r == l))
        } else {
            expected == real
        };
        if !ok {
            wrong.push(format!("`tokencost {what}`:\n--- README\n{expected}--- real\n{real}"));
            if update && !abridged {
                text.replace_range(range, &real);
            }
        }
    }
    if update {
        std::fs::write(README, &text).unwrap();
    } else {
        assert!(
            wrong.is_empty(),
            "README examples differ from the real output:\n{}",
            wrong.join("\n")
        );
    }
}
