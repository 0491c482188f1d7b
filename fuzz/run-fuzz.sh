#!/usr/bin/env bash
# Runs one fuzz target for SECONDS (default 600) from the seed corpus; crashes land in fuzz/artifacts/TARGET/.
# Usage: fuzz/run-fuzz.sh TARGET [SECONDS]. Needs cargo-fuzz (cargo install cargo-fuzz); on a stable toolchain
# RUSTC_BOOTSTRAP=1 lets it use the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
secs=${2:-600}
mkdir -p "corpus/$target"
extra=()
# read_file starts reader threads for every input; LeakSanitizer reports the standard library's per-thread channel
# context, which is freed by the thread's exit destructors after it looks. Leak checks stay on for the others.
[ "$target" = read_file ] && extra=(-detect_leaks=0)
RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=4096 \
  -max_len=1048576 "${extra[@]}"
