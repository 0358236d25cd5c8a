#!/usr/bin/env bash
# `npm run demo [-- scale]`: the main job end to end on a built-in sample, from a fresh clone on Debian with
# Node 20. Installs what is missing (npm ci; PostgreSQL/MariaDB via apt-get), starts private local servers,
# builds a Rails-like sample database in PostgreSQL, migrates it into MariaDB with pg2my, verifies it, and
# prints where the report is. Safe to run again: the sample databases are recreated each time.
# Invariant: servers already running on the machine's default ports are never used or touched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
PG2MY_DEMO_STARTED_MS="$(date +%s%3N)"
export PG2MY_DEMO_STARTED_MS
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing dependencies (npm ci)"
  npm ci --no-audit --no-fund >/dev/null
fi
echo "==> starting local PostgreSQL and MariaDB (private ports and data dirs; first run installs them with apt-get)"
npx tsx scripts/servers.ts start
exec npx tsx scripts/demo.ts "$@"
