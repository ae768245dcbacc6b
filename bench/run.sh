#!/usr/bin/env bash
# Runs every benchmark against local PostgreSQL and Kafka and records the figures in
# bench/RESULTS.md. On demand only: not part of `npm test` or CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
eval "$(bash deploy/local/infra.sh up | grep '^export ')"
npm run --silent build
node dist/libs/messaging/scripts/kafka-provision.js --extra-group-prefix bench_
for bench in dist/bench/*.bench.js; do
  echo "== $bench"
  node "$bench"
done
