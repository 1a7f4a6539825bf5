"""/forgot-password asks for a reset link; /reset-password/[token] sets the new password and
signs the person in."""

import reflex as rx

from ..services import accounts, auth
from ..services.errors import ServiceError, errors_by_field
from .base import AppState
from .email_link import EmailLinkMixin

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


class ResetPasswordState(EmailLinkMixin, AppState):
    account_username: str = ""

    @rx.event
    def load(self):
        self.account_username = self._inspect_link(accounts.inspect_reset_link).username

    @rx.event
    def submit(self, form_data: dict):
        def reset(session):
            user = accounts.reset_password_with_link(
                session, token=self._token, password=form_data.get("password", ""),
                confirm=form_data.get("confirm", ""), address=self.router.session.client_ip)
            return auth.start_session(session, user=user), self._landing_path(session, user)

        accepted, grant_and_landing = self._use_link(reset)
        if accepted:
            self._enter_session(*grant_and_landing)
        elif self.errors:
            return [rx.set_value(field_id, "") for field_id in RESET_PASSWORD_IDS]
        return None
