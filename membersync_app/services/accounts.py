"""E-mailed account links: "set your password" for people added by e-mail, and "Forgot your
password?" (`request_password_reset`, then `reset_password_with_link`). My account's "confirm
your new e-mail address" links use the same machinery (`issue_link`, `open_link`).

Only the SHA-256 of a link's token is stored (one table, `password_set_tokens`, with the link's
`purpose`). A link works once, for a limited time. Issuing a new set-password link does not
cancel older ones that are still valid (the person may open either e-mail). A set-password link
sets the account's *first* password only: once the account has a password (from any link, from
accepting an invitation, or from staff), every other link of it stops working, so a leftover
e-mail cannot take the account over and end its owner's sessions. A reset link lasts an hour;
using one ends every session of the account and retires its other reset links.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from .. import routes
from ..models import AuditAction, LinkPurpose, PasswordSetToken, User, utcnow
from ..settings import base_url
from . import audit, mail, throttle
from .auth import find_by_login, revoke_all_sessions
from .csv_safety import quoted_if_formula
from .errors import FieldErrors, ServiceError
from .password_rules import new_password_errors
from .passwords import hash_password, hash_token, new_token

PASSWORD_LINK_LIFETIME = timedelta(days=7)
RESET_LINK_LIFETIME = timedelta(hours=1)
MAX_TOKEN_LENGTH = 200  # ours have 43 characters; anything longer is not worth a lookup

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
RESET_REQUESTED = "If an account exists, an e-mail is on its way."
RESET_LINK_USED = (
    "This link no longer works: it was used, or a newer password was set. "
    "Ask for a new one with “Forgot your password?” on the sign-in page."
)
RESET_LINK_EXPIRED = (
    "This link has expired (a reset link works for one hour). "
    "Ask for a new one with “Forgot your password?” on the sign-in page."
)
LOGIN_REQUIRED = "Enter your username or e-mail address."

# What a link that can no longer be used says: (used or retired, expired), by purpose.
_SPENT: dict[LinkPurpose, tuple[str, str]] = {
    LinkPurpose.SET_PASSWORD: (LINK_USED, LINK_EXPIRED),
    LinkPurpose.RESET_PASSWORD: (RESET_LINK_USED, RESET_LINK_EXPIRED),
    LinkPurpose.CHANGE_EMAIL: (
        "This link no longer works: it was used, or a newer one was sent.",
        "This link has expired. Ask for a new one on My account.",
    ),
}


def issue_link(
    session: Session, *, user: User, purpose: LinkPurpose, lifetime: timedelta,
    new_email: str | None = None,
) -> str:
    """A new one-time token of `purpose` for `user` (only its hash is stored); returns it."""
    token, token_hash = new_token()
    now = utcnow()
    session.add(PasswordSetToken(token_hash=token_hash, user_id=user.id, created_at=now,
                                 expires_at=now + lifetime, purpose=purpose,
                                 new_email=new_email))
    session.flush()
    return token


def retire_links(
    session: Session, *, user_id: int, purpose: LinkPurpose, now: datetime | None = None
) -> None:
    """Every unused link of `purpose` of the account stops working (counts as used)."""
    session.execute(
        update(PasswordSetToken)
        .where(PasswordSetToken.user_id == user_id, PasswordSetToken.purpose == purpose,
               PasswordSetToken.used_at.is_(None))
        .values(used_at=now or utcnow()),
        execution_options={"synchronize_session": False},
    )


def issue_password_link(session: Session, *, user: User) -> str:
    """A new one-time "set your password" link for `user`: the full link for an e-mail."""
    token = issue_link(session, user=user, purpose=LinkPurpose.SET_PASSWORD,
                       lifetime=PASSWORD_LINK_LIFETIME)
    return base_url() + routes.set_password_link(token)


def queue_welcome_mail(session: Session, *, user: User, org_title: str, added_by: User) -> None:
    """The "you were added, set your password" e-mail, queued in the outbox."""
    link = issue_password_link(session, user=user)
    inviter = quoted_if_formula(added_by.full_name or added_by.username)
    queue_personal_mail(
        session, user=user, subject=f"Set your MemberSync password ({org_title})",
        text=f"{inviter} added you to {org_title} on MemberSync.\n"
             f"Set your password here (the link works once, for "
             f"{PASSWORD_LINK_LIFETIME.days} days):\n\n{link}\n\n"
             f"Then sign in with your e-mail address {user.email} to see your courses and "
             f"licenses.\n")


def queue_added_mail(session: Session, *, user: User, org_title: str, added_by: User) -> None:
    """The "you were added" e-mail to an account that already exists: nobody is added without
    hearing of it, and the adder sees the same e-mails go out whether the account existed or
    not. No link token: they sign in as usual."""
    inviter = quoted_if_formula(added_by.full_name or added_by.username)
    queue_personal_mail(
        session, user=user, subject=f"You were added to {org_title} on MemberSync",
        text=f"{inviter} added you to {org_title} on MemberSync.\n"
             f"Sign in with your e-mail address {user.email} to see your courses and "
             f"licenses:\n\n{base_url()}{routes.LOGIN}\n\n"
             f"If you did not expect this, ask {inviter} or the organization's owner to "
             f"remove you.\n")


def queue_personal_mail(session: Session, *, user: User, subject: str, text: str,
                        recipient: str | None = None) -> None:
    """Queue `text` to `user` (at `recipient` when it is not the account's own address: a new
    address to confirm, the old one after a change) under the greeting every e-mail to one
    person opens with. Their name is quoted when a spreadsheet would read it as a formula, as
    in the CSV exports; a person without a name is greeted by their username."""
    mail.queue(session, recipient=recipient or user.email, subject=subject,
               body=f"Hello {quoted_if_formula(user.full_name or user.username)},\n\n{text}")


@dataclass(frozen=True)
class PasswordLinkView:
    """What a link page shows for a token."""

    valid: bool
    message: str = ""
    email: str = ""
    username: str = ""


@dataclass(frozen=True)
class OpenedLink:
    """A link looked up: its row and account when found, and why it does not work ("" when
    it does)."""

    problem: str
    row: PasswordSetToken | None = None
    user: User | None = None

    def view(self) -> PasswordLinkView:
        user = self.user if self.problem != LINK_UNKNOWN else None
        return PasswordLinkView(not self.problem, self.problem,
                                user.email if user else "", user.username if user else "")


def _find(
    session: Session, token: Any, purpose: LinkPurpose, *, lock: bool = False
) -> tuple[PasswordSetToken | None, User | None]:
    """The link's row (locked when `lock`: two submits of one link must not both pass)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None, None
    query = select(PasswordSetToken).where(PasswordSetToken.token_hash == hash_token(token),
                                           PasswordSetToken.purpose == purpose)
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None:
        return None, None
    return row, session.get(User, row.user_id)


def open_link(
    session: Session, *, token: Any, purpose: LinkPurpose, address: str | None = None,
    count_guess: bool = False, lock: bool = False,
) -> OpenedLink:
    """Look a link up. While the client `address` is locked out of links, no token is looked
    up at all; with `count_guess`, an unknown token counts as a guess from `address` (where
    the link is opened: a refused submit rolls back, so counting there would count nothing)."""
    if locked := throttle.link_refusal(session, address=address):
        return OpenedLink(locked)
    row, user = _find(session, token, purpose, lock=lock)
    if row is None and count_guess and address is not None:
        throttle.record_failure(session, keys=[throttle.link_key(address)])
    if row is None or user is None or not user.is_active:
        return OpenedLink(LINK_UNKNOWN)
    used, expired = _SPENT[purpose]
    if row.used_at is not None:
        return OpenedLink(used, row, user)
    if purpose is LinkPurpose.SET_PASSWORD and user.password_hash:
        return OpenedLink(LINK_PASSWORD_SET, row, user)
    if row.expires_at <= utcnow():
        return OpenedLink(expired, row, user)
    return OpenedLink("", row, user)


def usable_link(session: Session, *, token: Any, purpose: LinkPurpose, address: str | None):
    """The link's row and account for a submit, locked; a refusal when it does not work."""
    link = open_link(session, token=token, purpose=purpose, address=address, lock=True)
    if link.problem or link.row is None or link.user is None:
        raise ServiceError(link.problem or LINK_UNKNOWN)
    return link.row, link.user


def _new_password(password: Any, confirm: Any, user: User) -> str:
    errors = new_password_errors(password, confirm, username=user.username, email=user.email)
    if errors:
        raise FieldErrors(errors)
    return password


def inspect_password_link(
    session: Session, *, token: str, address: str | None = None
) -> PasswordLinkView:
    """What the set-password link shows. With the client's `address`, an unknown token counts
    as a guess, and while the address is locked out no token is looked up at all."""
    return open_link(session, token=token, purpose=LinkPurpose.SET_PASSWORD, address=address,
                     count_guess=True).view()


def set_password_with_link(
    session: Session, *, token: str, password: str, confirm: str, address: str | None = None
) -> User:
    """Set the password of the link's account; the link is used up and other sessions end.

    Unknown tokens are counted where the link is opened; a refusal here rolls back, so this
    only honours the client address's lock."""
    row, user = usable_link(session, token=token, purpose=LinkPurpose.SET_PASSWORD, address=address)
    user.password_hash = hash_password(_new_password(password, confirm, user))
    row.used_at = utcnow()
    session.add_all([user, row])
    revoke_all_sessions(session, user_id=user.id)
    audit.record(session, actor=user, action=AuditAction.USER_SET_PASSWORD_FROM_LINK,
                 user_id=user.id)
    return user


# ---------------------------------------------------------------- forgot your password?


def link_mail_text(user: User, *, asked: str, action: str, lifetime: str, path: str,
                   closing: str) -> str:
    """The text of an e-mail carrying a one-time link for `user`'s account (after the
    greeting, `queue_personal_mail`): what was asked for the account, the link (`path`) and how
    long it works, then `closing`."""
    return (
        f"{asked} {user.username}.\n"
        f"{action} here (the link works once, for {lifetime}):\n\n"
        f"{base_url()}{path}\n\n"
        f"{closing}\n"
    )


def request_password_reset(session: Session, *, login: Any, address: str) -> None:
    """"Forgot your password?": e-mail a one-hour reset link to the account whose username or
    e-mail is `login` (the e-mail is delivered after the commit).

    The page says RESET_REQUESTED whatever happens here, so it does not tell who has an
    account. Every request counts against the client address and the account (throttle
    `link` and `reset` keys); while either is locked, or for an unknown or deactivated
    account, nothing is sent. Commit the transaction even when nothing was sent: the counts
    are in it.
    """
    if not isinstance(login, str) or not login.strip():
        raise ServiceError(LOGIN_REQUIRED, "login")
    user = find_by_login(session, login=login)
    keys = [throttle.link_key(address), *([throttle.reset_key(user)] if user else [])]
    if throttle.locked_minutes(session, keys=keys) is not None:
        return
    throttle.record_failure(session, keys=keys, user=user)
    if user is None or not user.is_active:
        return
    token = issue_link(session, user=user, purpose=LinkPurpose.RESET_PASSWORD,
                       lifetime=RESET_LINK_LIFETIME)
    audit.record(session, actor=None, action=AuditAction.USER_REQUEST_PASSWORD_RESET,
                 user_id=user.id,
                 address=address)
    minutes = int(RESET_LINK_LIFETIME.total_seconds() // 60)
    queue_personal_mail(session, user=user, subject="Reset your MemberSync password", text=(
        link_mail_text(
            user,
            asked="Someone (we hope you) asked to reset the password of your MemberSync account",
            action="Choose a new password", lifetime=f"{minutes} minutes",
            path=routes.reset_password_link(token),
            closing="If you did not ask for this, ignore this e-mail: your password stays as "
                    "it is.")))


def inspect_reset_link(
    session: Session, *, token: Any, address: str | None = None
) -> PasswordLinkView:
    """What /reset-password/[token] shows; unknown tokens count as guesses from `address`."""
    return open_link(session, token=token, purpose=LinkPurpose.RESET_PASSWORD, address=address,
                     count_guess=True).view()


def reset_password_with_link(
    session: Session, *, token: Any, password: Any, confirm: Any, address: str | None = None
) -> User:
    """Set a new password from a reset link: the link and the account's other reset links are
    used up, every session of the account ends (the caller opens a new one for this browser),
    and the account's sign-in lock is lifted (whoever holds the link controls the mailbox)."""
    row, user = usable_link(session, token=token, purpose=LinkPurpose.RESET_PASSWORD,
                            address=address)
    user.password_hash = hash_password(_new_password(password, confirm, user))
    now = utcnow()
    row.used_at = now
    session.add_all([user, row])
    retire_links(session, user_id=user.id, purpose=LinkPurpose.RESET_PASSWORD, now=now)
    ended = revoke_all_sessions(session, user_id=user.id)
    for key in throttle.account_keys(user):
        throttle.clear(session, key=key)
    audit.record(session, actor=user, action=AuditAction.USER_RESET_PASSWORD_FROM_LINK,
                 user_id=user.id,
                 sessions_ended=ended)
    return user
