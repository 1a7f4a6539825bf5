"""Dialogs: the Add Member modal (Add Member rows or Invite members), and the confirmation asked
before anything that cannot be undone."""

import reflex as rx

from ..state.org_add import AddRow, OrgAddState
from .forms import error_callout, field_error

A = OrgAddState
LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}


def confirm_dialog(trigger: rx.Component, *, title: str, question, confirm_label: str,
                   on_confirm) -> rx.Component:
    """Ask before doing what cannot be undone: `trigger` opens it, Cancel or `confirm_label`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(question),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme="red", on_click=on_confirm)
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _label(text, html_for) -> rx.Component:
    return rx.el.label(text, html_for=html_for, style=LABEL_STYLE)


def _role_select(name, select_id) -> rx.Component:
    return rx.el.select(
        rx.el.option("Member", value="member"),
        rx.el.option("Manager", value="manager"),
        name=name,
        id=select_id,
        default_value="member",
        style={"padding": "6px", "border_radius": "6px", "border": "1px solid var(--gray-7)",
               "height": "32px"},
    )


def _suffix(row: AddRow):
    return rx.cond(row.index == 0, "", " (row " + (row.index + 1).to_string() + ")")


def _entry_row(row: AddRow) -> rx.Component:
    i = row.index.to_string()
    return rx.hstack(
        rx.vstack(
            _label("Name" + _suffix(row), "add-name-" + i),
            rx.input(name="name_" + i, id="add-name-" + i, width="100%"),
            field_error(row.name_error, "add-name-" + i),
            spacing="1", flex="2",
        ),
        rx.vstack(
            _label("Email" + _suffix(row), "add-email-" + i),
            rx.input(name="email_" + i, id="add-email-" + i, type="email", width="100%"),
            field_error(row.email_error, "add-email-" + i),
            spacing="1", flex="3",
        ),
        rx.vstack(
            _label("Role" + _suffix(row), "add-role-" + i),
            _role_select("role_" + i, "add-role-" + i),
            field_error(row.role_error, "add-role-" + i),
            spacing="1", flex="1",
        ),
        width="100%",
        align="start",
        spacing="3",
    )


def _seats_refusal() -> rx.Component:
    return rx.cond(
        A.seats_error != "",
        rx.callout(
            rx.vstack(
                rx.text(A.seats_error),
                rx.cond(A.can_manage_seats,
                        rx.button("Manage Seats", size="1", on_click=A.go_to_manage_seats,
                                  type="button")),
                spacing="2",
            ),
            icon="triangle_alert", color_scheme="red", id="seats-error", role="alert",
        ),
    )


def _add_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.foreach(A.add_rows, _entry_row),
            rx.button("Add another row", type="button", variant="ghost", size="1",
                      on_click=A.add_row),
            _seats_refusal(),
            error_callout(A.add_error, "add-error"),
            rx.hstack(
                rx.dialog.close(rx.button("Cancel", type="button", variant="soft",
                                          color_scheme="gray")),
                rx.button("Add Members", type="submit"),
                justify="end", width="100%", spacing="2",
            ),
            spacing="3", width="100%",
        ),
        on_submit=A.submit_add,
        key="add-" + A.form_key.to_string(),
        width="100%",
    )


def _invite_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _label("Email addresses", "invite-emails"),
            rx.text_area(name="emails", id="invite-emails", rows="4", width="100%",
                         placeholder="one@example.com, two@example.com"),
            rx.text("Separate addresses with commas, spaces or new lines.", size="1",
                    color="gray"),
            field_error(A.emails_error, "invite-emails"),
            _label("Role", "invite-role"),
            _role_select("invite_role", "invite-role"),
            field_error(A.invite_role_error, "invite-role"),
            _seats_refusal(),
            error_callout(A.add_error, "invite-error"),
            rx.hstack(
                rx.dialog.close(rx.button("Cancel", type="button", variant="soft",
                                          color_scheme="gray")),
                rx.button("Send invitations", type="submit"),
                justify="end", width="100%", spacing="2",
            ),
            spacing="2", width="100%",
        ),
        on_submit=A.submit_invite,
        key="invite-" + A.form_key.to_string(),
        width="100%",
    )


def add_member_modal() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Add Member"),
            rx.dialog.description(
                rx.text("Seats free: ", A.seats_free, " of ", A.seat_count, size="2",
                        id="modal-seats"),
            ),
            rx.tabs.root(
                rx.tabs.list(
                    rx.cond(A.can_add, rx.tabs.trigger("Add Member", value="add")),
                    rx.cond(A.can_invite, rx.tabs.trigger("Invite members", value="invite")),
                ),
                rx.tabs.content(rx.box(_add_form(), padding_top="12px"), value="add"),
                rx.tabs.content(rx.box(_invite_form(), padding_top="12px"), value="invite"),
                value=A.add_mode,
                on_change=A.set_add_mode,
            ),
            max_width="760px",
        ),
        open=A.add_open,
        on_open_change=A.set_add_open,
    )
