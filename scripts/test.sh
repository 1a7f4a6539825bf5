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
echo "==> unit and concurrency tests (SQLite)"
pytest tests/unit tests/load -q "$@"

# The scale-out path: the same tests on PostgreSQL, when a server answers (never required).
PG_URL="${MEMBERSYNC_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}"
if python -c "import psycopg, sys; psycopg.connect(sys.argv[1].replace('+psycopg', ''), connect_timeout=2).close()" "$PG_URL" 2>/dev/null; then
  echo "==> unit and concurrency tests (PostgreSQL)"
  MEMBERSYNC_TEST_DATABASE_URL="$PG_URL" pytest tests/unit tests/load -q "$@"
else
  echo "==> no PostgreSQL server answers at $PG_URL: PostgreSQL pass skipped"
fi
# pytest-playwright's event loop and pytest-asyncio do not mix: e2e runs in its own invocation.
echo "==> end-to-end tests"
pytest tests/e2e -q "$@"
