//! Self-hosting as a target of `compare` and `project`: `self:MODEL@GPU[:USD-PER-GPU-HOUR]` becomes a priced model
//! of a `self` provider, its price and estimate computed by the serving model, added as the table's last layer.
//!
//! Running a model yourself, you pay for GPU-hours whether they are busy or not, so the price is the serving
//! model's low-load case (each user served at 50 tokens/s, the GPUs busy half the time); the marginal-cost estimate
//! is the whole low-high range at the same GPU-hour price.

use anyhow::{Context, Result, anyhow};

use crate::cli::GpuArgs;
use crate::serving::calibration::Calibration;
use crate::serving::cost::{self, Assumptions, ServedModel};
use crate::serving::{Gpu, Gpus};

/// A `self:` target, parsed.
struct Target {
    name: String,
    model: String,
    gpu: Gpu,
    usd_per_gpu_hour: Option<f64>,
}

fn parse(name: &str, gpus: &Gpus) -> Result<Target> {
    let spec = &name["self:".len()..];
    let (model, rest) = spec
        .split_once('@')
        .ok_or_else(|| anyhow!("`{name}`: a self-hosted target is self:MODEL@GPU[:USD-PER-GPU-HOUR]"))?;
    let (gpu, price) = match rest.split_once(':') {
        Some((g, p)) => {
            let v: f64 = p
                .parse()
                .with_context(|| format!("`{name}`: `{p}` is not a USD amount"))?;
            if !(v.is_finite() && v > 0.0 && v < 1000.0) {
                anyhow::bail!("`{name}`: the GPU-hour price must be above 0 and below $1,000, got {p}");
            }
            (g, Some(v))
        }
        None => (rest, None),
    };
    let gpu = gpus.find(gpu).map_err(|e| anyhow!("`{name}`: {e}"))?.clone();
    Ok(Target {
        name: name.to_string(),
        model: model.to_string(),
        gpu,
        usd_per_gpu_hour: price,
    })
}

/// The YAML of one self-hosted model: a price row at the low-load case, and its estimate.
fn entry(t: &Target, n: usize) -> Result<(String, String)> {
    let served = ServedModel::resolve(&t.model, None, None).map_err(|e| anyhow!("`{}`: {e}", t.name))?;
    let mut a = Assumptions::defaults(&Gpus::bundled()).map_err(|e| anyhow!(e))?;
    a.gpu = t.gpu.clone();
    // One price at both ends: the one given, else what owning the card costs.
    let hour = t.usd_per_gpu_hour.unwrap_or(t.gpu.price.owned);
    a.usd_per_gpu_hour = Some(hour);
    let e = cost::estimate(&served, &a, &Calibration::shipped()).map_err(|e| anyhow!("`{}`: {e}", t.name))?;
    let id = format!("self-{n}");
    let basis = format!(
        "{} on {} at ${hour:.2} per GPU-hour ({}): the serving model's estimate",
        served.name,
        t.gpu.name,
        if t.usd_per_gpu_hour.is_some() {
            "as given"
        } else {
            "owned cost"
        }
    );
    let model = format!(
        "  - id: {spec}\n    aliases: [{alias}]\n    tokenizer: estimate\n    marginal: {id}\n    prices:\n      - as_of: \
         2000-01-01\n        input: {input}\n        output: {output}\n        cached_input: {cached}\n        \
         source: {source}\n",
        spec = yaml_str(&t.name["self:".len()..]),
        alias = yaml_str(&t.name),
        input = e.high.input,
        output = e.high.output,
        // A prompt-cache hit skips prefill: costed as the bundled estimates cost it, at most 0.1x input.
        cached = e.high.input * 0.1,
        source = yaml_str(&format!(
            "self-hosted, priced at the low-load case ({} tokens/s per user, GPUs busy {:.0}% of the time): {basis}",
            e.high.user_tps,
            e.high.utilization * 100.0
        )),
    );
    let estimate = format!(
        "  - id: {id}\n    method: derived\n    serving_model: {sm}\n    input: {{low: {il}, high: {ih}}}\n    \
         output: {{low: {ol}, high: {oh}}}\n    source: {source}\n    as_of: 2000-01-01\n",
        sm = yaml_str(&served.name),
        il = e.low.input,
        ih = e.high.input,
        ol = e.low.output,
        oh = e.high.output,
        source = yaml_str(&format!(
            "{basis}; fully busy at 20 tokens/s per user to half busy at 50"
        )),
    );
    Ok((model, estimate))
}

/// A double-quoted YAML string.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The layer of the `self:` names among `names`, if any: (file name, YAML text).
pub fn layer(names: &[String], gpu_files: &GpuArgs) -> Result<Vec<(String, String)>> {
    let targets: Vec<&String> = names.iter().filter(|n| n.starts_with("self:")).collect();
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let gpus = super::marginal::gpus(gpu_files)?;
    let (mut models, mut estimates) = (String::new(), String::new());
    for (n, name) in targets.iter().enumerate() {
        let (m, e) = entry(&parse(name, &gpus)?, n + 1)?;
        models.push_str(&m);
        estimates.push_str(&e);
    }
    let text = format!(
        "provider:\n  id: self\n  name: Self-hosted\n  estimate_ratio: 1.0\nmodels:\n{models}marginal:\n{estimates}"
    );
    Ok(vec![("self-hosted targets".to_string(), text)])
}
