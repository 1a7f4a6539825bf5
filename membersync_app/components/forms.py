"""Form pieces: a labelled input with its error message right below it, and the two notices
of unsaved input kept through a reload (an admin form's draft, the Add Member modal's)."""

import reflex as rx
from reflex.vars import Var

LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}  # every label and legend of a form


def field_error(message: Var | str, field_id: str) -> rx.Component:
    """The message under its field, nothing when there is none. `message` may be a lookup in
    an `errors` dict (`State.errors["title"]`): a key not there shows nothing, like ""."""
    return rx.cond(
        message,
        rx.text(message, color="red", size="2", id=f"{field_id}-error", role="alert"),
    )


def form_field(
    label: str,
    name: str,
    *,
    error: Var | str = "",
    field_id: str | None = None,
    type_: str = "text",
    default_value: Var | str | None = None,
    **input_props,
) -> rx.Component:
    """A label bound to its input (accessible name), and the field's error under it."""
    field_id = field_id or name
    props = {"default_value": default_value} if default_value is not None else {}
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style=LABEL_STYLE),
        rx.input(name=name, id=field_id, type=type_, width="100%", **props, **input_props),
        field_error(error, field_id),
        spacing="1",
        width="100%",
    )


def error_callout(message: Var | str, callout_id: str = "form-error") -> rx.Component:
    return rx.cond(
        message,
        rx.callout(message, icon="triangle_alert", color_scheme="red", id=callout_id, role="alert"),
    )


def notice(message: Var | str, notice_id: str = "admin-notice") -> rx.Component:
    """What was just done ("Saved …", "Removed 2 members …"), where there is something."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle_check", color_scheme="green", id=notice_id,
                   role="status"),
    )


def draft_kept_callout(on_discard, callout_id: str) -> rx.Component:
    """Over a form opened again with the unsaved input a reload or Back left: say so, and
    offer to drop it."""
    return rx.callout(
        rx.hstack(
            rx.text("Your unsaved changes were kept: they are in the form below, not saved yet."),
            rx.button("Discard changes", size="1", variant="soft", color_scheme="gray",
                      type="button", on_click=on_discard),
            spacing="3", align="center", wrap="wrap",
        ),
        icon="info", color_scheme="amber", id=callout_id, role="status",
    )


def draft_left_callout(what, on_continue, on_discard, callout_id: str) -> rx.Component:
    """Where the form was left with unsaved input (`what` names the form or its record): back
    to it, filled in again, or drop it."""
    return rx.callout(
        rx.hstack(
            rx.text("You left unsaved changes to ", what, "."),
            rx.button("Continue editing", size="1", type="button", on_click=on_continue),
            rx.button("Discard changes", size="1", variant="soft", color_scheme="gray",
                      type="button", on_click=on_discard),
            spacing="3", align="center", wrap="wrap",
        ),
        icon="info", color_scheme="amber", id=callout_id, role="status",
    )
