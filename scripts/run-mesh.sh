#!/usr/bin/env bash
# Starts the mesh on the embedded store with demo data (what `make run` does).
# Every process binds 127.0.0.1; Ctrl-C stops them all.
#
#   ICC_STORE_URL      store (default sqlite://data/icc.db)
#   ICC_DEMO_TRICKLE   1 (default) keeps demo orders flowing; 0 turns it off
#   ICC_DEMO_INTERVAL_MS  milliseconds between demo orders (default 1500)
#   ORDERS_LISTEN      orders-svc address (default 127.0.0.1:50051)
#   INGEST_LISTEN      ingest-svc address (default 127.0.0.1:50052)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/debug
export ICC_STORE_URL="${ICC_STORE_URL:-sqlite://data/icc.db}"
export ORDERS_LISTEN="${ORDERS_LISTEN:-127.0.0.1:50051}"
export INGEST_LISTEN="${INGEST_LISTEN:-127.0.0.1:50052}"
export RUST_LOG="${RUST_LOG:-info}"
# The gateway serves the web UI that `make build` puts in web/dist.
export GATEWAY_WEB_DIR="${GATEWAY_WEB_DIR:-web/dist}"
mkdir -p data/logs

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "stopping the mesh..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$bin/orders-svc" >data/logs/orders-svc.log 2>&1 &
pids+=($!)
"$bin/ingest-svc" >data/logs/ingest-svc.log 2>&1 &
pids+=($!)
demo=("$bin/icc-demo" --orders "http://$ORDERS_LISTEN" --ingest "http://$INGEST_LISTEN")
"${demo[@]}" wait --timeout-s 60
"${demo[@]}" wait --addr "http://$INGEST_LISTEN" --timeout-s 60
"${demo[@]}" seed
"${demo[@]}" history

if [ "${ICC_DEMO_TRICKLE:-1}" != 0 ]; then
  "${demo[@]}" trickle >data/logs/demo.log 2>&1 &
  pids+=($!)
fi

cat <<MSG

Inventory Command Center is running on the embedded store ($ICC_STORE_URL).

  orders-svc (catalog, orders, live inventory):  $ORDERS_LISTEN
  ingest-svc (sales facts, features, pipeline):   $INGEST_LISTEN

  grpcurl -plaintext $ORDERS_LISTEN list
  grpcurl -plaintext -d '{}' $ORDERS_LISTEN icc.v1.InventoryService/WatchInventory

Logs are in data/logs/. Demo orders: $([ "${ICC_DEMO_TRICKLE:-1}" != 0 ] && echo "on (ICC_DEMO_TRICKLE=0 turns them off)" || echo off).
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
