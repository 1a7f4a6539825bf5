"""The words and numbers a page shows for a service value: read models carry text that is
ready to display (dates as text, percentages), so states hold them as they are."""

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


def counted(count: int, word: str, plural: str | None = None) -> str:
    """"1 member", "2 members": a count with its noun in the right number."""
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def on_the_way(count: int) -> str:
    """What the person whose change queued `count` e-mails is told once it is saved: delivery
    runs after the commit, so whether they arrived is not known yet (one that fails stays in
    the outbox, counts in /health's backlog and is tried again by the delivery loop)."""
    if count <= 0:
        return ""
    return ("The e-mail is on its way." if count == 1
            else f"The {count:,} e-mails are on their way.")


def names_list(names: list[str], at_most: int = 5) -> str:
    """"A, B and C"; past `at_most` names, "A, B, … and 3 more"."""
    shown, rest = names[:at_most], len(names) - at_most
    if not shown:
        return ""
    if rest > 0:
        return ", ".join(shown) + f" and {rest} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
