"""/set-password/[token]: a person added by e-mail sets their password from the link."""

import reflex as rx

from .. import routes
from ..services import accounts
from ..services.errors import FieldErrors, ServiceError
from .base import AppState


class SetPasswordState(AppState):
    _token: str = ""
    link_valid: bool = False
    link_checked: bool = False
    link_message: str = ""
    account_email: str = ""
    account_username: str = ""
    password_done: bool = False
    errors: dict[str, str] = {}  # noqa: RUF012  ("password", "confirm")

    @rx.var
    def sign_in_href(self) -> str:
        return routes.login_with_next(routes.MY_ACCESS)

    @rx.event
    def load(self):
        self._token = self.token if isinstance(self.token, str) else ""  # the route's [token]
        self.password_done = False
        self.errors = {}
        with self._unit() as (session, user):
            self._show_viewer(user)
            view = accounts.inspect_password_link(session, token=self._token,
                                                  address=self.router.session.client_ip)
        self.link_valid, self.link_message = view.valid, view.message
        self.account_email, self.account_username = view.email, view.username
        self.link_checked = True

    @rx.event
    def submit(self, form_data: dict):
        self.errors = {}
        try:
            with self._unit() as (session, _user):
                accounts.set_password_with_link(session, token=self._token,
                                                password=form_data.get("password", ""),
                                                confirm=form_data.get("confirm", ""),
                                                address=self.router.session.client_ip)
        except FieldErrors as errors:
            self.errors = dict(errors.errors)
            return
        except ServiceError as error:
            self.link_valid, self.link_message = False, error.message
            return
        self.password_done = True
