"""User accounts: creating, finding, listing, and the staff-only changes.

Staff reset passwords, make staff, and deactivate accounts (memberships stay).
"""

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..models import (
    AuditAction,
    AuditEvent,
    LinkPurpose,
    Membership,
    MembershipStatus,
    Organization,
    User,
)
from . import accounts, audit, edits, throttle
from .auth import revoke_all_sessions
from .csv_safety import quoted_if_formula
from .errors import FieldErrors, ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, grouped_count, list_page
from .password_rules import check_password
from .passwords import hash_password
from .permissions import Action, access_org, require_signed_in, require_staff
from .records import clean_bool, collect, flush_or_refuse, get_or_refuse
from .validation import (
    clean_email,
    clean_name,
    clean_search,
    refuse_control_characters,
    shorten,
)

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


def clean_username(value: str, field: str = "username") -> str:
    username = refuse_control_characters((value or "").strip(), field, "Username")
    if not USERNAME_PATTERN.fullmatch(username):
        raise ServiceError(
            "Username must be 3 to 150 characters: letters, digits and _ . @ + - only.", field
        )
    return username


def find_by_email(session: Session, *, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.lower())).first()


def find_by_username(session: Session, *, username: str) -> User | None:
    return session.exec(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()


def unique_username_from_email(session: Session, *, email: str) -> str:
    """A free username derived from the e-mail's local part (for people added by e-mail)."""
    base = re.sub(r"[^A-Za-z0-9_.+-]", "", email.split("@")[0])[:40] or "user"
    base = base if len(base) >= 3 else f"{base}_user"
    candidate = base
    while find_by_username(session, username=candidate) is not None:
        candidate = f"{base}{secrets.randbelow(100_000)}"
    return candidate


def _create_user(
    session: Session,
    *,
    actor: User | None,
    username: str,
    email: str,
    full_name: str,
    password: str | None,
    is_staff: bool = False,
) -> User:
    """Create an account after checking every field; all problems are reported together.

    `password=None` creates an account with no password yet (it is set from an e-mailed link).
    Private because it checks no permission: each caller (a staff service, adding members,
    the demo data, the server shell) has already decided who may create the account.
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
    if "username" in values and find_by_username(session, username=values["username"]):
        errors["username"] = f"The username “{shorten(values['username'])}” is taken."
    if "email" in values and find_by_email(session, email=values["email"]):
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
    audit.record(session, actor=actor, action=AuditAction.USER_CREATE, user_id=user.id,
                 username=user.username, is_staff=is_staff)
    return user


def create_staff_from_shell(
    session: Session, *, username: str, email: str, full_name: str, password: str
) -> User:
    """`membersync create-staff`: a staff account made by whoever runs the server's shell.

    No acting user: only someone who already controls the server can run the command (it is
    how the first staff account comes to exist), so the audit event names no actor.
    """
    return _create_user(session, actor=None, username=username, email=email,
                        full_name=full_name, password=password, is_staff=True)


def set_password(session: Session, *, actor: User, user_id: int, password: str) -> User:
    """Staff reset a user's password; the user's open sessions end."""
    require_staff(actor)
    user = _get_user(session, user_id)
    if not isinstance(password, str):
        raise ServiceError("The password must be text.", "password")
    user.password_hash = hash_password(
        check_password(password, username=user.username, email=user.email))
    session.add(user)
    revoke_all_sessions(session, user_id=user.id)
    audit.record(session, actor=actor, action=AuditAction.USER_RESET_PASSWORD, user_id=user.id)
    return user


def _set_flag(session: Session, *, actor: User, user_id: Any, flag: str, value: Any,
              own_refusal: str) -> User:
    """Set a yes / no of an account (`flag`) for staff; nobody turns one off on their own
    account (`own_refusal`), so staff never lock themselves out."""
    user = _get_user(session, user_id)
    value = clean_bool(value, flag)
    if user.id == actor.id and not value:
        raise ServiceError(own_refusal)
    setattr(user, flag, value)
    session.add(user)
    return user


def set_staff(session: Session, *, actor: User, user_id: int, is_staff: bool) -> User:
    require_staff(actor)
    user = _set_flag(session, actor=actor, user_id=user_id, flag="is_staff", value=is_staff,
                     own_refusal="You cannot remove your own staff rights.")
    audit.record(session, actor=actor, action=AuditAction.USER_SET_STAFF, user_id=user.id,
                 is_staff=user.is_staff)
    return user


def set_active(session: Session, *, actor: User, user_id: int, is_active: bool) -> User:
    """Deactivate (or reactivate) an account: a deactivated user cannot sign in.

    Memberships stay."""
    require_staff(actor)
    user = _set_flag(session, actor=actor, user_id=user_id, flag="is_active", value=is_active,
                     own_refusal="You cannot deactivate your own account.")
    if not user.is_active:
        revoke_all_sessions(session, user_id=user.id)
    audit.record(session, actor=actor, action=AuditAction.USER_SET_ACTIVE, user_id=user.id,
                 is_active=user.is_active)
    return user


USER_LABELS = {"full_name": "Full name", "email": "Email"}


def opened_user(user: User) -> dict:
    """What the staff edit form shows of `user`, for `update_user(opened=...)`."""
    return edits.opened(user.version, {key: getattr(user, key) for key in USER_LABELS},
                        record=user.id).as_dict()


def get_user_form(session: Session, *, actor: User | None, user_id: Any) -> User:
    """The account staff open in the Users page's edit form."""
    require_staff(actor)
    return _get_user(session, user_id)


def update_user(
    session: Session, *, actor: User | None, user_id: Any, full_name: Any, email: Any,
    opened: Any = None,
) -> User:
    """Staff correct a user's name and e-mail (both checked, the e-mail unique).

    Only what the person changed since the form opened is written (services/edits.py). A new
    e-mail takes effect at once (staff vouch for it, as when they create the account); the
    links already mailed to the old address stop working, since it may be the wrong one.
    """
    require_staff(actor)
    user = _get_user(session, user_id)
    values, errors = collect({
        "full_name": lambda: clean_name(full_name if isinstance(full_name, str) else "",
                                        "full_name", "Full name"),
        "email": lambda: clean_email(email if isinstance(email, str) else ""),
    })
    if "email" in values and values["email"] != user.email:
        other = find_by_email(session, email=values["email"])
        if other is not None and other.id != user.id:
            errors["email"] = f"An account with the e-mail {values['email']} already exists."
    if errors:
        raise FieldErrors(errors)
    mine = edits.changed_since(
        what="user", record=user.id, version=user.version, values=values,
        current={key: getattr(user, key) for key in USER_LABELS}, opened_form=opened,
        labels=USER_LABELS,
        editor=edits.last_editor(
            session, AuditEvent.details["user_id"].as_integer() == user.id,
            AuditEvent.action.in_((AuditAction.USER_UPDATE, AuditAction.USER_CHANGE_NAME,
                                   AuditAction.USER_CHANGE_EMAIL))))
    changes = {key: [getattr(user, key), value] for key, value in mine.items()
               if getattr(user, key) != value}
    if not changes:
        return user
    for key, (_old, new) in changes.items():
        setattr(user, key, new)
    session.add(user)
    flush_or_refuse(session, message=f"An account with the e-mail {user.email} already exists.",
                    field="email")
    if "email" in changes:
        from .accounts import retire_links  # accounts imports this module

        for purpose in LinkPurpose:
            retire_links(session, user_id=user.id, purpose=purpose)
    audit.record(session, actor=actor, action=AuditAction.USER_UPDATE, user_id=user.id,
                 username=user.username, changes=changes)
    return user


RESEND_REFUSED = ("Only staff, or the owner or a manager of an organization this person "
                  "belongs to, may send them this e-mail.")


def resend_set_password_email(session: Session, *, actor: User | None, user_id: Any,
                              org_id: Any = None) -> None:
    """E-mail a new "set your password" link to an account that never set a password.

    Allowed to staff, and to whoever may add members (owner, managers with that right) to
    `org_id` (the organization page it is sent from), when the person is an active member of
    it: they added the person, and the first e-mail may have been lost. Once a password is
    set, "Forgot your password?" is the way, so this can never be used to take over an
    account in use.
    """
    actor = require_signed_in(actor)
    user = _get_user(session, user_id)
    org = None if actor.is_staff else _org_allowing_resend(session, actor, user, org_id)
    if not user.is_active:
        raise ServiceError(f"The account of {user.username} is deactivated: activate it first.")
    if user.password_hash:
        raise ServiceError(f"{user.username} has already set a password; they can use "
                           "“Forgot your password?” on the sign-in page.")
    if org is None:  # staff: name the first organization the person belongs to, if any
        org = session.exec(
            select(Organization).join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE)
            .order_by(Organization.id).limit(1)
        ).first()
    queue_set_password_mail(session, user=user, sender=actor,
                            org_title=org.title if org else None)
    audit.record(session, actor=actor, action=AuditAction.USER_RESEND_SET_PASSWORD,
                 organization_id=org.id if org else None, user_id=user.id, username=user.username)


def _org_allowing_resend(session: Session, actor: User, user: User, org_id: Any
                         ) -> Organization:
    """`org_id` when `actor` may add members to it (else its refusal: expired, blocked, not
    allowed) and `user` is an active member of it; else RESEND_REFUSED."""
    if org_id is None:
        raise ServiceError(RESEND_REFUSED)
    org = access_org(session, actor=actor, org_id=org_id, action=Action.ADD_MEMBERS).org
    if session.exec(select(Membership.id).where(
            Membership.organization_id == org.id, Membership.user_id == user.id,
            Membership.status == MembershipStatus.ACTIVE)).first() is None:
        raise ServiceError(RESEND_REFUSED)
    return org


def queue_set_password_mail(session: Session, *, user: User, sender: User,
                            org_title: str | None) -> None:
    """Queue the "set your password" e-mail the dashboard sends people it adds, from `sender`
    (whose permission the caller checked). Without an
    organization, the same link in a plainer message."""
    if org_title is not None:
        accounts.queue_welcome_mail(session, user=user, org_title=org_title, added_by=sender)
        return
    link = accounts.issue_password_link(session, user=user)
    text = (
        f"{quoted_if_formula(sender.full_name or sender.username)} created your MemberSync "
        "account.\n"
        f"Set your password here (the link works once, for "
        f"{accounts.PASSWORD_LINK_LIFETIME.days} days):\n\n{link}\n\n"
        f"Then sign in with your e-mail address {user.email}.\n"
    )
    accounts.queue_personal_mail(session, user=user, subject="Set your MemberSync password",
                                 text=text)


def _get_user(session: Session, user_id: Any) -> User:
    return get_or_refuse(session, model=User, item_id=user_id, message="That user does not exist.")


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
    created_on: str  # the day the account was made, YYYY-MM-DD, as the page shows it
    organization_count: int
    is_locked: bool = False  # too many failed sign-ins: staff may unlock it
    memberships: tuple[UserMembership, ...] = ()  # the first MEMBERSHIPS_SHOWN, by title


OWNER_SEARCH_LIMIT = 10
# A user search looks in these: the users list and the owner picker.
_SEARCHED = (User.username, User.email, User.full_name)


def _matches(text: str):
    return or_(*(column.icontains(text, autoescape=True) for column in _SEARCHED))


def list_users(
    session: Session, *, actor: User | None, search: Any = "", sort: Any = "username",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[UserRow]:
    """One page of users (staff only), searched by username, e-mail or name, sorted in SQL."""
    require_staff(actor)
    return list_page(
        session, query=select(User), search_in=_SEARCHED,
        sort_columns={
            "username": func.lower(User.username),
            "email": User.email,
            "full_name": func.lower(User.full_name),
            "created_at": User.created_at,
            "is_staff": User.is_staff,
            "is_active": User.is_active,
        },
        default_sort="username", tiebreak=User.id,
        make_rows=lambda users: _user_rows(session, users),
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )


def _user_rows(session: Session, users: list[User]) -> list[UserRow]:
    """The list's rows for one page of users, with their organizations and locks (a few queries
    for the whole page)."""
    ids = [u.id for u in users]
    orgs = grouped_count(session, column=Membership.user_id, ids=ids)
    memberships = _memberships_of(session, ids)
    locked = throttle.locked_user_ids(session, people=users)
    return [
        UserRow(
            id=u.id,
            username=u.username,
            email=u.email,
            full_name=u.full_name,
            is_staff=u.is_staff,
            is_active=u.is_active,
            has_password=bool(u.password_hash),
            created_on=u.created_at.date().isoformat(),
            organization_count=orgs[u.id],
            is_locked=u.id in locked,
            memberships=tuple(memberships.get(u.id, [])[:MEMBERSHIPS_SHOWN]),
        )
        for u in users
    ]


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
    session: Session, *, actor: User | None, text: Any, limit: int = OWNER_SEARCH_LIMIT
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


def any_user(session: Session) -> bool:
    """Whether the database has an account yet (demo data loads only into an empty one)."""
    return session.exec(select(User.id).limit(1)).first() is not None


def create_user_by_staff(
    session: Session,
    *,
    actor: User | None,
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
    return _create_user(
        session,
        actor=actor,
        username=username or "",
        email=email or "",
        full_name=full_name or "",
        password=password or None,
        is_staff=is_staff,
    )
