//! The HTML report in a real browser: headless Chromium opens the page from `file://` with networking off, and the
//! test checks that it ran without a console message, that its script ran (sorting by a column the address asks
//! for), that the total shown is the report's, and that screenshots in light and dark are not blank.
//!
//! Without Chromium (`/usr/bin/chromium`, `chromium` on PATH, or `TOKENCOST_CHROMIUM`) the test says loudly that it
//! is skipped and passes, unless `TOKENCOST_REQUIRE_CHROMIUM=1`, as CI sets once it has installed Chromium.
//!
//! `TOKENCOST_SCREENSHOT=docs/report.png` also writes the light screenshot there: the README's picture.

mod common;
mod html_dom;

use std::path::{Path, PathBuf};
use std::process::Command;

const MONTH: &str = "fixtures/html/month.jsonl";

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TOKENCOST_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.exists() {
        return Some(fixed.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.exists())
}

/// Chromium, or None after saying loudly why the test does not run; a panic when CI requires it.
fn browser() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("TOKENCOST_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!(
                "TOKENCOST_REQUIRE_CHROMIUM=1 but no Chromium was found (/usr/bin/chromium, PATH, TOKENCOST_CHROMIUM)"
            );
        }
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             SKIPPED: the HTML report was not checked in a browser: no Chromium found.\n\
             Install Debian's `chromium` (or set TOKENCOST_CHROMIUM) to run this test.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
    }
    found
}

/// What one headless run printed.
struct Run {
    stdout: String,
    stderr: String,
}

/// Opens `url` headless with networking off and a fresh profile, with `extra` flags.
fn run(chromium: &Path, url: &str, extra: &[&str]) -> Run {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "chromium failed: {stderr}");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    }
}

/// Console messages of the page (errors, warnings, logs): the page writes none, so any is a fault.
fn console(r: &Run) -> Vec<&str> {
    r.stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// A screenshot's pixels as RGB(A) rows, its width and height.
fn pixels(path: &Path) -> (Vec<u8>, usize, usize, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    (buf, info.width as usize, info.height as usize, channels)
}

/// The share of pixels unlike the top-left one (the page's background), and the brightness of that background.
fn ink(path: &Path) -> (f64, f64, usize) {
    let (buf, w, h, ch) = pixels(path);
    let bg = &buf[..3];
    let mut differ = 0usize;
    let mut colours = std::collections::BTreeSet::new();
    for px in buf.chunks(ch) {
        if px[..3] != *bg {
            differ += 1;
        }
        if colours.len() < 1000 {
            colours.insert([px[0], px[1], px[2]]);
        }
    }
    let bright = (f64::from(bg[0]) + f64::from(bg[1]) + f64::from(bg[2])) / 3.0;
    (differ as f64 / (w * h) as f64, bright, colours.len())
}

#[test]
fn the_report_renders_in_chromium() {
    let Some(chromium) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    common::tokencost()
        .args(["analyze", MONTH, "-o", page.to_str().unwrap()])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(
        &common::tokencost()
            .args(["analyze", MONTH, "--format", "json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    let url = format!("file://{}", page.display());

    // The DOM after the script ran, sorted by cost (the 7th column) ascending through the address.
    let r = run(&chromium, &format!("{url}#sort=7"), &["--dump-dom"]);
    assert_eq!(console(&r), Vec::<&str>::new(), "console messages");
    let dom = html_dom::parse(&r.stdout);
    let root = &dom.tag("html")[0];
    assert_eq!(root.attr("data-ready"), Some("1"), "the page's script did not run");
    let total = dom.by_id("total-cost");
    assert_eq!(total.attr("value").unwrap(), json["totals"]["cost_usd"].to_string());
    // $2.735, worked out by hand in tests/html.rs, rounded half up.
    assert_eq!(total.text(), "$2.74");
    let table = dom.by_id("table-1");
    let keys: Vec<String> = table.tag("tbody")[0]
        .tag("tr")
        .iter()
        .map(|tr| tr.tag("th")[0].text())
        .collect();
    assert_eq!(
        keys,
        [
            "anthropic/claude-3-5-haiku-20241022",
            "openai/gpt-4o-mini",
            "anthropic/claude-3-5-sonnet-20241022",
            "openai/gpt-4o-2024-08-06",
        ],
        "sorted by cost, cheapest first"
    );
    let th = &table.tag("thead")[0].tag("th")[6];
    assert_eq!((th.text().as_str(), th.attr("aria-sort")), ("cost", Some("ascending")));

    // Screenshots: light and dark, neither blank, and dark really dark.
    let light = dir.path().join("light.png");
    let dark = dir.path().join("dark.png");
    for (shot, extra) in [(&light, None), (&dark, Some("--force-dark-mode"))] {
        let mut flags = vec![
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
        ];
        flags.extend(extra.map(String::from));
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let r = run(&chromium, &url, &flags);
        assert_eq!(console(&r), Vec::<&str>::new(), "console messages");
    }
    let (share, bright, colours) = ink(&light);
    assert!(
        share > 0.03 && colours > 20,
        "light screenshot nearly blank: {share} of pixels, {colours} colours"
    );
    assert!(bright > 200.0, "light background is {bright}");
    let (share, bright, colours) = ink(&dark);
    assert!(
        share > 0.03 && colours > 20,
        "dark screenshot nearly blank: {share} of pixels, {colours} colours"
    );
    assert!(bright < 60.0, "dark background is {bright}");
    if let Some(to) = std::env::var_os("TOKENCOST_SCREENSHOT") {
        std::fs::copy(&light, &to).unwrap();
    }
}
