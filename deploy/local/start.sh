#!/usr/bin/env bash
# Starts the whole system locally with demo data: PostgreSQL and Kafka (deploy/local/infra.sh),
# every service built from this checkout, then the demo data of deploy/local/demo-data.js.
# Runs in the foreground; Ctrl-C stops the services (the infrastructure keeps running:
# `npm run infra:down` stops it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# services of this checkout, with their default ports (API.md)
SERVICES=(intake:3001 routing:3002 sla-monitor:3003 field-service:3004 knowledge-base:3005 lead-pool:3006 dashboard:3000)

[[ -d node_modules ]] || npm ci --no-audit --no-fund
eval "$(bash deploy/local/infra.sh up | tee /dev/stderr | grep '^export ')"
npm run --silent build

export NODE_ENV="${NODE_ENV:-development}"
mkdir -p .data/logs
PIDS=()
stop_services() {
  trap - EXIT INT TERM
  ((${#PIDS[@]})) && kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_services EXIT
trap 'exit 130' INT TERM

for entry in "${SERVICES[@]}"; do
  name="${entry%%:*}" port="${entry##*:}"
  echo "[start] $name on :$port (log: .data/logs/$name.log)"
  PORT="$port" node "dist/services/$name/src/main.js" >".data/logs/$name.log" 2>&1 &
  PIDS+=($!)
done

for entry in "${SERVICES[@]}"; do
  name="${entry%%:*}" port="${entry##*:}"
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    kill -0 "${PIDS[0]}" 2>/dev/null || { echo "[start] $name died; see .data/logs/$name.log" >&2; tail -n 30 ".data/logs/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "[start] $name not ready" >&2; exit 1; }
  echo "[start] $name ready: http://127.0.0.1:$port/docs"
done

node deploy/local/demo-data.js
echo "[start] running; Ctrl-C to stop the services"
wait
