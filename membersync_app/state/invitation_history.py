"""Invitation history on the organization page: accepted, revoked and expired invitations,
who did it and when; one page at a time through the shared list machinery."""

from dataclasses import dataclass

import reflex as rx

from ..services import invitations
from ..services.invitations import InvitationStatus
from .org_page import OrgPageState
from .paged_list import PagedListMixin

OUTCOME_LABELS = {InvitationStatus.ACCEPTED: "Accepted", InvitationStatus.REVOKED: "Revoked",
                  InvitationStatus.EXPIRED: "Expired"}
TIME_FORMAT = "%Y-%m-%d %H:%M UTC"


@dataclass(frozen=True)
class HistoryItem:
    id: int
    email: str
    role: str
    outcome: str
    by: str  # "—" when nobody acted (it expired)
    when: str
    invited_by: str
    invited: str


class InvitationHistoryState(PagedListMixin, OrgPageState):
    sort_by: str = "when"
    sort_desc: bool = True
    rows: list[HistoryItem] = []  # noqa: RUF012

    def _load_page(self, session, user, **listing):
        result = invitations.list_invitation_history(session, actor=user, org_id=self._org_id,
                                                     **listing)
        self.rows = [
            HistoryItem(id=row.id, email=row.email, role=row.role.value.capitalize(),
                        outcome=OUTCOME_LABELS[row.outcome], by=row.by or "—",
                        when=row.happened_at.strftime(TIME_FORMAT),
                        invited_by=row.invited_by or "—",
                        invited=row.invited_at.strftime(TIME_FORMAT))
            for row in result.rows
        ]
        return result

    @rx.event
    def load_history(self):
        """on_load of the organization page (after OrgPageState.load), and after a revoke."""
        self.loaded, self.rows = False, []
        if self._org_id:
            self._refresh(page=1)
