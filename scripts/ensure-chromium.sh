#!/usr/bin/env bash
# The playground's browser test drives Debian's Chromium. Install it when missing and we may
# (root with apt-get, as on CI); otherwise say exactly what to do.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser test (apt-get install -y chromium)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser test needs Chromium: run 'sudo apt-get install -y chromium' or set CHROMIUM_PATH." >&2
exit 1
