"""/directory: organizations of public types (and private ones to their own people)."""

import reflex as rx

from .. import routes
from ..components.data_table import Column, data_table
from ..components.layout import page_shell
from ..services.directory import DirectoryRow
from ..state.base import AppState
from ..state.directory import DirectoryState

S = DirectoryState


def _row(org: DirectoryRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(rx.text(org.title),
                      rx.cond(org.is_member, rx.badge("yours", color_scheme="green")),
                      rx.cond(org.expired_on != "",
                              rx.badge("expired " + org.expired_on, color_scheme="red",
                                       title="This organization expired on " + org.expired_on)),
                      spacing="2", align="center")
        ),
        rx.table.cell(org.type_name),
        rx.table.cell(f"{org.seats_used} / {org.seat_count}"),
        rx.table.cell(rx.cond(org.visibility == "public", "",
                              rx.badge(org.visibility, color_scheme="gray"))),
    )


@rx.page(route=routes.DIRECTORY, title="Directory · MemberSync",
         on_load=[AppState.guard_signed_in, S.load])
def directory_page() -> rx.Component:
    return page_shell(
        rx.text("Organizations of public types. Private organizations are listed only for "
                "their own members.", size="2", color_scheme="gray"),
        data_table(
            S,
            columns=[Column("Title", "title"), Column("Type", "type"),
                     Column("Seats", "seat_count"), Column("")],
            rows=S.rows, row=_row, search_label="Search organizations",
            empty_text="No organizations to list.", table_id="directory",
        ),
        title="Organization directory",
    )
