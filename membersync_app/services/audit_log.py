"""Reading the audit trail (staff): filter by organization, user and action, newest first, paged."""

import json
from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: datetime
    actor: str  # username, or "system" for changes without a signed-in user
    organization: str  # title, "#id (deleted)", or "" for none
    organization_id: int | None
    action: str
    details: str  # compact JSON


AUDIT_SORTS = ("when", "action")


def list_events(
    session: Session,
    actor: User | None,
    *,
    organization: Any = "",
    user: Any = "",
    action: Any = "",
    descending: Any = True,
    sort: Any = "when",
    page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[AuditRow]:
    """Events matching every filter given.

    `organization` matches the organization's title (contains) or, as digits, its id;
    `user` matches the acting user's username or e-mail (contains); `action` is exact.
    """
    require_staff(actor)
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
    if user_text:
        query = query.where(or_(acting.username.icontains(user_text, autoescape=True),
                                acting.email.icontains(user_text, autoescape=True)))
    if action_text:
        query = query.where(AuditEvent.action == action_text)
    rows, total, page_number = paginate(
        session, query, listing,
        {"when": AuditEvent.created_at, "action": AuditEvent.action},
        AuditEvent.id.desc() if listing.descending else AuditEvent.id,
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
        id=event.id, created_at=event.created_at,
        actor=username or ("system" if event.actor_id is None else f"#{event.actor_id}"),
        organization=organization, organization_id=event.organization_id,
        action=event.action, details=details,
    )


def audit_actions(session: Session, actor: User | None) -> list[str]:
    """The distinct actions recorded so far, for the action filter."""
    require_staff(actor)
    return list(session.exec(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action).limit(MAX_ACTIONS)
    ).all())
