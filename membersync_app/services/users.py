"""User accounts: creating, finding, listing, and the staff-only changes.

Staff reset passwords, make staff, and deactivate accounts (memberships stay).
"""

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..models import AuditAction, Membership, Organization, User
from . import audit, throttle
from .auth import revoke_all_sessions
from .errors import FieldErrors, ServiceError
from .listing import Page, clean_listing, grouped_count, paginate
from .password_rules import check_password
from .passwords import hash_password
from .permissions import require_staff
from .validation import (
    clean_email,
    clean_name,
    clean_search,
    has_control_characters,
    refuse_control_characters,
    shorten,
    whole_number,
)

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


def clean_username(value: str, field: str = "username") -> str:
    username = refuse_control_characters((value or "").strip(), field, "Username")
    if not USERNAME_PATTERN.fullmatch(username):
        raise ServiceError(
            "Username must be 3 to 150 characters: letters, digits and _ . @ + -", field
        )
    return username


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
            check_password(password, username=values.get("username", username),
                           email=values.get("email", email))
        except ServiceError as error:
            errors["password"] = error.message
    if "username" in values and find_by_username(session, values["username"]):
        errors["username"] = f"The username “{shorten(values['username'])}” is taken."
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
    audit.record(session, actor, AuditAction.USER_CREATE, user_id=user.id,
                 username=user.username, is_staff=is_staff)
    return user


def set_password(session: Session, actor: User, user_id: int, password: str) -> User:
    """Staff reset a user's password; the user's open sessions end."""
    require_staff(actor)
    user = _get_user(session, user_id)
    if not isinstance(password, str):
        raise ServiceError("The password must be text.", "password")
    user.password_hash = hash_password(
        check_password(password, username=user.username, email=user.email))
    session.add(user)
    revoke_all_sessions(session, user.id)
    audit.record(session, actor, AuditAction.USER_RESET_PASSWORD, user_id=user.id)
    return user


def set_staff(session: Session, actor: User, user_id: int, is_staff: bool) -> User:
    require_staff(actor)
    user = _get_user(session, user_id)
    if not isinstance(is_staff, bool):
        raise ServiceError("Choose yes or no.", "is_staff")
    if user.id == actor.id and not is_staff:
        raise ServiceError("You cannot remove your own staff rights.")
    user.is_staff = bool(is_staff)
    session.add(user)
    audit.record(session, actor, AuditAction.USER_SET_STAFF, user_id=user.id,
                 is_staff=user.is_staff)
    return user


def set_active(session: Session, actor: User, user_id: int, is_active: bool) -> User:
    """Deactivate (or reactivate) an account: a deactivated user cannot sign in.

    Memberships stay."""
    require_staff(actor)
    user = _get_user(session, user_id)
    if not isinstance(is_active, bool):
        raise ServiceError("Choose yes or no.", "is_active")
    if user.id == actor.id and not is_active:
        raise ServiceError("You cannot deactivate your own account.")
    user.is_active = bool(is_active)
    session.add(user)
    if not user.is_active:
        revoke_all_sessions(session, user.id)
    audit.record(session, actor, AuditAction.USER_SET_ACTIVE, user_id=user.id,
                 is_active=user.is_active)
    return user


def _get_user(session: Session, user_id: int) -> User:
    user_id = whole_number(user_id, allow_text=False)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise ServiceError("That user does not exist.")
    return user


# ---------------------------------------------------------------- staff: list, search, create


@dataclass(frozen=True)
class UserMembership:
    """One of a user's memberships, as the staff Users page lists it."""

    organization_id: int
    title: str
    role: str
    status: str


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    email: str
    full_name: str
    is_staff: bool
    is_active: bool
    has_password: bool
    created_at: Any
    organization_count: int
    is_locked: bool = False  # too many failed sign-ins: staff may unlock it
    memberships: tuple[UserMembership, ...] = ()  # the first MEMBERSHIPS_SHOWN, by title


USER_SORTS = ("username", "email", "full_name", "created_at", "is_staff", "is_active")
OWNER_SEARCH_LIMIT = 10


def _matches(text: str):
    return or_(
        User.username.icontains(text, autoescape=True),
        User.email.icontains(text, autoescape=True),
        User.full_name.icontains(text, autoescape=True),
    )


def list_users(
    session: Session,
    actor: User | None,
    *,
    search: Any = "",
    sort: Any = "username",
    descending: Any = False,
    page: Any = 1,
    page_size: Any = 20,
):
    """One page of users (staff only), searched by username, e-mail or name, sorted in SQL."""
    require_staff(actor)
    listing = clean_listing(
        search=search,
        sort=sort,
        descending=descending,
        page=page,
        page_size=page_size,
        sorts=USER_SORTS,
        default_sort="username",
    )
    query = select(User)
    if listing.search:
        query = query.where(_matches(listing.search))
    users, total, page_number = paginate(
        session,
        query,
        listing,
        {
            "username": func.lower(User.username),
            "email": User.email,
            "full_name": func.lower(User.full_name),
            "created_at": User.created_at,
            "is_staff": User.is_staff,
            "is_active": User.is_active,
        },
        User.id,
    )
    orgs = grouped_count(session, Membership.user_id, [u.id for u in users])
    memberships = _memberships_of(session, [u.id for u in users])
    locked = throttle.locked_user_ids(session, users)
    rows = [
        UserRow(
            id=u.id,
            username=u.username,
            email=u.email,
            full_name=u.full_name,
            is_staff=u.is_staff,
            is_active=u.is_active,
            has_password=bool(u.password_hash),
            created_at=u.created_at,
            organization_count=orgs[u.id],
            is_locked=u.id in locked,
            memberships=tuple(memberships.get(u.id, [])[:MEMBERSHIPS_SHOWN]),
        )
        for u in users
    ]
    return Page(rows=rows, total=total, page=page_number, page_size=listing.page_size)


MEMBERSHIPS_SHOWN = 10


def _memberships_of(session: Session, user_ids: list[int]) -> dict[int, list[UserMembership]]:
    """The memberships of one page of users, in one query."""
    found: dict[int, list[UserMembership]] = {}
    if not user_ids:
        return found
    for user_id, org_id, title, role, status in session.exec(
        select(Membership.user_id, Organization.id, Organization.title, Membership.role,
               Membership.status)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.user_id.in_(user_ids))
        .order_by(func.lower(Organization.title))
    ):
        found.setdefault(user_id, []).append(
            UserMembership(organization_id=org_id, title=title, role=role.value,
                           status=status.value))
    return found


def search_users(
    session: Session, actor: User | None, *, text: Any, limit: int = OWNER_SEARCH_LIMIT
) -> list[User]:
    """Up to `limit` active users whose username, e-mail or name contains `text` (owner picker)."""
    require_staff(actor)
    if not isinstance(text, str):
        raise ServiceError("The search must be text.", "owner")
    text = clean_search(text)
    if not text:
        return []
    return list(
        session.exec(
            select(User)
            .where(_matches(text), User.is_active)
            .order_by(func.lower(User.username))
            .limit(limit)
        ).all()
    )


def find_by_login(session: Session, login: str) -> User | None:
    """The user whose username or e-mail is exactly `login` (case-insensitive)."""
    login = (login or "").strip().lower()
    if not login or has_control_characters(login):  # no account has one; PostgreSQL refuses NUL
        return None
    return session.exec(
        select(User).where(or_(func.lower(User.username) == login, User.email == login))
    ).first()


def create_user_by_staff(
    session: Session,
    actor: User | None,
    *,
    username: Any,
    email: Any,
    full_name: Any,
    password: Any,
    is_staff: Any = False,
) -> User:
    """Staff create an account. An empty password creates one with no password set yet."""
    require_staff(actor)
    texts = {"username": username, "email": email, "full_name": full_name, "password": password}
    errors = {
        field: "Must be text."
        for field, value in texts.items()
        if value is not None and not isinstance(value, str)
    }
    if not isinstance(is_staff, bool):
        errors["is_staff"] = "Choose yes or no."
    if errors:
        raise FieldErrors(errors)
    return create_user(
        session,
        actor,
        username=username or "",
        email=email or "",
        full_name=full_name or "",
        password=password or None,
        is_staff=is_staff,
    )
