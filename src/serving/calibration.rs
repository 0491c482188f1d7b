//! The fitted constants of the serving model, compiled in from `serving/settings.yaml`; `fit.rs` fits them again
//! from measurements.
//!
//! Three kinds: the roofline's shares of peak and fixed costs, shared by every engine and fitted to time per output
//! token alone; per engine, the latency of its own collectives (fitted to its time per output token); and, per
//! engine, how its first token comes (request handling, scheduling, queueing), fitted to time to first token. The
//! first-token constants differ most between engines; `default` (fitted to all engines at once) and the roofline's
//! own latency serve an engine without its own.

use serde::{Deserialize, Serialize};

/// Shares of peak and fixed costs that bring a peak-spec roofline to measured decode times.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constants {
    /// Share of peak HBM bandwidth a pass achieves.
    pub mem_eff: f64,
    /// Share of peak tensor FLOP/s in decode and in prefill.
    pub decode_flops_eff: f64,
    pub prefill_flops_eff: f64,
    /// Seconds per layer per pass (kernel launches, norms, small ops the roofline does not count).
    pub layer_overhead: f64,
    /// Seconds per pass (scheduling, sampling).
    pub step_overhead: f64,
    /// Seconds per collective (all-reduce or all-to-all), and the share of link bandwidth it achieves.
    pub comm_latency: f64,
    pub comm_eff: f64,
    /// Share of the advertised 4-bit peak that 4-bit matrix multiplies reach, beyond the shares above (4-bit
    /// kernels are younger and reach less of their peak than 8- and 16-bit ones).
    pub fp4_eff: f64,
}

/// How an engine's first token comes, beyond the prompt's own prefill. Aggregated: ttft = overhead + prefill +
/// queue x (batch - 1) x prompt FLOP time + (steps + isl / chunk_tokens + dp_steps under attention DP) x decode
/// step (without the other prompts' FLOPs that the time per output token carries), where a queued prompt adds
/// only its FLOPs and communication (prompts queued together run as one pass, sharing its weight reads and fixed
/// costs); disaggregated, the same overhead, steps and queue around the wait at the prefill pool (`scenario.rs`).
/// The constants differ most between engines: on the same deployments SGLang's first tokens are about three times
/// TensorRT-LLM's and vLLM's (MARGINAL.md).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstToken {
    /// Seconds outside the model (the HTTP server, tokenising).
    pub overhead: f64,
    /// Other prompts' prefill FLOPs a new prompt waits for, per request in flight.
    pub queue: f64,
    /// Engine iterations before the prompt is scheduled and after it is done.
    pub steps: f64,
    /// Prompt tokens per iteration when a prompt is prefilled in chunks beside decode steps.
    pub chunk_tokens: f64,
    /// Engine iterations a prompt waits under attention data parallelism, beyond `steps`: an engine that
    /// balances prompts across its attention ranks holds a new one back until the other ranks have prompts too,
    /// or a timeout passes (TensorRT-LLM's `attention_dp_config`: `batching_wait_iters`, 10 by default, and
    /// `timeout_iters`, 50). Aggregated serving only.
    pub dp_steps: f64,
}

/// Everything fitted: the roofline, and per engine its collective latency and first-token constants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub roofline: Constants,
    /// `default` and one entry per engine (`vllm`, `sglang`, `trtllm`).
    pub first_token: std::collections::BTreeMap<String, FirstToken>,
    /// Per engine, seconds per collective (all-reduce, all-to-all, a hop between pipeline stages) with the
    /// engine's own kernels, in place of the roofline's `comm_latency`. At 1-8 requests in flight on 2-8 GPUs,
    /// where a decode step is mostly fixed costs and collectives, the shared latency put TensorRT-LLM's time per
    /// output token at 1.29 of measured (its small all-reduces are one-shot kernels fused with the normalisation
    /// after them), vLLM's at 0.96 and SGLang's at 0.83, while on one GPU TensorRT-LLM's and vLLM's were 1.03 and
    /// 0.93 (MARGINAL.md, step 4).
    #[serde(default)]
    pub collective_latency: std::collections::BTreeMap<String, f64>,
}

impl Constants {
    pub const NAMES: [&'static str; 8] = [
        "mem_eff",
        "decode_flops_eff",
        "prefill_flops_eff",
        "layer_overhead",
        "step_overhead",
        "comm_latency",
        "comm_eff",
        "fp4_eff",
    ];

    pub fn to_array(&self) -> [f64; 8] {
        [
            self.mem_eff,
            self.decode_flops_eff,
            self.prefill_flops_eff,
            self.layer_overhead,
            self.step_overhead,
            self.comm_latency,
            self.comm_eff,
            self.fp4_eff,
        ]
    }

    /// Constants from an array in `NAMES` order, kept where a fit may go: shares of peak at most 1, all above 0.
    pub fn from_array(a: [f64; 8]) -> Constants {
        let share = |v: f64| v.clamp(1e-6, 1.0);
        let time = |v: f64| v.clamp(1e-12, 1.0);
        Constants {
            mem_eff: share(a[0]),
            decode_flops_eff: share(a[1]),
            prefill_flops_eff: share(a[2]),
            layer_overhead: time(a[3]),
            step_overhead: time(a[4]),
            comm_latency: time(a[5]),
            comm_eff: share(a[6]),
            fp4_eff: share(a[7]),
        }
    }
}

impl FirstToken {
    pub fn to_array(&self) -> [f64; 5] {
        [self.overhead, self.queue, self.steps, self.chunk_tokens, self.dp_steps]
    }

    pub fn from_array(a: [f64; 5]) -> FirstToken {
        FirstToken {
            overhead: a[0].clamp(1e-9, 60.0),
            queue: a[1].clamp(1e-9, 10.0),
            steps: a[2].clamp(1e-9, 1e4),
            chunk_tokens: a[3].clamp(1.0, 1e9),
            // 0 for an engine given no wait (`fit.rs`).
            dp_steps: a[4].clamp(0.0, 1e4),
        }
    }
}

impl Calibration {
    /// The compiled-in calibration.
    pub fn shipped() -> Calibration {
        super::bundled::settings().calibration
    }

    /// How an engine's name is keyed in the per-engine tables: `TRTLLM` and ` trtllm` are `trtllm`.
    fn key(engine: &str) -> String {
        engine.trim().to_ascii_lowercase()
    }

    /// The roofline as `engine` runs it: with its own collective latency where it has one.
    pub fn roofline_for(&self, engine: &str) -> Constants {
        let mut k = self.roofline;
        if let Some(&l) = self.collective_latency.get(&Self::key(engine)) {
            k.comm_latency = l;
        }
        k
    }

    /// The first-token constants of `engine`, or the default ones.
    pub fn first_token(&self, engine: &str) -> FirstToken {
        self.first_token
            .get(&Self::key(engine))
            .or_else(|| self.first_token.get("default"))
            .copied()
            .unwrap_or(FirstToken {
                overhead: 0.05,
                queue: 0.1,
                steps: 10.0,
                chunk_tokens: 500.0,
                dp_steps: 0.0,
            })
    }

    /// The block `serving/settings.yaml` carries, for pasting after a new fit.
    pub fn to_yaml(&self) -> String {
        let mut s = String::from("calibration:\n  roofline:\n");
        for (name, v) in Constants::NAMES.iter().zip(self.roofline.to_array()) {
            s += &format!("    {name}: {}\n", significant(v, 4));
        }
        s += "  first_token:\n";
        for (engine, f) in &self.first_token {
            let [a, b, c, d, e] = f.to_array().map(|v| significant(v, 4));
            s +=
                &format!("    {engine}: {{overhead: {a}, queue: {b}, steps: {c}, chunk_tokens: {d}, dp_steps: {e}}}\n");
        }
        if !self.collective_latency.is_empty() {
            s += "  collective_latency:\n";
            for (engine, v) in &self.collective_latency {
                s += &format!("    {engine}: {}\n", significant(*v, 4));
            }
        }
        s
    }
}

/// `v` to `digits` significant digits.
pub fn significant(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}
