#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, combined broker+controller) run from the
# official jars on Maven Central. No Docker needed. Secured as in production: clients authenticate
# with SASL/SCRAM-SHA-512 (one principal per service, an analyst, an admin) and the StandardAuthorizer
# denies whatever no ACL allows (topics and ACLs: `npm run kafka:provision`, which the tests and
# `npm start` run themselves). The principals' passwords are made at random for each data directory
# and kept in KAFKA_DATA_DIR/credentials.json (mode 600); the controller listener uses SASL/PLAIN with
# a password of its own (SCRAM credentials live in the metadata the controller itself serves).
#
#   deploy/local/kafka.sh up       start (idempotent) and wait until kafkajs can talk to it
#   deploy/local/kafka.sh down     stop the broker this script started (no-op if not running)
#   deploy/local/kafka.sh status   print running/stopped; exit 0 if running, 1 if not
#   deploy/local/kafka.sh logs     print the end of the broker log (logs -f to follow)
#
# Environment:
#   KAFKA_PORT             SASL (SCRAM-SHA-512) client listener port on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port on 127.0.0.1 (default 9093)
#   KAFKA_READY_TIMEOUT    seconds to wait for readiness on `up` (default 90)
#   KAFKA_HEAP_OPTS        JVM heap flags (default -Xms256m -Xmx768m)
#   KAFKA_DATA_DIR         the broker's state directory (default <repo>/.data/kafka; a relative path is
#                          taken from the repo root). A second broker runs side by side with its own
#                          directory and ports, e.g. the fault-injection suite's:
#                          KAFKA_DATA_DIR=.data/kafka-faults KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093
#
# Files: jars in <repo>/.cache/kafka/<version>/libs, state in KAFKA_DATA_DIR
# (server.properties, credentials.json, log4j.properties, cluster.id, kafka.pid, server.log, logs/).
# A data directory without credentials (formatted before the broker was secured) is formatted again:
# a local broker's topics are made again by the services and tests that use them.
set -euo pipefail

KAFKA_VERSION=3.9.1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
HOST=127.0.0.1

LIBS="$REPO/.cache/kafka/$KAFKA_VERSION/libs"
DATA="${KAFKA_DATA_DIR:-$REPO/.data/kafka}"
[[ "$DATA" == /* ]] || DATA="$REPO/$DATA"
LOG_DIR="$DATA/logs"
PROPS="$DATA/server.properties"
LOG4J="$DATA/log4j.properties"
TOOLS_LOG4J="$DATA/tools-log4j.properties"
PID_FILE="$DATA/kafka.pid"
SERVER_LOG="$DATA/server.log"
CLUSTER_ID_FILE="$DATA/cluster.id"
CREDENTIALS="$DATA/credentials.json"

# every SCRAM principal: the operator (super user: provisioning, the tests' own clients), the analysts'
# read-only one, and one per service (KAFKA_PRINCIPALS in libs/messaging; a unit test keeps them equal)
PRINCIPALS=(admin analyst intake routing sla-monitor field-service knowledge-base lead-pool dashboard)

log() { echo "[kafka] $*"; }
err() { echo "[kafka] ERROR: $*" >&2; }

port_open() {
  # true when something accepts TCP connections on $HOST:$1
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# pid of the broker this script started, if it is still alive (else empty)
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  # guard against pid reuse: must be our JVM running kafka.Kafka
  if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka'; then
    return 0
  fi
  echo "$pid"
}

ensure_jars() {
  if [[ -f "$LIBS/.complete" ]] && compgen -G "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null || { err "maven (mvn) is required to fetch the Kafka jars"; exit 1; }
  log "resolving Apache Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
  local tmp="$LIBS.tmp.$$" start=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$tmp"
  local mvn_log="$REPO/.cache/kafka/maven.log"
  if ! mvn -q -B -ntp -Dstyle.color=never -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$mvn_log" 2>&1; then
    err "maven failed to resolve the Kafka jars (log $mvn_log):"
    tail -n 40 "$mvn_log" >&2
    rm -rf "$tmp"
    exit 1
  fi
  touch "$tmp/.complete"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  log "jars ready ($(ls "$LIBS"/*.jar | wc -l) jars, $((SECONDS - start)) s)"
}

kafka_java() {
  java -cp "$LIBS/*" "$@"
}

# the password of a principal, from credentials.json
password_of() {
  node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const p = c[process.argv[2]]; if (!p) process.exit(1); process.stdout.write(p)' "$CREDENTIALS" "$1"
}

# random passwords for every principal and the controller, once per data directory
ensure_credentials() {
  mkdir -p "$DATA"
  if [[ -s "$CREDENTIALS" ]] && node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(process.argv.slice(2).every((p) => c[p]) ? 0 : 1)' "$CREDENTIALS" controller "${PRINCIPALS[@]}"; then
    return 0
  fi
  log "making credentials for ${PRINCIPALS[*]} in $CREDENTIALS"
  (umask 077 && node -e 'const { randomBytes } = require("crypto"); const names = process.argv.slice(1); process.stdout.write(JSON.stringify(Object.fromEntries(names.map((n) => [n, randomBytes(24).toString("base64url")])), null, 2) + "\n")' controller "${PRINCIPALS[@]}" >"$CREDENTIALS.tmp")
  mv -f "$CREDENTIALS.tmp" "$CREDENTIALS"
  # new passwords need new SCRAM credentials, which only a format writes
  rm -rf "$LOG_DIR"
}

write_config() {
  mkdir -p "$DATA" "$LOG_DIR"
  local admin_password controller_password
  admin_password="$(password_of admin)"
  controller_password="$(password_of controller)"
  (
    umask 077
    cat >"$PROPS" <<EOF
# generated by deploy/local/kafka.sh on every start; edit the script, not this file
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=CLIENT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=CLIENT://$HOST:$PORT
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=CLIENT
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="$controller_password" user_controller="$controller_password";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:controller
allow.everyone.if.no.acl.found=false
log.dirs=$LOG_DIR
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
EOF
  )
  cat >"$LOG4J" <<'EOF'
# generated by deploy/local/kafka.sh; stdout is redirected to .data/kafka/server.log
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.controller=INFO
log4j.logger.org.apache.kafka.raft=INFO
EOF
  # quiet config for the one-shot StorageTool runs
  cat >"$TOOLS_LOG4J" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

format_storage_once() {
  if [[ -f "$LOG_DIR/meta.properties" ]]; then
    log "storage already formatted (cluster id $(sed -n 's/^cluster.id=//p' "$LOG_DIR/meta.properties"))"
    return 0
  fi
  local cluster_id
  if [[ -s "$CLUSTER_ID_FILE" ]]; then
    cluster_id="$(cat "$CLUSTER_ID_FILE")"
  else
    cluster_id="$(kafka_java -Dlog4j.configuration="file:$TOOLS_LOG4J" kafka.tools.StorageTool random-uuid | tail -n 1 | tr -d '[:space:]')"
    [[ -n "$cluster_id" ]] || { err "could not generate a cluster id"; exit 1; }
    echo "$cluster_id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting storage in $LOG_DIR (cluster id $cluster_id) with SCRAM credentials for ${PRINCIPALS[*]}"
  local scram=() name
  for name in "${PRINCIPALS[@]}"; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$(password_of "$name")]")
  done
  kafka_java -Dlog4j.configuration="file:$TOOLS_LOG4J" kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" "${scram[@]}"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + READY_TIMEOUT)) start=$SECONDS
  log "waiting up to ${READY_TIMEOUT}s for the broker on $HOST:$PORT"
  while ((SECONDS < deadline)); do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      err "broker process $pid exited during startup; last log lines:"
      tail -n 40 "$SERVER_LOG" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if port_open "$PORT" && KAFKA_CREDENTIALS_FILE="$CREDENTIALS" node "$HERE/kafka-ready.js" "$HOST:$PORT" >/dev/null 2>&1; then
      log "ready on $HOST:$PORT after $((SECONDS - start)) s"
      return 0
    fi
    sleep 1
  done
  err "broker not ready after ${READY_TIMEOUT}s; last log lines:"
  tail -n 40 "$SERVER_LOG" >&2 || true
  return 1
}

cmd_up() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    if port_open "$PORT"; then
      log "already running (pid $pid) on $HOST:$PORT"
      return 0
    fi
    log "broker pid $pid is running but not listening yet"
    wait_ready "$pid"
    return
  fi
  if port_open "$PORT"; then
    if KAFKA_CREDENTIALS_FILE="$CREDENTIALS" node "$HERE/kafka-ready.js" "$HOST:$PORT" >/dev/null 2>&1; then
      log "a Kafka broker already answers on $HOST:$PORT (not started by this script); using it"
    else
      log "WARNING: something already listens on $HOST:$PORT but does not answer Kafka requests; not starting a broker"
    fi
    return 0
  fi

  command -v java >/dev/null || { err "java (17+) is required"; exit 1; }
  ensure_jars
  ensure_credentials
  write_config
  format_storage_once

  # keep one previous log around, start a fresh one
  [[ -f "$SERVER_LOG" ]] && mv -f "$SERVER_LOG" "$SERVER_LOG.1"
  log "starting Kafka $KAFKA_VERSION (KRaft, node 1) on $HOST:$PORT, controller $HOST:$CONTROLLER_PORT"
  local launcher=()
  command -v setsid >/dev/null && launcher=(setsid)
  # shellcheck disable=SC2086 # HEAP_OPTS is a list of JVM flags
  nohup "${launcher[@]}" java $HEAP_OPTS -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$DATA" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$SERVER_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "pid $pid, log $SERVER_LOG"
  wait_ready "$pid"
}

cmd_down() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    if port_open "$PORT"; then
      log "not started by this script (something else listens on $HOST:$PORT); leaving it alone"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 20 s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    if port_open "$PORT"; then
      echo "running (pid $pid, $HOST:$PORT)"
    else
      echo "running (pid $pid, not yet listening on $HOST:$PORT)"
    fi
    return 0
  fi
  if port_open "$PORT"; then
    echo "running ($HOST:$PORT answers, not started by kafka.sh)"
    return 0
  fi
  echo "stopped"
  return 1
}

cmd_logs() {
  [[ -f "$SERVER_LOG" ]] || { err "no log at $SERVER_LOG"; exit 1; }
  if [[ "${1:-}" == "-f" || "${1:-}" == "--follow" ]]; then
    exec tail -n 100 -F "$SERVER_LOG"
  fi
  tail -n "${1:-100}" "$SERVER_LOG"
}

# serialise up/down so two concurrent callers cannot start two brokers on one log dir
with_lock() {
  mkdir -p "$DATA"
  if command -v flock >/dev/null; then
    exec 9>"$DATA/.lock"
    flock -w 180 9 || { err "timed out waiting for another kafka.sh up/down"; exit 1; }
  fi
  "$@"
}

case "${1:-}" in
  up) with_lock cmd_up ;;
  down) with_lock cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  *)
    echo "usage: $0 up|down|status|logs [-f|N]" >&2
    exit 2
    ;;
esac
