"""The event guard: every MemberSync handler runs only with arguments of the shape it declares,
and the session cookie is read from the connection's headers (state/event_guard.py)."""

import inspect
import typing

import pytest
import reflex as rx
from reflex.state import EventHandlerSetVar
from reflex_base.utils.form import FORM_DATA_ENTRIES_KEY

import membersync_app.membersync_app  # noqa: F401  (registers every page, so every state)
from membersync_app.state.base import AppState, session_token_from_cookie_header
from membersync_app.state.event_guard import _may_run, payload_fits, value_fits


def _app_states(cls=AppState):
    yield cls
    for substate in cls.get_substates():
        yield from _app_states(substate)


HANDLERS = sorted(
    {(f"{state.__name__}.{name}", handler) for state in _app_states()
     for name, handler in state.event_handlers.items()
     if not isinstance(handler, EventHandlerSetVar)},
    key=lambda pair: pair[0],
)


def _parameters(handler):
    return list(inspect.signature(handler.fn).parameters.values())[1:]


def _good_value(hint):
    hint = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
    origin = typing.get_origin(hint) or hint
    return {bool: True, int: 3, str: "text", float: 1.5}.get(
        origin, {"name": "Ann"} if origin in (dict, rx.form.FormData) else [])


def _good_payload(handler):
    hints = typing.get_type_hints(handler.fn)
    return {p.name: _good_value(hints.get(p.name, str)) for p in _parameters(handler)}


def test_the_app_has_handlers_to_guard():
    assert len(HANDLERS) > 60


@pytest.mark.parametrize(("name", "handler"), HANDLERS, ids=[n for n, _ in HANDLERS])
def test_every_handler_accepts_its_own_shape_and_refuses_others(name, handler):
    good = _good_payload(handler)
    assert payload_fits(handler.fn, good), name
    assert not payload_fits(handler.fn, "a string")
    assert not payload_fits(handler.fn, [good])
    assert not payload_fits(handler.fn, {**good, "forged_role": "owner"})
    hints = typing.get_type_hints(handler.fn)
    for parameter in _parameters(handler):
        missing = {k: v for k, v in good.items() if k != parameter.name}
        assert not payload_fits(handler.fn, missing), f"{name} without {parameter.name}"
        hint = hints.get(parameter.name)
        for wrong in ({"nested": {"a": 1}}, ["x"], 7.5) if hint is not None else ():
            if not value_fits(wrong, hint):
                assert not payload_fits(handler.fn, {**good, parameter.name: wrong})


@pytest.mark.parametrize(("value", "fits"), [
    (12, True), ("12", True), (0, True), ("-3", False), (-3, False), ("١٢", False),
    ("12.0", False), ("", False), (True, False), (12.0, False), (2**60, False),
    ("9" * 40, False), (None, False), ([1], False),
])
def test_whole_numbers_are_ascii_digits_of_sane_size(value, fits):
    assert value_fits(value, int) is fits


@pytest.mark.parametrize(("value", "fits"), [
    ({"name": "Ann", "email": "a@example.com"}, True),
    ({FORM_DATA_ENTRIES_KEY: [["name", "Ann"], ["course_ids", "3"]]}, True),
    ({FORM_DATA_ENTRIES_KEY: [["name", "Ann"], ["hidden_field", None]]}, True),
    ({FORM_DATA_ENTRIES_KEY: [[None, "Ann"]]}, False),
    ({FORM_DATA_ENTRIES_KEY: [["name"]]}, False),
    ({FORM_DATA_ENTRIES_KEY: "name=Ann"}, False),
    ({"name": {"first": "Ann"}}, False),
    ({"name": ["Ann"]}, False),
    ({"name": 5}, False),
    ("name=Ann", False),
    (["name", "Ann"], False),
])
def test_forms_are_flat_mappings_of_text(value, fits):
    assert value_fits(value, dict) is fits


def test_reflex_setvar_never_runs_on_membersync_states():
    setvar = AppState.event_handlers["setvar"]
    assert isinstance(setvar, EventHandlerSetVar)
    assert not _may_run(setvar, {"var_name": "viewer_is_staff", "value": True})


@pytest.mark.parametrize(("header", "token"), [
    ("membersync_session=abc123", "abc123"),
    ("theme=dark; membersync_session=tok-en_1; other=x", "tok-en_1"),
    ("", ""),
    ("other=1", ""),
    ('membersync_session="unterminated', ""),
])
def test_the_session_token_comes_from_the_cookie_header(header, token):
    assert session_token_from_cookie_header(header) == token
