"""Dialogs: the Add Member modal (Add Member rows or Invite members), the notice of its input
left unsaved, and the confirmation asked before anything that cannot be undone."""

import reflex as rx

from ..state.org_add import AddRow, OrgAddState
from .forms import (
    LABEL_STYLE,
    draft_kept_callout,
    draft_left_callout,
    error_callout,
    field_error,
    notice,
)

A = OrgAddState


def confirm_dialog(trigger: rx.Component, *, title, question, confirm_label: str,
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
            style={"overflow_wrap": "anywhere"},  # a 200-character name stays inside
        ),
    )


def _label(text, html_for) -> rx.Component:
    return rx.el.label(text, html_for=html_for, style=LABEL_STYLE)


def _kept(field, row=None):
    """on_change of a field: the state keeps what is typed (through a reload) and drops the
    field's message, which described the old value. `row`: the form row's index, for a row's
    field."""
    row_key = "" if row is None else row.to_string()
    return lambda value: A.keep_typed(field, row_key, value)


def _role_select(name, select_id, on_change, default_value) -> rx.Component:
    """Only the roles the viewer may give (Manager needs the right to promote); the services
    refuse the others anyway."""
    return rx.el.select(
        rx.el.option("Member", value="member"),
        rx.cond(A.can_change_roles, rx.el.option("Manager", value="manager")),
        name=name,
        id=select_id,
        default_value=default_value,
        on_change=on_change,
        style={"padding": "6px", "border_radius": "6px", "border": "1px solid var(--gray-7)",
               "height": "32px"},
    )


def _entry_row(row: AddRow, position) -> rx.Component:
    """One person. Inputs are named by the row's stable index; labels by its place on screen."""
    i = row.index.to_string()
    suffix = rx.cond(position == 0, "", " (row " + (position + 1).to_string() + ")")
    return rx.hstack(
        rx.vstack(
            _label("Name" + suffix, "add-name-" + i),
            rx.input(name="name_" + i, id="add-name-" + i, width="100%",
                     auto_focus=position == 0, default_value=row.name,
                     on_change=_kept("name", row.index)),
            field_error(row.errors["name"], "add-name-" + i),
            spacing="1", flex="2",
        ),
        rx.vstack(
            _label("Email" + suffix, "add-email-" + i),
            rx.input(name="email_" + i, id="add-email-" + i, type="email", width="100%",
                     default_value=row.email, on_change=_kept("email", row.index)),
            field_error(row.errors["email"], "add-email-" + i),
            spacing="1", flex="3",
        ),
        rx.vstack(
            _label("Role" + suffix, "add-role-" + i),
            _role_select("role_" + i, "add-role-" + i, _kept("role", row.index), row.role),
            field_error(row.errors["role"], "add-role-" + i),
            spacing="1", flex="1",
        ),
        rx.cond(
            A.add_rows.length() > 1,
            rx.button("Remove row", type="button", variant="ghost", color_scheme="gray",
                      size="1", margin_top="24px", on_click=A.remove_row(row.index),
                      aria_label="Remove row " + (position + 1).to_string()),
        ),
        width="100%",
        align="start",
        spacing="3",
        key=i,
    )


def _add_seats_here() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _label("Seats to add", "modal-add-seats"),
            rx.input(id="modal-add-seats", name="seats_to_add", type="number", min=1, width="100px",
                     value=A.seats_to_add, on_change=A.set_seats_to_add),
            rx.button("Add seats", type="button", size="1", on_click=A.add_seats_here),
            align="center", spacing="2",
        ),
        field_error(A.errors["seats_to_add"], "modal-add-seats"),
        spacing="1",
    )


def _seats_refusal() -> rx.Component:
    """Not enough seats: add them right here (the rows stay as typed), or who can."""
    return rx.fragment(
        rx.cond(
            A.errors["seats"],
            rx.callout(
                rx.vstack(
                    rx.text(A.errors["seats"]),
                    rx.cond(A.can_manage_seats, _add_seats_here()),
                    spacing="2",
                ),
                icon="triangle_alert", color_scheme="red", id="seats-error", role="alert",
            ),
        ),
        notice(A.seats_notice, "modal-seats-notice"),
    )


def _domain_rule() -> rx.Component:
    """The type's e-mail domain rule, said before it decides anything (staff add anyone)."""
    return rx.cond(
        (A.auto_add_domain != "") & (A.viewer_role != "staff"),
        rx.text("Addresses at @", A.auto_add_domain, " are added at once; any other address "
                "gets an invitation to accept instead.", size="1", color="gray",
                id="add-domain-rule"),
    )


def _cancel() -> rx.Component:
    """Cancel drops what was typed (Escape and a click outside only close the modal)."""
    return rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                                     on_click=A.discard_draft))


def _modal_form(kind: str, fields: list[rx.Component], submit_label: str, on_submit,
                spacing: str) -> rx.Component:
    """One tab's form: its own fields, then what both tabs share (the seats refusal, the form's
    message, Cancel and the submit button). Keyed by form_key, so each opening starts afresh."""
    return rx.form(
        rx.vstack(
            *fields,
            _seats_refusal(),
            error_callout(A.errors["form"], f"{kind}-error"),
            rx.hstack(_cancel(), rx.button(submit_label, type="submit"),
                      justify="end", width="100%", spacing="2"),
            spacing=spacing, width="100%",
        ),
        on_submit=on_submit,
        key=f"{kind}-" + A.form_key.to_string(),
        width="100%",
    )


def _add_form() -> rx.Component:
    return _modal_form("add", [
        rx.foreach(A.add_rows, _entry_row),
        _domain_rule(),
        rx.button("Add another row", type="button", variant="ghost", size="1",
                  on_click=A.add_row),
    ], "Add Members", A.submit_add, spacing="3")


def _invite_form() -> rx.Component:
    return _modal_form("invite", [
        _label("Email addresses", "invite-emails"),
        rx.text_area(name="emails", id="invite-emails", rows="4", width="100%",
                     placeholder="one@example.com, two@example.com",
                     default_value=A.kept_emails, on_change=_kept("emails")),
        rx.text("Separate addresses with commas, spaces or new lines.", size="1", color="gray"),
        field_error(A.errors["emails"], "invite-emails"),
        _label("Role", "invite-role"),
        _role_select("invite_role", "invite-role", _kept("invite_role"), A.kept_invite_role),
        field_error(A.errors["invite_role"], "invite-role"),
    ], "Send invitations", A.submit_invite, spacing="2")


def add_member_modal(trigger: rx.Component) -> rx.Component:
    """The modal and the button that opens it. The button is the dialog's own trigger (with no
    on_click of its own, which Reflex would wrap in a Flex), so focus goes back to it when the
    modal closes; the first Name field takes focus when it opens."""
    return rx.dialog.root(
        rx.dialog.trigger(trigger),
        rx.dialog.content(
            rx.dialog.title("Add Member"),
            rx.dialog.description(
                rx.text("Seats free: ", A.seats_free, " of ", A.seat_count, size="2",
                        id="modal-seats"),
            ),
            rx.cond(A.draft_restored, draft_kept_callout(A.discard_draft, "add-draft-restored")),
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


def add_member_draft_left() -> rx.Component:
    """On the page: the modal was left (a reload, Back, Escape) with input not yet submitted."""
    return rx.cond(
        A.draft_left & (A.can_add | A.can_invite) & ~A.expired,
        draft_left_callout("Add Member", A.set_add_open(True), A.discard_draft, "add-draft-left"),
    )
