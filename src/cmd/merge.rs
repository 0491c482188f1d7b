//! `tokencost merge`: partial results in, the report one `analyze` over all their inputs would print out.

use anyhow::Result;

use super::analyze::{render, summary_line, warn_unpriced};
use crate::config::MergeConfig;
use crate::diag::Diag;
use crate::error::Exit;
use crate::{output, partial, report};

pub fn run(cfg: MergeConfig) -> Result<Exit> {
    super::refuse_output_over_input(&cfg.to, &cfg.partials)?;
    let mut diag = Diag::new(cfg.quiet);
    // Only the HTML report draws cost over time, as in analyze.
    let timeline = cfg.format == output::Format::Html;
    let spill_at = cfg.spill_after.map(|n| n.max(1));
    let (header, mut analysis) = partial::merge(&cfg.partials, &cfg.table, timeline, spill_at, &mut diag)?;
    let filter = header.filter()?;
    if cfg.format == output::Format::Jsonl && header.by()? != crate::call::GroupBy::Call {
        anyhow::bail!(
            "--format jsonl writes one line per call: these partials were made with --by {} (make them with --by \
             call)",
            header.by()?.name()
        );
    }
    let (mut report, groups) = report::build_lazily(&analysis, &cfg.table, header.by()?)?;
    report.over_time = report::over_time(&analysis, &cfg.table, filter.week_start)?;
    diag.finish();
    warn_unpriced(&report, &diag);
    let pending = groups.or_else(|| analysis.calls.take().map(report::Pending::Calls));
    drop(analysis);
    render(&mut report, pending, &cfg.table, cfg.format, &cfg.to, cfg.top)?;
    diag.info(&summary_line(&report));
    Ok(if diag.errors > 0 { Exit::Failure } else { Exit::Success })
}
