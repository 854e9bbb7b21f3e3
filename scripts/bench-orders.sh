#!/usr/bin/env bash
# PlaceOrder vs a bare tonic echo RPC, in one run (docs/benchmarks.md).
#
# Builds the release binaries, prints the machine's facts, then runs
# `icc-loadgen run`: a fresh orders-svc on a temporary SQLite store (WAL,
# synchronous=FULL) and an echo server, loaded in a closed loop at 1, 16 and
# 64 concurrent clients. Traffic stays on 127.0.0.1; the run stops by itself
# (about 80 s with the defaults).
#
#   scripts/bench-orders.sh                      # the recorded benchmark
#   scripts/bench-orders.sh --json bench.json    # also the full report as JSON
#   scripts/bench-orders.sh --levels 1,4 --duration-secs 3   # a quick look
#
# Extra arguments go to `icc-loadgen run` (see `icc-loadgen run --help`).
# BENCH_WORK_DIR puts the temporary store on another disk (default: $TMPDIR
# or /tmp); commits are fsync-bound, so that disk is part of the result.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release -p orders-svc -p icc-loadgen

echo "## machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "nproc:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "kernel:  $(uname -r)"
echo "rustc:   $(rustc --version)"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
work_dir="${BENCH_WORK_DIR:-${TMPDIR:-/tmp}}"
echo "store fs: $(df -T "$work_dir" | awk 'NR == 2 {print $2 " on " $1}') ($work_dir)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo

exec "$target_dir/release/icc-loadgen" run \
  --orders-svc "$target_dir/release/orders-svc" \
  --work-dir "$work_dir" \
  "$@"
