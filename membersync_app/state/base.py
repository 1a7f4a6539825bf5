"""The root state: who is signed in (looked up on the server at every event), guards, sign out.

The session token lives only in an HttpOnly cookie that the server sets (web.py): it is read
from the connection's own headers at every event and never enters a state var, a frame or a
script. Which session a tab's state belongs to is kept in `_session_id`; the event guard
(event_guard.py) resets the whole tree when that changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import CookieError, SimpleCookie

import reflex as rx
from sqlalchemy.orm import object_session
from sqlmodel import Session

from .. import routes
from ..db import read_only_unit, unit_of_work
from ..models import User
from ..services import auth, organizations
from ..settings import SESSION_COOKIE


def session_token_from_cookie_header(cookie_header: str) -> str:
    """The session token in a Cookie header ("" when absent or unreadable)."""
    try:
        jar = SimpleCookie(cookie_header or "")
    except CookieError:
        return ""
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else ""


def _app_state_classes(cls: type[rx.State]) -> list[type[rx.State]]:
    classes = [cls]
    for substate in cls.get_substates():
        classes.extend(_app_state_classes(substate))
    return classes


NOT_STAFF_NOTICE = ("The admin pages are for MemberSync staff, and your account is not a staff "
                    "account: here is your Group Dashboard instead.")


class AppState(rx.State):
    """The signed-in user is re-read per event; the header fields are for display only: no
    permission is ever decided from them."""

    _session_id: int | None = None
    viewer_name: str = ""
    viewer_is_staff: bool = False
    # Why the person was sent to this page instead of the one they asked for (page_shell shows
    # it): kept while they are on the page they asked for or the one they were sent to.
    sent_away: str = ""
    _sent_away_paths: tuple[str, ...] = ()
    viewer_signed_in: bool = False
    # Owns or manages an organization: only then does the Group Dashboard link lead anywhere.
    viewer_manages: bool = False
    # A server route the browser must load as a whole page (it sets or clears the HttpOnly
    # cookie); the page frame follows it at once. Empty almost always.
    leave_to: str = ""

    def _session_token(self) -> str:
        return session_token_from_cookie_header(self.router.headers.cookie)

    @contextmanager
    def _unit(self) -> Iterator[tuple[Session, User | None]]:
        """One transaction and the signed-in user (None when signed out)."""
        with unit_of_work() as session:
            yield session, auth.user_for_token(session, token=self._session_token())

    @contextmanager
    def _reading(self) -> Iterator[tuple[Session, User | None]]:
        """Like `_unit`, for what only reads (lists, page loads, searches, reports): it never
        takes or waits for the write lock, so a big read never makes a change wait."""
        with read_only_unit() as session:
            yield session, auth.user_for_token(session, token=self._session_token())

    def _show_viewer(self, user: User | None) -> None:
        if self.sent_away and self.router.url.path.rstrip("/") not in self._sent_away_paths:
            self.sent_away = ""
        self.viewer_signed_in = user is not None
        self.viewer_name = (user.full_name or user.username) if user else ""
        self.viewer_is_staff = bool(user and user.is_staff)
        # The user was read in the caller's unit of work, still open here.
        session = object_session(user) if user else None
        self.viewer_manages = bool(session and organizations.manages_any(session, user=user))

    def _here(self) -> str:
        """This page's address, as routes.py writes it (the static build adds a trailing "/")."""
        url = self.router.url
        path = url.path.rstrip("/") or "/"
        return f"{path}?{url.query}" if url.query else path

    @staticmethod
    def _landing_path(session: Session, user: User) -> str:
        """Where a person works: staff the back office, owners and managers the Group
        Dashboard, members their own access."""
        if user.is_staff:
            return routes.ADMIN
        if organizations.manages_any(session, user=user):
            return routes.DASHBOARD
        return routes.MY_ACCESS

    @rx.event
    def go_home(self):
        """on_load of "/": signed-out visitors sign in, everyone else goes where they work."""
        with self._reading() as (session, user):
            self._show_viewer(user)
            target = self._landing_path(session, user) if user else routes.LOGIN
        return rx.redirect(target)

    def _away_unless_signed_in(self, user: User | None):
        """The one signed-in guard: shows who is signed in, and sends a signed-out visitor to
        /login, back here after. `guard_signed_in`, `guard_staff` and the page loads that read
        the user in their own unit of work all use it: `if away := ...: return away`."""
        self._show_viewer(user)
        return None if user else rx.redirect(routes.login_with_next(self._here()))

    @rx.event
    def guard_signed_in(self):
        """on_load guard: steers signed-out visitors to /login (services still re-check)."""
        with self._reading() as (_session, user):
            return self._away_unless_signed_in(user)

    @rx.event
    def guard_staff(self):
        """on_load guard for /admin pages: only staff stay."""
        with self._reading() as (_session, user):
            if away := self._away_unless_signed_in(user):
                return away
        if not user.is_staff:
            # Say why, rather than landing on the dashboard without a word.
            self.sent_away = NOT_STAFF_NOTICE
            self._sent_away_paths = (self.router.url.path.rstrip("/"), routes.DASHBOARD)
            return rx.redirect(routes.DASHBOARD)
        return None

    async def _reset_view(self, session_id: int | None) -> None:
        """Reset every MemberSync state of the tab to its defaults and bind it to `session_id`."""
        root = self._get_root_state()
        app_state = await root.get_state(AppState)
        for cls in _app_state_classes(AppState):
            await root.get_state(cls)  # loaded, so the reset below reaches it
        app_state.reset()
        app_state._session_id = session_id

    def _enter_session(self, grant: str, landing: str) -> None:
        """Hand the browser to the route that swaps the grant for the HttpOnly cookie."""
        self.leave_to = routes.session_link(grant, landing)

    async def _leave_session(self, then: str) -> None:
        """Revoke this tab's session, forget everything it showed, and clear the cookie."""
        with unit_of_work() as session:
            auth.sign_out(session, token=self._session_token())
        await self._reset_view(None)
        (await self.get_state(AppState)).leave_to = routes.sign_out_link(then)

    @rx.event
    async def sign_out(self):
        await self._leave_session(routes.LOGIN)
