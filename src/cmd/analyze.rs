//! `tokencost analyze`: logs in, a priced report out.

use anyhow::Result;

use super::with_output;
use crate::config::AnalyzeConfig;
use crate::diag::Diag;
use crate::engine::Engine;
use crate::error::Exit;
use crate::output::table::{count_of, thousands};
use crate::report::PlanBreakEven;
use crate::{output, report};

pub fn run(cfg: AnalyzeConfig) -> Result<Exit> {
    let mut diag = Diag::new(cfg.quiet);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(cfg.threads).build()?;
    let engine = Engine {
        table: &cfg.table,
        by: cfg.by,
        filter: cfg.filter.clone(),
        pool,
        trace: false,
        retarget: None,
    };
    let analysis = engine.run(&cfg.inputs, &mut diag);
    let mut report = report::build(&analysis, &cfg.table, cfg.by);
    report.plan = cfg
        .plan
        .as_ref()
        .map(|p| PlanBreakEven::new(p, &report.totals, report.summary.sessions));
    for u in &report.unpriced {
        let tokens = u.input_tokens + u.cached_input_tokens + u.cache_write_tokens + u.output_tokens;
        diag.warn(&format!(
            "no price for model `{}` ({}): {} and {} tokens are left out of the totals; add the model with --pricing",
            u.model,
            u.reason,
            count_of(u.calls, "call"),
            thousands(tokens)
        ));
    }
    with_output(cfg.output.as_deref(), |w| {
        output::renderer(cfg.format).render(&report, w)
    })?;
    let s = &report.summary;
    let mut line = format!(
        "tokencost: {} in {}: {} priced, {} unpriced, {} skipped",
        count_of(s.lines, "line"),
        count_of(s.files, "file"),
        count_of(s.priced_calls, "call"),
        thousands(s.unpriced_calls),
        count_of(s.skipped_lines, "line")
    );
    if !s.skipped.is_empty() {
        let parts: Vec<String> = s.skipped.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    for (n, what) in [
        (s.duplicate_lines, "duplicate copies of a response counted once"),
        (s.superseded_lines, "streamed lines replaced by their final usage"),
        (s.not_billed, "batch requests not billed"),
        (s.filtered_out, "calls outside --since/--until"),
    ] {
        if n > 0 {
            line.push_str(&format!("; {} {what}", thousands(n)));
        }
    }
    diag.info(&line);
    Ok(if diag.errors > 0 { Exit::Failure } else { Exit::Success })
}
