"""What every admin form state shares: open / close, per-field errors, delete confirmation."""

from collections.abc import Callable
from typing import Any

import reflex as rx
from pydantic import BaseModel
from sqlmodel import Session

from ..models import User
from ..services.catalog import Choice
from ..services.errors import FieldErrors, ServiceError

FIX_FIELDS = "Nothing was saved. Please correct the fields marked below."


class ChoiceItem(BaseModel):
    """An option of a select or checkbox group (ids as text: that is what forms send)."""

    id: str
    label: str


def choice_items(choices: list[Choice]) -> list[ChoiceItem]:
    return [ChoiceItem(id=str(c.id), label=c.label) for c in choices]


def form_id(value) -> str:
    return "" if value is None else str(value)


class AdminFormMixin(rx.State, mixin=True):
    """The add / edit form of an admin list page (mixed in with PagedListMixin and AppState,
    whose `_refresh` and `unit` it uses). The form's inputs are uncontrolled: what the user typed
    stays in them when the service refuses; `form_key` changes to show a new record."""

    form_open: bool = False
    editing_id: int = 0  # 0: adding a new one
    form_key: int = 0
    errors: dict[str, str] = {}  # noqa: RUF012  (Reflex copies var defaults)
    form_error: str = ""
    notice: str = ""
    confirm_delete: bool = False

    @rx.event
    def load(self):
        """Open the page: no form open, the list's current page (from PagedListMixin) fresh."""
        self._done("")
        self._refresh()

    def _open_form(self, editing_id: int) -> None:
        self.form_open = True
        self.editing_id = editing_id
        self.form_key += 1
        self.errors = {}
        self.form_error = ""
        self.notice = ""
        self.confirm_delete = False

    def _refused(self, error: ServiceError) -> None:
        if isinstance(error, FieldErrors):
            self.errors = dict(error.errors)
            self.form_error = FIX_FIELDS
        elif error.field:
            self.errors = {error.field: error.message}
            self.form_error = FIX_FIELDS
        else:
            self.errors = {}
            self.form_error = error.message
        self.confirm_delete = False

    def _done(self, notice: str) -> None:
        self.form_open = False
        self.editing_id = 0
        self.errors = {}
        self.form_error = ""
        self.confirm_delete = False
        self.notice = notice

    def _open_new_with(self, prepare: Callable[[Session, User | None], None]) -> None:
        """Open an empty form once `prepare` (load the pickers' choices, reset the fields) ran in
        one transaction; a refusal shows above the list and the form stays closed."""
        try:
            with self.unit() as (session, user):
                prepare(session, user)
        except ServiceError as error:
            self.list_error = error.message
            return
        self._open_form(0)

    def _open_edit_with(self, read: Callable[[Session, User | None], int]) -> None:
        """Open the form on the record that `read` loads into the fields (it returns the id).

        A refusal (say, another staff member deleted the record) replaces the last notice above
        the list, and the form stays closed.
        """
        try:
            with self.unit() as (session, user):
                record_id = read(session, user)
        except ServiceError as error:
            self.notice, self.list_error = "", error.message
            return
        self._open_form(record_id)

    def _submit(self, write: Callable[[Session, User | None], Any],
                notice: Callable[[Any], str]) -> bool:
        """Save or delete through a service in one transaction. Accepted: close the form, show
        `notice(what write returned)`, reload the list. Refused: the form stays open with the
        service's messages (and the user's input). Returns whether it was accepted."""
        try:
            with self.unit() as (session, user):
                result = write(session, user)
        except ServiceError as error:
            self._refused(error)
            return False
        self._done(notice(result))
        self._refresh()
        return True

    @rx.event
    def close_form(self):
        self._done("")

    @rx.event
    def ask_delete(self):
        self.confirm_delete = True

    @rx.event
    def cancel_delete(self):
        self.confirm_delete = False


def ticked(form_data, name: str) -> bool:
    """Whether a checkbox was ticked. The browser submits its value ("on") only when ticked;
    Reflex may add the element's ref value (True / False) under its id."""
    value = form_data.get(name)
    return value not in (None, False, "", "false", "off")
