"""Form pieces: a labelled input with its error message right below it."""

import reflex as rx
from reflex.vars import Var


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
        rx.el.label(label, html_for=field_id, style={"font_weight": "500", "font_size": "14px"}),
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
