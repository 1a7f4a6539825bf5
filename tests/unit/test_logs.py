"""The app's log lines: the session cookie never shows, unknown handlers are one warning."""

import logging

from membersync_app.logs import EventQueueFilter, redact_session_cookie


def _record(message, exc_info=None, args=()):
    return logging.LogRecord("reflex_base.event.processor.event_processor", logging.ERROR,
                             __file__, 1, message, args, exc_info)


def test_the_session_cookie_is_redacted_from_any_line():
    record = _record("Error for Event(headers={'cookie': 'a=1; membersync_session=SeCrEt-t0k; "
                     "b=2'})")
    assert EventQueueFilter().filter(record)
    assert "SeCrEt-t0k" not in record.getMessage()
    assert "membersync_session=[redacted]; b=2" in record.getMessage()
    assert redact_session_cookie("membersync_session=abc") == "membersync_session=[redacted]"


def test_an_event_naming_no_handler_is_one_warning_without_traceback():
    try:
        raise KeyError("No registered handler found for event: x.no_such_handler")
    except KeyError as error:
        record = _record("Error processing event queue entry for %s", (KeyError, error, None),
                         ("Event(cookie membersync_session=SeCrEt)",))
    assert EventQueueFilter().filter(record)
    assert (record.levelname, record.exc_info) == ("WARNING", None)
    assert "SeCrEt" not in record.getMessage()
