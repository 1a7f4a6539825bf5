"""/account (My account): password, name, e-mail address, sessions; and /confirm-email/[token],
where a new address is confirmed. One state per form, each with its `errors` and `notice`."""

import reflex as rx

from ..services import my_account
from ..services.errors import ServiceError, errors_by_field
from .base import AppState
from .email_link import EmailLinkMixin

PASSWORD_FIELD_IDS = ("acc-current", "acc-password", "acc-confirm")
EMAIL_PASSWORD_ID = "acc-email-current"


class AccountState(AppState):
    account_username: str = ""
    account_email: str = ""
    account_full_name: str = ""
    pending_email: str = ""
    sessions: list[my_account.SessionRow] = []  # noqa: RUF012  (Reflex copies var defaults)
    sessions_notice: str = ""
    sessions_error: str = ""
    loaded: bool = False

    def _refresh(self, session, user) -> None:
        self._show_viewer(user)
        self.account_username = user.username
        self.account_email = user.email
        self.account_full_name = user.full_name
        self.pending_email = my_account.pending_email(session, user=user)
        self.sessions = my_account.list_sessions(session, actor=user,
                                                 session_token=self._session_token())
        self.loaded = True

    def _reload(self) -> None:
        with self._reading() as (session, user):
            if user is not None:
                self._refresh(session, user)

    @rx.event
    async def load(self):
        self.sessions_notice = self.sessions_error = ""
        for form in (PasswordFormState, NameFormState, EmailFormState):
            (await self.get_state(form))._clear()
        with self._reading() as (session, user):
            if away := self._away_unless_signed_in(user):
                return away
            self._refresh(session, user)
        return None

    @rx.event
    def sign_out_others(self):
        self.sessions_notice = self.sessions_error = ""
        try:
            with self._unit() as (session, user):
                ended = my_account.sign_out_other_sessions(
                    session, actor=user, session_token=self._session_token())
        except ServiceError as error:
            self.sessions_error = error.message
            return
        self.sessions_notice = (f"Signed out of {ended} other session{'' if ended == 1 else 's'}."
                                if ended else "There were no other sessions.")
        self._reload()


class _FormMixin(rx.State, mixin=True):
    """What each form of the page keeps: its errors by field and its notice (a mixin, so each
    form state has its own)."""

    errors: dict[str, str] = {}  # noqa: RUF012  (Reflex copies var defaults)
    notice: str = ""

    def _clear(self) -> None:
        self.errors, self.notice = {}, ""

    def _change_own(self, change, *, notice: str, default_field: str = "form") -> None:
        """One change of one's own account: `change(session, user)` in one transaction (it may
        return a my_account.Outcome). A refusal fills `errors` (by field, `default_field` when
        the message names none); accepted, `notice` and the page's figures read again."""
        self._clear()
        try:
            with self._unit() as (session, user):
                outcome = change(session, user)
        except ServiceError as error:
            self.errors = errors_by_field(error, default_field)
            return
        if isinstance(outcome, my_account.Outcome) and outcome.errors:
            self.errors = outcome.errors
            return
        self.notice = notice
        self._reload()


class PasswordFormState(_FormMixin, AccountState):
    @rx.event
    def change_password(self, form_data: dict):
        self._change_own(
            lambda session, user: my_account.change_password(
                session, actor=user, session_token=self._session_token(),
                current=form_data.get("current", ""),
                password=form_data.get("password", ""), confirm=form_data.get("confirm", "")),
            notice="Your password is changed. Your other sessions were signed out.")
        return [rx.set_value(field_id, "") for field_id in PASSWORD_FIELD_IDS]


class NameFormState(_FormMixin, AccountState):
    @rx.event
    def change_name(self, form_data: dict):
        self._change_own(
            lambda session, user: my_account.change_name(
                session, actor=user, full_name=form_data.get("full_name", "")),
            notice="Your name is saved.", default_field="full_name")


class EmailFormState(_FormMixin, AccountState):
    @rx.event
    def change_email(self, form_data: dict):
        self._change_own(
            lambda session, user: my_account.request_email_change(
                session, actor=user, new_email=form_data.get("new_email", ""),
                current=form_data.get("current", "")),
            notice="We sent a link to the new address: your e-mail changes when you open it.")
        return rx.set_value(EMAIL_PASSWORD_ID, "")


class ConfirmEmailState(EmailLinkMixin, AppState):
    new_email: str = ""
    confirmed: bool = False

    @rx.event
    def load(self):
        self.confirmed = False
        self.new_email = self._inspect_link(my_account.inspect_email_link).new_email

    @rx.event
    def confirm(self):
        accepted, new_email = self._use_link(
            lambda session: my_account.confirm_email_change(
                session, token=self._token, address=self.router.session.client_ip).user.email)
        if accepted:
            self.new_email, self.confirmed = new_email, True
