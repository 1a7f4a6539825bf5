"""Members section: one page of the members table (searched, sorted, paged by the database),
selection, and Manage Members (remove, promote to manager, demote to member, make owner).

What the same person cannot undo (remove, make owner, demoting oneself) is confirmed on the page
first (components/modal.py: confirm_dialog); the services check permissions whatever was shown.
"""

import reflex as rx

from .. import routes
from ..services import members, users
from ..services.display import counted, names_list
from ..services.errors import ServiceError
from .org_page import OrgPageState
from .paged_list import PagedListMixin
from .selection import SelectionMixin


class OrgMembersState(SelectionMixin, PagedListMixin, OrgPageState):
    sort_by: str = "name"
    rows: list[members.MemberRow] = []  # noqa: RUF012
    members_error: str = ""  # why a Manage Members action was refused
    members_notice: str = ""

    @rx.var
    def members_count_label(self) -> str:
        return counted(self.total, "member")

    @rx.var(cache=False)
    def export_url(self) -> str:
        """Export members to CSV: the table as searched and sorted, every page (web.py)."""
        return routes.members_csv(self._org_id, self.list_search, self.sort_by, self.sort_desc)

    @rx.var
    def selected_includes_viewer(self) -> bool:
        """Demoting a selection that holds oneself is asked first: it cannot be undone."""
        return any(row.is_viewer and row.membership_id in self.selected for row in self.rows)

    def _load_page(self, session, user, **listing):
        result = members.list_members(session, actor=user, org_id=self._org_id, **listing)
        self.rows = list(result.rows)
        self._keep_shown_selection()
        return result

    def _selectable_ids(self) -> list[int]:
        return [row.membership_id for row in self.rows if not row.is_owner]

    @rx.event
    def load_members(self):
        """on_load (after OrgPageState.load): the first page."""
        self.list_search, self.sort_by, self.sort_desc = "", "name", False
        self._forget_page()
        self.selected, self.members_error, self.members_notice = [], "", ""
        if self._org_id:
            self._refresh(page=1)

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
        self._reread_header()  # seats used, and whether the viewer still manages it
        self._refresh()
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
        demoting_self = role == "member" and any(r.is_viewer and r.membership_id in ids
                                                 for r in self.rows)

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
        if changed and demoting_self and not self.can_view:
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
                users.resend_set_password_email(session, actor=user, user_id=user_id,
                                                org_id=self._org_id)
        except ServiceError as error:
            self.members_error = error.message
            return
        self.members_notice = "Set-password e-mail sent again. It is on its way."
