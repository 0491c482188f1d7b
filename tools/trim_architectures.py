#!/usr/bin/env python3
"""Trims Hugging Face `config.json` files to the fields tokencost's serving model reads, so that the bundled
architectures stay small in the binary (a full config carries quantisation lists of hundreds of module names).

  python3 tools/trim_architectures.py SRC_DIR [DEST_DIR]

SRC_DIR holds files named `<org>--<name>_config.json` (the Hugging Face id with `/` as `--`); each becomes
DEST_DIR/`<org>--<name>.json` (DEST_DIR defaults to serving/architectures/) with only the fields below, in their
original order. Families the model cannot read are skipped with a message.
"""

import json
import os
import sys

# The fields `src/serving/arch/` reads; anything else is dropped.
KEEP = {
    "model_type", "text_config", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
    "head_dim", "intermediate_size", "intermediate_size_mlp", "vocab_size", "tie_word_embeddings", "torch_dtype",
    "dtype", "sliding_window", "use_sliding_window", "max_window_layers", "layer_types", "num_local_experts",
    "num_experts", "n_routed_experts", "num_experts_per_tok", "experts_per_token", "moe_intermediate_size",
    "shared_expert_intermediate_size", "shared_intermediate_size", "n_shared_experts", "first_k_dense_replace",
    "moe_layer_freq", "decoder_sparse_step", "mlp_only_layers", "kv_lora_rank", "q_lora_rank", "qk_nope_head_dim",
    "qk_rope_head_dim", "v_head_dim", "index_topk", "index_n_heads", "index_head_dim", "full_attention_interval",
    "linear_num_key_heads", "linear_num_value_heads", "linear_key_head_dim", "linear_value_head_dim",
    "attn_output_gate", "interleave_moe_layer_step", "moe_layers", "attention_chunk_size", "no_rope_layers",
    "quantization_config", "max_position_embeddings",
}
# Families whose layers the model has no arithmetic for (yet): left out of the bundle.
UNSUPPORTED = {"nemotron_h", "nemotron-nas", "deepseek_v4", "deepseek_ref", "minimax_m3", "minimax_m3_vl", "step3p7",
               "gemma4", "kimi_k3", "mimo_v2_flash"}


def trim(config):
    out = {}
    for key, value in config.items():
        if key not in KEEP:
            continue
        if key == "text_config" and isinstance(value, dict):
            value = trim(value)
        elif key == "quantization_config" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k == "quant_method"}
        out[key] = value
    return out


def main():
    src = sys.argv[1]
    dest = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serving", "architectures")
    for name in sorted(os.listdir(src)):
        if not name.endswith("_config.json"):
            continue
        with open(os.path.join(src, name)) as f:
            config = json.load(f)
        family = config.get("model_type")
        if family in UNSUPPORTED:
            print(f"skipped {name}: family {family} is not modelled", file=sys.stderr)
            continue
        with open(os.path.join(dest, name[: -len("_config.json")] + ".json"), "w") as f:
            json.dump(trim(config), f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
