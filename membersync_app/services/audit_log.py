"""Reading the audit trail (staff): filter by organization, user and action, newest first, paged."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..models import AuditEvent, DeletedOrganization, Organization, User
from .errors import ServiceError
from .listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, clean_listing, paginate
from .permissions import require_staff
from .validation import clean_search, whole_number

MAX_DETAILS_LENGTH = 500
MAX_ACTIONS = 200
MAX_LINES = 20  # readable detail lines per event; the rest is summed up in one more line
MAX_LINE_LENGTH = 200


@dataclass(frozen=True)
class AuditRow:
    id: int
    when: str  # "YYYY-MM-DD HH:MM:SS UTC", as the page shows it
    actor: str  # username, or "system" for changes without a signed-in user
    organization: str  # title, "#id (deleted)", or "" for none
    organization_id: int | None
    action: str
    details: str  # compact JSON
    lines: tuple[str, ...] = ()  # the details as a person reads them ("Seat count: 3 → 5")


AUDIT_SORTS = ("when", "action")


def list_events(
    session: Session,
    *,
    actor: User | None,
    organization: Any = "",
    organization_id: Any = None,
    user: Any = "",
    action: Any = "",
    descending: Any = True,
    sort: Any = "when",
    page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[AuditRow]:
    """Events matching every filter given.

    `organization` matches the organization's title (contains) or, as digits, its id;
    `organization_id` is one organization exactly (its row's "Audit log" link: the title of
    another organization may contain the same digits); `user` matches the acting user's
    username or e-mail (contains); `action` is exact.
    """
    require_staff(actor)
    org_id_filter = None
    if organization_id not in (None, ""):
        org_id_filter = whole_number(organization_id)
        if org_id_filter is None:
            raise ServiceError("That organization does not exist.", "organization_id")
    filters = {"organization": organization, "user": user, "action": action}
    for field, value in filters.items():
        if value is not None and not isinstance(value, str):
            raise ServiceError("Filters must be text.", field)
    listing = clean_listing(search="", sort=sort, descending=descending, page=page,
                            page_size=page_size, sorts=AUDIT_SORTS, default_sort="when")
    org_text = clean_search(organization)
    user_text = clean_search(user)
    action_text = clean_search(action, 64)
    acting = aliased(User)
    # A deleted organization's events keep its title (deleted_organizations).
    query = (
        select(AuditEvent, acting.username, Organization.title, DeletedOrganization.title)
        .outerjoin(acting, acting.id == AuditEvent.actor_id)
        .outerjoin(Organization, Organization.id == AuditEvent.organization_id)
        .outerjoin(DeletedOrganization, DeletedOrganization.id == AuditEvent.organization_id)
    )
    if org_text:
        condition = or_(Organization.title.icontains(org_text, autoescape=True),
                        DeletedOrganization.title.icontains(org_text, autoescape=True))
        if (org_id := whole_number(org_text)) is not None:
            condition = or_(condition, AuditEvent.organization_id == org_id)
        query = query.where(condition)
    if org_id_filter is not None:
        query = query.where(AuditEvent.organization_id == org_id_filter)
    if user_text:
        query = query.where(or_(acting.username.icontains(user_text, autoescape=True),
                                acting.email.icontains(user_text, autoescape=True)))
    if action_text:
        query = query.where(AuditEvent.action == action_text)
    rows, total, page_number = paginate(
        session, query=query, listing=listing,
        sort_columns={"when": AuditEvent.created_at, "action": AuditEvent.action},
        tiebreak=AuditEvent.id.desc() if listing.descending else AuditEvent.id,
    )
    return Page(
        rows=[_row(event, username, title, gone) for event, username, title, gone in rows],
        total=total, page=page_number, page_size=min(listing.page_size, MAX_PAGE_SIZE),
    )


def _row(event: AuditEvent, username: str | None, title: str | None,
         gone: str | None = None) -> AuditRow:
    if event.organization_id is None:
        organization = ""
    elif title is not None:
        organization = title
    else:
        organization = f"{gone or '#' + str(event.organization_id)} (deleted)"
    details = json.dumps(event.details, ensure_ascii=False, sort_keys=True, default=str)
    if len(details) > MAX_DETAILS_LENGTH:
        details = details[:MAX_DETAILS_LENGTH] + "…"
    return AuditRow(
        id=event.id, when=event.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        actor=username or ("system" if event.actor_id is None else f"#{event.actor_id}"),
        organization=organization, organization_id=event.organization_id,
        action=event.action, details=details, lines=readable_lines(event.details),
    )


def readable_lines(details: Any) -> tuple[str, ...]:
    """An event's details as lines a person reads: "Seat count: 3 → 5", "Email: a@example.com".

    Under "changes" (and for any field holding exactly [old, new] whose name is not a plural
    such as "course_ids"), a pair reads as old → new; lists are joined by commas; nested
    mappings (Seat Benefits) read as "key: value; …".
    """
    if not isinstance(details, dict):
        return (_shorten_line(_text(details)),) if details not in (None, "") else ()
    lines = []
    for key in sorted(details):
        value = details[key]
        if key == "changes" and isinstance(value, dict):
            lines.extend(f"{_label(field)}: {_pair(change)}" for field, change in
                         sorted(value.items()))
        elif isinstance(value, list) and len(value) == 2 and not key.endswith("s"):
            lines.append(f"{_label(key)}: {_pair(value)}")
        else:
            lines.append(f"{_label(key)}: {_text(value)}")
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"… and {len(lines) - MAX_LINES} more"]
    return tuple(_shorten_line(line) for line in lines)


def _label(key: Any) -> str:
    return str(key).replace("_", " ").capitalize()


def _pair(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_text(value[0])} → {_text(value[1])}"
    return _text(value)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_text(v)}" for k, v in sorted(value.items()))
    return str(value)


def _shorten_line(line: str) -> str:
    return line if len(line) <= MAX_LINE_LENGTH else line[:MAX_LINE_LENGTH] + "…"


def audit_actions(session: Session, *, actor: User | None) -> list[str]:
    """The distinct actions recorded so far, for the action filter."""
    require_staff(actor)
    return list(session.exec(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action).limit(MAX_ACTIONS)
    ).all())
