"""My account: a signed-in person's own password, name, e-mail address and sign-in sessions.

Changing the password or the e-mail address needs the current password, so a browser left
signed in cannot be used to take the account over; wrong current passwords count against the
account's sign-in lock (throttle), like wrong passwords at sign-in. Those two return an
`Outcome` instead of raising: the failure count must commit although the change is refused.

A new e-mail address takes effect only when a link sent to it is opened (it proves the new
mailbox is theirs); the old address is then told. An address another account uses is refused,
when asked and again when confirmed, with a message that does not say whose it is.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import routes
from ..models import AuditAction, AuthSession, LinkPurpose, PasswordSetToken, User, utcnow
from ..settings import base_url
from . import audit, throttle
from .accounts import (
    issue_link,
    link_mail_text,
    open_link,
    queue_personal_mail,
    retire_links,
    usable_link,
)
from .auth import revoke_all_sessions, session_id_for_token
from .display import moment_text
from .errors import ServiceError
from .password_rules import new_password_errors
from .passwords import hash_password, verify_password
from .permissions import require_signed_in
from .users import find_by_email
from .validation import clean_email, clean_name

EMAIL_LINK_LIFETIME = timedelta(days=1)
SESSIONS_SHOWN = 50

WRONG_CURRENT = "That is not your current password."
EMAIL_UNAVAILABLE = "This e-mail address cannot be used. Choose another one."
SAME_EMAIL = "That is already your e-mail address."


@dataclass(frozen=True)
class Outcome:
    """A change that needs the current password: `errors` by field ({} when it was done)."""

    errors: dict[str, str] = field(default_factory=dict)


def _current_password_error(session: Session, user: User, current: Any) -> str:
    """"" when `current` is the account's password; else the refusal (a wrong one counts)."""
    keys = throttle.account_keys(user)
    if (minutes := throttle.locked_minutes(session, keys=keys)) is not None:
        return throttle.too_many_attempts(minutes)  # not even checked while locked
    if verify_password(user.password_hash, current if isinstance(current, str) else ""):
        return ""
    throttle.record_failure(session, keys=keys, user=user)
    return WRONG_CURRENT


# ---------------------------------------------------------------- password and name


def change_password(
    session: Session, *, actor: User | None, session_token: str, current: Any, password: Any,
    confirm: Any,
) -> Outcome:
    """Set a new password (the current one required). Every other session of the account
    ends, this browser's stays; reset links sent earlier stop working."""
    user = require_signed_in(actor)
    errors: dict[str, str] = {}
    if problem := _current_password_error(session, user, current):
        errors["current"] = problem
    errors.update(new_password_errors(password, confirm, username=user.username,
                                      email=user.email))
    if errors:
        return Outcome(errors)
    user.password_hash = hash_password(password)
    session.add(user)
    retire_links(session, user_id=user.id, purpose=LinkPurpose.RESET_PASSWORD)
    ended = revoke_all_sessions(session, user_id=user.id,
                                keep=session_id_for_token(session, token=session_token))
    audit.record(session, actor=user, action=AuditAction.USER_CHANGE_PASSWORD, user_id=user.id,
                 other_sessions_ended=ended)
    return Outcome()


def change_name(session: Session, *, actor: User | None, full_name: Any) -> User:
    """Change one's own full name (no audit event when it stays the same)."""
    user = require_signed_in(actor)
    name = clean_name(full_name if isinstance(full_name, str) else "", "full_name", "Full name")
    if name != user.full_name:
        audit.record(session, actor=user, action=AuditAction.USER_CHANGE_NAME, user_id=user.id,
                     old_name=user.full_name, new_name=name)
        user.full_name = name
        session.add(user)
    return user


# ---------------------------------------------------------------- e-mail address


def _taken(session: Session, email: str, user: User) -> bool:
    other = find_by_email(session, email=email)
    return other is not None and other.id != user.id


def request_email_change(
    session: Session, *, actor: User | None, new_email: Any, current: Any
) -> Outcome:
    """Send a confirmation link to `new_email`; the address changes when it is opened.

    A newer request retires the older links. Whether the address is free is only said to
    someone who gave the right current password."""
    user = require_signed_in(actor)
    errors: dict[str, str] = {}
    email = ""
    try:
        email = clean_email(new_email if isinstance(new_email, str) else "", "new_email")
    except ServiceError as error:
        errors["new_email"] = error.message
    if problem := _current_password_error(session, user, current):
        errors["current"] = problem
    elif email == user.email:
        errors["new_email"] = SAME_EMAIL
    elif email and _taken(session, email, user):
        errors["new_email"] = EMAIL_UNAVAILABLE
    if errors:
        return Outcome(errors)
    retire_links(session, user_id=user.id, purpose=LinkPurpose.CHANGE_EMAIL)
    token = issue_link(session, user=user, purpose=LinkPurpose.CHANGE_EMAIL,
                       lifetime=EMAIL_LINK_LIFETIME,
                       new_email=email)
    audit.record(session, actor=user, action=AuditAction.USER_REQUEST_EMAIL_CHANGE, user_id=user.id,
                 new_email=email)
    hours = int(EMAIL_LINK_LIFETIME.total_seconds() // 3600)
    queue_personal_mail(
        session, user=user, recipient=email, subject="Confirm your new MemberSync e-mail address",
        text=link_mail_text(
            user, asked="You asked to use this address for your MemberSync account",
            action="Confirm it", lifetime=f"{hours} hours", path=routes.confirm_email_link(token),
            closing=f"Until then your e-mail address stays {user.email}. "
                    "If you did not ask for this, ignore this e-mail."))
    return Outcome()


@dataclass(frozen=True)
class EmailLinkView:
    """What /confirm-email/[token] shows."""

    valid: bool
    message: str = ""
    new_email: str = ""


def inspect_email_link(
    session: Session, *, token: Any, address: str | None = None
) -> EmailLinkView:
    """What the link shows; unknown tokens count as guesses from `address`."""
    link = open_link(session, token=token, purpose=LinkPurpose.CHANGE_EMAIL, address=address,
                     count_guess=True)
    if link.problem:
        return EmailLinkView(False, link.problem)
    return EmailLinkView(True, "", link.row.new_email or "")


@dataclass(frozen=True)
class EmailChanged:
    user: User
    old_email: str


def confirm_email_change(session: Session, *, token: Any, address: str | None = None
                         ) -> EmailChanged:
    """The new address confirmed: it becomes the account's e-mail (also its sign-in), the
    link and any other pending one stop working, and the old address is told."""
    row, user = usable_link(session, token=token, purpose=LinkPurpose.CHANGE_EMAIL, address=address)
    new_email = row.new_email or ""
    if not new_email or _taken(session, new_email, user):
        raise ServiceError(EMAIL_UNAVAILABLE)
    old_email = user.email
    now = utcnow()
    user.email = new_email
    row.used_at = now
    session.add_all([user, row])
    try:
        session.flush()
    except IntegrityError:  # another account took it a moment ago (the caller rolls back)
        raise ServiceError(EMAIL_UNAVAILABLE) from None
    retire_links(session, user_id=user.id, purpose=LinkPurpose.CHANGE_EMAIL, now=now)
    audit.record(session, actor=user, action=AuditAction.USER_CHANGE_EMAIL, user_id=user.id,
                 old_email=old_email, new_email=new_email)
    text = (
        f"The e-mail address of your MemberSync account {user.username} was changed from "
        f"{old_email} to {new_email}. MemberSync writes to the new address from now on, and "
        "you sign in with it (or your username).\n\n"
        "If you did not do this, reset your password with “Forgot your password?” on the "
        "sign-in page at once, and tell your organization's staff:\n\n"
        f"{base_url()}{routes.FORGOT_PASSWORD}\n"
    )
    queue_personal_mail(session, user=user, recipient=old_email,
                        subject="Your MemberSync e-mail address was changed", text=text)
    return EmailChanged(user, old_email)


def pending_email(session: Session, *, user: User) -> str:
    """The address waiting for its confirmation link to be opened ("" when none)."""
    return session.exec(
        select(PasswordSetToken.new_email)
        .where(PasswordSetToken.user_id == user.id,
               PasswordSetToken.purpose == LinkPurpose.CHANGE_EMAIL,
               PasswordSetToken.used_at.is_(None), PasswordSetToken.expires_at > utcnow())
        .order_by(PasswordSetToken.id.desc())
    ).first() or ""


# ---------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SessionRow:
    """One browser signed in to the account, ready to show."""

    browser: str  # "Firefox on Windows"
    started: str  # when it signed in, YYYY-MM-DD HH:MM UTC
    last_seen: str  # when it was last used, the same way
    current: bool  # this browser


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
# Order matters: Android names Linux too, and an iPhone "Mac OS X".
_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"),
            ("iPad", "iPad"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_browser(user_agent: str) -> str:
    """A User-Agent header as a person would name it: "Firefox on Windows"."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


def list_sessions(session: Session, *, actor: User | None, session_token: str
                  ) -> list[SessionRow]:
    """The account's open sessions, the most recently seen first."""
    user = require_signed_in(actor)
    current = session_id_for_token(session, token=session_token)
    seen = func.coalesce(AuthSession.last_seen_at, AuthSession.activated_at)
    rows = session.exec(
        select(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.activated_at.is_not(None),
               AuthSession.revoked_at.is_(None), AuthSession.expires_at > utcnow())
        .order_by(seen.desc(), AuthSession.id.desc())
        .limit(SESSIONS_SHOWN)
    ).all()
    return [
        SessionRow(browser=describe_browser(row.user_agent),
                   started=moment_text(row.activated_at),
                   last_seen=moment_text(row.last_seen_at or row.activated_at),
                   current=row.id == current)
        for row in rows
    ]


def sign_out_other_sessions(session: Session, *, actor: User | None, session_token: str) -> int:
    """End every session of the account but this browser's; returns how many ended."""
    user = require_signed_in(actor)
    current = session_id_for_token(session, token=session_token)
    if current is None:
        raise ServiceError("Please sign in first.")
    ended = revoke_all_sessions(session, user_id=user.id, keep=current)
    audit.record(session, actor=user, action=AuditAction.AUTH_SIGN_OUT_OTHERS, user_id=user.id,
                 sessions_ended=ended)
    return ended
