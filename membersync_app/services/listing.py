"""What every staff list and form service shares: checking what a client sent, one page in SQL.

Any event handler can be called with any arguments, so each value a client sends (a search, a
page number, an id, a form field) is checked here for its type before a service trusts it.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .errors import FieldErrors, ServiceError
from .validation import clean_search, refuse_control_characters, shorten, whole_number

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
) -> tuple[list, int, int]:
    """Run `query` for one page, sorted by the listing's column; returns (rows, total, page).

    A page past the end shows the last page, so deleting the last row of a page never leaves an
    empty table.
    """
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    page_count = max(1, math.ceil(total / listing.page_size))
    page = min(listing.page, page_count)
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
) -> Page[T]:
    """One page of a list as a client asked for it, the way every list service answers.

    The request is checked (`clean_listing`; the sorts offered are `sort_columns`' names), a
    search keeps the rows where any of `search_in` contains it (ignoring case), and the page is
    counted, sorted and sliced in SQL (`paginate`). `make_rows` turns the page's results into
    the rows the list shows, so lookups for the page (counts, names) run once, for its rows only.
    """
    listing = clean_listing(search=search, sort=sort, descending=descending, page=page,
                            page_size=page_size, sorts=sort_columns, default_sort=default_sort)
    query = matching(query, search_in=search_in, search=listing.search)
    rows, total, page_number = paginate(session, query=query, listing=listing,
                                        sort_columns=sort_columns, tiebreak=tiebreak)
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


# ---------------------------------------------------------------- values a client sent


def clean_id(value: Any, field: str, what: str) -> int:
    """An id from a client: an int, or the digits of one (form fields send text)."""
    item_id = whole_number(value)
    if item_id is None:
        raise ServiceError(f"Choose {what}.", field)
    return item_id


def clean_optional_id(value: Any, field: str, what: str) -> int | None:
    if value is None or value == "":
        return None
    return clean_id(value, field, what)


def clean_id_list(values: Any, field: str, what: str) -> list[int]:
    """A list of ids (ints or digit strings), without duplicates, in the order given."""
    if values is None:
        return []
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise ServiceError(f"Choose {what} from the list.", field)
    ids = [clean_id(value, field, what) for value in values]
    return list(dict.fromkeys(ids))


def clean_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ServiceError("Choose yes or no.", field)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError("Must be text.")
    return value


def optional_text(value: Any, field: str, label: str, max_length: int = 200) -> str:
    text = " ".join(as_text(value).split())
    if len(text) > max_length:
        raise ServiceError(f"{label} must be at most {max_length} characters.", field)
    return refuse_control_characters(text, field, label)


# ---------------------------------------------------------------- checking and saving a form


def collect(checks: Mapping[str, Callable[[], Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Run each field's check; return the cleaned values and every field's refusal."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except ServiceError as error:
            errors[error.field or field] = error.message
    return values, errors


def check_form(
    session: Session,
    *,
    checks: Mapping[str, Callable[[], Any]],
    name_column,
    taken: str,
    own_id: int | None,
) -> dict[str, Any]:
    """Run every field's check and refuse them all at once, so the form marks every mistake.

    The name (the field called like `name_column`) must differ, ignoring case, from every other
    row's; `taken` is the refusal, with {} for the name. `own_id` is the row being edited.
    """
    values, errors = collect(checks)
    field = name_column.key
    if field in values and name_taken(session, column=name_column, name=values[field],
                                      own_id=own_id):
        errors[field] = taken.format(shorten(values[field]))
    if errors:
        raise FieldErrors(errors)
    return values


def name_taken(session: Session, *, column, name: str, own_id: int | None) -> bool:
    """Whether another row of `column`'s table already has `name`, ignoring case."""
    id_column = column.class_.id
    query = select(id_column).where(func.lower(column) == name.lower())
    if own_id is not None:
        query = query.where(id_column != own_id)
    return session.exec(query).first() is not None


def flush_or_refuse(session: Session, *, message: str, field: str) -> None:
    """Flush; a unique key another transaction took in the meantime becomes a refusal."""
    try:
        session.flush()
    except IntegrityError as error:
        raise ServiceError(message, field) from error


def get_or_refuse(session: Session, *, model, item_id: Any, message: str):
    item_id = whole_number(item_id, allow_text=False)
    row = session.get(model, item_id) if item_id is not None else None
    if row is None:
        raise ServiceError(message)
    return row


def existing_ids(session: Session, *, model, values: Any, field: str, what: str) -> list[int]:
    """Ids that all name existing rows of `model`; an unknown one is refused."""
    ids = clean_id_list(values, field, what)
    if ids:
        found = set(session.exec(select(model.id).where(model.id.in_(ids))).all())
        if missing := [i for i in ids if i not in found]:
            raise ServiceError(f"Some chosen {what} no longer exist (ids "
                               f"{', '.join(map(str, missing))}).", field)
    return ids


def apply_changes(row, values: dict) -> dict:
    """Set the values on the row; return {field: [old, new]} for what changed (for the audit)."""
    changes = {}
    for key, value in values.items():
        old = getattr(row, key)
        if old != value:
            changes[key] = [old, value]
            setattr(row, key, value)
    return changes


def delete_unless_used(
    session: Session,
    *,
    row,
    uses: Iterable[tuple[str, Any]],
    refusal: Callable[[str], str],
) -> None:
    """Delete `row` unless other rows still use it; a deletion would leave them dangling.

    `uses` pairs a label ("seat types {}") with a query for the names of the rows that use `row`
    in that way; the refusal names them all (`refusal(what)`), so the person knows what to
    change first.
    """
    named = ((label, session.exec(query).all()) for label, query in uses)
    used = [label.format(name_list(names)) for label, names in named if names]
    if used:
        raise ServiceError(refusal(" and ".join(used)))
    session.delete(row)
    session.flush()


def name_list(values: Iterable[str]) -> str:
    """Names for a refusal (“A”, “B” and 3 more): sorted, the first ten in full."""
    names = sorted(set(values))
    shown = ", ".join(f"“{name}”" for name in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")
