"""The page for a path that does not exist: it only needs to know who is signed in, so the
header shows the same links as everywhere else."""

import reflex as rx

from .base import AppState


class NotFoundState(AppState):
    @rx.event
    def load(self):
        """on_load of the 404 page: no guard (anyone may mistype an address)."""
        with self._reading() as (_session, user):
            self._show_viewer(user)
