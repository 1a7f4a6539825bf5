"""The reports' filters, parsed and checked in one place (issue 10).

The same `ReportFilters` feeds the figures, the charts, the tables, the CSV export (server
route and command line) and the page's URL query, so a filtered report can be bookmarked.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from ..models import MembershipStatus, Role
from .errors import ServiceError
from .validation import clean_search, whole_number

MAX_INACTIVE_DAYS = 3650


class CourseStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# What the status filter offers: one status, or both ("all").
ALL = "all"


def _choice(query: Mapping[str, Any], key: str, enum, label: str):
    raw = query.get(key)
    if raw in (None, "", ALL):
        return None
    try:
        return enum(raw)
    except ValueError:
        raise ServiceError(f"Unknown {label}.", key) from None


def _day(query: Mapping[str, Any], key: str, label: str) -> date | None:
    raw = query.get(key)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(raw.strip())
    except (AttributeError, ValueError):
        raise ServiceError(f"{label} must be a date like 2026-01-31.", key) from None


@dataclass(frozen=True)
class ReportFilters:
    """Who and what a report covers. Members are chosen by role, status, search and activity;
    `course_status` then keeps only their courses in that state."""

    role: Role | None = None
    status: MembershipStatus | None = MembershipStatus.ACTIVE  # None: active and blocked
    search: str = ""
    course_status: CourseStatus | None = None
    active_from: date | None = None  # last activity on or after this day
    active_to: date | None = None  # last activity on or before this day
    inactive_days: int | None = None  # no activity in the last N days

    @classmethod
    def from_query(cls, query: Mapping[str, Any] | None) -> "ReportFilters":
        """Filters from a URL query or a submitted form (text values); a bad value is refused
        with the name of its field."""
        query = query or {}
        status_raw = query.get("status")
        if status_raw in (None, ""):
            status = MembershipStatus.ACTIVE
        elif status_raw == ALL:
            status = None
        else:
            status = _choice(query, "status", MembershipStatus, "member status")
        inactive_raw = query.get("inactive")
        inactive = None
        if inactive_raw not in (None, ""):
            inactive = whole_number(inactive_raw)
            if inactive is None or not 1 <= inactive <= MAX_INACTIVE_DAYS:
                raise ServiceError(
                    f"Inactive for must be a whole number of days from 1 to {MAX_INACTIVE_DAYS:,}.",
                    "inactive")
        active_from = _day(query, "active_from", "Active from")
        active_to = _day(query, "active_to", "Active to")
        if active_from and active_to and active_from > active_to:
            raise ServiceError("Active from must not be after Active to.", "active_to")
        search = query.get("q")
        return cls(
            role=_choice(query, "role", Role, "role"),
            status=status,
            search=clean_search(search) if isinstance(search, str) else "",
            course_status=_choice(query, "course_status", CourseStatus, "course status"),
            active_from=active_from,
            active_to=active_to,
            inactive_days=inactive,
        )

    def to_query(self) -> dict[str, str]:
        """The URL query for these filters: only what differs from the defaults."""
        values = {
            "role": self.role.value if self.role else "",
            "status": self.status.value if self.status else ALL,
            "q": self.search,
            "course_status": self.course_status.value if self.course_status else "",
            "active_from": self.active_from.isoformat() if self.active_from else "",
            "active_to": self.active_to.isoformat() if self.active_to else "",
            "inactive": str(self.inactive_days) if self.inactive_days else "",
        }
        defaults = ReportFilters()
        default_status = defaults.status.value if defaults.status else ALL
        return {key: value for key, value in values.items()
                if value and not (key == "status" and value == default_status)}

    def form_values(self) -> dict[str, str]:
        """Every filter as the form shows it (defaults included)."""
        query = self.to_query()
        return {key: query.get(key, "") for key in QUERY_KEYS} | {
            "status": self.status.value if self.status else ALL}

    @property
    def active_from_at(self) -> datetime | None:
        return datetime.combine(self.active_from, time.min, UTC) if self.active_from else None

    @property
    def active_to_at(self) -> datetime | None:
        return datetime.combine(self.active_to, time.max, UTC) if self.active_to else None

    @property
    def filters_activity(self) -> bool:
        return bool(self.active_from or self.active_to or self.inactive_days)


QUERY_KEYS = ("role", "status", "q", "course_status", "active_from", "active_to", "inactive")
assert len(QUERY_KEYS) == len(fields(ReportFilters))
