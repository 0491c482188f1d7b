//! `--format jsonl`: `analyze`'s counted calls, one line each, in tokencost's own log format (`input/native.rs`),
//! so that the export is input again: the exports of several machines' logs, analysed together, give the report of
//! one run over all the logs, a response logged on two machines counted once.
//!
//! A line holds what prices and groups the call (model, the price entry that billed it, tokens in their buckets,
//! date, tier, session, project, branch, team, tags, the cost its log stated) and the identity and rank of a
//! response that may have copies; never any prompt or completion text. A call without a session of its own is
//! written with the session it is reported under, its file's name, so that `--by session` of the export groups it
//! as the first read did.

use serde::Serialize;
use std::io::Write;

use super::Exporter;
use super::view::View;
use crate::money::Usd;
use crate::report::{Report, Row};

/// What `--format jsonl` writes.
pub trait Lines {
    fn write_lines(&self, w: &mut dyn Write) -> anyhow::Result<()>;
}

pub struct Jsonl;

impl Exporter for Jsonl {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        match view.lines {
            Some(lines) => lines.write_lines(w),
            None => anyhow::bail!("--format jsonl is written by `analyze` only (one line per call)"),
        }
    }
}

/// The usage buckets, disjoint, under the names the native reader reads.
#[derive(Serialize)]
struct Usage {
    input_tokens: u64,
    cached_input_tokens: u64,
    cache_write_tokens: u64,
    cache_write_1h_tokens: u64,
    output_tokens: u64,
}

/// One exported call, its fields in a fixed order.
#[derive(Serialize)]
struct Line<'a> {
    model: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<&'a str>,
    session: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a str>,
    batch: bool,
    service_tier: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dedup_rank: Option<(u8, u8, u64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reported_cost_usd: Option<Usd>,
    token_source: &'a str,
    usage: Usage,
}

fn line(r: &Row) -> Option<Line<'_>> {
    let c = r.call.as_ref()?;
    Some(Line {
        model: &c.model,
        price: c.price.as_deref(),
        provider: c.provider.as_deref().or(c.stated_provider.as_deref()),
        timestamp: c.timestamp.as_deref(),
        session: &c.session_shown,
        project: c.project.as_deref(),
        branch: c.branch.as_deref(),
        team: c.team.as_deref(),
        tag: c.tag.as_deref(),
        batch: c.batch,
        service_tier: c.service_tier,
        response_id: c.response_id.as_deref(),
        dedup_rank: c.dedup_rank,
        reported_cost_usd: r.reported_cost_usd,
        token_source: c.token_source,
        usage: Usage {
            input_tokens: r.input_tokens,
            cached_input_tokens: r.cached_input_tokens,
            cache_write_tokens: c.cache_write_5m_tokens,
            cache_write_1h_tokens: r.cache_write_1h_tokens,
            output_tokens: r.output_tokens,
        },
    })
}

/// Writes one row of `--by call` as an input line.
pub fn write_row(w: &mut dyn Write, row: &Row) -> anyhow::Result<()> {
    match line(row) {
        Some(l) => super::json::write_json_line(w, &l),
        None => Ok(()),
    }
}

impl Lines for Report {
    fn write_lines(&self, w: &mut dyn Write) -> anyhow::Result<()> {
        for row in &self.groups {
            write_row(w, row)?;
        }
        Ok(())
    }
}
