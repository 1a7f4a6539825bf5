#!/usr/bin/env bash
# Set up and run MemberSync: migrations, demo data on an empty database, production build on :3000.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

membersync migrate
membersync demo-data --if-empty
echo "==> MemberSync at http://localhost:${REFLEX_FRONTEND_PORT:-3000} (database: ${MEMBERSYNC_DATABASE_URL:-sqlite:///membersync.db})"
exec reflex run --env prod --single-port
