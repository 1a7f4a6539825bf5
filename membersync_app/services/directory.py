"""The organization directory: what a signed-in person may see of organizations by visibility.

public types: every signed-in user; private: only the organization's own people (an active
membership); hidden: staff only. Staff see everything.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, true
from sqlmodel import Session, select

from ..models import Membership, MembershipStatus, Organization, OrganizationType, User, Visibility
from .listing import DEFAULT_PAGE_SIZE, Page, list_page
from .permissions import is_expired, require_signed_in
from .seats import seats_used_by_org


@dataclass(frozen=True)
class DirectoryRow:
    id: int
    title: str
    type_name: str
    visibility: str
    seats_used: int
    seat_count: int
    is_member: bool
    expired_on: str = ""  # YYYY-MM-DD when the organization has expired, else ""


def visible_condition(actor: User):
    """The SQL condition for the organizations `actor` may see listed."""
    if actor.is_staff:
        return true()
    own = exists().where(
        Membership.organization_id == Organization.id,
        Membership.user_id == actor.id,
        Membership.status == MembershipStatus.ACTIVE,
    )
    return or_(
        OrganizationType.visibility == Visibility.PUBLIC,
        and_(OrganizationType.visibility == Visibility.PRIVATE, own),
    )


def list_directory(
    session: Session, *, actor: User | None, search: Any = "", sort: Any = "title",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[DirectoryRow]:
    actor = require_signed_in(actor)

    def rows(results: list) -> list[DirectoryRow]:
        ids = [org.id for org, _, _ in results]
        used = seats_used_by_org(session, org_ids=ids)
        mine = set(session.exec(
            select(Membership.organization_id).where(Membership.user_id == actor.id,
                                                     Membership.organization_id.in_(ids))
        ).all()) if ids else set()
        return [DirectoryRow(id=org.id, title=org.title, type_name=type_name,
                             visibility=str(visibility), seats_used=used[org.id],
                             seat_count=org.seat_count, is_member=org.id in mine,
                             expired_on=org.expires_at.date().isoformat() if is_expired(org)
                             else "")
                for org, type_name, visibility in results]

    return list_page(
        session,
        query=select(Organization, OrganizationType.name, OrganizationType.visibility)
        .join(OrganizationType, OrganizationType.id == Organization.org_type_id)
        .where(visible_condition(actor)),
        search_in=[Organization.title],
        sort_columns={"title": func.lower(Organization.title),
                      "type": func.lower(OrganizationType.name),
                      "seat_count": Organization.seat_count},
        default_sort="title", tiebreak=Organization.id, make_rows=rows,
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )
