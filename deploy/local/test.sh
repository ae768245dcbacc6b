#!/usr/bin/env bash
# `npm test`: every test against real PostgreSQL and Kafka. Installs the packages on a fresh
# clone, brings the local infrastructure up if it is not (and leaves it running for the next
# run; `npm run infra:down` stops it), installs Debian's Chromium for the browser test if it is
# missing, type-checks, then runs jest. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# Node 24 first on PATH (fetched once into .cache/node/ when the machine's node is older): npm, npx,
# tsc and jest all run on it
source deploy/local/node24.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
if [[ -z "${DATABASE_URL:-}" || -z "${KAFKA_BROKERS:-}" ]]; then
  eval "$(bash deploy/local/infra.sh up | grep '^export ')"
fi
# the dashboard page's test drives Debian's Chromium
bash deploy/local/browser.sh
echo "[test] type-checking"
npx tsc -p tsconfig.json --noEmit
echo "[test] jest on node $(npm exec --offline -c 'node -p process.version') (DATABASE_URL and KAFKA_BROKERS from the environment)"
exec npx jest --runInBand "$@"
