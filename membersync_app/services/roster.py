"""Who is in, or invited to, an organization: the checks Add Member and Invite members share.

Its own module so that members.py (which turns some additions into invitations) and
invitations.py can both use it without importing each other.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import Invitation, Membership, MembershipStatus, Role, StaffBlock, User
from .errors import ServiceError
from .seats import invitation_holds_seat

ADDABLE_ROLES = {"member": Role.MEMBER, "manager": Role.MANAGER}


def parse_role(value: Any, field_name: str = "role") -> Role:
    """Member or Manager (the owner is made only by transferring ownership)."""
    role = ADDABLE_ROLES.get(str(value).strip().lower()) if isinstance(value, str | Role) else None
    if role is None:
        raise ServiceError("Role must be Member or Manager.", field_name)
    return role


def pending_invitation_emails(session: Session, *, org_id: int, emails: Sequence[str]) -> set[str]:
    if not emails:
        return set()
    return set(session.exec(
        select(Invitation.email).where(
            Invitation.organization_id == org_id,
            Invitation.email.in_(list(emails)),
            invitation_holds_seat(),
        )
    ).all())


def member_emails(session: Session, *, org_id: int, emails: Sequence[str]) -> set[str]:
    return _emails_with(session, Membership, org_id, emails)


def staff_blocked_emails(session: Session, *, org_id: int, emails: Sequence[str]) -> set[str]:
    """Addresses of people staff blocked here whose membership was then removed: only staff
    may add them back."""
    return _emails_with(session, StaffBlock, org_id, emails)


def _emails_with(session: Session, table, org_id: int, emails: Sequence[str]) -> set[str]:
    """Which of `emails` are accounts with a row of `table` (user_id, organization_id) in the
    organization: one query for a whole batch of addresses."""
    if not emails:
        return set()
    return set(session.exec(
        select(User.email).join(table, table.user_id == User.id).where(
            table.organization_id == org_id, User.email.in_(list(emails))
        )
    ).all())


def staff_blocked_refusal(email: str) -> str:
    return (f"{email} was blocked in this organization by staff and cannot be added back "
            "here; ask staff.")


def remember_blocks(session: Session, *, org_id: int, memberships: Sequence[Membership]) -> None:
    """Removing a blocked membership keeps the block (staff_blocks): removing and re-adding
    someone must not undo what staff decided."""
    for membership in memberships:
        if membership.status == MembershipStatus.BLOCKED:
            session.add(StaffBlock(organization_id=org_id, user_id=membership.user_id))


def forget_added_names(session: Session, *, user_id: int) -> int:
    """When a person signs in, every organization's table shows their own name from then on
    (one UPDATE). Returns how many memberships showed a typed name. Not audited: nothing the
    person or the organization chose changes."""
    result = session.execute(
        update(Membership)
        .where(Membership.user_id == user_id, Membership.added_name.is_not(None))
        .values(added_name=None)
    )
    return result.rowcount
