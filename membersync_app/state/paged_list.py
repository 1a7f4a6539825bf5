"""Paging, sorting and search for a state that shows one server-side page of a list.

The page components that draw it are in components/data_table.py.
"""

from typing import Any

import reflex as rx

from ..services.errors import ServiceError
from ..services.validation import whole_number

DEFAULT_PAGE_SIZE = 20


class PagedListMixin(rx.State, mixin=True):
    """Paging, sorting and search vars and handlers; mix into a page state next to AppState."""

    list_search: str = ""
    sort_by: str = ""  # a page state sets its default column; "" is the service's default
    sort_desc: bool = False
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    total: int = 0
    page_count: int = 1
    list_error: str = ""
    loaded: bool = False  # the first page arrived: until then a spinner, not an empty table

    def _load_page(self, session, user, **listing: Any):
        """Fetch one page through a service, store its rows, return the service's Page."""
        raise NotImplementedError

    def _refresh(self, **changes: Any) -> None:
        """Reload the current page (with `changes` to search / sort / page), via the service.

        The vars change only when the service accepted the request, so a client sending
        nonsense (a dict as page number) changes nothing.
        """
        listing = {
            "search": self.list_search,
            "sort": self.sort_by,
            "descending": self.sort_desc,
            "page": self.page,
            "page_size": self.page_size,
            **changes,
        }
        try:
            with self.reading() as (session, user):
                self._show_viewer(user)
                result = self._load_page(session, user, **listing)
        except ServiceError as error:
            self.list_error = error.message
            return
        self.list_error = ""
        self.loaded = True
        self.list_search = listing["search"]
        self.sort_by = listing["sort"]
        self.sort_desc = listing["descending"]
        self.page = result.page
        self.page_count = result.page_count
        self.total = result.total

    @rx.event
    def search_list(self, text: str):
        self._refresh(search=text, page=1)

    @rx.event
    def submit_search(self, form_data: dict):
        self._refresh(search=form_data.get("search", ""), page=1)

    @rx.event
    def sort_list(self, column: str):
        descending = (not self.sort_desc) if column == self.sort_by else False
        self._refresh(sort=column, descending=descending, page=1)

    @rx.event
    def go_to_page(self, page: int):
        self._refresh(page=page)


def toggled(ids: list[int], item_id: int, checked: bool) -> list[int]:
    """A selection after one checkbox changed (an id that is not a whole number changes
    nothing)."""
    if whole_number(item_id, allow_text=False) is None:
        return ids
    if checked is True:
        return ids if item_id in ids else [*ids, item_id]
    return [i for i in ids if i != item_id]
