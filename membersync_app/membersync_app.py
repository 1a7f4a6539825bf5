"""The Reflex app: imports every page module (each registers its route with @rx.page), puts the
auth routes, health, upload gate and security headers in front (web.py), and the event guard
before every handler (state/event_guard.py)."""

import contextlib
import importlib
import pkgutil

import reflex as rx

from . import logs, pages, web
from .services import backup
from .settings import database_url
from .state.event_guard import EventGuard

logs.configure_logging()
for _module in pkgutil.iter_modules(pages.__path__):
    importlib.import_module(f"{pages.__name__}.{_module.name}")

app = rx.App(api_transformer=web.wrap_backend)
app.add_middleware(EventGuard())


@contextlib.asynccontextmanager
async def _running_on_the_database():
    """While a worker serves, `membersync restore` refuses to replace its SQLite file."""
    lock = backup.hold_running_lock(database_url())
    try:
        yield
    finally:
        if lock is not None:
            lock.close()


app.register_lifespan_task(_running_on_the_database)
