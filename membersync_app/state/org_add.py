"""The Add Member modal: add one or more people (Name, Email, Role), or switch to Invite members
(several addresses, a role). On refusal the modal stays open with each message next to its
field, and the inputs are uncontrolled, so what was typed stays. Mail goes out after commit."""

import reflex as rx
from pydantic import BaseModel

from ..db import unit_of_work
from ..services import invitations, mail, members
from ..services.errors import FieldErrors, ServiceError
from .org_invitations import OrgInvitationsState
from .org_members import OrgMembersState
from .org_page import OrgPageState

MAX_FORM_ROWS = 20


class AddRow(BaseModel):
    index: int
    name_error: str = ""
    email_error: str = ""
    role_error: str = ""


class OrgAddState(OrgPageState):
    add_open: bool = False
    add_mode: str = "add"  # "add" or "invite"
    add_rows: list[AddRow] = rx.field(default_factory=lambda: [AddRow(index=0)])
    add_error: str = ""
    seats_error: str = ""
    emails_error: str = ""
    invite_role_error: str = ""
    form_key: int = 0  # bumped to give a fresh (empty) form each time the modal opens

    def _clear_errors(self) -> None:
        self.add_rows = [AddRow(index=row.index) for row in self.add_rows]
        self.add_error = self.seats_error = self.emails_error = self.invite_role_error = ""

    @rx.event
    def open_add(self):
        self.add_rows = [AddRow(index=0)]
        self._clear_errors()
        self.add_mode = "add" if self.can_add or not self.can_invite else "invite"
        self.form_key += 1
        self.add_open = True

    @rx.event
    def set_add_open(self, value: bool):
        self.add_open = bool(value)

    @rx.event
    def set_add_mode(self, value: str):
        self.add_mode = "invite" if value == "invite" else "add"
        self._clear_errors()

    @rx.event
    def add_row(self):
        if len(self.add_rows) < MAX_FORM_ROWS:
            self.add_rows = [*self.add_rows, AddRow(index=len(self.add_rows))]

    @rx.event
    def go_to_manage_seats(self):
        self.add_open = False
        self.section = "seats"

    async def _after_change(self, notice: str) -> None:
        members_state = await self.get_state(OrgMembersState)
        invitations_state = await self.get_state(OrgInvitationsState)
        with self.unit() as (session, user):
            self._refresh_overview(session, user)
            members_state._load_members(session, user)
            invitations_state._load_invitations(session, user)
        members_state.members_error = ""
        members_state.members_notice = notice

    def _show_refusal(self, error: ServiceError) -> None:
        errors = error.errors if isinstance(error, FieldErrors) else {error.field: error.message}
        rows = []
        for row in self.add_rows:
            i = row.index
            rows.append(AddRow(index=i, name_error=errors.get(f"name_{i}", ""),
                               email_error=errors.get(f"email_{i}", ""),
                               role_error=errors.get(f"role_{i}", "")))
        self.add_rows = rows
        self.seats_error = errors.get("seats", "")
        self.emails_error = errors.get("emails", "")
        self.invite_role_error = errors.get("invite_role", "")
        shown = {f"{k}_{r.index}" for r in rows for k in ("name", "email", "role")}
        shown |= {"seats", "emails", "invite_role"}
        rest = [message for field, message in errors.items() if field not in shown]
        self.add_error = " ".join(rest)

    @rx.event
    async def submit_add(self, form_data: dict):
        self._clear_errors()
        entries = [
            {"name": form_data.get(f"name_{row.index}", ""),
             "email": form_data.get(f"email_{row.index}", ""),
             "role": form_data.get(f"role_{row.index}", "member")}
            for row in self.add_rows
        ]
        # Rows left completely empty (an extra row nobody used) are not members to add.
        entries = [e for i, e in enumerate(entries)
                   if i == 0 or str(e["name"]).strip() or str(e["email"]).strip()]
        try:
            with self.unit() as (session, user):
                result = members.add_members(session, actor=user, org_id=self._org_id,
                                             entries=entries)
        except ServiceError as error:
            self._show_refusal(error)
            await self._refresh_header_only()
            return
        report = await mail.deliver_async(unit_of_work, result.message_ids)
        self.add_open = False
        # The same words whether or not an address had an account (no account probing).
        await self._after_change(f"{result.notice()} {report.summary()}".strip())

    @rx.event
    async def submit_invite(self, form_data: dict):
        self._clear_errors()
        try:
            with self.unit() as (session, user):
                result = invitations.invite(session, actor=user, org_id=self._org_id,
                                            emails=form_data.get("emails", ""),
                                            role=form_data.get("invite_role", "member"))
        except ServiceError as error:
            self._show_refusal(error)
            await self._refresh_header_only()
            return
        report = await mail.deliver_async(unit_of_work, result.message_ids)
        count = len(result.invitations)
        self.add_open = False
        await self._after_change(
            f"Invited {count} {'people' if count != 1 else 'person'}. {report.summary()}".strip())

    async def _refresh_header_only(self) -> None:
        with self.unit() as (session, user):
            self._refresh_overview(session, user)
