"""The Reflex app: imports every page module (each registers its route with @rx.page), puts the
auth routes, upload gate and security headers in front (web.py), and the event guard before
every handler (state/event_guard.py)."""

import importlib
import pkgutil

import reflex as rx

from . import pages, web
from .state.event_guard import EventGuard

for _module in pkgutil.iter_modules(pages.__path__):
    importlib.import_module(f"{pages.__name__}.{_module.name}")

app = rx.App(api_transformer=web.wrap_backend)
app.add_middleware(EventGuard())
