"""Logging for the app: MemberSync's own lines with time and level (the e2e tests fail on any
ERROR line), and two filters on Reflex's event-queue logger, which prints a whole event (its
connection headers included) when a client names a handler that does not exist:
- such an event is one WARNING line, not an ERROR with a traceback a client could flood;
- the session cookie's value never reaches a log line.
It also silences what a new operator would read as errors and is not: the two warnings
SQLAlchemy and alembic print whenever they read the users table of a SQLite database (migrations,
Reflex's schema check at start-up), and Reflex's note that Node.js is older than it likes.
"""

import logging
import re
import sys
import warnings

from sqlalchemy.exc import SAWarning

from .settings import SESSION_COOKIE

REFLEX_EVENT_QUEUE_LOGGER = "reflex_base.event.processor.event_processor"
REFLEX_JS_RUNTIMES_LOGGER = "reflex.utils.js_runtimes"
_COOKIE_VALUE = re.compile(re.escape(SESSION_COOKIE) + r"=[^;'\"\s,}]*")
REDACTED = SESSION_COOKIE + "=[redacted]"


def redact_session_cookie(text: str) -> str:
    return _COOKIE_VALUE.sub(REDACTED, text)


class EventQueueFilter(logging.Filter):
    """Quiets events that name no handler, and redacts the session cookie everywhere."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, KeyError) and "No registered handler" in str(error):
            record.msg, record.args = "Refused an event that names no handler.", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            return True
        message = record.getMessage()
        if SESSION_COOKIE in message:
            record.msg, record.args = redact_session_cookie(message), ()
        return True


class OldNodeFilter(logging.Filter):
    """Drops "Your version … of Node.js is out of date" at build time: Reflex then builds with
    bun's own runtime (bun comes from scripts/setup.sh), which works with the Node.js of
    Debian 12; nothing for the operator to do."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "of Node.js is out of date" not in record.getMessage()


# SQLite cannot read back an index on an expression such as lower(username); SQLAlchemy and
# alembic say so every time they read the users table. The index is created by revision
# 7cd62dd7959e, and tests/unit/test_migrations.py compares it on PostgreSQL, which can.
KNOWN_WARNINGS = (
    (SAWarning, r"Skipped unsupported reflection of expression-based index "
                r"uq_users_username_lower$"),
    (UserWarning, r"autogenerate skipping metadata-specified expression-based index "
                  r"'uq_users_username_lower'; dialect 'sqlite'"),
)


def quiet_known_warnings() -> None:
    """Silence exactly the warnings above (by category and message); every other stays."""
    for category, message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)


def configure_logging() -> None:
    """Idempotent: called when the app module is imported, in every worker."""
    quiet_known_warnings()
    node_logger = logging.getLogger(REFLEX_JS_RUNTIMES_LOGGER)
    if not any(isinstance(f, OldNodeFilter) for f in node_logger.filters):
        node_logger.addFilter(OldNodeFilter())
    queue_logger = logging.getLogger(REFLEX_EVENT_QUEUE_LOGGER)
    if not any(isinstance(f, EventQueueFilter) for f in queue_logger.filters):
        queue_logger.addFilter(EventQueueFilter())
    ours = logging.getLogger("membersync_app")
    if not ours.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False
