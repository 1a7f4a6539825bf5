"""The Members table and the Pending invitations list of the Group Dashboard: the shared
data_table (one server-side page, search, sort headers, pager) with the members' selection,
Manage Members actions and their confirmations."""

import reflex as rx
from reflex.vars import Var

from ..services.invitations import InvitationRow
from ..services.members import MemberRow
from ..state.org_invitations import OrgInvitationsState
from ..state.org_members import OrgMembersState
from ..state.org_page import OrgPageState
from .data_table import Column, data_table, long_text, select_all
from .forms import error_callout, notice
from .modal import confirm_dialog

S = OrgMembersState


def role_label(role: Var) -> rx.Component:
    """owner / manager / member as the page says them."""
    return rx.match(role, ("owner", "Owner"), ("manager", "Manager"), "Member")


def _confirm_removal(trigger: rx.Component, question, on_confirm) -> rx.Component:
    """Removal frees a seat and ends the person's access at once: ask before doing it."""
    return confirm_dialog(trigger, title="Remove from the organization?", question=question,
                          confirm_label="Yes, remove", on_confirm=on_confirm)


def _confirm_make_owner(row: MemberRow) -> rx.Component:
    """Handing over ownership cannot be taken back by the one who does it: say who gains and
    who loses what."""
    you = rx.cond(
        OrgPageState.viewer_role == "owner",
        "You become a manager: Settings and whatever else only the owner may do go to "
        + row.name + ", and only they can make you the owner again.",
        OrgPageState.owner_name + ", the owner now, becomes a manager and loses Settings and "
        "whatever else only the owner may do.",
    )
    return confirm_dialog(
        rx.button("Make owner", size="1", variant="outline"),
        title="Make " + row.name + " the owner?",
        question=rx.fragment(row.name + " becomes the owner of " + OrgPageState.org_title
                             + " and takes no seat. ", you),
        confirm_label="Yes, make owner",
        on_confirm=S.make_owner(row.membership_id),
    )


def _confirm_demote_self(trigger: rx.Component, on_confirm) -> rx.Component:
    """A manager demoting themselves cannot promote themselves back."""
    return confirm_dialog(
        trigger,
        title="Demote yourself to member?",
        question="You will no longer manage " + OrgPageState.org_title + ": this page closes "
                 "for you, and only the owner or another manager can make you a manager again.",
        confirm_label="Yes, demote me",
        on_confirm=on_confirm,
    )


def _demote_button(row: MemberRow) -> rx.Component:
    button = rx.button("Demote to member", size="1", variant="soft")
    return rx.cond(
        row.is_viewer,
        _confirm_demote_self(button, S.demote_one(row.membership_id)),
        rx.button("Demote to member", size="1", variant="soft",
                  on_click=S.demote_one(row.membership_id)),
    )


def _row_actions(row: MemberRow) -> rx.Component:
    return rx.hstack(
        rx.cond(
            ~row.is_owner & OrgPageState.can_change_roles,
            rx.cond(
                row.role == "manager",
                _demote_button(row),
                rx.button("Promote to manager", size="1", variant="soft",
                          on_click=S.promote_one(row.membership_id)),
            ),
        ),
        rx.cond(
            ~row.is_owner & OrgPageState.can_remove,
            _confirm_removal(
                rx.button("Remove", size="1", variant="soft", color_scheme="red"),
                row.name + " loses the seat and the access it gives, at once.",
                S.remove_one(row.membership_id),
            ),
        ),
        rx.cond(
            (row.role == "manager") & OrgPageState.can_transfer,
            _confirm_make_owner(row),
        ),
        rx.cond(
            ~row.has_password & ~row.is_viewer & (row.status == "active")
            & OrgPageState.can_add,
            rx.button("Resend set-password e-mail", size="1", variant="soft",
                      on_click=S.resend_set_password(row.user_id),
                      aria_label="Resend set-password e-mail to " + row.name),
        ),
        spacing="2",
        wrap="wrap",
    )


def _member_row(row: MemberRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.cond(
                row.is_owner | OrgPageState.expired,  # an expired organization is read-only
                rx.fragment(),
                rx.checkbox(
                    checked=S.selected.contains(row.membership_id),
                    on_change=lambda checked: S.toggle(row.membership_id, checked),
                    aria_label="Select " + row.name,
                ),
            )
        ),
        rx.table.row_header_cell(long_text(row.name)),
        rx.table.cell(long_text(row.email)),
        rx.table.cell(role_label(row.role)),
        rx.table.cell(row.status),
        rx.table.cell(row.joined_on, white_space="nowrap"),  # a date is never cut in two
        rx.table.cell(row.seat, white_space="nowrap"),
        rx.table.cell(_row_actions(row)),
        data_email=row.email,
    )


def _bulk_bar() -> rx.Component:
    return rx.cond(
        S.selected.length() > 0,
        rx.hstack(
            rx.text(S.selected.length().to_string() + " selected", size="2"),
            rx.cond(OrgPageState.can_change_roles, rx.fragment(
                rx.button("Promote selected to manager", size="1",
                          on_click=S.promote_selected),
                rx.cond(
                    S.selected_includes_viewer,
                    _confirm_demote_self(rx.button("Demote selected to member", size="1"),
                                         S.demote_selected),
                    rx.button("Demote selected to member", size="1",
                              on_click=S.demote_selected),
                ),
            )),
            rx.cond(OrgPageState.can_remove,
                    _confirm_removal(
                        rx.button("Remove selected", size="1", color_scheme="red"),
                        S.selected.length().to_string()
                        + " selected members lose their seats and the access they give, at once.",
                        S.remove_selected,
                    )),
            spacing="2",
            align="center",
            aria_label="Manage Members",
        ),
    )


def members_table() -> rx.Component:
    ticks = rx.cond(OrgPageState.expired, rx.fragment(), select_all(S))  # expired: read-only
    return data_table(
        S,
        columns=[Column("Select", header=ticks), Column("Name", "name"),
                 Column("Email", "email"), Column("Role", "role"), Column("Status", "status"),
                 Column("Joined", "joined"), Column("Seat"), Column("Manage Members")],
        rows=S.rows, row=_member_row, search_label="Search members",
        empty_text="No member matches the search.", table_id="members-table",
        above_table=[error_callout(S.members_error, "members-error"),
                     notice(S.members_notice, "members-notice"), _bulk_bar()],
        pager_id="members-pager",
        summary=rx.text("Page ", S.page, " of ", S.page_count, " · ", S.members_count_label,
                        size="2", id="members-paging"),
    )


def _invitation_row(row: InvitationRow) -> rx.Component:
    inv = OrgInvitationsState
    return rx.table.row(
        rx.table.row_header_cell(long_text(row.email)),
        rx.table.cell(role_label(row.role)),
        rx.table.cell(rx.cond(row.status == "expired", rx.badge("expired", color_scheme="orange"),
                              rx.badge("pending", color_scheme="blue"))),
        rx.table.cell(row.expires),
        rx.table.cell(
            rx.cond(
                OrgPageState.can_invite,
                rx.hstack(
                    rx.button("Resend", size="1", variant="soft", on_click=inv.resend(row.id)),
                    confirm_dialog(
                        rx.button("Revoke", size="1", variant="soft", color_scheme="red"),
                        title="Revoke the invitation?",
                        question="The link sent to " + row.email + " stops working at once and "
                                 "its seat is free again. To invite them later, send a new "
                                 "invitation.",
                        confirm_label="Yes, revoke",
                        on_confirm=inv.revoke(row.id),
                    ),
                    spacing="2",
                ),
            )
        ),
        data_email=row.email,
    )


def invitations_table() -> rx.Component:
    inv = OrgInvitationsState
    return rx.vstack(
        rx.heading("Pending invitations", size="4", as_="h3"),
        error_callout(inv.invitations_error, "invitations-error"),
        notice(inv.invitations_notice, "invitations-notice"),
        rx.cond(
            inv.total > 0,
            data_table(
                inv,
                columns=[Column("Email"), Column("Role"), Column("Status"), Column("Expires"),
                         Column("")],
                rows=inv.rows, row=_invitation_row, search_label="Search pending invitations",
                table_id="invitations-table", searchable=False, pager_id="invitations-pager",
                summary=rx.text(inv.invitations_count_label, size="2", id="invitations-count"),
            ),
            rx.cond(inv.loaded, rx.text("No pending invitations.", size="2", color="gray"),
                    error_callout(inv.list_error, "invitations-list-error")),
        ),
        width="100%",
        spacing="2",
    )
