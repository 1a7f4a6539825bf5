"""/directory: the organizations the signed-in user may see, by their type's visibility."""

import reflex as rx

from ..services import directory
from .base import AppState
from .paged_list import PagedListMixin


class DirectoryState(PagedListMixin, AppState):
    sort_by: str = "title"
    rows: list[directory.DirectoryRow] = []  # noqa: RUF012

    def _load_page(self, session, user, **listing):
        result = directory.list_directory(session, actor=user, **listing)
        self.rows = list(result.rows)
        return result

    @rx.event
    def load(self):
        self._refresh(page=1)
