"""The Add Member modal: add one or more people (Name, Email, Role), or switch to Invite members
(several addresses, a role). On refusal the modal stays open with each message next to its
field, and the inputs are uncontrolled, so what was typed stays. A field's message goes as soon
as its value changes, and all of them when a new submit starts, so a message always describes
what is on the screen. Mail goes out after commit.

When the refusal is for want of seats, the modal offers to add the missing seats right there
(to whoever may manage seats; the others are told who can), so the rows stay filled in for the
next submit.

What is typed is kept on the server as it is typed (`keep_typed`, a backend var never sent
back), as the admin forms keep their drafts: a reload, or leaving the page and coming back,
shows the modal closed (a reload never brings back a dialog) with "You left unsaved changes to
Add Member", and opening it again fills every row in. Cancel and "Discard changes" drop the
input; Escape or a click outside only close the modal, and the page offers the input back.
"""

import reflex as rx
from pydantic import BaseModel

from ..services import invitations, members, org_settings
from ..services.display import counted, on_the_way
from ..services.errors import RowErrors, ServiceError, errors_by_field
from ..services.seats import NotEnoughSeats
from ..services.validation import whole_number
from .org_invitations import OrgInvitationsState
from .org_members import OrgMembersState
from .org_page import OrgPageState

MAX_FORM_ROWS = 20
ROW_FIELDS = ("name", "email", "role")
# The modal's own keys in `errors`: the Invite members fields, the seats refusal, the seats to
# add from it, and "form" for what belongs to no field.
FORM_FIELDS = ("emails", "invite_role", "seats_to_add")


INVITE_FIELDS = ("emails", "invite_role")
MAX_TYPED_LENGTH = 10_000


class AddRow(BaseModel):
    """One row of the form. `index` names its inputs (name_<index> ...) and never changes, so a
    row removed above it leaves what was typed in it in place. `errors` is keyed by field
    ("name", "email", "role"): the (row, field) pair is the row and the key. `name`, `email`
    and `role` are what its inputs show when the form opens (a kept draft's values)."""

    index: int
    name: str = ""
    email: str = ""
    role: str = "member"
    errors: dict[str, str] = {}


def refusal_errors(error: ServiceError,
                   row_of: list[int] | None) -> tuple[dict[int, dict[str, str]], dict[str, str]]:
    """A refusal → (per form row: {field: message}, the form's own {key: message}).

    A refusal of rows (`RowErrors`) says which entry sent and which field; `row_of[k]` turns
    entry k back into the form row it came from (empty rows are not sent). Everything the modal
    has no place for goes to "form"."""
    rows: dict[int, dict[str, str]] = {}
    form: dict[str, str] = {}
    rest: list[str] = []
    if isinstance(error, RowErrors):
        for k, fields in error.rows.items():
            if row_of is not None and k < len(row_of):
                rows.setdefault(row_of[k], {}).update(fields)
            else:
                rest += fields.values()
    else:
        for key, message in errors_by_field(error, "").items():
            if key in ("seats", "emails", "invite_role"):
                form[key] = message
            else:
                rest.append(message)
    if rest:
        form["form"] = " ".join(rest)
    return rows, form


class OrgAddState(OrgPageState):
    add_open: bool = False
    add_mode: str = "add"  # "add" or "invite"
    add_rows: list[AddRow] = rx.field(default_factory=lambda: [AddRow(index=0)])
    errors: dict[str, str] = {}  # noqa: RUF012  (FORM_FIELDS, "seats", "form"; rows hold theirs)
    form_key: int = 0  # bumped to give a fresh (empty) form each time the modal opens
    # The seats refusal's way forward, inside the modal.
    seats_to_add: str = ""
    seats_notice: str = ""
    # The typed input: {"org": id, "mode": "add" | "invite", "rows": [row index, ...],
    # "values": {input name ("email_3", "emails"): text}}; one organization's at a time.
    _draft: dict = {}  # noqa: RUF012
    draft_left: bool = False  # the modal is closed and input is kept for it
    draft_restored: bool = False  # the open modal shows kept input
    kept_emails: str = ""  # the Invite members fields as the modal opens (a kept draft's)
    kept_invite_role: str = "member"

    def _clear_errors(self) -> None:
        self.add_rows = [row.model_copy(update={"errors": {}}) for row in self.add_rows]
        self.errors = {}
        self.seats_notice = ""

    def _forget_dialogs(self) -> None:
        """A page load shows the modal closed and empty, never as a refusal left it; input
        typed into it is offered back."""
        self.add_open = False
        self.add_rows = [AddRow(index=0)]
        self._clear_errors()
        self.draft_restored = False
        self.draft_left = self._has_input()

    def _kept_values(self) -> dict[str, str]:
        """The input kept for this organization's modal ({} when none, or another's)."""
        return self._draft.get("values", {}) if self._draft.get("org") == self._org_id else {}

    def _has_input(self) -> bool:
        """Anything typed worth offering back (a role picked on an empty row is not)."""
        return any(value.strip() for key, value in self._kept_values().items()
                   if key == "emails" or key.startswith(("name_", "email_")))

    def _keep(self, values: dict[str, str]) -> None:
        self._draft = {"org": self._org_id, "mode": self.add_mode,
                       "rows": [row.index for row in self.add_rows], "values": values}

    @rx.event
    def set_add_open(self, value: bool):
        """The Add Member button (the dialog's trigger) and "Continue editing" open the form:
        empty, or with the input kept for it. Escape or a click outside close it (the input
        stays offered); Cancel closes it too, after `discard_draft`."""
        if value is True:
            self._open_modal()
            return
        self.add_open = False
        self.draft_left = self._has_input()

    def _open_modal(self) -> None:
        kept = self._kept_values()
        rows = self._draft.get("rows") if kept else None
        self.add_rows = [AddRow(index=index, name=kept.get(f"name_{index}", ""),
                                email=kept.get(f"email_{index}", ""),
                                role=kept.get(f"role_{index}", "member"))
                         for index in rows] if rows else [AddRow(index=0)]
        self.kept_emails = kept.get("emails", "")
        self.kept_invite_role = kept.get("invite_role", "member")
        self._clear_errors()
        mode = self._draft.get("mode", "add") if kept else "add"
        if not {"add": self.can_add, "invite": self.can_invite}.get(mode):
            mode = "add" if self.can_add or not self.can_invite else "invite"
        self.add_mode = mode
        self.draft_restored, self.draft_left = self._has_input(), False
        self.form_key += 1
        self.add_open = True

    @rx.event
    def discard_draft(self):
        """Drop the kept input: "Discard changes", and Cancel. An open modal starts empty.
        What was kept for another organization's modal stays: this page never showed it."""
        if self._draft.get("org") == self._org_id:
            self._draft = {}
        self.draft_left = self.draft_restored = False
        if self.add_open:
            self.add_rows, self.kept_emails, self.kept_invite_role = [AddRow(index=0)], "", "member"
            self._clear_errors()
            self.form_key += 1

    @rx.event
    def keep_typed(self, field: str, row: str, value: str):
        """A field of the open modal changed: keep its value for a reload (never sent back),
        and drop its message, which described the old value. `row` is the form row's index
        for a row field (name, email, role), "" for the Invite members fields."""
        if not self.add_open or not isinstance(value, str) or len(value) > MAX_TYPED_LENGTH:
            return
        if row == "" and field in INVITE_FIELDS:
            name = field
        elif field in ROW_FIELDS and whole_number(row) in {r.index for r in self.add_rows}:
            name = f"{field}_{whole_number(row)}"
        else:
            return
        self._keep({**self._kept_values(), name: value})
        self.clear_field_error(field, row)

    @rx.event
    def set_add_mode(self, value: str):
        self.add_mode = "invite" if value == "invite" else "add"
        self._clear_errors()
        if self._kept_values():
            self._keep(self._kept_values())

    @rx.event
    def add_row(self):
        if len(self.add_rows) < MAX_FORM_ROWS:
            index = max(row.index for row in self.add_rows) + 1
            self.add_rows = [*self.add_rows, AddRow(index=index)]
            if self._kept_values():
                self._keep(self._kept_values())

    @rx.event
    def remove_row(self, index: int):
        """Take a row out of the form (one always stays), and what was kept of it. A seats
        refusal may no longer hold for fewer rows: it goes too, and the next submit says
        again if it does."""
        kept = [row for row in self.add_rows if row.index != index]
        if kept and len(kept) < len(self.add_rows):
            self.add_rows = kept
            self.errors = {k: v for k, v in self.errors.items()
                           if k not in ("seats", "seats_to_add")}
            if values := self._kept_values():
                inputs = {f"{field}_{index}" for field in ROW_FIELDS}  # the row's input names
                self._keep({key: value for key, value in values.items() if key not in inputs})

    @rx.event
    def clear_field_error(self, field: str, row: str):
        """A field's value changed: its message described the old value. `row` is the form
        row's index for a row field (name, email, role), "" for the form's own fields."""
        if row == "":
            if field in FORM_FIELDS and field in self.errors:
                self.errors = {k: v for k, v in self.errors.items() if k != field}
            return
        number = whole_number(row)
        if field not in ROW_FIELDS or number is None:
            return
        self.add_rows = [
            r.model_copy(update={"errors": {k: v for k, v in r.errors.items() if k != field}})
            if r.index == number else r for r in self.add_rows]

    @rx.event
    def set_seats_to_add(self, value: str):
        self.seats_to_add = value if isinstance(value, str) else ""
        self.clear_field_error("seats_to_add", "")

    @rx.event
    def add_seats_here(self):
        """Add seats from the seats refusal, keeping the modal and its rows as they are."""
        self.seats_notice = ""
        self.clear_field_error("seats_to_add", "")
        try:
            with self._unit() as (session, user):
                org = org_settings.add_seats(session, actor=user, org_id=self._org_id,
                                             count=self.seats_to_add)
                seat_count = org.seat_count
        except ServiceError as error:
            self.errors = {**self.errors, "seats_to_add": error.message}
            return
        self.errors = {k: v for k, v in self.errors.items() if k != "seats"}
        again = "Add Members" if self.add_mode == "add" else "Send invitations"
        self.seats_notice = (f"Seats added: the organization now has "
                             f"{counted(seat_count, 'seat')}. Choose {again} again.")
        self._reread_header()

    async def _after_change(self, notice: str) -> None:
        members_state = await self.get_state(OrgMembersState)
        invitations_state = await self.get_state(OrgInvitationsState)
        self._reread_header()
        members_state._refresh()
        invitations_state._refresh()
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
        rows, self.errors = refusal_errors(error, row_of)
        if isinstance(error, NotEnoughSeats):
            self.errors = {**self.errors, error.field: self._seats_refusal(error)}
        self.add_rows = [row.model_copy(update={"errors": rows.get(row.index, {})})
                         for row in self.add_rows]

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
            self._reread_header()
            return
        self._close_done()
        # The same words whether or not an address had an account (no account probing).
        await self._after_change(f"{result.notice()} {on_the_way(result.email_count)}")

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
            self._reread_header()
            return
        count = len(result.invitations)
        self._close_done()
        await self._after_change(
            f"Invited {counted(count, 'person', 'people')}. {on_the_way(count)}")

    def _close_done(self) -> None:
        """A submit went through: the modal closes and what was typed for it is spent."""
        self.add_open = False
        self._draft = {}
        self.draft_left = self.draft_restored = False
