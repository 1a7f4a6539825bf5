"""UI pieces of the admin pages: the page frame, native checkboxes and selects, the form card.

Native <input type=checkbox> and <select> keep their state in the DOM and submit through the
browser's FormData like any input, so rx.form handlers get every ticked box by name.
"""

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.vars import Var

from .. import routes
from ..state.base import AppState
from .data_table import Column, data_table
from .forms import (
    LABEL_STYLE,
    draft_kept_callout,
    draft_left_callout,
    error_callout,
    field_error,
    form_field,
    notice,
)
from .layout import page_shell

ADMIN_SECTIONS = (
    ("Organization Types", routes.ADMIN_ORG_TYPES),
    ("Seat Types", routes.ADMIN_SEAT_TYPES),
    ("Courses", routes.ADMIN_COURSES),
    ("Licenses", routes.ADMIN_LICENSES),
    ("Organizations", routes.ADMIN_ORGANIZATIONS),
    ("Jobs", routes.ADMIN_JOBS),
    ("Users", routes.ADMIN_USERS),
    ("Audit log", routes.ADMIN_AUDIT),
)

_CONTROL_STYLE = {
    "padding": "6px 8px",
    "border": "1px solid var(--gray-7)",
    "border_radius": "var(--radius-2)",
    "background": "var(--color-surface)",
    "font_size": "14px",
    "min_width": "240px",
}


def admin_nav() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.link("Admin", href=routes.ADMIN, size="2"),
            *[rx.link(name, href=href, size="2") for name, href in ADMIN_SECTIONS],
            spacing="4",
            wrap="wrap",
        ),
        aria_label="Admin sections",
    )


def admin_page(*children: rx.Component, title: str) -> rx.Component:
    return page_shell(admin_nav(), *children, title=title)


def admin_list_page(state, *, form: rx.Component, table: rx.Component,
                    title: str, restored_notice: bool = True,
                    messages: Sequence[rx.Component] = (),
                    above_table: Sequence[rx.Component] = ()) -> rx.Component:
    """An admin list page: the last notice (and `messages`), then the add / edit form while it
    is open (in place of the list, so nothing else is clicked meanwhile), else the list; and
    what became of the unsaved input of a form left by a reload or Back
    (state/admin_common.py)."""
    return admin_page(
        notice(state.notice),
        *messages,
        rx.cond(state.form_open,
                rx.vstack(*([draft_restored_notice(state)] if restored_notice else []), form,
                          width="100%"),
                rx.vstack(draft_left_notice(state), *above_table, table, width="100%")),
        title=title,
    )


def admin_list_pages(state, *, title: str, route: str, record: tuple[str, str] | None,
                     form: Callable[[], rx.Component], columns: list[Column],
                     row: Callable[[Any], rx.Component], search_label: str, empty_text: str,
                     table_id: str, **page_options: Any) -> None:
    """Add a staff-only admin list page at `route`: `admin_list_page` with the add / edit
    `form` and the table of `state.rows` (search, sort headers from `columns`, pager, Add new).

    `record` (its title, its route with [id]) adds each record's own address: the same page,
    whose on_load opens the form on that record, so reload and Back land where the person was.
    `page_options` go to `admin_list_page`; components among them as functions that make them
    (`above_table=lambda: [...]`), so that each address renders its own.
    """
    def list_page() -> rx.Component:
        options = {key: value() if callable(value) else value
                   for key, value in page_options.items()}
        return admin_list_page(
            state, form=form(), title=title, **options,
            table=data_table(state, columns=columns, rows=state.rows, row=row,
                             search_label=search_label, empty_text=empty_text,
                             table_id=table_id, toolbar=add_button(state)),
        )

    rx.page(route=route, title=f"{title} · Admin · MemberSync",
            on_load=[AppState.guard_staff, state.load])(list_page)
    if record is not None:
        record_title, record_route = record

        def record_page() -> rx.Component:
            return list_page()

        rx.page(route=record_route, title=f"{record_title} · Admin · MemberSync",
                on_load=[AppState.guard_staff, state.load_record])(record_page)


def kept(state, name: str) -> dict:
    """Props of a form input whose typed value the state keeps as a draft (`keep_draft`)."""
    return {"on_change": lambda value: state.keep_draft(name, value)}


def kept_field(state, label: str, name: str, *, field_id: str, **props) -> rx.Component:
    """A text field of an admin form: the record's value (`f_<name>`), the refusal of that
    field, and what is typed kept as the draft (`keep_draft`)."""
    return form_field(label, name, field_id=field_id, default_value=getattr(state, f"f_{name}"),
                      error=state.errors.get(name, ""), **kept(state, name), **props)


def kept_select(state, label: str, name: str, *, field_id: str, **props) -> rx.Component:
    """A select of an admin form, as `kept_field` for a text field."""
    return select_field(label, name, field_id=field_id, default_value=getattr(state, f"f_{name}"),
                        error=state.errors.get(name, ""), **kept(state, name), **props)


def draft_restored_notice(state) -> rx.Component:
    """Over an open form: its kept unsaved input, or that what is typed is being kept."""
    return rx.cond(
        state.draft_restored,
        draft_kept_callout(state.discard_draft, "draft-restored"),
        rx.cond(state.draft_record == state.editing_id,
                rx.text("Unsaved changes: kept if you reload or leave this page.", size="1",
                        color_scheme="gray", id="draft-kept", role="status")),
    )


def draft_left_notice(state) -> rx.Component:
    return rx.cond(
        state.draft_label != "",
        draft_left_callout(state.draft_label, state.continue_draft, state.discard_draft,
                           "draft-left"),
    )


def add_button(state) -> rx.Component:
    return rx.button("Add new", on_click=state.open_new)


def edit_button(label: Var | str, on_click) -> rx.Component:
    """A row's Edit button; `label` names the row for screen readers ("Edit Fire Safety")."""
    return rx.button("Edit", size="1", variant="soft", on_click=on_click, aria_label=label)


def form_card(state, heading_new: str, heading_edit: Var | str, *fields: rx.Component,
              delete_label: str | None, save_label: str = "Save",
              max_width: str = "720px") -> rx.Component:
    """The add / edit form: heading, the refusal, the fields, Save / Cancel (/ Delete).

    Keyed by `state.form_key`, so opening another record renders fresh (uncontrolled) inputs.
    """
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(state.editing_id == 0, heading_new, heading_edit), size="5",
                           as_="h2"),
                error_callout(state.form_error),
                *fields,
                form_buttons(state, save_label, delete_label),
                spacing="3",
                width="100%",
            ),
            on_submit=state.save,
            key=state.form_key,
        ),
        width="100%",
        max_width=max_width,
    )


def checkbox(label: Var | str, name: str, *, value: Var | str = "on",
             checked: Var | bool = False, checkbox_id: Var | str | None = None,
             keep=None) -> rx.Component:
    """A native checkbox inside its label (so the label names it). With `keep` (an admin form
    state), each tick is kept in the form's draft (`keep_tick`) through a reload or Back."""
    props = {"id": checkbox_id} if checkbox_id is not None else {}
    if keep is not None:
        props["on_change"] = lambda ticked: keep.keep_tick(name, value, ticked)
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, value=value, default_checked=checked,
                    style={"width": "16px", "height": "16px", "accent_color": "var(--accent-9)"},
                    **props),
        rx.text(label, as_="span", size="2"),
        style={"display": "flex", "gap": "8px", "align_items": "center", "cursor": "pointer"},
    )


def checkbox_group(legend: str, name: str, choices: Var, selected: Var,
                   empty_text: str, keep=None) -> rx.Component:
    """A fieldset of checkboxes, one per choice; ticked when its id is in `selected` (`keep`:
    as for `checkbox`)."""
    return rx.el.fieldset(
        rx.el.legend(legend, style=LABEL_STYLE),
        rx.cond(
            choices.length() > 0,
            rx.vstack(
                rx.foreach(choices, lambda c: checkbox(c.label, name, value=c.id,
                                                       checked=selected.contains(c.id),
                                                       keep=keep)),
                spacing="1",
            ),
            rx.text(empty_text, size="2", color_scheme="gray"),
        ),
        style={"border": "1px solid var(--gray-5)", "border_radius": "var(--radius-3)",
               "padding": "8px 12px", "min_width": "260px"},
    )


def side_by_side(*pickers: rx.Component) -> rx.Component:
    """Checkbox groups next to each other, wrapping onto the next line on a narrow screen."""
    return rx.hstack(*pickers, spacing="4", align="start", wrap="wrap")


def select_field(label: str, name: str, *, options: Var | list, default_value: Var | str,
                 error: Var | str = "", field_id: str | None = None,
                 empty_label: str | None = None, hint: str = "",
                 **select_props) -> rx.Component:
    """A labelled native select. `options`: a Var list of catalog.Choice, or (value, label)
    pairs."""
    field_id = field_id or name
    if isinstance(options, Var):
        rendered = rx.foreach(options, lambda c: rx.el.option(c.label, value=c.id))
    else:
        rendered = [rx.el.option(text, value=value) for value, text in options]
    empty = [rx.el.option(empty_label, value="")] if empty_label is not None else []
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style=LABEL_STYLE),
        rx.el.select(*empty, rendered, name=name, id=field_id, default_value=default_value,
                     style=_CONTROL_STYLE, **select_props),
        *([rx.text(hint, size="1", color_scheme="gray")] if hint else []),
        field_error(error, field_id),
        spacing="1",
    )


def job_type_select(select_id: str, job_types: Var, *, min_width: str,
                    **select_props) -> rx.Component:
    """"Job type" with "any type" first, to narrow a list of jobs (`select_props`: its name and
    default value in a form, or its value and on_change)."""
    return rx.vstack(
        rx.el.label("Job type", html_for=select_id, style=LABEL_STYLE),
        rx.el.select(
            rx.el.option("any type", value=""),
            rx.foreach(job_types, lambda t: rx.el.option(t, value=t)),
            id=select_id, style={"padding": "6px 8px", "min_width": min_width}, **select_props),
        spacing="1",
    )


def form_buttons(state, save_label: str, delete_label: str | None) -> rx.Component:
    """Save / Cancel, and for an existing record Delete with a confirmation step."""
    if delete_label is None:
        return rx.hstack(
            rx.button(save_label, type="submit"),
            rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                      on_click=state.close_form),
        )
    return rx.hstack(
        rx.button(save_label, type="submit"),
        rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                  on_click=state.close_form),
        rx.spacer(),
        rx.cond(
            state.editing_id != 0,
            rx.cond(
                state.confirm_delete,
                rx.hstack(
                    rx.text("Delete for good?", size="2"),
                    rx.button(f"Yes, {delete_label.lower()}", type="button", color_scheme="red",
                              on_click=state.delete),
                    rx.button("Keep it", type="button", variant="soft",
                              on_click=state.cancel_delete),
                    align="center",
                ),
                rx.button(delete_label, type="button", color_scheme="red", variant="soft",
                          on_click=state.ask_delete),
            ),
        ),
        width="100%",
        align="center",
    )


SUGGESTIONS_STYLE = {"border": "1px solid var(--gray-5)", "padding": "6px",
                     "border_radius": "var(--radius-2)", "width": "100%"}


def user_typeahead(state, *, label: str, name: str, input_id: str, no_match: str,
                   **input_props) -> rx.Component:
    """A username / e-mail input of a form with UserPickerMixin: at most 10 matching users
    under it, picking one fills it in; `no_match` once a search found nobody."""

    def match(choice) -> rx.Component:
        return rx.button(choice.label, type="button", variant="ghost", size="1",
                         on_click=state.pick(choice.username),
                         aria_label="Choose " + choice.username)

    return rx.vstack(
        rx.el.label(label, html_for=input_id, style=LABEL_STYLE),
        rx.input(name=name, id=input_id, width="100%", auto_complete="off",
                 placeholder="Type a few letters of a username or e-mail",
                 on_change=state.search_users.debounce(250), **input_props),
        rx.cond(
            state.matches.length() > 0,
            rx.vstack(rx.foreach(state.matches, match), spacing="1", role="list",
                      aria_label="Matching users", id=f"{input_id}-matches",
                      style=SUGGESTIONS_STYLE),
            rx.cond(state.search_done, rx.text(no_match, size="1", color_scheme="gray")),
        ),
        field_error(state.errors.get(name, ""), input_id),
        spacing="1",
        width="100%",
    )
