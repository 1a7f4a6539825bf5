"""Pending invitations of the organization: one page, resend (new link, new expiry), revoke."""

import reflex as rx

from ..services import invitations
from ..services.display import counted, on_the_way
from ..services.errors import ServiceError
from .invitation_history import InvitationHistoryState
from .org_page import OrgPageState
from .paged_list import PagedListMixin


class OrgInvitationsState(PagedListMixin, OrgPageState):
    rows: list[invitations.InvitationRow] = []  # noqa: RUF012
    invitations_pending: int = 0  # of the total (PagerMixin), those not expired (holding a seat)
    invitations_error: str = ""  # why a Resend or Revoke was refused
    invitations_notice: str = ""

    def _load_page(self, session, user, **listing):
        result = invitations.list_open_invitations(session, actor=user, org_id=self._org_id,
                                                   **listing)
        self.rows = list(result.rows)
        self.invitations_pending = result.pending
        return result

    @rx.var
    def invitations_count_label(self) -> str:
        """Expired invitations hold no seat, so they are not counted as open ones."""
        expired = self.total - self.invitations_pending
        label = counted(self.invitations_pending, "open invitation")
        return label + (f", {expired} expired" if expired else "")

    @rx.event
    def load_invitations(self):
        self._forget_page()
        self.invitations_error, self.invitations_notice = "", ""
        if self._org_id:
            self._refresh(page=1)

    def _show_changes(self) -> None:
        """After a Resend or Revoke, refused or not: the seats it took or freed in the header,
        and the list as it is now."""
        self._reread_header()
        self._refresh()

    @rx.event
    async def resend(self, invitation_id: int):
        self.invitations_error, self.invitations_notice = "", ""
        try:
            with self._unit() as (session, user):
                invitations.resend(session, actor=user, org_id=self._org_id,
                                   invitation_id=invitation_id)
        except ServiceError as error:
            self.invitations_error = error.message
        else:
            self.invitations_notice = f"Invitation resent with a new expiry. {on_the_way(1)}"
        self._show_changes()

    @rx.event
    def revoke(self, invitation_id: int):
        self.invitations_error, self.invitations_notice = "", ""
        try:
            with self._unit() as (session, user):
                invitations.revoke(session, actor=user, org_id=self._org_id,
                                   invitation_ids=[invitation_id])
        except ServiceError as error:
            self.invitations_error = error.message
            self._show_changes()
            return None
        self.invitations_notice = "Invitation revoked; its seat is free."
        self._show_changes()
        return InvitationHistoryState.load_history  # it is history now
