#!/usr/bin/env bash
# `npm run bench -- --size tiny|small|1gb [--workers N]`: pg2my against the pipe limit and a naive baseline,
# measured side by side in one run on the project's local servers (started if needed). Installs npm
# packages when missing and builds dist/ (the bench runs the built CLI, as a user would).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >/dev/null
fi
npx tsx scripts/servers.ts start >/dev/null
npm run --silent build
exec node --import tsx bench/run.ts "$@"
