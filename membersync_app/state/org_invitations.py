"""Pending invitations of the organization: one page, resend (new link, new expiry), revoke."""

import reflex as rx
from pydantic import BaseModel

from ..services import invitations
from ..services.display import counted, on_the_way
from ..services.errors import ServiceError
from ..services.invitations import InvitationStatus
from .invitation_history import InvitationHistoryState
from .org_page import OrgPageState
from .paged_list import PagerMixin


class InvitationItem(BaseModel):
    id: int
    email: str
    role: str
    status: str
    expires: str
    expired: bool


class OrgInvitationsState(PagerMixin, OrgPageState):
    invitations: list[InvitationItem] = rx.field(default_factory=list)
    invitations_pending: int = 0  # of the total (PagerMixin), those not expired (holding a seat)
    invitations_error: str = ""
    invitations_notice: str = ""

    def _load_invitations(self, session, user) -> None:
        try:
            result = invitations.list_open_invitations(session, actor=user, org_id=self._org_id,
                                                       page=self.page, page_size=self.page_size)
        except ServiceError as error:
            self.invitations, self.total, self.invitations_pending = [], 0, 0
            self.invitations_error = error.message
            return
        self.total = result.total
        self.invitations_pending = result.pending
        self.page = result.page
        self.page_count = max(1, -(-result.total // result.page_size))
        self.invitations = [
            InvitationItem(id=row.id, email=row.email, role=row.role.value.capitalize(),
                           status=row.status.value,
                           expires=row.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                           expired=row.status == InvitationStatus.EXPIRED)
            for row in result.rows
        ]

    @rx.var
    def invitations_count_label(self) -> str:
        """Expired invitations hold no seat, so they are not counted as open ones."""
        expired = self.total - self.invitations_pending
        label = counted(self.invitations_pending, "open invitation")
        return label + (f", {expired} expired" if expired else "")

    def _reload(self) -> None:
        with self._reading() as (session, user):
            self._refresh_overview(session, user)
            self._load_invitations(session, user)

    @rx.event
    def load_invitations(self):
        self.page, self.invitations_error, self.invitations_notice = 1, "", ""
        if self._org_id:
            with self._unit() as (session, user):
                self._load_invitations(session, user)

    def _open_page(self, page: int, page_size: int) -> None:
        """The pager (PagerMixin) checked both; the service shows the last page past the end."""
        self.page, self.page_size = max(page, 1), page_size
        self._reload()

    @rx.event
    async def resend(self, invitation_id: int):
        self.invitations_error, self.invitations_notice = "", ""
        try:
            with self._unit() as (session, user):
                invitations.resend(session, actor=user, org_id=self._org_id,
                                   invitation_id=invitation_id)
        except ServiceError as error:
            self.invitations_error = error.message
            self._reload()
            return
        self.invitations_notice = f"Invitation resent with a new expiry. {on_the_way(1)}"
        self._reload()

    @rx.event
    def revoke(self, invitation_id: int):
        self.invitations_error, self.invitations_notice = "", ""
        try:
            with self._unit() as (session, user):
                invitations.revoke(session, actor=user, org_id=self._org_id,
                                   invitation_ids=[invitation_id])
        except ServiceError as error:
            self.invitations_error = error.message
            self._reload()
            return None
        self.invitations_notice = "Invitation revoked; its seat is free."
        self._reload()
        return InvitationHistoryState.load_history  # it is history now
