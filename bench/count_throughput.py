#!/usr/bin/env python3
"""Counting throughput of `tokencost analyze` on a generated request log without usage (every token counted).

Runs the release binary with 1 and 2 threads, alternating, RUNS times each, and prints medians, MB/s of log read
and the 2-thread/1-thread ratio. Usage: bench/count_throughput.py [MEGABYTES] [RUNS]
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    mb = float(sys.argv[1]) if len(sys.argv) > 1 else 100
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    work = os.path.join(ROOT, "bench", "work")
    os.makedirs(work, exist_ok=True)
    log = os.path.join(work, f"requests-{mb:g}mb.jsonl")
    if not os.path.exists(log):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_requests.py"), log, str(mb)], check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "tokencost")
    size = os.path.getsize(log) / 1e6
    times = {1: [], 2: []}
    for _ in range(runs):
        for threads in (1, 2):
            start = time.perf_counter()
            subprocess.run([binary, "analyze", log, "--threads", str(threads), "--format", "json", "--quiet"],
                           stdout=subprocess.DEVNULL, check=True)
            times[threads].append(time.perf_counter() - start)
    print(f"log: {size:.1f} MB, {runs} runs per setting, medians:")
    for threads, ts in times.items():
        med = statistics.median(ts)
        print(f"  --threads {threads}: {med:.2f} s  {size / med:.1f} MB/s")
    print(f"  2 threads / 1 thread speed-up: {statistics.median(times[1]) / statistics.median(times[2]):.2f}x")


if __name__ == "__main__":
    main()
