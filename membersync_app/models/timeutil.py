"""One clock for the whole app: aware UTC datetimes (SQLModel stores them as UTC everywhere)."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
