"""Failed-attempt counters for sign-in and link tokens, one row per key, shared by every worker."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .timeutil import utcnow


class ThrottleCounter(SQLModel, table=True):
    """Recent failures of one key ("account:ann", "address:203.0.113.9", "link:203.0.113.9").

    The rules (thresholds, window, back-off) live in services/throttle.py; this is only the count.
    """

    __tablename__ = "throttle_counters"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True, index=True)
    failures: int = Field(default=0)  # failures since window_started_at
    window_started_at: datetime = Field(default_factory=utcnow)
    last_failure_at: datetime = Field(default_factory=utcnow, index=True)  # stale rows are pruned
    locked_until: datetime | None = Field(default=None)  # empty: not locked
