"""Admin state for Organization Types: the list, and the form with its three tabs."""

from typing import ClassVar

import reflex as rx

from .. import routes
from ..services import catalog, org_types
from .admin_common import RecordFormMixin, RecordServices, form_id, ticked
from .base import AppState
from .paged_list import PagedListMixin

ROLES = ("owner", "manager", "member")
# Which tab shows each field, so a refusal can say where to look.
TAB_OF_FIELD = {
    "name": "General", "visibility": "General", "default_seat_type_id": "General",
    "permissions": "Access", "invitation_days": "Access", "access_ends_at_expiry": "Access",
    "auto_add_domain": "Access", "benefits": "Seat Benefits",
}
TAB_ORDER = ("General", "Access", "Seat Benefits")


class AdminOrgTypesState(PagedListMixin, RecordFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_ORG_TYPES, routes.ADMIN_ORG_TYPE
    _draft_fields = ("name", "visibility", "default_seat_type_id", "invitation_days",
                     "auto_add_domain")
    _draft_ticks = (*org_types.PERMISSION_FIELDS, "access_ends_at_expiry",
                    *(f"{role}_{kind}" for role in ROLES for kind in ("course_ids", "license_ids")))
    _noun = "organization type"
    _list_service = staticmethod(org_types.list_org_types)
    _services: ClassVar[RecordServices] = RecordServices(
        "org_type_id", org_types.create_org_type, org_types.update_org_type,
        org_types.delete_org_type, read=org_types.get_org_type_form)
    _choices: ClassVar[tuple[str, ...]] = ("course_choices", "license_choices", "seat_type_choices")
    sort_by: str = "name"
    rows: list[org_types.OrgTypeRow] = []  # noqa: RUF012
    course_choices: list[catalog.Choice] = []  # noqa: RUF012
    license_choices: list[catalog.Choice] = []  # noqa: RUF012
    seat_type_choices: list[catalog.Choice] = []  # noqa: RUF012
    # General
    f_name: str = ""
    f_visibility: str = "private"
    f_default_seat_type_id: str = ""
    # Access
    f_permissions: dict[str, bool] = {}  # noqa: RUF012
    f_invitation_days: str = "14"
    f_access_ends_at_expiry: bool = True
    f_auto_add_domain: str = ""
    # Seat Benefits: "owner_course_ids" -> ["3", "5"], ...
    f_benefits: dict[str, list[str]] = {}  # noqa: RUF012

    def _blank_form(self) -> None:
        self._fill_form(org_types.new_org_type_form())

    def _apply_tick(self, name: str, value: str, ticked: bool) -> None:
        """Permissions and Seat Benefits are held in dicts (the rest as AdminFormMixin says)."""
        if name in org_types.PERMISSION_FIELDS:
            self.f_permissions = {**self.f_permissions, name: ticked}
        elif name in self.f_benefits:
            others = [item for item in self.f_benefits[name] if item != value]
            self.f_benefits = {**self.f_benefits, name: [*others, value] if ticked else others}
        else:
            super()._apply_tick(name, value, ticked)

    def _fill_form(self, form: org_types.OrgTypeForm) -> None:
        """The three tabs as `form` has them (a new type's defaults, or a saved type with what
        the form opened on, for the conflict check)."""
        self._opened = form.opened
        self.f_name, self.f_visibility = form.name, form.visibility
        self.f_default_seat_type_id = form_id(form.default_seat_type_id)
        self.f_permissions = dict(form.permissions)
        self.f_invitation_days = str(form.invitation_days)
        self.f_access_ends_at_expiry = form.access_ends_at_expiry
        self.f_auto_add_domain = form.auto_add_domain
        self.f_benefits = {
            f"{role}_{kind}": [str(i) for i in getattr(form.benefits[role], kind)]
            for role in ROLES for kind in ("course_ids", "license_ids")
        }

    @rx.event
    def save(self, form_data: rx.form.FormData):
        fields = {
            "name": form_data.get("name"),
            "visibility": form_data.get("visibility"),
            "default_seat_type_id": form_data.get("default_seat_type_id"),
            "permissions": {name: ticked(form_data, name) for name in org_types.PERMISSION_FIELDS},
            "invitation_days": form_data.get("invitation_days"),
            "access_ends_at_expiry": ticked(form_data, "access_ends_at_expiry"),
            "auto_add_domain": form_data.get("auto_add_domain"),
            "benefits": {
                role: {kind: form_data.getlist(f"{role}_{kind}")
                       for kind in ("course_ids", "license_ids")}
                for role in ROLES
            },
        }
        if self._save_record(fields):
            return self._back_to_list()
        # A refused field may sit on a hidden tab: name the tabs to look at.
        tabs = {TAB_OF_FIELD.get(field, "") for field in self.errors}
        if named := [tab for tab in TAB_ORDER if tab in tabs]:
            self.form_error = f"{self.form_error} See the tab {' and '.join(named)}."
        return None
