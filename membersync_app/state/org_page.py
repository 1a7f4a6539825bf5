"""/dashboard/org/[id]: the organization header (seats, type, expiry) and what the viewer may do.

The section states (members, invitations, add, seats, settings) subclass this one, so they read
the organization id from `_org_id` (backend-only). The `can_*` flags only hide controls: every
service checks again.
"""

import reflex as rx

from .. import routes
from ..services import organizations
from ..services.display import expiry_text, percent
from ..services.errors import ServiceError
from ..services.permissions import Action
from ..services.validation import whole_number
from .base import AppState

SECTIONS = ("members", "seats", "reports", "settings")


class OrgPageState(AppState):
    _org_id: int = 0

    can_view: bool = False  # the viewer may see this organization (else `load_error`)
    load_error: str = ""
    section: str = "members"

    org_title: str = ""
    type_name: str = ""
    seats_used: int = 0
    seat_count: int = 0
    expires: str = "never"
    expired: bool = False
    viewer_role: str = ""
    owner_name: str = ""
    auto_add_domain: str = ""  # said next to Add Member before it matters

    can_add: bool = False
    can_invite: bool = False
    can_remove: bool = False
    can_change_roles: bool = False
    can_manage_seats: bool = False
    can_edit_settings: bool = False
    can_view_reports: bool = False
    can_transfer: bool = False

    @rx.var
    def seats_percent(self) -> int:
        return percent(self.seats_used, self.seat_count)

    @rx.var
    def seats_free(self) -> int:
        return max(0, self.seat_count - self.seats_used)

    @rx.var
    def seats_label(self) -> str:
        return f"{self.seats_used} / {self.seat_count}"

    def _forget_dialogs(self) -> None:
        """A section with a dialog or a form closes and empties it here; `load` calls it on
        every section, so a reload never brings back a dialog as a refusal left it."""

    def _refresh_overview(self, session, user) -> bool:
        """Re-read the header facts; False (with `load_error`) when the viewer may not see it."""
        try:
            view = organizations.overview(session, actor=user, org_id=self._org_id)
        except ServiceError as error:
            self.load_error = error.message
            self.can_view = False
            return False
        self.load_error = ""
        self.can_view = True
        self.org_title = view.title
        self.type_name = view.type_name
        self.seats_used = view.seats_used
        self.seat_count = view.seat_count
        self.expires = expiry_text(view.expires_at)
        self.expired = view.expired
        self.viewer_role = view.viewer_role
        self.owner_name = view.owner_name
        self.auto_add_domain = view.auto_add_domain
        self.can_add = Action.ADD_MEMBERS in view.allowed
        self.can_invite = Action.INVITE in view.allowed
        self.can_remove = Action.REMOVE_MEMBERS in view.allowed
        self.can_change_roles = Action.CHANGE_ROLES in view.allowed
        self.can_manage_seats = Action.MANAGE_SEATS in view.allowed
        self.can_edit_settings = Action.EDIT_SETTINGS in view.allowed
        self.can_view_reports = Action.VIEW_REPORTS in view.allowed
        self.can_transfer = Action.TRANSFER_OWNERSHIP in view.allowed
        return True

    @rx.event
    async def load(self):
        """on_load: who is signed in, which organization, and its header; every section's
        dialogs and messages start closed and empty."""
        self._org_id = whole_number(self.id) or 0  # the route's [id]; a client can send any text
        for section in self.get_substates():
            (await self.get_state(section))._forget_dialogs()
        # ?tab=seats: a bookmark, or a reload (set_section writes the tab it shows into the URL).
        tab = self.router.url.query_parameters.get("tab", "")
        self.section = tab if tab in SECTIONS else "members"
        with self._reading() as (session, user):
            if away := self._away_unless_signed_in(user):
                return away
            self._refresh_overview(session, user)
        if not self._may_open(self.section):  # a bookmark from when the viewer had the right
            self.section = "members"
        return None

    def _may_open(self, section: str) -> bool:
        return {"reports": self.can_view_reports,
                "settings": self.can_edit_settings}.get(section, True)

    @rx.event
    def set_section(self, value: str):
        """Show a section and put it in the address (?tab=seats), replacing the history entry,
        so a reload or a bookmark opens it again and Back still leaves the page."""
        self.section = value if value in SECTIONS else "members"
        if self._org_id:
            return rx.redirect(f"{routes.org_page(self._org_id)}?tab={self.section}", replace=True)
        return None

    def _reread_header(self) -> None:
        """Re-read the header facts after a change that moves them (seats used, the viewer's
        role), in a read of their own."""
        with self._reading() as (session, user):
            self._refresh_overview(session, user)
