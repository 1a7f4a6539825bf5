"""The Members table (one server-side page), its search, sort headers, paging, bulk actions, and
the pending invitations list."""

import reflex as rx

from ..state.org_invitations import InvitationItem, OrgInvitationsState
from ..state.org_members import MemberItem, OrgMembersState
from ..state.org_page import OrgPageState
from .data_table import long_text, page_controls
from .forms import error_callout
from .modal import confirm_dialog

S = OrgMembersState


def notice(message, notice_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle_check", color_scheme="green", id=notice_id,
                   role="status"),
    )


def _sort_header(label: str, column: str) -> rx.Component:
    arrow = rx.cond(S.sort == column, rx.cond(S.descending, " ↓", " ↑"), "")
    return rx.table.column_header_cell(
        rx.button(label, arrow, variant="ghost", size="1", on_click=S.sort_by(column),
                  aria_label=f"Sort by {label.lower()}"),
    )


def _confirm_removal(trigger: rx.Component, question, on_confirm) -> rx.Component:
    """Removal frees a seat and ends the person's access at once: ask before doing it."""
    return confirm_dialog(trigger, title="Remove from the organization?", question=question,
                          confirm_label="Yes, remove", on_confirm=on_confirm)


def _confirm_make_owner(row: MemberItem) -> rx.Component:
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


def _demote_button(row: MemberItem) -> rx.Component:
    button = rx.button("Demote to member", size="1", variant="soft")
    return rx.cond(
        row.is_viewer,
        _confirm_demote_self(button, S.demote_one(row.membership_id)),
        rx.button("Demote to member", size="1", variant="soft",
                  on_click=S.demote_one(row.membership_id)),
    )


def _row_actions(row: MemberItem) -> rx.Component:
    return rx.hstack(
        rx.cond(
            ~row.is_owner & OrgPageState.can_change_roles,
            rx.cond(
                row.is_manager,
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
            row.is_manager & OrgPageState.can_transfer,
            _confirm_make_owner(row),
        ),
        rx.cond(
            row.never_set_password & ~row.is_viewer & (row.status == "active")
            & OrgPageState.can_add,
            rx.button("Resend set-password e-mail", size="1", variant="soft",
                      on_click=S.resend_set_password(row.user_id),
                      aria_label="Resend set-password e-mail to " + row.name),
        ),
        spacing="2",
        wrap="wrap",
    )


def _member_row(row: MemberItem) -> rx.Component:
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
        rx.table.cell(row.role_label),
        rx.table.cell(row.status),
        rx.table.cell(row.joined),
        rx.table.cell(row.seat),
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
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.el.label("Search members", html_for="member-search",
                            style={"font_size": "14px", "font_weight": "500"}),
                rx.input(name="search", id="member-search", placeholder="name or e-mail",
                         width="min(260px, 60vw)"),
                rx.button("Search", type="submit", variant="soft"),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            on_submit=S.run_search,
        ),
        error_callout(S.members_error, "members-error"),
        notice(S.members_notice, "members-notice"),
        _bulk_bar(),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(
                        rx.cond(OrgPageState.expired, rx.fragment(),
                                rx.checkbox(on_change=S.toggle_all,
                                            aria_label="Select all on this page")),
                    ),
                    _sort_header("Name", "name"),
                    _sort_header("Email", "email"),
                    _sort_header("Role", "role"),
                    _sort_header("Status", "status"),
                    _sort_header("Joined", "joined"),
                    rx.table.column_header_cell("Seat"),
                    rx.table.column_header_cell("Manage Members"),
                )
            ),
            rx.table.body(rx.foreach(S.rows, _member_row)),
            width="100%",
            id="members-table",
        ),
        page_controls(S, label="Pages of members", pager_id="members-pager",
                      summary=rx.text("Page ", S.page, " of ", S.page_count, " · ",
                                      S.members_count_label, size="2", id="members-paging")),
        width="100%",
        spacing="3",
    )


def _invitation_row(row: InvitationItem) -> rx.Component:
    inv = OrgInvitationsState
    return rx.table.row(
        rx.table.row_header_cell(long_text(row.email)),
        rx.table.cell(row.role),
        rx.table.cell(rx.cond(row.expired, rx.badge("expired", color_scheme="orange"),
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
            inv.invitations.length() > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        *[rx.table.column_header_cell(h)
                          for h in ("Email", "Role", "Status", "Expires", "")])),
                    rx.table.body(rx.foreach(inv.invitations, _invitation_row)),
                    width="100%",
                    id="invitations-table",
                ),
                page_controls(inv, label="Pages of pending invitations",
                              pager_id="invitations-pager",
                              summary=rx.text(inv.invitations_count_label, size="2",
                                              id="invitations-count")),
                width="100%",
            ),
            rx.text("No pending invitations.", size="2", color="gray"),
        ),
        width="100%",
        spacing="2",
    )
