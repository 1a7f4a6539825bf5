"""/directory: the organizations the signed-in user may see, by their type's visibility."""

import reflex as rx

from ..services import directory
from .base import AppState
from .paged_list import PagedListMixin


class DirectoryState(PagedListMixin, AppState):
    sort_by: str = "title"
    rows: list[directory.DirectoryRow] = []  # noqa: RUF012
    _list_service = staticmethod(directory.list_directory)

    @rx.event
    def load(self):
        self._refresh(page=1)
