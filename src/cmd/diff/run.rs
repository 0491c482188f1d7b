//! One side of a diff: a JSON report of `analyze`, or logs analysed here with the same engine and price tables.
//! Logs become the same `Report` that `analyze --format json` writes, and every side is read back from that JSON
//! by one reader, so a kept report and the logs it was made from cannot be compared differently.

use anyhow::{Context, Result, bail};
use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::call::GroupBy;
use crate::diag::Diag;
use crate::engine::Engine;
use crate::fmt::{count_of, thousands};
use crate::fold::Filter;
use crate::pricing::PriceTable;
use crate::report::{self, SCHEMA_VERSION};

/// A run as given on the command line, before it is read.
pub enum Given {
    /// A report's JSON, its schema version checked.
    Report {
        path: String,
        json: Value,
    },
    Logs(PathBuf),
}

/// Where the logs of a run are read with.
pub struct LogSettings<'a> {
    pub table: &'a PriceTable,
    pub threads: usize,
    pub filter: Filter,
}

/// A number read from a report with the exact digits JSON carries (serde_json keeps them all), from 0 to `max`.
/// The bounds keep every sum and product of a diff far from the decimal type's limits: no arithmetic overflows.
fn bounded<'de, D: Deserializer<'de>>(d: D, max: u64, what: &str) -> Result<Decimal, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    let s = n.to_string();
    let v = Decimal::from_str(&s)
        .or_else(|_| Decimal::from_scientific(&s))
        .map_err(|_| D::Error::custom(format!("`{s}` is not {what}")))?;
    if v.is_sign_negative() || v > Decimal::from(max) {
        return Err(D::Error::custom(format!("`{s}` is out of range for {what}")));
    }
    Ok(v)
}

/// Dollars: up to a trillion.
fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    bounded(d, 1_000_000_000_000, "an amount")
}

/// USD per 1M tokens: up to a million.
fn rate<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    bounded(d, 1_000_000, "a rate")
}

/// A token count read from a report, bounded for the same reason.
fn tokens<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = u64::deserialize(d)?;
    if n > 1_000_000_000_000_000 {
        return Err(D::Error::custom(format!("{n} tokens is out of range")));
    }
    Ok(n)
}

/// One bucket's rates, USD per 1M tokens.
#[derive(Debug, Clone, Deserialize)]
pub struct Rates {
    #[serde(deserialize_with = "rate")]
    pub input: Decimal,
    #[serde(deserialize_with = "rate")]
    pub cached_input: Decimal,
    #[serde(deserialize_with = "rate")]
    pub cache_write_5m: Decimal,
    #[serde(deserialize_with = "rate")]
    pub cache_write_1h: Decimal,
    #[serde(deserialize_with = "rate")]
    pub output: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tiers {
    pub standard: Rates,
    pub batch: Rates,
    pub priority: Option<Rates>,
    pub flex: Option<Rates>,
}

impl Tiers {
    /// The rates a call in `tier` is billed at: a tier the row does not sell bills at the standard rates.
    pub fn get(&self, tier: &str) -> &Rates {
        match tier {
            "batch" => &self.batch,
            "priority" => self.priority.as_ref().unwrap_or(&self.standard),
            "flex" => self.flex.as_ref().unwrap_or(&self.standard),
            _ => &self.standard,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Level {
    #[serde(deserialize_with = "tokens")]
    pub above_tokens: u64,
    pub rates_usd_per_m: Tiers,
}

/// A price row the run used, with every rate it lists.
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub model: String,
    pub as_of: String,
    pub rates_usd_per_m: Tiers,
    pub long_context: Vec<Level>,
}

/// The calls of one price bucket.
#[derive(Debug, Clone, Deserialize)]
pub struct Bucket {
    pub model: String,
    pub as_of: String,
    pub tier: String,
    pub level: u8,
    pub above_tokens: Option<u64>,
    #[serde(deserialize_with = "tokens")]
    pub input_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub cached_input_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub cache_write_5m_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub cache_write_1h_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub output_tokens: u64,
    #[serde(deserialize_with = "decimal")]
    pub cost_usd: Decimal,
}

/// A group of the report, or its totals.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Group {
    pub key: String,
    pub calls: u64,
    #[serde(deserialize_with = "tokens")]
    pub input_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub cached_input_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub cache_write_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub cache_write_1h_tokens: u64,
    #[serde(deserialize_with = "tokens")]
    pub output_tokens: u64,
    #[serde(deserialize_with = "decimal")]
    pub cost_usd: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
struct Pricing {
    prices: Vec<Row>,
}

#[derive(Debug, Clone, Deserialize)]
struct Summary {
    calls: u64,
    sessions: u64,
    unpriced_calls: u64,
}

/// The fields of a report that a diff reads; the others are left alone.
#[derive(Debug, Clone, Deserialize)]
struct ReportDoc {
    tokencost_version: String,
    by: String,
    totals: Group,
    groups: Vec<Group>,
    pricing: Pricing,
    summary: Summary,
    billed: Vec<Bucket>,
}

/// One run, read.
#[derive(Debug, Clone)]
pub struct Run {
    /// The path as given.
    pub path: String,
    /// `report` or `logs`.
    pub kind: &'static str,
    /// The tokencost that priced it.
    pub version: String,
    pub by: String,
    /// Calls read (priced or not) and their sessions.
    pub calls: u64,
    pub sessions: u64,
    pub unpriced_calls: u64,
    pub totals: Group,
    pub groups: Vec<Group>,
    pub rows: Vec<Row>,
    pub buckets: Vec<Bucket>,
}

impl Run {
    /// The price row a bucket names.
    pub fn row(&self, model: &str, as_of: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.model == model && r.as_of == as_of)
    }
}

/// Whether a file starts as a report of `analyze` does: a JSON object whose first key is one a report opens
/// with, in its own order or in name order (as a tool that sorts keys rewrites it). Log lines are objects too,
/// but none opens with these keys; a pretty-printed report puts its first key on the second line, a compacted one
/// (`jq -c`) right after the brace.
fn looks_like_report(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let Some(rest) = text.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    [
        "\"schema_version\"",
        "\"tokencost_version\"",
        "\"by\"",
        "\"billed\"",
        "\"budgets\"",
    ]
    .iter()
    .any(|k| rest.strip_prefix(k).is_some_and(|r| r.trim_start().starts_with(':')))
}

/// Reads what a path holds: a report (checked to be one this tokencost can compare), or logs.
pub fn given(path: &Path) -> Result<Given> {
    let shown = path.display().to_string();
    if path.as_os_str() == "-" || path.is_dir() {
        return Ok(Given::Logs(path.to_path_buf()));
    }
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {shown}"))?;
    let mut head = Vec::new();
    (&mut file)
        .take(4096)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {shown}"))?;
    if !looks_like_report(&head) {
        return Ok(Given::Logs(path.to_path_buf()));
    }
    let mut text = head;
    file.read_to_end(&mut text)
        .with_context(|| format!("cannot read {shown}"))?;
    let json: Value =
        serde_json::from_slice(&text).with_context(|| format!("{shown}: not a JSON report of analyze"))?;
    check_version(&shown, &json)?;
    Ok(Given::Report { path: shown, json })
}

/// Refuses a report whose schema this tokencost does not read: the figures could mean something else.
fn check_version(path: &str, json: &Value) -> Result<()> {
    let made_by = json
        .get("tokencost_version")
        .and_then(Value::as_str)
        .map_or(String::new(), |v| format!(" (written by tokencost {v})"));
    match json.get("schema_version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => Ok(()),
        Some(v) => bail!(
            "{path}: report schema version {v}{made_by}; this tokencost ({}) reads version {SCHEMA_VERSION}: make both \
             reports with the same tokencost, or give the logs instead",
            env!("CARGO_PKG_VERSION")
        ),
        None => bail!(
            "{path}: a report without a schema version{made_by}, from before version {SCHEMA_VERSION}: it does not \
             carry the billed buckets a diff needs; make it again with `tokencost analyze --format json`, or give \
             the logs instead"
        ),
    }
}

/// The grouping a report was made with, if the run is one.
pub fn report_by(g: &Given) -> Option<&str> {
    match g {
        Given::Report { json, .. } => json.get("by").and_then(Value::as_str),
        Given::Logs(_) => None,
    }
}

/// Reads the run, analysing logs with `by`.
pub fn read(g: Given, by: GroupBy, logs: &LogSettings, diag: &mut Diag) -> Result<Run> {
    let (path, kind, json) = match g {
        Given::Report { path, json } => (path, "report", json),
        Given::Logs(p) => {
            let shown = p.display().to_string();
            let json = analyse(&p, by, logs, diag)?;
            (shown, "logs", json)
        }
    };
    let doc: ReportDoc = serde_json::from_value(json).with_context(|| format!("{path}: not a report of analyze"))?;
    if doc.by != by.name() {
        bail!(
            "{path}: the report is grouped by {}, the diff by {}: make the report with `--by {}`, or give the logs",
            doc.by,
            by.name(),
            by.name()
        );
    }
    if doc.summary.calls == 0 {
        bail!("{path}: the run read no call");
    }
    for b in &doc.billed {
        let Some(row) = doc
            .pricing
            .prices
            .iter()
            .find(|r| r.model == b.model && r.as_of == b.as_of)
        else {
            bail!(
                "{path}: billed bucket of {} names the price row of {}, which pricing.prices does not list",
                b.model,
                b.as_of
            );
        };
        if !["standard", "batch", "priority", "flex"].contains(&b.tier.as_str())
            || usize::from(b.level) > row.long_context.len()
        {
            bail!("{path}: billed bucket of {} has an unknown tier or level", b.model);
        }
    }
    Ok(Run {
        path,
        kind,
        version: doc.tokencost_version,
        by: doc.by,
        calls: doc.summary.calls,
        sessions: doc.summary.sessions,
        unpriced_calls: doc.summary.unpriced_calls,
        totals: doc.totals,
        groups: doc.groups,
        rows: doc.pricing.prices,
        buckets: doc.billed,
    })
}

/// Logs analysed as `analyze` does, as the JSON of its report.
fn analyse(path: &Path, by: GroupBy, logs: &LogSettings, diag: &mut Diag) -> Result<Value> {
    let shown = path.display();
    let mut engine = Engine::new(logs.table, by, logs.threads)?;
    engine.filter = logs.filter.clone();
    engine.progress = true;
    let errors = diag.errors;
    let analysis = engine.run(&[path.to_path_buf()], diag);
    if diag.errors > errors {
        bail!("{shown} could not be read in full (see above)");
    }
    let report = report::build(&analysis, logs.table, by)?;
    for u in &report.unpriced {
        diag.warn(&format!(
            "{shown}: no price for model `{}` ({}): {} and {} tokens are left out of its cost",
            u.model,
            u.reason,
            count_of(u.calls, "call"),
            thousands(
                u.input_tokens
                    .saturating_add(u.cached_input_tokens)
                    .saturating_add(u.cache_write_tokens)
                    .saturating_add(u.output_tokens)
            )
        ));
    }
    serde_json::to_value(&report).with_context(|| format!("{shown}: the report cannot be written as JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_told_from_a_log_by_its_first_key() {
        assert!(looks_like_report(b"{\n  \"schema_version\": 2,\n"));
        assert!(looks_like_report(b"{\n  \"by\": \"model\",\n  \"totals\""));
        assert!(looks_like_report(
            b"\xef\xbb\xbf {\"schema_version\":2,\"by\":\"model\"}"
        ));
        assert!(looks_like_report(b"{\"billed\":[{\"model\":\"openai/gpt-4o\""));
        assert!(!looks_like_report(b"{\"model\":\"gpt-4o\",\"usage\":{}}\n"));
        assert!(!looks_like_report(b"[{\"model\":\"gpt-4o\"}]"));
        assert!(!looks_like_report(b"\x1f\x8b\x08"));
        assert!(!looks_like_report(b""));
    }
}
