//! Reading a Hugging Face `config.json` by its `model_type` family into an `Architecture`.
//!
//! Multimodal configs keep the language model under `text_config`, whose family is the one read. A family this
//! module does not know is read as a generic decoder (dense, or MoE when expert fields are present); any field the
//! reading needs and the file lacks is named in the error, all at once.

use serde_json::{Map, Value};

use super::{Architecture, Attention, Ffn, Layer, Sparse};

#[derive(Debug, thiserror::Error)]
pub enum ArchError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("no `model_type`: cannot tell the architecture's family")]
    NoFamily,
    #[error("family `{family}` is not modelled: {why}")]
    Unsupported { family: String, why: &'static str },
    #[error("{reading} lacks {}: {}", if .missing.len() == 1 { "a field" } else { "fields" }, .missing.join(", "))]
    Missing { reading: String, missing: Vec<String> },
    #[error("field `{field}`: {why}")]
    Invalid { field: String, why: String },
}

/// Families whose layers need arithmetic this model does not have.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("nemotron_h", "hybrid Mamba-2 layers"),
    ("nemotron-nas", "per-layer neural-architecture-search blocks"),
    ("deepseek_v4", "compressed sparse attention and hyper-connections"),
    ("deepseek_ref", "compressed sparse attention and hyper-connections"),
    ("minimax_m3", "mixed lightning and softmax attention"),
    ("minimax_m3_vl", "mixed lightning and softmax attention"),
    ("step3p7", "its attention and expert layout"),
    ("gemma4", "per-layer embeddings and mixed head sizes"),
    ("kimi_linear", "Kimi delta attention"),
    ("kimi_k3", "Kimi delta attention"),
    ("mimo_v2_flash", "mixed sliding-window head layouts"),
];

/// Reads a config's text; `what` names it in errors.
pub fn parse_config(text: &str) -> Result<Architecture, ArchError> {
    let root: Value = serde_json::from_str(text).map_err(|e| ArchError::Json(e.to_string()))?;
    let root = root
        .as_object()
        .ok_or_else(|| ArchError::Json("not a JSON object".into()))?;
    let text_cfg = root.get("text_config").and_then(Value::as_object);
    let fields = Fields {
        main: text_cfg.unwrap_or(root),
        outer: root,
        missing: Vec::new(),
    };
    let family = text_cfg
        .and_then(|t| t.get("model_type"))
        .or_else(|| root.get("model_type"))
        .and_then(Value::as_str)
        .ok_or(ArchError::NoFamily)?;
    let family = family.strip_suffix("_text").unwrap_or(family).to_string();
    if let Some((_, why)) = UNSUPPORTED.iter().find(|(f, _)| *f == family) {
        return Err(ArchError::Unsupported { family, why });
    }
    read(fields, &family)
}

/// The fields of one config, and the names of those asked for and absent.
struct Fields<'a> {
    main: &'a Map<String, Value>,
    outer: &'a Map<String, Value>,
    missing: Vec<String>,
}

impl Fields<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.main.get(key).filter(|v| !v.is_null())
    }

    fn opt(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(Value::as_u64)
    }

    /// A required count: 0 stands in, and the name is recorded, when it is absent.
    fn need(&mut self, key: &str) -> u64 {
        self.opt(key).unwrap_or_else(|| {
            self.missing.push(key.to_string());
            0
        })
    }

    /// The first of several names a count goes by.
    fn need_any(&mut self, keys: &[&str]) -> u64 {
        keys.iter().find_map(|k| self.opt(k)).unwrap_or_else(|| {
            self.missing.push(keys.join(" or "));
            0
        })
    }

    fn flag(&self, key: &str) -> Option<bool> {
        self.get(key)
            .and_then(Value::as_bool)
            .or_else(|| self.outer.get(key).and_then(Value::as_bool))
    }

    fn strings(&self, key: &str) -> Option<Vec<&str>> {
        self.get(key)?.as_array()?.iter().map(Value::as_str).collect()
    }

    fn numbers(&self, key: &str) -> Vec<u64> {
        self.get(key)
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_u64).collect())
    }
}

/// The shapes every reading shares.
struct Common {
    hidden: u64,
    layers: u64,
    heads: u64,
    kv_heads: u64,
    head_dim: u64,
    vocab: u64,
}

fn common(f: &mut Fields) -> Common {
    let hidden = f.need("hidden_size");
    let layers = f.need("num_hidden_layers");
    let heads = f.need("num_attention_heads");
    let vocab = f.need("vocab_size");
    let kv_heads = f.opt("num_key_value_heads").unwrap_or(heads);
    let head_dim = f.opt("head_dim").unwrap_or(hidden.checked_div(heads).unwrap_or(0));
    Common {
        hidden,
        layers,
        heads,
        kv_heads,
        head_dim,
        vocab,
    }
}

fn gqa(c: &Common, window: Option<u64>) -> Attention {
    Attention::Gqa {
        q_heads: c.heads,
        kv_heads: c.kv_heads,
        head_dim: c.head_dim,
        window,
        output_gate: false,
    }
}

fn read(mut f: Fields, family: &str) -> Result<Architecture, ArchError> {
    let c = common(&mut f);
    let mut note = None;
    let layers: Vec<Layer> = match family {
        "llama" | "qwen2" | "qwen3" | "qwen3_vl" | "mistral" | "mimo" => {
            let inter = f.need("intermediate_size");
            (0..c.layers)
                .map(|i| Layer {
                    attn: gqa(&c, qwen_window(&f, i)),
                    ffn: Ffn::Dense { inter },
                })
                .collect()
        }
        "qwen2_moe" | "qwen3_moe" | "qwen3_vl_moe" => {
            let moe = moe(&mut f, &["num_experts"], "moe_intermediate_size");
            let dense = f.opt("intermediate_size").unwrap_or(0);
            let step = f.opt("decoder_sparse_step").unwrap_or(1).max(1);
            let only_mlp = f.numbers("mlp_only_layers");
            (0..c.layers)
                .map(|i| {
                    let is_moe = !only_mlp.contains(&i) && (i + 1) % step == 0;
                    let ffn = if is_moe {
                        moe.clone()
                    } else {
                        Ffn::Dense { inter: dense }
                    };
                    Layer {
                        attn: gqa(&c, qwen_window(&f, i)),
                        ffn,
                    }
                })
                .collect()
        }
        "mixtral" | "minimax_m2" => {
            let ffn = moe(&mut f, &["num_local_experts"], "intermediate_size");
            let window = f.opt("sliding_window");
            (0..c.layers)
                .map(|_| Layer {
                    attn: gqa(&c, window),
                    ffn: ffn.clone(),
                })
                .collect()
        }
        "gpt_oss" => {
            let ffn = moe(&mut f, &["num_local_experts"], "intermediate_size");
            let window = f.need("sliding_window");
            let types = f.strings("layer_types").unwrap_or_default();
            (0..c.layers)
                .map(|i| {
                    let sliding = types.get(i as usize).map_or(i % 2 == 0, |t| *t == "sliding_attention");
                    Layer {
                        attn: gqa(&c, sliding.then_some(window)),
                        ffn: ffn.clone(),
                    }
                })
                .collect()
        }
        "llama4" => llama4(&mut f, &c),
        "deepseek_v3" | "deepseek_v32" | "kimi_k2" | "glm_moe_dsa" => mla(&mut f, &c, family),
        "qwen3_5" | "qwen3_5_moe" => qwen35(&mut f, &c, family == "qwen3_5_moe"),
        _ => {
            let experts = ["num_local_experts", "num_experts", "n_routed_experts"]
                .iter()
                .find_map(|k| f.opt(k));
            note = Some(format!("unknown family `{family}`, read as a generic decoder"));
            let ffn = if experts.is_some_and(|e| e > 1) {
                moe(
                    &mut f,
                    &["num_local_experts", "num_experts", "n_routed_experts"],
                    "moe_intermediate_size",
                )
            } else {
                Ffn::Dense {
                    inter: f.need("intermediate_size"),
                }
            };
            (0..c.layers)
                .map(|_| Layer {
                    attn: gqa(&c, None),
                    ffn: ffn.clone(),
                })
                .collect()
        }
    };
    if !f.missing.is_empty() {
        let reading = match &note {
            Some(n) => format!("config.json ({n})"),
            None => format!("config.json of family `{family}`"),
        };
        f.missing.dedup();
        return Err(ArchError::Missing {
            reading,
            missing: f.missing,
        });
    }
    let arch = Architecture {
        family: family.to_string(),
        hidden: c.hidden,
        vocab: c.vocab,
        tied_embeddings: f.flag("tie_word_embeddings").unwrap_or(false),
        layers,
        note,
    };
    check(&arch)?;
    Ok(arch)
}

/// Qwen2's convention: with `use_sliding_window`, layers from `max_window_layers` on use the window.
fn qwen_window(f: &Fields, i: u64) -> Option<u64> {
    if f.flag("use_sliding_window") != Some(true) {
        return None;
    }
    let from = f.opt("max_window_layers").unwrap_or(0);
    f.opt("sliding_window").filter(|_| i >= from)
}

fn moe(f: &mut Fields, experts_key: &[&str], inter_key: &str) -> Ffn {
    let experts = f.need_any(experts_key);
    let top_k = f.need_any(&["num_experts_per_tok", "experts_per_token"]);
    let inter = f.need(inter_key);
    let shared_inter = ["shared_expert_intermediate_size", "shared_intermediate_size"]
        .iter()
        .find_map(|k| f.opt(k))
        .unwrap_or(0);
    Ffn::Moe {
        experts,
        top_k,
        inter,
        shared_inter,
    }
}

/// Llama 4: MoE every `interleave_moe_layer_step` layers with one shared expert, and chunked attention on three
/// layers of four (every fourth is global).
fn llama4(f: &mut Fields, c: &Common) -> Vec<Layer> {
    let experts = f.need("num_local_experts");
    let top_k = f.need("num_experts_per_tok");
    let inter = f.need("intermediate_size");
    let dense = f.opt("intermediate_size_mlp").unwrap_or(inter);
    let step = f.opt("interleave_moe_layer_step").unwrap_or(1).max(1);
    let listed = f.numbers("moe_layers");
    let chunk = f.opt("attention_chunk_size");
    (0..c.layers)
        .map(|i| {
            let is_moe = if listed.is_empty() {
                (i + 1) % step == 0
            } else {
                listed.contains(&i)
            };
            let ffn = if is_moe {
                Ffn::Moe {
                    experts,
                    top_k,
                    inter,
                    shared_inter: inter,
                }
            } else {
                Ffn::Dense { inter: dense }
            };
            let window = chunk.filter(|_| (i + 1) % 4 != 0);
            Layer {
                attn: gqa(c, window),
                ffn,
            }
        })
        .collect()
}

/// DeepSeek V3 and its kin: latent attention, the first `first_k_dense_replace` layers dense, then MoE with
/// `n_shared_experts` always-on experts; V3.2 and GLM-5 add sparse attention's indexer.
fn mla(f: &mut Fields, c: &Common, family: &str) -> Vec<Layer> {
    let sparse = matches!(family, "deepseek_v32" | "glm_moe_dsa").then(|| Sparse {
        top_k: f.need("index_topk"),
        index_heads: f.need("index_n_heads"),
        index_dim: f.need("index_head_dim"),
    });
    let attn = Attention::Mla {
        heads: c.heads,
        q_lora: f.opt("q_lora_rank").unwrap_or(0),
        kv_lora: f.need("kv_lora_rank"),
        nope: f.need("qk_nope_head_dim"),
        rope: f.need("qk_rope_head_dim"),
        v_dim: f.need("v_head_dim"),
        sparse,
    };
    let experts = f.need("n_routed_experts");
    let top_k = f.need("num_experts_per_tok");
    let inter = f.need("moe_intermediate_size");
    let shared = f.opt("n_shared_experts").unwrap_or(0);
    let dense = f.need("intermediate_size");
    let first_dense = f.opt("first_k_dense_replace").unwrap_or(0);
    let freq = f.opt("moe_layer_freq").unwrap_or(1).max(1);
    (0..c.layers)
        .map(|i| {
            let ffn = if i >= first_dense && i % freq == 0 {
                Ffn::Moe {
                    experts,
                    top_k,
                    inter,
                    shared_inter: shared * inter,
                }
            } else {
                Ffn::Dense { inter: dense }
            };
            Layer {
                attn: attn.clone(),
                ffn,
            }
        })
        .collect()
}

/// Qwen3.5: gated linear attention on most layers, gated full attention every `full_attention_interval`.
fn qwen35(f: &mut Fields, c: &Common, is_moe: bool) -> Vec<Layer> {
    let linear = Attention::Linear {
        k_heads: f.need("linear_num_key_heads"),
        v_heads: f.need("linear_num_value_heads"),
        k_dim: f.need("linear_key_head_dim"),
        v_dim: f.need("linear_value_head_dim"),
    };
    let full = Attention::Gqa {
        q_heads: c.heads,
        kv_heads: c.kv_heads,
        head_dim: c.head_dim,
        window: None,
        output_gate: f.flag("attn_output_gate").unwrap_or(true),
    };
    let ffn = if is_moe {
        moe(f, &["num_experts"], "moe_intermediate_size")
    } else {
        Ffn::Dense {
            inter: f.need("intermediate_size"),
        }
    };
    let types = f.strings("layer_types");
    let interval = f.opt("full_attention_interval").unwrap_or(4).max(1);
    (0..c.layers)
        .map(|i| {
            let is_full = match &types {
                Some(t) => t.get(i as usize).is_some_and(|t| *t == "full_attention"),
                None => (i + 1) % interval == 0,
            };
            Layer {
                attn: if is_full { full.clone() } else { linear.clone() },
                ffn: ffn.clone(),
            }
        })
        .collect()
}

/// Shapes the arithmetic cannot use: a model of no layers, or top-k above the experts.
fn check(arch: &Architecture) -> Result<(), ArchError> {
    let bad = |field: &str, why: &str| {
        Err(ArchError::Invalid {
            field: field.into(),
            why: why.into(),
        })
    };
    if arch.layers.is_empty() {
        return bad("num_hidden_layers", "must be at least 1");
    }
    if arch.hidden == 0 || arch.vocab == 0 {
        return bad("hidden_size", "hidden_size and vocab_size must be above 0");
    }
    for l in &arch.layers {
        if let Ffn::Moe { experts, top_k, .. } = l.ffn
            && (top_k == 0 || top_k > experts)
        {
            return bad("num_experts_per_tok", "must be between 1 and the number of experts");
        }
        if let Attention::Gqa { q_heads: 0, .. } | Attention::Gqa { head_dim: 0, .. } = l.attn {
            return bad("num_attention_heads", "heads and head size must be above 0");
        }
    }
    Ok(())
}
