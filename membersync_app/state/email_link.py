"""What the pages opened from a link in an e-mail share (/reset-password/[token],
/set-password/[token], /confirm-email/[token]): the token from the route, whether the link
still works and why not, and using it once."""

from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from ..services.errors import FieldErrors, ServiceError


class EmailLinkMixin(rx.State, mixin=True):
    """Mixed in with AppState (whose `_unit` and `_show_viewer` it uses)."""

    _token: str = ""
    link_checked: bool = False  # the link was looked at (until then the page says nothing)
    link_valid: bool = False
    link_message: str = ""  # why the link does not work
    errors: dict[str, str] = {}  # noqa: RUF012  (the form's refusals by field, if it has one)

    def _inspect_link(self, inspect: Callable[..., Any]) -> Any:
        """on_load: read the route's [token] and ask `inspect(session, token=, address=)`
        whether it works (a wrong token counts toward the address's lock). Returns the
        service's view for the page's other details."""
        self._token = self.token if isinstance(self.token, str) else ""  # the route's [token]
        self.errors = {}
        with self._unit() as (session, user):
            self._show_viewer(user)
            view = inspect(session, token=self._token, address=self.router.session.client_ip)
        self.link_valid, self.link_message = view.valid, view.message
        self.link_checked = True
        return view

    def _use_link(self, use: Callable[[Session], Any]) -> tuple[bool, Any]:
        """Do what the link allows, `use(session)`, in one transaction. Refusals of fields go to
        `errors`; any other refusal means the link no longer works. Returns (accepted, what
        `use` returned)."""
        self.errors = {}
        try:
            with self._unit() as (session, _user):
                return True, use(session)
        except FieldErrors as error:
            self.errors = dict(error.errors)
        except ServiceError as error:
            self.link_valid, self.link_message = False, error.message
        return False, None
