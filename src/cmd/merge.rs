//! `tokencost merge`: partial results in, the report one `analyze` over all their inputs would print out.

use anyhow::Result;

use super::analyze::{summary_line, warn_unpriced};
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
    let (header, analysis) = partial::merge(&cfg.partials, &cfg.table, timeline, spill_at, &mut diag)?;
    let filter = header.filter()?;
    let mut report = report::build(&analysis, &cfg.table, header.by()?)?;
    report.over_time = report::over_time(&analysis, &cfg.table, filter.week_start)?;
    diag.finish();
    warn_unpriced(&report, &diag);
    drop(analysis);
    output::render(&output::report_view(&report), cfg.format, &cfg.to)?;
    diag.info(&summary_line(&report));
    Ok(if diag.errors > 0 { Exit::Failure } else { Exit::Success })
}
