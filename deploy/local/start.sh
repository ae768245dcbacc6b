#!/usr/bin/env bash
# Starts the whole system locally with demo data: PostgreSQL and Kafka (deploy/local/infra.sh), the
# migrate step (deploy/local/migrate.sh), every service built from this checkout as its own database role, then the demo data of deploy/local/demo-data.js.
# Runs in the foreground; Ctrl-C stops the services (the infrastructure keeps running:
# `npm run infra:down` stops it). deploy/local/run-services.js runs and watches the services: their
# output is shown one whole line at a time, prefixed with the service's name (and kept in
# .data/logs/<name>.log), and a service that exits is reported with its last lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# services of this checkout, with their default ports (API.md)
SERVICES=(intake:3001 routing:3002 sla-monitor:3003 field-service:3004 knowledge-base:3005 lead-pool:3006 dashboard:3000)

# Node 24 first on PATH (fetched once into .cache/node/ when the machine's node is older): the build,
# the migrate step and every service run on it, as in production (node:24 image)
source deploy/local/node24.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
eval "$(bash deploy/local/infra.sh up | tee /dev/stderr | grep '^export ')"
npm run --silent build
# topics and every principal's ACLs (the broker denies what no ACL allows)
node dist/libs/messaging/scripts/kafka-provision.js

export NODE_ENV="${NODE_ENV:-development}"
# the migrate step as the owner, then every service as its own least-privilege role (RUNTIME_ROLES)
bash deploy/local/migrate.sh
export RUNTIME_ROLES=1
# INSTANCES=2: a second instance of every service on its port + 100 (intake 3101, ..., dashboard 3100), same
# schema and consumer groups; INSTANCES defaults to 1
INSTANCES="${INSTANCES:-1}"
[[ "$INSTANCES" =~ ^[12]$ ]] || { echo "INSTANCES must be 1 or 2" >&2; exit 1; }
if [[ "$INSTANCES" == 2 ]]; then
  for service in "${SERVICES[@]}"; do SERVICES+=("${service%%:*}:$((${service##*:} + 100))"); done
fi
exec node deploy/local/run-services.js --then 'node deploy/local/demo-data.js' "${SERVICES[@]}"
