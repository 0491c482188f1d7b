//! A model's architecture as the serving model needs it: per layer, what attention reads and computes and what the
//! feed-forward block holds. `read.rs` builds it from a Hugging Face `config.json`.
//!
//! Counts are in parameters and elements, not bytes: the precision a deployment runs at turns them into bytes.

mod read;

pub use read::{ArchError, parse_config};

/// How a layer attends.
#[derive(Debug, Clone, PartialEq)]
pub enum Attention {
    /// Multi-head or grouped-query attention; `window` bounds the context of a sliding-window (or chunked) layer.
    Gqa {
        q_heads: u64,
        kv_heads: u64,
        head_dim: u64,
        window: Option<u64>,
        /// Qwen3.5's gated attention doubles the query projection.
        output_gate: bool,
    },
    /// DeepSeek's multi-head latent attention: the cache holds one latent vector (`kv_lora + rope`) per token and
    /// layer, shared by every head. `sparse` is DeepSeek Sparse Attention: each query attends to `top_k` tokens
    /// chosen by a small indexer that scores every cached token with `index_heads x index_dim` keys.
    Mla {
        heads: u64,
        q_lora: u64,
        kv_lora: u64,
        nope: u64,
        rope: u64,
        v_dim: u64,
        sparse: Option<Sparse>,
    },
    /// Linear attention (gated delta rule): a fixed-size state per request, no cache that grows with context.
    Linear {
        k_heads: u64,
        v_heads: u64,
        k_dim: u64,
        v_dim: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sparse {
    pub top_k: u64,
    pub index_heads: u64,
    pub index_dim: u64,
}

/// A layer's feed-forward block (gated: three matrices per expert).
#[derive(Debug, Clone, PartialEq)]
pub enum Ffn {
    Dense {
        inter: u64,
    },
    Moe {
        experts: u64,
        top_k: u64,
        inter: u64,
        shared_inter: u64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub attn: Attention,
    pub ffn: Ffn,
}

/// A decoder-only model, layer by layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Architecture {
    /// `model_type` as the config names it (`generic` readings say so in `note`).
    pub family: String,
    pub hidden: u64,
    pub vocab: u64,
    pub tied_embeddings: bool,
    pub layers: Vec<Layer>,
    /// How the config was read, when not by its own family's rules.
    pub note: Option<String>,
}

impl Attention {
    /// Weight parameters of the attention block.
    pub fn params(&self, d: u64) -> u64 {
        match *self {
            Attention::Gqa {
                q_heads,
                kv_heads,
                head_dim,
                output_gate,
                ..
            } => {
                let q = q_heads * head_dim * if output_gate { 2 } else { 1 };
                d * q + 2 * d * kv_heads * head_dim + q_heads * head_dim * d
            }
            Attention::Mla {
                heads,
                q_lora,
                kv_lora,
                nope,
                rope,
                v_dim,
                sparse,
            } => {
                let q = if q_lora > 0 {
                    d * q_lora + q_lora * heads * (nope + rope)
                } else {
                    d * heads * (nope + rope)
                };
                let kv = d * (kv_lora + rope) + kv_lora * heads * (nope + v_dim);
                let index = sparse.map_or(0, |s| {
                    q_lora.max(d) * s.index_heads * s.index_dim + d * s.index_dim + d * s.index_heads
                });
                q + kv + heads * v_dim * d + index
            }
            Attention::Linear {
                k_heads,
                v_heads,
                k_dim,
                v_dim,
            } => {
                // q, k, v and the output gate z in; decay and beta per value head; one projection out.
                d * (2 * k_heads * k_dim + 2 * v_heads * v_dim) + d * 2 * v_heads + v_heads * v_dim * d
            }
        }
    }

    /// Cache elements one token adds to this layer (keys and values, or the latent); linear layers add none.
    pub fn kv_per_token(&self) -> u64 {
        match *self {
            Attention::Gqa { kv_heads, head_dim, .. } => 2 * kv_heads * head_dim,
            Attention::Mla { kv_lora, rope, .. } => kv_lora + rope,
            Attention::Linear { .. } => 0,
        }
    }

    /// Elements of the indexer's key cache per token (DeepSeek Sparse Attention), read for every cached token.
    pub fn index_per_token(&self) -> u64 {
        match *self {
            Attention::Mla { sparse: Some(s), .. } => s.index_dim,
            _ => 0,
        }
    }

    /// The fixed recurrent state of a linear layer, in elements per request.
    pub fn state(&self) -> u64 {
        match *self {
            Attention::Linear {
                v_heads, k_dim, v_dim, ..
            } => v_heads * k_dim * v_dim,
            _ => 0,
        }
    }

    /// How many of `context` cached tokens a new token attends to.
    pub fn attended(&self, context: f64) -> f64 {
        match *self {
            Attention::Gqa { window: Some(w), .. } => context.min(w as f64),
            Attention::Mla { sparse: Some(s), .. } => context.min(s.top_k as f64),
            Attention::Linear { .. } => 0.0,
            _ => context,
        }
    }

    /// Attention FLOPs of one new token against `attended` tokens (scores and weighted sum; the latent form for
    /// MLA, as engines run it in decode), excluding the projections counted in `params`.
    pub fn flops_per_token(&self, attended: f64) -> f64 {
        match *self {
            Attention::Gqa { q_heads, head_dim, .. } => 4.0 * (q_heads * head_dim) as f64 * attended,
            Attention::Mla {
                heads, kv_lora, rope, ..
            } => 2.0 * (heads * (2 * kv_lora + rope)) as f64 * attended,
            Attention::Linear {
                v_heads, k_dim, v_dim, ..
            } => 6.0 * (v_heads * k_dim * v_dim) as f64,
        }
    }

    /// Heads a tensor-parallel split divides the cache across (MLA's latent is whole on every rank).
    /// Query heads (value heads of linear attention): tensor parallelism gives each GPU a whole number of them.
    pub fn query_heads(&self) -> u64 {
        match *self {
            Attention::Gqa { q_heads, .. } => q_heads,
            Attention::Mla { heads, .. } => heads,
            Attention::Linear { v_heads, .. } => v_heads,
        }
    }

    pub fn kv_split(&self, tp: u64) -> u64 {
        match *self {
            Attention::Gqa { kv_heads, .. } => tp.min(kv_heads).max(1),
            Attention::Mla { .. } => 1,
            Attention::Linear { v_heads, .. } => tp.min(v_heads).max(1),
        }
    }
}

impl Ffn {
    /// Parameters of one expert (or of the dense block), and of the always-on shared expert.
    pub fn expert_params(&self, d: u64) -> u64 {
        match *self {
            Ffn::Dense { inter } => 3 * d * inter,
            Ffn::Moe { inter, .. } => 3 * d * inter,
        }
    }

    pub fn shared_params(&self, d: u64) -> u64 {
        match *self {
            Ffn::Dense { .. } => 0,
            Ffn::Moe {
                shared_inter, experts, ..
            } => 3 * d * shared_inter + d * experts,
        }
    }

    /// Every parameter of the block, and those one token uses.
    pub fn params(&self, d: u64) -> (u64, u64) {
        match *self {
            Ffn::Dense { .. } => (self.expert_params(d), self.expert_params(d)),
            Ffn::Moe { experts, top_k, .. } => {
                let shared = self.shared_params(d);
                (
                    experts * self.expert_params(d) + shared,
                    top_k * self.expert_params(d) + shared,
                )
            }
        }
    }
}

impl Architecture {
    /// Total parameters, embeddings and output head included.
    pub fn total_params(&self) -> u64 {
        self.body(|f| f.0) + self.embedding_params()
    }

    /// Parameters one token uses (MoE: its top-k experts) and the output head; not the input embedding, whose
    /// lookup reads one row (the way OpenAI's and DeepSeek's model cards count active parameters).
    pub fn active_params(&self) -> u64 {
        self.body(|f| f.1) + self.vocab * self.hidden
    }

    fn embedding_params(&self) -> u64 {
        self.vocab * self.hidden * if self.tied_embeddings { 1 } else { 2 }
    }

    fn body(&self, pick: impl Fn((u64, u64)) -> u64) -> u64 {
        let d = self.hidden;
        self.layers
            .iter()
            .map(|l| l.attn.params(d) + pick(l.ffn.params(d)))
            .sum()
    }

    pub fn is_moe(&self) -> bool {
        self.layers.iter().any(|l| matches!(l.ffn, Ffn::Moe { .. }))
    }

    /// Cache elements per token over all layers (without the indexer's keys), for capacity and explanations.
    pub fn kv_per_token(&self) -> u64 {
        self.layers.iter().map(|l| l.attn.kv_per_token()).sum()
    }

    /// One line for people: size, kind and cache per token.
    pub fn summary(&self) -> String {
        let b = |n: u64| n as f64 / 1e9;
        let kind = if self.is_moe() {
            format!(
                "MoE, {:.0}B total / {:.1}B active",
                b(self.total_params()),
                b(self.active_params())
            )
        } else {
            format!("dense, {:.1}B", b(self.total_params()))
        };
        format!("{} ({kind}, {} layers)", self.family, self.layers.len())
    }
}

#[cfg(test)]
mod tests;
