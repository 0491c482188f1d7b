//! `tokencost analyze`: logs in, a priced report out.

use anyhow::Result;

use crate::budget::{self, BudgetKind};
use crate::config::AnalyzeConfig;
use crate::diag::{Diag, LISTED};
use crate::engine::Engine;
use crate::error::Exit;
use crate::fmt::{count_of, thousands, usd, usd_apart};
use crate::report::PlanBreakEven;
use crate::{output, report};

pub fn run(cfg: AnalyzeConfig) -> Result<Exit> {
    super::refuse_output_over_input(&cfg.to, &cfg.inputs)?;
    let mut diag = Diag::new(cfg.quiet);
    if let Some(found) = &cfg.found {
        let mut line = format!("tokencost: reading coding agent logs: {}", found.describe());
        if found.older > 0 {
            line.push_str(&format!(
                "; {} older than --since left unread",
                count_of(found.older, "file")
            ));
        }
        diag.info(&line);
        if found.claude_cleans_up {
            diag.warn(
                "Claude Code deletes its transcripts after 30 days unless `cleanupPeriodDays` is set in \
                 ~/.claude/settings.json: set it to keep the history these reports are made of",
            );
        }
    }
    crate::tokenize::set_cache(!cfg.no_cache, !(cfg.no_cache || cfg.no_message_cache));
    let mut engine = Engine::new(&cfg.table, cfg.by, cfg.threads)?;
    engine.filter = cfg.filter.clone();
    engine.side_groups = !cfg.budgets.is_empty();
    // Only the HTML report draws cost over time.
    engine.timeline = cfg.format == output::Format::Html;
    engine.file_sessions = cfg.budgets.file_sessions;
    engine.progress = true;
    engine.spill_at = cfg.spill_after.map(|n| n.max(1));
    engine.max_line = cfg.max_line;
    if let Some(path) = &cfg.partial {
        return write_partial(&cfg, engine, path, diag);
    }
    let mut analysis = engine.run(&cfg.inputs, &mut diag);
    let (mut report, groups) = report::build_lazily(&analysis, &cfg.table, cfg.by)?;
    report.over_time = report::over_time(&analysis, &cfg.table, cfg.filter.week_start)?;
    report.plan = cfg
        .plan
        .as_ref()
        .map(|p| PlanBreakEven::new(p, &report.totals, report.summary.sessions));
    diag.finish();
    warn_unpriced(&report, &diag);
    if !cfg.budgets.is_empty() {
        report.budgets = budget::check(&cfg.budgets, &analysis, &cfg.table, report.totals.cost().0)?;
    }
    // The report holds what is rendered: the groups it was made of are freed before the rendering's own copy.
    let pending = groups.or_else(|| analysis.calls.take().map(report::Pending::Calls));
    drop(analysis);
    render(&mut report, pending, &cfg.table, cfg.format, &cfg.to, cfg.top)?;
    diag.info(&summary_line(&report));
    Ok(verdict(&cfg, &report, &diag))
}

/// Renders a report. Rows still to be read (`--by call`'s, or groups past the bound of memory): CSV, JSON and JSON
/// Lines price and write each row as it is read back, in bounded memory. The formats that lay out a whole table
/// (table, Markdown, HTML) show the first `top` rows (0: all) and say what the others come to.
pub(super) fn render(
    report: &mut report::Report,
    pending: Option<report::Pending>,
    table: &crate::pricing::PriceTable,
    format: output::Format,
    to: &output::Destination,
    top: usize,
) -> Result<()> {
    let rows = pending.map(|p| report::RowReader::new(p, table));
    let row_at_a_time = matches!(
        format,
        output::Format::Csv | output::Format::Json | output::Format::Jsonl
    );
    match (rows, row_at_a_time) {
        (Some(rows), true) => {
            let streamed = output::StreamedReport { report, rows: &rows };
            output::render(&output::streamed_view(&streamed), format, to)
        }
        (None, true) => output::render(&output::report_view(report), format, to),
        (rows, false) => {
            report.keep_rows(rows.as_ref(), top)?;
            output::render(&output::report_view(report), format, to)
        }
    }
}

/// `--partial`: the fold's state written out unsettled, the report left to `tokencost merge`. Every partial holds
/// the sums per day and model too, so that merged partials can draw the HTML report's chart.
fn write_partial(cfg: &AnalyzeConfig, mut engine: Engine, path: &std::path::Path, mut diag: Diag) -> Result<Exit> {
    let to = match path.as_os_str() == "-" {
        true => output::Destination::Stdout,
        false => output::Destination::File(path.to_path_buf()),
    };
    super::refuse_output_over_input(&to, &cfg.inputs)?;
    if !cfg.budgets.is_empty() {
        diag.warn("budgets are checked on a report, not on a partial result: not checked here");
    }
    engine.timeline = true;
    let fold = engine.read(&cfg.inputs, &mut diag);
    let (lines, files) = (fold.stats().lines, fold.stats().files);
    crate::engine::say_spills(fold.stats(), &mut diag);
    let header = crate::partial::Header::new(&cfg.table, cfg.by, &cfg.filter);
    crate::partial::write(&to, &header, fold)?;
    diag.finish();
    diag.info(&format!(
        "tokencost: {} in {}: partial result written to {} (`tokencost merge` makes the report)",
        count_of(lines, "line"),
        count_of(files, "file"),
        match to {
            output::Destination::Stdout => "stdout".into(),
            _ => crate::fmt::shown(&path.display().to_string()).into_owned(),
        }
    ));
    Ok(if diag.errors > 0 { Exit::Failure } else { Exit::Success })
}

/// The summary line on stderr: what was read, priced, skipped and left out.
pub(crate) fn summary_line(report: &report::Report) -> String {
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
    line
}

/// Names each model without a price on stderr, the first `LISTED` of them; the JSON report lists them all.
pub(crate) fn warn_unpriced(report: &report::Report, diag: &Diag) {
    for u in report.unpriced.iter().take(LISTED) {
        let tokens = [
            u.input_tokens,
            u.cached_input_tokens,
            u.cache_write_tokens,
            u.output_tokens,
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add);
        diag.warn(&format!(
            "no price for model `{}` ({}): {} and {} tokens are left out of the totals; add the model with --pricing",
            u.model,
            u.reason,
            count_of(u.calls, "call"),
            thousands(tokens)
        ));
    }
    if let Some(more) = report.unpriced.len().checked_sub(LISTED).filter(|n| *n > 0) {
        diag.warn(&format!(
            "{} more models without a price are left out of the totals (--format json lists them{})",
            thousands(more as u64),
            if report.unpriced_other.is_none() {
                " all"
            } else {
                " by name"
            }
        ));
    }
    if let Some(other) = &report.unpriced_other {
        diag.warn(&format!(
            "{} of models without a price past the first {} names (in name order) are left out of the totals, \
             summed together as `{}`",
            count_of(other.calls, "call"),
            thousands(report.unpriced.len() as u64),
            other.model
        ));
    }
}

/// Names each broken budget on stderr (and as a GitHub Actions annotation), and picks the exit code: an input
/// that could not be read, or a gated run that read no call, beats a `--strict` failure, which beats an overrun.
fn verdict(cfg: &AnalyzeConfig, report: &report::Report, diag: &Diag) -> Exit {
    let mut overrun = false;
    for b in report.budgets.iter().filter(|b| b.over) {
        overrun = true;
        let msg = b.message();
        diag.alarm(&format!("tokencost: {msg}"));
        for o in &b.offenders {
            // An offender of a session budget cost more than the limit: shown with the digits that say so.
            let cost = match b.kind {
                BudgetKind::Session => usd_apart(b.limit_usd, o.cost_usd).1,
                _ => usd(o.cost_usd),
            };
            diag.always(&format!("  {}: {cost}", o.name));
        }
        if let Some(n) = &b.note {
            diag.always(&format!("  ({n})"));
        }
        if cfg.annotate {
            diag.annotate("tokencost budget", &msg);
        }
    }
    let mut unmatched = 0;
    for b in &report.budgets {
        if !b.matched {
            unmatched += 1;
            diag.warn(&match b.kind {
                BudgetKind::Session => "the session budget checked nothing: no call in the logs names a session \
                                        (--session-from file counts each file's calls as one session)"
                    .to_string(),
                _ => format!(
                    "the budget for {} checked nothing: no call in the logs is for a model it covers",
                    b.subject
                ),
            });
        } else if b.unchecked_calls > 0 {
            diag.warn(&format!(
                "{} without a session of their own are outside the session budget (--session-from file counts \
                 each file's as one session)",
                count_of(b.unchecked_calls, "call")
            ));
        }
    }
    let s = &report.summary;
    // A gate checks calls: with none read (no log files, only bad lines, a window that holds none) it has checked
    // nothing, and must not pass.
    let gated = cfg.strict || !cfg.budgets.is_empty();
    let empty = gated && s.priced_calls == 0 && s.unpriced_calls == 0;
    if empty {
        let window = if s.filtered_out > 0 {
            " inside --since/--until"
        } else {
            ""
        };
        diag.always(&format!(
            "tokencost: no call was read{window} ({} in {}): --strict and budgets fail a run with nothing to check",
            count_of(s.lines, "line"),
            count_of(s.files, "file"),
        ));
    }
    let strict_failure = cfg.strict && (s.unpriced_calls > 0 || s.skipped_lines > 0 || unmatched > 0);
    if cfg.strict && unmatched > 0 {
        diag.always(&format!(
            "tokencost: --strict: {} checked nothing",
            count_of(unmatched, "budget")
        ));
    }
    if cfg.strict && (s.unpriced_calls > 0 || s.skipped_lines > 0) {
        diag.always(&format!(
            "tokencost: --strict: {} without a price and {} that could not be read",
            count_of(s.unpriced_calls, "call"),
            count_of(s.skipped_lines, "line")
        ));
    }
    if diag.errors > 0 || empty {
        Exit::Failure
    } else if strict_failure {
        Exit::Strict
    } else if overrun {
        Exit::Overrun
    } else {
        Exit::Success
    }
}
