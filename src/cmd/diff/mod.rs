//! `tokencost diff BASE HEAD`: one run's cost against another's (in CI, a branch's eval run against main's), in
//! dollars and percent, per group, split into price and usage, with a gate that warns or fails on a rise.
//!
//! `run` reads each side (a kept JSON report, or logs analysed here), `effect` splits the change per model,
//! `changes` lays the runs side by side, `gate` judges the rise, `view` shows it. tokencost posts nothing itself:
//! the Markdown is for a CI step to post.

mod changes;
mod charts;
mod effect;
mod gate;
mod run;
mod view;

use anyhow::{Result, bail};

use crate::call::GroupBy;
use crate::config::RunDiffConfig;
use crate::diag::Diag;
use crate::error::Exit;
use crate::fmt::{count_of, usd};
use crate::fold::Filter;
use crate::money::Usd;
use crate::output;
use run::{Given, LogSettings};

const TITLE: &str = "tokencost diff";

/// The grouping: as asked, else that of a report among the runs, else model. Two reports must agree.
fn grouping(asked: Option<GroupBy>, runs: [&Given; 2]) -> Result<GroupBy> {
    let reports: Vec<&str> = runs.iter().filter_map(|g| run::report_by(g)).collect();
    if let Some(by) = asked {
        return Ok(by);
    }
    let Some(&first) = reports.first() else {
        return Ok(GroupBy::Model);
    };
    if reports.iter().any(|b| *b != first) {
        bail!(
            "the two reports are grouped differently ({}): make them with the same --by",
            reports.join(" and ")
        );
    }
    Ok(match first {
        "provider" => GroupBy::Provider,
        "session" => GroupBy::Session,
        "day" => GroupBy::Day,
        "model" => GroupBy::Model,
        other => {
            bail!("a report grouped by {other} cannot be diffed: make it with --by model, provider, session or day")
        }
    })
}

pub fn run(cfg: RunDiffConfig) -> Result<Exit> {
    let mut diag = Diag::new(cfg.quiet);
    let base = run::given(&cfg.base)?;
    let head = run::given(&cfg.head)?;
    let by = grouping(cfg.by, [&base, &head])?;
    let logs = LogSettings {
        table: &cfg.table,
        threads: cfg.threads,
        filter: Filter {
            timezone: cfg.timezone,
            ..Filter::default()
        },
    };
    let base = run::read(base, by, &logs, &mut diag)?;
    let head = run::read(head, by, &logs, &mut diag)?;
    // Logs read here were warned about model by model; a report's unpriced calls are only counted in it.
    for r in [&base, &head]
        .into_iter()
        .filter(|r| r.kind == "report" && r.unpriced_calls > 0)
    {
        diag.warn(&format!(
            "{}: {} without a price are left out of its cost",
            r.path,
            count_of(r.unpriced_calls, "call")
        ));
    }
    let models = effect::by_model(&base, &head);
    let mut doc = changes::compare(&base, &head, cfg.per, &cfg.base_label, &models)?;
    doc.verdict = gate::judge(&cfg.gates, &doc.totals);
    let min_change = Usd(cfg.gates.min_change);
    output::render(&view::view(&doc, by.name(), cfg.top, min_change), cfg.format, &cfg.to)?;
    let said = format!("{}: {}", view::headline(&doc), doc.verdict.reasons.join("; "));
    Ok(match doc.verdict.level {
        "fail" => {
            diag.always(&format!("tokencost: diff fails: {said}"));
            if cfg.annotate {
                diag.annotate(TITLE, &said);
            }
            Exit::Overrun
        }
        "warn" => {
            diag.always(&format!("tokencost: diff warning: {said}"));
            if cfg.annotate {
                diag.annotate_warning(TITLE, &said);
            }
            Exit::Success
        }
        _ => {
            let t = &doc.totals;
            let g = &cfg.gates;
            let limits = g.fail_pct.is_some() || g.warn_pct.is_some() || g.fail_usd.is_some();
            diag.info(&format!(
                "tokencost: diff: {} -> {} vs {}{}",
                usd(t.base_usd),
                usd(t.head_usd),
                doc.base_label,
                if limits { ", within the limits" } else { "" }
            ));
            Exit::Success
        }
    })
}
