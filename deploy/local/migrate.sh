#!/usr/bin/env bash
# The migrate step, locally (`npm run migrate [service[:schema] ...]`): as the PostgreSQL superuser of
# DATABASE_URL (default: the server deploy/local/postgres.js finds), create the owner role support_owner
# and each service's runtime role support_<service> if missing; then, as the owner, every schema, its
# migrations and its runtime role's grants (deploy/migrate/migrate.ts). Services then connect as their
# roles (deploy/local/run-services.js). Local role passwords are the role's name (NODE_ENV development);
# set SUPPORT_<ROLE>_PASSWORD to choose others.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

: "${DATABASE_URL:=$(node deploy/local/postgres.js url)}"
[[ -f dist/deploy/migrate/migrate.js ]] || npm run --silent build
DATABASE_ADMIN_URL="${DATABASE_ADMIN_URL:-$DATABASE_URL}" NODE_ENV="${NODE_ENV:-development}" exec node dist/deploy/migrate/migrate.js "$@"
