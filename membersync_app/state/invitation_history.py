"""Invitation history on the organization page: accepted, revoked and expired invitations,
who did it and when; one page at a time through the shared list machinery."""

import reflex as rx

from ..services import invitations
from .org_page import OrgPageState
from .paged_list import PagedListMixin


class InvitationHistoryState(PagedListMixin, OrgPageState):
    sort_by: str = "when"
    sort_desc: bool = True
    rows: list[invitations.InvitationHistoryRow] = []  # noqa: RUF012

    def _load_page(self, session, user, **listing):
        result = invitations.list_invitation_history(session, actor=user, org_id=self._org_id,
                                                     **listing)
        self.rows = list(result.rows)
        return result

    @rx.event
    def load_history(self):
        """on_load of the organization page (after OrgPageState.load), and after a revoke."""
        self._forget_page()
        if self._org_id:
            self._refresh(page=1)
