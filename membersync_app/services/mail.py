"""Outgoing e-mail: queued in the outbox with the change that causes it, delivered after commit.

A service that sends mail calls `queue(...)` inside its own transaction, so the message exists
exactly when the change does (a rolled-back change sends nothing). The session remembers what it
queued (`queued_in`), and `db.unit_of_work`, once its commit succeeded, hands those ids to
`deliver_soon`: no caller delivers mail itself. Where that runs is switched once per process
(`deliver_after_commit`): the running app sends from a small thread pool, off the event loop;
the CLI sends in line; unit tests, benches and scripts start with it off, so nothing spawns a
thread behind their back and a message stays `pending` until they deliver it (or the delivery
loop does). `deliver(...)` sends given messages: with SMTP settings (MEMBERSYNC_SMTP_HOST) each
message is first claimed (`sending`, in its own short transaction: no other process sends it
then), goes to the SMTP server, and is marked `delivered`; without them the outbox row is the
delivery (`outbox_only`; `membersync outbox` shows it), so the demo works offline. A failed SMTP
send never undoes the change: the row goes back to `pending`, and every worker's delivery loop
(and `membersync deliver-outbox`) tries it again, up to MAX_ATTEMPTS. A crash between the claim
and the answer leaves the message `sending`: it may have gone out, so it is never sent again
unless an operator says so (`membersync deliver-outbox --resend-uncertain`) — an e-mail is never
sent twice.

Links that carry a token (invitation, "set your password") work like a password until used, and
only their hashes should rest in the database: once SMTP took a message, its stored body keeps
the text but not the token. The log never holds a body, only recipient and subject.
"""

import logging
import re
import smtplib
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from enum import StrEnum

from sqlalchemy import func, update
from sqlmodel import Session, select

from .. import routes
from ..models import DeliveryStatus, OutboxMessage, utcnow
from ..settings import SmtpSettings, smtp_settings
from .validation import whole_number

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 5  # then the message is `failed`, and the outbox shows why
# A claim older than this was cut off (the SMTP timeout is seconds): the send is uncertain.
UNCERTAIN_AFTER = timedelta(minutes=10)
LINK_REMOVED = "[link removed after delivery]"
# Every page whose path ends in a token ("/invite/[token]", "/set-password/[token]", and any
# such page added later): in a delivered message, what follows its prefix up to the next
# white space is the token.
_TOKEN_PATH_PREFIXES = sorted(
    path.removesuffix("[token]") for path in vars(routes).values()
    if isinstance(path, str) and path.startswith("/") and path.endswith("/[token]")
)
_TOKEN_IN_LINK = re.compile("(" + "|".join(map(re.escape, _TOKEN_PATH_PREFIXES)) + r")\S+")


def redact_links(body: str) -> str:
    """The body with the token of every link to a token page replaced by LINK_REMOVED."""
    return _TOKEN_IN_LINK.sub(lambda match: match.group(1) + LINK_REMOVED, body)


def queue(session: Session, *, recipient: str, subject: str, body: str) -> OutboxMessage:
    """Write a message to the outbox in the caller's transaction; `deliver` sends it later."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body,
                            status=DeliveryStatus.PENDING)
    session.add(message)
    session.flush()
    session.info.setdefault(_QUEUED_KEY, []).append(message.id)
    return message


_QUEUED_KEY = "membersync_outbox_ids"


def queued_in(session: Session) -> list[int]:
    """The ids of the outbox messages queued through `session` (its unit of work's transaction):
    what `db.unit_of_work` hands to `deliver_soon` once the commit succeeded."""
    return list(session.info.get(_QUEUED_KEY, ()))


def backlog(session: Session) -> int | None:
    """Messages waiting for the SMTP server (None without SMTP: the outbox is the delivery)."""
    if smtp_settings() is None:
        return None
    return session.exec(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]))
    ).one()


def latest(session: Session, *, count: int) -> list[OutboxMessage]:
    """The last `count` messages of the outbox, oldest first (`membersync outbox`)."""
    newest_first = session.exec(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(max(0, count))).all()
    return list(reversed(newest_first))


@dataclass
class DeliveryReport:
    """What happened to the messages handed to `deliver`."""

    smtp_configured: bool
    delivered: list[str] = field(default_factory=list)  # recipients
    failed: list[str] = field(default_factory=list)  # recipients whose SMTP send failed
    outbox_only: list[str] = field(default_factory=list)  # no SMTP configured


def deliver(
    uow: Callable[[], AbstractContextManager[Session]],
    message_ids: Iterable[int],
    settings: SmtpSettings | None = None,
) -> DeliveryReport:
    """Send the outbox messages `message_ids` (after their transaction committed).

    SMTP runs outside any database transaction (it may be slow; SQLite writers would wait on it);
    each message is claimed, sent, and marked in short transactions of its own. A message
    another process has claimed, or already delivered, is left alone.
    """
    settings = settings if settings is not None else smtp_settings()
    ids = [message_id for message_id in message_ids
           if whole_number(message_id, allow_text=False) is not None]
    report = DeliveryReport(smtp_configured=settings is not None)
    for message_id in ids:
        message = _claim(uow, message_id, to_outbox_only=settings is None)
        if message is None:
            continue
        if settings is None:
            logger.info("mail to %s: %s (outbox only: `membersync outbox` shows it)",
                        message.recipient, message.subject)
            report.outbox_only.append(message.recipient)
            continue
        try:
            _send_smtp(settings, message)
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("SMTP delivery to %s failed: %s", message.recipient, error)
            _record_failure(uow, message_id, str(error))
            report.failed.append(message.recipient)
        else:
            logger.info("mail to %s: %s (sent)", message.recipient, message.subject)
            _record_delivery(uow, message_id)
            report.delivered.append(message.recipient)
    return report


def _claim(uow, message_id: int, *, to_outbox_only: bool) -> OutboxMessage | None:
    """Take a pending message for this process (one UPDATE: of two claimers only one wins)."""
    now = utcnow()
    values = ({"status": DeliveryStatus.OUTBOX_ONLY} if to_outbox_only
              else {"status": DeliveryStatus.SENDING, "claimed_at": now,
                    "attempts": OutboxMessage.attempts + 1})
    with uow() as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == DeliveryStatus.PENDING)
            .values(**values)
        ).rowcount
        return session.get(OutboxMessage, message_id) if claimed else None


def _record_delivery(uow, message_id: int) -> None:
    with uow() as session:
        row = session.get(OutboxMessage, message_id)
        row.status = DeliveryStatus.DELIVERED
        row.delivered_at = utcnow()
        row.body = redact_links(row.body)  # the recipient has the link now
        session.add(row)


def _record_failure(uow, message_id: int, error: str) -> None:
    with uow() as session:
        row = session.get(OutboxMessage, message_id)
        row.status = (DeliveryStatus.FAILED if row.attempts >= MAX_ATTEMPTS
                      else DeliveryStatus.PENDING)
        row.last_error = error[:500]
        session.add(row)


@dataclass(frozen=True)
class OutboxRun:
    """What one `deliver_pending` run did, and the messages that need an operator's eye."""

    report: DeliveryReport
    uncertain: list[OutboxMessage]


def deliver_pending(
    uow: Callable[[], AbstractContextManager[Session]],
    settings: SmtpSettings | None = None,
    *,
    resend_uncertain: bool = False,
) -> OutboxRun:
    """Deliver every pending message, oldest first (after a crash, or a failed attempt).

    Messages claimed more than UNCERTAIN_AFTER ago and never marked were cut off mid-send:
    listed as uncertain, and sent again only with `resend_uncertain`.
    """
    stale = utcnow() - UNCERTAIN_AFTER
    stuck = (OutboxMessage.status == DeliveryStatus.SENDING) & (OutboxMessage.claimed_at < stale)
    with uow() as session:
        if resend_uncertain:
            session.execute(update(OutboxMessage).where(stuck)
                            .values(status=DeliveryStatus.PENDING))
        pending = session.exec(
            select(OutboxMessage.id).where(OutboxMessage.status == DeliveryStatus.PENDING)
            .order_by(OutboxMessage.id)
        ).all()
        uncertain = session.exec(select(OutboxMessage).where(stuck)
                                 .order_by(OutboxMessage.id)).all()
    return OutboxRun(report=deliver(uow, pending, settings), uncertain=list(uncertain))


class AfterCommit(StrEnum):
    """What `deliver_soon` does with the messages of a committed unit of work."""

    OFF = "off"  # leave them pending: the delivery loop or `membersync deliver-outbox` sends them
    BACKGROUND = "background"  # the running app: a worker thread, never the event loop
    INLINE = "inline"  # the CLI: in the committing thread, before the command returns


DELIVERY_THREADS = 4  # SMTP sends at once per process; more wait their turn in the pool's queue
_after_commit = AfterCommit.OFF
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def deliver_after_commit(mode: AfterCommit) -> AfterCommit:
    """Switch after-commit delivery for this process (the app's lifespan, the CLI's main);
    returns the mode it had. Leaving BACKGROUND waits for the sends already handed to the pool."""
    global _after_commit, _pool
    previous, _after_commit = _after_commit, AfterCommit(mode)
    if _after_commit != AfterCommit.BACKGROUND:
        with _pool_lock:
            pool, _pool = _pool, None
        if pool is not None:
            pool.shutdown(wait=True)
    return previous


def deliver_soon(
    uow: Callable[[], AbstractContextManager[Session]], message_ids: Iterable[int]
) -> Future | None:
    """Deliver `message_ids`, just committed, as `deliver_after_commit` says: a slow SMTP server
    must not hold the person who caused the mail, nor every other browser on the event loop.
    Returns the pool's Future in BACKGROUND mode (tests wait on it), else None."""
    ids = list(message_ids)
    if not ids or _after_commit == AfterCommit.OFF:
        return None
    if _after_commit == AfterCommit.INLINE:
        _deliver_logging_errors(uow, ids)
        return None
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(DELIVERY_THREADS, thread_name_prefix="membersync-mail")
        return _pool.submit(_deliver_logging_errors, uow, ids)


def _deliver_logging_errors(uow, ids: list[int]) -> DeliveryReport | None:
    """`deliver`, with nobody waiting for the answer: an error (the database unreachable for the
    claim) is logged; the message stays pending for the delivery loop's next run."""
    try:
        return deliver(uow, ids)
    except Exception:
        logger.exception("delivering outbox messages %s after commit failed", ids)
        return None


def _send_smtp(settings: SmtpSettings, message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(email)
