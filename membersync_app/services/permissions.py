"""Who may do what on an organization: one rule table, and the fetch-and-check services start with.

The rules depend on the actor's role (staff, owner, manager, member, outsider), the membership
status, the organization type's Access tab, and whether the organization has expired. A client
can call any event handler with any arguments, so every service asks here, never the page.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from ..models import (
    Membership,
    MembershipStatus,
    Organization,
    OrganizationType,
    Role,
    User,
    utcnow,
)
from .errors import ServiceError
from .validation import whole_number


class Action(StrEnum):
    VIEW_ORG = "view_org"  # open the organization's management page
    ADD_MEMBERS = "add_members"
    INVITE = "invite"
    REMOVE_MEMBERS = "remove_members"
    CHANGE_ROLES = "change_roles"  # promote / demote
    MANAGE_SEATS = "manage_seats"
    EDIT_SETTINGS = "edit_settings"
    VIEW_REPORTS = "view_reports"
    REMIND = "remind"  # e-mail members a reminder from the reports (a change: not read-only)
    TRANSFER_OWNERSHIP = "transfer_ownership"


# The Access-tab flag that lets a manager take each action. None: managers always may;
# absent: managers never may. Promote / demote sit with "remove members": DESIGN.md §4 groups
# them as "Manage Members".
MANAGER_FLAGS: dict[Action, str | None] = {
    Action.VIEW_ORG: None,
    Action.ADD_MEMBERS: "managers_add_members",
    Action.INVITE: "managers_invite",
    Action.REMOVE_MEMBERS: "managers_remove_members",
    Action.CHANGE_ROLES: "managers_remove_members",
    Action.MANAGE_SEATS: "managers_manage_seats",
    Action.EDIT_SETTINGS: "managers_edit_settings",
    Action.VIEW_REPORTS: "managers_view_reports",
    Action.REMIND: "managers_view_reports",
}

# Still open on an expired (read-only) organization.
READ_ONLY_ACTIONS = frozenset({Action.VIEW_ORG, Action.VIEW_REPORTS})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


ALLOW = Decision(True)
_READ_ONLY = Decision(False, "This organization has expired; it is read-only.")


def decide(
    *,
    action: Action,
    is_staff: bool,
    role: Role | None,
    status: MembershipStatus | None,
    org_type: OrganizationType,
    expired: bool,
) -> Decision:
    """The rule table. Pure: no database, so every case is unit-tested directly.

    An expired organization is read-only on the dashboard for everyone, staff included (DESIGN.md
    invariant 5); staff change it through the back office (a new expiry date, for instance).
    Who the actor is comes first: an outsider (or a plain member) gets the same refusal whether
    or not the organization has expired, so the refusal never tells them it has.
    """
    if is_staff:
        return _READ_ONLY if expired and action not in READ_ONLY_ACTIONS else ALLOW
    if role is None or role == Role.MEMBER:
        return Decision(False, "Only the owner and managers of this organization may do that.")
    if status != MembershipStatus.ACTIVE:
        return Decision(False, "Your membership of this organization is blocked.")
    if expired and action not in READ_ONLY_ACTIONS:
        return _READ_ONLY
    if role == Role.OWNER:
        return ALLOW
    if action not in MANAGER_FLAGS:
        return Decision(False, "Only the owner may do that.")
    flag = MANAGER_FLAGS[action]
    if flag is None or getattr(org_type, flag):
        return ALLOW
    return Decision(False, "Managers of this organization may not do that.")


def is_expired(org: Organization) -> bool:
    return org.expires_at is not None and org.expires_at < utcnow()


@dataclass(frozen=True)
class OrgAccess:
    """What a check found: the organization, its type, and the actor's membership (if any)."""

    org: Organization
    org_type: OrganizationType
    membership: Membership | None

    def may(self, actor: User, action: Action) -> bool:
        return _decide_for(actor, self, action).allowed


def load_access(session: Session, *, actor: User, org_id: int, lock: bool = False) -> OrgAccess:
    """Load the organization (row-locked when `lock`) with the actor's membership and its type."""
    query = select(Organization).where(Organization.id == org_id)
    if lock:
        query = query.with_for_update()
    org = session.exec(query).first()
    if org is None:
        raise ServiceError("That organization does not exist.")
    org_type = session.get(OrganizationType, org.org_type_id)
    membership = session.exec(
        select(Membership).where(
            Membership.organization_id == org_id, Membership.user_id == actor.id
        )
    ).first()
    return OrgAccess(org=org, org_type=org_type, membership=membership)


def access_org(
    session: Session, *, actor: User | None, org_id: int, action: Action, lock: bool = False
) -> OrgAccess:
    """Fetch and check in one call: the organization, or a ServiceError saying why not.

    `lock=True` takes the organization's row lock (SELECT ... FOR UPDATE on PostgreSQL; on SQLite
    the transaction already holds the write lock), so seat checks and the writes after them
    cannot interleave with another worker's.
    """
    actor = require_signed_in(actor)
    org_id = whole_number(org_id, allow_text=False)
    if org_id is None:
        raise ServiceError("That organization does not exist.")
    access = load_access(session, actor=actor, org_id=org_id, lock=lock)
    decision = _decide_for(actor, access, action)
    if not decision.allowed:
        raise ServiceError(decision.reason)
    return access


def _decide_for(actor: User, access: OrgAccess, action: Action) -> Decision:
    membership = access.membership
    return decide(
        action=action,
        is_staff=actor.is_staff,
        role=membership.role if membership else None,
        status=membership.status if membership else None,
        org_type=access.org_type,
        expired=is_expired(access.org),
    )


def require_signed_in(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise ServiceError("Please sign in first.")
    return actor


def require_staff(actor: User | None) -> User:
    """Back-office work is for staff only."""
    actor = require_signed_in(actor)
    if not actor.is_staff:
        raise ServiceError("Only staff may do that.")
    return actor
