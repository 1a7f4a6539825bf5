#!/usr/bin/env bash
# Set up and run every test: lint, unit tests (services, migrations), then end-to-end tests
# in Debian's Chromium against the real production build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

if [ ! -x "${MEMBERSYNC_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "==> installing Debian's chromium (Playwright's own browser download needs the internet)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

echo "==> ruff"
ruff check .
echo "==> unit tests"
pytest tests/unit -q "$@"
# pytest-playwright's event loop and pytest-asyncio do not mix: e2e runs in its own invocation.
echo "==> end-to-end tests"
pytest tests/e2e -q "$@"
