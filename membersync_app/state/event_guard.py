"""The gate every browser event passes before its handler runs (a Reflex middleware).

Two rules, kept in one place so no handler can forget them:
- **Shapes**: a handler runs only with the arguments its signature names, each of the type it
  declares (whole numbers as ASCII digits, never negative; form data as a flat mapping of
  texts). Any other payload is a quiet refusal: nothing runs, no traceback is written.
- **Whose view**: a tab's state belongs to the session its cookie proved. The cookie is read
  from the connection's own HTTP headers at every event; when the session behind it differs
  from the one the tab's state was built for (sign-in, sign-out, expiry, revocation, or a
  client token replayed from another browser), the whole state tree of the tab is reset first,
  so nothing of one person's view reaches the next.
"""

import functools
import inspect
import logging
import types
import typing
from collections.abc import Mapping
from typing import Any

import reflex as rx
from reflex.state import EventHandlerSetVar
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext
from reflex_base.utils.form import FORM_DATA_ENTRIES_KEY
from reflex_base.utils.format import format_event_handler

from ..db import read_only_unit, unit_of_work
from ..services import auth
from ..services.errors import ConcurrentChange
from ..services.validation import whole_number
from .base import AppState, session_token_from_cookie_header

log = logging.getLogger(__name__)

MAX_TEXT = 1_000_000  # characters in one text argument; the socket caps a frame anyway
MAX_WHOLE_NUMBER = 2**53  # what a browser's number can carry exactly


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT


def _is_form_value(value: Any) -> bool:
    return value is None or _is_text(value)  # None: a field with an id that is not shown


def _is_form(value: Any) -> bool:
    """A submitted form: names to texts, plain or as the browser's [name, value] entries."""
    if not isinstance(value, dict):
        return False
    if set(value) == {FORM_DATA_ENTRIES_KEY}:
        entries = value[FORM_DATA_ENTRIES_KEY]
        return isinstance(entries, list) and all(
            isinstance(entry, list) and len(entry) == 2 and _is_text(entry[0])
            and _is_form_value(entry[1])
            for entry in entries
        )
    return all(isinstance(name, str) and _is_form_value(text) for name, text in value.items())


def value_fits(value: Any, hint: Any) -> bool:
    """Whether one argument from the wire has the shape its annotation promises."""
    if hint is Any or hint is inspect.Parameter.empty:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(value_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:  # ids, pages, counts: never negative, never other scripts' digits
        number = whole_number(value)
        return number is not None and number <= MAX_WHOLE_NUMBER
    if hint is float:
        return type(value) in (int, float)
    if hint is str:
        return _is_text(value)
    container = origin or hint
    if isinstance(container, type) and issubclass(container, Mapping):
        return _is_form(value)
    if container is list:
        item_hints = typing.get_args(hint)
        return isinstance(value, list) and (
            not item_hints or all(value_fits(item, item_hints[0]) for item in value)
        )
    return isinstance(value, container) if isinstance(container, type) else True


def payload_fits(fn: Any, payload: Any) -> bool:
    """Whether a payload names exactly the handler's parameters, each with a fitting value."""
    if not isinstance(payload, dict):
        return False
    parameters = list(inspect.signature(fn).parameters.values())[1:]  # after `self`
    hints = typing.get_type_hints(fn)
    if set(payload) - {parameter.name for parameter in parameters}:
        return False
    for parameter in parameters:
        if parameter.name not in payload:
            if parameter.default is inspect.Parameter.empty:
                return False
        elif not value_fits(payload[parameter.name], hints.get(parameter.name, Any)):
            return False
    return True


def _app_handler(event: Event):
    """The handler an event names, when it belongs to one of MemberSync's own states."""
    registered = RegistrationContext.get().event_handlers.get(event.name)
    if registered is None or not issubclass(registered.states[0], AppState):
        return None
    return registered.handler


def _may_run(handler: Any, payload: Any) -> bool:
    # Reflex's generic `setvar` calls any method named set_<name>: MemberSync writes its
    # setters as events, so a client never needs it.
    return not isinstance(handler, EventHandlerSetVar) and payload_fits(handler.fn, payload)


def current_session_id(headers: Mapping[str, str]) -> int | None:
    """The open session the connection's cookie proves; notes it as seen (at most once a
    minute, for "My account")."""
    token = session_token_from_cookie_header(headers.get("cookie", ""))
    if not token:
        return None
    with read_only_unit() as session:
        found = auth.open_session_for_token(session, token=token)
        session_id, due = (found.id, auth.seen_long_ago(found)) if found else (None, False)
    if due:
        try:
            with unit_of_work() as session:
                auth.note_seen(session, session_id=session_id)
        except ConcurrentChange:  # only a "last seen" time: the next event writes it
            log.info("Session %s: last seen not written (busy database).", session_id)
    return session_id


class EventGuard(rx.Middleware):
    """See the module docstring."""

    async def preprocess(self, app, state, event):
        handler = _app_handler(event)
        if handler is not None and not _may_run(handler, event.payload):
            log.warning("Refused %s: its arguments do not fit the handler.", event.name)
            return rx.state.StateUpdate()
        headers = event.router_data.get("headers")
        if headers is None:
            # Chained events and uploads carry no connection of their own: chained ones come
            # from a handler that already passed here, uploads pass the upload gate (web.py).
            return None
        session_id = current_session_id(headers)
        app_state = await state._get_root_state().get_state(AppState)
        if app_state._session_id != session_id:
            await app_state._reset_view(session_id)
        elif event.name in _page_load_events():
            app_state.leave_to = ""  # a whole page loaded: the browser has left already
        return None


@functools.cache
def _page_load_events() -> frozenset[str]:
    return frozenset(format_event_handler(rx.State.event_handlers[name])
                     for name in ("hydrate", "hydrate_and_load"))
