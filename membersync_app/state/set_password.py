"""/set-password/[token]: a person added by e-mail sets their password from the link."""

import reflex as rx

from .. import routes
from ..services import accounts
from .base import AppState
from .email_link import EmailLinkMixin


class SetPasswordState(EmailLinkMixin, AppState):
    account_email: str = ""
    account_username: str = ""
    password_done: bool = False

    @rx.var
    def sign_in_href(self) -> str:
        return routes.login_with_next(routes.MY_ACCESS)

    @rx.event
    def load(self):
        self.password_done = False
        view = self._inspect_link(accounts.inspect_password_link)
        self.account_email, self.account_username = view.email, view.username

    @rx.event
    def submit(self, form_data: dict):
        accepted, _ = self._use_link(
            lambda session: accounts.set_password_with_link(
                session, token=self._token, password=form_data.get("password", ""),
                confirm=form_data.get("confirm", ""), address=self.router.session.client_ip))
        if accepted:
            self.password_done = True
