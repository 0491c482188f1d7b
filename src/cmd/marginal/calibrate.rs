//! `tokencost marginal calibrate FILE.csv`: the serving model's errors on measurements, with the shipped
//! constants on every row, and on groups each left out of a fit of its own (one GPU, one model family, one
//! engine at a time); `--fit` also prints constants fitted to every row.

use anyhow::{Context, Result};
use serde::Serialize;

use crate::config::CalibrateConfig;
use crate::error::Exit;
use crate::output;
use crate::output::view::{Cell, Column, Digits, Part, Shown, View};
use crate::serving::calibration::Calibration;
use crate::serving::fit::{Dataset, Errors, Key};

/// One group's errors: median and 80th percentile of |predicted - measured| / measured.
#[derive(Debug, Serialize)]
pub struct GroupErrors {
    /// `all rows` (the shipped constants), or the kind of group held out of the fit.
    pub evaluation: String,
    pub group: String,
    pub rows: usize,
    pub failed: usize,
    pub ttft_median: f64,
    pub ttft_p80: f64,
    pub tpot_median: f64,
    pub tpot_p80: f64,
}

#[derive(Debug, Serialize)]
pub struct Calibrated {
    pub file: String,
    pub rows_used: usize,
    pub rows_skipped: usize,
    pub groups: Vec<GroupErrors>,
    /// Constants fitted to every row (`--fit`).
    pub fitted: Option<Calibration>,
}

fn group(evaluation: &str, group: &str, e: Errors) -> GroupErrors {
    GroupErrors {
        evaluation: evaluation.to_string(),
        group: group.to_string(),
        rows: e.rows,
        failed: e.failed,
        ttft_median: e.ttft_median,
        ttft_p80: e.ttft_p80,
        tpot_median: e.tpot_median,
        tpot_p80: e.tpot_p80,
    }
}

/// Errors with the shipped constants (every row, and per group), and on each group held out of a fit.
pub fn evaluate(data: &Dataset, holdout: bool) -> Vec<GroupErrors> {
    let shipped = Calibration::shipped();
    let all: Vec<usize> = (0..data.rows.len()).collect();
    let mut out = vec![group("shipped constants", "all rows", data.errors(&all, &shipped))];
    for key in [Key::Mode, Key::Engine, Key::Gpu, Key::Family] {
        for v in data.values(key) {
            let (rows, _) = data.split(key, &v);
            out.push(group(
                "shipped constants",
                &format!("{}: {v}", key.name()),
                data.errors(&rows, &shipped),
            ));
        }
    }
    if holdout {
        for key in [Key::Gpu, Key::Family, Key::Engine] {
            // Every held-out group's rows together: how the model does on data its fit did not see.
            let (mut ttft, mut tpot, mut failed) = (Vec::new(), Vec::new(), 0);
            let mut groups = Vec::new();
            for v in data.values(key) {
                let (held, rest) = data.split(key, &v);
                let mut fitted = data.fit(&rest, &shipped);
                if key == Key::Engine {
                    // The held-out engine has no constants of its own: it gets the default first-token ones and the
                    // roofline's collective latency.
                    fitted.first_token.remove(&v);
                    fitted.collective_latency.remove(&v);
                }
                let (a, b, f) = data.relative_errors(&held, &fitted);
                groups.push(group(
                    &format!("{} held out", key.name()),
                    &v,
                    Errors::of(a.clone(), b.clone(), f),
                ));
                ttft.extend(a);
                tpot.extend(b);
                failed += f;
            }
            let pooled = Errors::of(ttft, tpot, failed);
            out.push(group(
                &format!("{} held out", key.name()),
                "every group, pooled",
                pooled,
            ));
            out.extend(groups);
        }
    }
    out
}

pub fn run(cfg: CalibrateConfig) -> Result<Exit> {
    let name = cfg.input.display().to_string();
    let text = std::fs::read_to_string(&cfg.input).with_context(|| format!("cannot read {name}"))?;
    let data = Dataset::read(&text, cfg.arch_dir.as_deref(), &cfg.gpus).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let groups = evaluate(&data, cfg.holdout);
    let fitted = cfg
        .fit
        .then(|| data.fit(&(0..data.rows.len()).collect::<Vec<_>>(), &Calibration::shipped()));
    let doc = Calibrated {
        file: name,
        rows_used: data.rows.len(),
        rows_skipped: data.skipped.len(),
        groups,
        fitted,
    };
    output::render(&view(&doc, &data), cfg.format, &cfg.to)?;
    Ok(Exit::Success)
}

fn view<'a>(doc: &'a Calibrated, data: &Dataset) -> View<'a> {
    let mut v = View::new(
        vec![
            Column::both("evaluation", "evaluation"),
            Column::both("group", "group"),
            Column::both("rows", "rows").right(),
            Column::both("ttft_median", "TTFT median").right(),
            Column::both("ttft_p80", "TTFT p80").right(),
            Column::both("tpot_median", "TPOT median").right(),
            Column::both("tpot_p80", "TPOT p80").right(),
        ],
        doc,
    );
    let pct = |x: f64| Cell::Float(x, Shown::Share(1), Digits::Json);
    for g in &doc.groups {
        v.rows.push(vec![
            Cell::text(g.evaluation.as_str()),
            Cell::text(g.group.as_str()),
            Cell::Int(g.rows as u64),
            pct(g.ttft_median),
            pct(g.ttft_p80),
            pct(g.tpot_median),
            pct(g.tpot_p80),
        ]);
    }
    v.head.push(Part::line(format!(
        "{}: {} rows predicted, {} left out (each with its reason below)",
        doc.file, doc.rows_used, doc.rows_skipped
    )));
    v.tail.push(Part::line(
        "Errors are |predicted - measured| / measured of time to first token (TTFT) and time per output token \
         (TPOT): the median and the 80th percentile.",
    ));
    let mut reasons: std::collections::BTreeMap<&str, usize> = Default::default();
    for (_, why) in &data.skipped {
        *reasons.entry(why.as_str()).or_default() += 1;
    }
    for (why, n) in reasons {
        v.tail.push(Part::item(format!("{n} rows left out: {why}")));
    }
    if let Some(f) = &doc.fitted {
        v.tail
            .push(Part::line("Constants fitted to every row (serving/settings.yaml):"));
        for line in f.to_yaml().lines() {
            v.tail.push(Part::item(line.to_string()));
        }
    }
    v
}
