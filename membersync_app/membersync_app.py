"""The Reflex app: imports every page module (each records its route with @rx.page) and adds
each page once, puts the auth routes, CSV downloads, health, upload gate and security headers in
front (web.py), and the event guard before every handler (state/event_guard.py)."""

import asyncio
import contextlib
import importlib
import pkgutil

import reflex as rx
from reflex_base.registry import RegistrationContext

from . import logs, pages, web
from .db import unit_of_work
from .services import backup, mail
from .settings import database_url, smtp_settings
from .state.event_guard import EventGuard

logs.configure_logging()
for _module in pkgutil.iter_modules(pages.__path__):
    importlib.import_module(f"{pages.__name__}.{_module.name}")


def add_recorded_pages(app: rx.App) -> None:
    """Add the pages @rx.page recorded, once, and forget the records. Reflex adds recorded
    pages again at every compile, and the production server compiles twice in one process
    (in `reflex run`, then in each worker it forks), which registered every page twice and
    logged "Page … is being redefined with the same component" for each."""
    recorded = RegistrationContext.ensure_context().decorated_pages
    for render, kwargs in recorded:
        app.add_page(render, **kwargs)
    recorded.clear()


app = rx.App(api_transformer=web.wrap_backend)
add_recorded_pages(app)
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

DELIVERY_INTERVAL_SECONDS = 30


async def _deliver_the_outbox():
    """Every worker sends what waits in the outbox (a failed attempt, or an e-mail whose worker
    crashed before sending it); claims keep two workers from sending one message twice."""
    if smtp_settings() is None:
        return
    while True:
        await asyncio.to_thread(mail.deliver_pending, unit_of_work)
        await asyncio.sleep(DELIVERY_INTERVAL_SECONDS)


app.register_lifespan_task(_deliver_the_outbox)


@contextlib.asynccontextmanager
async def _deliver_after_commit():
    """While the app serves, every committed unit of work's e-mails go out from mail's thread
    pool at once (unit tests, benches and scripts that import the app leave it off)."""
    mail.deliver_after_commit(mail.AfterCommit.BACKGROUND)
    try:
        yield
    finally:
        mail.deliver_after_commit(mail.AfterCommit.OFF)


app.register_lifespan_task(_deliver_after_commit)
