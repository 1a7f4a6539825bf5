"""Seats over time (issue 10): seats used and the seat count per day, derived from what the
database records (memberships, invitations, the audit trail); no table of its own."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from ..models import AuditAction, AuditEvent, Invitation, Membership, Role, User, utcnow
from .permissions import Action, access_org
from .reports import _day

SEAT_DAYS = 90
# Audit actions whose details carry a seat count change as [old, new].
_SEAT_COUNT_ACTIONS = (AuditAction.ORGANIZATION_UPDATE_SETTINGS,
                       AuditAction.ORGANIZATION_ADD_SEATS, AuditAction.ORGANIZATION_UPDATE)
_JOIN_ACTIONS = (AuditAction.MEMBER_ADD, AuditAction.INVITATION_ACCEPT,
                 AuditAction.MEMBERSHIP_ASSIGN)
_LEAVE_ACTIONS = (AuditAction.MEMBER_REMOVE, AuditAction.MEMBERSHIP_UNASSIGN)


@dataclass(frozen=True)
class SeatsDay:
    day: date
    seats_used: int
    seat_count: int


def seats_over_time(session: Session, *, actor: User | None, org_id: Any,
                    days: int = SEAT_DAYS) -> list[SeatsDay]:
    """Seats used and the seat count at the end of each day (today: now) of the last `days`
    days, or since the organization was created. Derived from what is recorded: memberships'
    joined_at (the owner takes no seat), invitations' lifetimes, and the audit trail for
    members who left and for seat count changes. Counted with grouped SQL per day."""
    org, now = access_org(session, actor=actor, org_id=org_id,
                          action=Action.VIEW_REPORTS).org, utcnow()
    today = now.date()
    first = max(today - timedelta(days=days - 1), _day(org.created_at) or today)
    window_start = datetime.combine(first, datetime.min.time(), now.tzinfo)
    series = [first + timedelta(days=n) for n in range((today - first).days + 1)]

    # Held at the end of each day: +1 on the day a seat is taken, -1 on the day it is freed;
    # `before`: held when the window starts.
    change: dict[date, int] = dict.fromkeys(series, 0)
    before = 0

    def add_interval_counts(start_col, end_col, table_conditions) -> None:
        """Intervals [start, end) (end None: still held) of rows matching the conditions: those
        held when the window starts (day NULL) and those starting in it, per day, in one
        grouped query; the ends in the window in another."""
        nonlocal before
        held_at_start = start_col < window_start
        if end_col is not None:
            held_at_start = and_(held_at_start, or_(end_col.is_(None), end_col >= window_start))
        start_day = case((start_col < window_start, None), else_=func.date(start_col))
        for day, count in session.execute(
                select(start_day, func.count())
                .where(*table_conditions, or_(start_col >= window_start, held_at_start))
                .group_by(start_day)):
            if day is None:
                before += count
            elif (d := _day(day)) in change:
                change[d] += count
        if end_col is None:
            return
        end_day = func.date(end_col)
        for day, count in session.execute(select(end_day, func.count()).where(
                *table_conditions, end_col >= window_start, end_col <= now)
                .group_by(end_day)):
            if (d := _day(day)) in change:
                change[d] -= count

    # Members and managers there now take a seat from the day they joined.
    add_interval_counts(Membership.joined_at, None,
                        [Membership.organization_id == org.id, Membership.role != Role.OWNER])
    # A pending invitation holds a seat until it is accepted, revoked or expires.
    inv = Invitation
    ended = case((and_(inv.accepted_at.is_not(None), inv.accepted_at < inv.expires_at),
                  inv.accepted_at),
                 (and_(inv.revoked_at.is_not(None), inv.revoked_at < inv.expires_at),
                  inv.revoked_at),
                 else_=inv.expires_at)
    add_interval_counts(inv.created_at, ended,
                        [inv.organization_id == org.id])

    # Members who left in the window held a seat from when they joined (their last join event,
    # else the window's start) until they left.
    events = session.execute(
        select(AuditEvent.created_at, AuditEvent.action, AuditEvent.details)
        .where(AuditEvent.organization_id == org.id, AuditEvent.created_at >= window_start,
               AuditEvent.action.in_([*_SEAT_COUNT_ACTIONS, *_JOIN_ACTIONS, *_LEAVE_ACTIONS]))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    joined_in_window: dict[Any, date] = {}
    seat_changes: list[tuple[date, int, int]] = []
    for created_at, action, details in events:
        day = _day(created_at)
        if action in _JOIN_ACTIONS:
            joined_in_window[details.get("user_id")] = day
        elif action in _LEAVE_ACTIONS and details.get("role") != Role.OWNER.value:
            joined = joined_in_window.pop(details.get("user_id"), None)
            if joined is None:
                before += 1
            else:
                change[joined] += 1
            if day in change:
                change[day] -= 1
        elif action in _SEAT_COUNT_ACTIONS:
            pair = details.get("seat_count") or (details.get("changes") or {}).get("seat_count")
            if isinstance(pair, list) and len(pair) == 2:
                seat_changes.append((day, int(pair[0]), int(pair[1])))

    # The seat count: today's, walked back through the recorded changes.
    result, used = [], before
    counts = _seat_count_by_day(series, org.seat_count, seat_changes)
    for day in series:
        used += change[day]
        result.append(SeatsDay(day=day, seats_used=used, seat_count=counts[day]))
    return result


def _seat_count_by_day(series: list[date], current: int,
                       changes: list[tuple[date, int, int]]) -> dict[date, int]:
    counts: dict[date, int] = {}
    count = current
    pending = list(reversed(changes))  # the latest first: undone in turn
    for day in reversed(series):
        counts[day] = count
        while pending and pending[0][0] == day:
            count = pending.pop(0)[1]  # before that day's change
    return counts
