#!/usr/bin/env bash
# The compose file's Kafka entrypoint (apache/kafka image): the broker's configuration from the KAFKA_*
# variables (KAFKA_FOO_BAR -> foo.bar, as the image itself reads them), plus what must come from secret
# files: the listeners' SASL logins and the admin and controller passwords. On first start it formats the
# data volume with a SCRAM-SHA-512 credential for every principal of KAFKA_PRINCIPALS, whose passwords are
# /run/secrets/kafka_<principal>_password (KRaft keeps SCRAM credentials in its metadata: they must exist
# before the first client signs in). Also writes the admin's client properties for the healthcheck.
set -euo pipefail

KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
SECRETS="${SECRETS_DIR:-/run/secrets}"
CONFIG_DIR="${SUPPORT_KAFKA_CONFIG_DIR:-/tmp/support-kafka}"
PROPS="$CONFIG_DIR/server.properties"
ADMIN_CLIENT="$CONFIG_DIR/admin-client.properties"
: "${CLUSTER_ID:?CLUSTER_ID is required}"
: "${KAFKA_PRINCIPALS:?KAFKA_PRINCIPALS is required (the principals to make SCRAM credentials for)}"
: "${KAFKA_LOG_DIRS:?KAFKA_LOG_DIRS is required}"

secret() {
  local file="$SECRETS/$1"
  [[ -r "$file" ]] || { echo "start-kafka: secret $1 is missing or unreadable ($file)" >&2; exit 1; }
  tr -d '\r\n' <"$file"
}

mkdir -p "$CONFIG_DIR"
chmod 700 "$CONFIG_DIR"
admin_password="$(secret kafka_admin_password)"
controller_password="$(secret kafka_controller_password)"

{
  echo "# written by start-kafka.sh from the container's KAFKA_* variables and secrets"
  for var in $(compgen -e); do
    case "$var" in
      KAFKA_HOME | KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JMX_OPTS | KAFKA_LOG4J_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_GC_LOG_OPTS | KAFKA_PRINCIPALS | KAFKA_VERSION) continue ;;
      KAFKA_*) ;;
      *) continue ;;
    esac
    key="${var#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/@}"
    key="${key//_/.}"
    key="${key//@/_}"
    echo "$key=${!var}"
  done
  # the inter-broker listener signs in as the admin; the controller listener takes PLAIN (SCRAM credentials
  # live in the metadata the controller itself serves)
  echo "listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin_password\";"
  echo "listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
  echo "listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"controller\" password=\"$controller_password\" user_controller=\"$controller_password\";"
} >"$PROPS"
chmod 600 "$PROPS"

cat >"$ADMIN_CLIENT" <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/kafka_ca
PROPERTIES
chmod 600 "$ADMIN_CLIENT"

if [[ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]]; then
  scram=()
  for principal in ${KAFKA_PRINCIPALS//,/ }; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$principal,password=$(secret "kafka_${principal//-/_}_password")]")
  done
  echo "start-kafka: formatting $KAFKA_LOG_DIRS (cluster $CLUSTER_ID) with SCRAM credentials for $KAFKA_PRINCIPALS"
  "$KAFKA_HOME/bin/kafka-storage.sh" format -t "$CLUSTER_ID" -c "$PROPS" "${scram[@]}"
fi

exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$PROPS"
