#!/usr/bin/env bash
# Makes the secret files docker-compose.yml mounts, each only if it is missing (so running it again
# never replaces a key or a password in use; to rotate one, see deploy/compose/README.md):
#   secrets/audit-signing-key.pem        the Ed25519 key that signs the hash-chain anchors
#   secrets/personal-data-kek            the key that wraps every customer's data key (32 bytes, base64)
#   secrets/grafana-admin-password       Grafana's admin password (the observability profile)
#   secrets/kafka/<principal>.password   a SCRAM password per Kafka principal (admin, analyst, each service)
#   secrets/kafka/controller.password    the KRaft controller listener's own password
#   secrets/kafka/ca.pem, ca.key         a certificate authority for the broker (keep ca.key offline)
#   secrets/kafka/broker.pem             the broker's key and certificate, for the names kafka and
#                                        localhost and KAFKA_EXTERNAL_HOST (when set)
# Run from the repository root: bash deploy/compose/make-secrets.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v openssl >/dev/null || { echo "make-secrets: openssl is required" >&2; exit 1; }

PRINCIPALS=(admin analyst intake routing sla-monitor field-service knowledge-base lead-pool dashboard controller)
DIR=secrets/kafka
umask 077
mkdir -p "$DIR"

made() { echo "[secrets] made $1"; }

[[ -f secrets/audit-signing-key.pem ]] || { openssl genpkey -algorithm ed25519 -out secrets/audit-signing-key.pem; made secrets/audit-signing-key.pem; }
[[ -f secrets/personal-data-kek ]] || { openssl rand -base64 32 >secrets/personal-data-kek; made secrets/personal-data-kek; }
[[ -f secrets/grafana-admin-password ]] || { openssl rand -hex 16 >secrets/grafana-admin-password; made secrets/grafana-admin-password; }

for principal in "${PRINCIPALS[@]}"; do
  file="$DIR/$principal.password"
  [[ -f "$file" ]] || { openssl rand -hex 24 >"$file"; made "$file"; }
done

if [[ ! -f "$DIR/ca.pem" ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=support-ops Kafka CA" \
    -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null
  made "$DIR/ca.pem"
fi

if [[ ! -f "$DIR/broker.pem" ]]; then
  names="DNS:kafka,DNS:localhost${KAFKA_EXTERNAL_HOST:+,DNS:$KAFKA_EXTERNAL_HOST}"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kafka" -keyout "$DIR/broker.key" -out "$DIR/broker.csr" 2>/dev/null
  openssl x509 -req -in "$DIR/broker.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial -days 825 \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$names") -out "$DIR/broker.crt" 2>/dev/null
  # Kafka's PEM key store: the PKCS#8 key, then the certificate chain, in one file
  { openssl pkcs8 -topk8 -nocrypt -in "$DIR/broker.key"; cat "$DIR/broker.crt" "$DIR/ca.pem"; } >"$DIR/broker.pem"
  rm -f "$DIR/broker.key" "$DIR/broker.csr" "$DIR/broker.crt" "$DIR/ca.srl"
  made "$DIR/broker.pem ($names)"
fi

# the containers run as uid 1000 (node's user, Kafka's appuser) and a bind-mounted secret keeps the host's
# owner and mode: owned by 1000 and private when this runs as root, else readable (then keep secrets/
# itself on a host only operators log in to)
if ((EUID == 0)); then
  chown -R 1000:1000 secrets
  chmod 700 secrets "$DIR"
  chmod 600 secrets/audit-signing-key.pem secrets/personal-data-kek "$DIR"/*
  # Grafana runs as its own uid 472
  chown 472:0 secrets/grafana-admin-password
  chmod 600 secrets/grafana-admin-password
else
  chmod 755 secrets "$DIR"
  chmod 644 secrets/audit-signing-key.pem secrets/personal-data-kek secrets/grafana-admin-password "$DIR"/*.password "$DIR/broker.pem" "$DIR/ca.pem"
  chmod 600 "$DIR/ca.key"
fi
echo "[secrets] ready in secrets/ (keep it out of git: it is in .gitignore)"
