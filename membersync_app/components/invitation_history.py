"""The Invitation history table of the organization page (state/invitation_history.py)."""

import reflex as rx

from ..state.invitation_history import HistoryItem, InvitationHistoryState
from .data_table import Column, data_table, long_text

S = InvitationHistoryState
OUTCOME_COLORS = {"Accepted": "green", "Revoked": "red", "Expired": "orange"}


def _row(row: HistoryItem) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(row.email)),
        rx.table.cell(row.role),
        rx.table.cell(rx.match(
            row.outcome,
            *[(label, rx.badge(label, color_scheme=color))
              for label, color in OUTCOME_COLORS.items()],
            rx.badge(row.outcome),
        )),
        rx.table.cell(long_text(row.by, "12em")),
        rx.table.cell(row.when),
        rx.table.cell(long_text(row.invited_by, "12em")),
        rx.table.cell(row.invited),
        data_email=row.email,
    )


def invitation_history() -> rx.Component:
    return rx.vstack(
        rx.heading("Invitation history", size="4", as_="h3"),
        rx.text("Invitations that were accepted, revoked or expired; who did it, and when.",
                size="2", color="gray"),
        data_table(
            S,
            columns=[Column("Email", "email"), Column("Role"), Column("Outcome"),
                     Column("By"), Column("When", "when"), Column("Invited by"),
                     Column("Invited")],
            rows=S.rows, row=_row, search_label="Search invitation history",
            empty_text="No invitation has been accepted, revoked or expired yet.",
            table_id="invitation-history",
        ),
        width="100%",
        spacing="2",
    )
