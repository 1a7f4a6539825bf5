"""Input checks shared by every service: names, e-mails, numbers, dates."""

from datetime import UTC, date, datetime

from email_validator import EmailNotValidError, validate_email

from ..models import MAX_SEAT_COUNT
from .errors import ServiceError


def clean_name(value: str, field: str, label: str = "Name", max_length: int = 200) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ServiceError(f"{label} is required.", field)
    if len(name) > max_length:
        raise ServiceError(f"{label} must be at most {max_length} characters.", field)
    return name


def clean_email(value: str, field: str = "email") -> str:
    """The address, lower-cased, or a refusal that says what is wrong with it."""
    raw = (value or "").strip()
    if not raw:
        raise ServiceError("Email is required.", field)
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as error:
        raise ServiceError(f"“{raw}” is not a valid e-mail address: {error}", field) from error
    return checked.normalized.lower()


def parse_whole_number(value: str | int, field: str, label: str, minimum: int, maximum: int) -> int:
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        raise ServiceError(
            f"{label} must be a whole number from {minimum:,} to {maximum:,}.", field
        ) from None
    if not minimum <= number <= maximum:
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
