#!/usr/bin/env bash
# The gateway's costs, in one run (docs/benchmarks.md): PlaceOrder through
# the gateway vs directly to orders-svc vs a bare tonic echo RPC, then the
# live-inventory fan-out latency (order acknowledgement to event) with
# 1,000 watchers on the gateway, 1,000 on orders-svc directly, and one.
#
# Builds the release binaries, prints the machine's facts, then runs
# `icc-loadgen gateway`. Traffic stays on 127.0.0.1; the run stops by itself
# (about 2 min with the defaults).
#
#   scripts/bench-gateway.sh                      # the recorded benchmark
#   scripts/bench-gateway.sh --json gateway.json  # also the full report as JSON
#   scripts/bench-gateway.sh --levels 1,4 --duration-secs 3 --watchers 100   # a quick look
#
# Extra arguments go to `icc-loadgen gateway` (see `icc-loadgen gateway
# --help`). BENCH_WORK_DIR puts the temporary store on another disk.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release -p orders-svc -p gateway -p icc-loadgen

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

exec "$target_dir/release/icc-loadgen" gateway \
  --orders-svc "$target_dir/release/orders-svc" \
  --gateway "$target_dir/release/gateway" \
  --work-dir "$work_dir" \
  "$@"
