"""Reflex configuration. The database URL comes from MEMBERSYNC_DATABASE_URL (DESIGN.md §5), the
address to listen on from MEMBERSYNC_LISTEN_HOST; a backend worker that dies is respawned."""

import os

import granian.server
import reflex as rx

from membersync_app.settings import database_url, listen_host


def _respawn_failed_workers() -> None:
    """A backend worker that dies (killed, out of memory, a crash in native code) is replaced,
    while the other workers keep serving. Granian's default is to shut the whole server down
    when one worker dies, and Reflex 0.10.1 starts granian with a fixed set of options, so the
    default is changed here, where `reflex run` reads it before it starts granian.
    GRANIAN_RESPAWN_FAILED_WORKERS=false (granian's own name for it) keeps granian's default.
    Granian still stops everything when a respawned worker dies again within 5.5 seconds (a
    crash loop)."""
    if os.environ.get("GRANIAN_RESPAWN_FAILED_WORKERS", "true").lower() in {"0", "false", "no"}:
        return
    if getattr(granian.server.Server, "respawns_failed_workers", False):
        return  # this module was read before in this process

    class RespawningServer(granian.server.Server):
        respawns_failed_workers = True

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("respawn_failed_workers", True)
            super().__init__(*args, **kwargs)

    granian.server.Server = RespawningServer


_respawn_failed_workers()

config = rx.Config(
    app_name="membersync_app",
    db_url=database_url(),
    backend_host=listen_host(),  # MEMBERSYNC_LISTEN_HOST: 127.0.0.1 behind a reverse proxy
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
