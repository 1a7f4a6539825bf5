"""Signing in and out: password check, server-side sessions with hashed random tokens."""

from datetime import timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from ..models import AuthSession, User, utcnow
from . import audit
from .errors import ServiceError
from .passwords import hash_token, new_token, verify_password

SESSION_LIFETIME = timedelta(days=14)
WRONG_CREDENTIALS = "Wrong username, email or password."


def sign_in(session: Session, login: str, password: str) -> tuple[str, User]:
    """Check the credentials and open a session. Returns the raw token (for the browser only).

    Every failure - unknown user, wrong password, deactivated account - gets the same message,
    so the form does not tell a stranger which accounts exist.
    """
    login = (login or "").strip().lower()
    user = (
        session.exec(
            select(User).where(or_(func.lower(User.username) == login, User.email == login))
        ).first()
        if login
        else None
    )
    password_ok = verify_password(user.password_hash if user else None, password or "")
    if user is None or not password_ok or not user.is_active:
        raise ServiceError(WRONG_CREDENTIALS, "password")
    token, token_hash = new_token()
    now = utcnow()
    session.add(
        AuthSession(
            token_hash=token_hash,
            user_id=user.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    audit.record(session, user, "auth.sign_in")
    return token, user


def user_for_token(session: Session, token: str | None) -> User | None:
    """The active user behind a session token, or None when it is unknown, expired or revoked."""
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
    if auth_session.revoked_at is not None or auth_session.expires_at <= utcnow():
        return None
    return user if user.is_active else None


def sign_out(session: Session, token: str | None) -> None:
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
    audit.record(session, session.get(User, auth_session.user_id), "auth.sign_out")


def revoke_all_sessions(session: Session, user_id: int) -> int:
    """End every open session of a user (deactivation, password reset)."""
    result = session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount
