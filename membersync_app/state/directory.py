"""/directory: the organizations the signed-in user may see, by their type's visibility."""

import reflex as rx
from pydantic import BaseModel

from ..services import directory
from .base import AppState
from .paged_list import PagedListMixin


class DirectoryItem(BaseModel):
    id: int
    title: str
    type_name: str
    visibility: str
    seats: str
    is_member: bool
    expired_on: str = ""


class DirectoryState(PagedListMixin, AppState):
    sort_by: str = "title"
    rows: list[DirectoryItem] = []  # noqa: RUF012

    def _load_page(self, session, user, **listing):
        result = directory.list_directory(session, user, **listing)
        self.rows = [
            DirectoryItem(id=r.id, title=r.title, type_name=r.type_name, visibility=r.visibility,
                          seats=f"{r.seats_used} / {r.seat_count}", is_member=r.is_member,
                          expired_on=r.expired_on)
            for r in result.rows
        ]
        return result

    @rx.event
    def load(self):
        self._refresh(page=1)
