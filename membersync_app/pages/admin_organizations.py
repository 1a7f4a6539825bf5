"""/admin/organizations: the list (search, sort, pages) and the add / edit form."""

import reflex as rx

from .. import routes
from ..components.admin import (
    add_button,
    admin_list_page,
    checkbox,
    draft_restored_notice,
    edit_button,
    form_card,
    kept,
    select_field,
)
from ..components.data_table import Column, data_table, long_text
from ..components.forms import field_error, form_field
from ..services.admin_organizations import OrgRow
from ..state.admin_organizations import (
    OWNER_INPUT_ID,
    AdminOrganizationsState,
    OwnerMatch,
)
from ..state.base import AppState

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
                edit_button("Edit " + org.title, S.open_edit(org.id)),
                rx.link("Audit log", href=routes.audit_of_organization(org.id), size="1",
                        aria_label="Audit log of " + org.title),
                align="center",
                spacing="3",
            )
        ),
    )


def _match(match: OwnerMatch) -> rx.Component:
    return rx.button(match.label, type="button", variant="ghost", size="1",
                     on_click=S.pick_owner(match.username),
                     aria_label="Choose " + match.username)


def _owner_picker() -> rx.Component:
    existing = rx.vstack(
        rx.el.label("Owner", html_for=OWNER_INPUT_ID,
                    style={"font_weight": "500", "font_size": "14px"}),
        rx.input(name="owner", id=OWNER_INPUT_ID, default_value=S.f_owner, width="100%",
                 placeholder="Type a few letters of a username or e-mail",
                 auto_complete="off", on_change=S.search_owner.debounce(250)),
        rx.cond(
            S.owner_matches.length() > 0,
            rx.vstack(rx.foreach(S.owner_matches, _match), spacing="1", role="list",
                      aria_label="Matching users", id="owner-matches",
                      style={"border": "1px solid var(--gray-5)", "padding": "6px",
                             "border_radius": "var(--radius-2)", "width": "100%"}),
            rx.cond(S.owner_search_done,
                    rx.text("No user matches. Check the spelling, or create a new user.",
                            size="1", color_scheme="gray")),
        ),
        field_error(S.errors.get("owner", ""), OWNER_INPUT_ID),
        spacing="1",
        width="100%",
    )
    new = rx.vstack(
        rx.text("New owner", weight="medium", size="2"),
        form_field("Owner username", "new_owner_username", field_id="new-owner-username",
                   default_value=S.f_new_owner_username,
                   error=S.errors.get("new_owner_username", ""), **kept(S, "new_owner_username")),
        form_field("Owner email", "new_owner_email", field_id="new-owner-email",
                   default_value=S.f_new_owner_email,
                   error=S.errors.get("new_owner_email", ""), **kept(S, "new_owner_email")),
        form_field("Owner full name", "new_owner_full_name", field_id="new-owner-full-name",
                   default_value=S.f_new_owner_full_name,
                   error=S.errors.get("new_owner_full_name", ""),
                   **kept(S, "new_owner_full_name")),
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
    return form_card(
        S, "Add an organization", "Edit organization",
        draft_restored_notice(S),
        form_field("Title", "title", field_id="org-title", default_value=S.f_title,
                   error=S.errors.get("title", ""), **kept(S, "title")),
        rx.cond(
            S.editing_id == 0,
            _owner_picker(),
            rx.vstack(
                rx.text("Owner", weight="medium", size="2"),
                rx.text(S.f_owner_label, size="2", id="org-owner-label"),
                spacing="1",
            ),
        ),
        form_field("Organization expires at", "expires_at", field_id="org-expires",
                   type_="date", default_value=S.f_expires_at,
                   error=S.errors.get("expires_at", ""), **kept(S, "expires_at")),
        rx.text("Leave empty if the organization never expires.", size="1",
                color_scheme="gray"),
        rx.cond(
            S.errors.contains("confirm_expired"),
            rx.vstack(
                rx.callout(S.errors.get("confirm_expired", ""), icon="triangle_alert",
                           color_scheme="amber", id="confirm-expired-warning", role="alert"),
                checkbox("Create it already expired", "confirm_expired"),
                spacing="2", width="100%",
            ),
        ),
        form_field("Seat count", "seat_count", field_id="org-seat-count",
                   default_value=S.f_seat_count, input_mode="numeric",
                   error=S.errors.get("seat_count", ""), **kept(S, "seat_count")),
        rx.cond(S.editing_id != 0,
                rx.text(S.f_seats_used, " seats are in use now.", size="1",
                        color_scheme="gray")),
        select_field("Organization type", "org_type_id", options=S.org_type_choices,
                     default_value=S.f_org_type_id, field_id="org-type",
                     empty_label="— choose —", error=S.errors.get("org_type_id", ""),
                     **kept(S, "org_type_id")),
        rx.cond(S.org_type_choices.length() == 0,
                rx.text("There are no organization types yet: ",
                        rx.link("create one first", href=routes.ADMIN_ORG_TYPES), ".",
                        size="2", color="red")),
        select_field("Seat type", "seat_type_id", options=S.seat_type_choices,
                     default_value=S.f_seat_type_id, field_id="org-seat-type",
                     empty_label="— the type's default —",
                     error=S.errors.get("seat_type_id", ""), **kept(S, "seat_type_id")),
        delete_label=None,
    )


@rx.page(route=routes.ADMIN_ORGANIZATIONS, title="Organizations · Admin · MemberSync",
         on_load=[AppState.guard_staff, S.load])
def admin_organizations_page() -> rx.Component:
    return admin_list_page(
        S,
        form=organization_form(),
        table=data_table(
            S,
            columns=[Column("Title", "title"), Column("Type", "type"),
                     Column("Owner", "owner"), Column("Seats used", "seats"),
                     Column("Expires", "expires"), Column("Expired", "expired"),
                     Column("")],
            rows=S.rows, row=_row, search_label="Search organizations",
            empty_text="No organizations match.", table_id="organizations",
            toolbar=add_button(S),
        ),
        title="Organizations",
        restored_notice=False,  # the form shows it itself (it is also the Details tab)
    )
