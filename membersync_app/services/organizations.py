"""Reading organizations for the Group Dashboard: the organizations a person manages, and one
organization's header facts (`overview`) for its management page."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from ..models import Membership, MembershipStatus, Organization, OrganizationType, Role, User
from .back_office import get_org
from .display import expiry_text, percent
from .permissions import Action, access_org, is_expired, require_signed_in
from .seats import seats_used, seats_used_by_org


@dataclass(frozen=True)
class ManagedOrgRow:
    """A row of the Group Dashboard, ready to show."""

    id: int
    title: str
    type_name: str
    role: str  # "Owner" / "Manager"
    seats_used: int
    seat_count: int
    seats_percent: int  # the fill of the seats bar
    expires: str  # YYYY-MM-DD or "never"
    expired: bool


def manages_any(session: Session, *, user: User) -> bool:
    """Whether a person owns or manages an organization (an active membership): where they land
    after signing in. A fact about them, not something done on anyone's behalf."""
    return session.exec(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.role.in_([Role.OWNER, Role.MANAGER]),
            Membership.status == MembershipStatus.ACTIVE,
        ).limit(1)
    ).first() is not None


def list_managed(session: Session, *, actor: User | None) -> list[ManagedOrgRow]:
    """The organizations the actor owns or manages (active membership), with seats used."""
    actor = require_signed_in(actor)
    rows = session.exec(
        select(Organization, OrganizationType.name, Membership.role)
        .join(Membership, Membership.organization_id == Organization.id)
        .join(OrganizationType, OrganizationType.id == Organization.org_type_id)
        .where(
            Membership.user_id == actor.id,
            Membership.role.in_([Role.OWNER, Role.MANAGER]),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Organization.title)
    ).all()
    used = seats_used_by_org(session, org_ids=[org.id for org, _, _ in rows])
    return [
        ManagedOrgRow(
            id=org.id,
            title=org.title,
            type_name=type_name,
            role=str(role).capitalize(),
            seats_used=used[org.id],
            seat_count=org.seat_count,
            seats_percent=percent(used[org.id], org.seat_count),
            expires=expiry_text(org.expires_at),
            expired=is_expired(org),
        )
        for org, type_name, role in rows
    ]


@dataclass(frozen=True)
class OrgOverview:
    id: int
    title: str
    type_name: str
    seats_used: int
    seat_count: int
    expires_at: datetime | None
    expired: bool
    viewer_role: str  # owner / manager / staff
    allowed: frozenset[Action]  # what the viewer may do here, for hiding controls
    owner_name: str = ""  # who to ask for what only the owner may do; who gives way on a transfer
    # The type's e-mail domain: Add Member adds addresses there at once and invites the rest.
    auto_add_domain: str = ""


def overview(session: Session, *, actor: User | None, org_id: int) -> OrgOverview:
    access = access_org(session, actor=actor, org_id=org_id, action=Action.VIEW_ORG)
    org = access.org
    role = access.membership.role.value if access.membership else ""
    if actor.is_staff and access.membership is None:
        role = "staff"
    return OrgOverview(
        id=org.id, title=org.title, type_name=access.org_type.name,
        seats_used=seats_used(session, org_id=org.id), seat_count=org.seat_count,
        expires_at=org.expires_at, expired=is_expired(org), viewer_role=role,
        allowed=frozenset(a for a in Action if access.may(actor, a)),
        owner_name=_owner_name(session, org),
        auto_add_domain=access.org_type.auto_add_domain.strip().lower().lstrip("@"),
    )


def _owner_name(session: Session, org: Organization) -> str:
    owner = session.get(User, org.owner_id)
    return (owner.full_name or owner.username) if owner else ""


def owner_of(session: Session, *, org_id: int) -> User:
    """The organization's owner, who may always read it (the CLI's report export reads as
    them); an unknown id is refused."""
    org = get_org(session, org_id=org_id)
    return session.get(User, org.owner_id)
