"""Admin state for Users: list, search, create, edit name and e-mail (at /admin/users/[id]),
reset password, resend the set-password e-mail, make staff, deactivate, unlock."""

import reflex as rx

from .. import routes
from ..services import throttle, users
from ..services.errors import ServiceError
from .admin_common import AdminFormMixin, ticked
from .base import AppState
from .paged_list import PagedListMixin

RESET_PASSWORD_INPUT_ID = "reset-password"


class AdminUsersState(PagedListMixin, AdminFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_USERS, routes.ADMIN_USER
    _draft_fields, _noun, _label_field = ("full_name", "email"), "user", "username"
    _list_service = staticmethod(users.list_users)
    sort_by: str = "username"
    f_username: str = ""  # the account edited (its username does not change here)
    f_full_name: str = ""
    f_email: str = ""
    rows: list[users.UserRow] = []  # noqa: RUF012
    reset_user_id: int = 0
    reset_username: str = ""
    reset_error: str = ""
    row_error: str = ""

    @rx.event
    def load(self):
        self._done(self._arrival_notice())
        self.reset_user_id, self.reset_error, self.row_error = 0, "", ""
        self._refresh()

    @rx.event
    def open_new(self):
        self.reset_user_id = 0
        self.f_username = self.f_full_name = self.f_email = ""
        self._opened = {}
        self._open_form(0)

    def _open_record(self, user_id: int) -> None:
        def read(session, user):
            found = users.get_user_form(session, actor=user, user_id=user_id)
            self.f_username, self.f_full_name, self.f_email = (
                found.username, found.full_name, found.email)
            self._opened = users.opened_user(found)
            return found.id

        self.reset_user_id = 0
        self._open_edit_with(read)

    @rx.event
    def save(self, form_data: dict):
        if self.editing_id:
            def update(session, user):
                return users.update_user(session, actor=user, user_id=self.editing_id,
                                         full_name=form_data.get("full_name"),
                                         email=form_data.get("email"), opened=self._opened)

            if self._submit(update, lambda changed: f"Saved the user “{changed.username}”."):
                return self._back_to_list()
            return None

        def write(session, user):
            return users.create_user_by_staff(
                session, actor=user,
                username=form_data.get("username"),
                email=form_data.get("email"),
                full_name=form_data.get("full_name"),
                password=form_data.get("password"),
                is_staff=ticked(form_data, "is_staff"),
            )

        self._submit(write, lambda created: f"Created the user “{created.username}”.")
        return None

    @rx.event
    def start_reset(self, user_id: int, username: str):
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            return
        self.reset_user_id, self.reset_username, self.reset_error = user_id, str(username), ""
        self.notice = ""

    @rx.event
    def cancel_reset(self):
        self.reset_user_id, self.reset_error = 0, ""

    @rx.event
    def reset_password(self, form_data: dict):
        try:
            with self._unit() as (session, user):
                changed = users.set_password(session, actor=user, user_id=self.reset_user_id,
                                             password=form_data.get("password"))
        except ServiceError as error:
            self.reset_error = error.message
            return rx.set_value(RESET_PASSWORD_INPUT_ID, "")
        self.reset_user_id, self.reset_error = 0, ""
        self.notice = f"Set a new password for “{changed.username}”; their sessions ended."
        return None

    @rx.event
    def set_staff(self, user_id: int, is_staff: bool):
        self._change(lambda session, user: users.set_staff(session, actor=user, user_id=user_id,
                                                           is_staff=is_staff),
                     "is now staff" if is_staff is True else "is no longer staff")

    @rx.event
    def set_active(self, user_id: int, is_active: bool):
        self._change(lambda session, user: users.set_active(session, actor=user, user_id=user_id,
                                                            is_active=is_active),
                     "is active again" if is_active is True else
                     "is deactivated: they cannot sign in; their memberships stay")

    @rx.event
    async def resend_set_password(self, user_id: int):
        """E-mail a new "set your password" link to an account that never set a password."""
        def resend(session, user):
            users.resend_set_password_email(session, actor=user, user_id=user_id)
            return users.get_user_form(session, actor=user, user_id=user_id)

        self._row_action(resend, lambda found: f"Sent “{found.username}” a new set-password "
                                               "e-mail. It is on its way.")

    @rx.event
    def unlock(self, user_id: int):
        self._change(
            lambda session, user: throttle.unlock_account(session, actor=user,
                                                          user_id=user_id).user,
            "is unlocked: they can sign in again")

    def _change(self, call, what: str) -> None:
        """A row's action that returns the changed user: the notice says “username” `what`."""
        self._row_action(call, lambda changed: f"“{changed.username}” {what}.")

    def _row_action(self, call, notice) -> None:
        """Run a row's button through a service in one transaction: accepted, `notice(what it
        returned)` and the list reloaded; refused, the message above the list."""
        try:
            with self._unit() as (session, user):
                result = call(session, user)
        except ServiceError as error:
            self.row_error, self.notice = error.message, ""
            return
        self.row_error = ""
        self.notice = notice(result)
        self._refresh()
