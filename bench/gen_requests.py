#!/usr/bin/env python3
"""Writes a deterministic log of OpenAI chat requests without usage (every token must be counted).

Usage: gen_requests.py OUT.jsonl MEGABYTES
Text is built from a fixed multilingual vocabulary with a seeded generator, so every run writes the same file.
"""
import json
import random
import sys

WORDS = (
    "the cost of inference keeps falling while list prices stay sticky agents resend the whole conversation "
    "on every call tokens cache markup provider marginal budget session model prompt completion output input "
    "fn main() { let x = vec![1, 2, 3]; println!(\"{}\", x.len()); } SELECT model, SUM(tokens) FROM calls; "
    "東京の天気は晴れです 价格不断下降 Стоимость вычислений падает تكلفة الاستدلال मॉडल की कीमत 🚀 1234 5678.90"
).split()


def main() -> None:
    out, megabytes = sys.argv[1], float(sys.argv[2])
    rng = random.Random(42)
    target = int(megabytes * 1_000_000)
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        n = 0
        while written < target:
            msgs = [{"role": "system", "content": "You are a careful coding agent."}]
            for turn in range(rng.randint(2, 8)):
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 400)))
                msgs.append({"role": "user" if turn % 2 == 0 else "assistant", "content": text})
            line = json.dumps({"model": "gpt-4o", "user": f"run-{n % 50}", "messages": msgs}, ensure_ascii=False)
            f.write(line + "\n")
            written += len(line.encode()) + 1
            n += 1


if __name__ == "__main__":
    main()
