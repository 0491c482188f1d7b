//! `--format html`: the page's structure (snapshots of its outline), its figures against the JSON report's and
//! against figures worked out by hand, its escaping of text from the logs, that it fetches nothing, and that its
//! bytes depend only on the input.
//!
//! The fixture, fixtures/html/month.jsonl, is ten days of March 2025 with four priced models and one without a
//! price. At the bundled list prices (USD per 1M tokens: gpt-4o-2024-08-06 2.50 input, 1.25 cached, 10 output;
//! claude-3-5-sonnet-20241022 3 input, 0.30 cached, 3.75 cache write, 15 output; gpt-4o-mini 0.15, 0.075, 0.60;
//! claude-3-5-haiku-20241022 0.80 input, 4 output):
//!
//! | day | model | tokens (input / cached / cache write / output) | cost |
//! |---|---|---|---|
//! | 03-01 | gpt-4o | 100,000 / 0 / 0 / 10,000 | 0.25 + 0.10 = 0.35 |
//! | 03-02 | sonnet | 50,000 / 0 / 20,000 / 5,000 | 0.15 + 0.075 + 0.075 = 0.30 |
//! | 03-03 | gpt-4o | 200,000 / 100,000 / 0 / 20,000 | 0.50 + 0.125 + 0.20 = 0.825 |
//! | 03-03 | sonnet | 10,000 / 200,000 / 0 / 8,000 | 0.03 + 0.06 + 0.12 = 0.21 |
//! | 03-04 | mystery (no price) | 5,000 / 0 / 0 / 500 | none |
//! | 03-05 | mini | 1,000,000 / 0 / 0 / 100,000 | 0.15 + 0.06 = 0.21 |
//! | 03-06 | mini | 200,000 / 400,000 / 0 / 50,000 | 0.03 + 0.03 + 0.03 = 0.09 |
//! | 03-07 | gpt-4o | 40,000 / 0 / 0 / 4,000 | 0.10 + 0.04 = 0.14 |
//! | 03-08 | mystery (no price) | 3,000 / 0 / 0 / 300 | none |
//! | 03-09 | haiku | 100,000 / 0 / 0 / 20,000 | 0.08 + 0.08 = 0.16 |
//! | 03-10 | sonnet | 100,000 / 0 / 0 / 10,000 | 0.30 + 0.15 = 0.45 |
//!
//! Per model: gpt-4o 1.315, sonnet 0.96, mini 0.30, haiku 0.16; total 2.735 ($2.74 rounded half up).

mod common;
mod html_dom;

use html_dom::{Node, parse};
use serde_json::Value;

const MONTH: &str = "fixtures/html/month.jsonl";
const MYSTERY: &str = "mystery<b>&\"model\"";

fn ok(args: &[&str]) -> String {
    let out = common::tokencost().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn html(args: &[&str]) -> String {
    let mut a = args.to_vec();
    a.extend(["--format", "html"]);
    ok(&a)
}

/// Every way a page could make the browser fetch something from the network.
fn fetches(page: &str) -> Vec<String> {
    let lower = page.to_ascii_lowercase();
    let mut found = Vec::new();
    for needle in [
        "http://",
        "https://",
        "//cdn",
        "src=",
        "href=",
        "url(",
        "@import",
        "fetch(",
        "<link",
        "xmlhttprequest",
        "import(",
        "<iframe",
        "<object",
        "<embed",
        "srcset",
        "websocket",
        "eventsource",
        "sendbeacon",
    ] {
        if lower.contains(needle) {
            found.push(needle.to_string());
        }
    }
    found
}

#[test]
fn the_fetch_check_finds_what_it_looks_for() {
    assert_eq!(fetches("<img src=\"https://x/y.png\">"), ["https://", "src="]);
    assert_eq!(
        fetches("<style>@import 'a.css'; b{background:url(c)}</style>"),
        ["url(", "@import"]
    );
    assert_eq!(fetches("<script>fetch('/api')</script>"), ["fetch("]);
    assert!(fetches("<p>plain</p>").is_empty());
}

/// Each command that renders, with a name for its snapshot (None: too long to snapshot, checked otherwise).
fn commands() -> Vec<(Option<&'static str>, Vec<&'static str>)> {
    vec![
        (Some("analyze_month"), vec!["analyze", MONTH]),
        (
            Some("analyze_month_by_session"),
            vec!["analyze", MONTH, "--by", "session"],
        ),
        (None, vec!["analyze", "fixtures/sample.jsonl", "--by", "day"]),
        (Some("markup"), vec!["markup", "--as-of", "2024-07-01"]),
        (
            Some("diff"),
            vec![
                "diff",
                "fixtures/diff/base.jsonl",
                "fixtures/diff/head.jsonl",
                "--pricing",
                "fixtures/diff/prices.yaml",
                "--base-label",
                "main",
            ],
        ),
        (
            Some("project"),
            vec![
                "project",
                "--calls",
                "10",
                "--base-prompt",
                "2000",
                "--growth",
                "500",
                "--output",
                "300",
                "--models",
                "gpt-4o,gpt-4o-mini",
                "--as-of",
                "2024-10-01",
            ],
        ),
        (
            Some("compare"),
            vec!["compare", MONTH, "--models", "gpt-4o-mini,claude-3-5-haiku"],
        ),
        (
            Some("count"),
            vec!["count", "fixtures/token-counts.jsonl", "fixtures/hand.jsonl"],
        ),
        (None, vec!["pricing", "list", "--provider", "anthropic"]),
    ]
}

#[test]
fn every_command_renders_a_self_contained_page() {
    for (name, args) in commands() {
        let page = html(&args);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{args:?}");
        assert_eq!(fetches(&page), Vec::<String>::new(), "{args:?} fetches");
        // One script, the page's own; styles only inline.
        assert_eq!(page.matches("<script").count(), 1, "{args:?}");
        let doc = parse(&page);
        assert!(!doc.tag("table").is_empty(), "{args:?} has no table");
        for th in doc.find(|n| n.tag == "th") {
            assert!(th.attr("scope").is_some(), "{args:?}: a header without scope");
        }
        for svg in doc.tag("svg") {
            assert_eq!(svg.attr("role"), Some("img"));
            let ids = svg.attr("aria-labelledby").unwrap();
            let (t, d) = ids.split_once(' ').unwrap();
            assert!(
                !doc.by_id(t).text().is_empty() && !doc.by_id(d).text().is_empty(),
                "{args:?}"
            );
        }
        if let Some(name) = name {
            insta::assert_snapshot!(format!("html_{name}"), doc.outline());
        }
    }
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&ok(&a)).unwrap()
}

/// A JSON number's digits as written (the report keeps every digit of a decimal).
fn digits(v: &Value) -> String {
    v.to_string()
}

/// A table row's cells: what each shows, and its exact value if it has one.
type Row = Vec<(String, Option<String>)>;

/// The main table: its header titles and its rows (body, then totals).
fn table(doc: &Node) -> (Vec<String>, Vec<Row>) {
    let t = doc.by_id("table-1");
    let titles: Vec<String> = t.tag("thead")[0].tag("th").iter().map(|th| th.text()).collect();
    let rows = t
        .tag("tr")
        .into_iter()
        .skip(1)
        .map(|tr| {
            tr.children
                .iter()
                .filter_map(|c| match c {
                    html_dom::Child::El(n) => Some((n.text(), n.attr("data-v").map(String::from))),
                    _ => None,
                })
                .collect()
        })
        .collect();
    (titles, rows)
}

#[test]
fn values_in_the_page_equal_the_json_report_and_the_hand_figures() {
    let report = json(&["analyze", MONTH]);
    let doc = parse(&html(&["analyze", MONTH]));
    // The headline total: the report's exact figure, and the hand-worked one.
    let total = doc.by_id("total-cost");
    assert_eq!(total.attr("value").unwrap(), digits(&report["totals"]["cost_usd"]));
    assert_eq!(total.attr("value"), Some("2.735"));
    assert_eq!(total.text(), "$2.74");
    assert_eq!(doc.by_id("priced-calls").attr("value"), Some("9"));
    assert_eq!(doc.by_id("unpriced-calls").attr("value"), Some("2"));
    // The table: one row per group in the report's order, then the totals, each figure exactly the report's.
    let (titles, rows) = table(&doc);
    let col = |t: &str| titles.iter().position(|x| x == t).unwrap();
    let groups = report["groups"].as_array().unwrap();
    assert_eq!(rows.len(), groups.len() + 1);
    for (row, g) in rows.iter().zip(groups.iter().chain([&report["totals"]])) {
        if g != &report["totals"] {
            assert_eq!(row[0].0, g["key"].as_str().unwrap());
        }
        for (title, field) in [
            ("calls", "calls"),
            ("input", "input_tokens"),
            ("cached input", "cached_input_tokens"),
            ("cache write", "cache_write_tokens"),
            ("output", "output_tokens"),
            ("cost", "cost_usd"),
            ("marginal (est.)", "marginal_cost_usd_low"),
            ("token tax (est.)", "token_tax_usd_low"),
        ] {
            assert_eq!(
                row[col(title)].1.as_deref(),
                Some(digits(&g[field]).as_str()),
                "{title} of {}",
                row[0].0
            );
        }
    }
    let cost: Vec<&str> = rows.iter().map(|r| r[col("cost")].1.as_deref().unwrap()).collect();
    assert_eq!(cost, ["1.315", "0.96", "0.3", "0.16", "2.735"]);
    // Cost over time: one column per day from the first to the last, each segment the hand-worked figure.
    let chart = doc.by_id("chart-2");
    assert_eq!(chart.tag("h2")[0].text(), "Cost per day, by model");
    let ticks: Vec<String> = chart.find(|n| n.has_class("tick")).iter().map(|n| n.text()).collect();
    assert_eq!(ticks.first().map(String::as_str), Some("2025-03-01"));
    let segments: Vec<String> = chart
        .find(|n| n.tag == "rect")
        .iter()
        .filter_map(|r| r.tooltip())
        .collect();
    assert_eq!(
        segments,
        [
            "2025-03-01: openai/gpt-4o-2024-08-06: $0.3500",
            "2025-03-02: anthropic/claude-3-5-sonnet-20241022: $0.3000",
            "2025-03-03: openai/gpt-4o-2024-08-06: $0.8250",
            "2025-03-03: anthropic/claude-3-5-sonnet-20241022: $0.2100",
            "2025-03-05: openai/gpt-4o-mini: $0.2100",
            "2025-03-06: openai/gpt-4o-mini: $0.0900",
            "2025-03-07: openai/gpt-4o-2024-08-06: $0.1400",
            "2025-03-09: anthropic/claude-3-5-haiku-20241022: $0.1600",
            "2025-03-10: anthropic/claude-3-5-sonnet-20241022: $0.4500",
        ]
    );
    // The model without a price is shown as such, never as a bar of $0.
    let cost_chart = doc.by_id("chart-3");
    let missing: Vec<String> = cost_chart
        .find(|n| n.has_class("missing"))
        .iter()
        .map(|n| n.tooltip().unwrap())
        .collect();
    assert_eq!(missing, [format!("{MYSTERY}: cost at list prices: no price")]);
    for r in cost_chart.tag("rect") {
        assert!(!r.tooltip().unwrap().starts_with(MYSTERY), "{:?}", r.tooltip());
    }
    // Estimates say so: the marginal-cost bars, the legend, and each estimate's basis under the chart.
    assert!(cost_chart.tag("rect").iter().any(|r| r.has_class("est")));
    assert!(cost_chart.text().contains("marginal cost (estimate)"));
    assert!(
        cost_chart.text().contains("Estimate gpt-4o (given, as of"),
        "{}",
        cost_chart.text()
    );
    let marginal = doc.by_id("marginal-cost");
    let t = &report["totals"];
    assert_eq!(
        marginal.attr("value").unwrap(),
        format!(
            "{}-{}",
            digits(&t["marginal_cost_usd_low"]),
            digits(&t["marginal_cost_usd_high"])
        )
    );
    // Token buckets: the hand-worked sums of gpt-4o's calls.
    let tokens = doc.by_id("chart-4");
    let gpt4o: Vec<String> = tokens
        .tag("rect")
        .iter()
        .filter_map(|r| r.tooltip())
        .filter(|t| t.starts_with("openai/gpt-4o-2024-08-06:"))
        .collect();
    assert_eq!(
        gpt4o,
        [
            "openai/gpt-4o-2024-08-06: fresh input: 340k",
            "openai/gpt-4o-2024-08-06: cached input: 100k",
            "openai/gpt-4o-2024-08-06: output: 34k",
        ]
    );
}

#[test]
fn text_from_the_logs_is_text() {
    for by in ["model", "session"] {
        let page = html(&["analyze", MONTH, "--by", by]);
        assert!(!page.contains("<b>"), "--by {by}");
        assert!(!page.contains("</script><script>"), "--by {by}");
        assert_eq!(page.matches("<script").count(), 1);
        let doc = parse(&page);
        // The names read back as written.
        let name = if by == "model" {
            MYSTERY
        } else {
            "</script><script>alert(1)</script>"
        };
        let all_text: String = doc.all().iter().map(|n| n.text()).collect();
        assert!(all_text.contains(name), "--by {by}");
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let reversed = dir.path().join("reversed.jsonl");
    let text = std::fs::read_to_string(MONTH).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    let one = html(&["analyze", MONTH, "--threads", "1"]);
    assert_eq!(one, html(&["analyze", MONTH, "--threads", "4"]));
    assert_eq!(one, html(&["analyze", reversed.to_str().unwrap(), "--threads", "3"]));
}

#[test]
fn the_extension_html_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["report.html", "REPORT.HTM"] {
        let path = dir.path().join(name);
        assert_eq!(ok(&["analyze", MONTH, "-o", path.to_str().unwrap()]), "");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            html(&["analyze", MONTH]),
            "{name}"
        );
    }
    let path = dir.path().join("report.html");
    let out = common::tokencost()
        .args(["analyze", MONTH, "-o", path.to_str().unwrap(), "--format", "csv"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--format csv does not match"), "{err}");
}

#[test]
fn weeks_and_months_when_the_logs_span_long() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("long.jsonl");
    // Three calls of $0.35 each (100,000 input and 10,000 output tokens of gpt-4o-2024-08-06): on Wednesday
    // 2025-01-08 and Sunday 2025-01-12, both in the week of Monday 2025-01-06, and on Monday 2025-03-31, 82 days
    // on: weeks, the last one starting on a weekday before the first call's.
    let line = |ts: &str| {
        format!(
            "{{\"model\": \"gpt-4o-2024-08-06\", \"timestamp\": \"{ts}\", \"usage\": {{\"input_tokens\": 100000, \
             \"output_tokens\": 10000}}}}\n"
        )
    };
    std::fs::write(
        &log,
        line("2025-01-08T10:00:00Z") + &line("2025-01-12T10:00:00Z") + &line("2025-03-31T10:00:00Z"),
    )
    .unwrap();
    let doc = parse(&html(&["analyze", log.to_str().unwrap()]));
    let chart = doc.by_id("chart-2");
    assert_eq!(chart.tag("h2")[0].text(), "Cost per week, by model");
    let segs: Vec<String> = chart.tag("rect").iter().filter_map(|r| r.tooltip()).collect();
    assert_eq!(
        segs,
        [
            "2025-01-06: openai/gpt-4o-2024-08-06: $0.7000",
            "2025-03-31: openai/gpt-4o-2024-08-06: $0.3500",
        ]
    );
    // Only the weeks with calls have a bar: the empty ones between are gaps.
    assert_eq!(chart.tag("rect").len(), 2);
    // A year on: months.
    std::fs::write(&log, line("2024-11-06T10:00:00Z") + &line("2025-06-12T10:00:00Z")).unwrap();
    let doc = parse(&html(&["analyze", log.to_str().unwrap()]));
    assert_eq!(doc.by_id("chart-2").tag("h2")[0].text(), "Cost per month, by model");
    let segs: Vec<String> = doc
        .by_id("chart-2")
        .tag("rect")
        .iter()
        .filter_map(|r| r.tooltip())
        .collect();
    assert_eq!(segs[0], "2024-11: openai/gpt-4o-2024-08-06: $0.3500");
}

#[test]
fn budgets_are_in_the_page() {
    // $2.735 against a $2 budget: over, exit code 1, and the page still written, with the budget's row.
    let out = common::tokencost()
        .args(["analyze", MONTH, "--budget", "2", "--format", "html"])
        .assert()
        .code(1);
    let doc = parse(&String::from_utf8(out.get_output().stdout.clone()).unwrap());
    let budgets = doc.by_id("table-2");
    let rows: Vec<String> = budgets.tag("tr").iter().map(|tr| tr.text()).collect();
    assert_eq!(rows, ["budgetlimitactualstatus", "total$2.00$2.74over"]);
    assert_eq!(budgets.tag("strong")[0].text(), "over");
}

#[test]
fn calls_ten_thousand_years_apart_and_undated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("span.jsonl");
    // 10 input and 1 output tokens of gpt-4o-2024-08-06: $0.000025 + $0.00001 = $0.000035 each.
    let call = |ts: &str| {
        format!("{{\"model\": \"gpt-4o-2024-08-06\",{ts} \"usage\": {{\"input_tokens\": 10, \"output_tokens\": 1}}}}\n")
    };
    let text = call(" \"timestamp\": \"0001-01-01T00:00:00Z\",")
        + &call(" \"timestamp\": \"9999-12-31T00:00:00Z\",")
        + &call("");
    std::fs::write(&log, text).unwrap();
    let doc = parse(&html(&["analyze", log.to_str().unwrap()]));
    let chart = doc.by_id("chart-2");
    assert_eq!(chart.tag("h2")[0].text(), "Cost per month, by model");
    let segs: Vec<String> = chart.tag("rect").iter().filter_map(|r| r.tooltip()).collect();
    assert_eq!(
        segs,
        [
            "0001-01: openai/gpt-4o-2024-08-06: $0.000035",
            "9999-12: openai/gpt-4o-2024-08-06: $0.000035",
            "no date: openai/gpt-4o-2024-08-06: $0.000035",
        ]
    );
    assert!(
        chart
            .text()
            .contains("`no date`, holds the calls logged without a timestamp")
    );
}
