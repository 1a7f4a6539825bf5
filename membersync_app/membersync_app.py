"""The Reflex app: imports every page module (each registers its route with @rx.page)."""

import importlib
import pkgutil

import reflex as rx

from . import pages

for _module in pkgutil.iter_modules(pages.__path__):
    importlib.import_module(f"{pages.__name__}.{_module.name}")

app = rx.App()
