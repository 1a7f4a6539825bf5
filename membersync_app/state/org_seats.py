"""Manage Seats: seats used / total, add seats (owner, and managers when the type allows)."""

import reflex as rx

from ..services import org_settings
from ..services.errors import ServiceError
from .display import counted
from .org_page import OrgPageState


class OrgSeatsState(OrgPageState):
    add_seats_error: str = ""
    add_seats_notice: str = ""

    @rx.event
    def clear_add_seats_error(self):
        """The number changed: the message was about the old one."""
        self.add_seats_error = ""

    @rx.event
    def submit_add_seats(self, form_data: dict):
        self.add_seats_error = self.add_seats_notice = ""
        try:
            with self._unit() as (session, user):
                org = org_settings.add_seats(session, actor=user, org_id=self._org_id,
                                             count=form_data.get("add_seats", ""))
                new_total = org.seat_count
        except ServiceError as error:
            self.add_seats_error = error.message
        else:
            self.add_seats_notice = ("Seats added: the organization now has "
                                     f"{counted(new_total, 'seat')}.")
        with self._unit() as (session, user):
            self._refresh_overview(session, user)
