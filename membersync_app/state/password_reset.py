"""/forgot-password asks for a reset link; /reset-password/[token] sets the new password and
signs the person in."""

import reflex as rx

from ..services import accounts, auth
from ..services.errors import FieldErrors, ServiceError, errors_by_field
from .base import AppState

RESET_PASSWORD_IDS = ("rp-password", "rp-confirm")


class ForgotPasswordState(AppState):
    errors: dict[str, str] = {}  # noqa: RUF012  (Reflex copies var defaults)
    notice: str = ""

    @rx.event
    def load(self):
        self.errors, self.notice = {}, ""
        with self._reading() as (_session, user):
            self._show_viewer(user)

    @rx.event
    async def request_reset(self, form_data: dict):
        self.errors, self.notice = {}, ""
        try:
            with self._unit() as (session, _user):
                accounts.request_password_reset(
                    session, login=form_data.get("login", ""),
                    address=self.router.session.client_ip)
        except ServiceError as error:
            self.errors = errors_by_field(error, "login")
            return
        # The e-mail goes out after the commit, off this handler (unit_of_work): how long the
        # answer took must not tell whether an account exists. A failed send is logged, never
        # shown.
        self.notice = accounts.RESET_REQUESTED


class ResetPasswordState(AppState):
    _token: str = ""
    link_checked: bool = False
    link_valid: bool = False
    link_message: str = ""
    account_username: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012  (Reflex copies var defaults)

    @rx.event
    def load(self):
        self._token = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.errors = {}
        with self._unit() as (session, user):
            self._show_viewer(user)
            view = accounts.inspect_reset_link(session, token=self._token,
                                               address=self.router.session.client_ip)
        self.link_valid, self.link_message = view.valid, view.message
        self.account_username = view.username
        self.link_checked = True

    @rx.event
    def submit(self, form_data: dict):
        self.errors = {}
        try:
            with self._unit() as (session, _user):
                user = accounts.reset_password_with_link(
                    session, token=self._token, password=form_data.get("password", ""),
                    confirm=form_data.get("confirm", ""), address=self.router.session.client_ip)
                grant = auth.start_session(session, user=user)
                landing = self._landing_path(session, user)
        except FieldErrors as error:
            self.errors = dict(error.errors)
            return [rx.set_value(field_id, "") for field_id in RESET_PASSWORD_IDS]
        except ServiceError as error:
            self.link_valid, self.link_message = False, error.message
            return None
        self._enter_session(grant, landing)
        return None
