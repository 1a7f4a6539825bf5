"""Input checks shared by every service: text (names, e-mails, searches), numbers, dates, and
how a message quotes what somebody typed."""

import re
from datetime import UTC, date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from ..models import MAX_SEAT_COUNT
from .errors import ServiceError

# C0 and C1 control characters and DEL (Unicode category Cc), and lone surrogates (a JSON client
# can send "\ud800"; no database can store it). PostgreSQL refuses NUL in any text outright, so
# letting one through turns a typo into a server error.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# int() also takes other scripts' digits ("١٢" is 12), "+5", "1_000" and 4,000-digit numbers;
# 18 digits always fit a 64-bit database integer.
_WHOLE_NUMBER_TEXT = re.compile(r"[0-9]{1,18}")
# The biggest value of a PostgreSQL integer column (every id here is one).
MAX_WHOLE_NUMBER = 2**31 - 1
ECHO_LENGTH = 60


def shorten(text: Any, limit: int = ECHO_LENGTH) -> str:
    """What somebody typed, as a message quotes it: control characters dropped, at most `limit`
    characters and "…" (a 900 KB "e-mail address" must not come back in the refusal)."""
    text = strip_control_characters(str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def has_control_characters(text: str) -> bool:
    return _CONTROL_CHARACTERS.search(text) is not None


def refuse_control_characters(text: str, field: str, label: str) -> str:
    """`text` unchanged, or a refusal naming the field: every service taking free text calls
    this (through clean_name, clean_email, optional_text ...) before the text reaches a query."""
    if has_control_characters(text):
        raise ServiceError(f"{label} must not contain control characters.", field)
    return text


def strip_control_characters(text: str) -> str:
    """For searches: a stray control character is dropped silently, not refused."""
    return _CONTROL_CHARACTERS.sub("", text)


def clean_search(value: Any, max_length: int = 200) -> str:
    """A search text: control characters dropped, spaces collapsed, cut to `max_length`;
    anything that is not text searches for nothing."""
    if not isinstance(value, str):
        return ""
    return " ".join(strip_control_characters(value).split())[:max_length]


def clean_name(value: str, field: str, label: str = "Name", max_length: int = 200) -> str:
    # Runs of white space (tabs, new lines) become one space; what is left may not hold controls.
    name = " ".join((value or "").split())
    if not name:
        raise ServiceError(f"{label} is required.", field)
    if len(name) > max_length:
        raise ServiceError(f"{label} must be at most {max_length} characters.", field)
    return refuse_control_characters(name, field, label)


def clean_email(value: str, field: str = "email") -> str:
    """The address, lower-cased, or a refusal that says what is wrong with it."""
    raw = (value or "").strip()
    if not raw:
        raise ServiceError("Email is required.", field)
    refuse_control_characters(raw, field, "Email")
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as error:
        raise ServiceError(f"“{shorten(raw)}” is not a valid e-mail address: {error}",
                           field) from error
    return checked.normalized.lower()


def whole_number(value: Any, *, allow_text: bool = True) -> int | None:
    """A whole number (0 or more) that a client sent, or None when it is not one.

    The one place numbers from outside are read: ids, page numbers, counts, URL tails. An int is
    taken as it is, but never a bool (JSON true would pass as 1). Text, when `allow_text`, must
    be ASCII digits 0-9 (at most 18; spaces around them are ignored). A number above
    MAX_WHOLE_NUMBER is not one either: handed to the database as an id it fails instead of
    being refused (PostgreSQL: "integer out of range"; SQLite: OverflowError past 64 bits), and
    no id, page, or count of ours is that big. Negative numbers are never input here.
    `allow_text=False` where a handler hands over ids it got as ints, so "1" from a crafted
    event is refused as before.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_WHOLE_NUMBER else None
    if allow_text and isinstance(value, str):
        text = value.strip()
        if _WHOLE_NUMBER_TEXT.fullmatch(text) and int(text) <= MAX_WHOLE_NUMBER:
            return int(text)
    return None


def parse_whole_number(value: Any, field: str, label: str, minimum: int, maximum: int) -> int:
    """A number field (forms send text, API callers ints) within its range, or its refusal."""
    number = whole_number(value)
    if number is None or not minimum <= number <= maximum:
        raise ServiceError(
            f"{label} must be a whole number from {minimum:,} to {maximum:,}.", field
        )
    return number


def parse_seat_count(value: str | int, field: str = "seat_count") -> int:
    return parse_whole_number(value, field, "Seat count", 1, MAX_SEAT_COUNT)


def parse_optional_date(
    value: str | date | datetime | None, field: str, label: str
) -> datetime | None:
    """A date typed as YYYY-MM-DD (what a date input sends), or None for empty.

    A date means the end of that day (UTC): an organization "expires at 2027-01-31" is usable
    throughout the 31st.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=UTC)
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(f"{label} must be a date like 2027-01-31.", field) from None
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)
