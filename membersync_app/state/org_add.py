"""The Add Member modal: add one or more people (Name, Email, Role), or switch to Invite members
(several addresses, a role). On refusal the modal stays open with each message next to its
field, and the inputs are uncontrolled, so what was typed stays. A field's message goes as soon
as its value changes, and all of them when a new submit starts, so a message always describes
what is on the screen. Mail goes out after commit.

When the refusal is for want of seats, the modal offers to add the missing seats right there
(to whoever may manage seats; the others are told who can), so the rows stay filled in for the
next submit.
"""

import reflex as rx
from pydantic import BaseModel

from ..db import unit_of_work
from ..services import invitations, mail, members, org_settings
from ..services.errors import FieldErrors, ServiceError
from ..services.seats import NotEnoughSeats
from ..services.validation import whole_number
from .display import counted
from .org_invitations import OrgInvitationsState
from .org_members import OrgMembersState
from .org_page import OrgPageState

MAX_FORM_ROWS = 20
ROW_FIELDS = ("name", "email", "role")
FORM_FIELDS = ("emails", "invite_role")  # the Invite members form's own fields


class AddRow(BaseModel):
    """One row of the form. `index` names its inputs (name_<index> ...) and never changes, so a
    row removed above it leaves what was typed in it in place."""

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
    # The seats refusal's way forward, inside the modal.
    seats_to_add: str = ""
    seats_add_error: str = ""
    seats_notice: str = ""

    def _clear_errors(self) -> None:
        self.add_rows = [AddRow(index=row.index) for row in self.add_rows]
        self.add_error = self.seats_error = self.emails_error = self.invite_role_error = ""
        self.seats_add_error = self.seats_notice = ""

    @rx.event
    def set_add_open(self, value: bool):
        """The Add Member button (the dialog's trigger) opens a fresh, empty form; Cancel,
        Escape or a click outside close it."""
        if value is True:
            self.add_rows = [AddRow(index=0)]
            self._clear_errors()
            self.add_mode = "add" if self.can_add or not self.can_invite else "invite"
            self.form_key += 1
        self.add_open = value is True

    @rx.event
    def set_add_mode(self, value: str):
        self.add_mode = "invite" if value == "invite" else "add"
        self._clear_errors()

    @rx.event
    def add_row(self):
        if len(self.add_rows) < MAX_FORM_ROWS:
            index = max(row.index for row in self.add_rows) + 1
            self.add_rows = [*self.add_rows, AddRow(index=index)]

    @rx.event
    def remove_row(self, index: int):
        """Take a row out of the form (one always stays). A seats refusal may no longer hold
        for fewer rows: it goes too, and the next submit says again if it does."""
        kept = [row for row in self.add_rows if row.index != index]
        if kept and len(kept) < len(self.add_rows):
            self.add_rows = kept
            self.seats_error = self.seats_add_error = ""

    @rx.event
    def clear_field_error(self, field: str):
        """A field's value changed: its message described the old value."""
        if field in FORM_FIELDS:
            setattr(self, f"{field}_error", "")
            return
        kind, _, index = field.rpartition("_")
        if kind not in ROW_FIELDS or (number := whole_number(index)) is None:
            return
        self.add_rows = [row.model_copy(update={f"{kind}_error": ""}) if row.index == number
                         else row for row in self.add_rows]

    @rx.event
    def set_seats_to_add(self, value: str):
        self.seats_to_add = value if isinstance(value, str) else ""
        self.seats_add_error = ""

    @rx.event
    def add_seats_here(self):
        """Add seats from the seats refusal, keeping the modal and its rows as they are."""
        self.seats_add_error = self.seats_notice = ""
        try:
            with self._unit() as (session, user):
                org = org_settings.add_seats(session, actor=user, org_id=self._org_id,
                                             count=self.seats_to_add)
                seat_count = org.seat_count
        except ServiceError as error:
            self.seats_add_error = error.message
            return
        self.seats_error = ""
        again = "Add Members" if self.add_mode == "add" else "Send invitations"
        self.seats_notice = (f"Seats added: the organization now has "
                             f"{counted(seat_count, 'seat')}. Choose {again} again.")
        with self._reading() as (session, user):
            self._refresh_overview(session, user)

    async def _after_change(self, notice: str) -> None:
        members_state = await self.get_state(OrgMembersState)
        invitations_state = await self.get_state(OrgInvitationsState)
        with self._unit() as (session, user):
            self._refresh_overview(session, user)
            members_state._load_members(session, user)
            invitations_state._load_invitations(session, user)
        members_state.members_error = ""
        members_state.members_notice = notice

    def _seats_refusal(self, error: NotEnoughSeats) -> str:
        """The refusal, with the way forward this viewer has."""
        self.seats_to_add = str(error.missing)
        if self.can_manage_seats:
            return f"{error.fact} Add {counted(error.missing, 'seat')} here, then submit again."
        owner = f"the owner, {self.owner_name}," if self.owner_name else "the owner"
        return (f"{error.fact} Only {owner} can add seats to this organization: ask them, "
                "then submit again.")

    def _show_refusal(self, error: ServiceError, row_of: list[int] | None = None) -> None:
        """Each message next to its field. `row_of[k]` is the form row the service's k-th entry
        came from (empty rows are not sent)."""
        errors = error.errors if isinstance(error, FieldErrors) else {error.field: error.message}
        if isinstance(error, NotEnoughSeats):
            errors = {**errors, error.field: self._seats_refusal(error)}
        if row_of is not None:
            errors = {_renumbered(field, row_of): message for field, message in errors.items()}
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
        shown = {f"{k}_{r.index}" for r in rows for k in ROW_FIELDS}
        shown |= {"seats", *FORM_FIELDS}
        rest = [message for field, message in errors.items() if field not in shown]
        self.add_error = " ".join(rest)

    @rx.event
    async def submit_add(self, form_data: dict):
        self._clear_errors()
        entries, row_of = [], []
        for position, row in enumerate(self.add_rows):
            entry = {"name": form_data.get(f"name_{row.index}", ""),
                     "email": form_data.get(f"email_{row.index}", ""),
                     "role": form_data.get(f"role_{row.index}", "member")}
            # Rows left completely empty (an extra row nobody used) are not members to add.
            if position == 0 or str(entry["name"]).strip() or str(entry["email"]).strip():
                entries.append(entry)
                row_of.append(row.index)
        try:
            with self._unit() as (session, user):
                result = members.add_members(session, actor=user, org_id=self._org_id,
                                             entries=entries)
        except ServiceError as error:
            self._show_refusal(error, row_of)
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
            with self._unit() as (session, user):
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
            f"Invited {counted(count, 'person', 'people')}. {report.summary()}".strip())

    async def _refresh_header_only(self) -> None:
        with self._reading() as (session, user):
            self._refresh_overview(session, user)


def _renumbered(field: str, row_of: list[int]) -> str:
    """`email_1` of the entries sent → `email_<index>` of the form row it came from."""
    kind, _, position = field.rpartition("_")
    number = whole_number(position)
    if kind in ROW_FIELDS and number is not None and number < len(row_of):
        return f"{kind}_{row_of[number]}"
    return field
