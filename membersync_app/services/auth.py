"""Signing in and out: password check with throttling, server-side sessions with hashed tokens.

A session is opened in two steps so that its token is only ever seen by the server and the
browser's cookie jar: `sign_in` (or `start_session`) writes a pending session row and returns a
one-minute, single-use *grant*; the server route behind `routes.session_link(grant)` swaps the
grant for the real token (`activate_session`) and sets it in an HttpOnly cookie.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from ..models import AuditAction, AuthSession, User, utcnow
from . import audit, roster, throttle
from .passwords import hash_token, new_token, verify_password
from .validation import has_control_characters, strip_control_characters

SESSION_LIFETIME = timedelta(days=14)
GRANT_LIFETIME = timedelta(minutes=1)
# "Last seen" is written at most this often per session: one small write a minute, not one an event.
SEEN_EVERY = timedelta(minutes=1)
MAX_USER_AGENT = 300  # AuthSession.user_agent
WRONG_CREDENTIALS = "Wrong username, email or password."


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt. Failures are results, not exceptions, so the failure
    count and its audit event commit with the transaction."""

    user: User | None = None
    grant: str = ""
    error: str = ""


def sign_in(session: Session, *, login: str, password: str, address: str) -> SignIn:
    """Check the credentials and start a session; returns the grant on success.

    Every failure - unknown user, wrong password, deactivated account - gets the same message,
    so the form does not tell a stranger which accounts exist; the audit log says which it was.
    While the account or the client address is locked out, not even the right password is
    checked.
    """
    login = (login or "").strip().lower()
    user = find_by_login(session, login=login)
    login = strip_control_characters(login)  # it becomes a throttle key (a database row)
    # An account is one account whether it is typed as its username or its e-mail.
    keys = list(dict.fromkeys([throttle.account_key(login), throttle.address_key(address),
                               *(throttle.account_keys(user) if user else [])]))
    if (minutes := throttle.locked_minutes(session, keys=keys)) is not None:
        return SignIn(error=throttle.too_many_attempts(minutes))
    password_ok = verify_password(user.password_hash if user else None, password or "")
    if user is None or not password_ok or not user.is_active:
        reason = ("unknown account" if user is None
                  else "wrong password" if not password_ok else "account deactivated")
        # What was typed is not kept: people type passwords into the login field.
        audit.record(session, actor=user, action=AuditAction.AUTH_SIGN_IN_FAILED, address=address,
                     reason=reason)
        throttle.record_failure(session, keys=keys, user=user)
        return SignIn(error=WRONG_CREDENTIALS)
    for key in {throttle.account_key(login), *throttle.account_keys(user)}:
        throttle.clear(session, key=key)
    roster.forget_added_names(session,
                              user_id=user.id)  # they show under their own name from now on
    audit.record(session, actor=user, action=AuditAction.AUTH_SIGN_IN, address=address)
    return SignIn(user=user, grant=start_session(session, user=user))


def find_by_login(session: Session, *, login: str) -> User | None:
    """The user whose username or e-mail is exactly `login` (case-insensitive): the sign-in
    lookup, and every form that names a person by login."""
    login = (login or "").strip().lower()
    if not login or has_control_characters(login):  # no account has one; PostgreSQL refuses NUL
        return None
    return session.exec(
        select(User).where(or_(func.lower(User.username) == login, User.email == login))
    ).first()


def start_session(session: Session, *, user: User) -> str:
    """A pending session for `user`; returns its single-use grant (valid for one minute)."""
    grant, grant_hash = new_token()
    now = utcnow()
    session.add(AuthSession(token_hash=grant_hash, user_id=user.id, created_at=now,
                            expires_at=now + GRANT_LIFETIME))
    return grant


def activate_session(session: Session, *, grant: str, user_agent: str = "") -> str | None:
    """Swap a fresh, unused grant for the session token; None when the grant does not work.

    `user_agent` (the browser's own header) is kept to name the browser on "My account"."""
    if not grant:
        return None
    pending = session.exec(
        select(AuthSession)
        .where(AuthSession.token_hash == hash_token(grant), AuthSession.activated_at.is_(None))
        .with_for_update()
    ).first()
    now = utcnow()
    if pending is None or pending.revoked_at is not None or pending.expires_at <= now:
        return None
    token, token_hash = new_token()
    pending.token_hash = token_hash
    pending.activated_at = now
    pending.last_seen_at = now
    pending.expires_at = now + SESSION_LIFETIME
    pending.user_agent = strip_control_characters(user_agent or "")[:MAX_USER_AGENT]
    session.add(pending)
    return token


def _active_session(session: Session, token: str | None) -> tuple[AuthSession, User] | None:
    if not token:
        return None
    row = session.exec(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    auth_session, user = row
    if (auth_session.activated_at is None or auth_session.revoked_at is not None
            or auth_session.expires_at <= utcnow() or not user.is_active):
        return None
    return auth_session, user


def open_session_for_token(session: Session, *, token: str | None) -> AuthSession | None:
    """The open session behind a token (None: signed out)."""
    found = _active_session(session, token)
    return found[0] if found else None


def seen_long_ago(auth_session: AuthSession, now: datetime | None = None) -> bool:
    """Whether the session's "last seen" is due to be written again."""
    seen = auth_session.last_seen_at
    return seen is None or seen <= (now or utcnow()) - SEEN_EVERY


def note_seen(session: Session, *, session_id: int, now: datetime | None = None) -> None:
    """Record that the session sent an event now (skipped when another worker just did)."""
    now = now or utcnow()
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id,
               or_(AuthSession.last_seen_at.is_(None),
                   AuthSession.last_seen_at <= now - SEEN_EVERY))
        .values(last_seen_at=now)
    )


def user_for_token(session: Session, *, token: str | None) -> User | None:
    """The active user behind a session token, or None when it is unknown, expired or revoked."""
    found = _active_session(session, token)
    return found[1] if found else None


def session_id_for_token(session: Session, *, token: str | None) -> int | None:
    """Which open session a token belongs to (None: signed out): a tab's view belongs to it."""
    found = _active_session(session, token)
    return found[0].id if found else None


def sign_out(session: Session, *, token: str | None) -> None:
    """Revoke the session behind the token; the token never works again."""
    if not token:
        return
    auth_session = session.exec(
        select(AuthSession).where(AuthSession.token_hash == hash_token(token))
    ).first()
    if auth_session is None or auth_session.revoked_at is not None:
        return
    auth_session.revoked_at = utcnow()
    session.add(auth_session)
    audit.record(session, actor=session.get(User, auth_session.user_id),
                 action=AuditAction.AUTH_SIGN_OUT)


def revoke_all_sessions(session: Session, *, user_id: int, keep: int | None = None) -> int:
    """End every open session of a user (deactivation, password reset), but the one with id
    `keep` when given (the browser that changed its own password)."""
    query = update(AuthSession).where(AuthSession.user_id == user_id,
                                      AuthSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    return session.execute(query.values(revoked_at=utcnow())).rowcount

