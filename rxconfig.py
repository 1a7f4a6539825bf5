"""Reflex configuration. The database URL comes from MEMBERSYNC_DATABASE_URL (DESIGN.md §5)."""

import reflex as rx

from membersync_app.settings import database_url

config = rx.Config(
    app_name="membersync_app",
    db_url=database_url(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
