"""How states turn service values into the words and numbers a page shows."""

from datetime import datetime


def expiry_text(expires_at: datetime | None) -> str:
    """A date as YYYY-MM-DD, or "never" for an organization without an expiry."""
    return expires_at.date().isoformat() if expires_at else "never"


def percent(part: int, whole: int) -> int:
    """part of whole in whole percent, at most 100 (a bar's fill)."""
    return min(100, round(100 * part / whole)) if whole > 0 else 0


def moment_text(moment: datetime | None) -> str:
    """A point in time as YYYY-MM-DD HH:MM UTC ("" for none)."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""
