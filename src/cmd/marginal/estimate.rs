//! `tokencost marginal estimate MODEL`: estimated USD per 1M input and output tokens, low-high, each end at the
//! deployment that serves the model cheapest at its per-user speed; `--explain` shows the arithmetic.

use anyhow::Result;
use serde::Serialize;

use crate::config::EstimateConfig;
use crate::error::Exit;
use crate::output;
use crate::output::view::{Cell, Column, Digits, Part, Shown, View};
use crate::serving::Parallel;
use crate::serving::calibration::Calibration;
use crate::serving::cost::{self, Case, DEFAULTS_SOURCE, Deployment};

/// A deployment as the JSON document carries it.
#[derive(Debug, Serialize)]
pub struct DeploymentDoc {
    pub gpus: u64,
    pub tp: u64,
    pub attention_dp: u64,
    pub moe_ep: u64,
    /// Requests in flight per attention group (decode) or prompts per pass (prefill).
    pub batch: u64,
    /// Seconds per output token (decode) or per prefill pass.
    pub seconds: f64,
    pub tokens_per_s_per_gpu: f64,
}

/// One end of the estimate.
#[derive(Debug, Serialize)]
pub struct CaseDoc {
    pub case: &'static str,
    pub usd_per_gpu_hour: f64,
    pub price_basis: String,
    pub tokens_per_s_per_user: f64,
    pub utilization: f64,
    pub usd_per_m_input: f64,
    pub usd_per_m_output: f64,
    pub decode: DeploymentDoc,
    pub prefill: DeploymentDoc,
}

#[derive(Debug, Serialize)]
pub struct EstimateDoc {
    pub model: String,
    /// The architecture's Hugging Face id, or the config file it was read from.
    pub architecture: String,
    pub architecture_summary: String,
    pub precision: String,
    pub gpu: String,
    pub isl: u64,
    pub osl: u64,
    pub cache_hit: f64,
    pub cases: Vec<CaseDoc>,
    pub basis: String,
}

fn deployment(d: &Deployment) -> DeploymentDoc {
    DeploymentDoc {
        gpus: d.par.gpus(),
        tp: d.par.tp,
        attention_dp: d.par.dp,
        moe_ep: d.par.moe_ep,
        batch: d.batch,
        seconds: d.seconds,
        tokens_per_s_per_gpu: d.tokens_per_s_per_gpu,
    }
}

fn case(c: &Case) -> CaseDoc {
    CaseDoc {
        case: c.label,
        usd_per_gpu_hour: c.usd_per_gpu_hour,
        price_basis: c.price_basis.clone(),
        tokens_per_s_per_user: c.user_tps,
        utilization: c.utilization,
        usd_per_m_input: c.input,
        usd_per_m_output: c.output,
        decode: deployment(&c.decode),
        prefill: deployment(&c.prefill),
    }
}

pub fn run(cfg: EstimateConfig) -> Result<Exit> {
    let e =
        cost::estimate(&cfg.model, &cfg.assumptions, &Calibration::shipped()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let a = &cfg.assumptions;
    let doc = EstimateDoc {
        model: cfg.model.name.clone(),
        architecture: cfg.model.arch_id.clone(),
        architecture_summary: cfg.model.arch.summary(),
        precision: cfg.model.precision.to_string(),
        gpu: a.gpu.name.clone(),
        isl: a.isl,
        osl: a.osl,
        cache_hit: a.cache_hit,
        cases: vec![case(&e.low), case(&e.high)],
        basis: e.basis.clone(),
    };
    let mut v = view(&doc);
    if cfg.explain {
        for c in [&e.low, &e.high] {
            explain(&mut v, c, a.isl, a.cache_hit);
        }
    }
    output::render(&v, cfg.format, &cfg.to)?;
    Ok(Exit::Success)
}

/// `1 GPU`, `8 GPUs`.
fn gpus(n: u64) -> String {
    if n == 1 {
        "1 GPU".to_string()
    } else {
        format!("{n} GPUs")
    }
}

/// `tp 8`, or `tp 1 x attention dp 32, experts over 32 GPUs`.
fn layout(p: &Parallel) -> String {
    let mut s = format!("tp {}", p.tp);
    if p.dp > 1 {
        s.push_str(&format!(" x attention dp {}", p.dp));
    }
    if p.moe_ep > 1 {
        s.push_str(&format!(", experts over {} GPUs", p.moe_ep));
    }
    s
}

fn view(doc: &EstimateDoc) -> View<'_> {
    let mut v = View::new(
        vec![
            Column::both("case", "case"),
            Column::both("usd_per_gpu_hour", "$/GPU-hour").right(),
            Column::both("price_basis", "price"),
            Column::both("tokens_per_s_per_user", "tokens/s per user").right(),
            Column::both("utilization", "busy").right(),
            Column::both("decode", "decode deployment"),
            Column::both("usd_per_m_input", "input $/1M").right(),
            Column::both("usd_per_m_output", "output $/1M").right(),
        ],
        doc,
    );
    for c in &doc.cases {
        let d = &c.decode;
        v.rows.push(vec![
            Cell::text(c.case),
            Cell::Float(c.usd_per_gpu_hour, Shown::Fixed(2), Digits::Json),
            Cell::text(c.price_basis.as_str()),
            Cell::Float(c.tokens_per_s_per_user, Shown::Fixed(0), Digits::Json),
            Cell::Float(c.utilization, Shown::Share(0), Digits::Json),
            Cell::text(format!("{}, batch {} per group", gpus(d.gpus), d.batch)),
            Cell::Float(c.usd_per_m_input, Shown::PerMillion, Digits::Json),
            Cell::Float(c.usd_per_m_output, Shown::PerMillion, Digits::Json),
        ]);
    }
    v.head.push(Part::line(format!(
        "{}: {}, {}, {} on {}: {}-token prompts, {}-token answers, {:.0}% of input tokens from the prompt cache",
        doc.model,
        doc.architecture,
        doc.architecture_summary,
        doc.precision,
        doc.gpu,
        doc.isl,
        doc.osl,
        doc.cache_hit * 100.0
    )));
    v.tail.push(Part::line(format!("Basis: {}.", doc.basis)));
    v.tail.push(Part::line(format!("Defaults: {DEFAULTS_SOURCE}.")));
    v.tail.push(Part::line(
        "An estimate of what the GPU time costs, not a price: no margin, idle capacity beyond the stated \
         utilisation, research, or staff.",
    ));
    v
}

/// The arithmetic of one end, as lines after the table.
fn explain(v: &mut View, c: &Case, isl: u64, cache_hit: f64) {
    let d = &c.decode;
    let p = &c.prefill;
    let per_s = c.usd_per_gpu_hour / 3600.0;
    v.tail.push(Part::blank());
    v.tail.push(Part::line(format!(
        "{}: ${:.2} per GPU-hour ({}) = ${:.6} per GPU-second, busy {:.0}% of the time.",
        c.label,
        c.usd_per_gpu_hour,
        c.price_basis,
        per_s,
        c.utilization * 100.0
    )));
    v.tail.push(Part::item(format!(
        "output: decode on {} ({}), {} requests per group, {:.1} ms per step (<= 1/{} s for {} tokens/s per \
         user): {} x {} / {:.4} s / {} GPUs = {:.1} tokens/s per GPU; ${:.6} / ({:.1} x {:.2}) x 1M = ${:.4} per \
         1M output tokens",
        gpus(d.par.gpus()),
        layout(&d.par),
        d.batch,
        d.seconds * 1000.0,
        c.user_tps,
        c.user_tps,
        d.batch,
        d.par.dp,
        d.seconds,
        d.par.gpus(),
        d.tokens_per_s_per_gpu,
        per_s,
        d.tokens_per_s_per_gpu,
        c.utilization,
        c.output
    )));
    v.tail.push(Part::item(format!(
        "input: prefill on {} ({}), {} prompts of {} tokens per pass, {:.3} s per pass: {:.0} tokens/s per \
         GPU; ${:.6} / ({:.0} x {:.2}) x 1M x {:.2} computed (the rest cache hits, costed at 0) = ${:.4} per 1M \
         input tokens",
        gpus(p.par.gpus()),
        layout(&p.par),
        p.batch,
        isl,
        p.seconds,
        p.tokens_per_s_per_gpu,
        per_s,
        p.tokens_per_s_per_gpu,
        c.utilization,
        1.0 - cache_hit,
        c.input
    )));
}
