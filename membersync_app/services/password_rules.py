"""The rules every new password must pass, in one place: whatever sets a password calls
`check_password` (staff, the command line, e-mailed links, invitations, My account).

The common-password list is the one zxcvbn ships (30,000 passwords ranked by how often they
appeared in leaked password dumps), so it is kept up to date by its maintainers, not by us.
"""

from functools import cache
from typing import Any

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .errors import ServiceError

MIN_PASSWORD_LENGTH = 10
# Argon2 takes any length; a cap keeps a pasted novel from costing the server a long hash.
MAX_PASSWORD_LENGTH = 256
# A name this short ("al") would refuse too many good passwords that merely contain it.
MIN_NAME_IN_PASSWORD = 3

TOO_SHORT = f"Password must be at least {MIN_PASSWORD_LENGTH} characters."
TOO_LONG = f"Password must be at most {MAX_PASSWORD_LENGTH} characters."
TOO_COMMON = ("This password is one of the most common passwords: "
              "choose one that is harder to guess.")
HAS_USERNAME = "Password must not contain your username."
HAS_EMAIL = "Password must not contain your e-mail address (the part before the @)."
REQUIRED = "Password is required."
DIFFERENT = "The two passwords differ."
# What a form says under a new password field.
RULES_HINT = (f"At least {MIN_PASSWORD_LENGTH} characters; not one of the most common passwords; "
              "not containing your username or e-mail address.")


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether the password, ignoring case, is on the list of the most common ones."""
    return password.lower() in common_passwords()


def _contains(password: str, name: str) -> bool:
    name = (name or "").strip().lower()
    return len(name) >= MIN_NAME_IN_PASSWORD and name in password.lower()


def password_problem(password: Any, *, username: str = "", email: str = "") -> str:
    """The first rule `password` breaks, as the sentence a form shows; "" when it passes."""
    if not isinstance(password, str) or not password:
        return REQUIRED
    if len(password) < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return TOO_LONG
    if is_common(password):
        return TOO_COMMON
    if _contains(password, username):
        return HAS_USERNAME
    if _contains(password, (email or "").rpartition("@")[0]):
        return HAS_EMAIL
    return ""


def check_password(
    password: Any, *, username: str = "", email: str = "", field: str = "password"
) -> str:
    """`password` when it passes every rule; else a refusal on `field` naming the rule."""
    if problem := password_problem(password, username=username, email=email):
        raise ServiceError(problem, field)
    return password


def new_password_errors(
    password: Any, confirm: Any, *, username: str = "", email: str = ""
) -> dict[str, str]:
    """The errors of a "new password" + "confirm password" pair, by field ({} when both are
    fine); the confirmation is compared only once the password itself passes."""
    if problem := password_problem(password, username=username, email=email):
        return {"password": problem}
    if password != confirm:
        return {"confirm": DIFFERENT}
    return {}
