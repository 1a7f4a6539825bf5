"""User accounts: creating, finding, and the staff-only changes (reset password, staff, deactivate)."""

import re
import secrets

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import User
from . import audit
from .auth import revoke_all_sessions
from .errors import FieldErrors, ServiceError
from .passwords import MIN_PASSWORD_LENGTH, hash_password
from .permissions import require_staff
from .validation import clean_email, clean_name

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


def clean_username(value: str, field: str = "username") -> str:
    username = (value or "").strip()
    if not USERNAME_PATTERN.match(username):
        raise ServiceError(
            "Username must be 3 to 150 characters: letters, digits and _ . @ + -", field
        )
    return username


def check_password(password: str, field: str = "password") -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.", field)
    return password


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.lower())).first()


def find_by_username(session: Session, username: str) -> User | None:
    return session.exec(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()


def unique_username_from_email(session: Session, email: str) -> str:
    """A free username derived from the e-mail's local part (for people added by e-mail)."""
    base = re.sub(r"[^A-Za-z0-9_.+-]", "", email.split("@")[0])[:40] or "user"
    base = base if len(base) >= 3 else f"{base}_user"
    candidate = base
    while find_by_username(session, candidate) is not None:
        candidate = f"{base}{secrets.randbelow(100_000)}"
    return candidate


def create_user(
    session: Session,
    actor: User | None,
    *,
    username: str,
    email: str,
    full_name: str,
    password: str | None,
    is_staff: bool = False,
) -> User:
    """Create an account after checking every field; all problems are reported together.

    `password=None` creates an account with no password yet (it is set from an e-mailed link).
    Callers check the actor's permission; this only validates and writes.
    """
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, check in (
        ("username", lambda: clean_username(username)),
        ("email", lambda: clean_email(email)),
        ("full_name", lambda: clean_name(full_name, "full_name", "Full name")),
    ):
        try:
            values[field] = check()
        except ServiceError as error:
            errors[field] = error.message
    if password is not None:
        try:
            check_password(password)
        except ServiceError as error:
            errors["password"] = error.message
    if "username" in values and find_by_username(session, values["username"]):
        errors["username"] = f"The username “{values['username']}” is taken."
    if "email" in values and find_by_email(session, values["email"]):
        errors["email"] = f"An account with the e-mail {values['email']} already exists."
    if errors:
        raise FieldErrors(errors)
    user = User(
        username=values["username"],
        email=values["email"],
        full_name=values["full_name"],
        password_hash=hash_password(password) if password else "",
        is_staff=is_staff,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", user_id=user.id, username=user.username,
                 is_staff=is_staff)
    return user


def set_password(session: Session, actor: User, user_id: int, password: str) -> User:
    """Staff reset a user's password; the user's open sessions end."""
    require_staff(actor)
    user = _get_user(session, user_id)
    user.password_hash = hash_password(check_password(password))
    session.add(user)
    revoke_all_sessions(session, user.id)
    audit.record(session, actor, "user.reset_password", user_id=user.id)
    return user


def set_staff(session: Session, actor: User, user_id: int, is_staff: bool) -> User:
    require_staff(actor)
    user = _get_user(session, user_id)
    if user.id == actor.id and not is_staff:
        raise ServiceError("You cannot remove your own staff rights.")
    user.is_staff = bool(is_staff)
    session.add(user)
    audit.record(session, actor, "user.set_staff", user_id=user.id, is_staff=user.is_staff)
    return user


def set_active(session: Session, actor: User, user_id: int, is_active: bool) -> User:
    """Deactivate (or reactivate) an account. A deactivated user cannot sign in; memberships stay."""
    require_staff(actor)
    user = _get_user(session, user_id)
    if user.id == actor.id and not is_active:
        raise ServiceError("You cannot deactivate your own account.")
    user.is_active = bool(is_active)
    session.add(user)
    if not user.is_active:
        revoke_all_sessions(session, user.id)
    audit.record(session, actor, "user.set_active", user_id=user.id, is_active=user.is_active)
    return user


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise ServiceError("That user does not exist.")
    return user
