//! USD per 1M input and output tokens: the cheapest deployment of a model at a per-user speed, priced by the
//! GPU-hour, as a low-high range.
//!
//! Prompts and outputs are costed apart, as disaggregated serving runs them: output tokens on the decode
//! deployment (parallelism and batch) with the most tokens per second per GPU whose time per output token still
//! gives each user the speed asked for; input tokens on the prefill deployment with the most prompt tokens per
//! second per GPU whose pass stays under `MAX_PREFILL_PASS`. A prompt-cache hit skips prefill and is costed at 0.
//!
//! The low end is owned hardware (total cost of ownership per GPU-hour) kept fully busy at DeepSeek's production
//! speed of 20 tokens per second per user; the high end is rented hardware at an interactive 50 tokens per second
//! per user, half busy. Flags replace either assumption at both ends.

use std::path::Path;

use super::arch::{Architecture, parse_config};
use super::bundled;
use super::calibration::{Calibration, Constants};
use super::gpu::{Gpu, Gpus};
use super::precision::Precision;
use super::step::{Parallel, Quant, Replica};

/// The longest a prefill pass may take (seconds): a prompt's first token must not wait longer.
pub const MAX_PREFILL_PASS: f64 = 2.0;

/// The two ends' defaults, with where they come from.
pub const LOW_USER_TPS: f64 = 20.0;
pub const HIGH_USER_TPS: f64 = 50.0;
pub const LOW_UTILIZATION: f64 = 1.0;
pub const HIGH_UTILIZATION: f64 = 0.5;
pub const DEFAULTS_SOURCE: &str = "low: owned GPU (TCO per hour), fully busy, 20 tokens/s per user (DeepSeek's \
     production speed, open-infra-index 2025-02); high: rented GPU, half busy (an assumption: services provision \
     for peaks, and cost per token swings widely with load, arXiv 2606.11690), 50 tokens/s per user (interactive; \
     InferenceX v2 shows cost rising steeply above it)";

/// A model to serve: its architecture and the precision it runs at.
#[derive(Debug, Clone)]
pub struct ServedModel {
    /// As the user named it.
    pub name: String,
    /// The architecture's Hugging Face id, or the config file it was read from.
    pub arch_id: String,
    pub arch: Architecture,
    pub precision: Precision,
}

impl ServedModel {
    /// A short name of `serving/settings.yaml` or a bundled Hugging Face id, or any name with its `config.json`.
    /// Without `precision`, the short name's usual one, or what the id says (`-FP8`, `-NVFP4`), else fp8.
    pub fn resolve(name: &str, config: Option<&Path>, precision: Option<Precision>) -> Result<ServedModel, String> {
        // fp8 unless the id says fp4: what providers commonly serve large open models at.
        let from_id = |id: &str| {
            if id.to_ascii_lowercase().contains("fp4") {
                Precision::Fp4
            } else {
                Precision::Fp8
            }
        };
        if let Some(path) = config {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let arch = parse_config(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok(ServedModel {
                name: name.to_string(),
                arch_id: path.display().to_string(),
                arch,
                precision: precision.unwrap_or(from_id(name)),
            });
        }
        if let Some(short) = bundled::short_name(name) {
            return Ok(ServedModel {
                name: short.name.clone(),
                arch: bundled::architecture(&short.arch)?,
                arch_id: short.arch,
                precision: precision.unwrap_or(short.precision),
            });
        }
        let arch = bundled::architecture(name).map_err(|_| {
            let names: Vec<String> = bundled::settings().models.into_iter().map(|m| m.name).collect();
            format!(
                "no model `{name}`: give a short name ({}), a bundled Hugging Face id, or --arch config.json",
                names.join(", ")
            )
        })?;
        Ok(ServedModel {
            name: name.to_string(),
            arch_id: name.to_string(),
            arch,
            precision: precision.unwrap_or(from_id(name)),
        })
    }
}

/// What the user fixed; None takes each end's default.
#[derive(Debug, Clone)]
pub struct Assumptions {
    pub gpu: Gpu,
    pub usd_per_gpu_hour: Option<f64>,
    pub user_tps: Option<f64>,
    pub utilization: Option<f64>,
    pub isl: u64,
    pub osl: u64,
    pub cache_hit: f64,
}

impl Assumptions {
    /// H100s, 2,048-token prompts and 512-token answers, no cache hits: the defaults of `marginal estimate`.
    pub fn defaults(gpus: &Gpus) -> Result<Assumptions, String> {
        Ok(Assumptions {
            gpu: gpus.find("h100")?.clone(),
            usd_per_gpu_hour: None,
            user_tps: None,
            utilization: None,
            isl: 2048,
            osl: 512,
            cache_hit: 0.0,
        })
    }
}

/// A chosen deployment and what it does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deployment {
    pub par: Parallel,
    /// Requests in flight per attention group (decode) or prompts per pass (prefill).
    pub batch: u64,
    /// Seconds per output token (decode) or per prefill pass.
    pub seconds: f64,
    pub tokens_per_s_per_gpu: f64,
}

/// One end of the estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub label: &'static str,
    pub usd_per_gpu_hour: f64,
    pub price_basis: String,
    pub user_tps: f64,
    pub utilization: f64,
    pub decode: Deployment,
    pub prefill: Deployment,
    pub input: f64,
    pub output: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub low: Case,
    pub high: Case,
    /// One line saying what the figures rest on.
    pub basis: String,
}

/// The parallel layouts tried: tensor parallel within a node, and for MoE models attention data parallelism
/// with experts spread over every GPU (expert parallelism), up to 64 GPUs.
fn layouts(arch: &Architecture, gpu: &Gpu) -> Vec<Parallel> {
    let mut out = Vec::new();
    for tp in [1, 2, 4, 8] {
        if tp > gpu.gpus_per_node.max(1) * 2 {
            continue;
        }
        out.push(Parallel::tensor(tp));
        if arch.is_moe() {
            for dp in [2, 4, 8, 16, 32, 64] {
                if tp * dp <= 64 {
                    out.push(Parallel {
                        tp,
                        pp: 1,
                        dp,
                        moe_tp: 1,
                        moe_ep: tp * dp,
                    });
                }
            }
        }
    }
    out
}

/// The decode deployment with the most output tokens per second per GPU at `max_tpot` seconds per token.
pub fn best_decode(
    model: &ServedModel,
    gpu: &Gpu,
    k: &Constants,
    isl: u64,
    osl: u64,
    max_tpot: f64,
) -> Option<Deployment> {
    let quant = Quant::uniform(model.precision);
    let context = isl as f64 + osl as f64 / 2.0;
    let mut best: Option<Deployment> = None;
    for par in layouts(&model.arch, gpu) {
        let r = Replica::new(&model.arch, gpu, par, quant, k);
        let Some(cap) = r.max_batch((isl + osl) as f64) else {
            continue;
        };
        let cap = cap.min(4096.0) as u64;
        if cap < 1 || r.decode(1.0, context).total() > max_tpot {
            continue;
        }
        // Time per token grows with the batch: the largest batch within the speed.
        let (mut lo, mut hi) = (1u64, cap);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if r.decode(mid as f64, context).total() <= max_tpot {
                lo = mid
            } else {
                hi = mid - 1
            }
        }
        let tpot = r.decode(lo as f64, context).total();
        let d = Deployment {
            par,
            batch: lo,
            seconds: tpot,
            tokens_per_s_per_gpu: (lo * par.dp) as f64 / tpot / par.gpus() as f64,
        };
        if best.is_none_or(|b| d.tokens_per_s_per_gpu > b.tokens_per_s_per_gpu * 1.0001) {
            best = Some(d);
        }
    }
    best
}

/// The prefill deployment with the most prompt tokens per second per GPU, passes under `MAX_PREFILL_PASS`.
pub fn best_prefill(model: &ServedModel, gpu: &Gpu, k: &Constants, isl: u64) -> Option<Deployment> {
    let quant = Quant::uniform(model.precision);
    let mut best: Option<Deployment> = None;
    for par in layouts(&model.arch, gpu) {
        let r = Replica::new(&model.arch, gpu, par, quant, k);
        if r.max_batch(isl as f64).is_none_or(|c| c < 1.0) {
            continue;
        }
        // Engines batch prompts up to some 16k tokens a pass; fewer when a full pass would keep the first
        // token waiting too long.
        let most = (16_384 / isl.max(1)).max(1);
        for prompts in std::iter::successors(Some(1u64), |n| (*n < most).then(|| (n * 2).min(most))) {
            let t = r.prefill(prompts as f64, isl as f64).total();
            if t > MAX_PREFILL_PASS {
                break;
            }
            let d = Deployment {
                par,
                batch: prompts,
                seconds: t,
                tokens_per_s_per_gpu: (prompts * isl * par.dp) as f64 / t / par.gpus() as f64,
            };
            if best.is_none_or(|b| d.tokens_per_s_per_gpu > b.tokens_per_s_per_gpu * 1.0001) {
                best = Some(d);
            }
        }
    }
    best
}

/// USD per 1M tokens made at `tokens_per_s_per_gpu`, paying `usd_per_hour` for time busy `utilization` of it.
pub fn usd_per_million(usd_per_hour: f64, tokens_per_s_per_gpu: f64, utilization: f64) -> f64 {
    usd_per_hour / 3600.0 / (tokens_per_s_per_gpu * utilization) * 1e6
}

#[allow(clippy::too_many_arguments)]
fn case(
    label: &'static str,
    model: &ServedModel,
    a: &Assumptions,
    k: &Constants,
    default_price: f64,
    price_basis: &str,
    default_tps: f64,
    default_util: f64,
) -> Result<Case, String> {
    let price = a.usd_per_gpu_hour.unwrap_or(default_price);
    let basis = if a.usd_per_gpu_hour.is_some() {
        "as given".to_string()
    } else {
        price_basis.to_string()
    };
    let user_tps = a.user_tps.unwrap_or(default_tps);
    let utilization = a.utilization.unwrap_or(default_util);
    let decode = best_decode(model, &a.gpu, k, a.isl, a.osl, 1.0 / user_tps).ok_or_else(|| {
        format!(
            "{} cannot serve {} at {user_tps} tokens/s per user on up to 64 GPUs (too large for its memory, or too \
             slow even alone)",
            a.gpu.name, model.name
        )
    })?;
    let prefill = best_prefill(model, &a.gpu, k, a.isl).ok_or_else(|| {
        format!(
            "{} cannot prefill a {}-token prompt of {} within {MAX_PREFILL_PASS} s",
            a.gpu.name, a.isl, model.name
        )
    })?;
    let computed = 1.0 - a.cache_hit;
    Ok(Case {
        label,
        usd_per_gpu_hour: price,
        price_basis: basis,
        user_tps,
        utilization,
        input: usd_per_million(price, prefill.tokens_per_s_per_gpu, utilization) * computed,
        output: usd_per_million(price, decode.tokens_per_s_per_gpu, utilization),
        decode,
        prefill,
    })
}

/// The low-high estimate of serving `model` under `a`, with calibration `c`.
pub fn estimate(model: &ServedModel, a: &Assumptions, c: &Calibration) -> Result<Estimate, String> {
    let k = &c.roofline;
    let g = &a.gpu;
    let low = case(
        "low",
        model,
        a,
        k,
        g.price.owned,
        "owned (TCO)",
        LOW_USER_TPS,
        LOW_UTILIZATION,
    )?;
    let high = case(
        "high",
        model,
        a,
        k,
        g.price.rental,
        "rental",
        HIGH_USER_TPS,
        HIGH_UTILIZATION,
    )?;
    let basis = format!(
        "estimated: {}, {}, at {} on {}, {}-token prompts and {}-token answers; serving model calibrated on \
         measured H100/B200/B300/GB200/GB300 serving (MARGINAL.md)",
        model.name,
        model.arch.summary(),
        model.precision,
        g.name,
        a.isl,
        a.osl
    );
    Ok(Estimate { low, high, basis })
}

/// A low-high USD per 1M input and output tokens for a model, with a one-line basis: for reports and price
/// tables that need a marginal-cost estimate where none is listed.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRange {
    pub input: (f64, f64),
    pub output: (f64, f64),
    pub basis: String,
}

/// The estimate for `model` (a short name or a bundled Hugging Face id, or a proxy architecture standing in for
/// a model whose architecture is not public) under the default assumptions: H100s at their owned and rental
/// prices, 2,048-token prompts and 512-token answers, the shipped calibration.
pub fn default_range(model: &str) -> Result<CostRange, String> {
    let served = ServedModel::resolve(model, None, None)?;
    let a = Assumptions::defaults(&Gpus::bundled())?;
    let e = estimate(&served, &a, &Calibration::shipped())?;
    Ok(CostRange {
        input: (e.low.input, e.high.input),
        output: (e.low.output, e.high.output),
        basis: e.basis,
    })
}
