#!/usr/bin/env bash
# Set up everything MemberSync needs, on a fresh Debian machine or again on a warm one:
# a virtualenv with the pinned packages, bun from the npm registry in .tools/ (Reflex's own bun
# download needs the internet), and PATH. Sourced by run.sh and test.sh; safe to repeat.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

PYTHON="${PYTHON:-python3}"
BUN_VERSION="1.4.4"

if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment (.venv)"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when pyproject.toml changed since the last install.
stamp=".venv/.membersync-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  echo "$want" > "$stamp"
fi

if [ ! -x ".tools/bun/node_modules/.bin/bun" ]; then
  echo "==> installing bun $BUN_VERSION from the npm registry into .tools/bun"
  mkdir -p .tools/bun
  npm install --silent --no-audit --no-fund --prefix .tools/bun "bun@$BUN_VERSION"
fi

export PATH="$REPO_ROOT/.tools/bun/node_modules/.bin:$REPO_ROOT/.venv/bin:$PATH"
export REFLEX_TELEMETRY_ENABLED=false
