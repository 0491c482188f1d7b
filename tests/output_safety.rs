//! Where the output goes cannot change the verdict or lose data: a reader that closes the pipe early, a disk that
//! fills up, `-o` naming a log that is being read, `--help` to a full stdout. Logs are written by the tests into
//! temporary directories.

use assert_cmd::cargo::cargo_bin_cmd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SAMPLE: &str = "fixtures/sample.jsonl";

fn tokencost() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("tokencost"));
    c.env_remove("GITHUB_ACTIONS");
    c
}

/// A log of `n` gpt-4o calls of 1,000 input tokens each ($0.0025 a call).
fn log(dir: &Path, n: usize) -> PathBuf {
    let line = r#"{"model":"gpt-4o","usage":{"input_tokens":1000,"output_tokens":0}}"#;
    let p = dir.join("calls.jsonl");
    std::fs::write(&p, format!("{line}\n").repeat(n)).unwrap();
    p
}

/// Runs `args` with stdout a pipe whose reader is gone before the first byte is read, as under `| head -0`. The
/// output (one row a call) is larger than a pipe holds, so the writer meets the closed pipe whenever it starts.
fn with_closed_stdout(args: &[&str]) -> (i32, String) {
    let mut child = tokencost()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().expect("exited, not killed by SIGPIPE"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_does_not_change_the_budget_verdict() {
    let dir = tempfile::tempdir().unwrap();
    // 20,000 calls cost $50: over a $1 budget.
    let p = log(dir.path(), 20_000);
    let p = p.to_str().unwrap();
    for format in ["table", "csv", "json", "markdown"] {
        let (code, err) = with_closed_stdout(&["analyze", p, "--by", "call", "--format", format, "--budget", "1"]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(
            err.contains("tokencost: total budget $1.00 exceeded: the logs cost $50.00"),
            "{format}: {err}"
        );
        assert!(
            !err.contains("Broken pipe") && !err.contains("error"),
            "{format}: {err}"
        );
        // Without a budget, the run ends quietly and well.
        let (code, err) = with_closed_stdout(&["analyze", p, "--by", "call", "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        assert!(!err.contains("error"), "{format}: {err}");
    }
}

/// Runs `args` allowed to write files of at most 8 KiB (`ulimit -f`, SIGXFSZ ignored, so a longer write fails as it
/// would on a full disk).
#[cfg(unix)]
fn with_small_disk(dir: &Path, args: &[&str]) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin!("tokencost");
    let out = Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"")
        .arg(bin)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_old_report_and_no_partial_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let logs = d.join("logs");
    std::fs::create_dir(&logs).unwrap();
    let p = log(&logs, 2_000);
    let report = d.join("cost.md");
    std::fs::write(&report, "old report\n").unwrap();
    // One row per call: some 200 KB, far past the limit.
    let (code, err) = with_small_disk(
        d,
        &[
            "analyze",
            p.to_str().unwrap(),
            "--by",
            "call",
            "--budget",
            "100",
            "-o",
            "cost.md",
        ],
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "old report\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot write cost.md: File too large"), "{err}");
    // Nothing else was left beside it.
    let names: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // A report that fits replaces the old one whole.
    let (code, err) = with_small_disk(d, &["analyze", p.to_str().unwrap(), "--budget", "100", "-o", "cost.md"]);
    assert_eq!((code, err.contains("error")), (0, false), "{err}");
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .starts_with("## tokencost: $5.00 at list prices — within budget")
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_device_is_named_in_the_error() {
    // Output past the write buffer fails inside the renderer, not at the final flush.
    for format in ["json", "csv", "table"] {
        let out = tokencost()
            .args(["analyze", SAMPLE, "--by", "call", "--format", format, "-o", "/dev/full"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("cannot write /dev/full: No space left on device"),
            "{format}: {err}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn help_and_version_to_a_full_stdout_fail() {
    for args in [&["--help"][..], &["--version"], &["analyze", "--help"]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = tokencost().args(args).stdout(full).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot write to stdout: No space left on device"), "{err}");
    }
    // To a pipe that is read, as always.
    let out = cargo_bin_cmd!("tokencost").arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("tokencost "));
}

#[test]
fn o_naming_a_log_being_read_is_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let logs = d.join("logs");
    std::fs::create_dir(&logs).unwrap();
    let p = log(&logs, 3);
    let before = std::fs::read(&p).unwrap();
    let p_str = p.to_str().unwrap();
    let refused = |args: &[&str]| {
        let out = tokencost().current_dir(d).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("which is being read: the report would replace it"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty());
        assert_eq!(std::fs::read(&p).unwrap(), before, "{args:?} changed the log");
    };
    refused(&["analyze", p_str, "-o", p_str]);
    refused(&["analyze", p_str, "-o", "logs/./calls.jsonl"]);
    // A directory of logs, with the report named as one of them.
    refused(&["analyze", "logs", "-o", "logs/calls.jsonl", "--format", "jsonl"]);
    refused(&["compare", "logs", "--models", "gpt-4o-mini", "-o", p_str]);
    refused(&["project", "--from", p_str, "--models", "gpt-4o", "--output-file", p_str]);
    refused(&["count", p_str, "-o", p_str]);
    #[cfg(unix)]
    {
        // The same file by a symbolic link or a hard link.
        std::os::unix::fs::symlink(&p, d.join("link.jsonl")).unwrap();
        refused(&["analyze", p_str, "-o", "link.jsonl"]);
        std::fs::hard_link(&p, d.join("hard.jsonl")).unwrap();
        refused(&["analyze", "hard.jsonl", "-o", p_str]);
    }
    // A report beside the logs, which is not read, is written as always, and again over its old self.
    for _ in 0..2 {
        let out = tokencost()
            .current_dir(d)
            .args(["analyze", "logs", "-o", "logs/report.md"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        std::fs::read_to_string(logs.join("report.md"))
            .unwrap()
            .starts_with("## tokencost: $0.0075")
    );
}

#[cfg(unix)]
#[test]
fn o_through_a_link_writes_the_file_it_names_with_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let target = d.join("report.csv");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("report.csv", d.join("latest.csv")).unwrap();
    let sample = std::fs::canonicalize(SAMPLE).unwrap();
    let out = tokencost()
        .current_dir(d)
        .args(["analyze", sample.to_str().unwrap(), "-o", "latest.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        std::fs::symlink_metadata(d.join("latest.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("model,calls,"));
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
}
