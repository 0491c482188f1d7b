//! Hostile input never crashes, hangs, floods or changes the bill: directory loops, endless lines, devices and pipes
//! in a walk, byte-order marks and UTF-16, names that are not UTF-8, damaged gzip, odd but honest field values,
//! absurd thread counts, empty runs under a gate, and copies of one response read in either order. Every input is
//! made here, in a temporary directory.
//!
//! Each run has a deadline and, on unix, a bound on its address space: these inputs once made the binary loop or
//! grow without end, and such a run must fail its test rather than stall the suite or exhaust the machine. Neither
//! bound measures speed: a correct run takes a small fraction of either.

use serde_json::Value;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

/// A good line: gpt-4o, 1,000 input tokens at $2.50/M = $0.0025.
const GOOD: &str = r#"{"model":"gpt-4o","usage":{"input_tokens":1000,"output_tokens":0}}"#;

/// Longer than any correct run here takes by far; only a run that never ends reaches it.
const DEADLINE: Duration = Duration::from_secs(300);
/// Address space allowed a run, in KiB: many times what any input here needs once lines are bounded.
#[cfg(unix)]
const ADDRESS_SPACE_KIB: u64 = 4 << 20;

struct Run {
    code: Option<i32>,
    report: Value,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn calls(&self) -> u64 {
        self.report["totals"]["calls"]
            .as_u64()
            .unwrap_or_else(|| panic!("no report:\n{}", self.stderr))
    }

    /// Exactly `n` good lines were billed.
    fn billed(&self, n: u64) {
        assert_eq!(self.calls(), n, "{}", self.stderr);
        common::close(&self.report["totals"]["cost_usd"], n as f64 * 0.0025);
    }

    fn says(&self, what: &str) {
        assert!(self.stderr.contains(what), "no `{what}` in:\n{}", self.stderr);
    }
}

/// Runs the binary with `args` (and `stdin`), under the deadline and the address-space bound.
fn tokencost<S: AsRef<OsStr>>(args: &[S], stdin: Option<Vec<u8>>) -> Run {
    let bin = env!("CARGO_BIN_EXE_tokencost");
    #[cfg(unix)]
    let mut cmd = {
        let mut c = Command::new("sh");
        let script = format!("ulimit -v {ADDRESS_SPACE_KIB} 2>/dev/null; exec \"$0\" \"$@\"");
        c.arg("-c").arg(script).arg(bin);
        c
    };
    #[cfg(not(unix))]
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env_remove("GITHUB_ACTIONS")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // A reader that stops early closes the pipe; that is its business.
        std::thread::spawn(move || pipe.write_all(&bytes));
    }
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "tokencost {:?} never finished",
                args.iter().map(AsRef::as_ref).collect::<Vec<_>>()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.join().unwrap();
    let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    Run {
        code: status.code(),
        report: serde_json::from_slice(&stdout).unwrap_or(Value::Null),
        stdout,
        stderr,
    }
}

/// `analyze PATHS --format json EXTRA`.
fn analyze(paths: &[&Path], extra: &[&str]) -> Run {
    let mut args: Vec<OsString> = vec!["analyze".into()];
    args.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    args.extend(["--format", "json"].iter().chain(extra).map(OsString::from));
    tokencost(&args, None)
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

fn lines(n: usize) -> String {
    format!("{GOOD}\n").repeat(n)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

// 1. Directory links.

/// A link back up the tree made the walk read every file 41 times; two made it endless. Each directory and file
/// is now read once, however many links lead to it.
#[cfg(unix)]
#[test]
fn directory_link_loops_are_walked_once() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("sub")).unwrap();
    file(&logs, "a.jsonl", lines(1).as_bytes());
    file(&logs.join("sub"), "b.jsonl", lines(1).as_bytes());
    symlink(".", logs.join("loop")).unwrap();
    symlink("..", logs.join("sub/up")).unwrap();
    symlink("a.jsonl", logs.join("again.jsonl")).unwrap();
    let r = analyze(&[&logs], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(2);
    assert_eq!(r.report["summary"]["files"], 2);
    r.says("loop: already read through another path");
    r.says("again.jsonl: already read through another path");
    // The same with --strict: a link walked once is no problem.
    assert_eq!(analyze(&[&logs], &["--strict"]).code, Some(0));
}

// 2. Lines without an end.

/// A line longer than `--max-line-bytes` is reported with its place and skipped to its end, in a plain file read by
/// the workers, from stdin, and in gzip; the lines around it are read.
#[test]
fn an_overlong_line_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(3_000_000);
    // Large enough (over 4 MB) for the workers to read it in chunks.
    let text = format!("{GOOD}\n{long}\n{GOOD}\n{long}{long}\r\n{GOOD}\n{long}");
    let plain = file(dir.path(), "long.jsonl", text.as_bytes());
    let gz = file(dir.path(), "long.jsonl.gz", &gzip(text.as_bytes()));
    let cap = ["--max-line-bytes", "1000000"];
    for p in [&plain, &gz] {
        let r = analyze(&[p], &cap);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.billed(3);
        for n in [2, 4, 6] {
            r.says(&format!("{}:{n}: line longer than 1000000 bytes", p.display()));
        }
        assert_eq!(r.report["summary"]["lines"], 6);
    }
    let piped = tokencost(
        &["analyze", "-", "--format", "json", "--max-line-bytes", "1000000"],
        Some(text.into()),
    );
    piped.billed(3);
    piped.says("<stdin>:4: line longer than 1000000 bytes");
    // The cap counts a line's bytes before its `\n`, a `\r` included: line 4 has 6,000,001.
    let r = analyze(&[&plain], &["--max-line-bytes", "6000001"]);
    r.billed(3);
    assert!(!r.stderr.contains("line longer"), "{}", r.stderr);
    r.says(&format!("{}:4: invalid JSON", plain.display()));
    analyze(&[&plain], &["--max-line-bytes", "6000000"]).says(":4: line longer than 6000000 bytes");
}

/// A gzip bomb: 200 MB of zeros with no line end between two good lines, under the default cap of 64 MiB.
#[test]
fn a_gzip_bomb_of_zeros_costs_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(lines(1).as_bytes()).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        gz.write_all(&zeros).unwrap();
    }
    gz.write_all(format!("\n{GOOD}\n").as_bytes()).unwrap();
    let p = file(dir.path(), "bomb.jsonl.gz", &gz.finish().unwrap());
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(2);
    r.says(&format!("{}:2: line longer than 67108864 bytes", p.display()));
}

/// `/dev/zero` named on the command line: the files around it are read, and it fails the run; `count`, `--pricing`
/// and `--config` refuse it too, with a message, instead of reading without end.
#[cfg(unix)]
#[test]
fn dev_zero_is_refused_everywhere() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.jsonl", lines(1).as_bytes());
    let b = file(dir.path(), "b.jsonl", lines(1).as_bytes());
    let r = analyze(&[&a, zero, &b], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    r.billed(2);
    r.says("/dev/zero: cannot read: not a regular file or a pipe (a character device)");
    let count = tokencost(&["count", "/dev/zero"], None);
    assert_eq!(count.code, Some(2), "{}", count.stderr);
    assert!(
        count
            .stderr
            .contains("cannot read /dev/zero: not a regular file or a pipe"),
        "{}",
        count.stderr
    );
    // A pipe is read up to --max-bytes, then refused.
    let piped = tokencost(&["count", "-", "--max-bytes", "1000"], Some(vec![b'a'; 5000]));
    assert_eq!(piped.code, Some(2), "{}", piped.stderr);
    assert!(
        piped.stderr.contains("<stdin>: more than 1000 bytes"),
        "{}",
        piped.stderr
    );
    for flag in ["--pricing", "--config"] {
        let a = a.to_str().unwrap();
        let r = tokencost(&["analyze", a, flag, "/dev/zero"], None);
        assert_eq!(r.code, Some(2), "{flag}: {}", r.stderr);
        assert!(r.stderr.contains("/dev/zero"), "{flag}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{flag}");
    }
}

/// A price file or config far larger than any price table is refused before it is read.
#[test]
fn oversized_pricing_and_config_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.jsonl", lines(1).as_bytes());
    let big = file(dir.path(), "big.yaml", &vec![b'#'; 17 << 20]);
    for flag in ["--pricing", "--config"] {
        let r = tokencost(
            &[OsStr::new("analyze"), a.as_os_str(), OsStr::new(flag), big.as_os_str()],
            None,
        );
        assert_eq!(r.code, Some(2), "{flag}: {}", r.stderr);
        assert!(
            r.stderr.contains("big.yaml: larger than 16 MiB"),
            "{flag}: {}",
            r.stderr
        );
    }
}

// 9. Byte-order marks and UTF-16.

/// A UTF-8 byte-order mark cost the file's first call, in a plain file, a large one, gzip and stdin.
#[test]
fn a_utf8_byte_order_mark_costs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{}", lines(2));
    let plain = file(dir.path(), "bom.jsonl", text.as_bytes());
    let gz = file(dir.path(), "bom.jsonl.gz", &gzip(text.as_bytes()));
    let big = file(dir.path(), "big.jsonl", format!("\u{feff}{}", lines(70_000)).as_bytes());
    for p in [&plain, &gz] {
        let r = analyze(&[p], &["--strict"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.billed(2);
    }
    analyze(&[&big], &["--strict"]).billed(70_000);
    let r = tokencost(&["analyze", "-", "--format", "json", "--strict"], Some(text.into()));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(2);
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once(0xfeff)
        .chain(text.encode_utf16())
        .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
        .collect()
}

/// UTF-16 with a byte-order mark (what Windows PowerShell writes) or without one is read as the text it is, small
/// or large, plain or gzip; UTF-32 is refused by name.
#[test]
fn utf16_logs_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // An emoji outside the basic plane, written as a surrogate pair, in a text field.
    let text = format!("{}{}\n", lines(2), GOOD.replace("}}", "},\"note\":\"\u{1F600}\"}"));
    for (name, be) in [("le.jsonl", false), ("be.jsonl", true)] {
        let p = file(dir.path(), name, &utf16(&text, be));
        let gz = file(dir.path(), &format!("{name}.gz"), &gzip(&utf16(&text, be)));
        for p in [&p, &gz] {
            let r = analyze(&[p], &["--strict"]);
            assert_eq!(r.code, Some(0), "{}: {}", p.display(), r.stderr);
            r.billed(3);
        }
    }
    // Without a byte-order mark (as some tools write it), recognised by the NULs beside the first characters.
    for be in [false, true] {
        let p = file(dir.path(), "unmarked.jsonl", &utf16(&text, be)[2..]);
        let r = analyze(&[&p], &["--strict"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.billed(3);
    }
    let big = file(dir.path(), "big.jsonl", &utf16(&lines(40_000), false));
    assert!(std::fs::metadata(&big).unwrap().len() > 4 << 20);
    analyze(&[&big], &["--strict"]).billed(40_000);
    let big = file(dir.path(), "big.jsonl", &utf16(&lines(40_000), true)[2..]);
    analyze(&[&big], &["--strict"]).billed(40_000);
    let mut utf32 = vec![0xff, 0xfe, 0, 0];
    utf32.extend(GOOD.chars().flat_map(|c| (c as u32).to_le_bytes()));
    let p = file(dir.path(), "utf32.jsonl", &utf32);
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    r.says("utf32.jsonl: cannot read: the file is UTF-32");
}

// 10. Names that are not UTF-8.

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.jsonl", lines(1).as_bytes());
    let name = OsStr::from_bytes(b"caf\xe9.jsonl");
    // Some file systems refuse such names; there is nothing to test there.
    if std::fs::File::create(dir.path().join(name))
        .and_then(|mut f| f.write_all(lines(1).as_bytes()))
        .is_err()
    {
        return;
    }
    let r = analyze(&[dir.path()], &["--strict"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(2);
}

// 11. Damaged gzip.

/// Zero padding after the last member (which `gzip -t` accepts) costs nothing; other trailing bytes fail the file
/// but keep its lines.
#[test]
fn gzip_padding_is_accepted_and_trailing_garbage_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut two = gzip(lines(3).as_bytes());
    two.extend(gzip(lines(2).as_bytes()));
    let mut padded = two.clone();
    padded.extend(vec![0u8; 5000]);
    let p = file(dir.path(), "padded.jsonl.gz", &padded);
    let r = analyze(&[&p], &["--strict"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(5);
    let mut garbage = two;
    garbage.extend(b"\0\0trailing garbage");
    let p = file(dir.path(), "garbage.jsonl.gz", &garbage);
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    r.billed(5);
    r.says("garbage.jsonl.gz: read failed after line 5");
}

/// Lines decoded before damage in the middle of a gzip stream are all counted, as `zcat` would print them: at most
/// one small read of decoded bytes before the damage is lost.
#[test]
fn gzip_damage_keeps_the_lines_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let text: String = (0..n)
        .map(|i| GOOD.replace("}}", &format!("}},\"n\":{i}}}")) + "\n")
        .collect();
    let mut gz = gzip(text.as_bytes());
    let at = gz.len() * 3 / 4;
    gz[at..at + 64].fill(0xff);
    // What can be decoded at all, a byte at a time.
    let mut decoder = flate2::read::GzDecoder::new(&gz[..]);
    let (mut decoded, mut byte) = (0usize, [0u8; 1]);
    while let Ok(1) = decoder.read(&mut byte) {
        decoded += usize::from(byte[0] == b'\n');
    }
    assert!(decoded > n / 2 && decoded < n, "{decoded}");
    let p = file(dir.path(), "damaged.jsonl.gz", &gz);
    let r = analyze(&[&p], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    r.says("damaged.jsonl.gz: read failed after line");
    let lines = r.report["summary"]["lines"].as_u64().unwrap() as usize;
    // A line is about 80 bytes: a 16 KiB read holds some 200.
    assert!(
        lines <= decoded && lines + 250 >= decoded,
        "{lines} lines read of {decoded} decodable"
    );
}

// 13. Honest values in odd spellings.

/// A time without a zone (Python's `isoformat()`), a count written `1000.0` and an invalid byte in a text field
/// each cost the call before; now they are read (the time as UTC, said once), and a fractional count is refused
/// with its value.
#[test]
fn odd_but_honest_values_keep_their_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    for line in [
        r#"{"model":"gpt-4o","timestamp":"2025-03-01T23:30:00.123456","usage":{"input_tokens":1000,"output_tokens":0}}"#,
        r#"{"model":"gpt-4o","timestamp":"2025-03-01 23:45:00","usage":{"input_tokens":1000,"output_tokens":0}}"#,
        r#"{"model":"gpt-4o","timestamp":"2025-03-01T10:00:00Z","usage":{"input_tokens":1000.0,"output_tokens":0e0}}"#,
        r#"{"model":"gpt-4o","usage":{"input_tokens":1000.5}}"#,
    ] {
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(b"{\"model\":\"gpt-4o\",\"timestamp\":\"2025-03-01T11:00:00Z\",\"prompt\":\"caf\xe9\",");
    bytes.extend_from_slice(b"\"usage\":{\"input_tokens\":1000,\"output_tokens\":0}}\n");
    let p = file(dir.path(), "odd.jsonl", &bytes);
    let r = analyze(&[&p], &["--by", "day"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(4);
    assert_eq!(common::keys(&r.report), ["2025-03-01"]);
    assert_eq!(r.stderr.matches("without a time zone").count(), 1, "{}", r.stderr);
    r.says(&format!(
        "{}:4: `input_tokens` must be a whole number of tokens from 0 to 10000000000, got 1000.5",
        p.display()
    ));
    // Read as UTC: 23:30 UTC is the next day in Tokyo, and inside a window that ends at midnight UTC.
    let r = analyze(&[&p], &["--by", "day", "--timezone", "Asia/Tokyo", "--quiet"]);
    assert_eq!(common::keys(&r.report), ["2025-03-01", "2025-03-02"]);
    analyze(
        &[&p],
        &["--since", "2025-03-01T23:00:00Z", "--until", "2025-03-02T00:00:00Z"],
    )
    .billed(2);
}

/// Text with an invalid byte is counted from its readable part, as an estimate.
#[test]
fn an_invalid_byte_in_counted_text_is_an_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(
        dir.path(),
        "t.jsonl",
        b"{\"model\":\"gpt-4o\",\"prompt\":\"hello world \xff\"}\n",
    );
    let r = analyze(&[&p], &["--by", "call"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.calls(), 1);
    assert_eq!(r.report["groups"][0]["token_source"], "estimated", "{}", r.report);
}

// 14. Devices and pipes in a walk.

#[cfg(unix)]
fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo").arg(p).status().is_ok_and(|s| s.success())
}

/// A FIFO with no writer, and links to character devices, found by a walk are skipped with a message: opening one
/// would wait forever or read forever.
#[cfg(unix)]
#[test]
fn pipes_and_devices_found_by_a_walk_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.jsonl", lines(1).as_bytes());
    if !mkfifo(&dir.path().join("pipe.jsonl")) {
        return;
    }
    for dev in ["null", "zero"] {
        std::os::unix::fs::symlink(format!("/dev/{dev}"), dir.path().join(format!("{dev}.jsonl"))).unwrap();
    }
    let r = analyze(&[dir.path()], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(1);
    r.says("pipe.jsonl: not a regular file (a FIFO): not read");
    r.says("zero.jsonl: not a regular file (a character device): not read");
    // Many of them are named up to a limit, then counted.
    for i in 0..100 {
        std::os::unix::fs::symlink("/dev/null", dir.path().join(format!("null{i:03}.jsonl"))).unwrap();
    }
    let r = analyze(&[dir.path()], &[]);
    r.billed(1);
    r.says("83 more paths passed over in the walk, not shown");
    assert_eq!(r.stderr.matches("not a regular file").count(), 20, "{}", r.stderr);
}

/// A pipe named on the command line is read: that is how `<(zcat ...)` comes in.
#[cfg(unix)]
#[test]
fn a_pipe_named_on_the_command_line_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    if !mkfifo(&fifo) {
        return;
    }
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, lines(2)))
    };
    let r = analyze(&[&fifo], &[]);
    writer.join().unwrap().unwrap();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(2);
}

// 18. Thread counts.

#[test]
fn an_absurd_thread_count_is_capped_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "a.jsonl", lines(3).as_bytes());
    let r = analyze(&[&p], &["--threads", "100000"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(3);
    r.says("--threads 100000 is more than 4 per core");
}

// 23. Empty runs and gates.

/// A run that read no call cannot pass a gate: an empty directory, an empty file, or a window that excludes every
/// call, under `--strict` or a budget, exits 2 with a message. Without a gate the empty report stands.
#[test]
fn an_empty_run_fails_every_gate() {
    let dir = tempfile::tempdir().unwrap();
    let empty_dir = dir.path().join("nothing");
    std::fs::create_dir(&empty_dir).unwrap();
    file(&empty_dir, "notes.txt", b"not a log");
    let empty = file(dir.path(), "empty.jsonl", b"");
    let dated = file(
        dir.path(),
        "dated.jsonl",
        format!("{}\n", GOOD.replace("}}", "},\"timestamp\":\"2025-06-01T00:00:00Z\"}")).as_bytes(),
    );
    let r = analyze(&[&empty_dir], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.says("no log files");
    for (path, extra) in [
        (&empty_dir, vec!["--strict"]),
        (&empty_dir, vec!["--budget", "0"]),
        (&empty, vec!["--strict"]),
        (&empty, vec!["--monthly-budget", "10"]),
        (&dated, vec!["--since", "2026-01-01", "--budget", "1"]),
    ] {
        let r = analyze(&[path], &extra);
        assert_eq!(r.code, Some(2), "{extra:?}: {}", r.stderr);
        r.says("no call was read");
    }
    analyze(&[&dated], &["--since", "2025-01-01", "--budget", "1", "--strict"]).billed(1);
}

#[test]
fn an_inverted_window_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "a.jsonl", lines(1).as_bytes());
    for window in [
        ["--since", "2025-02-01", "--until", "2025-01-01"],
        ["--since", "2025-01-01T00:00:00Z", "--until", "2024-12-31T23:59:59Z"],
    ] {
        let r = analyze(&[&p], &window);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        r.says("is not before --until");
        assert!(r.stdout.is_empty());
    }
}

// 28. Deep nesting and NUL padding.

/// A call whose metadata is nested deeper than the JSON parser follows (here 200 and 100,000 levels) keeps its
/// reported usage; text counted from such a line is an estimate. NUL bytes or whitespace around a good line (a
/// preallocated or truncated log) are padding.
#[test]
fn deep_nesting_and_nul_padding_keep_their_calls() {
    let dir = tempfile::tempdir().unwrap();
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deep = GOOD.replace("}}", &format!("}},\"meta\":{}}}", nested(200)));
    let deeper = GOOD.replace("}}", &format!("}},\"meta\":{{\"a\":{}}}}}", nested(100_000)));
    let mut bytes = format!("{deep}\n{GOOD}\0\0\0\n\0\0{GOOD}\n{GOOD} \x0c\t\n{deeper}\n").into_bytes();
    bytes.extend_from_slice(&[0; 4096]);
    bytes.push(b'\n');
    let p = file(dir.path(), "padded.jsonl", &bytes);
    let r = analyze(&[&p], &["--strict"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.billed(5);
    assert_eq!(r.report["summary"]["skipped_lines"], 0);
    // A request with a tool schema nested 300 levels deep: counted, as an estimate.
    let tools = format!(
        r#"[{{"type":"function","function":{{"name":"f","parameters":{}}}}}]"#,
        nested(300)
    );
    let request = format!(r#"{{"model":"gpt-4o","messages":[{{"role":"user","content":"hi"}}],"tools":{tools}}}"#);
    let p = file(dir.path(), "request.jsonl", format!("{request}\n").as_bytes());
    let r = analyze(&[&p], &["--by", "call", "--strict"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.calls(), 1);
    assert_eq!(r.report["groups"][0]["token_source"], "estimated", "{}", r.report);
}

// 8. Copies of one response.

/// Two copies of one response with the same usage but a different date, model spelling or session: the copy kept
/// does not depend on which file is read first, in memory or spilled to disk.
#[test]
fn the_copy_kept_does_not_depend_on_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let chat = |id: &str, model: &str, created: u64| {
        format!(
            r#"{{"id":"{id}","object":"chat.completion","created":{created},"model":"{model}","usage":{{"prompt_tokens":1000000,"completion_tokens":0}}}}"#
        )
    };
    let claude = |session: &str| {
        format!(
            r#"{{"type":"assistant","timestamp":"2025-10-01T10:00:00Z","sessionId":"{session}","message":{{"id":"msg_1","model":"claude-sonnet-4-5","usage":{{"input_tokens":1000,"output_tokens":10}}}}}}"#
        )
    };
    // gpt-4o cost $5/M before 2024-10-02 and $2.50/M after; gpt-4o-2024-05-13 costs $5/M.
    let a = [
        chat("chatcmpl-date", "gpt-4o", 1_730_000_000),
        chat("chatcmpl-model", "gpt-4o-2024-05-13", 1_730_000_000),
        claude("resumed"),
    ];
    let b = [
        chat("chatcmpl-date", "gpt-4o", 1_720_000_000),
        chat("chatcmpl-model", "gpt-4o", 1_730_000_000),
        claude("original"),
    ];
    let pa = file(dir.path(), "a.jsonl", (a.join("\n") + "\n").as_bytes());
    let pb = file(dir.path(), "b.jsonl", (b.join("\n") + "\n").as_bytes());
    for by in ["model", "session", "day"] {
        let runs: Vec<Run> = [&["--by", by][..], &["--by", by, "--spill-after", "1"]]
            .iter()
            .flat_map(|extra| [analyze(&[&pa, &pb], extra), analyze(&[&pb, &pa], extra)])
            .collect();
        for r in &runs {
            assert_eq!(r.code, Some(0), "{}", r.stderr);
            assert_eq!(r.calls(), 3);
            assert_eq!(r.report["summary"]["duplicate_lines"], 3);
            assert_eq!(r.report["groups"], runs[0].report["groups"], "--by {by}");
            assert_eq!(r.report["totals"], runs[0].report["totals"], "--by {by}");
        }
    }
    // The fullest, then the earliest (the 2024-07 copy, at $5/M), then the model name sorted first (gpt-4o at
    // $2.50/M), then the session sorted first; Claude Sonnet 4.5 costs 1,000 x $3/M + 10 x $15/M.
    let r = analyze(&[&pa, &pb], &["--by", "session"]);
    common::close(&r.report["totals"]["cost_usd"], 5.0 + 2.5 + 0.003 + 0.00015);
    let keys = common::keys(&r.report);
    assert!(keys.contains(&"original") && !keys.contains(&"resumed"), "{keys:?}");
}

// 25. Files that shrink while they are read.

/// A file cut short while it is read (a log rotated by truncation) fails the run with the file named, rather than
/// giving a smaller bill. The file is cut once the binary has it open, seen through `/proc`; a run that ended
/// before the cut (which a loaded machine could allow) is tried again with a larger file.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_shrinks_while_read_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rotated.jsonl");
    let bin = env!("CARGO_BIN_EXE_tokencost");
    for size in [40_000usize, 160_000, 640_000] {
        std::fs::write(&p, lines(size)).unwrap();
        let mut child = Command::new(bin)
            .args([
                OsStr::new("analyze"),
                p.as_os_str(),
                OsStr::new("--format"),
                OsStr::new("json"),
            ])
            .args(["--threads", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let fds = PathBuf::from(format!("/proc/{}/fd", child.id()));
        let start = Instant::now();
        let opened = loop {
            let open = std::fs::read_dir(&fds)
                .map(|rd| rd.flatten().any(|e| std::fs::read_link(e.path()).is_ok_and(|l| l == p)))
                .unwrap_or(false);
            if open {
                break true;
            }
            if child.try_wait().unwrap().is_some() || start.elapsed() > DEADLINE {
                break false;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        if opened {
            std::fs::File::options()
                .write(true)
                .open(&p)
                .unwrap()
                .set_len(1000)
                .unwrap();
        }
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        let status = child.wait().unwrap();
        if !opened || status.code() == Some(0) {
            continue;
        }
        assert_eq!(status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("rotated.jsonl: read failed after line"), "{stderr}");
        assert!(stderr.contains("the file shrank while it was read"), "{stderr}");
        return;
    }
    panic!("every run ended before its file could be cut");
}
