#!/usr/bin/env python3
"""tokencost's benchmark: generates its corpora deterministically, runs tokencost against the baselines, and
prints medians, ratios and peak RSS.

  python3 bench/run.py [--quick] [--runs N]
                      [--only claude,codex,count,agent,memory,pricing,piece,startup,marginal,groups,sql]
                      [--baseline BIN]

Benchmarks
  claude  a Claude Code projects directory (~300 MB, ~400k lines): `tokencost analyze` against ccusage 20.0.24
          (`ccusage claude daily --offline --json`), same totals required.
  codex   a Codex CLI home (~100 MB of rollouts, a third zstd-compressed, every fifth a fork replaying its parent):
          `tokencost analyze` of the folder and of the home found by itself; its totals must equal the generator's.
  count   multilingual documents that must be counted: `tokencost analyze` of a log of native prompt lines,
          --threads 1 and 2, against Python tiktoken `encode_ordinary_batch(num_threads=2)` on the same texts.
  agent   100-call agent sessions that re-send their history, without and with tool definitions on every call:
          `tokencost analyze` with and without its count caches.
  memory  peak RSS on the Claude Code corpus and on copies 3 and 10 times its size, each copy with its own ids.
  pricing `tokencost pricing check` of a generated price layer of 100,000 models, each with an alias.
  piece   `tokencost count` of one 10 MB pre-token (a run of one letter): the byte-pair merge of a long piece.
  groups  peak RSS and time of `tokencost analyze` of 1,000,000 calls, each in a session of its own: `--by model`,
          `--by call` (JSON, CSV, the `--format jsonl` export and the table), `--by session` (JSON, CSV and the
          table) and `--session-budget` (memory against the number of groups and sessions).
  sql     rows a second priced inside DuckDB: a table of 1,000,000 generated calls in the columns of the `--by call`
          export, priced by the view of `tokencost sql --dialect duckdb` (the whole view summed, every row resolved,
          dated, tiered and priced). DuckDB comes from TOKENCOST_SQL_PYTHON, target/sql-venv (what .ci/run makes), or
          pip into bench/scratch.
  marginal  `tokencost marginal predict` of every row of fixtures/marginal/measurements.csv (3,980 measured serving
          points; the 1,125 that state no load are named and skipped, exit code 4).

Baselines are installed into bench/scratch when missing (npm for ccusage, pip for tiktoken, whose o200k_base vocabulary
is taken from the tiktoken-rs crate so nothing is downloaded at run time) and skipped with a message when they cannot
be. Wall times are medians of alternating runs; peak RSS is the child's maximum resident set size. With
--baseline, another tokencost binary (say, a build of the previous commit) runs the same commands alternating with
this one, and the ratio of their medians is printed: a change's cost in speed, measured in the same invocation.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "scratch")
BIN = os.path.join(ROOT, "target", "release", "tokencost")
BASELINE = None


def with_baseline(cmds):
    """`cmds` and, with --baseline, the same tokencost commands run by the baseline binary."""
    if BASELINE:
        for name, (argv, env) in list(cmds.items()):
            if argv[0] == BIN:
                cmds[f"{name} (baseline)"] = ([BASELINE, *argv[1:]], env)
    return cmds


def print_baseline(m):
    for name in [k for k in m if k.endswith(" (baseline)")]:
        this = name[: -len(" (baseline)")]
        print(f"  {this}: this build / baseline = {m[this][0] / m[name][0]:.3f} of the time")

# ---------------------------------------------------------------------------------------------------- corpora

WORDS = {
    "en": "the cost of inference keeps falling while list prices stay sticky agents resend the whole conversation on "
    "every call tokens cache markup provider marginal budget session model prompt completion output input invoice "
    "rounding total tax refund customer ticket billing account error retry timeout deploy build test".split(),
    "code": "fn main() { let x = vec![1, 2, 3]; } def cost(tokens: int) -> float: return tokens * 2.5 / 1e6 "
    "SELECT model, SUM(input_tokens) FROM calls GROUP BY model; if (err != nil) { return err } const y = await f();"
    .split(),
    "ja": "東京 の 天気 は 晴れ です 明日 は 雨 が 降る でしょう 価格 は 下がり 続けて いる".split(),
    "zh": "价格 不断 下降 但是 每个 令牌 的 价格 仍然 很高 模型 推理 成本".split(),
    "ru": "Стоимость вычислений падает а цены остаются прежними модель токен".split(),
    "ar": "تكلفة الاستدلال تنخفض بسرعة كبيرة النموذج الرمز".split(),
    "hi": "मॉडल की कीमत प्रति टोकन तय होती है लागत".split(),
}


def text(rng, n_words):
    """English and code most of the time, another language one time in five."""
    lang = rng.choice(["ja", "zh", "ru", "ar", "hi"]) if rng.random() < 0.2 else rng.choice(["en", "en", "code"])
    words = WORDS[lang]
    out = []
    for i in range(n_words):
        out.append(rng.choice(words))
        if i % 17 == 16:
            out.append("\n")
    return " ".join(out)


def gen_claude(path, megabytes, seed=1):
    """A ~/.claude/projects tree shaped like a working agent's: about 400k lines per 300 MB. User lines carry tool
    results (mostly short, some whole files); each assistant message is written once per content block (text or
    tool_use, each line repeating the same usage: one response, counted once); a summary line ends each session."""
    if os.path.exists(path):
        return
    rng = random.Random(seed)
    target = int(megabytes * 1e6)
    written = 0
    models = ["claude-sonnet-4-5-20250929"] * 6 + ["claude-opus-4-1-20250805", "claude-haiku-4-5-20251001"]
    tools = ["Bash", "Read", "Edit", "Grep", "Write"]
    s = 0
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    while written < target:
        project = os.path.join(tmp, "projects", f"-home-dev-project-{s % 25}")
        os.makedirs(project, exist_ok=True)
        session = f"{seed:08x}-{s:04x}-4000-8000-{s:012x}"
        ts = 1_750_000_000 + s * 3_600
        lines = []
        parent = None
        common = {"isSidechain": False, "userType": "external", "cwd": "/home/dev/p", "sessionId": session,
                  "version": "2.0.30", "gitBranch": "main"}
        for turn in range(rng.randint(60, 140)):
            uuid = f"u-{s}-{turn}"
            size = rng.randint(3, 30) if rng.random() < 0.8 else rng.randint(100, 400)
            content = [{"type": "tool_result", "tool_use_id": f"toolu_{s}_{turn}", "content": text(rng, size)}]
            lines.append({"parentUuid": parent, **common, "type": "user",
                          "message": {"role": "user", "content": content}, "uuid": uuid,
                          "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ts + turn * 20))})
            parent = uuid
            msg_id = f"msg_{s:05d}{turn:04d}"
            usage = {"input_tokens": rng.randint(1, 50), "cache_creation_input_tokens": rng.randint(0, 3000),
                     "cache_read_input_tokens": rng.randint(1000, 80000), "output_tokens": rng.randint(20, 1500),
                     "service_tier": "standard"}
            usage["cache_creation"] = {"ephemeral_5m_input_tokens": usage["cache_creation_input_tokens"],
                                       "ephemeral_1h_input_tokens": 0}
            model = rng.choice(models)
            for block in range(rng.randint(1, 4)):
                uuid = f"a-{s}-{turn}-{block}"
                if block == 0 or rng.random() < 0.4:
                    part = {"type": "text", "text": text(rng, rng.randint(3, 30))}
                else:
                    part = {"type": "tool_use", "id": f"toolu_{s}_{turn}_{block}", "name": rng.choice(tools),
                            "input": {"command": text(rng, rng.randint(3, 12)), "description": "step"}}
                lines.append({"parentUuid": parent, **common,
                              "message": {"id": msg_id, "type": "message", "role": "assistant", "model": model,
                                          "content": [part], "stop_reason": None, "stop_sequence": None,
                                          "usage": usage},
                              "requestId": f"req_{s:05d}{turn:04d}", "type": "assistant", "uuid": uuid,
                              "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ts + turn * 20 + 5))})
                parent = uuid
        lines.append({"type": "summary", "summary": "session summary", "leafUuid": parent})
        data = "".join(json.dumps(l, ensure_ascii=False, separators=(",", ":")) + "\n" for l in lines)
        with open(os.path.join(project, session + ".jsonl"), "w", encoding="utf-8") as f:
            f.write(data)
        written += len(data.encode())
        s += 1
    os.rename(tmp, path)


def copy_claude(src, dst, copies):
    """`copies` copies of a Claude Code tree, each with its own message, request and session ids: a large input
    with that many times the distinct responses, made in seconds."""
    if os.path.exists(dst):
        return
    tmp = dst + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for root, _, files in os.walk(src):
        for name in files:
            data = open(os.path.join(root, name), "rb").read()
            out_dir = os.path.join(tmp, os.path.relpath(root, src))
            os.makedirs(out_dir, exist_ok=True)
            for k in range(copies):
                tag = f"c{k}".encode()
                copy = (data.replace(b'"msg_', b'"msg_' + tag).replace(b'"req_', b'"req_' + tag)
                        .replace(b'"sessionId":"', b'"sessionId":"' + tag))
                with open(os.path.join(out_dir, f"c{k}-{name}"), "wb") as f:
                    f.write(copy)
    os.rename(tmp, dst)


def gen_docs(path_jsonl, path_texts, megabytes, seed=2):
    """Documents to count, as one JSON list (for tiktoken) and as native log lines (for tokencost)."""
    if os.path.exists(path_jsonl):
        return
    rng = random.Random(seed)
    docs, size = [], 0
    while size < megabytes * 1e6:
        d = text(rng, rng.randint(50, 1500))
        docs.append(d)
        size += len(d.encode())
    with open(path_texts, "w", encoding="utf-8") as f:
        json.dump(docs, f, ensure_ascii=False)
    with open(path_jsonl, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"model": "gpt-4o", "prompt": d}, ensure_ascii=False) + "\n")


def gen_agent(path, sessions, tools=False, seed=3):
    """OpenAI chat requests without usage from 100-call agent sessions: call k re-sends the whole history (and, with
    `tools`, the same six tool definitions)."""
    if os.path.exists(path):
        return
    rng, tool_rng = random.Random(seed), random.Random(seed + 1)
    defs = [{"type": "function", "function": {
        "name": f"tool_{i}", "description": text(tool_rng, 60),
        "parameters": {"type": "object", "properties": {"model": {"type": "string", "description": text(tool_rng, 8)},
                                                        "day": {"type": "string", "description": "YYYY-MM-DD"}},
                       "required": ["model"]}}} for i in range(6)]
    with open(path, "w", encoding="utf-8") as f:
        for s in range(sessions):
            history = [{"role": "system", "content": text(rng, 300)}, {"role": "user", "content": text(rng, 80)}]
            for k in range(100):
                call = {"model": "gpt-4o", "user": f"agent-{s}", "messages": history}
                if tools:
                    call["tools"] = defs
                f.write(json.dumps(call, ensure_ascii=False) + "\n")
                history = history + [{"role": "assistant", "content": text(rng, rng.randint(20, 200))},
                                     {"role": "tool", "tool_call_id": f"call_{s}_{k}", "content": text(rng, rng.randint(30, 300))}]


# ---------------------------------------------------------------------------------------------------- running


def peak_rss_kb(pid):
    """The process's own high-water mark of resident memory (VmHWM): unlike the rusage of a forked child, it does
    not count the memory of this (large) Python process that the child shared before it exec'd."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd, env=None, stdout=subprocess.DEVNULL):
    """Wall seconds and peak RSS (MB) of one run; raises on failure. Watching the memory wakes this process every
    2 ms, on the same cores and late by up to 2 ms at the end: timings come from `timed` instead."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
    peak = 0
    while p.poll() is None:
        peak = max(peak, peak_rss_kb(p.pid))
        time.sleep(0.002)
    wall = time.perf_counter() - start
    if p.returncode not in (0, 1, 4):
        raise RuntimeError(f"{cmd[0]} exited {p.returncode}")
    return wall, peak / 1024.0


def timed(cmd, env=None):
    """Wall seconds of one run, not disturbed by watching it; raises on failure (exit code 4, some rows not
    predicted, is `marginal predict`'s success on the measurements)."""
    start = time.perf_counter()
    code = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
    if code not in (0, 1, 4):
        raise RuntimeError(f"{cmd[0]} exited {code}")
    return wall


def medians(runs, cmds):
    """Runs each named command `runs` times, alternating, then once more watching its memory; returns name ->
    (median wall, peak RSS)."""
    times = {name: [] for name in cmds}
    for _ in range(runs):
        for name, (cmd, env) in cmds.items():
            times[name].append(timed(cmd, env))
    return {name: (statistics.median(times[name]), measure(cmd, env)[1]) for name, (cmd, env) in cmds.items()}


def du(path):
    total = 0
    for d, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(d, f)) for f in files)
    return total


def lines_in(path):
    n = 0
    for d, _, files in os.walk(path):
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                n += sum(1 for _ in fh)
    return n


def ccusage():
    """The ccusage binary, installed into bench/scratch/npm when missing; None when npm cannot install it."""
    prefix = os.path.join(WORK, "npm")
    exe = os.path.join(prefix, "node_modules", ".bin", "ccusage")
    if not os.path.exists(exe) and shutil.which("npm"):
        subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", "ccusage@20.0.24"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return exe if os.path.exists(exe) else None


def tiktoken_env():
    """An environment where `import tiktoken` works offline, or None."""
    target = os.path.join(WORK, "py")
    env = dict(os.environ, PYTHONPATH=target)
    probe = [sys.executable, "-c", "import tiktoken"]
    if subprocess.run(probe, env=env, capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", target, "tiktoken"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if subprocess.run(probe, env=env, capture_output=True).returncode != 0:
        return None
    # tiktoken caches its vocabulary under the SHA-1 of its URL; the same file ships inside tiktoken-rs.
    meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1"], cwd=ROOT,
                                     capture_output=True, text=True).stdout)
    crate = next(p for p in meta["packages"] if p["name"] == "tiktoken-rs")
    asset = os.path.join(os.path.dirname(crate["manifest_path"]), "assets", "o200k_base.tiktoken")
    cache = os.path.join(WORK, "tiktoken-cache")
    os.makedirs(cache, exist_ok=True)
    url = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
    shutil.copy(asset, os.path.join(cache, hashlib.sha1(url.encode()).hexdigest()))
    env["TIKTOKEN_CACHE_DIR"] = cache
    return env


TIKTOKEN_SCRIPT = """
import json, sys, time, tiktoken
docs = json.load(open(sys.argv[1], encoding="utf-8"))
enc = tiktoken.get_encoding("o200k_base")
start = time.perf_counter()
n = sum(len(t) for t in enc.encode_ordinary_batch(docs, num_threads=int(sys.argv[2])))
print(json.dumps({"tokens": n, "seconds": time.perf_counter() - start}))
"""


def tokencost_json(args):
    out = subprocess.run([BIN, "analyze", *args, "--format", "json", "--quiet"], capture_output=True, text=True)
    return json.loads(out.stdout)


def bench_claude(runs, scale, results):
    corpus = os.path.join(WORK, f"claude-v2-{scale}mb")
    gen_claude(corpus, scale)
    size, lines = du(corpus), lines_in(corpus)
    print(f"\nClaude Code directory: {size / 1e6:.0f} MB, {lines:,} lines")
    mine = tokencost_json([corpus])["totals"]
    cmds = {"tokencost": ([BIN, "analyze", corpus, "--format", "json", "--quiet"], None)}
    exe = ccusage()
    if exe:
        env = dict(os.environ, CLAUDE_CONFIG_DIR=corpus)
        out = subprocess.run([exe, "claude", "daily", "--offline", "--json"], env=env, capture_output=True, text=True)
        theirs = json.loads(out.stdout)["totals"]
        same = (theirs["inputTokens"], theirs["outputTokens"], theirs["cacheCreationTokens"], theirs["cacheReadTokens"]) == (
            mine["input_tokens"], mine["output_tokens"], mine["cache_write_tokens"], mine["cached_input_tokens"])
        print(f"  totals: tokencost input {mine['input_tokens']:,} output {mine['output_tokens']:,} cache write "
              f"{mine['cache_write_tokens']:,} cache read {mine['cached_input_tokens']:,}; ccusage "
              f"{'identical' if same else 'DIFFERENT: ' + json.dumps(theirs)}")
        cmds["ccusage"] = ([exe, "claude", "daily", "--offline", "--json"], env)
    else:
        print("  ccusage: not installed (npm unavailable), skipped")
    m = medians(runs, with_baseline(cmds))
    for name, (w, r) in m.items():
        print(f"  {name:10} {w:7.3f} s  {size / 1e6 / w:7.1f} MB/s  peak RSS {r:6.1f} MB")
    print_baseline(m)
    if "ccusage" in m:
        print(f"  tokencost is {m['ccusage'][0] / m['tokencost'][0]:.1f}x faster than ccusage")
    results["claude"] = {"bytes": size, "lines": lines, **{k: {"seconds": v[0], "rss_mb": v[1]} for k, v in m.items()}}


def gen_codex(path, megabytes, seed=4):
    """A ~/.codex tree shaped like a working agent's: rollouts under sessions/YYYY/MM/DD, a turn_context before each
    turn, messages and tool calls with their output, and a token_count event after each response, carrying the
    session's running total (a fifth of them written twice, a few with only rate limits). Every fifth session is a
    fork of the one before: it replays that session's lines (its usage events included) before its own turns. A third
    of the files is zstd-compressed when the `zstd` command is there. Returns the expected totals: fresh input,
    cached input and output, the replays left out."""
    done = path + ".expected.json"
    if os.path.exists(done):
        with open(done) as f:
            return json.load(f)
    rng = random.Random(seed)
    target = int(megabytes * 1e6)
    written, s = 0, 0
    expected = {"input": 0, "cached": 0, "output": 0, "calls": 0}
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    parent_lines, parent_id, parent_total = [], None, None
    stamp = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))
    while written < target:
        ts = 1_770_000_000 + s * 3_600
        ms = ts * 1000
        sid = f"{ms:012x}"[:8] + "-" + f"{ms:012x}"[8:] + f"-7000-8000-{s:012x}"
        fork = s % 5 == 4 and parent_id is not None
        meta = {"id": sid, "timestamp": stamp(ts), "cwd": f"/home/dev/project-{s % 7}", "originator": "codex_cli_rs",
                "cli_version": "0.146.0", "git": {"branch": "main" if s % 3 else "feature"}}
        if fork:
            meta["forked_from_id"] = parent_id
        lines = [{"timestamp": stamp(ts), "type": "session_meta", "payload": meta}]
        if fork:
            lines += parent_lines
        total = dict(parent_total) if fork else {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0,
                                                  "reasoning_output_tokens": 0}
        for turn in range(rng.randint(40, 120)):
            t = ts + 5 + turn * 20
            tid_ms = t * 1000
            tid = f"{tid_ms:012x}"[:8] + "-" + f"{tid_ms:012x}"[8:] + f"-7000-8000-{turn:012x}"
            model = "gpt-5-codex" if rng.random() < 0.7 else "gpt-5"
            lines.append({"timestamp": stamp(t), "type": "turn_context",
                          "payload": {"turn_id": tid, "cwd": meta["cwd"], "approval_policy": "on-request",
                                      "model": model, "effort": "medium"}})
            lines.append({"timestamp": stamp(t), "type": "response_item",
                          "payload": {"type": "message", "role": "user",
                                      "content": [{"type": "input_text", "text": text(rng, rng.randint(5, 40))}]}})
            for step in range(rng.randint(1, 4)):
                out = text(rng, rng.randint(5, 60) if rng.random() < 0.8 else rng.randint(200, 600))
                lines.append({"timestamp": stamp(t + 1), "type": "response_item",
                              "payload": {"type": "function_call", "name": "shell", "call_id": f"call_{s}_{turn}_{step}",
                                          "arguments": json.dumps({"command": ["bash", "-lc", text(rng, 6)]})}})
                lines.append({"timestamp": stamp(t + 2), "type": "response_item",
                              "payload": {"type": "function_call_output", "call_id": f"call_{s}_{turn}_{step}",
                                          "output": out}})
            if rng.random() < 0.1:
                lines.append({"timestamp": stamp(t + 3), "type": "event_msg",
                              "payload": {"type": "token_count", "info": None, "rate_limits": {"primary": {"used_percent": 5.0}}}})
            fresh, cached, output = rng.randint(200, 6000), rng.randint(5000, 120000), rng.randint(50, 3000)
            last = {"input_tokens": fresh + cached, "cached_input_tokens": cached, "output_tokens": output,
                    "reasoning_output_tokens": output // 3}
            for k in total:
                total[k] += last[k]
            event = {"timestamp": stamp(t + 4), "type": "event_msg",
                     "payload": {"type": "token_count", "info": {"total_token_usage": dict(total),
                                                                 "last_token_usage": last, "model_context_window": 272000},
                                 "rate_limits": None}}
            lines.append(event)
            if rng.random() < 0.2:
                lines.append(event)
            lines.append({"timestamp": stamp(t + 5), "type": "response_item",
                          "payload": {"type": "message", "role": "assistant",
                                      "content": [{"type": "output_text", "text": text(rng, rng.randint(5, 80))}]}})
            expected["input"] += fresh
            expected["cached"] += cached
            expected["output"] += output
            expected["calls"] += 1
        day = time.gmtime(ts)
        folder = os.path.join(tmp, "sessions", f"{day.tm_year:04d}", f"{day.tm_mon:02d}", f"{day.tm_mday:02d}")
        os.makedirs(folder, exist_ok=True)
        name = os.path.join(folder, f"rollout-{time.strftime('%Y-%m-%dT%H-%M-%S', day)}-{sid}.jsonl")
        data = "".join(json.dumps(l, ensure_ascii=False, separators=(",", ":")) + "\n" for l in lines)
        with open(name, "w", encoding="utf-8") as f:
            f.write(data)
        if s % 3 == 2 and shutil.which("zstd"):
            subprocess.run(["zstd", "-q", "--rm", name], check=True)
        written += len(data.encode())
        # The next fork replays this session: only a session that is not itself a fork is a parent.
        if not fork:
            parent_lines, parent_id, parent_total = lines[1:], sid, dict(total)
        s += 1
    os.rename(tmp, path)
    with open(done, "w") as f:
        json.dump(expected, f)
    return expected


def bench_codex(runs, scale, results):
    corpus = os.path.join(WORK, f"codex-v1-{scale}mb")
    expected = gen_codex(corpus, scale)
    size = du(corpus)
    lines = json.loads(subprocess.run([BIN, "analyze", corpus, "--format", "json", "--quiet"], capture_output=True,
                                      text=True).stdout)["summary"]["lines"]
    print(f"\nCodex CLI home: {size / 1e6:.0f} MB on disk (some files zstd-compressed), {lines:,} lines")
    mine = tokencost_json([corpus])["totals"]
    got = {"input": mine["input_tokens"], "cached": mine["cached_input_tokens"], "output": mine["output_tokens"],
           "calls": mine["calls"]}
    print(f"  totals: {got}; expected from the generator: {'identical' if got == expected else 'DIFFERENT: ' + json.dumps(expected)}")
    env = dict(os.environ, HOME=os.path.join(WORK, "no-home"), CODEX_HOME=corpus)
    env.pop("CLAUDE_CONFIG_DIR", None)
    cmds = {"tokencost": ([BIN, "analyze", corpus, "--format", "json", "--quiet"], None),
            "tokencost, found": ([BIN, "analyze", "--source", "codex", "--format", "json", "--quiet"], env)}
    # No baseline here: a build before Codex rollouts were read would only report them as unrecognised.
    m = medians(runs, cmds)
    for name, (w, r) in m.items():
        print(f"  {name:18} {w:7.3f} s  {lines / w / 1e3:7.1f} k lines/s  peak RSS {r:6.1f} MB")
    results["codex"] = {"bytes": size, **{k: {"seconds": v[0], "rss_mb": v[1]} for k, v in m.items()}}


def bench_count(runs, megabytes, results):
    jsonl = os.path.join(WORK, f"docs-{megabytes}mb.jsonl")
    texts = os.path.join(WORK, f"docs-{megabytes}mb.json")
    gen_docs(jsonl, texts, megabytes)
    text_bytes = sum(len(d.encode()) for d in json.load(open(texts, encoding="utf-8")))
    print(f"\nCounting: {text_bytes / 1e6:.0f} MB of text in {sum(1 for _ in open(jsonl, 'rb')):,} documents")
    mine = tokencost_json([jsonl])["totals"]["input_tokens"]
    cmds = {f"tokencost --threads {t}": ([BIN, "analyze", jsonl, "--format", "json", "--quiet", "--threads", str(t)], None)
            for t in (1, 2)}
    m = medians(runs, with_baseline(cmds))
    print_baseline(m)
    rows = {k: v[0] for k, v in m.items()}
    env = tiktoken_env()
    if env:
        script = os.path.join(WORK, "tiktoken_count.py")
        with open(script, "w") as f:
            f.write(TIKTOKEN_SCRIPT)
        for threads in (1, 2):
            walls = []
            for _ in range(runs):
                out = json.loads(subprocess.run([sys.executable, script, texts, str(threads)], env=env,
                                                capture_output=True, text=True).stdout)
                walls.append(out["seconds"])
            rows[f"tiktoken (Python) {threads} thread{'s' if threads > 1 else ''}"] = statistics.median(walls)
        same = out["tokens"] == mine
        print(f"  tokens: tokencost {mine:,}, tiktoken {out['tokens']:,}: {'identical' if same else 'DIFFERENT'}")
    else:
        print("  Python tiktoken: not installable here, skipped")
    for name, w in rows.items():
        print(f"  {name:32} {w:7.3f} s  {text_bytes / 1e6 / w:7.1f} MB/s of text")
    two = rows["tokencost --threads 2"]
    print(f"  tokencost 2 threads / 1 thread: {rows['tokencost --threads 1'] / two:.2f}x")
    if env:
        print(f"  tokencost 2 threads / tiktoken 2 threads: {rows['tiktoken (Python) 2 threads'] / two:.2f}x "
              "(tiktoken timed inside Python, without start-up; tokencost end to end)")
    results["count"] = {"text_bytes": text_bytes, "seconds": rows}


def bench_agent(runs, sessions, results):
    for tools in (False, True):
        log = os.path.join(WORK, f"agent-{sessions}{'-tools' if tools else ''}.jsonl")
        gen_agent(log, sessions, tools)
        size = os.path.getsize(log)
        print(f"\nAgent sessions: {sessions} sessions of 100 calls, {size / 1e6:.0f} MB of requests re-sending their "
              f"history{', with six tool definitions on every call' if tools else ''}")
        counts = {flag: tokencost_json([log] + ([flag] if flag else []))["totals"]["input_tokens"]
                  for flag in ("", "--no-message-cache", "--no-cache")}
        same = len(set(counts.values())) == 1
        print(f"  tokens: {counts['']:,} with every cache, {counts['--no-message-cache']:,} without the message cache, "
              f"{counts['--no-cache']:,} without any: {'identical' if same else 'DIFFERENT'}")
        run = lambda *flags: ([BIN, "analyze", log, "--format", "json", "--quiet", *flags], None)
        m = medians(runs, with_baseline({
            "cached": run(),
            "no message cache": run("--no-message-cache"),
            "no cache at all": run("--no-cache"),
        }))
        for name, (w, r) in m.items():
            print(f"  {name:16} {w:7.3f} s  peak RSS {r:6.1f} MB")
        print_baseline(m)
        print(f"  the message cache alone makes it {m['no message cache'][0] / m['cached'][0]:.1f}x faster "
              "(every message counted, pieces cached)")
        print(f"  both caches make it {m['no cache at all'][0] / m['cached'][0]:.1f}x faster "
              "(every message counted, no piece cached)")
        results["agent-tools" if tools else "agent"] = {
            "bytes": size, **{k: {"seconds": v[0], "rss_mb": v[1]} for k, v in m.items()}}


def gen_price_layer(path, models, seed=4):
    """A price layer of `models` models of one provider, each with an alias and a price row: the shape whose loading
    must stay linear in the number of models."""
    if os.path.exists(path):
        return
    rng = random.Random(seed)
    with open(path + ".tmp", "w") as f:
        f.write("provider:\n  id: bulk\nmodels:\n")
        for i in range(models):
            f.write(f"  - id: bulk-model-{i}\n    aliases: [bulk-alias-{i}]\n    prices:\n      - as_of: 2024-01-01\n"
                    f"        input: {rng.randint(1, 3000) / 100}\n        output: {rng.randint(1, 9000) / 100}\n"
                    "        source: generated\n")
    os.replace(path + ".tmp", path)


def bench_pricing(runs, models, results):
    layer = os.path.join(WORK, f"prices-{models}.yaml")
    gen_price_layer(layer, models)
    print(f"\nLoading a price layer of {models:,} models ({os.path.getsize(layer) / 1e6:.0f} MB): "
          f"`tokencost pricing check {os.path.relpath(layer, ROOT)}`")
    m = medians(runs, with_baseline({"tokencost": ([BIN, "pricing", "check", layer], None)}))
    for name, (w, r) in m.items():
        print(f"  {name:22} {w:7.3f} s  {models / w:9,.0f} models/s  peak RSS {r:6.1f} MB")
    print_baseline(m)
    results["pricing"] = {"models": models, **{k: {"seconds": v[0], "rss_mb": v[1]} for k, v in m.items()}}


def bench_long_piece(runs, megabytes, results):
    """`tokencost count` of one pre-token of `megabytes` MB (a run of one letter, which the pattern keeps whole): the
    byte-pair merge of a long piece, the shape a hostile prompt can take."""
    path = os.path.join(WORK, f"piece-{megabytes}mb.txt")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("a" * (megabytes * 1_000_000))
    tokens = subprocess.run([BIN, "count", path], capture_output=True, text=True).stdout.strip()
    print(f"\nCounting one pre-token of {megabytes} MB (`tokencost count {os.path.relpath(path, ROOT)}`): {tokens} tokens")
    if BASELINE:
        theirs = subprocess.run([BASELINE, "count", path], capture_output=True, text=True).stdout.strip()
        print(f"  baseline count: {theirs} ({'identical' if theirs == tokens else 'DIFFERENT'})")
    m = medians(runs, with_baseline({"tokencost": ([BIN, "count", path], None)}))
    for name, (w, r) in m.items():
        print(f"  {name:22} {w:7.3f} s  {megabytes / w:7.1f} MB/s  peak RSS {r:7.1f} MB")
    print_baseline(m)
    results["long-piece"] = {"bytes": megabytes * 1_000_000, **{k: {"seconds": v[0], "rss_mb": v[1]} for k, v in m.items()}}


def bench_memory(scale, results):
    """Peak RSS for 1x, 3x and 10x the Claude Code directory (the larger ones are copies with their own ids, so
    the responses waiting for de-duplication grow tenfold too)."""
    small = os.path.join(WORK, f"claude-v2-{scale}mb")
    gen_claude(small, scale)
    paths = [small]
    for copies in (3, 10):
        big = os.path.join(WORK, f"claude-v2-{scale}mb-x{copies}")
        copy_claude(small, big, copies)
        paths.append(big)
    print("\nPeak memory against input size")
    rows = {}
    for path in paths:
        w, r = measure([BIN, "analyze", path, "--format", "json", "--quiet"])
        rows[path] = r
        print(f"  {du(path) / 1e6:7.0f} MB of logs: peak RSS {r:6.1f} MB ({w:.1f} s)")
    results["memory"] = rows


def gen_groups(path, calls, sessions=None, seed=6):
    """`calls` native log lines, each call in a session of its own (or in one of `sessions`) and each its own
    `--by call` row: the most groups a log of that size can make. Five models, dates over a year, reported usage
    only."""
    if os.path.exists(path):
        return
    rng = random.Random(seed)
    models = ["gpt-4o-2024-08-06", "gpt-4o-mini", "claude-sonnet-4-5-20250929", "gemini-2.5-pro", "deepseek-chat"]
    with open(path + ".tmp", "w") as f:
        for i in range(calls):
            f.write(
                '{"model":"%s","session":"run-%07d","timestamp":"2025-%02d-%02dT%02d:%02d:00Z",'
                '"usage":{"input_tokens":%d,"cached_input_tokens":%d,"output_tokens":%d}}\n'
                % (models[i % 5], i % (sessions or calls), 1 + i % 12, 1 + i % 28, i % 24, i % 60,
                   rng.randint(100, 5000), rng.randint(0, 2000), rng.randint(10, 800)))
    os.replace(path + ".tmp", path)


def bench_groups(runs, calls, results):
    """Peak RSS and time against the number of groups: a log of `calls` calls in as many sessions, by model (few
    rows, every session counted), by call and by session (a row each), and by model with a session budget (every
    session's sums kept); and the same number of calls in 100 sessions with a session budget, the common case."""
    log = os.path.join(WORK, f"groups-{calls}.jsonl")
    gen_groups(log, calls)
    # The common case, for speed: as many calls in 100 sessions.
    few = os.path.join(WORK, f"groups-{calls}-in-100.jsonl")
    gen_groups(few, calls, sessions=100)
    print(f"\nMemory against groups: {calls:,} calls, each in its own session")
    base = [BIN, "analyze", log, "--format", "json", "--quiet"]
    quiet = [BIN, "analyze", log, "--quiet"]
    cmds = {
        "--by model": (base + ["--by", "model"], None),
        "--by call": (base + ["--by", "call"], None),
        "--by call --format csv": (quiet + ["--by", "call", "--format", "csv"], None),
        "--by call --format jsonl": (quiet + ["--format", "jsonl"], None),
        "--by session": (base + ["--by", "session"], None),
        "--by session --format csv": (quiet + ["--by", "session", "--format", "csv"], None),
        "--by session (table)": (quiet + ["--by", "session"], None),
        "--by call (table)": (quiet + ["--by", "call"], None),
        "--session-budget": (base + ["--session-budget", "100"], None),
        "100 sessions, --session-budget": ([BIN, "analyze", few, "--format", "json", "--quiet",
                                            "--session-budget", "100"], None),
    }
    m = medians(runs, with_baseline(cmds))
    for name, (w, r) in m.items():
        print(f"  {name:28} {w:7.2f} s  peak RSS {r:7.1f} MB")
    print_baseline(m)
    for name in [k for k in m if k.endswith(" (baseline)")]:
        this = name[: -len(" (baseline)")]
        print(f"  {this}: this build / baseline = {m[this][1] / m[name][1]:.3f} of the peak RSS")
    results["groups"] = {k: {"seconds": v[0], "rss_mb": v[1]} for k, v in m.items()}


def bench_marginal(runs, results):
    rows = os.path.join(ROOT, "fixtures", "marginal", "measurements.csv")
    with open(rows, "rb") as fh:
        n = sum(1 for _ in fh) - 1
    print(f"\nServing model: predicting {n:,} measured rows")
    m = medians(runs, with_baseline({"marginal predict": ([BIN, "marginal", "predict", rows], None)}))
    for name, (w, r) in m.items():
        print(f"  {name:16} {w:7.3f} s  peak RSS {r:6.1f} MB")
    print_baseline(m)
    results["marginal"] = {k: {"seconds": v[0], "rss_mb": v[1]} for k, v in m.items()}


ONE_CALL = ('{"id":"chatcmpl-b1","object":"chat.completion","created":1795000000,"model":"gpt-4o-2024-08-06",'
            '"choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":100,"total_tokens":1100}}\n')


def bench_startup(runs, results):
    """What every run pays before reading a byte of log: the process, and the bundled price tables (about 1,500
    models) with their name index. `--version` starts the process and parses the command line only."""
    one = os.path.join(WORK, "one-call.jsonl")
    with open(one, "w") as f:
        f.write(ONE_CALL)
    print("\nStart-up: one call, against the process alone")
    cmds = {
        "tokencost --version": ([BIN, "--version"], None),
        "tokencost analyze (one call)": ([BIN, "analyze", one, "--format", "json", "--quiet"], None),
    }
    m = medians(runs * 4, with_baseline(cmds))
    print_baseline(m)
    for name, (wall, rss) in m.items():
        print(f"  {name:32} {wall * 1000:7.1f} ms  {rss / 1024:6.1f} MB")
    tables = m["tokencost analyze (one call)"][0] - m["tokencost --version"][0]
    print(f"  price tables, index and one call: {tables * 1000:.1f} ms")
    results["startup"] = {name: v[0] for name, v in m.items()}


def duckdb_python():
    """A Python with `import duckdb`: TOKENCOST_SQL_PYTHON, the CI's virtual environment, or this Python with the
    pinned DuckDB installed into bench/scratch; None when none can be had."""
    pin = next(l.strip() for l in open(os.path.join(ROOT, "tests", "sql", "requirements.txt"))
               if l.startswith("duckdb=="))
    for py in [os.environ.get("TOKENCOST_SQL_PYTHON"), os.path.join(ROOT, "target", "sql-venv", "bin", "python")]:
        if py and os.path.exists(py) and subprocess.run([py, "-c", "import duckdb"], capture_output=True).returncode == 0:
            return py, os.environ.copy()
    target = os.path.join(WORK, "py-sql")
    env = dict(os.environ, PYTHONPATH=target)
    probe = [sys.executable, "-c", "import duckdb"]
    if subprocess.run(probe, env=env, capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", target, pin],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if subprocess.run(probe, env=env, capture_output=True).returncode != 0:
        return None
    return sys.executable, env


DUCKDB_SCRIPT = """
import json, sys, time, duckdb
sys.path.insert(0, sys.argv[4])
from engine import statements
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
# Calls in the export's columns, all text as a CSV read with all_varchar gives them: five names (one with a
# provider prefix, one no table lists), dates over three years (some empty), a tenth batch, a tenth priority,
# cache reads and writes, and every twentieth prompt above 200,000 tokens.
con.execute(f\"\"\"
CREATE TABLE tokencost_calls AS
SELECT 'c' || i AS call, 'calls.jsonl' AS file, CAST(i AS VARCHAR) AS line,
    CASE WHEN i % 50 = 0 THEN '' ELSE strftime(TIMESTAMP '2024-01-01' + to_seconds(i * 97 % 94608000), '%Y-%m-%dT%H:%M:%SZ') END AS timestamp,
    's' || (i % 1000) AS session, '' AS project, '' AS provider,
    ['gpt-4o', 'claude-sonnet-4-5', 'openai/gpt-4o-mini', 'gemini-2.5-pro', 'no-such-model'][1 + i % 5] AS model,
    CASE WHEN i % 10 = 3 THEN 'true' ELSE 'false' END AS batch,
    CASE WHEN i % 10 = 7 THEN 'priority' ELSE 'standard' END AS service_tier,
    'r' || i AS response_id, '' AS price_as_of, 'reported' AS token_source, '1' AS calls,
    CAST(CASE WHEN i % 20 = 0 THEN 210000 ELSE 1000 + i % 5000 END AS VARCHAR) AS input_tokens,
    CAST(i % 3000 AS VARCHAR) AS cached_input_tokens, CAST(i % 7 * 100 AS VARCHAR) AS cache_write_tokens,
    '0' AS cache_write_1h_tokens, CAST(100 + i % 900 AS VARCHAR) AS output_tokens,
    '' AS cost_usd, '' AS priced, '' AS marginal_cost_usd_low, '' AS marginal_cost_usd_high
FROM range({int(sys.argv[2])}) t(i)
\"\"\")
for s in statements(open(sys.argv[1], encoding="utf-8").read()):
    con.execute(s)
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    row = con.execute("SELECT count(*), count(cost_usd), CAST(sum(cost_usd) AS VARCHAR), "
                      "CAST(sum(marginal_cost_usd_low) AS VARCHAR) FROM tokencost_call_costs").fetchone()
    times.append(time.perf_counter() - start)
print(json.dumps({"rows": row[0], "priced": row[1], "cost": row[2], "marginal_low": row[3], "seconds": times}))
"""


def bench_sql(runs, calls, results):
    found = duckdb_python()
    print(f"\nSQL: {calls:,} generated calls priced inside DuckDB by `tokencost sql --dialect duckdb`")
    if found is None:
        print("  skipped: DuckDB's Python package could not be installed")
        return
    py, env = found
    script = os.path.join(WORK, "duckdb.sql")
    subprocess.run([BIN, "sql", "--dialect", "duckdb", "-o", script], check=True)
    driver = os.path.join(WORK, "duckdb_bench.py")
    with open(driver, "w") as f:
        f.write(DUCKDB_SCRIPT)
    out = subprocess.run([py, driver, script, str(calls), str(runs), os.path.join(ROOT, "tests", "sql")],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"  failed: {out.stderr.strip()[-500:]}")
        return
    r = json.loads(out.stdout)
    med = statistics.median(r["seconds"])
    version = subprocess.run([py, "-c", "import duckdb; print(duckdb.__version__)"], env=env,
                             capture_output=True, text=True).stdout.strip()
    print(f"  DuckDB {version}: {r['rows']:,} rows ({r['priced']:,} priced, total ${r['cost']}) "
          f"in {med:.3f} s median of {len(r['seconds'])}: {r['rows'] / med:,.0f} rows/s")
    results["sql"] = {"rows": r["rows"], "seconds": med, "rows_per_second": r["rows"] / med, "duckdb": version}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small corpora, to try the script")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="claude,codex,count,agent,memory,pricing,piece,startup,marginal,groups,sql")
    ap.add_argument("--baseline", help="another tokencost binary to time alternating with this build")
    args = ap.parse_args()
    global BASELINE
    BASELINE = os.path.abspath(args.baseline) if args.baseline else None
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    only = set(args.only.split(","))
    results = {}
    print(f"machine: {os.cpu_count()} cores; runs per measurement: {args.runs}")
    if "claude" in only:
        bench_claude(args.runs, 30 if args.quick else 300, results)
    if "codex" in only:
        bench_codex(args.runs, 10 if args.quick else 100, results)
    if "count" in only:
        bench_count(args.runs, 8 if args.quick else 80, results)
    if "agent" in only:
        bench_agent(args.runs, 4 if args.quick else 20, results)
    if "memory" in only:
        bench_memory(30 if args.quick else 300, results)
    if "pricing" in only:
        bench_pricing(args.runs, 10_000 if args.quick else 100_000, results)
    if "piece" in only:
        bench_long_piece(args.runs, 1 if args.quick else 10, results)
    if "startup" in only:
        bench_startup(args.runs, results)
    if "marginal" in only:
        bench_marginal(args.runs, results)
    if "groups" in only:
        # A million rows take a minute a run: fewer runs than the short benchmarks.
        bench_groups(min(args.runs, 3), 100_000 if args.quick else 1_000_000, results)
    if "sql" in only:
        bench_sql(min(args.runs, 3), 100_000 if args.quick else 1_000_000, results)
    with open(os.path.join(WORK, "results.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
