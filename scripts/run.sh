#!/usr/bin/env bash
# Set up and run MemberSync: migrations, demo data on an empty database, production build on :3000.
# It prints the set-up steps, the demo sign-ins and the address; Reflex's own chatter is kept to
# warnings and errors.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# Reflex times the npm registry against a mirror the first time it sets up .web, and prints
# "Failed to connect" for each try when that mirror cannot be reached; naming the registry npm
# is set to skips the probe.
NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-$(npm config get registry)}"
export NPM_CONFIG_REGISTRY

membersync migrate
membersync demo-data --if-empty
echo "==> MemberSync at http://localhost:${REFLEX_FRONTEND_PORT:-3000} (database: ${MEMBERSYNC_DATABASE_URL:-sqlite:///membersync.db})"
exec reflex run --env prod --single-port --loglevel warning
