"""A username / e-mail type-ahead on a staff form: the owner of a new organization, Assign
member and Change owner in the back office. At most 10 suggestions from SQL
(`back_office.find_users`, which checks staff); picking one fills the input."""

from typing import ClassVar

import reflex as rx

from ..services import back_office
from ..services.back_office import UserChoice
from ..services.errors import ServiceError


class UserPickerMixin(rx.State, mixin=True):
    """Mix into a form state that has an `errors` dict (AdminFormMixin). `_picker_field` is the
    form field the input sends (its refusal goes there), `_picker_input_id` its element id."""

    matches: list[UserChoice] = []  # noqa: RUF012  (Reflex copies var defaults)
    search_done: bool = False  # a search ran: "no user matches" may be said
    _picker_field: ClassVar[str] = ""
    _picker_input_id: ClassVar[str] = ""

    def _picker_typed(self, text: str) -> None:
        """What else the form does with what is typed or picked: the field's refusal described
        the value before this one, so it goes (an admin form also keeps the text as its draft,
        which clears it the same way)."""
        if isinstance(text, str) and self._picker_field in self.errors:
            self.errors = {key: message for key, message in self.errors.items()
                           if key != self._picker_field}

    @rx.event
    def search_users(self, text: str):
        self._picker_typed(text)
        try:
            with self._reading() as (session, user):
                self.matches = back_office.find_users(session, actor=user, text=text)
        except ServiceError as error:
            self.matches = []
            self.errors = {**self.errors, self._picker_field: error.message}
            return
        self.search_done = isinstance(text, str) and bool(text.strip())

    @rx.event
    def pick(self, username: str):
        username = username if isinstance(username, str) else ""
        self._forget_matches()
        self._picker_typed(username)
        return rx.set_value(self._picker_input_id, username)

    def _forget_matches(self) -> None:
        self.matches, self.search_done = [], False
