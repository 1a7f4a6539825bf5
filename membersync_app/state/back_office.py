"""/admin/organizations/[id]: an organization's back office, one state per tab area.

`BackOfficeState` reads the organization id from the route var into a backend-only var
(`_org_id`) and holds the header; the tab states subclass it, so they all act on that id.
Handlers take ids as int and forms as dict; every service re-checks staff and re-validates.
"""

from collections.abc import Callable
from typing import Any, ClassVar

import reflex as rx

from ..services import back_office, jobs, merge
from ..services.back_office import OrgChoice, OrgHeader, OrgMemberRow
from ..services.display import expiry_text
from ..services.errors import RowErrors, ServiceError
from ..services.jobs import JobRow
from ..services.merge import MergePreview
from ..services.validation import whole_number
from .admin_common import AdminFormMixin, ticked
from .base import AppState
from .paged_list import PagedListMixin, toggled
from .selection import SelectionMixin
from .user_picker import UserPickerMixin

TABS = ("details", "members", "jobs", "merge", "delete")
NO_HEADER = OrgHeader(id=0, title="", owner_username="", owner_label="", type_name="",
                      seats_used=0, seat_count=0, expires_at=None, expired=False)
NO_PREVIEW = MergePreview(
    org_id=0, org_title="", other_id=0, other_title="", moving=[], moving_count=0, in_both=[],
    in_both_count=0, invitations=[], invitations_count=0, invitations_dropped=[], jobs=[],
    jobs_count=0, seats_used=0, seats_after=0, seat_count=0, raise_to=0, expiry_note="",
    signature="")
ASSIGN_LOGIN_ID = "assign-login"
NEW_OWNER_ID = "new-owner"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class BackOfficeState(AppState):
    _org_id: int = 0
    header: OrgHeader = NO_HEADER
    org_loaded: bool = False
    org_error: str = ""  # the organization cannot be shown (gone, or not staff)
    tab: str = "details"

    @rx.var
    def expires_text(self) -> str:
        return expiry_text(self.header.expires_at)

    def _load_header(self, session, user) -> bool:
        try:
            self.header = back_office.org_header(session, actor=user, org_id=self._org_id)
        except ServiceError as error:
            self.org_error, self.org_loaded = error.message, False
            return False
        self.org_error, self.org_loaded = "", True
        return True

    @rx.event
    def load(self):
        """on_load: which organization (the route's [id]), and its header."""
        self._org_id = whole_number(self.id) or 0
        self.tab = "details"
        with self._reading() as (session, user):
            self._show_viewer(user)
            self._load_header(session, user)

    def _reread_header(self) -> None:
        """Re-read the header (seats used, seat count, owner) after a change that moves it,
        in a read of its own: the members list's paging, sorting and search do not need it."""
        with self._reading() as (session, user):
            self._load_header(session, user)

    @rx.event
    def refresh_header(self):
        self._reread_header()

    @rx.event
    def set_tab(self, value: str):
        self.tab = value if value in TABS else "details"


class _OrgRows(SelectionMixin, PagedListMixin, mixin=True):
    """A tab's list of the organization's rows (its members, its jobs): one page of them from
    `_list_service`, the ticked ones, and Unassign of the ticked ones (and, by each state's
    `unassign_one`, whose parameter names its kind of id, of one row) through
    `_unassign_service`. Its messages go to `notice` (each state has one) and `row_error`."""

    row_error: str = ""
    # The keyword naming the rows for `_unassign_service` ("job_ids"), what one row is called,
    # and what becomes of them, for the notice ("Unassigned 2 jobs; they stay on …").
    _unassign_service: ClassVar[Callable[..., int] | None] = None
    _ids_name: ClassVar[str] = ""
    _unassigned: ClassVar[tuple[str, str]] = ("", "")

    def _load_page(self, session, user, **listing):
        result = self._list_service(session, actor=user, org_id=self._org_id, **listing)
        self.rows = result.rows
        self._keep_shown_selection()
        return result

    @rx.event
    def load(self):
        self._clear_tab()
        self._refresh(search="", page=1)

    def _clear_tab(self) -> None:
        self.selected, self.notice, self.row_error = [], "", ""

    def _unassign(self, ids: list) -> None:
        self.notice, self.row_error = "", ""
        try:
            with self._unit() as (session, user):
                count = self._unassign_service(session, actor=user, org_id=self._org_id,
                                               **{self._ids_name: ids})
        except ServiceError as error:
            self.row_error = error.message
            return
        word, what_becomes = self._unassigned
        self.notice = f"Unassigned {_plural(count, word)}; {what_becomes}."
        self.selected = [i for i in self.selected if i not in ids]
        self._refresh()

    @rx.event
    def unassign_selected(self):
        self._unassign(list(self.selected))


# ---------------------------------------------------------------- Members


class BackOfficeMembersState(_OrgRows, AdminFormMixin, BackOfficeState):
    """The members list, selection, Unassign and Edit membership (the form)."""

    _list_service = staticmethod(back_office.list_org_members)
    _unassign_service = staticmethod(back_office.unassign_members)
    _ids_name, _unassigned = "membership_ids", ("member", "their seats are free")
    sort_by: str = "name"
    rows: list[OrgMemberRow] = []  # noqa: RUF012
    edit_username: str = ""
    edit_org_admin: bool = False
    edit_status: str = "active"

    def _selectable_ids(self) -> list[int]:
        return [row.membership_id for row in self.rows if not row.is_owner]

    def _clear_tab(self) -> None:
        super()._clear_tab()
        self._done("")

    def _unassign(self, ids: list) -> None:
        """Unassigning frees seats: the header's seats used, read again once it is done."""
        super()._unassign(ids)
        if not self.row_error:
            self._reread_header()

    @rx.event
    def unassign_one(self, membership_id: int):
        self._unassign([membership_id])

    @rx.event
    def open_membership(self, membership_id: int):
        row = next((r for r in self.rows if r.membership_id == membership_id), None)
        if row is None:
            return
        self.edit_username = row.username
        self.edit_org_admin, self.edit_status = row.org_admin, row.status
        self._open_form(row.membership_id)

    @rx.event
    def save(self, form_data: dict):
        def write(session, user):
            return back_office.edit_membership(
                session, actor=user, org_id=self._org_id, membership_id=self.editing_id,
                org_admin=ticked(form_data, "org_admin"), status=form_data.get("status"))

        self._submit(write, lambda change: (
            f"Saved the membership of “{change.username}”: "
            f"{'organization admin' if change.role == 'manager' else 'member'}, {change.status}."
            if change.changed else f"Nothing changed for “{change.username}”."))


class _TabForm(AdminFormMixin, mixin=True):
    """A form on a tab (not an admin list): its load only clears it."""

    @rx.event
    def load(self):
        self._clear_form("")

    def _clear_form(self, notice: str) -> None:
        """An empty form (new inputs) under `notice`."""
        self._done(notice)
        self.form_key += 1

    async def _submit_tab(self, write: Callable[..., Any], notice: Callable[[Any], str]) -> None:
        """Run `write(session, user)` (the tab's service) in one transaction. Accepted: an
        empty form under `notice(what write returned)`, the header again (seats used, seat
        count, owner: every such write moves them) and the members list again (it shows who
        was assigned, who owns the organization now). Refused: the form keeps the input, with
        the service's messages (`_refused`)."""
        try:
            with self._unit() as (session, user):
                result = write(session, user)
        except ServiceError as error:
            self._refused(error)
            return
        self._clear_form(notice(result))
        self._reread_header()
        await _refresh_members(self)


class _UserPicker(UserPickerMixin, _TabForm, mixin=True):
    """A back office tab form with a username / e-mail type-ahead (state/user_picker.py); an
    emptied form offers no old suggestions."""

    def _clear_form(self, notice: str) -> None:
        super()._clear_form(notice)
        self._forget_matches()


class AssignMemberState(_UserPicker, BackOfficeState):
    """Assign member: a user by username or e-mail, a role, and "raise the seat count"."""

    _picker_field, _picker_input_id = "login", ASSIGN_LOGIN_ID

    @rx.event
    async def assign(self, form_data: dict):
        await self._submit_tab(
            lambda session, user: back_office.assign_member(
                session, actor=user, org_id=self._org_id, login=form_data.get("login"),
                role=form_data.get("role"), raise_seats=ticked(form_data, "raise_seats")),
            lambda username: f"Assigned “{username}”; they take a seat.")


class AssignSeveralState(_TabForm, BackOfficeState):
    """Assign several: pasted usernames, one per line, all or none."""

    line_errors: list[str] = []  # noqa: RUF012

    @rx.event
    async def assign(self, form_data: dict):
        self.line_errors = []
        await self._submit_tab(
            lambda session, user: back_office.assign_several(
                session, actor=user, org_id=self._org_id, usernames=form_data.get("usernames"),
                role=form_data.get("role"), raise_seats=ticked(form_data, "raise_seats")),
            lambda done: f"Assigned {_plural(len(done), 'member')}.")

    def _refused(self, error: ServiceError) -> None:
        """A refused line is listed by its line number above the form."""
        super()._refused(error)
        if isinstance(error, RowErrors):
            self.line_errors = [fields["line"] for fields in error.rows.values()]
            if self.line_errors:
                self.form_error = "Nobody was assigned. Correct these lines:"


async def _refresh_members(state: rx.State) -> None:
    members = await state.get_state(BackOfficeMembersState)
    members._refresh()


# ---------------------------------------------------------------- Details: change owner


class ChangeOwnerState(_UserPicker, BackOfficeState):
    _picker_field, _picker_input_id = "new_owner", NEW_OWNER_ID

    @rx.event
    async def change_owner(self, form_data: dict):
        def write(session, user):
            new_owner = back_office.change_owner(
                session, actor=user, org_id=self._org_id, login=form_data.get("new_owner"),
                raise_seats=ticked(form_data, "raise_seats"))
            return new_owner.username

        await self._submit_tab(
            write, lambda name: f"“{name}” is the owner now; the previous owner is a manager.")


# ---------------------------------------------------------------- Direct Jobs


class BackOfficeJobsState(_OrgRows, BackOfficeState):
    _list_service = staticmethod(jobs.list_org_jobs)
    _unassign_service = staticmethod(jobs.unassign_jobs)
    _ids_name, _unassigned = "job_ids", ("job", "they stay on the Jobs page")
    sort_by: str = "title"
    rows: list[JobRow] = []  # noqa: RUF012
    notice: str = ""

    def _selectable_ids(self) -> list[int]:
        return [row.id for row in self.rows]

    @rx.event
    def unassign_one(self, job_id: int):
        self._unassign([job_id])


class AssignJobsState(BackOfficeState):
    """Assign existing jobs: pick a job type, type part of a title, tick the jobs."""

    job_types: list[str] = []  # noqa: RUF012
    pick_type: str = ""
    pick_text: str = ""
    matches: list[JobRow] = []  # noqa: RUF012
    picked: list[int] = []  # noqa: RUF012
    searched: bool = False
    assign_error: str = ""

    @rx.event
    def load(self):
        self.pick_type, self.pick_text, self.matches, self.picked = "", "", [], []
        self.searched, self.assign_error = False, ""
        try:
            with self._reading() as (session, user):
                self.job_types = jobs.job_types(session, actor=user)
        except ServiceError as error:
            self.assign_error = error.message

    def _search(self) -> None:
        try:
            with self._reading() as (session, user):
                self.matches = jobs.find_unassigned_jobs(session, actor=user,
                                                         job_type=self.pick_type,
                                                         text=self.pick_text)
        except ServiceError as error:
            self.assign_error = error.message
            return
        visible = {row.id for row in self.matches}
        self.picked = [i for i in self.picked if i in visible]
        self.searched = bool(self.pick_type or self.pick_text)

    @rx.event
    def set_pick_type(self, value: str):
        self.pick_type = value if value in self.job_types else ""
        self._search()

    @rx.event
    def set_pick_text(self, text: str):
        self.pick_text = text if isinstance(text, str) else ""
        self._search()

    @rx.event
    def toggle(self, job_id: int, checked: bool):
        self.picked = toggled(self.picked, job_id, checked)

    @rx.event
    async def assign(self):
        self.assign_error = ""
        try:
            with self._unit() as (session, user):
                count = jobs.assign_jobs(session, actor=user, org_id=self._org_id,
                                         job_ids=list(self.picked))
        except ServiceError as error:
            self.assign_error = error.message
            return
        self.picked = []
        self._search()
        listed = await self.get_state(BackOfficeJobsState)
        listed._refresh()
        listed.notice = f"Assigned {_plural(count, 'job')}."


# ---------------------------------------------------------------- Merge


class MergeState(BackOfficeState):
    candidates: list[OrgChoice] = []  # noqa: RUF012
    candidates_searched: bool = False
    preview: MergePreview = NO_PREVIEW
    has_preview: bool = False
    merge_error: str = ""
    merge_notice: str = ""
    _other_id: int = 0

    @rx.event
    def load(self):
        self.candidates, self.candidates_searched = [], False
        self.preview, self.has_preview, self._other_id = NO_PREVIEW, False, 0
        self.merge_error, self.merge_notice = "", ""

    @rx.event
    def search_orgs(self, text: str):
        try:
            with self._reading() as (session, user):
                self.candidates = back_office.find_organizations(
                    session, actor=user, text=text, exclude_id=self._org_id)
        except ServiceError as error:
            self.merge_error = error.message
            return
        self.candidates_searched = isinstance(text, str) and bool(text.strip())

    @rx.event
    def pick(self, other_id: int):
        self.merge_error, self.merge_notice = "", ""
        try:
            with self._reading() as (session, user):
                preview = merge.preview_merge(session, actor=user, org_id=self._org_id,
                                              other_org_id=other_id)
        except ServiceError as error:
            self.merge_error = error.message
            return
        self.preview, self.has_preview, self._other_id = preview, True, preview.other_id
        self.candidates, self.candidates_searched = [], False

    @rx.event
    def cancel(self):
        self.preview, self.has_preview, self._other_id = NO_PREVIEW, False, 0
        self.merge_error = ""

    @rx.event
    async def merge(self, raise_seats: bool):
        self.merge_error, self.merge_notice = "", ""
        try:
            with self._unit() as (session, user):
                result = merge.merge_organizations(
                    session, actor=user, org_id=self._org_id, other_org_id=self._other_id,
                    signature=self.preview.signature, raise_seats=raise_seats is True)
        except merge.PlanChanged as changed:
            self.preview, self.merge_error = changed.preview, changed.message
            return
        except ServiceError as error:
            self.merge_error = error.message
            return
        self.preview, self.has_preview, self._other_id = NO_PREVIEW, False, 0
        self.merge_notice = (
            f"Merged “{result.other_title}” into “{result.title}”: "
            f"{_plural(result.members, 'member')} moved, {result.in_both} in both, "
            f"{_plural(result.invitations, 'invitation')}, {_plural(result.jobs, 'job')}; "
            f"seat count {result.seat_count}. “{result.other_title}” is deleted.")
        self._reread_header()  # seats used (and the seat count, when raised) after the move
        await _refresh_members(self)
        (await self.get_state(BackOfficeJobsState))._refresh()


# ---------------------------------------------------------------- Delete


class DeleteOrgState(_TabForm, BackOfficeState):
    deleted_notice: str = ""

    @rx.event
    def load(self):
        self._clear_form("")
        self.deleted_notice = ""

    @rx.event
    def delete_org(self, form_data: dict):
        try:
            with self._unit() as (session, user):
                result = back_office.delete_organization(
                    session, actor=user, org_id=self._org_id,
                    confirm_title=form_data.get("confirm_title"))
        except ServiceError as error:
            self._refused(error)
            return
        self._done("")
        self.deleted_notice = (
            f"Deleted “{result.title}”: {_plural(result.memberships, 'membership')} and "
            f"{_plural(result.invitations, 'invitation')} removed, "
            f"{_plural(result.jobs, 'job')} unassigned. Its audit log stays.")
        self.org_loaded = False
