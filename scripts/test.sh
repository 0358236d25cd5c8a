#!/usr/bin/env bash
# The one command for the whole suite on a fresh Debian machine with Node 20 (`npm test`, `.ci/run`).
# Steps: deps (npm ci if needed), servers, lint+format, typecheck, build, unit tests, integration tests.
# Every step runs even after an earlier one failed (only missing deps stop the run); failures are listed
# at the end, the last line is the combined `N passed, N failed` (a failed non-test step counts as one
# failure, so the line never reads "0 failed" when anything failed), and the exit status is non-zero then.
set -uo pipefail # deliberately no -e: each step's status is collected by run_step

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
export CI="${CI:-}"
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

failed_steps=()
total_passed=0
total_failed=0
suite_t0=$SECONDS

run_step() { # run_step <name> <command...>
  local name=$1 t0=$SECONDS rc=0
  shift
  echo "==> $name"
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "<== $name: ok ($((SECONDS - t0))s)"
  else
    echo "<== $name: FAILED with exit $rc ($((SECONDS - t0))s)"
    failed_steps+=("$name")
  fi
  return "$rc"
}

run_tests() { # run_tests <unit|integration>; adds the run's counts to the totals
  local kind=$1 out="$tmp/$1.out" line p f rc=0
  run_step "$kind tests" bash -c 'set -o pipefail; npx tsx scripts/run-tests.ts "$1" | tee "$2"' _ "$kind" "$out" || rc=$?
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)"
  if [ -n "$line" ]; then
    p="${line%% passed*}"
    f="${line#*, }"
    f="${f%% failed}"
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    # the runner failed although every test it counted passed (e.g. a file that did not load)
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then total_failed=$((total_failed + 1)); fi
  else
    total_failed=$((total_failed + 1)) # the run died before reporting; count it as one failure
  fi
}

# 1. Dependencies: npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! run_step "npm ci" npm ci --no-audit --no-fund; then
    echo "FAILED: npm ci; nothing else can run"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

# 2. Servers (installs PostgreSQL/MariaDB with apt-get if missing; a fast no-op when already running).
servers_ok=1
check_step() { # a step that is not a test run: its failure counts as one failure in the closing line
  run_step "$@" || { total_failed=$((total_failed + 1)); return 1; }
}

check_step "servers" npx tsx scripts/servers.ts start || servers_ok=0
# Debian Chromium for the report.html rendering test (a no-op when installed).
check_step "chromium" bash scripts/install-chromium.sh

# 3-5. Static checks and build: failures are recorded (and counted), the tests still run.
check_step "lint+format (biome)" npx biome check .
check_step "typecheck (tsc)" npx tsc -p tsconfig.json --noEmit
check_step "build" npm run build --silent

# 6-7. Tests.
run_tests unit
if [ "$servers_ok" -eq 1 ]; then
  run_tests integration
else
  echo "==> integration tests: skipped (servers did not start)"
  failed_steps+=("integration tests (skipped: no servers)")
fi

echo
echo "suite took $((SECONDS - suite_t0))s"
if [ "${#failed_steps[@]}" -gt 0 ]; then
  echo "FAILED steps:"
  printf '  - %s\n' "${failed_steps[@]}"
fi
echo "$total_passed passed, $total_failed failed"
[ "${#failed_steps[@]}" -eq 0 ]
