"""/admin/organization-types: the list, and the form with tabs General, Access, Seat Benefits."""

import reflex as rx

from .. import routes
from ..components import admin
from ..components.data_table import Column, long_text
from ..components.forms import LABEL_STYLE, field_error
from ..services.org_types import MANAGER_PERMISSIONS, OrgTypeRow
from ..state.admin_org_types import ROLES, AdminOrgTypesState

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
        rx.table.cell(admin.edit_button("Edit " + org_type.name, S.open_edit(org_type.id))),
    )


def _general_tab() -> rx.Component:
    return rx.vstack(
        admin.kept_field(S, "Name", "name", field_id="org-type-name"),
        admin.kept_select(S, "Visibility", "visibility", options=list(VISIBILITIES),
                          field_id="org-type-visibility"),
        admin.kept_select(S, "Default Seat Type", "default_seat_type_id",
                          options=S.seat_type_choices,
                          field_id="org-type-seat-type", empty_label="— none —",
                          hint="Organizations of this type get it unless they pick their own."),
        spacing="3",
        width="100%",
    )


def _access_tab() -> rx.Component:
    return rx.vstack(
        rx.el.fieldset(
            rx.el.legend("Managers may", style=LABEL_STYLE),
            rx.vstack(
                *[admin.checkbox(label, name, checked=S.f_permissions.get(name, False), keep=S)
                  for name, label in MANAGER_PERMISSIONS],
                spacing="1",
            ),
            field_error(S.errors.get("permissions", ""), "permissions"),
            style={"border": "1px solid var(--gray-5)", "border_radius": "var(--radius-3)",
                   "padding": "8px 12px"},
        ),
        rx.text("Owners and staff may always do all of these.", size="1", color_scheme="gray"),
        admin.kept_field(S, "Invitation lifetime (days)", "invitation_days",
                         field_id="invitation-days",
                         input_mode="numeric"),
        admin.checkbox("Access ends when the organization expires", "access_ends_at_expiry",
                       checked=S.f_access_ends_at_expiry, keep=S),
        admin.kept_field(S, "E-mail domain added without invitation", "auto_add_domain",
                         field_id="auto-add-domain", placeholder="example.com (optional)",
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
                admin.side_by_side(
                    admin.checkbox_group(f"{role.capitalize()} courses", f"{role}_course_ids",
                                         S.course_choices,
                                         S.f_benefits.get(f"{role}_course_ids", []),
                                         "No courses yet.", keep=S),
                    admin.checkbox_group(f"{role.capitalize()} licenses", f"{role}_license_ids",
                                         S.license_choices,
                                         S.f_benefits.get(f"{role}_license_ids", []),
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
    return admin.form_card(
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


admin.admin_list_pages(
    S, title="Organization Types", route=routes.ADMIN_ORG_TYPES,
    record=("Organization Type", routes.ADMIN_ORG_TYPE), form=_form,
    columns=[Column("Name", "name"), Column("Visibility", "visibility"),
             Column("Default seat type", "default_seat_type"),
             Column("Organizations", "organizations"), Column("")],
    row=_row, search_label="Search organization types",
    empty_text="No organization types yet.", table_id="org-types",
)
