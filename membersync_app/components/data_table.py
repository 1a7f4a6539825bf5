"""A server-paginated table: search box, sortable column headers and a pager.

The state holds one page of rows; searching, sorting and paging ask the server for another page.
Use it in two steps:

    class CoursesState(PagedListMixin, AppState):   # PagedListMixin: state/paged_list.py
        rows: list[catalog.CourseRow] = []   # the service's frozen rows, held as they are
        # called with search, sort, page, ...; returns anything with rows, page, total,
        # page_count (a state that needs more overrides `_load_page`)
        _list_service = staticmethod(catalog.list_courses)

    data_table(CoursesState, columns=[Column("Title", "title"), Column("Lessons")],
               rows=CoursesState.rows, row=lambda c: rx.table.row(...),
               search_label="Search courses")
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.vars import Var

from ..services.listing import PAGE_SIZES
from ..state.paged_list import PagedListMixin, PagerMixin


@dataclass(frozen=True)
class Column:
    label: str
    sort_key: str | None = None  # None: not sortable
    header: Any = None  # a component drawn instead of the label (a "Select all" checkbox)


def _header_cell(state: type[PagedListMixin], column: Column) -> rx.Component:
    if column.header is not None:
        return rx.table.column_header_cell(column.header)
    if column.sort_key is None:
        return rx.table.column_header_cell(column.label)
    active = state.sort_by == column.sort_key
    arrow = rx.cond(active, rx.cond(state.sort_desc, " ↓", " ↑"), "")
    return rx.table.column_header_cell(
        rx.el.button(
            column.label,
            arrow,
            type="button",
            on_click=state.sort_list(column.sort_key),
            title=f"Sort by {column.label}",
            style={"background": "none", "border": "none", "padding": "0", "cursor": "pointer",
                   "font": "inherit", "font_weight": "600", "color": "inherit"},
        ),
        aria_sort=rx.cond(active, rx.cond(state.sort_desc, "descending", "ascending"), "none"),
    )


def search_box(state: type[PagedListMixin], label: str, box_id: str) -> rx.Component:
    """Search as you type (debounced), or press Enter."""
    return rx.form(
        rx.hstack(
            rx.input(
                name="search",
                id=box_id,
                placeholder=label,
                aria_label=label,
                type="search",
                default_value=state.list_search,
                on_change=state.search_list.debounce(300),
                width="min(320px, 60vw)",
            ),
            rx.button("Search", type="submit", variant="soft"),
            align="center",
        ),
        on_submit=state.submit_search,
    )


PAGER_CONTROL_STYLE = {
    "padding": "2px 8px", "height": "24px", "font_size": "14px", "border_radius": "var(--radius-2)",
    "border": "1px solid var(--gray-7)", "background": "var(--color-surface)",
    "color": "inherit",
}


def page_controls(state: type[PagerMixin], *, label: str, pager_id: str,
                  summary: rx.Component) -> rx.Component:
    """Previous / Next, "Rows per page" and "Go to page" for any state with PagerMixin.

    The controls wrap onto more lines on a narrow screen instead of running off it. "Go to
    page" is a text field (not type=number), so the one message about a bad page is ours.
    """
    return rx.vstack(
        rx.flex(
            summary,
            rx.spacer(),
            rx.hstack(
                rx.el.label("Rows per page", html_for=f"{pager_id}-size",
                            style={"font_size": "14px"}),
                rx.el.select(
                    *[rx.el.option(str(size), value=str(size)) for size in PAGE_SIZES],
                    id=f"{pager_id}-size",
                    value=state.page_size.to_string(),
                    on_change=state.set_page_size,
                    style=PAGER_CONTROL_STYLE,
                ),
                align="center", spacing="2",
            ),
            rx.form(
                rx.hstack(
                    rx.el.label("Go to page", html_for=f"{pager_id}-page",
                                style={"font_size": "14px"}),
                    rx.el.input(
                        name="page", id=f"{pager_id}-page", input_mode="numeric",
                        default_value=state.page.to_string(), key=state.page.to_string(),
                        aria_describedby=f"{pager_id}-error",
                        # the message was about what was typed before: it goes with it (no
                        # event at all while there is no message)
                        on_change=rx.cond(state.pager_error != "", state.clear_pager_error,
                                          rx.noop()),
                        style={**PAGER_CONTROL_STYLE, "width": "4.5em"},
                    ),
                    rx.button("Go", type="submit", variant="soft", size="1"),
                    align="center", spacing="2",
                ),
                on_submit=state.jump_to_page,
                width="auto",  # a form is 100% wide by default: it would take a line alone
            ),
            rx.hstack(
                rx.button("Previous page", variant="soft", size="1",
                          disabled=state.page <= 1, on_click=state.go_to_page(state.page - 1)),
                rx.button("Next page", variant="soft", size="1",
                          disabled=state.page >= state.page_count,
                          on_click=state.go_to_page(state.page + 1)),
                spacing="2",
            ),
            wrap="wrap",
            align="center",
            gap="12px",
            width="100%",
        ),
        rx.cond(
            state.pager_error != "",
            rx.text(state.pager_error, color="red", size="2", id=f"{pager_id}-error",
                    role="alert"),
        ),
        width="100%",
        spacing="1",
        aria_label=label,
        role="navigation",
        id=pager_id,
    )


def pager(state: type[PagedListMixin], label: str, pager_id: str = "pager") -> rx.Component:
    return page_controls(
        state, label=label, pager_id=pager_id,
        summary=rx.text(
            "Page ", state.page, " of ", state.page_count, " · ", state.total,
            rx.cond(state.total == 1, " result", " results"),
            size="2", color_scheme="gray",
        ),
    )


def select_all(state) -> rx.Component:
    """A header checkbox for a list with SelectionMixin (state/selection.py): every row of the
    page that may be ticked, or none."""
    return rx.checkbox(checked=state.all_selected, on_change=state.toggle_all,
                       aria_label="Select all on this page")


def long_text(value: Var | str, max_width: str = "14em") -> rx.Component:
    """Text that may be very long (a name or an address without spaces): cut with "…" at
    `max_width`, the whole value in the tooltip (title). Screen readers read the whole text,
    since the cut is only drawn."""
    return rx.el.span(
        value,
        title=value,
        style={"display": "block", "max_width": max_width, "overflow": "hidden",
               "text_overflow": "ellipsis", "white_space": "nowrap"},
    )


def data_table(
    state: type[PagedListMixin],
    *,
    columns: list[Column],
    rows: Var,
    row: Callable[[Any], rx.Component],
    search_label: str = "Search",
    empty_text: str = "Nothing here yet.",
    table_id: str = "data-table",
    toolbar: rx.Component | None = None,
    searchable: bool = True,
    above_table: Sequence[rx.Component] = (),
    summary: rx.Component | None = None,
    pager_id: str | None = None,
) -> rx.Component:
    """Search box (and an optional toolbar), `above_table` (messages, bulk actions), the table
    of one page, and the pager with its `summary` (by default "Page 1 of 3 · 45 results").

    Shown once the first page has arrived (so nothing is clicked before the page is live).
    """
    label = f"Pages of {search_label.removeprefix('Search ')}"
    pager_id = pager_id or f"{table_id}-pager"
    controls = (pager(state, label, pager_id) if summary is None else
                page_controls(state, label=label, pager_id=pager_id, summary=summary))
    return rx.cond(
        state.loaded,
        _table(state, columns=columns, rows=rows, row=row, search_label=search_label,
               empty_text=empty_text, table_id=table_id, toolbar=toolbar, searchable=searchable,
               above_table=above_table, controls=controls),
        _list_error(state, otherwise=rx.spinner(aria_label="Loading")),
    )


def _list_error(state: type[PagedListMixin], otherwise: rx.Component | None = None):
    """Why the list could not be read (a refused search, sort or page), where there is one."""
    shown = rx.callout(state.list_error, color_scheme="red", icon="triangle_alert", role="alert")
    if otherwise is None:
        return rx.cond(state.list_error != "", shown)
    return rx.cond(state.list_error != "", shown, otherwise)


def _table(state, *, columns, rows, row, search_label, empty_text, table_id, toolbar,
           searchable, above_table, controls) -> rx.Component:
    return rx.vstack(
        rx.flex(
            *([search_box(state, search_label, f"{table_id}-search")] if searchable else []),
            rx.spacer(),
            *([toolbar] if toolbar is not None else []),
            width="100%",
            align="center",
            wrap="wrap",
            gap="12px",
        ),
        _list_error(state),
        *above_table,
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[_header_cell(state, c) for c in columns])),
                rx.table.body(rx.foreach(rows, row)),
                width="100%",
                id=table_id,
            ),
            width="100%",
            overflow_x="auto",
        ),
        rx.cond(state.total == 0, rx.text(empty_text, color_scheme="gray", size="2")),
        controls,
        width="100%",
        spacing="3",
    )
