"""Members section: one page of the members table (searched, sorted, paged by the database),
selection, and Manage Members (remove, promote to manager, demote to member, make owner).

What the same person cannot undo (remove, make owner, demoting oneself) is confirmed on the page
first (components/modal.py: confirm_dialog); the services check permissions whatever was shown.
"""

import reflex as rx
from pydantic import BaseModel

from .. import routes
from ..models import Role
from ..services import members, users
from ..services.display import counted, names_list
from ..services.errors import ServiceError
from ..services.validation import clean_search
from .org_page import OrgPageState
from .paged_list import PagerMixin
from .selection import SelectionMixin


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
    is_viewer: bool  # the signed-in person's own row
    user_id: int
    never_set_password: bool  # may be sent the "set your password" e-mail again


SORTABLE = ("name", "email", "role", "status", "joined")


class OrgMembersState(SelectionMixin, PagerMixin, OrgPageState):
    rows: list[MemberItem] = rx.field(default_factory=list)
    total: int = 0
    page: int = 1
    page_count: int = 1
    search: str = ""
    sort: str = "name"
    descending: bool = False
    members_error: str = ""
    members_notice: str = ""
    viewer_membership_id: int = 0  # the viewer's own row, when it is on this page

    @rx.var
    def members_count_label(self) -> str:
        return counted(self.total, "member")

    @rx.var(cache=False)
    def export_url(self) -> str:
        """Export members to CSV: the table as searched and sorted, every page (web.py)."""
        return routes.members_csv(self._org_id, self.search, self.sort, self.descending)

    @rx.var
    def selected_includes_viewer(self) -> bool:
        """Demoting a selection that holds oneself is asked first: it cannot be undone."""
        return self.viewer_membership_id != 0 and self.viewer_membership_id in self.selected

    def _load_members(self, session, user) -> None:
        try:
            result = members.list_members(session, actor=user, org_id=self._org_id,
                                          search=self.search, sort=self.sort,
                                          descending=self.descending, page=self.page,
                                          page_size=self.page_size)
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
                is_viewer=row.user_id == user.id, user_id=row.user_id,
                never_set_password=not row.has_password,
            )
            for row in result.rows
        ]
        self.viewer_membership_id = next((r.membership_id for r in self.rows if r.is_viewer), 0)
        self._keep_shown_selection()

    def _selectable_ids(self) -> list[int]:
        return [row.membership_id for row in self.rows if not row.is_owner]

    def _reload(self) -> None:
        with self._reading() as (session, user):
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

    def _open_page(self, page: int, page_size: int) -> None:
        """The pager (PagerMixin) checked both; list_members clamps the page to the last."""
        self.page, self.page_size = max(page, 1), page_size
        self._reload()

    def _change(self, action, ids: list[int], done_message) -> bool:
        """Run one Manage Members action; True when it was done (the table is reloaded)."""
        self.members_error, self.members_notice = "", ""
        try:
            with self._unit() as (session, user):
                count = action(session, user, ids)
        except ServiceError as error:
            self.members_error = error.message
            return False
        self.members_notice = done_message(count)
        self.selected = [i for i in self.selected if i not in ids]
        self._reload()
        return True

    def _remove(self, ids):
        self._change(
            lambda s, u, i: members.remove_members(s, actor=u, org_id=self._org_id,
                                                   membership_ids=i),
            ids, lambda n: f"Removed {counted(n, 'member')}; "
                           f"{'the seat is' if n == 1 else 'the seats are'} free.")

    def _set_role(self, ids: list[int], role: str):
        """Promote or demote; the notice names whom it skipped (they had that role already).
        A manager who demoted themselves can no longer see this page: they go where they
        work now."""
        if role == "manager":
            done, had = "Promoted {} to manager.", "already a manager"
            counted_as = "member"
        else:
            done, had = "Demoted {} to member.", "already a member"
            counted_as = "manager"
        skipped = [r.name for r in self.rows if r.membership_id in ids and r.role == role]
        demoting_self = role == "member" and self.viewer_membership_id in ids

        def notice(changed: int) -> str:
            words = done.format(counted(changed, counted_as)) if changed else "Nothing changed."
            if skipped and changed + len(skipped) == len(ids):
                words += f" Skipped {names_list(skipped)}: {had}."
            elif changed < len(ids):
                words += f" Skipped {len(ids) - changed}: {had}."
            return words

        changed = self._change(
            lambda s, u, i: members.set_role(s, actor=u, org_id=self._org_id,
                                             membership_ids=i, role=role),
            ids, notice)
        if changed and demoting_self and not self.loaded:
            with self._reading() as (session, user):
                return rx.redirect(self._landing_path(session, user) if user else routes.LOGIN)
        return None

    @rx.event
    def remove_one(self, membership_id: int):
        self._remove([membership_id])

    @rx.event
    def promote_one(self, membership_id: int):
        return self._set_role([membership_id], "manager")

    @rx.event
    def demote_one(self, membership_id: int):
        return self._set_role([membership_id], "member")

    @rx.event
    def remove_selected(self):
        self._remove(list(self.selected))

    @rx.event
    def promote_selected(self):
        return self._set_role(list(self.selected), "manager")

    @rx.event
    def demote_selected(self):
        return self._set_role(list(self.selected), "member")

    @rx.event
    def make_owner(self, membership_id: int):
        self._change(
            lambda s, u, i: members.transfer_ownership(s, actor=u, org_id=self._org_id,
                                                       membership_id=i[0]) and 1,
            [membership_id],
            lambda _n: "Ownership handed over; the previous owner is now a manager.")

    @rx.event
    async def resend_set_password(self, user_id: int):
        """Members who never set a password: a new "set your password" e-mail (the old link
        stops working)."""
        self.members_error, self.members_notice = "", ""
        try:
            with self._unit() as (session, user):
                users.resend_set_password_email(session, actor=user, user_id=user_id)
        except ServiceError as error:
            self.members_error = error.message
            return
        self.members_notice = "Set-password e-mail sent again. It is on its way."
