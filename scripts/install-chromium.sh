#!/usr/bin/env bash
# Installs Debian's Chromium for the report.html rendering test (playwright-core drives it; Playwright's
# own browser download is not used). Idempotent: a no-op when /usr/bin/chromium already exists.
# Needs root (apt-get); non-interactive, so it is safe in CI.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
