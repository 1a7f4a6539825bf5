"""Ticked rows of the page a list state shows: Manage Members on the Group Dashboard, and the
back office's Unassign of members and jobs.

Only a row shown on the current page, and one that may be ticked (never the owner's), is ever
in the selection: a client that sends another id ticks nothing, and a page that loads drops
the ticks of rows it no longer shows. The services check every id again anyway.
"""

import reflex as rx

from .paged_list import toggled


class SelectionMixin(rx.State, mixin=True):
    selected: list[int] = []  # noqa: RUF012  (Reflex copies var defaults)

    def _selectable_ids(self) -> list[int]:
        """The ids of the shown rows that may be ticked, in their order on screen."""
        raise NotImplementedError

    def _keep_shown_selection(self) -> None:
        """After a page loaded: keep only the ticks of rows it still shows."""
        selectable = set(self._selectable_ids())
        self.selected = [i for i in self.selected if i in selectable]

    @rx.var(deps=["rows", "selected"], auto_deps=False)
    def all_selected(self) -> bool:
        """What the header's checkbox shows: ticked only while every tickable row of the page
        is, so it clears with the selection (a page change, a search, an Unassign)."""
        selectable = self._selectable_ids()
        return bool(selectable) and set(selectable) <= set(self.selected)

    @rx.event
    def toggle(self, row_id: int, checked: bool):
        """One row's checkbox changed."""
        if row_id in self._selectable_ids():
            self.selected = toggled(self.selected, row_id, checked)

    @rx.event
    def toggle_all(self, checked: bool):
        """The header's checkbox: every tickable row of the page, or none."""
        self.selected = self._selectable_ids() if checked is True else []
