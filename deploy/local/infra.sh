#!/usr/bin/env bash
# Local infrastructure for dev and CI: PostgreSQL (deploy/local/postgres.js) then Kafka
# (deploy/local/kafka.sh).
#
#   deploy/local/infra.sh up                 ensure both are available; prints export lines:
#                                              export DATABASE_URL=...
#                                              export KAFKA_BROKERS=127.0.0.1:9092
#                                              export INFRA_STARTED='...'  (what this call started)
#                                            usage: eval "$(deploy/local/infra.sh up | grep ^export)"
#   deploy/local/infra.sh down [kafka|postgres ...]
#                                            stop what these scripts started (all by default, or only
#                                            the listed components, e.g. "$INFRA_STARTED")
#   deploy/local/infra.sh status             one line per component; exit 1 if either is down
#
# Servers not started by these scripts (DATABASE_URL, the PostgreSQL on :5432, a broker that
# was already listening) are never stopped.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-9092}"
# the local broker's SASL passwords (deploy/local/kafka.sh writes them into its data directory)
KAFKA_DATA="${KAFKA_DATA_DIR:-$HERE/../../.data/kafka}"
[[ "$KAFKA_DATA" == /* ]] || KAFKA_DATA="$HERE/../../$KAFKA_DATA"
KAFKA_CREDENTIALS_FILE="$(realpath -m "$KAFKA_DATA")/credentials.json"
STARTED=()

log() { echo "[infra] $*"; }

quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

cmd_up() {
  local pg_out db_url
  STARTED=()
  # if anything fails half way, stop only what this call started
  trap 'rc=$?; if ((rc != 0)) && ((${#STARTED[@]})); then log "up failed; stopping ${STARTED[*]}"; cmd_down "${STARTED[@]}" || true; fi' EXIT

  log "PostgreSQL"
  pg_out="$(node "$HERE/postgres.js" up)"
  sed '$d' <<<"$pg_out"
  db_url="$(tail -n 1 <<<"$pg_out")"
  [[ "$db_url" == postgres://* || "$db_url" == postgresql://* ]] || {
    echo "[infra] ERROR: postgres.js up did not print a URL" >&2
    exit 1
  }
  grep -q '^\[postgres\] started embedded' <<<"$pg_out" && STARTED+=(postgres)

  log "Kafka"
  local was_running=1
  bash "$HERE/kafka.sh" status >/dev/null 2>&1 || was_running=0
  bash "$HERE/kafka.sh" up
  ((was_running)) || STARTED+=(kafka)

  trap - EXIT
  log "ready${STARTED[*]:+ (started: ${STARTED[*]})}"
  echo "export DATABASE_URL=$(quote "$db_url")"
  echo "export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  echo "export KAFKA_CREDENTIALS_FILE=$(quote "$KAFKA_CREDENTIALS_FILE")"
  echo "export INFRA_STARTED=$(quote "${STARTED[*]:-}")"
}

cmd_down() {
  local targets=("$@") rc=0
  ((${#targets[@]})) || targets=(kafka postgres)
  # reverse order of up: Kafka first, then PostgreSQL
  for t in kafka postgres; do
    [[ " ${targets[*]} " == *" $t "* ]] || continue
    case "$t" in
      kafka) bash "$HERE/kafka.sh" down || rc=1 ;;
      postgres) node "$HERE/postgres.js" down || rc=1 ;;
    esac
  done
  for t in "${targets[@]}"; do
    [[ "$t" == kafka || "$t" == postgres ]] || { echo "[infra] unknown component: $t" >&2; rc=2; }
  done
  return "$rc"
}

cmd_status() {
  local rc=0 url
  if url="$(node "$HERE/postgres.js" url 2>/dev/null)"; then
    echo "postgres: running ($(sed -E 's#(//[^:/@]+):[^@]*@#\1:***@#' <<<"$url"))"
  else
    echo "postgres: stopped"
    rc=1
  fi
  local k
  if k="$(bash "$HERE/kafka.sh" status)"; then
    echo "kafka: $k"
  else
    echo "kafka: $k"
    rc=1
  fi
  return "$rc"
}

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up | down [kafka|postgres ...] | status" >&2
    exit 2
    ;;
esac
