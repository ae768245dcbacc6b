#!/usr/bin/env bash
# `npm run test:faults`: the fault-injection suite (test/faults/*.faults.ts).
#
# The suite kills services, stops Kafka and restarts PostgreSQL, so it runs on servers of its own,
# never on the shared broker (:9092) or PostgreSQL (:5432):
#   Kafka       deploy/local/kafka.sh with KAFKA_DATA_DIR=.data/kafka-faults, ports 19092/19093
#   PostgreSQL  deploy/local/postgres.js, embedded only, .data/postgres-faults, port 15432
# Both start from empty data directories and are stopped when the run ends, failed or not.
# Flow: build (the services run from dist/), start both, jest, stop both. Extra arguments go to jest.
# Logs (services, broker, PostgreSQL) and figures (summary.json) of the last run: .data/faults-logs/,
# of the one before: .data/faults-logs.1/.
# FAULTS_KAFKA_PORT, FAULTS_KAFKA_CONTROLLER_PORT and FAULTS_POSTGRES_PORT move the ports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REPO="$(pwd)"

export KAFKA_PORT="${FAULTS_KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${FAULTS_KAFKA_CONTROLLER_PORT:-19093}"
export KAFKA_DATA_DIR="$REPO/.data/kafka-faults"
export EMBEDDED_POSTGRES_ONLY=1
export EMBEDDED_POSTGRES_PORT="${FAULTS_POSTGRES_PORT:-15432}"
export EMBEDDED_POSTGRES_DIR="$REPO/.data/postgres-faults"
export FAULTS_LOG_DIR="$REPO/.data/faults-logs"
# servers and the suite must not inherit the shared infrastructure's settings
unset DATABASE_URL KAFKA_BROKERS

log() { echo "[faults] $*"; }
START=$SECONDS

# one run at a time (fd 8 is closed for every child, so no server started here keeps the lock)
mkdir -p .data
exec 8>"$REPO/.data/faults.lock"
flock -n 8 || { log "another fault-injection run holds .data/faults.lock"; exit 1; }

stop_infra() {
  bash deploy/local/kafka.sh down 8>&- || log "WARNING: stopping the private Kafka failed"
  node deploy/local/postgres.js down 8>&- || log "WARNING: stopping the private PostgreSQL failed"
}

show_logs() {
  local f
  for f in "$FAULTS_LOG_DIR"/*.log; do
    [[ -f "$f" ]] || continue
    echo "----- last lines of $f"
    tail -n 25 "$f"
  done
}

# services the suite started and did not stop (it was killed, or timed out): only the pids it recorded,
# and only while they still are one of our built services
kill_leftover_services() {
  local pid
  [[ -f "$FAULTS_LOG_DIR/service.pids" ]] || return 0
  while read -r pid; do
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$REPO/dist/services/"; then
      log "killing service process $pid left behind by the suite"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done <"$FAULTS_LOG_DIR/service.pids"
}

on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  kill_leftover_services
  log "stopping the private Kafka and PostgreSQL"
  stop_infra
  # the broker's logs (before and after its restart) and the server's, next to the services'
  if [[ -d "$FAULTS_LOG_DIR" ]]; then
    cp "$KAFKA_DATA_DIR/server.log.1" "$FAULTS_LOG_DIR/kafka.1.log" 2>/dev/null || true
    cp "$KAFKA_DATA_DIR/server.log" "$FAULTS_LOG_DIR/kafka.log" 2>/dev/null || true
    cp "$EMBEDDED_POSTGRES_DIR-embedded.log" "$FAULTS_LOG_DIR/postgres.log" 2>/dev/null || true
    if ((rc != 0)); then show_logs; fi
  fi
  if [[ -f "$FAULTS_LOG_DIR/summary.json" ]]; then
    log "figures ($FAULTS_LOG_DIR/summary.json):"
    # each file of the suite records its own part (outages: total and phases; two-instances: twoInstances)
    node -e 'const s = require(process.argv[1]); const t = s.twoInstances; console.log(JSON.stringify({ total: s.total, phases: s.phases?.map(p => ({ phase: p.phase, seconds: p.seconds, requests: p.figures.requests, accepted: p.figures.accepted, retried: p.figures.retried, neverAccepted: p.figures.neverAccepted })), twoInstances: t && { accepted: t.tickets?.accepted, groupFailoverMs: t.groupFailoverMs, afterKill: t.afterKill, leadAllocation: t.leadAllocation } }, null, 1))' "$FAULTS_LOG_DIR/summary.json" 8>&- || true
  fi
  log "exit code $rc after $((SECONDS - START)) s"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "building"
npm run --silent build 8>&-

# a clean slate: stop what an interrupted run may have left, check the ports, empty the data directories
stop_infra
for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$EMBEDDED_POSTGRES_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is taken by something this suite did not start; set FAULTS_*_PORT"
    exit 1
  fi
done
rm -rf "$KAFKA_DATA_DIR" "$EMBEDDED_POSTGRES_DIR" "$EMBEDDED_POSTGRES_DIR-embedded.log" "$FAULTS_LOG_DIR.1"
if [[ -d "$FAULTS_LOG_DIR" ]]; then mv "$FAULTS_LOG_DIR" "$FAULTS_LOG_DIR.1"; fi
mkdir -p "$FAULTS_LOG_DIR"

log "starting the private Kafka (127.0.0.1:$KAFKA_PORT) and PostgreSQL (127.0.0.1:$EMBEDDED_POSTGRES_PORT)"
bash deploy/local/kafka.sh up 8>&-
DATABASE_URL="$(node deploy/local/postgres.js up 8>&- | tail -n 1)"
export DATABASE_URL KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" FAULTS_PRIVATE_INFRA=1
# the private broker's principals (each service signs in as its own) and their ACLs, for the suite's faults_* schemas too
export KAFKA_CREDENTIALS_FILE="$KAFKA_DATA_DIR/credentials.json"
node dist/libs/messaging/scripts/kafka-provision.js --extra-group-prefix faults_ 8>&-
log "infrastructure ready after $((SECONDS - START)) s"

# --forceExit: a kafkajs client or socket left open by a failing test must not hold the run (CI) forever
node_modules/.bin/jest -c test/faults/jest.config.js --runInBand --forceExit "$@" 8>&-
