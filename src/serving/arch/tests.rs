//! Parameter counts against the figures the model makers publish (not against this code's own output).

use super::*;
use crate::serving::bundled;

fn arch(id: &str) -> Architecture {
    bundled::architecture(id).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// Within `tol` (relative) of a published figure.
fn near(got: u64, want: f64, tol: f64) -> bool {
    ((got as f64) - want).abs() / want <= tol
}

#[test]
fn dense_counts_match_published_sizes() {
    // Meta: Llama 3.1 8B has 8.03B parameters, 70B 70.6B, 405B 405.9B.
    assert!(near(
        arch("meta-llama/Llama-3.1-8B-Instruct").total_params(),
        8.03e9,
        0.01
    ));
    assert!(near(arch("meta-llama/Llama-3.1-70B").total_params(), 70.6e9, 0.01));
    assert!(near(
        arch("meta-llama/Meta-Llama-3.1-405B").total_params(),
        405.9e9,
        0.01
    ));
    // Qwen: Qwen3-32B has 32.8B parameters.
    assert!(near(arch("Qwen/Qwen3-32B").total_params(), 32.8e9, 0.01));
}

#[test]
fn moe_counts_match_published_sizes() {
    // DeepSeek: V3 has 671B total and 37B activated parameters (plus a 14B prediction module not counted here).
    let v3 = arch("deepseek-ai/DeepSeek-V3");
    assert!(near(v3.total_params(), 671e9, 0.01), "{}", v3.total_params());
    assert!(near(v3.active_params(), 37e9, 0.03), "{}", v3.active_params());
    // Qwen3-235B-A22B: 235B total, 22B active; Mixtral 8x7B: 46.7B total, 12.9B active.
    let q = arch("Qwen/Qwen3-235B-A22B");
    assert!(near(q.total_params(), 235e9, 0.01) && near(q.active_params(), 22e9, 0.02));
    let m = arch("mistralai/Mixtral-8x7B-v0.1");
    // (Mistral's 12.9B counts the input embedding too, 0.13B, which is not read per token.)
    assert!(near(m.total_params(), 46.7e9, 0.01) && near(m.active_params(), 12.9e9, 0.015));
    // OpenAI: gpt-oss-120b has 116.8B total and 5.1B active parameters per token.
    let g = arch("openai/gpt-oss-120b");
    assert!(near(g.total_params(), 116.8e9, 0.01), "{}", g.total_params());
    assert!(near(g.active_params(), 5.1e9, 0.03), "{}", g.active_params());
    // Kimi K2: "1T" total (its card rounds), 32B activated.
    let k = arch("moonshotai/Kimi-K2-Instruct");
    assert!(near(k.total_params(), 1.0e12, 0.03), "{}", k.total_params());
    assert!(near(k.active_params(), 32e9, 0.03), "{}", k.active_params());
}

#[test]
fn caches_follow_the_attention_kind() {
    // Llama 3.1 70B: 80 layers x 8 KV heads x 128 x (K and V) = 163,840 elements per token.
    assert_eq!(arch("meta-llama/Llama-3.1-70B").kv_per_token(), 163_840);
    // DeepSeek V3: 61 layers x (512 latent + 64 rope) = 35,136 elements per token.
    assert_eq!(arch("deepseek-ai/DeepSeek-V3").kv_per_token(), 35_136);
    // Qwen3.5-397B: only the 15 full-attention layers of 60 cache: 15 x 2 x 2 heads x 256 = 15,360.
    let q = arch("Qwen/Qwen3.5-397B-A17B");
    assert_eq!(q.kv_per_token(), 15_360);
    assert_eq!(q.layers.iter().filter(|l| l.attn.state() > 0).count(), 45);
    // gpt-oss: half the layers slide over 128 tokens.
    let g = arch("openai/gpt-oss-120b");
    let sliding = g.layers.iter().filter(|l| l.attn.attended(10_000.0) == 128.0).count();
    assert_eq!(sliding, 18);
    // GLM-5 attends to 2,048 chosen tokens at most.
    assert_eq!(arch("zai-org/GLM-5").layers[0].attn.attended(100_000.0), 2048.0);
}

#[test]
fn unknown_and_unsupported_families_say_what_is_missing() {
    let e = parse_config(r#"{"model_type": "frobnicator", "hidden_size": 1024}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown family `frobnicator`"), "{e}");
    assert!(
        e.contains("num_hidden_layers") && e.contains("vocab_size") && e.contains("intermediate_size"),
        "{e}"
    );
    let e = parse_config(r#"{"model_type": "nemotron_h"}"#).unwrap_err().to_string();
    assert!(e.contains("not modelled") && e.contains("Mamba"), "{e}");
    let e = parse_config(r#"{"model_type": "deepseek_v3", "hidden_size": 7168}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("kv_lora_rank") && e.contains("n_routed_experts"), "{e}");
    assert!(parse_config("[1, 2]").is_err());
    assert!(parse_config("{").is_err());
}
