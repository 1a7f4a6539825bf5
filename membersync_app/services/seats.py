"""Seat accounting (DESIGN.md §2, invariant 1), computed in SQL so it scales to big organizations.

Seats used = memberships with role member or manager (active or blocked)
           + pending invitations that have not expired. The owner takes no seat.
"""

from sqlalchemy import and_, func, select
from sqlmodel import Session

from ..models import Invitation, Membership, Organization, Role, utcnow
from .errors import ServiceError


def _membership_takes_seat():
    return Membership.role != Role.OWNER


def seat_text(role: Role | str) -> str:
    """What the members table says a membership takes, by the rule above."""
    return "no seat (owner)" if role == Role.OWNER else "1 seat"


def invitation_holds_seat():
    return and_(
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )


def _membership_seats_query(org_ids: list[int]):
    return (
        select(Membership.organization_id, func.count())
        .where(Membership.organization_id.in_(org_ids), _membership_takes_seat())
        .group_by(Membership.organization_id)
    )


def _pending_invitations_query(org_ids: list[int]):
    return (
        select(Invitation.organization_id, func.count())
        .where(Invitation.organization_id.in_(org_ids), invitation_holds_seat())
        .group_by(Invitation.organization_id)
    )


def seats_used_expression():
    """Seats used as a SQL expression correlated to `Organization`, to sort a list by it."""
    members = (
        select(func.count())
        .where(Membership.organization_id == Organization.id, _membership_takes_seat())
        .correlate(Organization)
        .scalar_subquery()
    )
    invitations = (
        select(func.count())
        .where(Invitation.organization_id == Organization.id, invitation_holds_seat())
        .correlate(Organization)
        .scalar_subquery()
    )
    return members + invitations


def seats_used_by_org(session: Session, *, org_ids: list[int]) -> dict[int, int]:
    """Seats used for many organizations in two grouped queries (no query per row)."""
    if not org_ids:
        return {}
    used = dict.fromkeys(org_ids, 0)
    for query in (_membership_seats_query(org_ids), _pending_invitations_query(org_ids)):
        for org_id, count in session.execute(query):
            used[org_id] += count
    return used


def seats_used(session: Session, *, org_id: int) -> int:
    return seats_used_by_org(session, org_ids=[org_id])[org_id]


def require_seat_count_floor(
    session: Session, *, org_id: int, new_count: int, field: str = "seat_count"
) -> None:
    """Refuse a seat count below the seats in use (invariant 4). Call with the row locked."""
    used = seats_used(session, org_id=org_id)
    if new_count < used:
        raise ServiceError(
            f"{used} seats are in use, so the seat count cannot go below {used}. "
            "Remove members or revoke invitations first.",
            field,
        )


class NotEnoughSeats(ServiceError):
    """A refusal for want of seats, with the figures, so a form can offer to add the missing
    seats right where the person is (the Add Member modal) instead of sending them away."""

    ADVICE = "Add seats in Manage Seats first."

    def __init__(self, *, seat_count: int, free: int, needed: int, field: str = "") -> None:
        self.seat_count, self.free, self.needed = seat_count, free, needed
        super().__init__(f"{self.fact} {self.ADVICE}", field)

    @property
    def missing(self) -> int:
        return self.needed - max(self.free, 0)

    @property
    def fact(self) -> str:
        """The refusal without the advice (callers that offer their own way forward)."""
        if self.free <= 0:
            if self.seat_count == 1:
                return "No seats left: the organization's only seat is in use."
            return f"No seats left: all {self.seat_count} seats are in use."
        verb = "is" if self.free == 1 else "are"
        return (f"Only {self.free} of {self.seat_count} seats {verb} free, and this needs "
                f"{self.needed}.")


def require_free_seats(
    session: Session, *, org_id: int, seat_count: int, needed: int, field: str = ""
) -> None:
    """Refuse unless `needed` more seats fit. Call with the organization row locked."""
    free = seat_count - seats_used(session, org_id=org_id)
    if needed > free:
        raise NotEnoughSeats(seat_count=seat_count, free=free, needed=needed, field=field)
