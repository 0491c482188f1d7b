//! The time of one forward pass on one replica: a roofline (the larger of the time to read the bytes and the time
//! to do the FLOPs, each at a fitted share of the peak) plus tensor- and expert-parallel communication and a fixed
//! cost per layer and per step.
//!
//! A replica is `tp x pp x dp` GPUs: attention runs tensor-parallel over `tp` GPUs in each of `dp` data-parallel
//! groups (attention DP), each with its own requests; MoE experts are spread over `moe_tp x moe_ep` GPUs and see
//! every group's tokens. Pipeline stages run one after another for a token, so they add latency, not speed.

use super::arch::{Architecture, Attention, Ffn};
use super::calibration::Constants;
use super::gpu::Gpu;
use super::precision::Precision;

/// The share of a GPU's memory an engine may fill with weights and cache (engines leave the rest for
/// activations; DeepSeek V3 in 8 bits runs on 4 GB200s, weights at 92% of memory, so the share is at least that).
pub const MEMORY_SHARE: f64 = 0.95;

/// Share of a GPU's network bandwidth that an all-to-all across nodes reaches: DeepEP's published kernels move
/// 43-58 GB/s per H800 over 400 Gb/s (50 GB/s) InfiniBand between 16 to 64 GPUs (deepseek-ai/DeepEP, README).
/// Not fitted: the measurements have almost no traffic between nodes to fit it on.
pub const NETWORK_SHARE: f64 = 0.85;

/// How a replica splits the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallel {
    pub tp: u64,
    pub pp: u64,
    /// Attention data parallelism: groups of `tp` GPUs, each with its own batch.
    pub dp: u64,
    pub moe_tp: u64,
    pub moe_ep: u64,
}

impl Parallel {
    pub fn tensor(tp: u64) -> Parallel {
        Parallel {
            tp,
            pp: 1,
            dp: 1,
            moe_tp: tp,
            moe_ep: 1,
        }
    }

    pub fn gpus(&self) -> u64 {
        self.tp * self.pp * self.dp
    }

    /// GPUs the experts are spread over.
    fn expert_gpus(&self) -> u64 {
        (self.moe_tp * self.moe_ep).max(1)
    }

    pub fn describe(&self) -> String {
        let mut s = format!("TP{}", self.tp);
        if self.pp > 1 {
            s += &format!(" PP{}", self.pp);
        }
        if self.dp > 1 {
            s += &format!(" DP{}", self.dp);
        }
        if self.moe_ep > 1 {
            s += &format!(" EP{}", self.moe_ep);
        }
        s
    }
}

/// The number formats a deployment runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quant {
    /// Attention projections and dense feed-forward blocks.
    pub dense: Precision,
    /// Routed experts.
    pub moe: Precision,
    /// The KV cache (its bytes per element come from `Precision::cache_bytes`).
    pub cache: Precision,
}

impl Quant {
    pub fn uniform(p: Precision) -> Quant {
        Quant {
            dense: p,
            moe: p,
            cache: p,
        }
    }
}

/// The parts of one pass's time, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Step {
    /// Time to read the pass's bytes and to do its FLOPs, each over the whole pass.
    pub memory: f64,
    pub compute: f64,
    /// The pass's roofline: for each kind of kernel (dense matrix multiplies, experts, attention) the larger of
    /// its bytes and its FLOPs, summed. Kernels run one after another, so a memory-bound attention does not hide
    /// behind compute-bound matrix multiplies: this is at least `memory.max(compute)`.
    pub bound: f64,
    pub comm: f64,
    pub overhead: f64,
}

/// The bytes and FLOP time of one kind of kernel in a pass.
#[derive(Debug, Clone, Copy, Default)]
struct Part {
    bytes: f64,
    secs: f64,
}

impl Step {
    pub fn total(&self) -> f64 {
        self.bound + self.comm + self.overhead
    }
}

/// Layers that cost the same, counted once.
#[derive(Debug, Clone)]
struct AttnGroup {
    count: f64,
    attn: Attention,
}

#[derive(Debug, Clone)]
struct MoeGroup {
    count: f64,
    experts: f64,
    top_k: f64,
    expert_params: f64,
}

/// A model on one replica, with what does not depend on the batch worked out once.
#[derive(Debug, Clone)]
pub struct Replica<'a> {
    pub arch: &'a Architecture,
    pub gpu: &'a Gpu,
    pub par: Parallel,
    pub quant: Quant,
    pub k: Constants,
    attn: Vec<AttnGroup>,
    moe: Vec<MoeGroup>,
    /// Parameters every token uses, split over `tp` (attention, dense blocks, shared experts, routers).
    dense_params: f64,
    head_params: f64,
    moe_layers: f64,
    layers: f64,
}

impl<'a> Replica<'a> {
    pub fn new(arch: &'a Architecture, gpu: &'a Gpu, par: Parallel, quant: Quant, k: &Constants) -> Self {
        let d = arch.hidden;
        let mut attn: Vec<AttnGroup> = Vec::new();
        let mut moe: Vec<MoeGroup> = Vec::new();
        let mut dense_params = 0.0;
        let mut moe_layers = 0.0;
        for l in &arch.layers {
            match attn.iter_mut().find(|g| g.attn == l.attn) {
                Some(g) => g.count += 1.0,
                None => attn.push(AttnGroup {
                    count: 1.0,
                    attn: l.attn.clone(),
                }),
            }
            dense_params += l.attn.params(d) as f64;
            match l.ffn {
                Ffn::Dense { .. } => dense_params += l.ffn.expert_params(d) as f64,
                Ffn::Moe { experts, top_k, .. } => {
                    moe_layers += 1.0;
                    dense_params += l.ffn.shared_params(d) as f64;
                    let (e, k, p) = (experts as f64, top_k as f64, l.ffn.expert_params(d) as f64);
                    match moe
                        .iter_mut()
                        .find(|g| g.experts == e && g.top_k == k && g.expert_params == p)
                    {
                        Some(g) => g.count += 1.0,
                        None => moe.push(MoeGroup {
                            count: 1.0,
                            experts: e,
                            top_k: k,
                            expert_params: p,
                        }),
                    }
                }
            }
        }
        Replica {
            arch,
            gpu,
            par,
            quant,
            k: *k,
            attn,
            moe,
            dense_params,
            head_params: (arch.vocab * d) as f64,
            moe_layers,
            layers: arch.layers.len() as f64,
        }
    }

    fn tp(&self) -> f64 {
        self.par.tp as f64
    }

    /// Bytes of weights each GPU holds.
    pub fn weight_bytes_per_gpu(&self) -> f64 {
        let embed = self.head_params * if self.arch.tied_embeddings { 1.0 } else { 2.0 };
        let dense = (self.dense_params * self.quant.dense.weight_bytes() + embed * 2.0) / self.tp();
        let experts: f64 = self.moe.iter().map(|g| g.count * g.experts * g.expert_params).sum();
        (dense + experts * self.quant.moe.weight_bytes() / self.par.expert_gpus() as f64) / self.par.pp as f64
    }

    /// Cache bytes one request holds on each GPU at `context` tokens.
    pub fn cache_bytes_per_request(&self, context: f64) -> f64 {
        let b = self.quant.cache.cache_bytes();
        let per_layer: f64 = self
            .attn
            .iter()
            .map(|g| {
                let a = &g.attn;
                let split = a.kv_split(self.par.tp) as f64;
                g.count
                    * ((a.kv_per_token() as f64 * a.attended(context) * b + a.state() as f64 * 4.0) / split
                        + a.index_per_token() as f64 * context)
            })
            .sum();
        per_layer / self.par.pp as f64
    }

    /// Requests each attention group can hold at `context` tokens each, after the weights, in the share of memory
    /// engines give themselves (`MEMORY_SHARE`); None when the weights alone do not fit.
    pub fn max_batch(&self, context: f64) -> Option<f64> {
        let free = self.gpu.mem_bytes * MEMORY_SHARE - self.weight_bytes_per_gpu();
        (free > 0.0).then(|| (free / self.cache_bytes_per_request(context)).floor())
    }

    /// Share of a layer's experts that `tokens` tokens touch between them: 1 - (1 - k/E)^tokens.
    fn touched(g: &MoeGroup, tokens: f64) -> f64 {
        1.0 - (1.0 - g.top_k / g.experts).powf(tokens)
    }

    /// Bytes per second a collective over `n` GPUs moves per GPU: the fitted share of NVLink within a node, a
    /// fixed share of the network across nodes (`NETWORK_SHARE`).
    fn collective_bw(&self, n: u64) -> f64 {
        // Racks whose "network" is NVLink (GB200 and GB300 NVL72) reach the NVLink share across trays too.
        let share = if n <= self.gpu.gpus_per_node || self.gpu.inter_bw >= self.gpu.intra_bw {
            self.k.comm_eff
        } else {
            NETWORK_SHARE
        };
        self.gpu.link_bw(n) * share
    }

    fn all_reduce(&self, bytes: f64, n: u64) -> f64 {
        if n <= 1 {
            return 0.0;
        }
        let n_f = n as f64;
        self.k.comm_latency + 2.0 * (n_f - 1.0) / n_f * bytes / self.collective_bw(n)
    }

    fn all_to_all(&self, bytes: f64, n: u64) -> f64 {
        if n <= 1 {
            return 0.0;
        }
        let n_f = n as f64;
        self.k.comm_latency + (n_f - 1.0) / n_f * bytes / self.collective_bw(n)
    }

    /// Communication of one pass over `tokens` tokens per attention group: two all-reduces per layer under tensor
    /// parallelism, a dispatch and a combine per MoE layer under expert parallelism with attention DP, a hop
    /// between stages.
    fn comm(&self, tokens: f64) -> f64 {
        let act = tokens * self.arch.hidden as f64 * 2.0;
        let mut t = 2.0 * self.layers * self.all_reduce(act, self.par.tp);
        // Under tensor-parallel attention every GPU of the group holds every token: each runs its own experts on
        // them and the layer's second all-reduce sums the results, so experts need no exchange of their own.
        // Only attention-DP groups, each with its own tokens, send them to the experts' GPUs and back.
        if self.moe_layers > 0.0 && self.par.moe_ep > 1 && self.par.dp > 1 {
            let k = self.moe.first().map_or(1.0, |g| g.top_k);
            // Dispatch in 8 bits, combine in 16.
            let bytes = tokens * k * self.arch.hidden as f64 * 1.5;
            t += 2.0 * self.moe_layers * self.all_to_all(bytes, self.par.expert_gpus());
        }
        if self.par.pp > 1 {
            t += (self.par.pp - 1) as f64 * (self.k.comm_latency + act / self.gpu.inter_bw);
        }
        t
    }

    /// FLOP/s of a matrix multiply with weights at `p`, 4-bit ones at their share of the advertised peak.
    fn flops(&self, p: Precision) -> f64 {
        self.flops_at(p, self.k.fp4_eff)
    }

    /// FLOP/s of a matrix multiply with weights at `p`, 4-bit ones at `fp4_eff` of the advertised peak.
    fn flops_at(&self, p: Precision, fp4_eff: f64) -> f64 {
        let peak = self.gpu.flops(p);
        if p == Precision::Fp4 && self.gpu.fp4_flops.is_some() {
            peak * fp4_eff
        } else {
            peak
        }
    }

    fn overhead(&self) -> f64 {
        self.k.step_overhead + self.k.layer_overhead * self.layers
    }

    /// A pass from its kernels' bytes and FLOP time.
    fn step(&self, parts: [Part; 3], comm: f64) -> Step {
        let bw = self.gpu.mem_bw * self.k.mem_eff;
        Step {
            memory: parts.iter().map(|p| p.bytes).sum::<f64>() / bw,
            compute: parts.iter().map(|p| p.secs).sum(),
            bound: parts.iter().map(|p| (p.bytes / bw).max(p.secs)).sum(),
            comm,
            overhead: self.overhead(),
        }
    }

    /// One decode step: `batch` requests in each attention group, each with `context` tokens cached.
    pub fn decode(&self, batch: f64, context: f64) -> Step {
        let tp = self.tp();
        let eff = self.k.decode_flops_eff;
        let all_tokens = batch * self.par.dp as f64;
        let (wd, wm) = (self.quant.dense.weight_bytes(), self.quant.moe.weight_bytes());
        let dense = Part {
            bytes: self.dense_params * wd / tp + self.head_params * 2.0 / tp,
            secs: 2.0 * batch * (self.dense_params + self.head_params) / tp / self.flops(self.quant.dense) / eff,
        };
        let mut moe = Part::default();
        for g in &self.moe {
            let per_gpu = g.count * g.experts * g.expert_params / self.par.expert_gpus() as f64;
            moe.bytes += per_gpu * Self::touched(g, all_tokens) * wm;
            moe.secs += 2.0 * all_tokens * g.count * g.top_k * g.expert_params
                / self.par.expert_gpus() as f64
                / self.flops(self.quant.moe)
                / eff;
        }
        let mut attn = Part::default();
        for g in &self.attn {
            let a = &g.attn;
            let seen = a.attended(context);
            let split = a.kv_split(self.par.tp) as f64;
            let cache = a.kv_per_token() as f64 * seen * self.quant.cache.cache_bytes() + 2.0 * a.state() as f64 * 4.0;
            attn.bytes += g.count * batch * (cache / split + a.index_per_token() as f64 * context);
            let mut flops = g.count * batch * a.flops_per_token(seen) / tp;
            if let Attention::Mla { sparse: Some(s), .. } = a {
                flops += g.count * batch * 2.0 * (s.index_heads * s.index_dim) as f64 * context / tp;
            }
            attn.secs += flops / self.gpu.bf16_flops / eff;
        }
        self.step([dense, moe, attn], self.comm(batch))
    }

    /// Prefill of `prompts` prompts of `isl` tokens in each attention group (all groups busy alike), from an
    /// empty cache.
    pub fn prefill(&self, prompts: f64, isl: f64) -> Step {
        self.prefill_at(prompts, isl, self.k.fp4_eff)
    }

    /// `prefill`, with 4-bit matrix multiplies at `fp4_eff` of their advertised peak.
    pub fn prefill_at(&self, prompts: f64, isl: f64, fp4_eff: f64) -> Step {
        let tokens = prompts * isl;
        let tp = self.tp();
        let eff = self.k.prefill_flops_eff;
        let all_tokens = tokens * self.par.dp as f64;
        let dense = Part {
            bytes: self.dense_params * self.quant.dense.weight_bytes() / tp,
            secs: 2.0 * tokens * self.dense_params / tp / self.flops_at(self.quant.dense, fp4_eff) / eff,
        };
        let mut moe = Part::default();
        for g in &self.moe {
            let per_gpu = g.count * g.experts * g.expert_params / self.par.expert_gpus() as f64;
            moe.bytes += per_gpu * Self::touched(g, all_tokens) * self.quant.moe.weight_bytes();
            moe.secs += 2.0 * all_tokens * g.count * g.top_k * g.expert_params
                / self.par.expert_gpus() as f64
                / self.flops_at(self.quant.moe, fp4_eff)
                / eff;
        }
        let mut attn = Part::default();
        for g in &self.attn {
            let a = &g.attn;
            // Causal: token i of a prompt attends to i tokens, min(i, window) with a window.
            let mean_seen = match a.attended(isl) {
                w if w < isl => w * (1.0 - w / (2.0 * isl)),
                _ => isl / 2.0,
            };
            let per_token = match *a {
                // Prefill runs MLA in its expanded form: per head, nope+rope keys and v_dim values.
                Attention::Mla {
                    heads,
                    nope,
                    rope,
                    v_dim,
                    ..
                } => 2.0 * (heads * (nope + rope + v_dim)) as f64 * mean_seen,
                _ => a.flops_per_token(mean_seen),
            };
            attn.secs += g.count * tokens * per_token / tp / self.gpu.bf16_flops / eff;
            attn.bytes += g.count * tokens * a.kv_per_token() as f64 * self.quant.cache.cache_bytes()
                / a.kv_split(self.par.tp) as f64;
        }
        self.step([dense, moe, attn], self.comm(tokens))
    }
}
