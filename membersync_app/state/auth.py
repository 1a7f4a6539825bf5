"""The sign-in form."""

import reflex as rx

from .. import routes
from ..db import unit_of_work
from ..services import auth
from ..services.errors import ServiceError
from .base import AppState

PASSWORD_INPUT_ID = "login-password"


class LoginState(AppState):
    error: str = ""

    @rx.event
    def sign_in(self, form_data: dict):
        login = str(form_data.get("login", ""))
        password = str(form_data.get("password", ""))
        try:
            with unit_of_work() as session:
                token, user = auth.sign_in(session, login, password)
                landing = self._landing_path(session, user)
        except ServiceError as error:
            self.error = error.message
            return rx.set_value(PASSWORD_INPUT_ID, "")
        self.error = ""
        self.session_token = token
        self._show_viewer(user)
        return rx.redirect(routes.safe_next(self.router.url.query_parameters.get("next"), landing))

    @rx.event
    def load(self):
        """Open /login: a signed-in visitor goes straight on."""
        self.error = ""
        with self.unit() as (session, user):
            self._show_viewer(user)
            if user is not None:
                return rx.redirect(self._landing_path(session, user))
        return None
