"""Organization types (staff): the template of an organization, with its three tabs.

General (name, visibility, default seat type), Access (what managers may do, invitation lifetime,
access at expiry, auto-add e-mail domain) and Seat Benefits (courses and licenses per role).
Access is computed from these rows on every read, so an edit here reaches existing members at once.
"""

import re
from collections.abc import Mapping
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
    Role,
    RoleBenefitCourse,
    RoleBenefitLicense,
    SeatType,
    User,
    Visibility,
)
from . import audit, edits
from .catalog import Choice, clean_seat_type_id, picker_choices
from .errors import ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, grouped_count, list_page
from .permissions import require_staff
from .records import (
    apply_changes,
    as_text,
    check_form,
    clean_bool,
    delete_unless_used,
    existing_ids,
    flush_or_refuse,
    get_or_refuse,
)
from .validation import clean_name, parse_whole_number, refuse_control_characters, shorten

# The Access tab's manager permissions, in the order the form shows them, with their labels.
MANAGER_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("managers_add_members", "Add members"),
    ("managers_invite", "Invite members"),
    ("managers_remove_members", "Remove members (and promote / demote)"),
    ("managers_manage_seats", "Manage seats"),
    ("managers_edit_settings", "Edit settings"),
    ("managers_view_reports", "View reports"),
)
PERMISSION_FIELDS = tuple(name for name, _ in MANAGER_PERMISSIONS)
MIN_INVITATION_DAYS, MAX_INVITATION_DAYS = 1, 365
BENEFIT_ROLES = (Role.OWNER, Role.MANAGER, Role.MEMBER)
DOMAIN_PATTERN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


@dataclass(frozen=True)
class OrgTypeRow:
    id: int
    name: str
    visibility: str
    default_seat_type: str
    organization_count: int


@dataclass(frozen=True)
class Benefits:
    course_ids: list[int] = field(default_factory=list)
    license_ids: list[int] = field(default_factory=list)


def list_org_types(
    session: Session, *, actor: User | None, search: Any = "", sort: Any = "name",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[OrgTypeRow]:
    require_staff(actor)
    org_count = (
        select(func.count()).where(Organization.org_type_id == OrganizationType.id)
        .correlate(OrganizationType).scalar_subquery()
    )

    def rows(results: list) -> list[OrgTypeRow]:
        counts = grouped_count(session, column=Organization.org_type_id,
                               ids=[t.id for t, _ in results])
        return [OrgTypeRow(id=t.id, name=t.name, visibility=str(t.visibility),
                           default_seat_type=seat_type_name or "",
                           organization_count=counts[t.id])
                for t, seat_type_name in results]

    return list_page(
        session,
        query=select(OrganizationType, SeatType.name)
        .outerjoin(SeatType, SeatType.id == OrganizationType.default_seat_type_id),
        search_in=[OrganizationType.name],
        sort_columns={
            "name": func.lower(OrganizationType.name),
            "visibility": OrganizationType.visibility,
            "default_seat_type": func.lower(func.coalesce(SeatType.name, "")),
            "organizations": org_count,
        },
        default_sort="name", tiebreak=OrganizationType.id, make_rows=rows,
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )


def org_type_choices(session: Session, *, actor: User | None) -> list[Choice]:
    """Every organization type, by name, for the organization form's select."""
    require_staff(actor)
    return picker_choices(session, id_column=OrganizationType.id,
                          label_column=OrganizationType.name)


@dataclass(frozen=True)
class OrgTypeForm:
    """Everything the three tabs show for one organization type."""

    id: int
    name: str
    visibility: str
    default_seat_type_id: int | None
    permissions: dict[str, bool]
    invitation_days: int
    access_ends_at_expiry: bool
    auto_add_domain: str
    benefits: dict[str, Benefits]
    opened: dict = field(default_factory=dict)  # for update_org_type(opened=...)


def new_org_type_form() -> OrgTypeForm:
    """The form of a new type, with the model's defaults."""
    blank = OrganizationType(name="")
    return OrgTypeForm(
        id=0, name="", visibility=str(blank.visibility), default_seat_type_id=None,
        permissions={name: getattr(blank, name) for name in PERMISSION_FIELDS},
        invitation_days=blank.invitation_days, access_ends_at_expiry=blank.access_ends_at_expiry,
        auto_add_domain="", benefits={str(role): Benefits() for role in BENEFIT_ROLES},
    )


def get_org_type_form(session: Session, *, actor: User | None, org_type_id: Any) -> OrgTypeForm:
    require_staff(actor)
    org_type = _org_type(session, org_type_id)
    benefits = _benefits_of(session, org_type.id)
    return OrgTypeForm(
        opened=edits.opened(org_type.version, _comparable(org_type, benefits),
                            record=org_type.id).as_dict(),
        id=org_type.id,
        name=org_type.name,
        visibility=str(org_type.visibility),
        default_seat_type_id=org_type.default_seat_type_id,
        permissions={name: getattr(org_type, name) for name in PERMISSION_FIELDS},
        invitation_days=org_type.invitation_days,
        access_ends_at_expiry=org_type.access_ends_at_expiry,
        auto_add_domain=org_type.auto_add_domain,
        benefits=benefits,
    )


# The form's label of each field that a conflict may name (permissions by their own label).
_LABELS = {
    "name": "Name", "visibility": "Visibility", "default_seat_type_id": "Default seat type",
    "invitation_days": "Invitation lifetime (days)",
    "access_ends_at_expiry": "Access ends when the organization expires",
    "auto_add_domain": "E-mail domain",
    **{name: f"Managers may: {label}" for name, label in MANAGER_PERMISSIONS},
    **{f"{role}_{kind}": f"Seat Benefits ({role} {kind.removesuffix('_ids')}s)"
       for role in BENEFIT_ROLES for kind in ("course_ids", "license_ids")},
}


def _flat_benefits(benefits: dict[str, Benefits]) -> dict[str, list[int]]:
    """Seat Benefits as one field per role and kind ("owner_course_ids"), as the form has them."""
    return {f"{role}_{kind}": sorted(getattr(entry, kind))
            for role, entry in benefits.items() for kind in ("course_ids", "license_ids")}


def _comparable(org_type: OrganizationType, benefits: dict[str, Benefits]) -> dict[str, Any]:
    return {**{key: getattr(org_type, key) for key in _LABELS if hasattr(org_type, key)},
            **_flat_benefits(benefits)}


def _benefits_of(session: Session, org_type_id: int) -> dict[str, Benefits]:
    courses: dict[str, list[int]] = {str(role): [] for role in BENEFIT_ROLES}
    licenses: dict[str, list[int]] = {str(role): [] for role in BENEFIT_ROLES}
    for role, course_id in session.exec(
        select(RoleBenefitCourse.role, RoleBenefitCourse.course_id)
        .where(RoleBenefitCourse.org_type_id == org_type_id)
    ):
        courses[str(role)].append(course_id)
    for role, license_id in session.exec(
        select(RoleBenefitLicense.role, RoleBenefitLicense.license_id)
        .where(RoleBenefitLicense.org_type_id == org_type_id)
    ):
        licenses[str(role)].append(license_id)
    return {role: Benefits(sorted(courses[role]), sorted(licenses[role])) for role in courses}


def create_org_type(
    session: Session, *, actor: User | None, name: Any,
    visibility: Any = Visibility.PRIVATE.value, default_seat_type_id: Any = None,
    permissions: Any = None, invitation_days: Any = 14, access_ends_at_expiry: Any = True,
    auto_add_domain: Any = "", benefits: Any = None,
) -> OrganizationType:
    """Create a type from its three tabs. `permissions` maps the MANAGER_PERMISSIONS fields to
    bools (missing ones are False); `benefits` maps "owner" / "manager" / "member" to
    {"course_ids": [...], "license_ids": [...]}."""
    require_staff(actor)
    values, benefits_ = _check(session, None, name=name, visibility=visibility,
                               default_seat_type_id=default_seat_type_id,
                               permissions=permissions, invitation_days=invitation_days,
                               access_ends_at_expiry=access_ends_at_expiry,
                               auto_add_domain=auto_add_domain, benefits=benefits)
    org_type = OrganizationType(**values)
    session.add(org_type)
    flush_or_refuse(session, message=_TAKEN.format(shorten(values["name"])), field="name")
    _set_benefits(session, org_type.id, benefits_)
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_TYPE_CREATE,
                 org_type_id=org_type.id,
                 **values,
                 benefits=_benefits_audit(benefits_))
    return org_type


def update_org_type(
    session: Session, *, actor: User | None, org_type_id: Any, name: Any, visibility: Any,
    default_seat_type_id: Any = None, permissions: Any = None, invitation_days: Any = 14,
    access_ends_at_expiry: Any = True, auto_add_domain: Any = "", benefits: Any = None,
    opened: Any = None,
) -> OrganizationType:
    """Save all three tabs: what the person changed since the form opened (`opened`, from
    `get_org_type_form`; None: every field). Members' access is computed on read, so it
    changes at once."""
    require_staff(actor)
    org_type = _org_type(session, org_type_id)
    values, benefits_ = _check(session, org_type.id, name=name, visibility=visibility,
                               default_seat_type_id=default_seat_type_id,
                               permissions=permissions, invitation_days=invitation_days,
                               access_ends_at_expiry=access_ends_at_expiry,
                               auto_add_domain=auto_add_domain, benefits=benefits)
    current_benefits = _benefits_of(session, org_type.id)
    mine = edits.changed_since(
        what="organization type", record=org_type.id, version=org_type.version,
        values={**values, **_flat_benefits(benefits_)},
        current=_comparable(org_type, current_benefits), opened_form=opened, labels=_LABELS,
        editor=edits.last_editor(
            session, AuditEvent.action == AuditAction.ORGANIZATION_TYPE_UPDATE,
            AuditEvent.details["org_type_id"].as_integer() == org_type.id,
            aliases=dict.fromkeys(_flat_benefits(current_benefits), "benefits")))
    # Only what this person changed is written: the other fields keep what is saved now.
    benefits_ = {
        role: Benefits(**{kind: mine.get(f"{role}_{kind}", getattr(entry, kind))
                          for kind in ("course_ids", "license_ids")})
        for role, entry in current_benefits.items()
    }
    changes = apply_changes(org_type, {key: value for key, value in mine.items()
                                       if key in values})
    before = _benefits_audit(current_benefits)
    after = _benefits_audit(benefits_)
    if before != after and not changes:
        org_type.version += 1  # only Seat Benefits change: the row itself would not move on
    session.add(org_type)
    flush_or_refuse(session, message=_TAKEN.format(shorten(org_type.name)), field="name")
    _set_benefits(session, org_type.id, benefits_)
    if before != after:
        changes["benefits"] = [before, after]
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_TYPE_UPDATE,
                 org_type_id=org_type.id,
                 name=org_type.name,
                 changes=changes)
    return org_type


def delete_org_type(session: Session, *, actor: User | None, org_type_id: Any) -> None:
    require_staff(actor)
    org_type = _org_type(session, org_type_id)
    delete_unless_used(
        session, row=org_type,
        uses=[("organizations {}",
               select(Organization.title).where(Organization.org_type_id == org_type.id))],
        refusal=lambda used: f"Cannot delete the organization type “{org_type.name}”: it is "
                             f"still used by {used}. Change their type first.",
    )
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_TYPE_DELETE,
                 org_type_id=org_type.id,
                 name=org_type.name)


def _org_type(session: Session, org_type_id: Any) -> OrganizationType:
    return get_or_refuse(session, model=OrganizationType, item_id=org_type_id,
                         message="That organization type does not exist.")


_TAKEN = "An organization type named “{}” already exists."


def _check(session: Session, own_id: int | None, **raw: Any) -> tuple[dict, dict[str, Benefits]]:
    """Check the three tabs; every refusal is reported at once, keyed by form field."""
    values = check_form(session, checks={
        "name": lambda: clean_name(as_text(raw["name"]), "name", "Name"),
        "visibility": lambda: _visibility(raw["visibility"]),
        "default_seat_type_id": lambda: clean_seat_type_id(session,
                                                           value=raw["default_seat_type_id"],
                                                           field="default_seat_type_id"),
        "permissions": lambda: _permissions(raw["permissions"]),
        "invitation_days": lambda: _invitation_days(raw["invitation_days"]),
        "access_ends_at_expiry": lambda: clean_bool(raw["access_ends_at_expiry"],
                                                    "access_ends_at_expiry"),
        "auto_add_domain": lambda: _domain(raw["auto_add_domain"]),
        "benefits": lambda: _benefits(session, raw["benefits"]),
    }, name_column=OrganizationType.name, taken=_TAKEN, own_id=own_id)
    benefits = values.pop("benefits")
    values.update(values.pop("permissions"))
    return values, benefits


def _visibility(value: Any) -> Visibility:
    try:
        return Visibility(value)
    except ValueError:
        raise ServiceError("Choose a visibility: public, private or hidden.",
                           "visibility") from None


def _permissions(value: Any) -> dict[str, bool]:
    if value is None:
        value = {}
    if not isinstance(value, Mapping) or any(key not in PERMISSION_FIELDS for key in value):
        raise ServiceError("Unknown manager permission.", "permissions")
    return {name: clean_bool(value.get(name, False), "permissions") for name in PERMISSION_FIELDS}


def _invitation_days(value: Any) -> int:
    return parse_whole_number(value, "invitation_days", "Invitation lifetime (days)",
                              MIN_INVITATION_DAYS, MAX_INVITATION_DAYS)


def _domain(value: Any) -> str:
    domain = as_text(value).strip().lower().removeprefix("@")
    refuse_control_characters(domain, "auto_add_domain", "The e-mail domain")
    if domain and not DOMAIN_PATTERN.fullmatch(domain):
        raise ServiceError(f"“{shorten(domain)}” is not an e-mail domain like example.com.",
                           "auto_add_domain")
    return domain


def _benefits(session: Session, value: Any) -> dict[str, Benefits]:
    if value is None:
        value = {}
    if not isinstance(value, Mapping) or any(key not in set(BENEFIT_ROLES) for key in value):
        raise ServiceError("Seat Benefits are given per role: owner, manager, member.",
                           "benefits")
    result = {}
    for role in BENEFIT_ROLES:
        entry = value.get(str(role)) or {}
        if not isinstance(entry, Mapping):
            raise ServiceError("Seat Benefits are lists of courses and licenses.", "benefits")
        result[str(role)] = Benefits(
            course_ids=existing_ids(session, model=Course, values=entry.get("course_ids"),
                                    field="benefits",
                                    what="courses"),
            license_ids=existing_ids(session, model=License, values=entry.get("license_ids"),
                                     field="benefits",
                                     what="licenses"),
        )
    return result


def _set_benefits(session: Session, org_type_id: int, benefits: dict[str, Benefits]) -> None:
    for table, column, attr in (
        (RoleBenefitCourse, "course_id", "course_ids"),
        (RoleBenefitLicense, "license_id", "license_ids"),
    ):
        current = {
            (str(row.role), getattr(row, column)): row
            for row in session.exec(select(table).where(table.org_type_id == org_type_id))
        }
        wanted = {(role, item) for role, entry in benefits.items() for item in getattr(entry, attr)}
        for key, row in current.items():
            if key not in wanted:
                session.delete(row)
        for role, item in sorted(wanted - current.keys()):
            session.add(table(org_type_id=org_type_id, role=Role(role), **{column: item}))
    session.flush()


def _benefits_audit(benefits: dict[str, Benefits]) -> dict[str, dict[str, list[int]]]:
    return {role: {"course_ids": sorted(b.course_ids), "license_ids": sorted(b.license_ids)}
            for role, b in benefits.items()}
