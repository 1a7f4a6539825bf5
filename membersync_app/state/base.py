"""The root state: who is signed in (looked up on the server at every event), guards, sign out."""

from collections.abc import Iterator
from contextlib import contextmanager

import reflex as rx
from sqlmodel import Session

from .. import routes
from ..db import unit_of_work
from ..models import User
from ..services import auth, organizations

SESSION_COOKIE_MAX_AGE = int(auth.SESSION_LIFETIME.total_seconds())


class AppState(rx.State):
    """Holds the browser's session token; everything else about the user is re-read per event.

    The token is an opaque random string; the server keeps only its hash. The header fields
    below are for display only: no permission is ever decided from them.
    """

    session_token: str = rx.Cookie(
        "", name="membersync_session", max_age=SESSION_COOKIE_MAX_AGE, same_site="strict"
    )
    viewer_name: str = ""
    viewer_is_staff: bool = False
    viewer_signed_in: bool = False

    @contextmanager
    def unit(self) -> Iterator[tuple[Session, User | None]]:
        """One transaction and the signed-in user (None when signed out)."""
        with unit_of_work() as session:
            yield session, auth.user_for_token(session, self.session_token)

    def _show_viewer(self, user: User | None) -> None:
        self.viewer_signed_in = user is not None
        self.viewer_name = (user.full_name or user.username) if user else ""
        self.viewer_is_staff = bool(user and user.is_staff)

    def _here(self) -> str:
        url = self.router.url
        return f"{url.path}?{url.query}" if url.query else url.path

    @staticmethod
    def _landing_path(session: Session, user: User) -> str:
        """Where a person works: staff the back office, owners and managers the Group
        Dashboard, members their own access."""
        if user.is_staff:
            return routes.ADMIN
        if organizations.manages_any(session, user):
            return routes.DASHBOARD
        return routes.MY_ACCESS

    @rx.event
    def go_home(self):
        """on_load of "/": signed-out visitors sign in, everyone else goes where they work."""
        with self.unit() as (session, user):
            self._show_viewer(user)
            target = self._landing_path(session, user) if user else routes.LOGIN
        return rx.redirect(target)

    @rx.event
    def guard_signed_in(self):
        """on_load guard: steers signed-out visitors to /login (services still re-check)."""
        with self.unit() as (_session, user):
            self._show_viewer(user)
        if user is None:
            return rx.redirect(routes.login_with_next(self._here()))
        return None

    @rx.event
    def guard_staff(self):
        """on_load guard for /admin pages: only staff stay."""
        with self.unit() as (_session, user):
            self._show_viewer(user)
        if user is None:
            return rx.redirect(routes.login_with_next(self._here()))
        if not user.is_staff:
            return rx.redirect(routes.DASHBOARD)
        return None

    @rx.event
    def sign_out(self):
        with unit_of_work() as session:
            auth.sign_out(session, self.session_token)
        self.session_token = ""
        self._show_viewer(None)
        return rx.redirect(routes.LOGIN)
