#!/usr/bin/env bash
# `npm run bench -- --size tiny|small|1gb [...]`: the performance bench (see bench/run.ts --help).
# Steps: deps (npm ci when node_modules is missing or older than the lockfile), the local servers
# (scripts/servers.ts start: installs and starts them when needed), build dist/, then bench/run.ts.
# Invariants: stops at the first failing step with its exit status; arguments go to bench/run.ts untouched.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then exec node --import tsx bench/run.ts --help; fi
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bench: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
echo "bench: servers" >&2
npx tsx scripts/servers.ts start >&2
echo "bench: build" >&2
npm run build --silent >&2
exec node --import tsx bench/run.ts "$@"
