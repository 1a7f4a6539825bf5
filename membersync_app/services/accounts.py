"""Accounts made for people added by e-mail: the one-time "set your password" link.

Only the SHA-256 of a link's token is stored. A link works once, for a limited time; issuing a
new one does not cancel older ones that are still valid (the person may open either e-mail).
A link sets the account's *first* password only: once the account has a password (from any
link, from accepting an invitation, or from staff), every other link of it stops working, so a
leftover e-mail cannot take the account over and end its owner's sessions.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from .. import routes
from ..models import AuditAction, PasswordSetToken, User, utcnow
from ..settings import base_url
from . import audit, mail, throttle
from .auth import revoke_all_sessions
from .errors import FieldErrors, ServiceError
from .passwords import hash_password, hash_token, new_token
from .users import check_password

PASSWORD_LINK_LIFETIME = timedelta(days=7)

LINK_UNKNOWN = "This link is not valid. Check that you copied the whole address from the e-mail."
LINK_USED = "This link was already used to set a password. Sign in with your e-mail address."
LINK_PASSWORD_SET = (
    "A password is already set for this account: sign in with your e-mail address, "
    "or ask staff to reset your password."
)
LINK_EXPIRED = (
    "This link has expired. Ask the person who added you to add you again, "
    "or ask staff to reset your password."
)


def issue_password_link(session: Session, user: User) -> str:
    """A new one-time token for `user`; returns the full link to put in an e-mail."""
    token, token_hash = new_token()
    now = utcnow()
    session.add(PasswordSetToken(token_hash=token_hash, user_id=user.id, created_at=now,
                                 expires_at=now + PASSWORD_LINK_LIFETIME))
    session.flush()
    return base_url() + routes.set_password_link(token)


def queue_welcome_mail(session: Session, *, user: User, org_title: str, added_by: User) -> int:
    """The "you were added, set your password" e-mail, queued in the outbox; returns its id."""
    link = issue_password_link(session, user)
    inviter = added_by.full_name or added_by.username
    body = (
        f"Hello {user.full_name or user.email},\n\n"
        f"{inviter} added you to {org_title} on MemberSync.\n"
        f"Set your password here (the link works once, for "
        f"{PASSWORD_LINK_LIFETIME.days} days):\n\n{link}\n\n"
        f"Then sign in with your e-mail address {user.email} to see your courses and licenses.\n"
    )
    message = mail.queue(session, recipient=user.email,
                         subject=f"Set your MemberSync password ({org_title})", body=body)
    return message.id


def queue_added_mail(session: Session, *, user: User, org_title: str, added_by: User) -> int:
    """The "you were added" e-mail to an account that already exists: nobody is added without
    hearing of it, and the adder sees the same e-mails go out whether the account existed or
    not. No link token: they sign in as usual."""
    inviter = added_by.full_name or added_by.username
    body = (
        f"Hello {user.full_name or user.email},\n\n"
        f"{inviter} added you to {org_title} on MemberSync.\n"
        f"Sign in with your e-mail address {user.email} to see your courses and licenses:\n\n"
        f"{base_url()}{routes.LOGIN}\n\n"
        f"If you did not expect this, ask {inviter} or the organization's owner to remove you.\n"
    )
    message = mail.queue(session, recipient=user.email,
                         subject=f"You were added to {org_title} on MemberSync", body=body)
    return message.id


@dataclass(frozen=True)
class PasswordLinkView:
    """What the set-password page shows for a token."""

    valid: bool
    message: str = ""
    email: str = ""
    username: str = ""


def _find(
    session: Session, token: str, *, lock: bool = False
) -> tuple[PasswordSetToken | None, User | None]:
    """The link's row (locked when `lock`: two submits of one link must not both pass)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None, None
    query = select(PasswordSetToken).where(PasswordSetToken.token_hash == hash_token(token))
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None:
        return None, None
    return row, session.get(User, row.user_id)


def inspect_password_link(
    session: Session, token: str, *, address: str | None = None
) -> PasswordLinkView:
    """What the link shows. With the client's `address`, an unknown token counts as a guess,
    and while the address is locked out no token is looked up at all."""
    if locked := throttle.link_refusal(session, address):
        return PasswordLinkView(False, locked)
    row, user = _find(session, token)
    if row is None and address is not None:
        throttle.record_failure(session, [throttle.link_key(address)])
    if row is None or user is None or not user.is_active:
        return PasswordLinkView(False, LINK_UNKNOWN)
    if row.used_at is not None:
        return PasswordLinkView(False, LINK_USED, user.email, user.username)
    if user.password_hash:
        return PasswordLinkView(False, LINK_PASSWORD_SET, user.email, user.username)
    if row.expires_at <= utcnow():
        return PasswordLinkView(False, LINK_EXPIRED, user.email, user.username)
    return PasswordLinkView(True, "", user.email, user.username)


def set_password_with_link(
    session: Session, *, token: str, password: str, confirm: str, address: str | None = None
) -> User:
    """Set the password of the link's account; the link is used up and other sessions end.

    Unknown tokens are counted where the link is opened; a refusal here rolls back, so this
    only honours the client address's lock."""
    if locked := throttle.link_refusal(session, address):
        raise ServiceError(locked)
    row, user = _find(session, token, lock=True)
    view = inspect_password_link(session, token)
    if not view.valid or row is None or user is None:
        raise ServiceError(view.message or LINK_UNKNOWN)
    if not isinstance(password, str) or not isinstance(confirm, str):
        raise ServiceError("Password is required.", "password")
    errors: dict[str, str] = {}
    try:
        check_password(password)
    except ServiceError as error:
        errors["password"] = error.message
    if not errors and password != confirm:
        errors["confirm"] = "The two passwords differ."
    if errors:
        raise FieldErrors(errors)
    now = utcnow()
    user.password_hash = hash_password(password)
    row.used_at = now
    session.add_all([user, row])
    revoke_all_sessions(session, user.id)
    audit.record(session, user, AuditAction.USER_SET_PASSWORD_FROM_LINK, user_id=user.id)
    return user
