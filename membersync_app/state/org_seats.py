"""Manage Seats: seats used / total, add seats (owner, and managers when the type allows)."""

import reflex as rx

from ..services import org_settings
from ..services.display import counted
from ..services.errors import ServiceError
from .org_page import OrgPageState


class OrgSeatsState(OrgPageState):
    errors: dict[str, str] = {}  # noqa: RUF012  ("add_seats")
    add_seats_notice: str = ""

    def _forget_dialogs(self) -> None:
        self.errors, self.add_seats_notice = {}, ""

    @rx.event
    def clear_add_seats_error(self):
        """The number changed: the message was about the old one."""
        self.errors = {}

    @rx.event
    def submit_add_seats(self, form_data: dict):
        self._forget_dialogs()
        try:
            with self._unit() as (session, user):
                org = org_settings.add_seats(session, actor=user, org_id=self._org_id,
                                             count=form_data.get("add_seats", ""))
                new_total = org.seat_count
        except ServiceError as error:
            self.errors = {"add_seats": error.message}
        else:
            self.add_seats_notice = ("Seats added: the organization now has "
                                     f"{counted(new_total, 'seat')}.")
        self._reread_header()
