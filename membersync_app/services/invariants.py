"""`membersync check`: every invariant of DESIGN.md §2 verified over the whole database.

For an operator after an incident (a crash, a restore, a hand edit) and for the crash tests.
Each check is one aggregate query, so it stays fast on a large database; each problem found is
a sentence naming the organization (or invitation) and what is wrong.
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from ..models import MAX_SEAT_COUNT, Invitation, Membership, Organization, Role, User
from .seats import invitation_holds_seat, seats_used_expression

MAX_LISTED = 200  # problems listed per check; the count says how many there are in all


@dataclass(frozen=True)
class CheckReport:
    organizations: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _org_label(org_id: int, title: str) -> str:
    return f"organization {org_id} (“{title}”)"


def _seats_over_count(session: Session) -> list[str]:
    used = seats_used_expression()
    rows = session.execute(
        select(Organization.id, Organization.title, used, Organization.seat_count)
        .where(used > Organization.seat_count).order_by(Organization.id).limit(MAX_LISTED)
    )
    return [f"{_org_label(i, t)}: {u} seats used, more than its seat count {c} (invariant 1)"
            for i, t, u, c in rows]


def _seat_count_out_of_range(session: Session) -> list[str]:
    rows = session.execute(
        select(Organization.id, Organization.title, Organization.seat_count)
        .where(or_(Organization.seat_count < 1, Organization.seat_count > MAX_SEAT_COUNT))
        .limit(MAX_LISTED)
    )
    return [f"{_org_label(i, t)}: seat count {c} is outside 1 to {MAX_SEAT_COUNT:,} (invariant 4)"
            for i, t, c in rows]


def _owner_problems(session: Session) -> list[str]:
    """Exactly one owner membership, held by the organization's owner_id (invariants 2, 3)."""
    owners = (select(Membership.organization_id, func.count().label("n"),
                     func.min(Membership.user_id).label("user_id"))
              .where(Membership.role == Role.OWNER)
              .group_by(Membership.organization_id).subquery())
    rows = session.execute(
        select(Organization.id, Organization.title, Organization.owner_id, owners.c.n,
               owners.c.user_id)
        .outerjoin(owners, owners.c.organization_id == Organization.id)
        .where(or_(owners.c.n.is_(None), owners.c.n != 1,
                   owners.c.user_id != Organization.owner_id))
        .order_by(Organization.id).limit(MAX_LISTED)
    )
    problems = []
    for org_id, title, owner_id, count, user_id in rows:
        if not count:
            problems.append(f"{_org_label(org_id, title)}: no owner membership (invariants 2, 3)")
        elif count != 1:
            problems.append(f"{_org_label(org_id, title)}: {count} owner memberships "
                            "(invariant 2)")
        else:
            problems.append(f"{_org_label(org_id, title)}: its owner is user {owner_id}, but "
                            f"the owner membership belongs to user {user_id} (invariant 2)")
    return problems


def _invitation_problems(session: Session) -> list[str]:
    """One pending invitation per address and organization, never for a member (invariant 6)."""
    twice = session.execute(
        select(Invitation.organization_id, Invitation.email, func.count())
        .where(invitation_holds_seat())
        .group_by(Invitation.organization_id, Invitation.email)
        .having(func.count() > 1).limit(MAX_LISTED)
    )
    problems = [f"organization {org_id}: {count} pending invitations for {email} (invariant 6)"
                for org_id, email, count in twice]
    members = session.execute(
        select(Invitation.organization_id, Invitation.email)
        .join(User, User.email == Invitation.email)
        .join(Membership, and_(Membership.user_id == User.id,
                               Membership.organization_id == Invitation.organization_id))
        .where(invitation_holds_seat()).limit(MAX_LISTED)
    )
    problems += [f"organization {org_id}: a pending invitation for {email}, who is already a "
                 "member (invariant 6)" for org_id, email in members]
    return problems


CHECKS = (_seats_over_count, _seat_count_out_of_range, _owner_problems, _invitation_problems)


def check_database(session: Session) -> CheckReport:
    """Run every check (reads only) and return what is wrong."""
    organizations = session.execute(select(func.count()).select_from(Organization)).scalar_one()
    problems = [problem for check in CHECKS for problem in check(session)]
    return CheckReport(organizations=organizations, problems=problems)
