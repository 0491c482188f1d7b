#!/usr/bin/env python3
"""Writes the `derived` and `proxy` marginal-cost estimates of pricing/marginal.yaml from the serving model.

  cargo build && python3 tools/serving_estimates.py [BIN]

Each estimate is `tokencost marginal estimate MODEL` under its defaults (H100 unless an entry names its GPU, 2,048-token prompts and 512-token
answers; low: owned, fully busy, 20 tokens/s per user; high: rented, half busy, 50 tokens/s per user), its range
widened where no public estimate of the closed model's size exists. The block between the markers in
pricing/marginal.yaml is replaced; `tests/marginal.rs` checks that the figures there are what the serving model
gives now.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "tokencost")
BEGIN = "  # BEGIN serving-model estimates (tools/serving_estimates.py writes this block)\n"
END = "  # END serving-model estimates\n"

DERIVED = "open weights: the serving model on the model's own architecture"
SEMI = "SemiAnalysis uses DeepSeek-V3 (671B, 37B active) as its proxy for GPT-4o/GPT-5-class models"
SEMI_MINI = "SemiAnalysis uses gpt-oss-120b as its proxy for GPT-5 mini"
MEDEC = "Microsoft's MEDEC paper (arXiv 2412.19260) estimates GPT-4o-mini at about 8B parameters"
NONE = "no public estimate of its size"

# (estimate id, method, serving model, widen, basis, name patterns). First match wins, so specific patterns
# come first. `widen` divides the low end and multiplies the high end.
ESTIMATES = [
    ("serving-deepseek-v3.2", "derived", "deepseek-v3.2", 1, DERIVED,
     ["*deepseek-v3.2*", "*deepseek-v3p2*", "*deepseek-chat*", "*deepseek-reasoner*"]),
    ("serving-deepseek-v3", "derived", "deepseek-v3", 1, DERIVED,
     ["*deepseek-v3*", "*deepseek-r1*", "*deepseek.v3*", "*deepseek.r1*"]),
    ("serving-kimi-k2", "derived", "kimi-k2", 1, DERIVED, ["*kimi-k2*"]),
    ("serving-glm-5", "derived", "glm-5", 1, DERIVED, ["*glm-5*"]),
    ("serving-minimax-m2.5", "derived", "minimax-m2.5", 1, DERIVED, ["*minimax-m2*"]),
    ("serving-gpt-oss-120b", "derived", "gpt-oss-120b", 1, DERIVED,
     ["*gpt-oss-120b*", "*gpt-oss-safeguard-120b*"]),
    ("serving-gpt-oss-20b", "derived", "gpt-oss-20b", 1, DERIVED, ["*gpt-oss-20b*", "*gpt-oss-safeguard-20b*"]),
    ("serving-qwen3-coder-480b", "derived", "qwen3-coder-480b", 1, DERIVED, ["*qwen3-coder-480b*"]),
    ("serving-qwen3.5-397b", "derived", "qwen3.5-397b", 1, DERIVED, ["*qwen3.5-397b*", "*qwen3p5-397b*"]),
    ("serving-qwen3-235b", "derived", "qwen3-235b", 1, DERIVED, ["*qwen3-235b*"]),
    ("serving-qwen3-32b", "derived", "qwen3-32b", 1, DERIVED, ["*qwen3-32b*"]),
    ("serving-qwen3-30b-a3b", "derived", "qwen3-30b-a3b", 1, DERIVED, ["*qwen3-30b-a3b*"]),
    ("serving-llama-4-maverick", "derived", "llama-4-maverick", 1, DERIVED, ["*llama-4-maverick*", "*llama4-maverick*"]),
    ("serving-llama-4-scout", "derived", "llama-4-scout", 1, DERIVED, ["*llama-4-scout*", "*llama4-scout*"]),
    ("serving-llama-3.3-70b", "derived", "llama-3.3-70b", 1, DERIVED,
     ["*llama-3.3-70b*", "*llama3-3-70b*", "*llama-3.1-70b*", "*llama3-1-70b*", "*llama-3-70b*", "*llama3*70b*",
      "*l3*-70b*"]),
    ("serving-llama-3.1-8b", "derived", "llama-3.1-8b", 1, DERIVED,
     ["*llama-3.1-8b*", "*llama3-1-8b*", "*llama-3-8b*", "*llama3*8b*", "*l3*-8b*"]),
    ("serving-mixtral-8x22b", "derived", "mixtral-8x22b", 1, DERIVED, ["*mixtral-8x22b*"]),
    ("serving-mixtral-8x7b", "derived", "mixtral-8x7b", 1, DERIVED, ["*mixtral-8x7b*"]),
    # Fine-tunes of a bundled architecture: the serving model on that architecture.
    ("serving-firefunction-v1", "derived", "mixtral-8x7b", 1,
     "open weights, a fine-tune of Mixtral 8x7B (Fireworks): the serving model on Mixtral 8x7B's architecture",
     ["*firefunction-v1*"]),
    ("serving-firefunction-v2", "derived", "llama-3.3-70b", 1,
     "open weights, a fine-tune of Llama 3 70B (Fireworks): the serving model on Llama 3 70B's architecture",
     ["*firefunction-v2*"]),
    # Closed models: a named open architecture stands in.
    ("proxy-gpt-4o-mini", "proxy", "llama-3.1-8b", 1, f"closed; {MEDEC}: Llama 3.1 8B stands in",
     ["*gpt-4o-mini*", "*gpt-4.1-nano*", "*gpt-5-nano*", "*gpt-5.1-nano*", "*gpt-5.2-nano*"]),
    ("proxy-gpt-5-mini", "proxy", "gpt-oss-120b", 1, f"closed; {SEMI_MINI}",
     ["*gpt-5-mini*", "*gpt-5.1-mini*", "*gpt-5.2-mini*", "*gpt-4.1-mini*", "*codex-mini*", "o4-mini*", "o3-mini*",
      "o1-mini*", "*/o4-mini*", "*/o3-mini*", "*/o1-mini*"]),
    ("proxy-gpt-4o", "proxy", "deepseek-v3", 1, f"closed; {SEMI}",
     ["*gpt-4o*", "*gpt-4.1*", "*chatgpt-4o*", "*computer-use-preview*"]),
    ("proxy-gpt-4", "proxy", "llama-3.1-405b", 2,
     "closed; SemiAnalysis (2023) puts GPT-4 at about 1.8T parameters, 280B active per token: Llama 3.1 405B "
     "(dense, 405B per token) stands in for its compute per token, not its memory, on B200 (an H100 does not reach "
     "50 tokens/s per user with it); range widened 2x each way",
     ["gpt-4", "gpt-4-*", "*/gpt-4", "*/gpt-4-*", "ft:gpt-4", "ft:gpt-4-*"], "b200"),
    ("proxy-gpt-3.5", "proxy", "llama-3.3-70b", 2,
     f"closed, {NONE} (a 20B figure in a 2023 Microsoft paper was withdrawn); Llama 3.3 70B stands in; range "
     "widened 2x each way",
     ["*gpt-3.5-turbo*", "*gpt-35-turbo*"]),
    ("proxy-openai-other", "proxy", "deepseek-v3", 2, f"closed, {NONE}; {SEMI}; range widened 2x each way",
     ["*daybreak*", "*rosalind*", "ft:o4-mini*", "ft:o3*"]),
    ("proxy-gpt-5", "proxy", "deepseek-v3", 2, f"closed, {NONE}; {SEMI}; range widened 2x each way",
     ["*gpt-5*", "*gpt-6*", "o3*", "o1*", "*/o3*", "*/o1*", "*gpt-chat*", "*chat-latest*"]),
    ("proxy-claude-haiku", "proxy", "gpt-oss-120b", 2,
     f"closed, {NONE}; gpt-oss-120b (117B, 5.1B active) stands in for a small frontier model; range widened 2x each way",
     ["*claude*haiku*", "*claude-instant*"]),
    ("proxy-claude-sonnet", "proxy", "deepseek-v3", 2,
     "closed; MEDEC (arXiv 2412.19260) estimates Claude 3.5 Sonnet at about 175B, nothing is published for later "
     f"versions; DeepSeek-V3 stands in as a frontier-class open model; range widened 2x each way",
     ["*claude*sonnet*", "*claude-3-5*", "*claude-3-7*", "*claude-v2*", "*claude-2*", "*claude-v1*"]),
    ("proxy-claude-opus", "proxy", "kimi-k2", 2,
     f"closed, {NONE}; Kimi K2 (1T, 32B active), the largest bundled open model, stands in; range widened 2x each way",
     ["*claude*opus*", "*claude*"]),
    ("proxy-gemini-flash", "proxy", "gpt-oss-120b", 2,
     f"closed, {NONE}, served on TPUs; gpt-oss-120b on H100 stands in; range widened 2x each way",
     ["*gemini*flash*"]),
    ("proxy-gemini-pro", "proxy", "deepseek-v3", 2,
     f"closed, {NONE}, served on TPUs; {SEMI}; range widened 2x each way", ["*gemini*", "*deep-research*"]),
    ("proxy-cohere-command-light", "proxy", "llama-3.1-8b", 1.5,
     "closed; Stanford HELM lists Cohere Command Light at 6.1B parameters: Llama 3.1 8B stands in; range widened "
     "1.5x each way", ["*command-light*"]),
    ("proxy-cohere-command", "proxy", "llama-3.3-70b", 1.5,
     "closed; Stanford HELM lists Cohere Command at 52B parameters: Llama 3.3 70B stands in; range widened 1.5x "
     "each way", ["*cohere.command-text*"]),
    ("proxy-titan-lite", "proxy", "llama-3.1-8b", 2,
     f"closed, {NONE}; Amazon's smallest text tier: Llama 3.1 8B stands in; range widened 2x each way",
     ["*titan-text-lite*"]),
    ("proxy-small-closed", "proxy", "gpt-oss-120b", 2,
     f"closed, {NONE}; gpt-oss-120b stands in for a small model; range widened 2x each way",
     ["*grok*mini*", "*grok*fast*", "*nova-micro*", "*nova-lite*", "*nova-2-lite*", "*titan-text-express*",
      "*seed-2.0-mini*", "*inkling-small*", "*ultramarine*", "*j2-mid*"]),
    ("proxy-large-closed", "proxy", "kimi-k2", 2,
     f"closed, {NONE}; Kimi K2 (1T, 32B active) stands in; range widened 2x each way",
     ["*grok*", "*nova-pro*", "*nova-premier*", "*nova-2-pro*"]),
    ("proxy-frontier-closed", "proxy", "deepseek-v3", 2,
     f"closed, {NONE}; DeepSeek-V3 (671B, 37B active) stands in for a large model; range widened 2x each way",
     ["*titan-text-premier*", "*palmyra*", "*bytedance/seed*", "*inkling*", "*ember-1*", "*yi-large*",
      "*j2-ultra*", "*kat-coder*", "*mistral-vibe-cli-latest*", "*mistral-vibe-cli-with-tools*"]),
    # Open models whose architecture is not bundled: a bundled one of the family or of the size the name states.
    ("proxy-deepseek", "proxy", "deepseek-v3", 1,
     "DeepSeek model not bundled; DeepSeek-V3, the architecture its V3/R1/V3.x line shares, stands in",
     ["*deepseek*"]),
    ("proxy-kimi", "proxy", "kimi-k2", 1.5,
     "Kimi model not bundled; Kimi K2 stands in; range widened 1.5x each way", ["*kimi*"]),
    ("proxy-glm", "proxy", "glm-5", 1.5, "GLM model not bundled; GLM-5 stands in; range widened 1.5x each way",
     ["*glm*"]),
    ("proxy-minimax", "proxy", "minimax-m2.5", 1.5,
     "MiniMax model not bundled; MiniMax M2.5 stands in; range widened 1.5x each way", ["*minimax*"]),
    ("proxy-nemotron-ultra", "proxy", "deepseek-v3", 1.5,
     "open weights, architecture not bundled (hybrid Mamba-Transformer mixture of experts, 550B, 55B active): "
     "DeepSeek-V3 (671B, 37B active) stands in; range widened 1.5x each way", ["*nemotron-3-ultra*"]),
    ("proxy-nemotron-super", "proxy", "gpt-oss-120b", 1.5,
     "open weights, architecture not bundled (hybrid Mamba-Transformer mixture of experts, about 120B): "
     "gpt-oss-120b, of the same total size, stands in; range widened 1.5x each way",
     ["*nemotron-super*", "*nemotron-3.5-super*"]),
    ("proxy-muse-spark", "proxy", "deepseek-v3", 1.5,
     "open weights, architecture not bundled (816B, 42B active): DeepSeek-V3 (671B, 37B active) stands in; range "
     "widened 1.5x each way", ["*muse-spark*"]),
    ("proxy-dbrx", "proxy", "mixtral-8x22b", 1.5,
     "open weights, architecture not bundled (DBRX: 132B, 36B active, 16 experts): Mixtral 8x22B (141B, 39B "
     "active) stands in; range widened 1.5x each way", ["*dbrx*"]),
    ("proxy-jamba-large", "proxy", "qwen3-235b", 1.5,
     "open weights, architecture not bundled (Jamba 1.5 Large: hybrid Mamba-Transformer, 398B, 94B active): "
     "Qwen3-235B-A22B stands in; range widened 1.5x each way", ["*jamba-1-5-large*"]),
    ("proxy-jamba-mini", "proxy", "qwen3-32b", 1.5,
     "open weights, architecture not bundled (Jamba 1.5 Mini and Jamba Instruct: 52B, 12B active): Qwen3 32B "
     "stands in; range widened 1.5x each way", ["*jamba*"]),
    ("proxy-llama-vision", "proxy", "llama-3.3-70b", 1.5,
     "open weights, Llama 3.2 90B Vision: its language model is Llama 3.1 70B's, which stands in (the image "
     "encoder is not counted); range widened 1.5x each way", ["*llama-v3p2-90b*", "*llama-3.2-90b*"]),
    ("proxy-mistral-large", "proxy", "deepseek-v3", 2,
     "Mistral Large 3 is a 675B mixture of experts of DeepSeek-V3's shape, which stands in (earlier versions were "
     "123B dense); range widened 2x each way", ["*mistral-large*", "*pixtral-large*"]),
    ("proxy-open-a3b", "proxy", "qwen3-30b-a3b", 1.5,
     "open weights, architecture not bundled; Qwen3-30B-A3B stands in for a mixture of experts with about 3B "
     "active; range widened 1.5x each way", ["*a3b*", "*trinity-mini*"]),
    ("proxy-open-small-moe", "proxy", "qwen3-30b-a3b", 2,
     f"{NONE}; Qwen3-30B-A3B stands in for a small mixture of experts; range widened 2x each way",
     ["*ling-3.0-flash*", "*nemotron-3.5-lightning*"]),
    ("proxy-open-mid", "proxy", "qwen3-235b", 2,
     f"{NONE}; Qwen3-235B-A22B stands in for a mid-size mixture of experts; range widened 2x each way",
     ["*mimo-v2*", "*step-3.7*", "*tencent/hy3*"]),
    ("proxy-open-70b", "proxy", "llama-3.3-70b", 1.5,
     "open weights, architecture not bundled; Llama 3.3 70B stands in for a 65-80B model; range widened 1.5x each "
     "way", ["*70b*", "*72b*", "*65b*"]),
    ("proxy-open-32b", "proxy", "qwen3-32b", 1.5,
     "open weights, architecture not bundled; Qwen3 32B stands in for a 20-40B model; range widened 1.5x each way",
     ["*20b*", "*22b*", "*24b*", "*27b*", "*30b*", "*32b*", "*33b*", "*34b*", "*codestral*", "*devstral*",
      "*magistral*", "*mistral-medium*", "*mistral-code*", "*mistral-vibe-cli-fast*"]),
    ("proxy-small-open", "proxy", "llama-3.1-8b", 2,
     "open weights, architecture not bundled; Llama 3.1 8B stands in for a model of 1-15B; range widened 2x each way",
     ["*gemma*", "*nemotron-nano*", "*ministral*", "*mistral-small*", "*mistral-tiny*", "*mistral-nemo*",
      "*llama-3.2*", "*llama3-2*", "*1b*", "*3b*", "*4b*", "*6b*", "*7b*", "*8b*", "*9b*", "*12b*", "*13b*",
      "*14b*", "*15b*", "*16b*", "*phi-3*", "*phi-4*", "*rnj-1*"]),
    ("proxy-qwen", "proxy", "qwen3-235b", 2,
     f"Qwen model not bundled ({NONE} for the closed Max and Plus); Qwen3-235B-A22B stands in; range widened 2x "
     "each way", ["*qwen*", "*qwq*"]),
]


def fig(v):
    return float(f"{v:.4g}")


def entry(eid, method, model, widen, basis, patterns, gpu=None):
    args = [BIN, "marginal", "estimate", model, "--format", "json"] + (["--gpu", gpu] if gpu else [])
    doc = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    low, high = doc["cases"]
    r = lambda k: (fig(low[k] / widen), fig(high[k] * widen))
    inp, out = r("usd_per_m_input"), r("usd_per_m_output")
    arch = f"{doc['architecture']}, {doc['precision']}"
    gpu_name = (gpu or "h100").upper()
    pats = ", ".join(json.dumps(p) for p in patterns)
    return (f"  - id: {eid}\n"
            f"    method: {method}\n"
            f"    serving_model: {model}\n"
            + (f"    serving_gpu: {gpu}\n" if gpu else "")
            + (f"    widen: {widen:g}\n" if widen != 1 else "")
            + f"    models: [{pats}]\n"
            f"    input: {{low: {inp[0]}, high: {inp[1]}}}\n"
            f"    output: {{low: {out[0]}, high: {out[1]}}}\n"
            f"    source: {json.dumps(f'tokencost serving model: {model} ({arch}) on {gpu_name}, owned/fully busy/20 tok/s to rented/half busy/50 tok/s; {basis}')}\n"
            f"    as_of: 2026-12-01\n")


def main():
    path = os.path.join(ROOT, "pricing", "marginal.yaml")
    text = open(path).read()
    block = BEGIN + "".join(entry(*e) for e in ESTIMATES) + END
    if BEGIN in text:
        head, rest = text.split(BEGIN)
        text = head + block + rest.split(END)[1]
    else:
        text = text.rstrip("\n") + "\n" + block
    open(path, "w").write(text)


if __name__ == "__main__":
    main()
