"""Reflex configuration. The database URL comes from MEMBERSYNC_DATABASE_URL (DESIGN.md §5), the
address to listen on from MEMBERSYNC_LISTEN_HOST."""

import reflex as rx

from membersync_app.settings import database_url, listen_host

config = rx.Config(
    app_name="membersync_app",
    db_url=database_url(),
    backend_host=listen_host(),  # MEMBERSYNC_LISTEN_HOST: 127.0.0.1 behind a reverse proxy
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
