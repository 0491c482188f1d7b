//! `tokencost marginal ...`, validated: files named, GPU profiles loaded, numbers in range.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

use super::Target;
use crate::cli::{GpuArgs, MarginalCalibrateArgs, MarginalCommand, MarginalEstimateArgs, MarginalPredictArgs};
use crate::output::{Destination, Format};
use crate::serving::cost::{Assumptions, ServedModel};
use crate::serving::{Gpus, Precision};

pub enum MarginalConfig {
    Estimate(Box<EstimateConfig>),
    Predict(PredictConfig),
    Calibrate(CalibrateConfig),
}

pub struct PredictConfig {
    pub input: PathBuf,
    pub arch_dir: Option<PathBuf>,
    pub gpu_hour: Option<f64>,
    pub gpus: Gpus,
}

pub struct CalibrateConfig {
    pub input: PathBuf,
    pub arch_dir: Option<PathBuf>,
    pub fit: bool,
    pub holdout: bool,
    pub gpus: Gpus,
    pub format: Format,
    pub to: Destination,
}

pub struct EstimateConfig {
    pub model: ServedModel,
    pub assumptions: Assumptions,
    pub explain: bool,
    pub format: Format,
    pub to: Destination,
}

/// The bundled GPU profiles and the user's, every problem reported.
pub fn gpus(args: &GpuArgs) -> Result<Gpus> {
    Gpus::load(&args.gpus).map_err(|e| anyhow::anyhow!("invalid GPU profiles:\n{e}"))
}

/// A positive USD amount (clap has checked it is a number).
pub fn usd(flag: &str, s: &Option<String>) -> Result<Option<f64>> {
    match s {
        None => Ok(None),
        Some(s) => {
            let v: f64 = s.parse().with_context(|| format!("{flag} `{s}` is not a number"))?;
            if !(v.is_finite() && v > 0.0) {
                bail!("{flag} must be above 0, got {s}");
            }
            Ok(Some(v))
        }
    }
}

pub fn share(flag: &str, v: f64, zero_ok: bool) -> Result<f64> {
    let ok = v.is_finite() && v <= 1.0 && (v > 0.0 || (zero_ok && v == 0.0));
    if !ok {
        let range = if zero_ok { "0-1" } else { "above 0, at most 1" };
        bail!("{flag} must be {range}, got {v}");
    }
    Ok(v)
}

pub fn marginal(cmd: MarginalCommand) -> Result<MarginalConfig> {
    Ok(match cmd {
        MarginalCommand::Predict(a) => MarginalConfig::Predict(predict(a)?),
        MarginalCommand::Calibrate(a) => MarginalConfig::Calibrate(calibrate(a)?),
        MarginalCommand::Estimate(a) => MarginalConfig::Estimate(Box::new(estimate(a)?)),
    })
}

fn predict(a: MarginalPredictArgs) -> Result<PredictConfig> {
    Ok(PredictConfig {
        input: a.input,
        arch_dir: a.arch_dir,
        gpu_hour: usd("--gpu-hour", &a.gpu_hour)?,
        gpus: gpus(&a.gpus)?,
    })
}

fn calibrate(a: MarginalCalibrateArgs) -> Result<CalibrateConfig> {
    let target = Target::new(&a.out)?;
    Ok(CalibrateConfig {
        input: a.input,
        arch_dir: a.arch_dir,
        fit: a.fit,
        holdout: !a.no_holdout,
        gpus: gpus(&a.gpus)?,
        format: target.or_table(),
        to: target.to,
    })
}

fn estimate(a: MarginalEstimateArgs) -> Result<EstimateConfig> {
    let target = Target::new(&a.out)?;
    let gpus = gpus(&a.gpus)?;
    let gpu = gpus
        .find(a.gpu.as_deref().unwrap_or("h100"))
        .map_err(|e| anyhow::anyhow!(e))?
        .clone();
    let precision = match &a.precision {
        Some(p) => Some(Precision::parse(p).with_context(|| format!("--precision `{p}`: bf16, fp8, fp4 or int4"))?),
        None => None,
    };
    let model = ServedModel::resolve(&a.model, a.arch.as_deref(), precision).map_err(|e| anyhow::anyhow!(e))?;
    if a.isl == 0 || a.osl == 0 {
        bail!("--isl and --osl must be at least 1");
    }
    let speed = match a.tokens_per_second_per_user {
        Some(v) if !(v.is_finite() && v > 0.0) => bail!("--tokens-per-second-per-user must be above 0, got {v}"),
        v => v,
    };
    let utilization = a.utilization.map(|u| share("--utilization", u, false)).transpose()?;
    let assumptions = Assumptions {
        gpu,
        usd_per_gpu_hour: usd("--gpu-hour", &a.gpu_hour)?,
        user_tps: speed,
        utilization,
        isl: a.isl,
        osl: a.osl,
        cache_hit: share("--cache-hit", a.cache_hit, true)?,
    };
    Ok(EstimateConfig {
        model,
        assumptions,
        explain: a.explain,
        format: target.or_table(),
        to: target.to,
    })
}
