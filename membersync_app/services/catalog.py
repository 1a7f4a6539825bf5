"""Staff catalog: courses, licenses and seat types (bundles of both), with the admin list helpers.

Every function re-checks that the actor is staff and validates each argument, because a client
can call any event handler with any arguments. Deleting something still in use is refused with
the names of what uses it.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import (
    Course,
    License,
    Organization,
    OrganizationType,
    RoleBenefitCourse,
    RoleBenefitLicense,
    SeatType,
    SeatTypeCourse,
    SeatTypeLicense,
    User,
)
from . import audit
from .errors import FieldErrors, ServiceError
from .permissions import require_staff
from .validation import clean_name, parse_whole_number

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_SEARCH_LENGTH = 200
MAX_LESSONS = 1000
# Checkbox pickers (seat types, Seat Benefits) list at most this many courses or licenses.
MAX_PICKER_ITEMS = 500


# ---------------------------------------------------------------- listing helpers (all admin lists)


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


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
    if not is_int(page) or not is_int(page_size):
        raise ServiceError("The page must be a whole number.", "page")
    return Listing(
        search=" ".join(search.split())[:MAX_SEARCH_LENGTH],
        sort=sort if sort in set(sorts) else default_sort,
        descending=descending,
        page=max(1, page),
        page_size=min(max(1, page_size), MAX_PAGE_SIZE),
    )


def paginate(
    session: Session,
    query,
    listing: Listing,
    sort_columns: Mapping[str, ColumnElement],
    tiebreak: ColumnElement,
) -> tuple[list, int, int]:
    """Run `query` for one page, sorted by the listing's column; returns (rows, total, page).

    A page past the end shows the last page, so deleting the last row of a page never leaves an
    empty table.
    """
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    page_count = max(1, math.ceil(total / listing.page_size))
    page = min(listing.page, page_count)
    column = sort_columns[listing.sort]
    order = column.desc() if listing.descending else column.asc()
    rows = session.exec(
        query.order_by(order, tiebreak).offset((page - 1) * listing.page_size)
        .limit(listing.page_size)
    ).all()
    return list(rows), total, page


def clean_id(value: Any, field: str, what: str) -> int:
    """An id from a client: an int, or the digits of one (form fields send text)."""
    if is_int(value):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ServiceError(f"Choose {what}.", field)


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


def flush_or_refuse(session: Session, message: str, field: str) -> None:
    """Flush; a unique key another transaction took in the meantime becomes a refusal."""
    try:
        session.flush()
    except IntegrityError as error:
        raise ServiceError(message, field) from error


def name_taken(session: Session, column, name: str, own_id: int | None, id_column) -> bool:
    query = select(id_column).where(func.lower(column) == name.lower())
    if own_id is not None:
        query = query.where(id_column != own_id)
    return session.exec(query).first() is not None


def name_list(values: Iterable[str]) -> str:
    names = sorted(set(values))
    shown = ", ".join(f"“{name}”" for name in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


# ---------------------------------------------------------------- courses


@dataclass(frozen=True)
class CourseRow:
    id: int
    title: str
    lesson_count: int
    used_by: int  # seat types + organization types using it


COURSE_SORTS = ("title", "lesson_count")


def list_courses(
    session: Session,
    actor: User | None,
    *,
    search: Any = "",
    sort: Any = "title",
    descending: Any = False,
    page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[CourseRow]:
    require_staff(actor)
    listing = clean_listing(search=search, sort=sort, descending=descending, page=page,
                            page_size=page_size, sorts=COURSE_SORTS, default_sort="title")
    query = select(Course)
    if listing.search:
        query = query.where(Course.title.icontains(listing.search, autoescape=True))
    courses, total, page_number = paginate(
        session, query, listing,
        {"title": func.lower(Course.title), "lesson_count": Course.lesson_count}, Course.id,
    )
    usage = _course_usage_counts(session, [c.id for c in courses])
    rows = [CourseRow(id=c.id, title=c.title, lesson_count=c.lesson_count, used_by=usage[c.id])
            for c in courses]
    return Page(rows=rows, total=total, page=page_number, page_size=listing.page_size)


def _course_usage_counts(session: Session, ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    for table in (SeatTypeCourse, RoleBenefitCourse):
        owner = table.seat_type_id if table is SeatTypeCourse else table.org_type_id
        query = (
            select(table.course_id, func.count(func.distinct(owner)))
            .where(table.course_id.in_(ids))
            .group_by(table.course_id)
        )
        for course_id, count in session.exec(query):
            counts[course_id] += count
    return counts


def get_course(session: Session, actor: User | None, *, course_id: Any) -> Course:
    require_staff(actor)
    return get_or_refuse(session, Course, course_id, "That course does not exist.")


def create_course(
    session: Session, actor: User | None, *, title: Any, lesson_count: Any
) -> Course:
    require_staff(actor)
    values = _check_course(session, title, lesson_count, None)
    course = Course(**values)
    session.add(course)
    flush_or_refuse(session, f"A course titled “{values['title']}” already exists.", "title")
    audit.record(session, actor, "course.create", course_id=course.id, **values)
    return course


def update_course(
    session: Session, actor: User | None, *, course_id: Any, title: Any, lesson_count: Any
) -> Course:
    require_staff(actor)
    course = get_or_refuse(session, Course, course_id, "That course does not exist.")
    values = _check_course(session, title, lesson_count, course.id)
    changes = apply_changes(course, values)
    session.add(course)
    flush_or_refuse(session, f"A course titled “{values['title']}” already exists.", "title")
    audit.record(session, actor, "course.update", course_id=course.id, changes=changes)
    return course


def delete_course(session: Session, actor: User | None, *, course_id: Any) -> None:
    require_staff(actor)
    course = get_or_refuse(session, Course, course_id, "That course does not exist.")
    seat_types = session.exec(
        select(SeatType.name).join(SeatTypeCourse, SeatTypeCourse.seat_type_id == SeatType.id)
        .where(SeatTypeCourse.course_id == course.id)
    ).all()
    org_types = session.exec(
        select(OrganizationType.name)
        .join(RoleBenefitCourse, RoleBenefitCourse.org_type_id == OrganizationType.id)
        .where(RoleBenefitCourse.course_id == course.id)
    ).all()
    _refuse_if_used(f"the course “{course.title}”", seat_types, org_types)
    session.delete(course)
    session.flush()
    audit.record(session, actor, "course.delete", course_id=course.id, title=course.title)


def _check_course(session: Session, title: Any, lesson_count: Any, own_id: int | None) -> dict:
    values, errors = collect({
        "title": lambda: clean_name(as_text(title), "title", "Title"),
        "lesson_count": lambda: parse_whole_number(
            number_text(lesson_count), "lesson_count", "Number of lessons", 1, MAX_LESSONS),
    })
    if "title" in values and name_taken(session, Course.title, values["title"], own_id,
                                         Course.id):
        errors["title"] = f"A course titled “{values['title']}” already exists."
    if errors:
        raise FieldErrors(errors)
    return values


# ---------------------------------------------------------------- licenses


@dataclass(frozen=True)
class LicenseRow:
    id: int
    name: str
    product: str
    used_by: int


LICENSE_SORTS = ("name", "product")


def list_licenses(
    session: Session,
    actor: User | None,
    *,
    search: Any = "",
    sort: Any = "name",
    descending: Any = False,
    page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[LicenseRow]:
    require_staff(actor)
    listing = clean_listing(search=search, sort=sort, descending=descending, page=page,
                            page_size=page_size, sorts=LICENSE_SORTS, default_sort="name")
    query = select(License)
    if listing.search:
        query = query.where(
            License.name.icontains(listing.search, autoescape=True)
            | License.product.icontains(listing.search, autoescape=True)
        )
    licenses, total, page_number = paginate(
        session, query, listing,
        {"name": func.lower(License.name), "product": func.lower(License.product)}, License.id,
    )
    usage = _license_usage_counts(session, [lic.id for lic in licenses])
    rows = [LicenseRow(id=lic.id, name=lic.name, product=lic.product, used_by=usage[lic.id])
            for lic in licenses]
    return Page(rows=rows, total=total, page=page_number, page_size=listing.page_size)


def _license_usage_counts(session: Session, ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    for table in (SeatTypeLicense, RoleBenefitLicense):
        owner = table.seat_type_id if table is SeatTypeLicense else table.org_type_id
        query = (
            select(table.license_id, func.count(func.distinct(owner)))
            .where(table.license_id.in_(ids))
            .group_by(table.license_id)
        )
        for license_id, count in session.exec(query):
            counts[license_id] += count
    return counts


def get_license(session: Session, actor: User | None, *, license_id: Any) -> License:
    require_staff(actor)
    return get_or_refuse(session, License, license_id, "That license does not exist.")


def create_license(session: Session, actor: User | None, *, name: Any, product: Any) -> License:
    require_staff(actor)
    values = _check_license(session, name, product, None)
    license_ = License(**values)
    session.add(license_)
    flush_or_refuse(session, f"A license named “{values['name']}” already exists.", "name")
    audit.record(session, actor, "license.create", license_id=license_.id, **values)
    return license_


def update_license(
    session: Session, actor: User | None, *, license_id: Any, name: Any, product: Any
) -> License:
    require_staff(actor)
    license_ = get_or_refuse(session, License, license_id, "That license does not exist.")
    values = _check_license(session, name, product, license_.id)
    changes = apply_changes(license_, values)
    session.add(license_)
    flush_or_refuse(session, f"A license named “{values['name']}” already exists.", "name")
    audit.record(session, actor, "license.update", license_id=license_.id, changes=changes)
    return license_


def delete_license(session: Session, actor: User | None, *, license_id: Any) -> None:
    require_staff(actor)
    license_ = get_or_refuse(session, License, license_id, "That license does not exist.")
    seat_types = session.exec(
        select(SeatType.name).join(SeatTypeLicense, SeatTypeLicense.seat_type_id == SeatType.id)
        .where(SeatTypeLicense.license_id == license_.id)
    ).all()
    org_types = session.exec(
        select(OrganizationType.name)
        .join(RoleBenefitLicense, RoleBenefitLicense.org_type_id == OrganizationType.id)
        .where(RoleBenefitLicense.license_id == license_.id)
    ).all()
    _refuse_if_used(f"the license “{license_.name}”", seat_types, org_types)
    session.delete(license_)
    session.flush()
    audit.record(session, actor, "license.delete", license_id=license_.id, name=license_.name)


def _check_license(session: Session, name: Any, product: Any, own_id: int | None) -> dict:
    values, errors = collect({
        "name": lambda: clean_name(as_text(name), "name", "Name"),
        "product": lambda: _optional_text(product, "product", "Product"),
    })
    if "name" in values and name_taken(session, License.name, values["name"], own_id,
                                        License.id):
        errors["name"] = f"A license named “{values['name']}” already exists."
    if errors:
        raise FieldErrors(errors)
    return values


# ---------------------------------------------------------------- seat types


@dataclass(frozen=True)
class SeatTypeRow:
    id: int
    name: str
    course_count: int
    license_count: int
    organization_count: int


@dataclass(frozen=True)
class SeatTypeForm:
    id: int
    name: str
    course_ids: list[int]
    license_ids: list[int]


@dataclass(frozen=True)
class Choice:
    """An option of a picker: id and label."""

    id: int
    label: str


SEAT_TYPE_SORTS = ("name",)


def list_seat_types(
    session: Session,
    actor: User | None,
    *,
    search: Any = "",
    sort: Any = "name",
    descending: Any = False,
    page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[SeatTypeRow]:
    require_staff(actor)
    listing = clean_listing(search=search, sort=sort, descending=descending, page=page,
                            page_size=page_size, sorts=SEAT_TYPE_SORTS, default_sort="name")
    query = select(SeatType)
    if listing.search:
        query = query.where(SeatType.name.icontains(listing.search, autoescape=True))
    seat_types, total, page_number = paginate(
        session, query, listing, {"name": func.lower(SeatType.name)}, SeatType.id
    )
    ids = [st.id for st in seat_types]
    courses = grouped_count(session, SeatTypeCourse.seat_type_id, ids)
    licenses = grouped_count(session, SeatTypeLicense.seat_type_id, ids)
    orgs = grouped_count(session, Organization.seat_type_id, ids)
    rows = [
        SeatTypeRow(id=st.id, name=st.name, course_count=courses[st.id],
                    license_count=licenses[st.id], organization_count=orgs[st.id])
        for st in seat_types
    ]
    return Page(rows=rows, total=total, page=page_number, page_size=listing.page_size)


def grouped_count(session: Session, column, ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(ids, 0)
    if ids:
        for key, count in session.exec(
            select(column, func.count()).where(column.in_(ids)).group_by(column)
        ):
            counts[key] = count
    return counts


def get_seat_type_form(session: Session, actor: User | None, *, seat_type_id: Any) -> SeatTypeForm:
    require_staff(actor)
    seat_type = get_or_refuse(session, SeatType, seat_type_id, "That seat type does not exist.")
    course_ids = session.exec(
        select(SeatTypeCourse.course_id).where(SeatTypeCourse.seat_type_id == seat_type.id)
    ).all()
    license_ids = session.exec(
        select(SeatTypeLicense.license_id).where(SeatTypeLicense.seat_type_id == seat_type.id)
    ).all()
    return SeatTypeForm(id=seat_type.id, name=seat_type.name, course_ids=sorted(course_ids),
                        license_ids=sorted(license_ids))


def course_choices(session: Session, actor: User | None) -> list[Choice]:
    """Every course, by title, for checkbox pickers (there are few; capped all the same)."""
    require_staff(actor)
    rows = session.exec(
        select(Course.id, Course.title).order_by(func.lower(Course.title)).limit(MAX_PICKER_ITEMS)
    ).all()
    return [Choice(id=row[0], label=row[1]) for row in rows]


def license_choices(session: Session, actor: User | None) -> list[Choice]:
    require_staff(actor)
    rows = session.exec(
        select(License.id, License.name).order_by(func.lower(License.name))
        .limit(MAX_PICKER_ITEMS)
    ).all()
    return [Choice(id=row[0], label=row[1]) for row in rows]


def seat_type_choices(session: Session, actor: User | None) -> list[Choice]:
    require_staff(actor)
    rows = session.exec(
        select(SeatType.id, SeatType.name).order_by(func.lower(SeatType.name))
        .limit(MAX_PICKER_ITEMS)
    ).all()
    return [Choice(id=row[0], label=row[1]) for row in rows]


def create_seat_type(
    session: Session, actor: User | None, *, name: Any, course_ids: Any = (),
    license_ids: Any = (),
) -> SeatType:
    require_staff(actor)
    values = _check_seat_type(session, name, course_ids, license_ids, None)
    seat_type = SeatType(name=values["name"])
    session.add(seat_type)
    flush_or_refuse(session, f"A seat type named “{values['name']}” already exists.", "name")
    _set_seat_type_contents(session, seat_type.id, values["course_ids"], values["license_ids"])
    audit.record(session, actor, "seat_type.create", seat_type_id=seat_type.id, **values)
    return seat_type


def update_seat_type(
    session: Session, actor: User | None, *, seat_type_id: Any, name: Any, course_ids: Any = (),
    license_ids: Any = (),
) -> SeatType:
    require_staff(actor)
    seat_type = get_or_refuse(session, SeatType, seat_type_id, "That seat type does not exist.")
    values = _check_seat_type(session, name, course_ids, license_ids, seat_type.id)
    seat_type.name = values["name"]
    session.add(seat_type)
    flush_or_refuse(session, f"A seat type named “{values['name']}” already exists.", "name")
    _set_seat_type_contents(session, seat_type.id, values["course_ids"], values["license_ids"])
    audit.record(session, actor, "seat_type.update", seat_type_id=seat_type.id, **values)
    return seat_type


def delete_seat_type(session: Session, actor: User | None, *, seat_type_id: Any) -> None:
    require_staff(actor)
    seat_type = get_or_refuse(session, SeatType, seat_type_id, "That seat type does not exist.")
    orgs = session.exec(
        select(Organization.title).where(Organization.seat_type_id == seat_type.id)
    ).all()
    org_types = session.exec(
        select(OrganizationType.name)
        .where(OrganizationType.default_seat_type_id == seat_type.id)
    ).all()
    used = []
    if orgs:
        used.append(f"organizations {name_list(orgs)}")
    if org_types:
        used.append(f"organization types {name_list(org_types)} (default seat type)")
    if used:
        raise ServiceError(
            f"The seat type “{seat_type.name}” is still used by " + " and ".join(used)
            + ". Change those first."
        )
    session.delete(seat_type)
    session.flush()
    audit.record(session, actor, "seat_type.delete", seat_type_id=seat_type.id,
                 name=seat_type.name)


def _check_seat_type(
    session: Session, name: Any, course_ids: Any, license_ids: Any, own_id: int | None
) -> dict:
    values, errors = collect({
        "name": lambda: clean_name(as_text(name), "name", "Name"),
        "course_ids": lambda: existing_ids(session, Course, course_ids, "course_ids", "courses"),
        "license_ids": lambda: existing_ids(session, License, license_ids, "license_ids",
                                            "licenses"),
    })
    if "name" in values and name_taken(session, SeatType.name, values["name"], own_id,
                                        SeatType.id):
        errors["name"] = f"A seat type named “{values['name']}” already exists."
    if errors:
        raise FieldErrors(errors)
    return values


def _set_seat_type_contents(
    session: Session, seat_type_id: int, course_ids: list[int], license_ids: list[int]
) -> None:
    for table, column, ids in (
        (SeatTypeCourse, "course_id", course_ids),
        (SeatTypeLicense, "license_id", license_ids),
    ):
        current = {getattr(row, column): row for row in session.exec(
            select(table).where(table.seat_type_id == seat_type_id))}
        for item_id, row in current.items():
            if item_id not in ids:
                session.delete(row)
        for item_id in ids:
            if item_id not in current:
                session.add(table(seat_type_id=seat_type_id, **{column: item_id}))
    session.flush()


def existing_ids(session: Session, model, values: Any, field: str, what: str) -> list[int]:
    """Ids that all name existing rows of `model`; an unknown one is refused."""
    ids = clean_id_list(values, field, what)
    if ids:
        found = set(session.exec(select(model.id).where(model.id.in_(ids))).all())
        if missing := [i for i in ids if i not in found]:
            raise ServiceError(f"Some chosen {what} no longer exist (ids {missing}).", field)
    return ids


# ---------------------------------------------------------------- shared bits


def get_or_refuse(session: Session, model, item_id: Any, message: str):
    row = session.get(model, item_id) if is_int(item_id) else None
    if row is None:
        raise ServiceError(message)
    return row


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError("Must be text.")
    return value


def number_text(value: Any) -> str:
    if is_int(value):
        return str(value)
    if isinstance(value, str):
        return value
    return "not a number"


def _optional_text(value: Any, field: str, label: str, max_length: int = 200) -> str:
    text = " ".join(as_text(value).split())
    if len(text) > max_length:
        raise ServiceError(f"{label} must be at most {max_length} characters.", field)
    return text


def apply_changes(row, values: dict) -> dict:
    """Set the values on the row; return {field: [old, new]} for what changed (for the audit)."""
    changes = {}
    for key, value in values.items():
        old = getattr(row, key)
        if old != value:
            changes[key] = [old, value]
            setattr(row, key, value)
    return changes


def _refuse_if_used(what: str, seat_types: list[str], org_types: list[str]) -> None:
    used = []
    if seat_types:
        used.append(f"seat types {name_list(seat_types)}")
    if org_types:
        used.append(f"the Seat Benefits of organization types {name_list(org_types)}")
    if used:
        raise ServiceError(
            f"Cannot delete {what}: it is still used by " + " and ".join(used)
            + ". Remove it there first."
        )
