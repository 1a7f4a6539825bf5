"""Throttling password and link-token guessing: failures counted per key in the database.

A key is an account ("account:ann"), a client address signing in ("address:203.0.113.9"), a
client address opening links or asking for them ("link:203.0.113.9"), or an account whose
password reset was asked for ("reset:42": every request counts, so nobody can flood a
mailbox). After `threshold` failures within the window
a key is locked for 1, 2, 4, 8, then 15 minutes at most; while locked, nothing is checked at all
(a correct password is refused too). The counts live in `throttle_counters`, so every backend
worker sees the same locks.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ..models import AuditAction, ThrottleCounter, User, utcnow
from . import audit
from .errors import ServiceError
from .permissions import require_staff

ACCOUNT, ADDRESS, LINK, RESET = "account", "address", "link", "reset"
MAX_KEY_LENGTH = 300  # ThrottleCounter.key


@dataclass(frozen=True)
class Policy:
    """`threshold` failures within `window` lock a key for `first_lock`, doubling with each
    further failure, never longer than `max_lock`."""

    threshold: int
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=1)
    max_lock: timedelta = timedelta(minutes=15)

    def lock_for(self, failures: int) -> timedelta:
        doublings = min(failures - self.threshold, 16)  # 2**16 minutes is past any cap
        return min(self.first_lock * 2**doublings, self.max_lock)


# One table for every kind of key. Addresses get a higher threshold than accounts: an office
# behind one NAT address must not be locked out by one person who forgot their password.
POLICIES: dict[str, Policy] = {
    ACCOUNT: Policy(threshold=5),
    ADDRESS: Policy(threshold=20),
    LINK: Policy(threshold=20),
    RESET: Policy(threshold=5),
}

# A row whose last failure is older than this can hold neither a lock nor a count that matters:
# its window (or its lock, at most `max_lock` long) ended a full window ago.
STALE_AFTER = max(policy.window + policy.max_lock for policy in POLICIES.values())
PRUNE_BATCH = 100


def too_many_attempts(minutes: int) -> str:
    """What a page says while a key is locked."""
    minutes = max(1, int(minutes))
    return f"Too many attempts: try again in {minutes} minute{'' if minutes == 1 else 's'}."


TOO_MANY_ATTEMPTS = too_many_attempts


# ---------------------------------------------------------------- keys

def _key(kind: str, value: str) -> str:
    return f"{kind}:{value}"[:MAX_KEY_LENGTH]


def account_key(login: str) -> str:
    """The key of a login as typed (username or e-mail; case and spaces do not matter)."""
    return _key(ACCOUNT, (login or "").strip().lower())


def address_key(address: str) -> str:
    """Sign-in attempts from one client address."""
    return _key(ADDRESS, (address or "").strip() or "unknown")


def link_key(address: str) -> str:
    """E-mailed links opened (invitation, set or reset password, new e-mail) and password
    resets asked for, from one client address."""
    return _key(LINK, (address or "").strip() or "unknown")


def reset_key(user: User) -> str:
    """Password-reset e-mails asked for one account (apart from its sign-in key: asking for
    resets must not lock the owner out of signing in)."""
    return _key(RESET, str(user.id))


def account_keys(user: User) -> list[str]:
    """Both keys a person may sign in under: their username and their e-mail."""
    return [account_key(user.username), account_key(user.email)]


def kind_of(key: str) -> str:
    return key.split(":", 1)[0]


def policy_for(key: str) -> Policy:
    return POLICIES.get(kind_of(key), POLICIES[ACCOUNT])


# ---------------------------------------------------------------- checking and counting

def _minutes(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds() / 60))


def locked_minutes(
    session: Session, *, keys: Sequence[str], now: datetime | None = None
) -> int | None:
    """None when no key is locked; else the whole minutes left (rounded up) of the longest lock."""
    keys = sorted(set(keys))
    if not keys:
        return None
    now = now or utcnow()
    until = [
        row.locked_until
        for row in session.exec(select(ThrottleCounter).where(ThrottleCounter.key.in_(keys)))
        if row.locked_until is not None and row.locked_until > now
    ]
    return _minutes(max(until) - now) if until else None


def link_refusal(session: Session, *, address: str | None) -> str:
    """For link pages: the "too many attempts" message while `address` is locked out of links,
    else "" (also when no address is given)."""
    if address is None:
        return ""
    minutes = locked_minutes(session, keys=[link_key(address)])
    return too_many_attempts(minutes) if minutes is not None else ""


def _forget_at(row: ThrottleCounter, policy: Policy) -> datetime:
    """When the row's count starts over: a window after its first failure, or after its last
    lock ended (so waiting out a lock does not also reset the back-off)."""
    start = row.window_started_at
    if row.locked_until is not None and row.locked_until > start:
        start = row.locked_until
    return start + policy.window


def _row_for_update(session: Session, key: str, now: datetime) -> ThrottleCounter:
    """The key's row, created when missing, locked until the transaction ends.

    The insert is an upsert, so two workers meeting a new key at once do not collide; the
    SELECT ... FOR UPDATE then serializes them on PostgreSQL (SQLite transactions already hold
    the write lock from BEGIN IMMEDIATE).
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(ThrottleCounter)
        .values(key=key, failures=0, window_started_at=now, last_failure_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return session.exec(
        select(ThrottleCounter)
        .where(ThrottleCounter.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def record_failure(
    session: Session,
    *,
    keys: Sequence[str],
    user: User | None = None,
    now: datetime | None = None,
) -> None:
    """Count one failure on every key; a key that reaches its threshold is locked (audited as
    `auth.locked`, with `user` as the account concerned when known).

    Attempts made while a key is locked are never checked, so they do not count on it.
    The count is part of the caller's transaction: commit it even when the attempt is refused.
    """
    now = now or utcnow()
    for key in sorted(set(keys)):  # one lock order for every worker: no deadlock between two
        policy = policy_for(key)
        row = _row_for_update(session, key, now)
        if row.locked_until is not None and row.locked_until > now:
            continue
        if row.failures == 0 or now >= _forget_at(row, policy):
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= policy.threshold:
            lock = policy.lock_for(row.failures)
            row.locked_until = now + lock
            _audit_lock(session, key, user, minutes=_minutes(lock), failures=row.failures)
        session.add(row)
    session.flush()
    _forget_stale(session, now)


def _audit_lock(
    session: Session, key: str, user: User | None, *, minutes: int, failures: int
) -> None:
    kind = kind_of(key)
    where: dict[str, object] = {}
    if kind in (ADDRESS, LINK):
        where["address"] = key.split(":", 1)[1]
    if user is not None:
        where.update(user_id=user.id, username=user.username)
    # The login as typed is not recorded: it may be a password typed into the wrong field.
    audit.record(session, actor=user, action=AuditAction.AUTH_LOCKED, kind=kind, minutes=minutes,
                 failures=failures,
                 **where)


def _forget_stale(session: Session, now: datetime) -> None:
    """Delete a batch of rows nobody has failed on for a long time (locked rows are skipped:
    another worker is using them)."""
    stale = (
        select(ThrottleCounter.id)
        .where(ThrottleCounter.last_failure_at < now - STALE_AFTER)
        .limit(PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )
    session.execute(
        delete(ThrottleCounter).where(ThrottleCounter.id.in_(stale.scalar_subquery())),
        execution_options={"synchronize_session": False},
    )


def clear(session: Session, *, key: str) -> None:
    """Forget a key's failures and lock (a successful sign-in clears the account key)."""
    session.execute(
        delete(ThrottleCounter).where(ThrottleCounter.key == key),
        execution_options={"synchronize_session": False},
    )


# ---------------------------------------------------------------- staff and operators

def locked_user_ids(
    session: Session, *, people: Iterable[User], now: datetime | None = None
) -> set[int]:
    """Which of these accounts are locked now (under their username or their e-mail)."""
    owner_of = {key: person.id for person in people for key in account_keys(person)}
    if not owner_of:
        return set()
    now = now or utcnow()
    rows = session.exec(
        select(ThrottleCounter.key, ThrottleCounter.locked_until)
        .where(ThrottleCounter.key.in_(list(owner_of)))
    ).all()
    return {owner_of[key] for key, until in rows if until is not None and until > now}


@dataclass(frozen=True)
class Unlocked:
    user: User
    was_locked: bool  # False: the account was not locked (any old failures are forgotten)


def unlock_account(
    session: Session, *, actor: User | None, user_id: int, now: datetime | None = None
) -> Unlocked:
    """Staff clear an account's lock and failures (the Users page's "Unlock")."""
    actor = require_staff(actor)
    valid_id = isinstance(user_id, int) and not isinstance(user_id, bool)
    user = session.get(User, user_id) if valid_id else None
    if user is None:
        raise ServiceError("That user does not exist.")
    return _unlock(session, user, actor=actor, via="staff", now=now)


def unlock_account_as_operator(
    session: Session, *, user: User, now: datetime | None = None
) -> Unlocked:
    """The operator's `membersync unlock-account`: shell access to the database is the right."""
    return _unlock(session, user, actor=None, via="command line", now=now)


def _unlock(
    session: Session, user: User, *, actor: User | None, via: str, now: datetime | None
) -> Unlocked:
    now = now or utcnow()
    keys = account_keys(user)
    rows = session.exec(
        select(ThrottleCounter).where(ThrottleCounter.key.in_(keys)).with_for_update()
    ).all()
    if not rows:
        return Unlocked(user, was_locked=False)
    was_locked = any(row.locked_until is not None and row.locked_until > now for row in rows)
    for row in rows:
        session.delete(row)
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.AUTH_UNLOCKED, user_id=user.id,
                 username=user.username,
                 was_locked=was_locked, via=via)
    return Unlocked(user, was_locked=was_locked)
