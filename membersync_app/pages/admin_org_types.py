"""/admin/organization-types: the list, and the form with tabs General, Access, Seat Benefits."""

import reflex as rx

from .. import routes
from ..components.admin import (
    add_button,
    admin_list_page,
    checkbox,
    checkbox_group,
    edit_button,
    form_card,
    kept,
    select_field,
    side_by_side,
)
from ..components.data_table import Column, data_table, long_text
from ..components.forms import field_error, form_field
from ..services.org_types import MANAGER_PERMISSIONS, OrgTypeRow
from ..state.admin_org_types import ROLES, AdminOrgTypesState
from ..state.base import AppState

S = AdminOrgTypesState
VISIBILITIES = (
    ("public", "Public: listed in the directory for everyone signed in"),
    ("private", "Private: only its own people see it"),
    ("hidden", "Hidden: staff only"),
)
# Every tab stays mounted (so its inputs are submitted with the form); inactive ones are hidden.
_TAB_STYLE = {"padding_top": "16px", "&[data-state='inactive']": {"display": "none"}}


def _row(org_type: OrgTypeRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(org_type.name)),
        rx.table.cell(org_type.visibility),
        rx.table.cell(long_text(org_type.default_seat_type, "10em")),
        rx.table.cell(org_type.organization_count),
        rx.table.cell(edit_button("Edit " + org_type.name, S.open_edit(org_type.id))),
    )


def _general_tab() -> rx.Component:
    return rx.vstack(
        form_field("Name", "name", field_id="org-type-name", default_value=S.f_name,
                   error=S.errors.get("name", ""), **kept(S, "name")),
        select_field("Visibility", "visibility", options=list(VISIBILITIES),
                     default_value=S.f_visibility, field_id="org-type-visibility",
                     error=S.errors.get("visibility", ""), **kept(S, "visibility")),
        select_field("Default Seat Type", "default_seat_type_id", options=S.seat_type_choices,
                     default_value=S.f_default_seat_type_id, field_id="org-type-seat-type",
                     empty_label="— none —", error=S.errors.get("default_seat_type_id", ""),
                     hint="Organizations of this type get it unless they pick their own.",
                     **kept(S, "default_seat_type_id")),
        spacing="3",
        width="100%",
    )


def _access_tab() -> rx.Component:
    return rx.vstack(
        rx.el.fieldset(
            rx.el.legend("Managers may", style={"font_weight": "500", "font_size": "14px"}),
            rx.vstack(
                *[checkbox(label, name, checked=S.f_permissions.get(name, False), keep=S)
                  for name, label in MANAGER_PERMISSIONS],
                spacing="1",
            ),
            field_error(S.errors.get("permissions", ""), "permissions"),
            style={"border": "1px solid var(--gray-5)", "border_radius": "var(--radius-3)",
                   "padding": "8px 12px"},
        ),
        rx.text("Owners and staff may always do all of these.", size="1", color_scheme="gray"),
        form_field("Invitation lifetime (days)", "invitation_days", field_id="invitation-days",
                   default_value=S.f_invitation_days, input_mode="numeric",
                   error=S.errors.get("invitation_days", ""), **kept(S, "invitation_days")),
        checkbox("Access ends when the organization expires", "access_ends_at_expiry",
                 checked=S.f_access_ends_at_expiry, keep=S),
        form_field("E-mail domain added without invitation", "auto_add_domain",
                   field_id="auto-add-domain", default_value=S.f_auto_add_domain,
                   placeholder="example.com (optional)",
                   error=S.errors.get("auto_add_domain", ""), **kept(S, "auto_add_domain"),
                   aria_describedby="auto-add-domain-hint"),
        rx.text("When set, Add Member adds addresses at this domain at once; any other address "
                "gets an invitation instead (and managers who may not invite are refused). "
                "Empty: every address is added at once.", size="1", color_scheme="gray",
                id="auto-add-domain-hint"),
        spacing="3",
        width="100%",
    )


def _benefits_tab() -> rx.Component:
    return rx.vstack(
        rx.text("On top of the seat type's courses and licenses, each role gets:", size="2"),
        *[
            rx.vstack(
                rx.heading(role.capitalize(), size="3", as_="h3"),
                side_by_side(
                    checkbox_group(f"{role.capitalize()} courses", f"{role}_course_ids",
                                   S.course_choices, S.f_benefits.get(f"{role}_course_ids", []),
                                   "No courses yet.", keep=S),
                    checkbox_group(f"{role.capitalize()} licenses", f"{role}_license_ids",
                                   S.license_choices, S.f_benefits.get(f"{role}_license_ids", []),
                                   "No licenses yet.", keep=S),
                ),
                spacing="2",
            )
            for role in ROLES
        ],
        field_error(S.errors.get("benefits", ""), "benefits"),
        spacing="4",
        width="100%",
    )


def _form() -> rx.Component:
    return form_card(
        S, "Add an organization type", "Edit organization type",
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("General", value="general"),
                rx.tabs.trigger("Access", value="access"),
                rx.tabs.trigger("Seat Benefits", value="benefits"),
            ),
            rx.tabs.content(_general_tab(), value="general", force_mount=True, style=_TAB_STYLE),
            rx.tabs.content(_access_tab(), value="access", force_mount=True, style=_TAB_STYLE),
            rx.tabs.content(_benefits_tab(), value="benefits", force_mount=True,
                            style=_TAB_STYLE),
            default_value="general",
            width="100%",
        ),
        delete_label="Delete organization type",
        max_width="860px",
    )


@rx.page(route=routes.ADMIN_ORG_TYPE, title="Organization Type · Admin · MemberSync",
         on_load=[AppState.guard_staff, S.load_record])
def admin_org_type_page() -> rx.Component:
    """One organization type's address: its form (reload and Back land here)."""
    return admin_org_types_page()


@rx.page(route=routes.ADMIN_ORG_TYPES, title="Organization Types · Admin · MemberSync",
         on_load=[AppState.guard_staff, S.load])
def admin_org_types_page() -> rx.Component:
    return admin_list_page(
        S,
        form=_form(),
        table=data_table(
            S,
            columns=[Column("Name", "name"), Column("Visibility", "visibility"),
                     Column("Default seat type", "default_seat_type"),
                     Column("Organizations", "organizations"), Column("")],
            rows=S.rows, row=_row, search_label="Search organization types",
            empty_text="No organization types yet.", table_id="org-types",
            toolbar=add_button(S),
        ),
        title="Organization Types",
    )
