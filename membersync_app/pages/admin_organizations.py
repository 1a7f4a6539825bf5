"""/admin/organizations: the list (search, sort, pages) and the add / edit form."""

import reflex as rx

from .. import routes
from ..components import admin
from ..components.data_table import Column, long_text
from ..components.forms import form_field
from ..services.admin_organizations import OrgRow
from ..state.admin_organizations import (
    OWNER_INPUT_ID,
    AdminOrganizationsState,
)

S = AdminOrganizationsState


def _row(org: OrgRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(long_text(org.title),
                                         href=routes.admin_organization(org.id))),
        rx.table.cell(long_text(org.type_name, "10em")),
        rx.table.cell(long_text(org.owner_username)),
        rx.table.cell(f"{org.seats_used} / {org.seat_count}"),
        rx.table.cell(org.expires),
        rx.table.cell(rx.cond(org.expired, rx.badge("yes", color_scheme="red"),
                              rx.text("no"))),
        rx.table.cell(
            rx.hstack(
                admin.edit_button("Edit " + org.title, S.open_edit(org.id)),
                rx.link("Audit log", href=routes.audit_of_organization(org.id), size="1",
                        aria_label="Audit log of " + org.title),
                align="center",
                spacing="3",
            )
        ),
    )


def _owner_picker() -> rx.Component:
    existing = admin.user_typeahead(
        S, label="Owner", name="owner", input_id=OWNER_INPUT_ID, default_value=S.f_owner,
        no_match="No user matches. Check the spelling, or create a new user.")
    new = rx.vstack(
        rx.text("New owner", weight="medium", size="2"),
        admin.kept_field(S, "Owner username", "new_owner_username", field_id="new-owner-username"),
        admin.kept_field(S, "Owner email", "new_owner_email", field_id="new-owner-email"),
        admin.kept_field(S, "Owner full name", "new_owner_full_name",
                         field_id="new-owner-full-name"),
        form_field("Owner password (optional)", "new_owner_password",
                   field_id="new-owner-password", type_="password",
                   auto_complete="new-password",
                   error=S.errors.get("new_owner_password", "")),
        spacing="2",
        width="100%",
    )
    return rx.vstack(
        rx.cond(S.new_owner, new, existing),
        rx.checkbox("Create a new user as owner", checked=S.new_owner,
                    on_change=S.set_new_owner),
        spacing="2",
        width="100%",
    )


def organization_form() -> rx.Component:
    """The add / edit form (also the Details tab of the organization's back-office page)."""
    return admin.form_card(
        S, "Add an organization", "Edit organization",
        admin.draft_restored_notice(S),
        admin.kept_field(S, "Title", "title", field_id="org-title"),
        rx.cond(
            S.editing_id == 0,
            _owner_picker(),
            rx.vstack(
                rx.text("Owner", weight="medium", size="2"),
                rx.text(S.f_owner_label, size="2", id="org-owner-label"),
                spacing="1",
            ),
        ),
        admin.kept_field(S, "Organization expires at", "expires_at", field_id="org-expires",
                         type_="date"),
        rx.text("Leave empty if the organization never expires.", size="1",
                color_scheme="gray"),
        rx.cond(
            S.errors.contains("confirm_expired"),
            rx.vstack(
                rx.callout(S.errors.get("confirm_expired", ""), icon="triangle_alert",
                           color_scheme="amber", id="confirm-expired-warning", role="alert"),
                admin.checkbox("Create it already expired", "confirm_expired"),
                spacing="2", width="100%",
            ),
        ),
        admin.kept_field(S, "Seat count", "seat_count", field_id="org-seat-count",
                         input_mode="numeric"),
        rx.cond(S.editing_id != 0,
                rx.text(S.f_seats_used, " seats are in use now.", size="1",
                        color_scheme="gray")),
        admin.kept_select(S, "Organization type", "org_type_id", options=S.org_type_choices,
                          field_id="org-type", empty_label="— choose —"),
        rx.cond(S.org_type_choices.length() == 0,
                rx.text("There are no organization types yet: ",
                        rx.link("create one first", href=routes.ADMIN_ORG_TYPES), ".",
                        size="2", color="red")),
        admin.kept_select(S, "Seat type", "seat_type_id", options=S.seat_type_choices,
                          field_id="org-seat-type", empty_label="— the type's default —"),
        delete_label=None,
    )


# An organization's own address is its back-office page (pages/admin_organization.py).
admin.admin_list_pages(
    S, title="Organizations", route=routes.ADMIN_ORGANIZATIONS, record=None,
    form=organization_form,
    columns=[Column("Title", "title"), Column("Type", "type"), Column("Owner", "owner"),
             Column("Seats used", "seats"), Column("Expires", "expires"),
             Column("Expired", "expired"), Column("")],
    row=_row, search_label="Search organizations", empty_text="No organizations match.",
    table_id="organizations",
    restored_notice=False,  # the form shows it itself (it is also the Details tab)
)
