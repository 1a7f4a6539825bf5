"""Members section: one page of the members table (searched, sorted, paged by the database),
selection, and Manage Members (remove, promote to manager, demote to member, make owner)."""

import reflex as rx
from pydantic import BaseModel

from ..models import Role
from ..services import members
from ..services.errors import ServiceError
from ..services.validation import clean_search, whole_number
from .org_page import OrgPageState
from .paged_list import toggled


class MemberItem(BaseModel):
    membership_id: int
    name: str
    email: str
    role: str  # owner / manager / member
    role_label: str
    status: str
    joined: str
    seat: str
    is_owner: bool
    is_manager: bool


SORTABLE = ("name", "email", "role", "status", "joined")


class OrgMembersState(OrgPageState):
    rows: list[MemberItem] = rx.field(default_factory=list)
    total: int = 0
    page: int = 1
    page_count: int = 1
    search: str = ""
    sort: str = "name"
    descending: bool = False
    selected: list[int] = rx.field(default_factory=list)
    members_error: str = ""
    members_notice: str = ""

    def _load_members(self, session, user) -> None:
        try:
            result = members.list_members(session, actor=user, org_id=self._org_id,
                                          search=self.search, sort=self.sort,
                                          descending=self.descending, page=self.page)
        except ServiceError as error:
            self.rows, self.total, self.page_count = [], 0, 1
            self.members_error = error.message
            return
        self.total = result.total
        self.page = result.page
        self.page_count = result.page_count
        self.rows = [
            MemberItem(
                membership_id=row.membership_id, name=row.name, email=row.email,
                role=row.role.value, role_label=row.role.value.capitalize(),
                status=row.status.value, joined=row.joined_at.date().isoformat(),
                seat="1 seat" if row.takes_seat else "no seat (owner)",
                is_owner=row.role == Role.OWNER, is_manager=row.role == Role.MANAGER,
            )
            for row in result.rows
        ]
        visible = {row.membership_id for row in self.rows}
        self.selected = [i for i in self.selected if i in visible]

    def _reload(self) -> None:
        with self.unit() as (session, user):
            self._refresh_overview(session, user)
            self._load_members(session, user)

    @rx.event
    def load_members(self):
        """on_load (after OrgPageState.load): the first page."""
        self.page, self.search, self.sort, self.descending = 1, "", "name", False
        self.selected, self.members_error, self.members_notice = [], "", ""
        if self._org_id:
            self._reload()

    @rx.event
    def run_search(self, form_data: dict):
        self.search = clean_search(form_data.get("search", ""))
        self.page = 1
        self._reload()

    @rx.event
    def sort_by(self, column: str):
        if column not in SORTABLE:
            return
        self.descending = (not self.descending) if self.sort == column else False
        self.sort = column
        self.page = 1
        self._reload()

    @rx.event
    def go_to_page(self, page: int):
        if (number := whole_number(page, allow_text=False)) is not None:
            self.page = min(max(number, 1), max(self.page_count, 1))
            self._reload()

    @rx.event
    def toggle(self, membership_id: int, checked: bool):
        self.selected = toggled(self.selected, membership_id, checked)

    @rx.event
    def toggle_all(self, checked: bool):
        self.selected = [r.membership_id for r in self.rows if not r.is_owner] if checked else []

    def _change(self, action, ids, done_message):
        self.members_error, self.members_notice = "", ""
        try:
            with self.unit() as (session, user):
                count = action(session, user, ids)
        except ServiceError as error:
            self.members_error = error.message
            return
        self.members_notice = done_message(count)
        self.selected = [i for i in self.selected if i not in (ids if isinstance(ids, list)
                                                               else [ids])]
        self._reload()

    def _remove(self, ids):
        self._change(
            lambda s, u, i: members.remove_members(s, actor=u, org_id=self._org_id,
                                                   membership_ids=i),
            ids, lambda n: f"Removed {n} member{'s' if n != 1 else ''}; the seats are free.")

    def _set_role(self, ids, role: str):
        word = "Promoted" if role == "manager" else "Demoted"
        self._change(
            lambda s, u, i: members.set_role(s, actor=u, org_id=self._org_id,
                                             membership_ids=i, role=role),
            ids, lambda n: f"{word} {n} member{'s' if n != 1 else ''} to {role}.")

    @rx.event
    def remove_one(self, membership_id: int):
        self._remove([membership_id])

    @rx.event
    def promote_one(self, membership_id: int):
        self._set_role([membership_id], "manager")

    @rx.event
    def demote_one(self, membership_id: int):
        self._set_role([membership_id], "member")

    @rx.event
    def remove_selected(self):
        self._remove(list(self.selected))

    @rx.event
    def promote_selected(self):
        self._set_role(list(self.selected), "manager")

    @rx.event
    def demote_selected(self):
        self._set_role(list(self.selected), "member")

    @rx.event
    def make_owner(self, membership_id: int):
        self._change(
            lambda s, u, i: members.transfer_ownership(s, actor=u, org_id=self._org_id,
                                                       membership_id=i) and 1,
            membership_id, lambda _n: "Ownership handed over; the previous owner is now a manager.")
