"""Organizations in the back office (staff): the list (search, sort, pages in SQL), create, edit.

Creating an organization also makes its owner's membership (role owner), in the same transaction.
The seat count is never set below the seats in use (DESIGN.md §2, invariants 2 and 4).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal
from sqlmodel import Session, select

from ..models import (
    AuditAction,
    AuditEvent,
    Membership,
    Organization,
    OrganizationType,
    Role,
    User,
    utcnow,
)
from . import audit, edits
from .auth import find_by_login
from .back_office import get_org, user_label
from .catalog import clean_seat_type_id
from .display import expiry_text
from .errors import FieldErrors, ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, list_page
from .permissions import is_expired, require_staff
from .records import apply_changes, as_text, clean_optional_id, collect, name_taken
from .seats import (
    require_seat_count_floor,
    seats_used,
    seats_used_by_org,
    seats_used_expression,
)
from .users import _create_user, queue_set_password_mail
from .validation import (
    clean_name,
    parse_optional_date,
    parse_seat_count,
    refuse_control_characters,
    shorten,
)

NEVER = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class OrgRow:
    id: int
    title: str
    type_name: str
    owner_username: str
    seats_used: int
    seat_count: int
    expires: str  # YYYY-MM-DD or "never", as the list shows it
    expired: bool


@dataclass(frozen=True)
class OrgForm:
    """What the edit form shows for one organization."""

    id: int
    title: str
    owner_username: str
    owner_label: str
    expires_on: str  # YYYY-MM-DD, or "" for never
    seat_count: int
    seats_used: int
    org_type_id: int
    seat_type_id: int | None
    opened: dict = field(default_factory=dict)  # for update_organization(opened=...)


def list_organizations(
    session: Session, *, actor: User | None, search: Any = "", sort: Any = "title",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[OrgRow]:
    """One page of organizations, searched by title or owner, sorted by any column, in SQL."""
    require_staff(actor)
    now = utcnow()

    def rows(results: list) -> list[OrgRow]:
        used = seats_used_by_org(session, org_ids=[org.id for org, _, _ in results])
        return [OrgRow(id=org.id, title=org.title, type_name=type_name,
                       owner_username=owner.username, seats_used=used[org.id],
                       seat_count=org.seat_count, expires=expiry_text(org.expires_at),
                       expired=is_expired(org))
                for org, type_name, owner in results]

    return list_page(
        session,
        query=select(Organization, OrganizationType.name, User)
        .join(OrganizationType, OrganizationType.id == Organization.org_type_id)
        .join(User, User.id == Organization.owner_id),
        search_in=[Organization.title, User.username, User.email, User.full_name],
        sort_columns={
            "title": func.lower(Organization.title),
            "type": func.lower(OrganizationType.name),
            "owner": func.lower(User.username),
            "seats": seats_used_expression(),
            "seat_count": Organization.seat_count,
            "expires": func.coalesce(Organization.expires_at,
                                     literal(NEVER, Organization.expires_at.type)),
            "expired": case(
                (and_(Organization.expires_at.is_not(None), Organization.expires_at < now), 1),
                else_=0,
            ),
        },
        default_sort="title", tiebreak=Organization.id, make_rows=rows,
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )


def get_organization_form(session: Session, *, actor: User | None, org_id: Any) -> OrgForm:
    require_staff(actor)
    org = get_org(session, org_id=org_id)
    owner = session.get(User, org.owner_id)
    return OrgForm(
        id=org.id,
        title=org.title,
        owner_username=owner.username,
        owner_label=user_label(owner),
        expires_on=org.expires_at.date().isoformat() if org.expires_at else "",
        seat_count=org.seat_count,
        seats_used=seats_used(session, org_id=org.id),
        org_type_id=org.org_type_id,
        seat_type_id=org.seat_type_id,
        opened=edits.opened(org.version, _form_values(org), record=org.id).as_dict(),
    )


# The edit form's fields and labels (a conflict names them).
_LABELS = {"title": "Title", "expires_at": "Organization expires at", "seat_count": "Seat count",
           "org_type_id": "Organization type", "seat_type_id": "Seat type"}
# What changes an organization's own fields, so its last editor is found in the audit trail.
ORGANIZATION_EDITS = (
    AuditAction.ORGANIZATION_UPDATE, AuditAction.ORGANIZATION_UPDATE_SETTINGS,
    AuditAction.ORGANIZATION_ADD_SEATS, AuditAction.ORGANIZATION_MERGE,
    AuditAction.ORGANIZATION_CHANGE_OWNER, AuditAction.ORGANIZATION_TRANSFER_OWNERSHIP,
    AuditAction.MEMBERSHIP_ASSIGN,  # "Raise the seat count" on Assign
)


def _form_values(org: Organization) -> dict[str, Any]:
    return {key: getattr(org, key) for key in _LABELS}


def last_organization_editor(session: Session, *, org_id: int):
    """Who changed an organization's fields last (for a conflict's message)."""
    return edits.last_editor(session, AuditEvent.organization_id == org_id,
                             AuditEvent.action.in_(ORGANIZATION_EDITS))


def emails_new_owner(new_owner: Any) -> bool:
    """Whether creating an organization with this `new_owner` form e-mails the owner a
    "set your password" link: a new account made without a password (nobody could sign in as
    it otherwise). The form's notice says so from the same rule."""
    return isinstance(new_owner, Mapping) and not new_owner.get("password")


def create_organization(
    session: Session, *, actor: User | None, title: Any, owner: Any = "",
    new_owner: Any = None, expires_at: Any = "", seat_count: Any, org_type_id: Any,
    seat_type_id: Any = None, confirm_expired: Any = False,
) -> Organization:
    """Create an organization and its owner's membership (role owner) in one transaction.

    `owner` is an existing user's username or e-mail. Or `new_owner` - a mapping with username,
    email, full_name and an optional password - creates the owner's account as part of it; a
    new owner without a password gets the "set your password" e-mail the dashboard sends the
    people it adds (else nobody could ever sign in as them), delivered after the commit.
    An expiry date already past would make it read-only from the start: refused (under
    "confirm_expired") unless `confirm_expired` is True.
    Every refusal is reported at once, keyed by the form's field names (new owner fields are
    prefixed "new_owner_").
    """
    actor = require_staff(actor)
    values, errors = _check_fields(session, None, title=title, expires_at=expires_at,
                                   seat_count=seat_count, org_type_id=org_type_id,
                                   seat_type_id=seat_type_id)
    expires = values.get("expires_at")
    if expires is not None and expires < utcnow() and confirm_expired is not True:
        errors["confirm_expired"] = (
            f"{expires.date().isoformat()} is in the past: the organization would be expired "
            "from the start (read-only, and its members may get no access). Tick “Create it "
            "already expired” to go ahead, or change the date.")
    owner_user = None
    # A savepoint: the new owner's account is written to learn its problems (taken username,
    # ...) together with the other fields', and undone when anything is refused.
    savepoint = session.begin_nested()
    if new_owner is None:
        try:
            owner_user = _existing_owner(session, owner)
        except ServiceError as error:
            errors["owner"] = error.message
    elif not isinstance(new_owner, Mapping):
        errors["owner"] = "Fill in the new owner's username, e-mail and name."
    else:
        try:
            owner_user = _create_owner(session, actor, new_owner)
        except FieldErrors as error:
            errors.update(error.errors)
    if errors:
        savepoint.rollback()
        raise FieldErrors(errors)
    savepoint.commit()
    org = Organization(owner_id=owner_user.id, **values)
    session.add(org)
    session.flush()
    session.add(Membership(organization_id=org.id, user_id=owner_user.id, role=Role.OWNER))
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_CREATE,
                 organization_id=org.id, title=org.title,
                 owner=owner_user.username, seat_count=org.seat_count,
                 expires_at=org.expires_at, org_type_id=org.org_type_id,
                 seat_type_id=org.seat_type_id)
    if emails_new_owner(new_owner):
        queue_set_password_mail(session, user=owner_user, sender=actor, org_title=org.title)
    return org


def update_organization(
    session: Session, *, actor: User | None, org_id: Any, title: Any, expires_at: Any = "",
    seat_count: Any, org_type_id: Any, seat_type_id: Any = None, opened: Any = None,
) -> Organization:
    """Edit title, expiry, seat count, type and seat type: what the person changed since the
    form opened (`opened`, from `get_organization_form`; None: every field). The owner changes
    elsewhere."""
    require_staff(actor)
    org = get_org(session, org_id=org_id, lock=True)
    values, errors = _check_fields(session, org.id, title=title, expires_at=expires_at,
                                   seat_count=seat_count, org_type_id=org_type_id,
                                   seat_type_id=seat_type_id)
    if "seat_count" in values:
        try:
            require_seat_count_floor(session, org_id=org.id, new_count=values["seat_count"])
        except ServiceError as error:
            errors["seat_count"] = error.message
    if errors:
        raise FieldErrors(errors)
    values = edits.changed_since(
        what="organization", record=org.id, version=org.version, values=values,
        current=_form_values(org), opened_form=opened, labels=_LABELS,
        editor=last_organization_editor(session, org_id=org.id))
    changes = apply_changes(org, values)
    session.add(org)
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_UPDATE,
                 organization_id=org.id, title=org.title,
                 changes=changes)
    return org


def _check_fields(session: Session, own_id: int | None, **raw: Any) -> tuple[dict, dict]:
    values, errors = collect({
        "title": lambda: clean_name(as_text(raw["title"]), "title", "Title"),
        "expires_at": lambda: _expiry(raw["expires_at"]),
        "seat_count": lambda: parse_seat_count(raw["seat_count"]),
        "org_type_id": lambda: _org_type_id(session, raw["org_type_id"]),
        "seat_type_id": lambda: clean_seat_type_id(session, value=raw["seat_type_id"],
                                                   field="seat_type_id"),
    })
    # Not check_form: the caller adds the owner's and the seat count's refusals to these.
    if "title" in values and name_taken(session, column=Organization.title, name=values["title"],
                                        own_id=own_id):
        errors["title"] = f"An organization titled “{shorten(values['title'])}” already exists."
    return values, errors


def _expiry(value: Any) -> datetime | None:
    if value is not None and not isinstance(value, str):
        raise ServiceError("Organization expires at must be a date like 2027-01-31.",
                           "expires_at")
    return parse_optional_date(value, "expires_at", "Organization expires at")


def _org_type_id(session: Session, value: Any) -> int:
    org_type_id = clean_optional_id(value, "org_type_id", "an organization type")
    if org_type_id is None:
        raise ServiceError("Choose an organization type (create one under Organization Types "
                           "first).", "org_type_id")
    if session.get(OrganizationType, org_type_id) is None:
        raise ServiceError("That organization type does not exist.", "org_type_id")
    return org_type_id


def _existing_owner(session: Session, owner: Any) -> User:
    if owner is not None and not isinstance(owner, str):
        raise ServiceError("Choose the owner by username or e-mail.", "owner")
    login = (owner or "").strip()
    if not login:
        raise ServiceError("Choose the owner: search by username or e-mail, or create a user.",
                           "owner")
    refuse_control_characters(login, "owner", "Owner")
    user = find_by_login(session, login=login)
    if user is None:
        raise ServiceError(f"No user has the username or e-mail “{shorten(login)}”.", "owner")
    if not user.is_active:
        raise ServiceError(f"The user “{user.username}” is deactivated.", "owner")
    return user


def _create_owner(session: Session, actor: User, new_owner: Mapping) -> User:
    fields = ("username", "email", "full_name", "password")
    texts = {name: new_owner.get(name) or "" for name in fields}
    bad = {f"new_owner_{name}": "Must be text." for name, value in texts.items()
           if not isinstance(value, str)}
    if bad:
        raise FieldErrors(bad)
    try:
        return _create_user(session, actor=actor, username=texts["username"], email=texts["email"],
                           full_name=texts["full_name"], password=texts["password"] or None)
    except FieldErrors as error:
        raise FieldErrors({f"new_owner_{k}": v for k, v in error.errors.items()}) from error
