#!/usr/bin/env bash
# Starts the mesh on the embedded store with demo data (what `make run` does).
# Every process binds 127.0.0.1; Ctrl-C (or SIGTERM, or the end of the make
# that started it) stops them all.
#
#   ICC_DATA_DIR       where the store, keys, logins and logs go (default data)
#   ICC_BIN_DIR        the built binaries (default target/debug, what `make build` makes)
#   ICC_STORE_URL      store (default sqlite://$ICC_DATA_DIR/icc.db)
#   ICC_DEMO_TRICKLE   1 (default) keeps demo orders flowing; 0 turns it off
#   ICC_DEMO_INTERVAL_MS  milliseconds between demo orders (default 1500)
#   ORDERS_LISTEN      orders-svc address (default 127.0.0.1:50051)
#   INGEST_LISTEN      ingest-svc address (default 127.0.0.1:50052)
#   FORECAST_LISTEN    forecast-svc address (default 127.0.0.1:50053)
#   GATEWAY_LISTEN     the gateway: the one address users need (default 127.0.0.1:8080)
#   GATEWAY_METRICS_LISTEN  its Prometheus metrics (default 127.0.0.1:9464)
#   ICC_JWT_SECRET     token-signing key (default: made once per data dir, in $ICC_DATA_DIR/jwt-secret)
#
# Port 0 in an address means any free port; the banner says which.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${ICC_BIN_DIR:-target/debug}"
data="${ICC_DATA_DIR:-data}"
export ICC_STORE_URL="${ICC_STORE_URL:-sqlite://$data/icc.db}"
export ORDERS_LISTEN="${ORDERS_LISTEN:-127.0.0.1:50051}"
export INGEST_LISTEN="${INGEST_LISTEN:-127.0.0.1:50052}"
export FORECAST_LISTEN="${FORECAST_LISTEN:-127.0.0.1:50053}"
export RUST_LOG="${RUST_LOG:-info}"
# The gateway serves the web UI that `make build` puts in web/dist.
export GATEWAY_WEB_DIR="${GATEWAY_WEB_DIR:-web/dist}"
export GATEWAY_LISTEN="${GATEWAY_LISTEN:-127.0.0.1:8080}"
mkdir -p "$data/logs"

# The gateway's signing key and the demo logins, made once per data dir
# (random, never in the code; delete the data dir to start afresh). The gateway
# creates the users on its first start, when the store has none.
umask 077
if [ ! -s "$data/jwt-secret" ]; then
  head -c 32 /dev/urandom | base64 >"$data/jwt-secret"
fi
if [ ! -s "$data/demo-logins" ]; then
  pw() { head -c 9 /dev/urandom | base64 | tr '+/' '-_'; }
  printf 'ADMIN_PASSWORD=%s\nSTAFF_PASSWORD=%s\nVIEWER_PASSWORD=%s\n' "$(pw)" "$(pw)" "$(pw)" >"$data/demo-logins"
fi
umask 022
# shellcheck source=/dev/null
. "$data/demo-logins"
export ICC_JWT_SECRET="${ICC_JWT_SECRET:-$(cat "$data/jwt-secret")}"
export ICC_ADMIN_USERNAME=admin ICC_ADMIN_PASSWORD="$ADMIN_PASSWORD"
export ICC_SEED_USERS="staff:STAFF:$STAFF_PASSWORD,viewer:VIEWER:$VIEWER_PASSWORD"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "stopping the mesh..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

# Starts a binary of the mesh in the background, logging to $data/logs/.
start() {
  : >"$data/logs/$1.log" # now, so that no line of an earlier run is read
  "$bin/$1" >>"$data/logs/$1.log" 2>&1 &
  pids+=($!)
}

# The address in the `<what> listening on <addr>` line the binary started
# last prints to its log ($1.log) once bound; <what> is $2, or else $1.
address() {
  local log="$data/logs/$1.log" what=${2:-$1} pid=${pids[-1]} line
  for _ in $(seq 600); do
    line=$(grep -m1 "^$what listening on " "$log" || true)
    [ -n "$line" ] && { echo "${line##* }"; return; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$what did not start (see $log)" >&2
  return 1
}

start orders-svc
orders=$(address orders-svc)
start ingest-svc
ingest=$(address ingest-svc)
start forecast-svc
forecast=$(address forecast-svc)
demo=("$bin/icc-demo" --orders "http://$orders" --ingest "http://$ingest")
"${demo[@]}" wait --timeout-s 60
"${demo[@]}" wait --addr "http://$ingest" --timeout-s 60
"${demo[@]}" wait --addr "http://$forecast" --timeout-s 60
"${demo[@]}" seed
"${demo[@]}" history
# The gateway last, in front of them all (the demo driver talks to the
# services directly).
export GATEWAY_ORDERS_UPSTREAM="http://$orders"
export GATEWAY_INGEST_UPSTREAM="http://$ingest"
export GATEWAY_FORECAST_UPSTREAM="http://$forecast"
start gateway
gateway=$(address gateway)
metrics=$(address gateway "gateway metrics")
"${demo[@]}" wait --addr "http://$gateway" --timeout-s 60

if [ "${ICC_DEMO_TRICKLE:-1}" != 0 ]; then
  "${demo[@]}" trickle >"$data/logs/demo.log" 2>&1 &
  pids+=($!)
fi

cat <<MSG

Inventory Command Center is running on the embedded store ($ICC_STORE_URL).

  Open http://$gateway  (the web UI; gRPC and grpc-web on the same address)

  Demo logins (also in $data/demo-logins):
    admin   $ADMIN_PASSWORD   manages the catalog and users
    staff   $STAFF_PASSWORD   places and cancels orders, adjusts stock
    viewer  $VIEWER_PASSWORD   reads and watches

  grpcurl -plaintext $gateway list
  grpcurl -plaintext -d '{"username": "admin", "password": "$ADMIN_PASSWORD"}' $gateway icc.v1.AuthService/Login

  Behind it: orders-svc $orders, ingest-svc $ingest, forecast-svc $forecast;
  gateway metrics on http://$metrics/metrics.

Logs are in $data/logs/. Demo orders: $([ "${ICC_DEMO_TRICKLE:-1}" != 0 ] && echo "on (ICC_DEMO_TRICKLE=0 turns them off)" || echo off).
Press Ctrl-C to stop.
MSG
# Until a process of the mesh exits or whoever started this script (make)
# is gone: make killed with -9 passes no signal on, and the mesh must not
# outlive it.
starter=$PPID
while kill -0 "$starter" 2>/dev/null; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a process of the mesh exited (see $data/logs/)"; exit 1; }
  done
  # In the background: a trapped signal (Ctrl-C) interrupts `wait` at once.
  sleep 1 &
  wait $!
done
