"""Admin state for Organizations: the list (search, sort, pages in SQL) and the add / edit form."""

from typing import ClassVar

import reflex as rx

from .. import routes
from ..services import admin_organizations, catalog
from ..services.display import on_the_way
from ..services.validation import whole_number
from .admin_common import AdminFormMixin, form_id, ticked
from .back_office import BackOfficeState
from .base import AppState
from .paged_list import PagedListMixin
from .user_picker import UserPickerMixin

OWNER_INPUT_ID = "org-owner"


class AdminOrganizationsState(UserPickerMixin, PagedListMixin, AdminFormMixin, AppState):
    # An organization's own address is its back-office page, whose Details tab is this form.
    _list_route, _record_route = routes.ADMIN_ORGANIZATIONS, routes.ADMIN_ORGANIZATION
    # The owner fields too; the new owner's password is never kept (it would sit on the server).
    _draft_fields = ("title", "expires_at", "seat_count", "org_type_id", "seat_type_id", "owner",
                     "new_owner_username", "new_owner_email", "new_owner_full_name")
    _draft_ticks = ("new_owner",)
    _noun, _label_field = "organization", "title"
    _picker_field, _picker_input_id = "owner", OWNER_INPUT_ID
    _list_service = staticmethod(admin_organizations.list_organizations)
    _choices: ClassVar[tuple[str, ...]] = ("org_type_choices", "seat_type_choices")
    sort_by: str = "title"
    rows: list[admin_organizations.OrgRow] = []  # noqa: RUF012
    org_type_choices: list[catalog.Choice] = []  # noqa: RUF012
    seat_type_choices: list[catalog.Choice] = []  # noqa: RUF012
    new_owner: bool = False  # create the owner's account with the organization
    f_title: str = ""
    f_owner: str = ""
    f_owner_label: str = ""
    f_expires_at: str = ""
    f_seat_count: str = ""
    f_seats_used: int = 0
    f_org_type_id: str = ""
    f_seat_type_id: str = ""
    f_new_owner_username: str = ""
    f_new_owner_email: str = ""
    f_new_owner_full_name: str = ""
    _details: bool = False  # the form is the Details tab of /admin/organizations/[id]
    _details_id: int = 0

    @rx.event
    def open_new(self):
        self._details = False
        def prepare(session, user):
            self.f_title, self.f_owner, self.f_owner_label, self.f_expires_at = "", "", "", ""
            self.f_seat_count, self.f_seats_used, self.f_seat_type_id = "10", 0, ""
            self.f_org_type_id = ""
            self.f_new_owner_username = self.f_new_owner_email = self.f_new_owner_full_name = ""
            self._forget_matches()
            self.new_owner = False

        self._open_new_with(prepare)

    @rx.event
    def open_details(self):
        """on_load of the back-office page: its Details tab is this edit form, kept open."""
        self._details = True
        self._open_org(whole_number(self.id) or 0)

    def _back_to_list(self):
        """The Details tab stays on its organization's page (Cancel shows "Edit details")."""
        return None if self._details else super()._back_to_list()

    def _open_org(self, org_id: int) -> None:
        def read(session, user):
            form = admin_organizations.get_organization_form(session, actor=user, org_id=org_id)
            self.f_title, self.f_owner, self.f_owner_label = (
                form.title, form.owner_username, form.owner_label)
            self.f_expires_at, self.f_seat_count = form.expires_on, str(form.seat_count)
            self.f_seats_used = form.seats_used
            self.f_org_type_id, self.f_seat_type_id = (
                form_id(form.org_type_id), form_id(form.seat_type_id))
            self._forget_matches()
            self.new_owner = False
            self._details_id = form.id
            self._opened = form.opened
            return form.id

        self._open_edit_with(read)

    def _picker_typed(self, text: str) -> None:
        """What is typed or picked in Owner is kept as the draft."""
        self._keep_text("owner", text)

    @rx.event
    def set_new_owner(self, value: bool):
        self.new_owner = bool(value)
        self._keep_tick("new_owner", "on", self.new_owner)

    def _apply_tick(self, name: str, value: str, ticked: bool) -> None:
        """The one kept tick: "Create a new user as owner"."""
        self.new_owner = ticked

    @rx.event
    async def save(self, form_data: dict):
        fields = {
            "title": form_data.get("title"),
            "expires_at": form_data.get("expires_at"),
            "seat_count": form_data.get("seat_count"),
            "org_type_id": form_data.get("org_type_id"),
            "seat_type_id": form_data.get("seat_type_id"),
        }
        new_owner = {key: form_data.get(f"new_owner_{key}")
                     for key in ("username", "email", "full_name", "password")}

        def write(session, user):
            if self.editing_id:
                return admin_organizations.update_organization(
                    session, actor=user, org_id=self.editing_id, opened=self._opened, **fields)
            new = {"confirm_expired": ticked(form_data, "confirm_expired")}
            if self.new_owner:
                return admin_organizations.create_organization(
                    session, actor=user, **fields, **new, new_owner=new_owner)
            return admin_organizations.create_organization(
                session, actor=user, owner=form_data.get("owner"), **fields, **new)

        owner_told = (not self.editing_id and self.new_owner
                      and admin_organizations.emails_new_owner(new_owner))
        saved = self._submit(write, self._saved_notice)
        if saved and owner_told:
            self.notice = (f"{self.notice} The owner was sent an e-mail to set their password. "
                           f"{on_the_way(1)}")
        if saved and self._details:
            notice = self.notice
            self._open_org(self._details_id)
            self.notice = notice
            return BackOfficeState.refresh_header
        return None
