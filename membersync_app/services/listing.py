"""One page of a list, as every list service answers: the request checked, then searched,
counted, sorted and sliced in SQL.

Any event handler can be called with any arguments, so what a client sends for a list (a
search, a sort, a page number, a page size) is checked here for its type before a service
trusts it. Checking a record's fields and saving it: records.py.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, select

from .errors import ServiceError
from .validation import clean_search, whole_number

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What the "Rows per page" picker offers; a list state takes no other size from a client.
PAGE_SIZES = (10, 20, 50, 100)
MAX_SEARCH_LENGTH = 200


# ---------------------------------------------------------------- one page of a list


@dataclass(frozen=True)
class Listing:
    """A checked list request: search text, sort column, direction, page (1-based), page size."""

    search: str
    sort: str
    descending: bool
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows and how many rows match in all."""

    rows: list[T]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def shown_page(page: int, *, total: int, page_size: int) -> int:
    """The page to show of `total` rows: `page`, or the last one when it is past the end, so
    deleting the last row of a page never leaves an empty table."""
    return min(page, max(1, math.ceil(total / page_size)))


def clean_listing(
    *,
    search: Any,
    sort: Any,
    descending: Any,
    page: Any,
    page_size: Any,
    sorts: Iterable[str],
    default_sort: str,
) -> Listing:
    """Check what a client sent for a list; anything of the wrong type is refused."""
    if search is None:
        search = ""
    if not isinstance(search, str):
        raise ServiceError("The search must be text.", "search")
    if not isinstance(sort, str) or not isinstance(descending, bool):
        raise ServiceError("Unknown sort order.", "sort")
    page = whole_number(page, allow_text=False)
    page_size = whole_number(page_size, allow_text=False)
    if page is None or page_size is None:
        raise ServiceError("The page must be a whole number.", "page")
    return Listing(
        search=clean_search(search, MAX_SEARCH_LENGTH),
        sort=sort if sort in set(sorts) else default_sort,
        descending=descending,
        page=max(1, page),
        page_size=min(max(1, page_size), MAX_PAGE_SIZE),
    )


def chosen_page_size(value: Any) -> int:
    """A page size picked in "Rows per page" (the select sends text): one of PAGE_SIZES."""
    size = whole_number(value)
    if size not in PAGE_SIZES:
        choices = ", ".join(str(s) for s in PAGE_SIZES[:-1]) + f" or {PAGE_SIZES[-1]}"
        raise ServiceError(f"Show {choices} rows per page.", "page_size")
    return size


def page_to_open(value: Any, page_count: int) -> int:
    """The page typed in "Go to page": a whole number, clamped to 1 … page_count, since a
    person asking for page 90 of 12 wants the last one."""
    page = whole_number(value)
    if page is None:
        raise ServiceError(f"Type a page number from 1 to {max(1, page_count)}.", "page")
    return min(max(page, 1), max(1, page_count))


def paginate(
    session: Session,
    *,
    query,
    listing: Listing,
    sort_columns: Mapping[str, ColumnElement],
    tiebreak: ColumnElement | Sequence[ColumnElement],
    count_query=None,
    total: int | None = None,
) -> tuple[list, int, int]:
    """Run `query` for one page, sorted by the listing's column; returns (rows, total, page).
    `count_query` counts the same rows more cheaply, where the caller has one; a caller that
    already knows how many there are passes `total`.

    A page past the end shows the last page (`shown_page`).
    """
    if total is None:
        if count_query is None:
            count_query = select(func.count()).select_from(query.order_by(None).subquery())
        total = session.execute(count_query).scalar_one()
    page = shown_page(listing.page, total=total, page_size=listing.page_size)
    rows = session.exec(
        in_order(query, listing=listing, sort_columns=sort_columns, tiebreak=tiebreak)
        .offset((page - 1) * listing.page_size).limit(listing.page_size)
    ).all()
    return list(rows), total, page


def matching(query, *, search_in: Iterable[ColumnElement], search: str):
    """The rows of `query` where any of `search_in` contains `search`, ignoring case; % and _
    are searched for as they are, not as wildcards."""
    if not search:
        return query
    return query.where(or_(*(column.icontains(search, autoescape=True) for column in search_in)))


def in_order(query, *, listing: Listing, sort_columns: Mapping[str, ColumnElement],
             tiebreak: ColumnElement | Sequence[ColumnElement]):
    """`query` sorted by the listing's column, then by `tiebreak` (one column or several), so
    rows with equal values keep one order from page to page."""
    column = sort_columns[listing.sort]
    ties = tuple(tiebreak) if isinstance(tiebreak, Sequence) else (tiebreak,)
    return query.order_by(column.desc() if listing.descending else column.asc(), *ties)


def list_page(
    session: Session,
    *,
    query,
    search_in: Iterable[ColumnElement],
    sort_columns: Mapping[str, ColumnElement],
    default_sort: str,
    tiebreak: ColumnElement | Sequence[ColumnElement],
    make_rows: Callable[[list], list[T]],
    search: Any,
    sort: Any,
    descending: Any,
    page: Any,
    page_size: Any,
    unsearched_count=None,
) -> Page[T]:
    """One page of a list as a client asked for it, the way every list service answers.

    The request is checked (`clean_listing`; the sorts offered are `sort_columns`' names), a
    search keeps the rows where any of `search_in` contains it (ignoring case), and the page is
    counted, sorted and sliced in SQL (`paginate`). `make_rows` turns the page's results into
    the rows the list shows, so lookups for the page (counts, names) run once, for its rows only.
    `unsearched_count` counts every row of `query` more cheaply (no joins), for a list that is
    not searched.
    """
    listing = clean_listing(search=search, sort=sort, descending=descending, page=page,
                            page_size=page_size, sorts=sort_columns, default_sort=default_sort)
    query = matching(query, search_in=search_in, search=listing.search)
    rows, total, page_number = paginate(
        session, query=query, listing=listing, sort_columns=sort_columns, tiebreak=tiebreak,
        count_query=None if listing.search else unsearched_count)
    return Page(rows=make_rows(rows), total=total, page=page_number, page_size=listing.page_size)


def grouped_count(session: Session, *, column, ids: list[int]) -> dict[int, int]:
    """How many rows have each of `ids` in `column` (0 for none): one query for a whole page."""
    counts = dict.fromkeys(ids, 0)
    if ids:
        for key, count in session.exec(
            select(column, func.count()).where(column.in_(ids)).group_by(column)
        ):
            counts[key] = count
    return counts
