"""The sign-in form."""

import reflex as rx

from .. import routes
from ..db import unit_of_work
from ..services import auth
from .base import AppState

PASSWORD_INPUT_ID = "login-password"


class LoginState(AppState):
    error: str = ""

    @rx.event
    def sign_in(self, form_data: dict):
        login = str(form_data.get("login", ""))
        password = str(form_data.get("password", ""))
        with unit_of_work() as session:
            attempt = auth.sign_in(session, login=login, password=password,
                                   address=self.router.session.client_ip)
            landing = self._landing_path(session, attempt.user) if attempt.user else ""
        if attempt.user is None:
            self.error = attempt.error
            return rx.set_value(PASSWORD_INPUT_ID, "")
        self.error = ""
        self._enter_session(attempt.grant, routes.safe_next(
            self.router.url.query_parameters.get("next"), landing))
        return None

    @rx.event
    def load(self):
        """Open /login: a signed-in visitor goes straight on."""
        self.error = ""
        with self._reading() as (session, user):
            self._show_viewer(user)
            if user is not None:
                return rx.redirect(self._landing_path(session, user))
        return None
