"""/dashboard — MemberSync Group Dashboard."""

import reflex as rx

from .. import routes
from ..components.layout import page_shell
from ..services.organizations import ManagedOrgRow
from ..state.dashboard import DashboardState


def _org_row(org: ManagedOrgRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(org.title),
        rx.table.cell(org.type_name),
        rx.table.cell(org.role),
        rx.table.cell(
            rx.vstack(
                rx.text(f"{org.seats_used} / {org.seat_count}", size="2"),
                rx.progress(
                    value=org.seats_percent,
                    max=100,
                    width="120px",
                    aria_label=f"Seats used in {org.title}",
                ),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.cond(
                org.expired,
                rx.badge("expired " + org.expires, color_scheme="red"),
                rx.text(org.expires),
            )
        ),
        rx.table.cell(
            rx.link(rx.button("View", size="1"), href=routes.org_page(org.id),
                    aria_label="View " + org.title)
        ),
    )


@rx.page(route=routes.DASHBOARD, title="Group Dashboard · MemberSync", on_load=DashboardState.load)
def dashboard_page() -> rx.Component:
    return page_shell(
        rx.cond(
            DashboardState.orgs.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in (
                                "Organization",
                                "Type",
                                "Your role",
                                "Seats used / total",
                                "Expires",
                                "",
                            )
                        ]
                    )
                ),
                rx.table.body(rx.foreach(DashboardState.orgs, _org_row)),
                width="100%",
            ),
            rx.text(
                "You do not own or manage any organization yet. Your courses and licenses are "
                "on ",
                rx.link("My access", href=routes.MY_ACCESS),
                ".",
                id="no-orgs",
            ),
        ),
        title="MemberSync Group Dashboard",
    )
