"""The Invitation history table of the organization page (state/invitation_history.py)."""

import reflex as rx

from ..services.invitations import InvitationHistoryRow
from ..state.invitation_history import InvitationHistoryState
from .data_table import Column, data_table, long_text
from .member_table import role_label

S = InvitationHistoryState
# outcome: (label, badge colour)
OUTCOMES = {"accepted": ("Accepted", "green"), "revoked": ("Revoked", "red"),
            "expired": ("Expired", "orange")}


def _someone(name) -> rx.Component:
    """Who did it; "—" when nobody did (an invitation that expired)."""
    return long_text(rx.cond(name != "", name, "—"), "12em")


def _row(row: InvitationHistoryRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(row.email)),
        rx.table.cell(role_label(row.role)),
        rx.table.cell(rx.match(
            row.outcome,
            *[(outcome, rx.badge(label, color_scheme=color))
              for outcome, (label, color) in OUTCOMES.items()],
            rx.badge(row.outcome),
        )),
        rx.table.cell(_someone(row.by)),
        rx.table.cell(row.when),
        rx.table.cell(_someone(row.invited_by)),
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
