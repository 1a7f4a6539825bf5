"""Logging for the app: MemberSync's own lines with time and level (the e2e tests fail on any
ERROR line), and two filters on Reflex's event-queue logger, which prints a whole event (its
connection headers included) when a client names a handler that does not exist:
- such an event is one WARNING line, not an ERROR with a traceback a client could flood;
- the session cookie's value never reaches a log line.
"""

import logging
import re
import sys

from .settings import SESSION_COOKIE

REFLEX_EVENT_QUEUE_LOGGER = "reflex_base.event.processor.event_processor"
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


def configure_logging() -> None:
    """Idempotent: called when the app module is imported, in every worker."""
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
