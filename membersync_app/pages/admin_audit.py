"""/admin/audit: every change with who, when, organization, action, details; filtered, paged."""

import reflex as rx
from reflex.vars import Var
from reflex_components_core.el.elements.base import BaseHTML

from .. import routes
from ..components.admin import admin_page
from ..components.data_table import Column, data_table, long_text
from ..components.forms import LABEL_STYLE
from ..services.audit_log import AuditRow
from ..state.admin_audit import AdminAuditState
from ..state.base import AppState

S = AdminAuditState


def _row(event: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(event.when, size="1", white_space="nowrap")),
        rx.table.cell(long_text(event.actor, "10em")),
        rx.table.cell(long_text(event.organization, "10em")),
        rx.table.row_header_cell(rx.code(event.action)),
        rx.table.cell(
            rx.el.ul(
                rx.foreach(event.lines, lambda line: rx.el.li(rx.text(line, size="1"))),
                style={"margin": "0", "padding_left": "0", "list_style": "none",
                       "overflow_wrap": "anywhere"},
            ),
        ),
    )


def _labelled(label: str, control: rx.Component, control_id: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=control_id, style=LABEL_STYLE),
        control,
        spacing="1",
    )


def _one_organization() -> rx.Component:
    """Which organization the log is narrowed to (from its row's "Audit log" link)."""
    return rx.cond(
        S.filter_org_id != "",
        rx.callout(
            rx.hstack(
                rx.text("Only the events of the organization ", rx.text.strong(
                    S.filter_org_title), "."),
                rx.el.a("Show every organization", href=routes.ADMIN_AUDIT + "/"),
                spacing="2", wrap="wrap",
            ),
            icon="info", size="1", id="audit-one-organization",
        ),
    )


class _GetForm(BaseHTML):
    """A browser's own form (rx.el.form always prevents the native submit)."""

    tag = "form"
    method: Var[str]
    action: Var[str]


def _filters() -> rx.Component:
    """A plain GET form: Filter loads /admin/audit/?organization=…&user=…&action=… as a new
    page, so the filters are in the address, and reload and Back show what they say (the
    page's on_load reads them)."""
    return _GetForm.create(
        rx.cond(S.filter_org_id != "",
                rx.el.input(type="hidden", name="org", value=S.filter_org_id)),
        rx.hstack(
            _labelled("Organization", rx.input(name="organization", id="audit-organization",
                                               default_value=S.filter_organization,
                                               placeholder="title or id"),
                      "audit-organization"),
            _labelled("User", rx.input(name="user", id="audit-user",
                                       default_value=S.filter_user,
                                       placeholder="username or e-mail"), "audit-user"),
            _labelled(
                "Action",
                rx.el.select(
                    rx.el.option("any action", value=""),
                    rx.foreach(S.actions, lambda a: rx.el.option(a, value=a)),
                    name="action", id="audit-action", default_value=S.filter_action,
                    style={"padding": "6px 8px", "border": "1px solid var(--gray-7)",
                           "border_radius": "var(--radius-2)", "font_size": "14px"},
                ),
                "audit-action",
            ),
            rx.button("Filter", type="submit"),
            rx.el.a(rx.button("Clear filters", type="button", variant="soft",
                              color_scheme="gray", tab_index=-1),
                    href=routes.ADMIN_AUDIT + "/"),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        method="get",
        action=routes.ADMIN_AUDIT + "/",
        key=S.filter_key,
        style={"width": "100%"},
    )


@rx.page(route=routes.ADMIN_AUDIT, title="Audit log · Admin · MemberSync",
         on_load=[AppState.guard_staff, S.load])
def admin_audit_page() -> rx.Component:
    return admin_page(
        _one_organization(),
        _filters(),
        data_table(
            S,
            columns=[Column("When", "when"), Column("Who"), Column("Organization"),
                     Column("Action", "action"), Column("Details")],
            rows=S.rows, row=_row, searchable=False, search_label="Audit events",
            empty_text="No events match these filters.", table_id="audit",
        ),
        title="Audit log",
    )
