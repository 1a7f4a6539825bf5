"""Staff catalog: courses, licenses and seat types (bundles of both).

Every function re-checks that the actor is staff and validates each argument, because a client
can call any event handler with any arguments. Deleting something still in use is refused with
the names of what uses it.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import (
    AuditAction,
    AuditEvent,
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
from . import audit, edits
from .errors import ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, grouped_count, list_page
from .permissions import require_staff
from .records import (
    apply_changes,
    as_text,
    check_form,
    clean_optional_id,
    delete_unless_used,
    existing_ids,
    flush_or_refuse,
    get_or_refuse,
    optional_text,
)
from .validation import clean_name, parse_whole_number, shorten

MAX_LESSONS = 1000
# Checkbox pickers (seat types, Seat Benefits) list at most this many courses or licenses.
MAX_PICKER_ITEMS = 500


# ---------------------------------------------------------------- courses and licenses


@dataclass(frozen=True)
class _ItemKind:
    """What differs between courses and licenses. Both are named items that seat types bundle
    and Seat Benefits grant, so they are created, edited and deleted the same way."""

    model: type
    noun: str  # "course": its id key and link column "course_id"
    name_field: str  # the unique, case-insensitive name: "title" or "name"
    taken: str  # the refusal of a taken name, {} for the name
    seat_type_link: type  # SeatTypeCourse: which seat types bundle it
    benefit_link: type  # RoleBenefitCourse: which organization types grant it
    labels: dict[str, str]  # the form's field labels, for a conflict's message

    def opened(self, item) -> dict:
        """What the edit form shows of `item`, for `update_*(opened=...)`."""
        return edits.opened(item.version, {key: getattr(item, key) for key in self.labels},
                            record=item.id).as_dict()

    @property
    def id_key(self) -> str:
        return f"{self.noun}_id"

    def audit_action(self, verb: str) -> AuditAction:
        return AuditAction(f"{self.noun}.{verb}")

    @property
    def missing(self) -> str:
        return f"That {self.noun} does not exist."


_COURSE = _ItemKind(Course, "course", "title", "A course titled “{}” already exists.",
                    SeatTypeCourse, RoleBenefitCourse,
                    {"title": "Title", "lesson_count": "Number of lessons"})
_LICENSE = _ItemKind(License, "license", "name", "A license named “{}” already exists.",
                     SeatTypeLicense, RoleBenefitLicense, {"name": "Name", "product": "Product"})
opened_course = _COURSE.opened
opened_license = _LICENSE.opened


def _usage_counts(session: Session, kind: _ItemKind, ids: list[int]) -> dict[int, int]:
    """Per item, how many seat types and organization types (Seat Benefits) use it."""
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    for table, owner in ((kind.seat_type_link, kind.seat_type_link.seat_type_id),
                         (kind.benefit_link, kind.benefit_link.org_type_id)):
        item_column = getattr(table, kind.id_key)
        query = (
            select(item_column, func.count(func.distinct(owner)))
            .where(item_column.in_(ids))
            .group_by(item_column)
        )
        for item_id, count in session.exec(query):
            counts[item_id] += count
    return counts


def _checked(session: Session, kind: _ItemKind, checks: dict, own_id: int | None) -> dict:
    """The form's values once every field's check passed and the name is free (all refusals
    at once); `own_id` is the item being edited."""
    return check_form(session, checks=checks, name_column=getattr(kind.model, kind.name_field),
                      taken=kind.taken, own_id=own_id)


def _create_item(session: Session, actor: User, kind: _ItemKind, checks: dict):
    values = _checked(session, kind, checks, None)
    item = kind.model(**values)
    session.add(item)
    flush_or_refuse(session, message=kind.taken.format(shorten(values[kind.name_field])),
                    field=kind.name_field)
    audit.record(session, actor=actor, action=kind.audit_action("create"), **{kind.id_key: item.id},
                 **values)
    return item


def _update_item(session: Session, actor: User, kind: _ItemKind, item_id: Any, checks: dict,
                 opened: Any = None):
    """Write what the person changed since the form opened (`opened`; None: every field)."""
    item = get_or_refuse(session, model=kind.model, item_id=item_id, message=kind.missing)
    values = _checked(session, kind, checks, item.id)
    values = edits.changed_since(
        what=kind.noun, record=item.id, version=item.version, values=values,
        current={key: getattr(item, key) for key in values}, opened_form=opened,
        labels=kind.labels,
        editor=edits.last_editor(
            session, AuditEvent.action == kind.audit_action("update"),
            AuditEvent.details[kind.id_key].as_integer() == item.id))
    changes = apply_changes(item, values)
    session.add(item)
    flush_or_refuse(session, message=kind.taken.format(shorten(getattr(item, kind.name_field))),
                    field=kind.name_field)
    audit.record(session, actor=actor, action=kind.audit_action("update"), **{kind.id_key: item.id},
                 changes=changes)
    return item


def _delete_item(session: Session, actor: User, kind: _ItemKind, item_id: Any) -> None:
    """Delete an item no seat type and no Seat Benefit uses; otherwise say which ones do."""
    item = get_or_refuse(session, model=kind.model, item_id=item_id, message=kind.missing)
    name = getattr(item, kind.name_field)
    seat_link, benefit_link = kind.seat_type_link, kind.benefit_link
    seat_types = (
        select(SeatType.name).join(seat_link, seat_link.seat_type_id == SeatType.id)
        .where(getattr(seat_link, kind.id_key) == item.id)
    )
    org_types = (
        select(OrganizationType.name)
        .join(benefit_link, benefit_link.org_type_id == OrganizationType.id)
        .where(getattr(benefit_link, kind.id_key) == item.id)
    )
    delete_unless_used(
        session, row=item,
        uses=[("seat types {}", seat_types),
              ("the Seat Benefits of organization types {}", org_types)],
        refusal=lambda used: f"Cannot delete the {kind.noun} “{name}”: it is still used by "
                             f"{used}. Remove it there first.",
    )
    audit.record(session, actor=actor, action=kind.audit_action("delete"),
                 **{kind.id_key: item.id, kind.name_field: name})


# ---------------------------------------------------------------- courses


@dataclass(frozen=True)
class CourseRow:
    id: int
    title: str
    lesson_count: int
    used_by: int  # seat types + organization types using it


def list_courses(
    session: Session, *, actor: User | None, search: Any = "", sort: Any = "title",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[CourseRow]:
    require_staff(actor)

    def rows(courses: list[Course]) -> list[CourseRow]:
        usage = _usage_counts(session, _COURSE, [c.id for c in courses])
        return [CourseRow(id=c.id, title=c.title, lesson_count=c.lesson_count,
                          used_by=usage[c.id]) for c in courses]

    return list_page(
        session, query=select(Course), search_in=[Course.title],
        sort_columns={"title": func.lower(Course.title), "lesson_count": Course.lesson_count},
        default_sort="title", tiebreak=Course.id, make_rows=rows,
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )


def get_course(session: Session, *, actor: User | None, course_id: Any) -> Course:
    require_staff(actor)
    return get_or_refuse(session, model=Course, item_id=course_id, message=_COURSE.missing)


def create_course(
    session: Session, *, actor: User | None, title: Any, lesson_count: Any
) -> Course:
    return _create_item(session, require_staff(actor), _COURSE,
                        _course_checks(title, lesson_count))


def update_course(
    session: Session, *, actor: User | None, course_id: Any, title: Any, lesson_count: Any,
    opened: Any = None,
) -> Course:
    return _update_item(session, require_staff(actor), _COURSE, course_id,
                        _course_checks(title, lesson_count), opened)


def delete_course(session: Session, *, actor: User | None, course_id: Any) -> None:
    _delete_item(session, require_staff(actor), _COURSE, course_id)


def _course_checks(title: Any, lesson_count: Any) -> dict:
    return {
        "title": lambda: clean_name(as_text(title), "title", "Title"),
        "lesson_count": lambda: parse_whole_number(
            lesson_count, "lesson_count", "Number of lessons", 1, MAX_LESSONS),
    }


# ---------------------------------------------------------------- licenses


@dataclass(frozen=True)
class LicenseRow:
    id: int
    name: str
    product: str
    used_by: int


def list_licenses(
    session: Session, *, actor: User | None, search: Any = "", sort: Any = "name",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[LicenseRow]:
    require_staff(actor)

    def rows(licenses: list[License]) -> list[LicenseRow]:
        usage = _usage_counts(session, _LICENSE, [lic.id for lic in licenses])
        return [LicenseRow(id=lic.id, name=lic.name, product=lic.product,
                           used_by=usage[lic.id]) for lic in licenses]

    return list_page(
        session, query=select(License), search_in=[License.name, License.product],
        sort_columns={"name": func.lower(License.name), "product": func.lower(License.product)},
        default_sort="name", tiebreak=License.id, make_rows=rows,
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )


def get_license(session: Session, *, actor: User | None, license_id: Any) -> License:
    require_staff(actor)
    return get_or_refuse(session, model=License, item_id=license_id, message=_LICENSE.missing)


def create_license(session: Session, *, actor: User | None, name: Any, product: Any) -> License:
    return _create_item(session, require_staff(actor), _LICENSE, _license_checks(name, product))


def update_license(
    session: Session, *, actor: User | None, license_id: Any, name: Any, product: Any,
    opened: Any = None,
) -> License:
    return _update_item(session, require_staff(actor), _LICENSE, license_id,
                        _license_checks(name, product), opened)


def delete_license(session: Session, *, actor: User | None, license_id: Any) -> None:
    _delete_item(session, require_staff(actor), _LICENSE, license_id)


def _license_checks(name: Any, product: Any) -> dict:
    return {
        "name": lambda: clean_name(as_text(name), "name", "Name"),
        "product": lambda: optional_text(product, "product", "Product"),
    }


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
    opened: dict = field(default_factory=dict)  # for update_seat_type(opened=...)


@dataclass(frozen=True)
class Choice:
    """An option of a picker: the record's id as text (what a form sends) and its label."""

    id: str
    label: str


_SEAT_TYPE_TAKEN = "A seat type named “{}” already exists."


def list_seat_types(
    session: Session, *, actor: User | None, search: Any = "", sort: Any = "name",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[SeatTypeRow]:
    require_staff(actor)

    def rows(seat_types: list[SeatType]) -> list[SeatTypeRow]:
        ids = [st.id for st in seat_types]
        courses = grouped_count(session, column=SeatTypeCourse.seat_type_id, ids=ids)
        licenses = grouped_count(session, column=SeatTypeLicense.seat_type_id, ids=ids)
        orgs = grouped_count(session, column=Organization.seat_type_id, ids=ids)
        return [SeatTypeRow(id=st.id, name=st.name, course_count=courses[st.id],
                            license_count=licenses[st.id], organization_count=orgs[st.id])
                for st in seat_types]

    return list_page(
        session, query=select(SeatType), search_in=[SeatType.name],
        sort_columns={"name": func.lower(SeatType.name)}, default_sort="name",
        tiebreak=SeatType.id, make_rows=rows,
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )


def get_seat_type_form(session: Session, *, actor: User | None, seat_type_id: Any) -> SeatTypeForm:
    require_staff(actor)
    seat_type = _seat_type(session, seat_type_id)
    values = _seat_type_values(session, seat_type)
    return SeatTypeForm(id=seat_type.id, **values,
                        opened=edits.opened(seat_type.version, values,
                                            record=seat_type.id).as_dict())


def _seat_type(session: Session, seat_type_id: Any) -> SeatType:
    return get_or_refuse(session, model=SeatType, item_id=seat_type_id,
                         message="That seat type does not exist.")


_SEAT_TYPE_LABELS = {"name": "Name", "course_ids": "Courses", "license_ids": "Licenses"}


def _seat_type_values(session: Session, seat_type: SeatType) -> dict:
    course_ids = session.exec(
        select(SeatTypeCourse.course_id).where(SeatTypeCourse.seat_type_id == seat_type.id)
    ).all()
    license_ids = session.exec(
        select(SeatTypeLicense.license_id).where(SeatTypeLicense.seat_type_id == seat_type.id)
    ).all()
    return {"name": seat_type.name, "course_ids": sorted(course_ids),
            "license_ids": sorted(license_ids)}


def course_choices(session: Session, *, actor: User | None) -> list[Choice]:
    """Every course, by title, for checkbox pickers (there are few; capped all the same)."""
    require_staff(actor)
    return picker_choices(session, id_column=Course.id, label_column=Course.title)


def license_choices(session: Session, *, actor: User | None) -> list[Choice]:
    require_staff(actor)
    return picker_choices(session, id_column=License.id, label_column=License.name)


def seat_type_choices(session: Session, *, actor: User | None) -> list[Choice]:
    require_staff(actor)
    return picker_choices(session, id_column=SeatType.id, label_column=SeatType.name)


def picker_choices(session: Session, *, id_column, label_column) -> list[Choice]:
    """The options (id, label) of a select or checkbox picker, sorted by label, capped."""
    rows = session.exec(
        select(id_column, label_column).order_by(func.lower(label_column))
        .limit(MAX_PICKER_ITEMS)
    ).all()
    return [Choice(id=str(row[0]), label=row[1]) for row in rows]


def clean_seat_type_id(session: Session, *, value: Any, field: str) -> int | None:
    """An optional seat type picked in a form (organization, organization type): it must exist."""
    seat_type_id = clean_optional_id(value, field, "a seat type")
    if seat_type_id is not None and session.get(SeatType, seat_type_id) is None:
        raise ServiceError("That seat type does not exist.", field)
    return seat_type_id


def create_seat_type(
    session: Session, *, actor: User | None, name: Any, course_ids: Any = (),
    license_ids: Any = (),
) -> SeatType:
    require_staff(actor)
    values = _check_seat_type(session, name, course_ids, license_ids, None)
    return _save_seat_type(session, actor, SeatType(name=values["name"]), values,
                           AuditAction.SEAT_TYPE_CREATE)


def update_seat_type(
    session: Session, *, actor: User | None, seat_type_id: Any, name: Any, course_ids: Any = (),
    license_ids: Any = (), opened: Any = None,
) -> SeatType:
    """Save what the person changed since the form opened (`opened`; None: everything)."""
    require_staff(actor)
    seat_type = _seat_type(session, seat_type_id)
    values = _check_seat_type(session, name, course_ids, license_ids, seat_type.id)
    current = _seat_type_values(session, seat_type)
    mine = edits.changed_since(
        what="seat type", record=seat_type.id, version=seat_type.version, values=values,
        current=current, opened_form=opened, labels=_SEAT_TYPE_LABELS,
        editor=edits.last_editor(
            session, AuditEvent.action == AuditAction.SEAT_TYPE_UPDATE,
            AuditEvent.details["seat_type_id"].as_integer() == seat_type.id))
    if any(key in mine for key in ("course_ids", "license_ids")) and "name" not in mine:
        seat_type.version += 1  # only its contents change: the row itself would not move on
    changes = {key: [current[key], value] for key, value in mine.items()
               if edits.comparable(value) != edits.comparable(current[key])}
    return _save_seat_type(session, actor, seat_type, {**current, **mine},
                           AuditAction.SEAT_TYPE_UPDATE, changes=changes)


def _save_seat_type(
    session: Session, actor: User | None, seat_type: SeatType, values: dict, action: str,
    **changes: Any,
) -> SeatType:
    """Write the checked name and contents; the audit event holds them all (they are short),
    and for an update what changed (`changes={field: [old, new]}`)."""
    seat_type.name = values["name"]
    session.add(seat_type)
    flush_or_refuse(session, message=_SEAT_TYPE_TAKEN.format(shorten(values["name"])), field="name")
    _set_seat_type_contents(session, seat_type.id, values["course_ids"], values["license_ids"])
    audit.record(session, actor=actor, action=action, seat_type_id=seat_type.id, **values,
                 **changes)
    return seat_type


def delete_seat_type(session: Session, *, actor: User | None, seat_type_id: Any) -> None:
    require_staff(actor)
    seat_type = _seat_type(session, seat_type_id)
    delete_unless_used(
        session, row=seat_type,
        uses=[("organizations {}",
               select(Organization.title).where(Organization.seat_type_id == seat_type.id)),
              ("organization types {} (default seat type)",
               select(OrganizationType.name)
               .where(OrganizationType.default_seat_type_id == seat_type.id))],
        refusal=lambda used: f"The seat type “{seat_type.name}” is still used by {used}. "
                             "Change those first.",
    )
    audit.record(session, actor=actor, action=AuditAction.SEAT_TYPE_DELETE,
                 seat_type_id=seat_type.id,
                 name=seat_type.name)


def _check_seat_type(
    session: Session, name: Any, course_ids: Any, license_ids: Any, own_id: int | None
) -> dict:
    return check_form(session, checks={
        "name": lambda: clean_name(as_text(name), "name", "Name"),
        "course_ids": lambda: existing_ids(session, model=Course, values=course_ids,
                                           field="course_ids", what="courses"),
        "license_ids": lambda: existing_ids(session, model=License, values=license_ids,
                                            field="license_ids",
                                            what="licenses"),
    }, name_column=SeatType.name, taken=_SEAT_TYPE_TAKEN, own_id=own_id)


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
