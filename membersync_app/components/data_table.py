"""A server-paginated table: search box, sortable column headers and a pager.

The state holds one page of rows; searching, sorting and paging ask the server for another page.
Use it in two steps:

    class CoursesState(PagedListMixin, AppState):   # PagedListMixin: state/paged_list.py
        rows: list[CourseItem] = []
        def _load_page(self, session, user, **listing):  # search, sort, page, ...
            result = catalog.list_courses(session, user, **listing)
            self.rows = [CourseItem(...) for r in result.rows]
            return result                                   # anything with page, total, page_count

    data_table(CoursesState, columns=[Column("Title", "title"), Column("Lessons")],
               rows=CoursesState.rows, row=lambda c: rx.table.row(...),
               search_label="Search courses")
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.vars import Var

from ..state.paged_list import PagedListMixin


@dataclass(frozen=True)
class Column:
    label: str
    sort_key: str | None = None  # None: not sortable


def _header_cell(state: type[PagedListMixin], column: Column) -> rx.Component:
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
                width="320px",
            ),
            rx.button("Search", type="submit", variant="soft"),
            align="center",
        ),
        on_submit=state.submit_search,
    )


def pager(state: type[PagedListMixin], label: str) -> rx.Component:
    return rx.hstack(
        rx.text(
            "Page ", state.page, " of ", state.page_count, " · ", state.total,
            rx.cond(state.total == 1, " result", " results"),
            size="2", color_scheme="gray",
        ),
        rx.spacer(),
        rx.button("Previous page", variant="soft", size="1",
                  disabled=state.page <= 1, on_click=state.go_to_page(state.page - 1)),
        rx.button("Next page", variant="soft", size="1",
                  disabled=state.page >= state.page_count,
                  on_click=state.go_to_page(state.page + 1)),
        width="100%",
        align="center",
        aria_label=label,
        role="navigation",
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
) -> rx.Component:
    """Search box (and an optional toolbar), the table of one page, and the pager.

    Shown once the first page has arrived (so nothing is clicked before the page is live).
    """
    return rx.cond(
        state.loaded,
        _table(state, columns=columns, rows=rows, row=row, search_label=search_label,
               empty_text=empty_text, table_id=table_id, toolbar=toolbar, searchable=searchable),
        rx.cond(
            state.list_error != "",
            rx.callout(state.list_error, color_scheme="red", icon="triangle_alert",
                       role="alert"),
            rx.spinner(aria_label="Loading"),
        ),
    )


def _table(state, *, columns, rows, row, search_label, empty_text, table_id, toolbar,
           searchable) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            *([search_box(state, search_label, f"{table_id}-search")] if searchable else []),
            rx.spacer(),
            *([toolbar] if toolbar is not None else []),
            width="100%",
            align="center",
        ),
        rx.cond(
            state.list_error != "",
            rx.callout(state.list_error, color_scheme="red", icon="triangle_alert",
                       role="alert"),
        ),
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
        pager(state, f"Pages of {search_label.removeprefix('Search ')}"),
        width="100%",
        spacing="3",
    )
