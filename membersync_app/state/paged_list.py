"""Paging, sorting and search for a state that shows one server-side page of a list.

The page components that draw it are in components/data_table.py.
"""

from collections.abc import Callable
from typing import Any, ClassVar

import reflex as rx

from ..services.errors import ServiceError
from ..services.listing import DEFAULT_PAGE_SIZE, chosen_page_size, page_to_open
from ..services.validation import whole_number


class PagerMixin(rx.State, mixin=True):
    """Previous / Next, "Rows per page" and "Go to page" for any state that shows one page.

    A state mixes it in and says how to open a page (`_open_page`); what a client sends is
    checked here (a page size outside listing.PAGE_SIZES, a page that is not a number) before
    anything is loaded, and the service checks it again.
    """

    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    total: int = 0
    page_count: int = 1
    pager_error: str = ""  # why "Go to page" or "Rows per page" refused; shown beside them

    def _open_page(self, page: int, page_size: int) -> None:
        """Load `page` with `page_size` rows; set page, page_size, page_count, total when the
        service accepted it."""
        raise NotImplementedError

    @rx.event
    def clear_pager_error(self):
        self.pager_error = ""

    @rx.event
    def go_to_page(self, page: int):
        if (number := whole_number(page, allow_text=False)) is not None:
            self.pager_error = ""
            self._open_page(number, self.page_size)

    @rx.event
    def set_page_size(self, size: str):
        """Keep the first row shown on screen when the page size changes."""
        try:
            new_size = chosen_page_size(size)
        except ServiceError as error:
            self.pager_error = error.message
            return
        self.pager_error = ""
        first_row = (self.page - 1) * self.page_size
        self._open_page(first_row // new_size + 1, new_size)

    @rx.event
    def jump_to_page(self, form_data: dict):
        try:
            page = page_to_open(form_data.get("page"), self.page_count)
        except ServiceError as error:
            self.pager_error = error.message
            return
        self.pager_error = ""
        self._open_page(page, self.page_size)


class PagedListMixin(PagerMixin, mixin=True):
    """Paging, sorting and search vars and handlers; mix into a page state next to AppState."""

    list_search: str = ""
    sort_by: str = ""  # a page state sets its default column; "" is the service's default
    sort_desc: bool = False
    list_error: str = ""
    loaded: bool = False  # the first page arrived: until then a spinner, not an empty table
    # The service that lists one page (`catalog.list_courses`), as a staticmethod; its rows go
    # to the state's `rows` var. A state whose page needs more overrides `_load_page`.
    _list_service: ClassVar[Callable[..., Any] | None] = None

    def _load_page(self, session, user, **listing: Any):
        """Fetch one page through a service, store its rows, return the service's Page."""
        result = self._list_service(session, actor=user, **listing)
        self.rows = list(result.rows)
        return result

    def _forget_page(self) -> None:
        """Before a list (re)opens: nothing of the page shown before (another organization's,
        another drill-down's) is drawn while the new one loads, or when it is refused."""
        self.rows, self.loaded, self.list_error, self.total = [], False, "", 0

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
            with self._reading() as (session, user):
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
        self.page_size = listing["page_size"]
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

    def _open_page(self, page: int, page_size: int) -> None:
        self._refresh(page=page, page_size=page_size)


def toggled(ids: list[int], item_id: int, checked: bool) -> list[int]:
    """A selection after one checkbox changed (an id that is not a whole number changes
    nothing)."""
    if whole_number(item_id, allow_text=False) is None:
        return ids
    if checked is True:
        return ids if item_id in ids else [*ids, item_id]
    return [i for i in ids if i != item_id]
