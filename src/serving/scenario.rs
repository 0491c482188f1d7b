//! From passes to what users see: time to first token, time per output token and tokens per second per GPU, for
//! aggregated serving (one pool prefills and decodes) or disaggregated serving (separate prefill and decode pools).
//!
//! Aggregated, with `batch` requests in flight in each attention group, every request is prefilled once in each
//! of its cycles of osl decode steps, so between one request's decode steps the GPUs also run the other requests'
//! prompts: the time per output token carries the FLOPs of (batch - 1) / osl prompts, which ride in the decode
//! passes. A new prompt's first token comes after the engine's own delays (`FirstToken`: fixed time, iterations,
//! prompts queued ahead, and under attention data parallelism the iterations an engine holds a prompt back to
//! balance the ranks).
//! Disaggregated, the decode pool runs decode steps only. Every request in flight comes back to the prefill pool
//! when its answer is done, so the pool is a queue in a closed loop (`closed_wait`): once the prompts arriving
//! outrun it, first tokens wait for every prompt ahead, as measured (seconds at high concurrency).
//!
//! More requests than the KV cache holds wait for a place: the running batch is capped and the first token comes
//! later by the waiting.

use super::arch::Architecture;
use super::calibration::{Constants, FirstToken};
use super::gpu::Gpu;
use super::step::{Parallel, Quant, Replica};

/// A pool of identical replicas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pool {
    pub par: Parallel,
    /// Requests in flight per attention group (decode), or prompts per prefill pass (prefill).
    pub batch: u64,
    pub workers: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Agg(Pool),
    Disagg { prefill: Pool, decode: Pool },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scenario {
    pub quant: Quant,
    pub isl: u64,
    pub osl: u64,
    pub mode: Mode,
}

/// What a scenario is predicted to do. Times in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    pub ttft: f64,
    pub tpot: f64,
    /// Output tokens per second per GPU, all GPUs of the deployment counted.
    pub output_tps_per_gpu: f64,
    /// Input tokens per second per GPU at the same load.
    pub input_tps_per_gpu: f64,
    /// Share of GPU time that goes to prefill (the input's share of the cost).
    pub prefill_share: f64,
    pub gpus: u64,
    /// The decode batch the KV cache allowed, when it is below the one asked for.
    pub capped_batch: Option<u64>,
    /// One decode step and one prompt's prefill, for explanations.
    pub decode_step: f64,
    pub prefill_time: f64,
}

impl Prediction {
    /// Tokens per second one user sees while their answer streams.
    pub fn user_tps(&self) -> f64 {
        1.0 / self.tpot
    }

    /// USD per 1M input and output tokens at `usd_per_gpu_hour`, every GPU busy at this load, GPU time split
    /// between prompts and outputs by the share each takes.
    pub fn usd_per_million(&self, usd_per_gpu_hour: f64) -> (f64, f64) {
        let per_gpu_second = usd_per_gpu_hour / 3600.0;
        // Per GPU-second: prefill_share of it makes input_tps_per_gpu input tokens, the rest output tokens.
        let input = per_gpu_second * self.prefill_share / self.input_tps_per_gpu * 1e6;
        let output = per_gpu_second * (1.0 - self.prefill_share) / self.output_tps_per_gpu * 1e6;
        (input, output)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PredictError {
    #[error("the weights need {need:.1} GB per GPU; the {gpu} has {have:.1} GB (try more GPUs or fewer bits)")]
    DoesNotFit { need: f64, have: f64, gpu: String },
    #[error("{0}")]
    Invalid(String),
}

/// Mean time at a queue (wait and service) in a closed loop: `users` requests each need `service` seconds of one
/// server, then spend `away` seconds elsewhere before they come back. Schweitzer's approximate mean value
/// analysis, R = service x (1 + (users - 1) / users x queue length), queue length = R x throughput and throughput
/// = users / (R + away), which is a quadratic in R. One user never waits (R = service); many users fill the queue
/// until the server is the bottleneck (R = users x service - away), as in a benchmark that keeps a fixed number
/// of requests in flight: their first tokens then wait for the prompts ahead of them.
fn closed_wait(users: f64, service: f64, away: f64) -> f64 {
    let b = users * service - away;
    (b + (b * b + 4.0 * service * away).sqrt()) / 2.0
}

/// The replicas a scenario runs on: one pool aggregated, the prefill and the decode pool disaggregated.
pub fn replicas<'a>(
    arch: &'a Architecture,
    gpu: &'a Gpu,
    s: &Scenario,
    k: &Constants,
) -> Result<Vec<Replica<'a>>, PredictError> {
    let pools = match s.mode {
        Mode::Agg(p) => vec![p],
        Mode::Disagg { prefill, decode } => vec![prefill, decode],
    };
    pools
        .iter()
        .map(|p| {
            check(p)?;
            check_heads(arch, p.par.tp)?;
            Ok(Replica::new(arch, gpu, p.par, s.quant, k))
        })
        .collect()
}

pub fn predict(
    arch: &Architecture,
    gpu: &Gpu,
    s: &Scenario,
    k: &Constants,
    first: &FirstToken,
) -> Result<Prediction, PredictError> {
    predict_on(&replicas(arch, gpu, s, k)?, s, first)
}

/// The prediction on replicas built by `replicas` (kept by a fit, which changes only their constants).
pub fn predict_on(replicas: &[Replica], s: &Scenario, first: &FirstToken) -> Result<Prediction, PredictError> {
    if s.isl == 0 || s.osl == 0 {
        return Err(PredictError::Invalid("isl and osl must be at least 1".into()));
    }
    let isl = s.isl as f64;
    let osl = s.osl as f64;
    let context = isl + osl / 2.0;
    match (s.mode, replicas) {
        (Mode::Agg(pool), [r]) => {
            let (batch, capped) = capacity(r, pool.batch, isl + osl)?;
            let own = r.prefill(1.0, isl);
            // Prefill before a first token runs 4-bit matrix multiplies at the same share of their peak as 8-bit
            // ones: the 4-bit shortfall fitted to decode (small matrix multiplies) does not show on a prompt's
            // large ones (4-bit first tokens take 0.79 of 8-bit ones on the same deployments; fitted as a share of
            // its own, it went to its bound, 1). `own`, riding in decode passes, keeps the fitted share.
            let first_own = r.prefill_at(1.0, isl, 1.0);
            let prefill = first_own.total();
            // The other requests' prompts ride in the decode passes (chunked prefill, mixed batches): they add
            // their FLOPs and their communication, not another pass's weight reads and fixed costs.
            let mixed = own.compute + own.comm;
            let decode = r.decode(batch, context).total();
            let tpot = decode + (batch - 1.0) * mixed / osl;
            let prefill_work = batch * mixed;
            let rho = prefill_work / (prefill_work + osl * decode);
            // Prompts queued ahead run batched with this one or with each other: each adds its FLOPs and its
            // communication, not another pass's weight reads and fixed costs (a batch of prompts is one pass).
            // The engine's iterations are decode steps, not the time per output token: the other prompts' FLOPs
            // that a request's time per output token carries are the queue term's, and counting them per
            // iteration again made first tokens grow as answers get shorter, which the measurements do not
            // (TensorRT-LLM, 157 deployments measured with 128 and with 512 output tokens: 0.99 times the TTFT).
            let mut ttft = first.overhead
                + prefill
                + first.queue * (batch - 1.0) * (first_own.compute + first_own.comm)
                + (first.steps + isl / first.chunk_tokens) * decode;
            if pool.par.dp > 1 {
                // Attention ranks run each pass together, and an engine that balances prompts across them holds a
                // new one back until the other ranks have prompts too, or a timeout passes. Without this term
                // TensorRT-LLM's first tokens under attention DP came out at 0.43 of measured (median, 59
                // aggregated deployments of DeepSeek V3/R1 and gpt-oss-120b); its fitted wait is 25-27 iterations,
                // between the documented 10 and 50.
                ttft += first.dp_steps * decode;
            }
            let cycle_running = ttft + (osl - 1.0) * tpot;
            if let Some(c) = capped {
                // Requests beyond the cache wait for whole cycles of the running batch.
                ttft += (pool.batch as f64 / c as f64 - 1.0) * cycle_running;
            }
            let cycle = ttft + (osl - 1.0) * tpot;
            let gpus = pool.par.gpus();
            let in_flight = pool.batch as f64 * pool.par.dp as f64;
            let per_gpu = in_flight / cycle / gpus as f64;
            Ok(Prediction {
                ttft,
                tpot,
                output_tps_per_gpu: per_gpu * osl,
                input_tps_per_gpu: per_gpu * isl,
                prefill_share: rho,
                gpus,
                capped_batch: capped,
                decode_step: decode,
                prefill_time: prefill,
            })
        }
        (Mode::Disagg { prefill: p, decode: d }, [rp, rd]) => {
            capacity(rp, p.batch, isl)?;
            let (batch, capped) = capacity(rd, d.batch, isl + osl)?;
            // Prefill workers' 4-bit matrix multiplies at the 8-bit share, as aggregated.
            let prefill = rp.prefill_at(p.batch as f64, isl, 1.0).total();
            let decode = rd.decode(batch, context).total();
            let tpot = decode;
            // The cache crosses from the prefill to the decode pool over the network.
            let transfer = isl * rd.cache_bytes_per_request(1.0) * d.par.tp as f64 / rd.gpu.inter_bw;
            let in_flight = (d.batch * d.par.dp * d.workers) as f64;
            let prompts_per_pass = (p.batch * p.par.dp * p.workers) as f64;
            // Each request in flight comes back to the prefill pool after its answer: a closed loop. The pool's
            // time per prompt is `share`; the rest of a pass, every prompt's own, is a fixed delay.
            let share = prefill / prompts_per_pass;
            let fixed = first.overhead + (prefill - share) + transfer + first.steps * tpot;
            let away = fixed + (osl - 1.0) * tpot;
            // Requests that arrive together (a benchmark starts them together, and equal answers keep them in
            // step) also queue behind each other's prompts: `queue` prompts per request in flight, as aggregated.
            let burst = first.queue * (in_flight - 1.0) * share;
            let mut ttft = fixed + burst + closed_wait(in_flight, share, away + burst);
            if let Some(c) = capped {
                ttft += (d.batch as f64 / c as f64 - 1.0) * (ttft + (osl - 1.0) * tpot);
            }
            let cycle = ttft + (osl - 1.0) * tpot;
            let (gp, gd) = (p.par.gpus() * p.workers, d.par.gpus() * d.workers);
            let gpus = gp + gd;
            let requests = in_flight / cycle;
            Ok(Prediction {
                ttft,
                tpot,
                output_tps_per_gpu: requests * osl / gpus as f64,
                input_tps_per_gpu: requests * isl / gpus as f64,
                prefill_share: gp as f64 / gpus as f64,
                gpus,
                capped_batch: capped,
                decode_step: decode,
                prefill_time: prefill,
            })
        }
        _ => Err(PredictError::Invalid(
            "replicas do not match the scenario's pools".into(),
        )),
    }
}

fn check(p: &Pool) -> Result<(), PredictError> {
    let par = &p.par;
    if par.tp == 0 || par.pp == 0 || par.dp == 0 || p.batch == 0 || p.workers == 0 {
        return Err(PredictError::Invalid(
            "parallel sizes, batch and workers must be at least 1".into(),
        ));
    }
    if par.gpus() > 4096 {
        return Err(PredictError::Invalid(format!(
            "{} GPUs in one replica is beyond this model",
            par.gpus()
        )));
    }
    Ok(())
}

/// Tensor parallelism splits attention by heads: engines refuse a split that leaves a GPU a fraction of a head
/// (some measurement exports write a disaggregated deployment's GPU count, such as 36, where the tp size goes).
fn check_heads(arch: &Architecture, tp: u64) -> Result<(), PredictError> {
    let heads = arch
        .layers
        .iter()
        .map(|l| l.attn.query_heads())
        .filter(|&h| h > 0)
        .min();
    match heads {
        Some(h) if tp > 1 && h % tp != 0 => Err(PredictError::Invalid(format!(
            "tp_size {tp} does not divide the model's {h} attention heads: no engine splits attention so"
        ))),
        _ => Ok(()),
    }
}

/// The decode batch the cache allows at `context` tokens per request, and whether that capped the one asked for.
fn capacity(r: &Replica, batch: u64, context: f64) -> Result<(f64, Option<u64>), PredictError> {
    let gpu = r.gpu;
    let Some(max) = r.max_batch(context) else {
        return Err(PredictError::DoesNotFit {
            need: r.weight_bytes_per_gpu() / 1e9,
            have: gpu.mem_bytes * super::step::MEMORY_SHARE / 1e9,
            gpu: gpu.name.clone(),
        });
    };
    if max < 1.0 {
        return Err(PredictError::DoesNotFit {
            need: (r.weight_bytes_per_gpu() + r.cache_bytes_per_request(context)) / 1e9,
            have: gpu.mem_bytes * super::step::MEMORY_SHARE / 1e9,
            gpu: gpu.name.clone(),
        });
    }
    let max = max as u64;
    Ok(if batch > max {
        (max as f64, Some(max))
    } else {
        (batch as f64, None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serving::calibration::Calibration;
    use crate::serving::gpu::Gpus;
    use crate::serving::precision::Precision;

    fn first(dp_steps: f64) -> FirstToken {
        FirstToken {
            overhead: 0.01,
            queue: 0.1,
            steps: 8.0,
            chunk_tokens: 1000.0,
            dp_steps,
        }
    }

    /// The balancing wait under attention DP adds `dp_steps` decode steps to an aggregated first token and
    /// nothing to the time per output token; without attention DP it adds nothing.
    #[test]
    fn attention_dp_waits_its_iterations_before_a_first_token() {
        let arch = crate::serving::bundled::resolve("deepseek-ai/DeepSeek-V3", None).unwrap();
        let gpus = Gpus::bundled();
        let gpu = gpus.find("b200_sxm").unwrap();
        let k = Calibration::shipped().roofline;
        let quant = Quant {
            dense: Precision::Fp8,
            moe: Precision::Fp8,
            cache: Precision::Fp8,
        };
        let attention_dp = Parallel {
            tp: 1,
            pp: 1,
            dp: 8,
            moe_tp: 1,
            moe_ep: 8,
        };
        for par in [Parallel::tensor(8), attention_dp] {
            let s = Scenario {
                quant,
                isl: 1024,
                osl: 1024,
                mode: Mode::Agg(Pool {
                    par,
                    batch: 16,
                    workers: 1,
                }),
            };
            let without = predict(&arch, gpu, &s, &k, &first(0.0)).unwrap();
            let with = predict(&arch, gpu, &s, &k, &first(25.0)).unwrap();
            assert_eq!(without.capped_batch, None);
            assert_eq!(with.tpot, without.tpot);
            let wait = if par.dp > 1 { 25.0 * without.decode_step } else { 0.0 };
            assert!((with.ttft - without.ttft - wait).abs() <= 1e-9 * with.ttft, "{par:?}");
        }
    }

    /// An engine's own collective latency costs two all-reduces per layer of each decode step under tensor
    /// parallelism, and nothing on one GPU; an engine without its own gets the roofline's.
    #[test]
    fn an_engines_collective_latency_is_paid_per_all_reduce() {
        let arch = crate::serving::bundled::resolve("meta-llama/Llama-3.1-70B", None).unwrap();
        let gpus = Gpus::bundled();
        let gpu = gpus.find("b200_sxm").unwrap();
        let mut c = Calibration::shipped();
        let extra = 1e-5;
        let latency = c.roofline.comm_latency + extra;
        c.collective_latency = [("trtllm".to_string(), latency)].into();
        assert_eq!(c.roofline_for("TRTLLM").comm_latency, latency);
        assert_eq!(c.roofline_for("some-engine"), c.roofline);
        for tp in [1, 8] {
            let s = Scenario {
                quant: Quant {
                    dense: Precision::Fp8,
                    moe: Precision::Fp8,
                    cache: Precision::Fp8,
                },
                isl: 1024,
                osl: 1024,
                mode: Mode::Agg(Pool {
                    par: Parallel::tensor(tp),
                    batch: 1,
                    workers: 1,
                }),
            };
            let shared = predict(&arch, gpu, &s, &c.roofline_for("vllm"), &first(0.0)).unwrap();
            let own = predict(&arch, gpu, &s, &c.roofline_for("trtllm"), &first(0.0)).unwrap();
            // One request in flight: the time per output token is the decode step alone, 80 layers of two
            // all-reduces each.
            let more = if tp > 1 { 2.0 * 80.0 * extra } else { 0.0 };
            assert!((own.tpot - shared.tpot - more).abs() <= 1e-9, "tp {tp}");
        }
    }
}
