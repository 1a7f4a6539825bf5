"""Pending invitations of the organization: one page, resend (new link, new expiry), revoke."""

import reflex as rx
from pydantic import BaseModel

from ..db import unit_of_work
from ..services import invitations, mail
from ..services.errors import ServiceError
from ..services.invitations import InvitationStatus
from ..services.validation import whole_number
from .org_page import OrgPageState


class InvitationItem(BaseModel):
    id: int
    email: str
    role: str
    status: str
    expires: str
    expired: bool


class OrgInvitationsState(OrgPageState):
    invitations: list[InvitationItem] = rx.field(default_factory=list)
    invitations_total: int = 0
    invitations_page: int = 1
    invitations_error: str = ""
    invitations_notice: str = ""

    def _load_invitations(self, session, user) -> None:
        try:
            result = invitations.list_open_invitations(session, actor=user, org_id=self._org_id,
                                                       page=self.invitations_page)
        except ServiceError as error:
            self.invitations, self.invitations_total = [], 0
            self.invitations_error = error.message
            return
        self.invitations_total = result.total
        self.invitations_page = result.page
        self.invitations = [
            InvitationItem(id=row.id, email=row.email, role=row.role.value.capitalize(),
                           status=row.status.value,
                           expires=row.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                           expired=row.status == InvitationStatus.EXPIRED)
            for row in result.rows
        ]

    def _reload(self) -> None:
        with self.unit() as (session, user):
            self._refresh_overview(session, user)
            self._load_invitations(session, user)

    @rx.event
    def load_invitations(self):
        self.invitations_page, self.invitations_error, self.invitations_notice = 1, "", ""
        if self._org_id:
            with self.unit() as (session, user):
                self._load_invitations(session, user)

    @rx.event
    def invitations_go_to_page(self, page: int):
        if (number := whole_number(page, allow_text=False)) is not None and number >= 1:
            self.invitations_page = number
            self._reload()

    @rx.event
    async def resend(self, invitation_id: int):
        self.invitations_error, self.invitations_notice = "", ""
        try:
            with self.unit() as (session, user):
                message_id = invitations.resend(session, actor=user, org_id=self._org_id,
                                                invitation_id=invitation_id)
        except ServiceError as error:
            self.invitations_error = error.message
            self._reload()
            return
        report = await mail.deliver_async(unit_of_work, [message_id])
        self.invitations_notice = f"Invitation resent with a new expiry. {report.summary()}"
        self._reload()

    @rx.event
    def revoke(self, invitation_id: int):
        self.invitations_error, self.invitations_notice = "", ""
        try:
            with self.unit() as (session, user):
                invitations.revoke(session, actor=user, org_id=self._org_id,
                                   invitation_ids=[invitation_id])
        except ServiceError as error:
            self.invitations_error = error.message
        else:
            self.invitations_notice = "Invitation revoked; its seat is free."
        self._reload()
